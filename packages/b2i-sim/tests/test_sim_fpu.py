"""The IEEE arithmetic of b2i.sim.machine.fpu against the host's hardware floating point (CPython floats for
binary64, numpy.float32 for binary32), round to nearest even, on hypothesis-drawn values of every class."""

import math
import struct

import numpy as np
from b2i.sim.machine import fpu
from hypothesis import given, settings
from hypothesis import strategies as st

doubles = st.floats(allow_nan=True, allow_infinity=True, allow_subnormal=True)
singles = st.floats(width=32, allow_nan=True, allow_infinity=True, allow_subnormal=True)


def d_bits(x: float) -> int:
    return struct.unpack("<Q", struct.pack("<d", x))[0]


def s_bits(x) -> int:
    return struct.unpack("<I", np.float32(x).tobytes())[0]


def check(got: int, want: float, fmt: fpu.Format, to_bits) -> None:
    if math.isnan(want):
        assert got == fmt.canonical_nan  # RISC-V never propagates a NaN payload
    else:
        assert got == to_bits(want), (hex(got), want)


@settings(max_examples=300)
@given(doubles, doubles, st.sampled_from(["add", "sub", "mul", "div"]))
def test_double_arithmetic(a, b, op):
    with np.errstate(all="ignore"):
        want = float({"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide}[op](a, b))
    if op in ("add", "sub"):
        got, _ = fpu.add(d_bits(a), d_bits(b), fpu.D, fpu.RNE, subtract=op == "sub")
    else:
        got, _ = getattr(fpu, op)(d_bits(a), d_bits(b), fpu.D, fpu.RNE)
    check(got, want, fpu.D, d_bits)


@settings(max_examples=300)
@given(singles, singles, st.sampled_from(["add", "sub", "mul", "div"]))
def test_single_arithmetic(a, b, op):
    x, y = np.float32(a), np.float32(b)
    with np.errstate(all="ignore"):
        want = {"add": x + y, "sub": x - y, "mul": x * y, "div": x / y}[op]
    if op in ("add", "sub"):
        got, _ = fpu.add(s_bits(a), s_bits(b), fpu.S, fpu.RNE, subtract=op == "sub")
    else:
        got, _ = getattr(fpu, op)(s_bits(a), s_bits(b), fpu.S, fpu.RNE)
    check(got, want, fpu.S, s_bits)


@settings(max_examples=200)
@given(doubles, singles)
def test_square_root(a, b):
    with np.errstate(all="ignore"):
        check(fpu.sqrt(d_bits(a), fpu.D, fpu.RNE)[0], float(np.sqrt(a)), fpu.D, d_bits)
        check(fpu.sqrt(s_bits(b), fpu.S, fpu.RNE)[0], np.sqrt(np.float32(b)), fpu.S, s_bits)


@settings(max_examples=200)
@given(doubles)
def test_conversions(a):
    # binary64 -> binary32 rounds to nearest even exactly as numpy's cast does
    with np.errstate(all="ignore"):
        check(fpu.convert(d_bits(a), fpu.D, fpu.S, fpu.RNE)[0], np.float32(a), fpu.S, s_bits)
    # to a 64-bit integer, toward zero: Python's int() where in range; otherwise RISC-V saturates
    value, flags = fpu.to_int(d_bits(a), fpu.D, fpu.RTZ, True, 64)
    if math.isfinite(a) and -(2.0**63) <= a < 2.0**63:
        assert value == int(a) and flags == (0 if a == int(a) else fpu.NX)
    else:
        assert flags == fpu.NV and value == (-(1 << 63) if a < 0 else (1 << 63) - 1)


@settings(max_examples=200)
@given(st.integers(-(1 << 63), (1 << 64) - 1))
def test_integer_to_double(n):
    got, flags = fpu.from_int(n, fpu.D, fpu.RNE)
    assert got == d_bits(float(n))  # CPython's int -> float rounds to nearest even
    assert flags == (0 if int(float(n)) == n else fpu.NX)


@given(doubles, doubles)
def test_compare_and_min_max(a, b):
    assert fpu.compare(d_bits(a), d_bits(b), fpu.D, "lt")[0] == int(a < b)
    assert fpu.compare(d_bits(a), d_bits(b), fpu.D, "eq")[0] == int(a == b)
    low = fpu.minmax(d_bits(a), d_bits(b), fpu.D, want_max=False)[0]
    if not (math.isnan(a) or math.isnan(b)) and a != b:
        assert low == d_bits(min(a, b))
