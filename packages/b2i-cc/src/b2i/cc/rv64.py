"""How C values sit in RV64 registers and memory: constants as registers hold them, narrow integers extended by
their signedness, load and store opcodes."""


def fits12(n):
    """Does n fit a 12-bit signed immediate (addi, loads, stores)?"""
    return -2048 <= n <= 2047


def signed64(v):
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 else v


def register_value(v, ty):
    """How a constant of type ty sits in a register: 32-bit values sign-extended, even unsigned ones."""
    if ty.size == 4 and ty.is_integer():
        v &= 0xFFFFFFFF
        return v - (1 << 32) if v >> 31 else v
    return signed64(v)


def load_op(ty):
    if ty.size == 8:
        return "ld"
    return {1: "lb", 2: "lh", 4: "lw"}[ty.size] + ("u" if ty.unsigned and ty.size < 4 else "")


def store_op(ty):
    return {1: "sb", 2: "sh", 4: "sw", 8: "sd"}[ty.size]


def narrow(out, r, ty) -> list[str]:
    """The instructions leaving in out the value of r converted to the integer type ty (4 bytes or narrower),
    extended to 64 bits as the psABI keeps it: 32-bit values sign-extended, narrower ones by their signedness."""
    if ty.size == 8:
        return []
    if ty.size == 4:
        return [f"sext.w {out}, {r}"]
    if ty.size == 2:
        return [f"slli {out}, {r}, 48", f"{'srli' if ty.unsigned else 'srai'} {out}, {out}, 48"]
    if ty.unsigned:
        return [f"andi {out}, {r}, 255"]
    return [f"slli {out}, {r}, 56", f"srai {out}, {out}, 56"]
