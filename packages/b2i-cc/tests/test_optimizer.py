"""The -O2 code paths (register expressions, register variables, leaf functions, loop-invariant motion,
compare-and-branch) against gcc: hypothesis writes small functions with loops, arrays, calls and locals; each is
compiled by b2i-cc at -O0 and -O2 and run under qemu-riscv64, and by the host gcc and run natively.

Programs avoid undefined behaviour by construction: arithmetic that could overflow is unsigned, array indexes
are masked, divisors are nonzero constants, shift counts are constants in range, loops have constant bounds.
"""

from cc_operators import PROGRAMS, arithmetic, comparison, conditional, division, logical, shift
from hypothesis import given, settings
from hypothesis import strategies as st

VARS = ["x0", "x1", "x2", "x3", "a", "b"]


@st.composite
def expr(draw, loop_vars=(), depth=0):
    names = VARS + list(loop_vars)
    if depth >= 3 or draw(st.integers(0, 3)) == 0:
        choice = draw(st.integers(0, 4))
        if choice == 0:
            return str(draw(st.sampled_from([0, 1, 3, 7, 100, 2047, 2048, 4096, 123456, -5, -3000])))
        if choice == 1:
            return f"arr[({draw(expr(loop_vars, depth + 1))}) & 15]"
        if choice == 2:
            return f"g[({draw(expr(loop_vars, depth + 1))}) & 7][{draw(st.sampled_from(names))} & 7]"
        return draw(st.sampled_from(names))
    kind = draw(st.sampled_from(["arith", "cmp", "shift", "div", "logic", "cond", "call", "narrow", "neg"]))
    x = draw(expr(loop_vars, depth + 1))
    y = draw(expr(loop_vars, depth + 1))
    if kind == "arith":
        return f"(long){arithmetic(draw, x, y)}"
    if kind == "cmp":
        return comparison(draw, x, y, ["", "(unsigned long)", "(int)", "(unsigned)"])
    if kind == "shift":
        return f"(long){shift(draw, x, 'unsigned long', 62)}"
    if kind == "div":  # (signed divisors: test_divide)
        divisors = st.sampled_from([1, 2, 3, 8, 10, 1000, 4096])
        return f"(long){division(draw, x, divisors, ['unsigned long', 'long', 'unsigned'])}"
    if kind == "logic":
        return logical(draw, x, y)
    if kind == "cond":
        return conditional(draw(expr(loop_vars, depth + 1)), x, y)
    if kind == "call":  # leaf helpers: parameters left in a0/a1 or moved, narrow and float parameters
        return draw(
            st.sampled_from(
                [
                    f"h({x}, {y})",
                    f"(long)hb((unsigned char)({x}), (short)({y}))",
                    f"(long)hz({x})",
                    f"(long)h9(1.5, 2, 3, 4, 5, 6, 7, 8, (double)(({x}) & 1023), ({y}) & 65535)",
                ]
            )
        )
    if kind == "narrow":
        t = draw(st.sampled_from(["signed char", "unsigned char", "short", "unsigned short", "int", "unsigned"]))
        return f"(long)({t})({x})"
    return f"(long)(-(unsigned long)({x}))"


@st.composite
def statement(draw, loop_vars=(), depth=0):
    kind = draw(
        st.sampled_from(
            ["assign", "assign", "store", "global", "if", "for", "float", "pointer", "counted", "rows", "down"]
            if depth < 2
            else ["assign", "store", "global", "float", "pointer", "counted", "down"]
        )
    )
    e = draw(expr(loop_vars))
    if kind == "assign":
        return f"{draw(st.sampled_from(VARS[:4]))} = {e};"
    if kind == "store":
        return f"arr[({draw(expr(loop_vars))}) & 15] = {e};"
    if kind == "global":
        return f"g[({draw(expr(loop_vars))}) & 7][{draw(st.integers(0, 7))}] += {e};"
    if kind == "float":
        return f"d = d * 0.5 + (double)(({e}) & 1023);"
    if kind == "counted":  # a counter that strength reduction may replace by a pointer; maybe read afterwards
        lo, hi, step = draw(st.integers(0, 3)), draw(st.integers(0, 16)), draw(st.integers(1, 3))
        after = draw(st.sampled_from(["", f" x{draw(st.integers(0, 3))} += k;"]))
        return f"for (k = {lo}; k < {hi}; k += {step}) arr[k] = arr[k] + (int)({e});{after}"
    if kind == "down":  # a counter going down by a variable step, an address (k - 1) * sz with sz a variable
        hi, lo = draw(st.integers(1, 16)), draw(st.integers(1, 4))
        return (
            f"stp = {draw(st.integers(1, 3))}; for (k = {hi}; k >= {lo}; k -= stp) "
            f"*(int *)((char *)arr + (k - 1) * sz) += (int)({e});"
        )
    if kind == "rows":  # an inner loop over a row of g, an outer one over rows: reassociated addresses
        return f"for (m = 0; m < 8; m++) for (int c = 0; c != 8; c++) g[m][c] += (long)(({e}) & 255) + g[c][m];"
    if kind == "pointer":  # post-increments whose old value is used, through a pointer that stays in arr
        x = draw(st.sampled_from(VARS[:4]))
        return f"q = arr + (({e}) & 7); *q++ = (int)({x}); *pi = *q++ == 3; {x} = *q++ + (long)*pi;"
    if kind == "if":
        then = draw(statement(loop_vars, depth + 1))
        els = draw(statement(loop_vars, depth + 1))
        return f"if ({draw(expr(loop_vars))}) {{ {then} }} else {{ {els} }}"
    v = f"i{depth}"
    body = " ".join(draw(st.lists(statement(loop_vars + (v,), depth + 1), min_size=1, max_size=3)))
    return f"for (long {v} = 0; {v} < {draw(st.integers(0, 6))}; {v}++) {{ {body} }}"


def program(bodies):
    functions = []
    for k, body in enumerate(bodies):
        functions.append(
            f"static long f{k}(long a, long b) {{\n"
            "    long x0 = a, x1 = b, x2 = 5, x3 = -7; int arr[16] = {0}; double d = 0;\n"
            "    int *q = arr, flag = 0, *pi = &flag, m; long k, stp, sz = sizeof(int);\n"
            f"    {' '.join(body)}\n"
            "    long s = 0;\n"
            "    for (int i = 0; i < 16; i++) s = (long)((unsigned long)s * 31 + (unsigned long)arr[i]);\n"
            '    printf("%ld %ld %ld %ld %ld %.17g %d %d\\n", x0, x1, x2, x3, s, d, flag, (int)(q - arr));\n'
            "    return (long)((unsigned long)x0 + (unsigned long)x1 + (unsigned long)x2 + (unsigned long)x3);\n"
            "}\n"
        )
    calls = "\n".join(f'    printf("%ld\\n", f{k}({3 * k + 1}L, {-2 * k - 9}L));' for k in range(len(bodies)))
    dump = '    for (int i = 0; i < 8; i++) for (int j = 0; j < 8; j++) printf("%ld ", g[i][j]);\n'
    return (
        "#include <stdio.h>\n"
        "static long g[8][8];\n"
        "static long h(long u, long v) { return (long)((unsigned long)u * 3 - (unsigned long)v); }\n"
        "static int hb(unsigned char c, short s) { return c * 3 + s; }\n"
        "static _Bool hz(long x) { return x & 6; }\n"
        "static double h9(double a0, double a1, double a2, double a3, double a4, double a5, double a6, double a7,\n"
        "                 double a8, long k) { return a8 * 2 + a0 - (double)k + a7 * a1; }\n"
        + "".join(functions)
        + f"int main(void) {{\n{calls}\n{dump}    return 0;\n}}\n"
    )


@settings(max_examples=6, **PROGRAMS)
@given(st.lists(st.lists(statement(), min_size=1, max_size=5), min_size=3, max_size=3))
def test_random_functions_match_gcc_at_O0_and_O2(builder, bodies):
    builder.matches_gcc(program(bodies), "opt.c")


CLOBBERS = r"""
#include <stdio.h>
static long g;
__attribute__((noinline)) static long work(long a, long b) {
    long x = a, y = b, z = a * b, w = a - b, v = a ^ b, u = a | 3;
    double p = 1.5, q = 2.25;
    int mem = 1;
    for (int i = 0; i < 4; i++) {
#ifdef __riscv
        __asm__ volatile(
            "li s1, 11\n li s2, 12\n li s3, 13\n li s4, 14\n li s5, 15\n li s6, 16\n"
            "li s7, 17\n li s8, 18\n li s9, 19\n li s10, 20\n li s11, 21\n"
            "li a2, 22\n li a3, 23\n li a4, 24\n li a5, 25\n li a6, 26\n li a7, 27\n li t4, 28\n li t5, 29\n"
            "fcvt.d.w fs0, zero\n fcvt.d.w fs1, zero\n fcvt.d.w fa2, zero\n fcvt.d.w ft8, zero\n"
            ::: "s1", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11",
                "a2", "a3", "a4", "a5", "a6", "a7", "t4", "t5", "fs0", "fs1", "fa2", "ft8");
        __asm__ volatile("sw %1, 0(%0)" :: "r"(&mem), "r"(i + 40) : "memory");
#else
        mem = i + 40;
#endif
        x += y; y ^= z; z -= w; w += v * 3; v = v * 5 + u; u += mem;
        p = p * 0.5 + q * (double)(x & 7);
    }
    return x + y + z + w + v + u + (long)p + mem;
}
int main(void) {
    long keep1 = 3, keep2 = 4, total = 0;
    for (int i = 0; i < 3; i++) { total += work(keep1 + i, keep2 - i); keep1 = keep1 * 7 + total; keep2 ^= total; }
    printf("%ld %ld %ld\n", total, keep1, keep2);
    return 0;
}
"""


def test_asm_clobbers_keep_variables_alive(builder):
    """Registers named as clobbered hold no variable across the asm, callee-saved ones are restored for the
    caller, and a "memory" clobber makes later reads see the store."""
    builder.matches_gcc(CLOBBERS, "clobbers.c")


def test_deep_expressions(builder):
    """Sums of 3000 terms: every operand of the tree asks whether the rest makes a call, and a common
    subexpression as deep as the whole sum is shared (each is answered once per node, so this compiles)."""
    terms = " + ".join(["x * 3"] * 3000)
    source = (
        "#include <stdio.h>\n"
        f"static long f(long x) {{ long y = {terms}; long z = {terms} + 1; return y * 7 + z; }}\n"
        'int main(void) { printf("%ld\\n", f(5)); return 0; }\n'
    )
    builder.matches_gcc(source, "deep.c", (1, 2))
