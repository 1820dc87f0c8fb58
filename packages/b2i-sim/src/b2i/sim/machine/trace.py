"""The commit log of stack.md section 4: one line per retired instruction, in Spike's style.

    core   0: 3 0x0000000080000000 (0x00000297) x5  0x0000000080000000

Fields: the privilege level the instruction ran in (as Spike logs it: an mret shows 3), the pc, the
instruction word (4 hex digits for a compressed one), then the register the instruction wrote, if any (`x5 `
or `f10`, value after the write). Writes to x0 are not shown. The RTL runner prints the same lines, so a
lockstep comparison names the first instruction where the two differ.
"""

from b2i.sim.isa import Decoded


def destination(decoded: Decoded | None) -> tuple[str, int] | None:
    """('x' or 'f', register number) that an (expanded) instruction writes, read off its operand kinds."""
    if decoded is None or not decoded.op.operands:
        return None
    first = decoded.op.operands[0]
    if first == "rd":
        return ("x", decoded.fields["rd"]) if decoded.fields.get("rd") else None
    if first == "fd":
        return "f", decoded.fields["rd"]
    return None


def commit_line(h, priv: int, pc: int, word: int, size: int, decoded: Decoded | None) -> str:
    """The commit-log line for the instruction at pc that just retired on hart h, in privilege level priv."""
    dest = destination(decoded)
    value = 0 if dest is None else h.x[dest[1]] if dest[0] == "x" else h.f[dest[1]]
    return format_commit(priv, pc, word, size, dest, value)


def format_commit(priv: int, pc: int, word: int, size: int, dest: tuple[str, int] | None, value: int) -> str:
    """One line of the log from its fields (`value`: the destination register's after the write). The fast
    engine's tracing blocks record these fields natively and format them here, so both engines print alike."""
    text = f"core   0: {priv} 0x{pc:016x} (0x{word:0{2 * size}x})"
    if dest is not None:
        text += f" {dest[0]}{dest[1]:<2} 0x{value:016x}"
    return text + "\n"
