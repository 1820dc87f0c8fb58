"""RISC-V integer semantics in plain Python, written from the ISA manual: the model the cocotb benches check."""

MASK = (1 << 64) - 1
EDGE_VALUES = [0, 1, 2, MASK, MASK - 1, 1 << 63, (1 << 63) - 1, 1 << 31, (1 << 31) - 1, 0xFFFF_FFFF,
               0xFFFF_FFFF_8000_0000, 0x7FFF_FFFF_FFFF_FFFE, 63, 64, 31, 32]


def sx(value: int, bits: int) -> int:
    """The signed value of the low `bits` bits."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def alu(op: str, a: int, b: int, word: bool) -> int:
    """ADD..AND and their W forms; results as unsigned 64-bit."""
    if word:
        a32, sh = a & 0xFFFF_FFFF, b & 31
        result = {"add": a + b, "sub": a - b, "sll": a32 << sh, "srl": a32 >> sh, "sra": sx(a, 32) >> sh}[op]
        return sx(result, 32) & MASK
    sh = b & 63
    return {
        "add": a + b, "sub": a - b, "sll": a << sh, "slt": int(sx(a, 64) < sx(b, 64)), "sltu": int(a < b),
        "xor": a ^ b, "srl": a >> sh, "sra": sx(a, 64) >> sh, "or": a | b, "and": a & b, "passb": b,
    }[op] & MASK


def _div(a: int, b: int) -> tuple[int, int]:
    """Signed division truncating toward zero, as RISC-V (and C) define it."""
    q = abs(a) // abs(b)
    q = -q if (a < 0) != (b < 0) else q
    return q, a - b * q


def muldiv(op: str, a: int, b: int, word: bool) -> int:
    """MUL..REMU and the W forms, including division by zero and signed overflow (no traps)."""
    bits = 32 if word else 64
    ua, ub = a & ((1 << bits) - 1), b & ((1 << bits) - 1)
    sa, sb = sx(a, bits), sx(b, bits)
    if op == "mul":
        r = ua * ub
    elif op == "mulh":
        r = (sa * sb) >> 64
    elif op == "mulhsu":
        r = (sa * ub) >> 64
    elif op == "mulhu":
        r = (ua * ub) >> 64
    elif op == "div":
        r = -1 if sb == 0 else sa if (sa == -(1 << (bits - 1)) and sb == -1) else _div(sa, sb)[0]
    elif op == "divu":
        r = -1 if ub == 0 else ua // ub
    elif op == "rem":
        r = sa if sb == 0 else 0 if (sa == -(1 << (bits - 1)) and sb == -1) else _div(sa, sb)[1]
    else:  # remu
        r = ua if ub == 0 else ua % ub
    return (sx(r, 32) if word else r) & MASK
