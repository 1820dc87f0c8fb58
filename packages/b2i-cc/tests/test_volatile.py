"""Volatile objects against riscv64 gcc: a value changed after setjmp survives longjmp in every volatile form
(a local, a parameter, through a typedef, a struct, a struct member, an array element, a pointer that is itself
volatile), built by b2i-cc at -O0/-O1/-O2 and by riscv64-linux-gnu-gcc -O2, both run under qemu-riscv64. And in
the assembly each volatile read is a load of its own, even when one expression reads the same object twice.
"""

import os
import re
import subprocess

import pytest
from b2i.cc.compiler import compile_c
from cc_operators import PROGRAMS
from conftest import CORPUS
from hypothesis import given, settings
from hypothesis import strategies as st

# each function changes a volatile object after setjmp, in a loop (where a register would pay), then longjmps
SETJMP = r"""
#include <setjmp.h>
#include <stdio.h>
typedef volatile int vint;
typedef volatile struct { int a; long b; } vpair;
struct part { int plain; volatile int v; };
static jmp_buf env;
static int depth;

static void leave(int code) { if (++depth > 0) longjmp(env, code); }

static long param(volatile int x, int n) {
    if (setjmp(env)) return x;
    for (int i = 0; i < n; i++) x += i * %(k1)d;
    leave(1);
    return -1;
}

static long typedefed(int n) {
    vint x = n;
    if (setjmp(env)) return x;
    for (int i = 0; i < n; i++) x = x * 3 + %(k2)d;
    leave(2);
    return -1;
}

static long whole_struct(int n) {
    vpair p = {n, n};
    if (setjmp(env)) return p.a * 1000L + p.b;
    for (int i = 0; i < n; i++) { p.a += %(k3)d; p.b -= i; }
    leave(3);
    return -1;
}

static long member(int n) {
    struct part s = {n, n};
    if (setjmp(env)) return s.v;
    for (int i = 0; i < n; i++) s.v += i ^ %(k1)d;
    leave(4);
    return -1;
}

static long array(int n) {
    volatile long a[3] = {n, n, n};
    if (setjmp(env)) return a[0] + a[1] * 7 + a[2] * 49;
    for (int i = 0; i < n; i++) { a[i %% 3] += i + %(k2)d; }
    leave(5);
    return -1;
}

static long pointer(int n, int *base) {
    int *volatile p = base;
    if (setjmp(env)) return *p;
    for (int i = 0; i < n; i++) p = base + (i %% 4);
    leave(6);
    return -1;
}

static long declared(int n) {
    volatile int x = n;
    if (setjmp(env)) return x;
    for (int i = 0; i < n; i++) x -= %(k3)d;
    leave(7);
    return -1;
}

int main(void) {
    int table[4] = {%(k1)d, %(k2)d, %(k3)d, 11};
    for (int n = 0; n < 6; n++)
        printf("%%ld %%ld %%ld %%ld %%ld %%ld %%ld\n", param(n, n + 3), typedefed(n), whole_struct(n), member(n),
               array(n + 1), pointer(n + 2, table), declared(n));
    return 0;
}
"""


def riscv_gcc_output(builder, source: str) -> str:
    gcc = builder.oracle("riscv64-linux-gnu-gcc")

    def build(c, exe):
        subprocess.run([gcc, "-O2", "-static", "-w", "-o", exe, c], check=True, capture_output=True)

    return builder.run_riscv(builder.built("rvgcc", source, ".c", build)).stdout.decode()


@settings(max_examples=3, **PROGRAMS)
@given(st.integers(-50, 50), st.integers(-50, 50), st.integers(1, 9))
def test_values_set_after_setjmp_survive_longjmp(builder, k1, k2, k3):
    source = SETJMP % {"k1": k1, "k2": k2, "k3": k3}
    expected = riscv_gcc_output(builder, source)
    assert len(expected.splitlines()) == 6
    for level in (0, 1, 2):
        ours = builder.run_riscv(builder.ours(source, options={"optimize": level}))
        assert ours.stdout.decode() == expected, f"at -O{level}"


# each function reads one volatile object twice in one expression (and once more in a second statement)
READ_TWICE = {
    "declared": "long f(void) { volatile int x = 3; long r = x + x; return r + x; }",
    "param": "long f(volatile int x) { long r = x * x; return r + x; }",
    "typedef": "typedef volatile long vlong; long f(long n) { vlong x = n; long r = x - x; return r + x; }",
    "struct": "struct s { int a, b; }; long f(int n) { volatile struct s v = {n, n}; long r = v.a + v.a;"
    " return r + v.a; }",
    "member": "struct s { int a; volatile int b; }; long f(int n) { struct s v = {n, n}; long r = v.b + v.b;"
    " return r + v.b; }",
    "array": "long f(int n) { volatile int a[2] = {n, n}; long r = a[1] + a[1]; return r + a[1]; }",
}
LOAD = re.compile(r"^\s*(lb|lbu|lh|lhu|lw|lwu|ld)\s", re.M)


@pytest.mark.parametrize("level", [0, 1, 2])
@pytest.mark.parametrize("form", sorted(READ_TWICE))
def test_each_volatile_read_is_a_load(form, level, oracle):
    """Three reads, three loads; a non-volatile twin of the same function keeps its value in a register."""
    source = READ_TWICE[form]
    asm = compile_c(os.path.join(CORPUS, "volatile.c"), source, optimize=level)
    assert len(LOAD.findall(asm)) >= 3, asm
    # the assembler accepts it (a check that the count above is over real instructions)
    gas = oracle("riscv64-linux-gnu-as")
    subprocess.run([gas, "-o", os.devnull, "-"], input=asm.encode(), check=True, capture_output=True)
    if level == 2 and form in ("declared", "param", "typedef"):
        plain = compile_c(os.path.join(CORPUS, "plain.c"), source.replace("volatile ", ""), optimize=level)
        assert len(LOAD.findall(plain)) < 3, plain
