"""Instruction words to GNU assembly text, driven by the operand kinds of the ISA table.

The text matches `riscv64-linux-gnu-objdump -d -M no-aliases`: canonical mnemonics (no pseudo-instructions),
ABI register names, `.aq`/`.rl` suffixes, the rounding mode only when it is not the default.
"""

from b2i.sim.isa import CSR_NAMES, FLOAT_REGS, INT_REGS, ROUNDING_MODES, Decoded, decode, default_fields

FENCE_SET = "iorw"


def fence_set(bits: int) -> str:
    """A fence predecessor/successor set as GNU writes it: "iorw", "rw", "0"."""
    return "".join(ch for i, ch in enumerate(FENCE_SET) if bits >> (3 - i) & 1) or "0"


def format_operand(kind: str, d: Decoded, pc: int | None) -> str | None:
    """One operand as text; None when it is left out (a default rounding mode)."""
    f = d.fields
    match kind:
        case "rd" | "rs1" | "rs2":
            return INT_REGS[f[kind]]
        case "fd" | "fs1" | "fs2" | "fs3":
            return FLOAT_REGS[f["r" + kind[1:]]]
        case "sp":
            return "sp"
        case "imm" | "zimm":
            return str(f["imm"])
        case "shamt":
            return hex(f["shamt"])
        case "hi20":
            return hex((f["imm"] >> 12) & 0xFFFFF)
        case "target":
            if pc is None:  # text an assembler reads back
                return f".{f['imm']:+d}"
            return f"{(pc + f['imm']) & 0xFFFFFFFFFFFFFFFF:x}"
        case "imm(rs1)":
            return f"{f['imm']}({INT_REGS[f['rs1']]})"
        case "imm(sp)":
            return f"{f['imm']}(sp)"
        case "(rs1)":
            return f"({INT_REGS[f['rs1']]})"
        case "csr":
            return CSR_NAMES.get(f["csr"], hex(f["csr"]))
        case "pred" | "succ":
            return fence_set(f[kind])
        case "rm":
            if f["rm"] == default_fields(d.op)["rm"]:
                return None
            return ROUNDING_MODES[f["rm"]] or f"rm{f['rm']}"
    raise AssertionError(f"unknown operand kind {kind!r}")


def mnemonic(d: Decoded) -> str:
    """The op's name plus the atomic ordering suffix."""
    suffix = {(1, 0): ".aq", (0, 1): ".rl", (1, 1): ".aqrl"}.get((d.fields.get("aq", 0), d.fields.get("rl", 0)), "")
    return d.op.name + suffix


def format_instruction(d: Decoded, pc: int | None = None) -> str:
    """`mnemonic<TAB>operands` as objdump prints it. With pc=None, branch targets are written `.+N` so
    the text assembles back to the same word anywhere."""
    if d.op.name == "c.nop":
        return "c.addi\tzero,0"  # GNU's name for it, even with -M no-aliases
    operands = [text for kind in d.op.operands if (text := format_operand(kind, d, pc)) is not None]
    return f"{mnemonic(d)}\t{','.join(operands)}" if operands else mnemonic(d)


def disassemble(word: int, pc: int | None = None) -> str:
    """The text of one instruction word; `.insn` form for a word that is no instruction."""
    d = decode(word)
    if d is None and word & 0xFFFF == 0:
        return "c.unimp"  # the all-zero parcel: reserved, and GNU's name for it
    if d is None:
        size = 2 if word & 3 != 3 else 4
        return f".{size}byte\t{hex(word & ((1 << (8 * size)) - 1))}"
    return format_instruction(d, pc)
