"""Pseudo-instructions: each is rewritten into base instructions, as GNU as does, and assembled again.

Expansions are templates over the source operands ({0}, {1}...), which the assembler fills with the
operands' own tokens (so errors still point at them). Some need a decision: `li` builds any 64-bit constant
with GNU's sequence; `la`/`lla` and loads/stores of a symbol make auipc pairs with a fresh %pcrel_lo label.
"""

from collections.abc import Callable

# (mnemonic, operand count) -> base instructions.
TEMPLATES: dict[tuple[str, int], list[str]] = {
    ("nop", 0): ["addi zero, zero, 0"],
    ("mv", 2): ["addi {0}, {1}, 0"],
    ("not", 2): ["xori {0}, {1}, -1"],
    ("neg", 2): ["sub {0}, zero, {1}"],
    ("negw", 2): ["subw {0}, zero, {1}"],
    ("sext.w", 2): ["addiw {0}, {1}, 0"],
    ("zext.b", 2): ["andi {0}, {1}, 255"],
    ("sext.b", 2): ["slli {0}, {1}, 56", "srai {0}, {0}, 56"],
    ("sext.h", 2): ["slli {0}, {1}, 48", "srai {0}, {0}, 48"],
    ("zext.h", 2): ["slli {0}, {1}, 48", "srli {0}, {0}, 48"],
    ("zext.w", 2): ["slli {0}, {1}, 32", "srli {0}, {0}, 32"],
    ("seqz", 2): ["sltiu {0}, {1}, 1"],
    ("snez", 2): ["sltu {0}, zero, {1}"],
    ("sltz", 2): ["slt {0}, {1}, zero"],
    ("sgtz", 2): ["slt {0}, zero, {1}"],
    ("sgt", 3): ["slt {0}, {2}, {1}"],
    ("sgtu", 3): ["sltu {0}, {2}, {1}"],
    ("fgt.s", 3): ["flt.s {0}, {2}, {1}"],
    ("fge.s", 3): ["fle.s {0}, {2}, {1}"],
    ("fgt.d", 3): ["flt.d {0}, {2}, {1}"],
    ("fge.d", 3): ["fle.d {0}, {2}, {1}"],
    ("beqz", 2): ["beq {0}, zero, {1}"],
    ("bnez", 2): ["bne {0}, zero, {1}"],
    ("blez", 2): ["bge zero, {0}, {1}"],
    ("bgez", 2): ["bge {0}, zero, {1}"],
    ("bltz", 2): ["blt {0}, zero, {1}"],
    ("bgtz", 2): ["blt zero, {0}, {1}"],
    ("bgt", 3): ["blt {1}, {0}, {2}"],
    ("ble", 3): ["bge {1}, {0}, {2}"],
    ("bgtu", 3): ["bltu {1}, {0}, {2}"],
    ("bleu", 3): ["bgeu {1}, {0}, {2}"],
    ("j", 1): ["jal zero, {0}"],
    ("jal", 1): ["jal ra, {0}"],
    ("jr", 1): ["jalr zero, 0({0})"],
    ("jr", 2): ["jalr zero, {1}({0})"],
    ("jalr", 1): ["jalr ra, 0({0})"],
    ("ret", 0): ["jalr zero, 0(ra)"],
    ("fmv.s", 2): ["fsgnj.s {0}, {1}, {1}"],
    ("fabs.s", 2): ["fsgnjx.s {0}, {1}, {1}"],
    ("fneg.s", 2): ["fsgnjn.s {0}, {1}, {1}"],
    ("fmv.d", 2): ["fsgnj.d {0}, {1}, {1}"],
    ("fabs.d", 2): ["fsgnjx.d {0}, {1}, {1}"],
    ("fneg.d", 2): ["fsgnjn.d {0}, {1}, {1}"],
    ("fmv.x.s", 2): ["fmv.x.w {0}, {1}"],
    ("fmv.s.x", 2): ["fmv.w.x {0}, {1}"],
    ("csrr", 2): ["csrrs {0}, {1}, zero"],
    ("csrw", 2): ["csrrw zero, {0}, {1}"],
    ("csrs", 2): ["csrrs zero, {0}, {1}"],
    ("csrc", 2): ["csrrc zero, {0}, {1}"],
    ("csrwi", 2): ["csrrwi zero, {0}, {1}"],
    ("csrsi", 2): ["csrrsi zero, {0}, {1}"],
    ("csrci", 2): ["csrrci zero, {0}, {1}"],
    ("rdcycle", 1): ["csrrs {0}, cycle, zero"],
    ("rdtime", 1): ["csrrs {0}, time, zero"],
    ("rdinstret", 1): ["csrrs {0}, instret, zero"],
    ("frcsr", 1): ["csrrs {0}, fcsr, zero"],
    ("fscsr", 1): ["csrrw zero, fcsr, {0}"],
    ("fscsr", 2): ["csrrw {0}, fcsr, {1}"],
    ("frrm", 1): ["csrrs {0}, frm, zero"],
    ("fsrm", 1): ["csrrw zero, frm, {0}"],
    ("fsrm", 2): ["csrrw {0}, frm, {1}"],
    ("fsrmi", 1): ["csrrwi zero, frm, {0}"],
    ("fsrmi", 2): ["csrrwi {0}, frm, {1}"],
    ("frflags", 1): ["csrrs {0}, fflags, zero"],
    ("fsflags", 1): ["csrrw zero, fflags, {0}"],
    ("fsflags", 2): ["csrrw {0}, fflags, {1}"],
    ("fsflagsi", 1): ["csrrwi zero, fflags, {0}"],
    ("fsflagsi", 2): ["csrrwi {0}, fflags, {1}"],
    ("fence", 0): ["fence iorw, iorw"],
    ("sfence.vma", 0): ["sfence.vma zero, zero"],
    ("sfence.vma", 1): ["sfence.vma {0}, zero"],
    ("unimp", 0): ["csrrw zero, cycle, zero"],
    ("scall", 0): ["ecall"],
    ("sbreak", 0): ["ebreak"],
    ("pause", 0): ["fence w, 0"],
}

# Register-register ops written with an immediate become their -i form ("add a0, a1, 5" is "addi").
IMMEDIATE_FORMS = {"add": "addi", "and": "andi", "or": "ori", "xor": "xori", "sll": "slli", "srl": "srli",
                   "sra": "srai", "slt": "slti", "sltu": "sltiu", "addw": "addiw", "sllw": "slliw",
                   "srlw": "srliw", "sraw": "sraiw", "csrrw": "csrrwi", "csrrs": "csrrsi", "csrrc": "csrrci",
                   "csrw": "csrwi", "csrs": "csrsi", "csrc": "csrci"}

LOADS = {"lb", "lh", "lw", "ld", "lbu", "lhu", "lwu", "flw", "fld"}
STORES = {"sb", "sh", "sw", "sd", "fsw", "fsd"}


# Every name `expand` may rewrite; other mnemonics skip it.
NAMES = ({name for name, _ in TEMPLATES} | set(IMMEDIATE_FORMS) | LOADS | STORES
         | {"li", "la", "lla", "lga", "jalr"})


def _signed64(value: int) -> int:
    return (value + (1 << 63)) % (1 << 64) - (1 << 63)


def li_sequence(rd: str, value: int) -> list[str]:
    """GNU's constant builder: lui/addiw for 32-bit values, else build the upper part, shift, add the rest."""
    value = _signed64(value)
    if -2048 <= value < 2048:
        return [f"addi {rd}, zero, {value}"]
    return _load_const(rd, value)


def _load_const(rd: str, value: int) -> list[str]:
    lower = ((value & 0xFFF) ^ 0x800) - 0x800
    upper = _signed64(value - lower)  # GNU computes in int64: 2**63-1 - (-1) wraps to -2**63, built as -1 << 63
    if not -(1 << 31) <= value < (1 << 31):
        shift = 12
        while not (upper >> shift) & 1:
            shift += 1
        lines = _load_const(rd, upper >> shift)
        lines.append(f"slli {rd}, {rd}, {shift}")
        if lower:
            lines.append(f"addi {rd}, {rd}, {lower}")
        return lines
    lines, base = [], "zero"
    if upper:
        lines.append(f"lui {rd}, {(upper & 0xFFFFFFFF) >> 12:#x}")
        base = rd
    if lower or base == "zero":
        lines.append(f"addiw {rd}, {base}, {lower}")
    return lines


def expand(name: str, ops: list[str], fresh_label: Callable[[], str], constant: Callable[[int], int],
           is_register: Callable[[str], bool], pic: bool) -> list[str] | None:
    """The base instructions (templates) for a pseudo-instruction, or None for a base instruction.

    `ops` are the operands' source texts; `fresh_label()` names a new label for a %pcrel_lo pair;
    `constant(i)` evaluates operand i; `is_register(text)` tells registers from expressions.
    """
    n = len(ops)
    if (name, n) in TEMPLATES:
        return TEMPLATES[name, n]
    if name in IMMEDIATE_FORMS and n >= 2 and not is_register(ops[-1]):
        return [IMMEDIATE_FORMS[name] + " " + ", ".join(f"{{{i}}}" for i in range(n))]
    if name == "li" and n == 2:
        return li_sequence("{0}", constant(1))
    if name in ("la", "lla", "lga") and n == 2:
        label = fresh_label()
        if name == "lga" or (name == "la" and pic):
            return [f"{label}:", "auipc {0}, %got_pcrel_hi({1})", f"ld {{0}}, %pcrel_lo({label})({{0}})"]
        return [f"{label}:", "auipc {0}, %pcrel_hi({1})", f"addi {{0}}, {{0}}, %pcrel_lo({label})"]
    if name in LOADS and n == 2 and "(" not in ops[1] and name[0] != "f":
        label = fresh_label()
        return [f"{label}:", "auipc {0}, %pcrel_hi({1})", f"{name} {{0}}, %pcrel_lo({label})({{0}})"]
    if (name in LOADS or name in STORES) and n == 3:  # flw fa0, sym, t0 / sw a0, sym, t0
        label = fresh_label()
        return [f"{label}:", "auipc {2}, %pcrel_hi({1})", f"{name} {{0}}, %pcrel_lo({label})({{2}})"]
    if name == "jalr" and n == 2 and is_register(ops[1]):
        return ["jalr {0}, 0({1})"]
    if name == "jalr" and n == 3:
        return ["jalr {0}, {2}({1})"]
    return None
