"""b2i-cc's libc against glibc: instructions executed by qsort, memcpy, memset, strlen, strcmp and sprintf.

One driver program, compiled once by riscv64-linux-gnu-gcc -O2 -fno-builtin (so every call reaches the library),
is linked twice: with our libc by the b2i-cc driver and with glibc by gcc -static. Each case runs in its own process
after the same set-up; the cost of a case is its instructions (instret, counted by b2i-sim's simulator) minus those
of the run that only does the set-up (which also calls malloc once, so its first-call set-up counts nowhere).

b2i-sim answers sysinfo with ENOSYS, so glibc's qsort, finding no physical memory to size its buffer by, takes its
quicksort instead of its merge sort here (under Linux or qemu it merges, as ours does)."""

import os
import subprocess
import tempfile

from b2i.cc.driver import main as b2i_cc
from b2i.sim import run_program

DRIVER = r"""
typedef unsigned long size_t;
void qsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *p, int c, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int printf(const char *fmt, ...);
int sprintf(char *out, const char *fmt, ...);
void *malloc(size_t n);
void free(void *p);

struct record { long key; char payload[16]; };
struct wide { int key; char payload[60]; };
static int ints[3000];
static struct record records[1000];
static struct wide wides[300];
static long from[8192], to[8192];
static char text[4096], other[4096];

static int by_int(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int by_record(const void *a, const void *b) {
    long x = ((const struct record *)a)->key, y = ((const struct record *)b)->key;
    return (x > y) - (x < y);
}
static int by_wide(const void *a, const void *b) {
    return ((const struct wide *)a)->key - ((const struct wide *)b)->key;
}

static int same(const char *a, const char *b) { while (*a && *a == *b) a++, b++; return *a == *b; }

int main(int argc, char **argv) {
    unsigned x = 1;
    for (int i = 0; i < 3000; i++) { x = x * 1103515245 + 12345; ints[i] = (x >> 8) % 100000; }
    for (int i = 0; i < 1000; i++) { x = x * 1103515245 + 12345; records[i].key = (x >> 8) % 500; }
    for (int i = 0; i < 300; i++) { x = x * 1103515245 + 12345; wides[i].key = (x >> 8) % 1000; }
    for (int i = 0; i < 4095; i++) text[i] = other[i] = 'a' + i % 26;
    free(malloc(100)); /* malloc's first-call set-up is not qsort's cost */
    const char *c = argc > 1 ? argv[1] : "none";
    long sum = 0;
    if (same(c, "qsort-int")) qsort(ints, 3000, sizeof ints[0], by_int);
    if (same(c, "qsort-24")) qsort(records, 1000, sizeof records[0], by_record);
    if (same(c, "qsort-64")) qsort(wides, 300, sizeof wides[0], by_wide);
    if (same(c, "memcpy-64k")) for (int i = 0; i < 4; i++) memcpy(to, from, sizeof from);
    if (same(c, "memcpy-short"))
        for (int i = 0; i < 2000; i++) memcpy((char *)to + i % 8, (char *)from + i % 5, 1 + i % 40);
    if (same(c, "memset-64k")) for (int i = 0; i < 4; i++) memset(to, i, sizeof to);
    if (same(c, "strlen-4k")) for (int i = 0; i < 16; i++) sum += strlen(text + i);
    if (same(c, "strlen-short")) for (int i = 0; i < 2000; i++) sum += strlen(text + 4095 - i % 50);
    if (same(c, "strcmp-4k")) for (int i = 0; i < 16; i++) sum += strcmp(text + i, other + i);
    if (same(c, "sprintf-int"))
        for (int i = 0; i < 500; i++) sum += sprintf(text, "%d %5x %-8s|", ints[i] * 37, ints[i], "ab");
    if (same(c, "sprintf-double"))
        for (int i = 0; i < 200; i++) sum += sprintf(text, "%g %.3f %e", ints[i] / 7.0, ints[i] * 1.5, ints[i] * 1e10);
    printf("%d %ld %ld %d %ld\n", ints[2999], records[999].key, (long)wides[299].key, ((char *)to)[100], sum);
    return 0;
}
"""
CASES = ["qsort-int", "qsort-24", "qsort-64", "memcpy-64k", "memcpy-short", "memset-64k"]
CASES += ["strlen-4k", "strlen-short", "strcmp-4k", "sprintf-int", "sprintf-double"]


def build(tmp):
    """(ours, glibc): the same driver object linked with each libc."""
    src = os.path.join(tmp, "driver.c")
    obj = os.path.join(tmp, "driver.o")
    with open(src, "w") as f:
        f.write(DRIVER)
    subprocess.run(["riscv64-linux-gnu-gcc", "-O2", "-fno-builtin", "-c", src, "-o", obj], check=True)
    ours, glibc = os.path.join(tmp, "ours"), os.path.join(tmp, "glibc")
    if b2i_cc([obj, "-o", ours]) != 0:
        raise SystemExit("b2i-cc failed to link the driver")
    subprocess.run(["riscv64-linux-gnu-gcc", "-static", obj, "-o", glibc], check=True)
    return ours, glibc


def instructions(exe, case):
    result = run_program(exe, [exe, case], max_insns=2_000_000_000)
    return result.instret, result.stdout


def main():
    with tempfile.TemporaryDirectory() as tmp:
        ours, glibc = build(tmp)
        ours_base, _ = instructions(ours, "none")
        glibc_base, _ = instructions(glibc, "none")
        print(f"{'case (instructions executed)':30} {'b2i-cc libc':>12} {'glibc':>12} {'glibc/ours':>11}")
        for case in CASES:
            ours_count, ours_out = instructions(ours, case)
            glibc_count, glibc_out = instructions(glibc, case)
            if ours_out != glibc_out:
                raise SystemExit(f"{case}: our libc printed {ours_out!r}, glibc {glibc_out!r}")
            a, b = ours_count - ours_base, glibc_count - glibc_base
            print(f"{case:30} {a:12d} {b:12d} {b / a:11.2f}")


if __name__ == "__main__":
    main()
