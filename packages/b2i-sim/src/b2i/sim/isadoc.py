"""The ISA reference page, written from the instruction table (`python -m b2i.sim.isadoc > docs/isa.md`).

A test checks that the committed page is what this module renders, so the page cannot drift from the table.
"""

from b2i.sim.isa import EXPANSIONS, FORMATS, OPS, Op

EXTENSIONS = [("I", "RV64I base"), ("M", "M: multiply and divide"), ("A", "A: atomics"),
              ("F", "F: single precision"), ("D", "D: double precision"), ("Zicsr", "Zicsr: control registers"),
              ("Zifencei", "Zifencei: instruction fence"), ("Priv", "Privileged"),
              ("C", "C: compressed (decoded, never emitted)")]


def bit_pattern(op: Op) -> str:
    """The encoding, high bit first: fixed bits as 0/1, variable fields by name, runs split by spaces."""
    owner = {}
    for f in op.fields:
        for lo, width, _ in f.pieces:
            for bit in range(lo, lo + width):
                owner[bit] = f.name
    runs: list[list[str]] = []
    for bit in range(8 * op.size - 1, -1, -1):
        label = str(op.match >> bit & 1) if op.mask >> bit & 1 else owner.get(bit, "?")
        kind = "fixed" if op.mask >> bit & 1 else label
        if runs and runs[-1][0] == kind:
            runs[-1].append(label)
        else:
            runs.append([kind, label])
    return " ".join("".join(run[1:]) if run[0] == "fixed" else run[0] for run in runs)


def render_markdown() -> str:
    lines = [
        "# The instruction set",
        "",
        "Generated from `b2i.sim.isa` (the one table the assembler, disassembler, simulator and the RTL tests",
        "read) by `python -m b2i.sim.isadoc`. Each row: the GNU mnemonic, its format, its assembly operands,",
        "and its encoding from bit 31 (bit 15 for compressed) down to bit 0: fixed bits as 0/1, fields by name.",
        "Operand kinds: `rd rs1 rs2` integer registers, `fd fs1 fs2 fs3` float registers, `imm` a signed",
        "immediate, `hi20` the upper immediate of lui/auipc, `target` a pc-relative label, `imm(rs1)` an address,",
        "`(rs1)` an atomic's address, `csr` a CSR name or number, `zimm` a 5-bit unsigned immediate, `pred/succ`",
        "fence sets, `rm` an optional rounding mode (rne rtz rdn rup rmm dyn).",
        "",
        f"{len(OPS)} instructions; formats: {', '.join(FORMATS)}.",
        "The compressed instructions are decoded only (for gcc and glibc binaries); `stands for` is the base",
        "instruction the simulator executes in their place (`b2i.sim.isa.expand`).",
        "",
    ]
    for ext, title in EXTENSIONS:
        ops = [op for op in OPS if op.ext == ext]
        lines += [f"## {title}", ""]
        header = "| mnemonic | format | operands | encoding |"
        if ext == "C":
            header = "| mnemonic | format | operands | encoding | stands for |"
        lines += [header, "|" + "---|" * header.count(" | ") + "---|"]
        for op in ops:
            row = f"| `{op.name}` | {op.fmt} | `{', '.join(op.operands) or '-'}` | `{bit_pattern(op)}` |"
            if ext == "C":
                base, mapping = EXPANSIONS[op.name]
                args = ", ".join(f"{k}={v}" for k, v in mapping.items())
                row += f" `{base}` {args} |"
            lines.append(row)
        lines.append("")
    return "\n".join(lines)


if __name__ == "__main__":
    print(render_markdown(), end="")
