"""IEEE 754 binary32/binary64 arithmetic as RISC-V F and D define it, on raw bit patterns.

Every operation works on exact rationals (`fractions.Fraction`) and rounds once, so correctness rests on one
function, `round_bits`, instead of on the host's floating point. Results follow the RISC-V rules: NaN results
are the canonical NaN, tininess is detected after rounding, conversions to integers saturate, and each
operation returns the accrued flags (NV DZ OF UF NX) beside the result bits.
"""

from dataclasses import dataclass
from fractions import Fraction
from math import isqrt

# fflags bits (fcsr[4:0])
NX, UF, OF, DZ, NV = 1, 2, 4, 8, 16
# rounding modes (instruction rm field and fcsr.frm)
RNE, RTZ, RDN, RUP, RMM, DYN = 0, 1, 2, 3, 4, 7


@dataclass(frozen=True)
class Format:
    """An IEEE binary interchange format: exponent and fraction widths."""

    bits: int
    ebits: int
    mbits: int  # fraction bits, without the hidden one

    @property
    def bias(self) -> int:
        return (1 << (self.ebits - 1)) - 1

    @property
    def emin(self) -> int:
        return 1 - self.bias

    @property
    def emax(self) -> int:
        return self.bias

    @property
    def exp_mask(self) -> int:
        return (1 << self.ebits) - 1

    @property
    def sign_bit(self) -> int:
        return 1 << (self.bits - 1)

    @property
    def canonical_nan(self) -> int:
        return (self.exp_mask << self.mbits) | (1 << (self.mbits - 1))

    @property
    def inf(self) -> int:
        return self.exp_mask << self.mbits

    @property
    def max_finite(self) -> int:
        return ((self.exp_mask - 1) << self.mbits) | ((1 << self.mbits) - 1)


S = Format(32, 8, 23)
D = Format(64, 11, 52)

# classes of a value, also the bit numbers of fclass's result (negative ones are 0..3 mirrored)
ZERO, SUBNORMAL, NORMAL, INF, SNAN, QNAN = "zero", "subnormal", "normal", "inf", "snan", "qnan"


def unpack(bits: int, fmt: Format) -> tuple[str, int, Fraction]:
    """(class, sign, magnitude) of a bit pattern; the magnitude is exact and 0 for zeros, infinities and NaNs."""
    sign = bits >> (fmt.bits - 1) & 1
    exp = bits >> fmt.mbits & fmt.exp_mask
    frac = bits & ((1 << fmt.mbits) - 1)
    if exp == fmt.exp_mask:
        if frac == 0:
            return INF, sign, Fraction(0)
        return (QNAN if frac >> (fmt.mbits - 1) else SNAN), sign, Fraction(0)
    if exp == 0:
        if frac == 0:
            return ZERO, sign, Fraction(0)
        return SUBNORMAL, sign, _scale(frac, fmt.emin - fmt.mbits)
    return NORMAL, sign, _scale(frac | (1 << fmt.mbits), exp - fmt.bias - fmt.mbits)


def _scale(n: int, e: int) -> Fraction:
    return Fraction(n << e) if e >= 0 else Fraction(n, 1 << -e)


def _round_scaled(n: int, d: int, shift: int, negative: bool, rm: int) -> tuple[int, bool]:
    """Round (n/d) * 2**shift (positive) to an integer by rm; also say whether it was inexact."""
    if shift >= 0:
        n <<= shift
    else:
        d <<= -shift
    q, r = divmod(n, d)
    if r == 0:
        return q, False
    if rm == RNE:
        up = 2 * r > d or (2 * r == d and q & 1)
    elif rm == RMM:
        up = 2 * r >= d
    elif rm == RDN:
        up = negative
    elif rm == RUP:
        up = not negative
    else:  # RTZ
        up = False
    return q + up, True


def _floor_log2(v: Fraction) -> int:
    n, d = v.numerator, v.denominator
    e = n.bit_length() - d.bit_length()
    if (e >= 0 and n < d << e) or (e < 0 and n << -e < d):
        e -= 1
    return e


def round_bits(sign: int, mag: Fraction, fmt: Format, rm: int) -> tuple[int, int]:
    """The bit pattern nearest (by rm) to the exact value (-1)**sign * mag, and the flags it raises."""
    sbit = fmt.sign_bit if sign else 0
    if mag == 0:
        return sbit, 0
    n, d = mag.numerator, mag.denominator
    e = _floor_log2(mag)
    p = fmt.mbits + 1
    # tininess after rounding: round to p bits with an unbounded exponent range, then compare with 2**emin
    sig, _ = _round_scaled(n, d, fmt.mbits - e, bool(sign), rm)
    tiny = e < fmt.emin and not (sig >> p and e + 1 == fmt.emin)
    exp = max(e, fmt.emin)
    sig, inexact = _round_scaled(n, d, fmt.mbits - exp, bool(sign), rm)
    if sig >> p:
        sig >>= 1
        exp += 1
    flags = NX if inexact else 0
    if tiny and inexact:
        flags |= UF
    if exp > fmt.emax:
        to_inf = rm in (RNE, RMM) or (rm == RUP and not sign) or (rm == RDN and sign)
        return sbit | (fmt.inf if to_inf else fmt.max_finite), OF | NX
    if sig >> fmt.mbits == 0:  # subnormal: biased exponent 0
        return sbit | sig, flags
    return sbit | (exp + fmt.bias) << fmt.mbits | (sig & ((1 << fmt.mbits) - 1)), flags


def _nan_flags(*classes: str) -> int:
    return NV if SNAN in classes else 0


def _is_nan(cls: str) -> bool:
    return cls in (SNAN, QNAN)


def _signed(sign: int, mag: Fraction) -> Fraction:
    return -mag if sign else mag


def _sum(sa: int, va: Fraction, sb: int, vb: Fraction, fmt: Format, rm: int) -> tuple[int, int]:
    """Round the exact sum of two finite signed values, with IEEE's rule for the sign of an exact zero."""
    total = _signed(sa, va) + _signed(sb, vb)
    if total == 0:
        sign = sa if sa == sb else int(rm == RDN)
        return (fmt.sign_bit if sign else 0), 0
    return round_bits(int(total < 0), abs(total), fmt, rm)


def add(a: int, b: int, fmt: Format, rm: int, subtract: bool = False) -> tuple[int, int]:
    ca, sa, va = unpack(a, fmt)
    cb, sb, vb = unpack(b, fmt)
    sb ^= subtract
    if _is_nan(ca) or _is_nan(cb):
        return fmt.canonical_nan, _nan_flags(ca, cb)
    if ca == INF or cb == INF:
        if ca == INF and cb == INF and sa != sb:
            return fmt.canonical_nan, NV
        sign = sa if ca == INF else sb
        return (fmt.sign_bit if sign else 0) | fmt.inf, 0
    return _sum(sa, va, sb, vb, fmt, rm)


def mul(a: int, b: int, fmt: Format, rm: int) -> tuple[int, int]:
    ca, sa, va = unpack(a, fmt)
    cb, sb, vb = unpack(b, fmt)
    sign = sa ^ sb
    if _is_nan(ca) or _is_nan(cb):
        return fmt.canonical_nan, _nan_flags(ca, cb)
    if INF in (ca, cb):
        if ZERO in (ca, cb):
            return fmt.canonical_nan, NV
        return (fmt.sign_bit if sign else 0) | fmt.inf, 0
    return round_bits(sign, va * vb, fmt, rm)


def div(a: int, b: int, fmt: Format, rm: int) -> tuple[int, int]:
    ca, sa, va = unpack(a, fmt)
    cb, sb, vb = unpack(b, fmt)
    sbit = fmt.sign_bit if sa ^ sb else 0
    if _is_nan(ca) or _is_nan(cb):
        return fmt.canonical_nan, _nan_flags(ca, cb)
    if (ca == INF and cb == INF) or (ca == ZERO and cb == ZERO):
        return fmt.canonical_nan, NV
    if ca == INF:
        return sbit | fmt.inf, 0
    if cb == INF or ca == ZERO:
        return sbit, 0
    if cb == ZERO:
        return sbit | fmt.inf, DZ
    return round_bits(sa ^ sb, va / vb, fmt, rm)


def sqrt(a: int, fmt: Format, rm: int) -> tuple[int, int]:
    ca, sa, va = unpack(a, fmt)
    if _is_nan(ca):
        return fmt.canonical_nan, _nan_flags(ca)
    if ca == ZERO:
        return a, 0
    if sa:
        return fmt.canonical_nan, NV
    if ca == INF:
        return a, 0
    # va = m * 2**e exactly; make e even, widen m so the root has >= p + 2 bits, then isqrt.
    m, e = va.numerator, 0
    den = va.denominator
    if den != 1:
        e = -(den.bit_length() - 1)  # denominators are powers of two
    if e & 1:
        m <<= 1
        e -= 1
    widen = 2 * (fmt.mbits + 4)
    m <<= widen
    e -= widen
    root = isqrt(m)
    exact = root * root == m
    approx = Fraction(root) if exact else Fraction(2 * root + 1, 2)  # strictly between root and root + 1
    return round_bits(0, approx * _scale(1, e // 2), fmt, rm)


def fma(a: int, b: int, c: int, fmt: Format, rm: int, negate_product: bool, negate_addend: bool) -> tuple[int, int]:
    """(+/-)(a * b) (+/-) c with a single rounding: fmadd, fmsub, fnmsub, fnmadd."""
    ca, sa, va = unpack(a, fmt)
    cb, sb, vb = unpack(b, fmt)
    cc, sc, vc = unpack(c, fmt)
    sp = sa ^ sb ^ negate_product
    sc ^= negate_addend
    inf_times_zero = (ca == INF and cb == ZERO) or (ca == ZERO and cb == INF)
    if _is_nan(ca) or _is_nan(cb) or _is_nan(cc):
        return fmt.canonical_nan, _nan_flags(ca, cb, cc) | (NV if inf_times_zero else 0)
    if inf_times_zero:
        return fmt.canonical_nan, NV
    if INF in (ca, cb):
        if cc == INF and sc != sp:
            return fmt.canonical_nan, NV
        return (fmt.sign_bit if sp else 0) | fmt.inf, 0
    if cc == INF:
        return (fmt.sign_bit if sc else 0) | fmt.inf, 0
    return _sum(sp, va * vb, sc, vc, fmt, rm)


def minmax(a: int, b: int, fmt: Format, want_max: bool) -> tuple[int, int]:
    ca, sa, va = unpack(a, fmt)
    cb, sb, vb = unpack(b, fmt)
    flags = _nan_flags(ca, cb)
    if _is_nan(ca) and _is_nan(cb):
        return fmt.canonical_nan, flags
    if _is_nan(ca):
        return b, flags
    if _is_nan(cb):
        return a, flags
    ka, kb = _order_key(ca, sa, va), _order_key(cb, sb, vb)
    pick_a = ka >= kb if want_max else ka <= kb
    return (a if pick_a else b), flags


def _order_key(cls: str, sign: int, mag: Fraction) -> tuple[Fraction, int]:
    """Total order of non-NaN values that puts -0 below +0 (as fmin/fmax want)."""
    if cls == INF:
        return (Fraction(-1 if sign else 1) * 10**400, 0)
    return (_signed(sign, mag), 0 if sign else 1)


def compare(a: int, b: int, fmt: Format, relation: str) -> tuple[int, int]:
    """feq (quiet), flt and fle (signaling): 1 or 0, and the flags."""
    ca, sa, va = unpack(a, fmt)
    cb, sb, vb = unpack(b, fmt)
    if _is_nan(ca) or _is_nan(cb):
        if relation == "eq":
            return 0, _nan_flags(ca, cb)
        return 0, NV
    x = _order_key(ca, sa, va)[0]
    y = _order_key(cb, sb, vb)[0]
    result = {"eq": x == y, "lt": x < y, "le": x <= y}[relation]
    return int(result), 0


def classify(a: int, fmt: Format) -> int:
    """fclass: one bit set, 0 (-inf) .. 7 (+inf), 8 signaling NaN, 9 quiet NaN."""
    cls, sign, _ = unpack(a, fmt)
    if cls == SNAN:
        return 1 << 8
    if cls == QNAN:
        return 1 << 9
    order = {INF: 0, NORMAL: 1, SUBNORMAL: 2, ZERO: 3}[cls]
    return 1 << (7 - order if not sign else order)


def _round_to_integer(v: Fraction, rm: int) -> tuple[int, bool]:
    mag, inexact = _round_scaled(abs(v).numerator, abs(v).denominator, 0, v < 0, rm)
    return (-mag if v < 0 else mag), inexact


def to_int(a: int, fmt: Format, rm: int, signed: bool, width: int) -> tuple[int, int]:
    """fcvt.{w,wu,l,lu}.{s,d}: the integer (as a Python int in range), saturating with NV when out of range."""
    lo, hi = (-(1 << (width - 1)), (1 << (width - 1)) - 1) if signed else (0, (1 << width) - 1)
    cls, sign, mag = unpack(a, fmt)
    if _is_nan(cls):
        return hi, NV
    if cls == INF:
        return (lo if sign else hi), NV
    value, inexact = _round_to_integer(_signed(sign, mag), rm)
    if value < lo:
        return lo, NV
    if value > hi:
        return hi, NV
    return value, NX if inexact else 0


def from_int(value: int, fmt: Format, rm: int) -> tuple[int, int]:
    """fcvt.{s,d}.{w,wu,l,lu}: an exact integer rounded into the format (+0 for zero)."""
    return round_bits(int(value < 0), Fraction(abs(value)), fmt, rm)


def convert(a: int, src: Format, dst: Format, rm: int) -> tuple[int, int]:
    """fcvt.s.d and fcvt.d.s."""
    cls, sign, mag = unpack(a, src)
    sbit = dst.sign_bit if sign else 0
    if _is_nan(cls):
        return dst.canonical_nan, _nan_flags(cls)
    if cls == INF:
        return sbit | dst.inf, 0
    return round_bits(sign, mag, dst, rm)


def sign_inject(a: int, b: int, fmt: Format, how: str) -> int:
    """fsgnj (copy b's sign), fsgnjn (its negation), fsgnjx (xor of both signs)."""
    sb = fmt.sign_bit
    if how == "j":
        sign = b & sb
    elif how == "n":
        sign = ~b & sb
    else:
        sign = (a ^ b) & sb
    return (a & ~sb & ((1 << fmt.bits) - 1)) | sign
