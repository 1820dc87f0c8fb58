"""b2i-as against GNU as -mno-relax: gcc's output for C programs we wrote, and hand-written assembly, give
the same section bytes, relocations and symbols."""

import subprocess

import pytest
from b2i.sim.asm import assemble
from b2i.sim.elf.summary import differences

C_PROGRAMS = {
    "printf_structs_switch": r"""
#include <stdio.h>
#include <string.h>
struct point { int x; double y; char name[8]; };
static struct point pts[3] = {{1, 2.5, "a"}, {2, -1.25, "bb"}, {3, 1e300, "ccc"}};
static int counter;
int global_init = 42;
long big[100];
const char *messages[] = {"zero", "one", "two"};
static int classify(int n) {
    switch (n) {
    case 0: return 10; case 1: return 22; case 2: return 31; case 3: return 47;
    case 4: return 53; case 5: return 68; case 7: return 71; default: return -1;
    }
}
int dispatch(int op, int a, int b) {
    switch (op) {
    case 0: return a + b; case 1: return a - b; case 2: return a * b; case 3: return b ? a / b : 0;
    case 4: return a << (b & 31); case 5: printf("five\n"); return 5; case 6: return a ^ b;
    case 9: return puts("nine");
    }
    return -1;
}
float scale(float a, double b) { return a * (float)b + 0.5f; }
int main(int argc, char **argv) {
    double sum = 0;
    for (int i = 0; i < 3; i++) { sum += pts[i].y * pts[i].x; counter += strlen(pts[i].name); }
    printf("sum=%g count=%d %s %d\n", sum, counter, messages[argc % 3], classify(argc + 3));
    printf("%f %ld %d\n", scale(1.5f, 2.0), big[5] + 0x123456789abcdefL, dispatch(argc, 7, 3));
    unsigned long long h = 1469598103934665603ULL;
    for (char *p = argv[0]; *p; p++) h = (h ^ *p) * 1099511628211ULL;
    return (int)(h & 0) + global_init - 42;
}
""",
    "recursion_qsort_malloc": r"""
#include <stdio.h>
#include <stdlib.h>
static int cmp(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
unsigned long long mix(unsigned long long x) {
    x ^= x >> 33; x *= 0xff51afd7ed558ccdULL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53ULL; return x ^ (x >> 33);
}
int main(void) {
    int n = 20, *v = malloc(n * sizeof *v);
    for (int i = 0; i < n; i++) v[i] = (int)(mix(i) % 1000) - 500;
    qsort(v, n, sizeof *v, cmp);
    for (int i = 0; i < n; i++) printf("%d%c", v[i], i + 1 < n ? ' ' : '\n');
    printf("fib %ld\n", fib(20));
    free(v);
    return 0;
}
""",
    "floats_and_strings": r"""
#include <stdio.h>
#include <string.h>
#include <math.h>
typedef struct { float re, im; } cfloat;
static const double table[] = {0.0, -0.0, 1.0 / 3.0, 1e-310, 6.02214076e23};
char buffer[64];
_Thread_local int tls_counter;
cfloat cmul(cfloat a, cfloat b) { cfloat r = {a.re * b.re - a.im * b.im, a.re * b.im + a.im * b.re}; return r; }
double poly(double x) { return ((x * 0.5 - 1.25) * x + 3.0) * x - table[2]; }
int to_int(double d) { return (int)d + (int)(float)d + (unsigned)d; }
int main(void) {
    cfloat z = cmul((cfloat){1.5f, -2.0f}, (cfloat){0.25f, 4.0f});
    strcpy(buffer, "hello, \"world\"\t\\\n");
    strcat(buffer, "tail");
    double acc = 0;
    for (unsigned i = 0; i < sizeof table / sizeof *table; i++) acc += poly(table[i]);
    printf("%s %g %g %.17g %d %zu\n", buffer, z.re, z.im, acc, to_int(-3.75), strlen(buffer));
    printf("%d\n", tls_counter++);
    return fabs(acc) > 1e30;
}
""",
    "bits_and_atomics": r"""
#include <stdatomic.h>
#include <stdint.h>
_Atomic long shared;
static volatile uint8_t small[3] = {1, 2, 3};
int64_t ops(int64_t a, uint64_t b, int32_t c, uint32_t d) {
    int64_t r = a / (c | 1) + (int64_t)(b % (d | 1)) + (a >> 7) + (int64_t)(b >> 3) + (c << 3);
    r += __builtin_popcountll(b) + (int32_t)(d * 2654435761u) + (a < 0 ? -a : a);
    return r + small[c & 1] + atomic_fetch_add(&shared, 5) + atomic_exchange(&shared, r);
}
int main(void) { return (int)ops(-12345, 0xdeadbeefcafef00dULL, 77, 4000000000u) & 0; }
""",
}


def gnu_object(oracle, tmp_path, source: str, name: str) -> bytes:
    path = tmp_path / f"{name}.s"
    path.write_text(source)
    subprocess.run([oracle("riscv64-linux-gnu-as"), "-march=rv64g", "-mabi=lp64d", "-mno-relax", "-o",
                    tmp_path / f"{name}.o", path], check=True)
    return (tmp_path / f"{name}.o").read_bytes()


def assert_same_object(ours: bytes, gnu: bytes) -> None:
    assert differences(ours, gnu) == []


@pytest.mark.parametrize("opt", ["-O0", "-O2"])
@pytest.mark.parametrize("program", sorted(C_PROGRAMS))
def test_gcc_output_assembles_like_gnu_as(oracle, tmp_path, program, opt):
    c_file = tmp_path / f"{program}.c"
    c_file.write_text(C_PROGRAMS[program])
    asm = subprocess.run([oracle("riscv64-linux-gnu-gcc"), "-S", opt, "-march=rv64g", "-mabi=lp64d", "-o", "-",
                          c_file], capture_output=True, text=True, check=True).stdout
    assert_same_object(assemble(asm, f"{program}.s"), gnu_object(oracle, tmp_path, asm, program))
