"""Division and remainder by constants (divide.py) against gcc: each divisor of each integer type, on dividends
at the edges (0, +-1, the type's limits, multiples of the divisor and their neighbours) and random ones, compiled
by b2i-cc at -O1 and -O2 and run under qemu-riscv64, and by the host gcc and run natively. The -O2 assembly
must hold no divide instruction.

INT_MIN / -1 and LONG_MIN / -1 (undefined behaviour) are left out of the dividends when the divisor is -1.
"""

import os
import re

from b2i.cc.compiler import compile_c
from cc_operators import PROGRAMS
from hypothesis import given, settings
from hypothesis import strategies as st

# (C type, bits, signed); the narrow types divide after promotion to int
TYPES = {
    "int": (32, True),
    "unsigned": (32, False),
    "long": (64, True),
    "unsigned long": (64, False),
    "short": (16, True),
    "unsigned short": (16, False),
    "signed char": (8, True),
    "unsigned char": (8, False),
}
PROMOTED = {"short": "int", "unsigned short": "int", "signed char": "int", "unsigned char": "int"}
SMALL_DIVISORS = [1, -1, 2, -2, 3, -3, 5, 6, 7, -7, 10, 12, 25, 100, 641, 1000, 4096, -4096, 100000]
WIDE_DIVISORS = [2**31 - 1, -(2**31), 2**31, 2**31 + 1, 2**32 - 1, 2**32 + 1, 2**62 + 3, 2**63 - 1, -(2**63)]
HUGE_DIVISORS = [2**63, 2**63 + 1, 2**64 - 1, 0xCCCCCCCCCCCCCCCD]
EDGE_DIVISORS = SMALL_DIVISORS + WIDE_DIVISORS + HUGE_DIVISORS
DIVIDE_INSTRUCTION = re.compile(r"^\s*(div|rem)u?w?\s", re.M)


def limits(ty):
    bits, signed = TYPES[ty]
    return (-(1 << (bits - 1)), (1 << (bits - 1)) - 1) if signed else (0, (1 << bits) - 1)


def fits(value, ty):
    lo, hi = limits(ty)
    return lo <= value <= hi


def literal(value, ty):
    """A C constant of type ty (the promoted type for narrow ones) with this value."""
    ty = PROMOTED.get(ty, ty)
    lo, _ = limits(ty)
    if value == lo and lo < 0:  # -2147483648 is not a literal of type int
        return f"(({ty})({value + 1}) - 1)"
    suffix = {"int": "", "unsigned": "u", "long": "L", "unsigned long": "UL"}[ty]
    return f"(({ty}){value}{suffix})"


def dividends(ty, d, extra):
    lo, hi = limits(ty)
    values = {0, 1, hi, hi - 1, lo, lo + 1, abs(d), abs(d) - 1, abs(d) + 1, 3 * abs(d), 3 * abs(d) - 1}
    if lo < 0:
        values |= {-1, -abs(d), -abs(d) + 1, -abs(d) - 1, -3 * abs(d), -3 * abs(d) + 1}
    values |= {v % (hi - lo + 1) + lo for v in extra}
    values = {v for v in values if lo <= v <= hi}
    if d == -1 and ty in ("int", "long"):
        values.discard(lo)  # overflows: undefined behaviour
    return sorted(values)


def program(cases):
    """C source: for each (type, divisor, dividends) a quotient, a remainder, both of a dividend that is not a
    plain variable, a compound `/=` and `%=`, and both of a shifted and a masked dividend; main prints them all
    for every dividend."""
    parts = ["#include <stdio.h>\n"]
    calls = []
    for k, (ty, d, xs) in enumerate(cases):
        p = PROMOTED.get(ty, ty)
        c = literal(d, ty)
        parts.append(
            f"static {ty} xs{k}[] = {{{', '.join(literal(x, ty) for x in xs)}}};\n"
            f"static {p} q{k}({ty} x) {{ return x / {c}; }}\n"
            f"static {p} r{k}({ty} x) {{ return x % {c}; }}\n"
            f"static unsigned long m{k}({ty} *x) {{\n"
            f"    return (unsigned long)(*x / {c}) * 3 + (unsigned long)(x[0] % {c});\n}}\n"
            f"static {ty} a{k}({ty} x) {{ {ty} y = x, z = x; y /= {c}; z %= {c}; return ({ty})(y ^ z); }}\n"
            f"static unsigned long s{k}({ty} x) {{\n"  # dividends known (or not: signed) to be below 2**31
            f"    return (unsigned long)((x >> 3) / {c}) * 7 + (unsigned long)((x & 0x7fff) % {c});\n}}\n"
        )
        calls.append(
            f"    for (unsigned i = 0; i < sizeof xs{k} / sizeof xs{k}[0]; i++)\n"
            f'        printf("{k} %lu %lu %lu %lu %lu\\n", (unsigned long)q{k}(xs{k}[i]),\n'
            f"               (unsigned long)r{k}(xs{k}[i]), m{k}(&xs{k}[i]), (unsigned long)a{k}(xs{k}[i]),\n"
            f"               s{k}(xs{k}[i]));\n"
        )
    parts.append("int main(void) {\n" + "".join(calls) + "    return 0;\n}\n")
    return "".join(parts)


def check(builder, cases, levels):
    source = program(cases)
    builder.matches_gcc(source, "divide.c", levels)
    asm = compile_c(os.path.join(os.path.dirname(__file__), "divide.c"), source, optimize=2)
    assert not DIVIDE_INSTRUCTION.search(asm), "a constant divisor left a divide instruction"


def test_edge_divisors_match_gcc(builder):
    cases = []
    for ty in TYPES:
        for d in EDGE_DIVISORS:
            if fits(d, PROMOTED.get(ty, ty)):
                cases.append((ty, d, dividends(ty, d, [12345, -987654321, 2**40 + 17])))
    check(builder, cases, (1, 2))


@st.composite
def case(draw):
    ty = draw(st.sampled_from(list(TYPES)))
    lo, hi = limits(PROMOTED.get(ty, ty))
    d = draw(
        st.one_of(
            st.integers(lo, hi),
            st.integers(2, 5000),
            st.integers(1, TYPES[PROMOTED.get(ty, ty)][0] - 1).map(lambda n: 1 << n),
        ).filter(lambda v: v != 0 and v <= hi)
    )
    if lo < 0 and lo <= -d and draw(st.booleans()):
        d = -d
    extra = draw(st.lists(st.integers(-(2**64), 2**64), min_size=6, max_size=6))
    return ty, d, dividends(ty, d, extra)


@settings(max_examples=5, **PROGRAMS)
@given(st.lists(case(), min_size=12, max_size=12))
def test_random_divisors_match_gcc(builder, cases):
    check(builder, cases, (2,))
