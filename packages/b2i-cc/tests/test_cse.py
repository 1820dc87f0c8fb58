"""Common subexpressions (cse.py) against gcc: programs where a shared value would be wrong if the pass ignored a
store, a call, an assignment, `x++`, `volatile`, a label or aliasing through a pointer, compiled by b2i-cc at
-O2 and run under qemu-riscv64, and by the host gcc and run natively. And the pass does share: an address
computed three times in a basic block is multiplied once.
"""

import os
import re

from b2i.cc.compiler import compile_c
from cc_operators import PROGRAMS
from hypothesis import given, settings
from hypothesis import strategies as st

CASES = r"""
#include <setjmp.h>
#include <stdio.h>
struct pt { int x, y, z; };
static struct pt pts[64];
static long g[8][8];
static int counter;
static jmp_buf env;

static int bump(void) { return ++counter; }
static void jump(void) { longjmp(env, 1); }

/* the same address before and after an assignment to one of its locals */
static long reassigned(int i, int j) {
    pts[i + j].x = 1;
    i = i + 1;
    pts[i + j].y = 2;
    pts[i + j].z = pts[i + j].x + 3;
    return pts[i + j - 1].x * 100 + pts[i + j].z;
}

/* a store through a pointer to a local whose address is taken: its reads are not shared */
static long aliased(int i) {
    int k = i;
    int *p = &k;
    long a = (long)(k * 12 + 5) * 3;
    *p = k + 7;
    long b = (long)(k * 12 + 5) * 3;
    return a * 1000 + b;
}

/* loads are never shared: a store or a call in between changes what the same address holds */
static long loads(int i) {
    g[i & 7][(i + 1) & 7] = 5;
    long a = g[i & 7][(i + 1) & 7];
    g[i & 7][(i + 1) & 7] = a + bump();
    long b = g[i & 7][(i + 1) & 7];
    counter += (int)b;
    return a * 100 + b + g[i & 7][(i + 1) & 7] + counter;
}

/* x++ and x += inside the statement that also reads x * 8 + 3 */
static long increments(long x) {
    long a = x * 8 + 3;
    long b = (x++, x * 8 + 3);
    long c = (x += 2, x * 8 + 3);
    long d = x * 8 + 3;
    return a + b * 10 + c * 100 + d * 1000;
}

/* the right-hand side of v = ... runs before v changes */
static long selfassign(long v, long w) {
    long t = (v << 4) + w;
    v = (v << 4) + w + 1;
    return t + (v << 4) + w;
}

/* occurrences in conditional parts */
static long conditional(long a, long b) {
    long r = a > b ? (a * 24 + b) : 0;
    long s = (a & 1) && (a * 24 + b) > 100;
    return r + s + (a * 24 + b);
}

/* a label between two occurrences: a goto may arrive with other values */
static long labelled(long a, long n) {
    long s = 0;
again:
    s += a * 40 + 7;
    a = a + 1;
    if (a * 40 + 7 < n) goto again;
    return s + a * 40 + 7;
}

/* a volatile local is read every time (setjmp's rule for values changed after it) */
static long volatile_local(long n) {
    volatile long v = n;
    long first = v * 56 + 1;
    if (setjmp(env) == 0) {
        v = n + 1;
        jump();
    }
    return first * 1000 + v * 56 + 1;
}

/* a switch and its cases */
static long cases(int k, long a) {
    long r = a * 72 + k;
    switch (k & 3) {
    case 0: r += a * 72 + k; break;
    case 1: a = a + 1; r += a * 72 + k;
    default: r += a * 72 + k;
    }
    return r + a * 72 + k;
}

int main(void) {
    for (int i = 0; i < 6; i++)
        printf("%ld %ld %ld %ld %ld\n", reassigned(i, 2 * i), aliased(i), loads(i), increments(i - 3),
               selfassign(i, 5 - i));
    for (long a = -3; a < 4; a++)
        printf("%ld %ld %ld %ld\n", conditional(a, 1 - a), labelled(a, 300), volatile_local(a), cases((int)a + 3, a));
    return 0;
}
"""


def test_cases_match_gcc(builder):
    ref = builder.run_host(builder.host(CASES)).stdout
    assert ref
    for level in (1, 2):  # our libc: its setjmp matches our <setjmp.h>
        assert builder.run_riscv(builder.ours_full(CASES, "cse.c", flags=(f"-O{level}",))).stdout == ref


SHARED = """
struct pt { int x, y, z; };
struct pt pts[64];
void set(int i, int j) { pts[i + j].x = 1; pts[i + j].y = 2; pts[i + j].z = 3; }
"""


def test_an_address_is_computed_once():
    path = os.path.join(os.path.dirname(__file__), "shared.c")
    asm = {level: compile_c(path, SHARED, optimize=level) for level in (1, 2)}
    assert [len(re.findall(r"^\s*mulw?\s", asm[level], re.M)) for level in (1, 2)] == [3, 1]


STATEMENTS = {
    "use": "s = s * 3 + ({e});",
    "store": "arr[({e}) & 15] = arr[({e}) & 7] + 1;",
    "assign": "{v} = ({e}) & 255;",
    "increment": "s += {v}++ + ({e});",
    "if": "if (({e}) & 1) s ^= {e}; else s -= {e};",
}
SHARED_EXPRESSIONS = ["a * 12 + b", "(a << 3) + c", "(long)(int)(b * 40) + c", "a * 12 + c", "(c ^ 5) * 24"]


@st.composite
def body(draw):
    """Statements that mention the same few pure expressions, with assignments to their locals between."""
    kinds = st.sampled_from(["use", "use", "store", "assign", "increment", "if"])
    lines = [
        STATEMENTS[draw(kinds)].format(e=draw(st.sampled_from(SHARED_EXPRESSIONS)), v=draw(st.sampled_from("abc")))
        for _ in range(draw(st.integers(3, 8)))
    ]
    return " ".join(lines)


@settings(max_examples=5, **PROGRAMS)
@given(st.lists(body(), min_size=4, max_size=4))
def test_repeated_expressions_match_gcc(builder, bodies):
    functions = "".join(
        f"static unsigned long f{k}(long a, long b, long c) {{ unsigned long s = 0; long arr[16] = {{0}}; {text}\n"
        "    for (int i = 0; i < 16; i++) s = s * 7 + arr[i];\n    return s + (unsigned long)(a + b + c); }\n"
        for k, text in enumerate(bodies)
    )
    calls = "".join(f'    printf("%lu\\n", f{k}({k} - 2, {3 * k + 1}, {-k}));\n' for k in range(len(bodies)))
    source = f"#include <stdio.h>\n{functions}int main(void) {{\n{calls}    return 0;\n}}\n"
    builder.matches_gcc(source, "cse-random.c", (2,))
