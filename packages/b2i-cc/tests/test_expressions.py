"""Generated C expressions over every integer type and double: b2i-cc's results equal gcc's.

Expressions avoid undefined behaviour by construction: signed operands stay small, divisors and shift counts
are nonzero constants in range, and anything that could overflow is computed in unsigned types.
"""

from cc_operators import PROGRAMS, arithmetic, comparison, conditional, division, logical, shift
from hypothesis import given, settings
from hypothesis import strategies as st

TYPES = ["unsigned char", "signed char", "unsigned short", "short", "int", "unsigned", "long", "unsigned long"]
UNSIGNED = {"unsigned char", "unsigned short", "unsigned", "unsigned long"}


def leaf(draw, i):
    t = draw(st.sampled_from(TYPES))
    if t in UNSIGNED:
        v = draw(st.integers(0, 2**32 if t != "unsigned long" else 2**64 - 1))
        return f"(({t}){v}UL)"
    return f"(({t}){draw(st.integers(-99, 99))})"


@st.composite
def expression(draw, depth=0):
    if depth >= 3 or draw(st.integers(0, 3)) == 0:
        if draw(st.booleans()):
            return f"v{draw(st.integers(0, 7))}"
        return leaf(draw, 0)
    kind = draw(st.sampled_from(["uarith", "cmp", "shift", "div", "logic", "cond", "cast", "small"]))
    a = draw(expression(depth + 1))
    b = draw(expression(depth + 1))
    if kind == "uarith":
        return arithmetic(draw, a, b)
    if kind == "small":
        op = draw(st.sampled_from(["+", "-"]))
        return f"((int)(signed char)({a}) {op} (int)(signed char)({b}))"
    if kind == "cmp":
        return comparison(draw, a, b)
    if kind == "shift":
        return shift(draw, a, "unsigned", 31)
    if kind == "div":
        return division(draw, a, st.integers(1, 1000), ["long", "unsigned long", "int", "unsigned"])
    if kind == "logic":
        return logical(draw, a, b)
    if kind == "cond":
        return conditional(draw(expression(depth + 1)), a, b)
    t = draw(st.sampled_from(TYPES + ["double", "_Bool"]))
    if t == "double":
        return f"((long)(double)(int)({a}))"
    return f"(({t})({a}))"


@settings(max_examples=6, **PROGRAMS)
@given(
    st.lists(expression(), min_size=25, max_size=25),
    st.lists(st.tuples(st.sampled_from(TYPES), st.integers(-99, 99)), min_size=8, max_size=8),
)
def test_integer_expressions_match_gcc(builder, exprs, variables):
    decls = "\n".join(f"    {t} v{i} = ({t}){v};" for i, (t, v) in enumerate(variables))
    prints = "\n".join(f'    printf("%lu\\n", (unsigned long)({e}));' for e in exprs)
    source = f"#include <stdio.h>\nint main(void) {{\n{decls}\n{prints}\n    return 0;\n}}\n"
    builder.matches_gcc(source, "expr.c")


@st.composite
def float_expression(draw, depth=0):
    if depth >= 3 or draw(st.integers(0, 2)) == 0:
        if draw(st.booleans()):
            return f"d{draw(st.integers(0, 3))}"
        v = draw(st.floats(-1e6, 1e6, allow_nan=False))
        return f"({v!r})" if draw(st.booleans()) else f"((float){v!r})"
    op = draw(st.sampled_from(["+", "-", "*", "/", "<", ">=", "==", "cast", "neg"]))
    a = draw(float_expression(depth + 1))
    b = draw(float_expression(depth + 1))
    if op == "cast":
        return f"((double)(float)({a}))"
    if op == "neg":
        return f"(-({a}))"
    if op == "/":
        return f"(({a}) / (({b}) == 0 ? 1.0 : ({b})))"
    return f"(({a}) {op} ({b}))"


@settings(max_examples=4, **PROGRAMS)
@given(
    st.lists(float_expression(), min_size=20, max_size=20),
    st.lists(st.floats(-1e3, 1e3, allow_nan=False), min_size=4, max_size=4),
)
def test_floating_expressions_match_gcc(builder, exprs, values):
    decls = "\n".join(f"    double d{i} = {v!r};" for i, v in enumerate(values))
    prints = "\n".join(f'    printf("%.17g\\n", (double)({e}));' for e in exprs)
    source = f"#include <stdio.h>\nint main(void) {{\n{decls}\n{prints}\n    return 0;\n}}\n"
    # a NaN made by arithmetic (0 * inf) has the sign bit set on x86 and clear on RISC-V (its canonical NaN)
    builder.matches_gcc(source, "fexpr.c", clean=lambda text: text.replace("-nan", "nan"))
