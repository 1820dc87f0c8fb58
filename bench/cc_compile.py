"""b2i-cc speed: compile rate on a large generated C file (ours vs host gcc -S), and instructions executed by
a compiled benchmark at -O0 and -O2 (ours vs riscv64 gcc), counted by b2i-sim's simulator (instret)."""

import os
import subprocess
import sys
import tempfile
import time

from b2i.cc.compiler import compile_c
from b2i.cc.driver import main as b2i_cc

BENCHMARK = r"""
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#define N 60
static double a[N][N], b[N][N], c[N][N];
static int cmp(const void *x, const void *y) { return *(const int *)x - *(const int *)y; }
int main(void) {
    static char sieve[20000];
    int primes = 0;
    for (int i = 2; i < 20000; i++) {
        if (sieve[i]) continue;
        primes++;
        for (int j = i * 2; j < 20000; j += i) sieve[j] = 1;
    }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) { a[i][j] = i + j; b[i][j] = i - j; }
    for (int i = 0; i < N; i++)
        for (int j = 0; j < N; j++) {
            double s = 0;
            for (int k = 0; k < N; k++) s += a[i][k] * b[k][j];
            c[i][j] = s;
        }
    int v[3000];
    unsigned x = 1;
    for (int i = 0; i < 3000; i++) { x = x * 1103515245 + 12345; v[i] = (x >> 8) % 100000; }
    qsort(v, 3000, sizeof v[0], cmp);
    printf("%d %g %d %d\n", primes, c[N - 1][N - 1], v[0], v[2999]);
    return 0;
}
"""
EMPTY = "int main(void) { return 0; }\n"


def generated_source(functions=300):
    parts = ["#include <stdio.h>\n", "struct pt { int x, y; double w; };\n"]
    for i in range(functions):
        parts.append(
            f"static int f{i}(int n, struct pt *p) {{\n"
            f"    int s = {i};\n"
            f"    for (int k = 0; k < n; k++) {{\n"
            f"        if (k % 3 == 0) s += p->x * k; else s -= p->y;\n"
            f"        p->w = p->w * 0.5 + s;\n"
            f"    }}\n"
            f"    switch (s & 3) {{ case 0: return s; case 1: return -s; default: return s * 2; }}\n"
            f"}}\n"
        )
    parts.append("int main(void) { struct pt p = {1, 2, 3.0}; int t = 0;\n")
    parts += [f"    t += f{i}(5, &p);\n" for i in range(functions)]
    parts.append('    printf("%d\\n", t); return 0; }\n')
    return "".join(parts)


def compile_rate(tmp):
    src = generated_source()
    lines = src.count("\n")
    path = os.path.join(tmp, "big.c")
    with open(path, "w") as f:
        f.write(src)
    compile_c(path, src)  # warm the parser tables
    t0 = time.perf_counter()
    compile_c(path, src)
    ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    subprocess.run(["gcc", "-S", "-O0", "-o", os.devnull, path], check=True)
    gcc = time.perf_counter() - t0
    return lines, lines / ours, lines / gcc


def instret(exe):
    from b2i.sim import run_program

    return run_program(exe, [exe], max_insns=2_000_000_000).instret


def build_ours(tmp, source, name, level):
    path = os.path.join(tmp, name + ".c")
    with open(path, "w") as f:
        f.write(source)
    exe = os.path.join(tmp, f"{name}-ours-O{level}")
    if b2i_cc(["-w", f"-O{level}", path, "-o", exe]) != 0:
        raise SystemExit("b2i-cc failed")
    return exe


def build_gcc(tmp, source, name, level):
    path = os.path.join(tmp, name + ".c")
    with open(path, "w") as f:
        f.write(source)
    exe = os.path.join(tmp, f"{name}-gcc-O{level}")
    subprocess.run(["riscv64-linux-gnu-gcc", "-static", f"-O{level}", path, "-o", exe], check=True)
    return exe


def main():
    with tempfile.TemporaryDirectory() as tmp:
        lines, ours_rate, gcc_rate = compile_rate(tmp)
        print(f"{'measure':44} {'b2i-cc':>14} {'gcc':>14} {'gcc/ours':>9}")
        print(
            f"{'compile rate, lines/s (' + str(lines) + ' lines, -O0)':44} {ours_rate:14.0f} {gcc_rate:14.0f} "
            f"{gcc_rate / ours_rate:9.1f}"
        )
        try:
            from b2i.sim import run_program  # noqa: F401
        except ImportError:
            print("instructions executed: b2i.sim.run_program is not installed", file=sys.stderr)
            return
        for level in (0, 2):
            ours = instret(build_ours(tmp, BENCHMARK, "bench", level)) - instret(build_ours(tmp, EMPTY, "empty", level))
            gcc = instret(build_gcc(tmp, BENCHMARK, "bench", level)) - instret(build_gcc(tmp, EMPTY, "empty", level))
            print(
                f"{'instructions executed at -O' + str(level) + ' (startup excluded)':44} {ours:14d} {gcc:14d} "
                f"{gcc / ours:9.2f}"
            )


if __name__ == "__main__":
    main()
