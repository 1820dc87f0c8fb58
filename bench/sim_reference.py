"""Speed of b2i-sim's reference interpreter beside qemu-riscv64, in guest MIPS, on the same static binaries.

Each program takes a size argument. Ours runs it small (it is an interpreter in Python) and counts the
instructions it retires; the count grows linearly with the size, so two sizes give the exact count for any
size. qemu-riscv64 (which cannot count) runs the same binary at a size large enough to time, minus its run
at the small size (its start-up), and the counts for those sizes give its MIPS.
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from b2i.sim.machine.run import run_program

PROGRAMS = {
    "integer (sieve + crc)": r"""
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    int n = atoi(argv[1]);
    static char composite[20000];
    unsigned crc = 0xffffffffu, primes = 0;
    for (int round = 0; round < n; round++) {
        for (int i = 0; i < 2000; i++) composite[i] = 0;
        for (int i = 2; i < 2000; i++) {
            if (composite[i]) continue;
            primes++;
            for (int j = 2 * i; j < 2000; j += i) composite[j] = 1;
            crc ^= (unsigned)i;
            for (int b = 0; b < 8; b++) crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
        }
    }
    printf("%u %08x\n", primes, crc);
    return 0;
}
""",
    "double (dot + sqrt)": r"""
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
int main(int argc, char **argv) {
    int n = atoi(argv[1]);
    static double a[512], b[512];
    for (int i = 0; i < 512; i++) { a[i] = i * 0.5; b[i] = 1.0 / (i + 1); }
    double total = 0;
    for (int round = 0; round < n; round++) {
        double dot = 0;
        for (int i = 0; i < 512; i++) dot += a[i] * b[i];
        total += sqrt(dot + round);
    }
    printf("%.6f\n", total);
    return 0;
}
""",
}
SMALL = (4, 8)  # sizes ours runs
LARGE = 20000  # size qemu runs


def ours(exe: Path, size: int) -> tuple[int, float]:
    start = time.perf_counter()
    result = run_program(str(exe), [exe.name, str(size)])
    seconds = time.perf_counter() - start
    if result.exit_code != 0:
        raise SystemExit(f"{exe.name}: {result.fault or result.stderr.decode()}")
    return result.instret, seconds


def qemu_seconds(qemu: str, exe: Path, size: int) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        subprocess.run([qemu, str(exe), str(size)], check=True, capture_output=True)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    gcc, qemu = shutil.which("riscv64-linux-gnu-gcc"), shutil.which("qemu-riscv64")
    if not gcc or not qemu:
        print("sim_reference: needs riscv64-linux-gnu-gcc and qemu-riscv64 (python tools/oracles.py --install)")
        return 1
    print(f"{'program':<24}{'instructions':>14}{'ours MIPS':>11}{'qemu MIPS':>11}{'qemu/ours':>11}")
    with tempfile.TemporaryDirectory() as folder:
        for name, source in PROGRAMS.items():
            c, exe = Path(folder) / "bench.c", Path(folder) / name.split()[0]
            c.write_text(source)
            subprocess.run([gcc, "-static", "-O2", "-o", str(exe), str(c), "-lm"], check=True)
            (count_a, _), (count_b, seconds_b) = ours(exe, SMALL[0]), ours(exe, SMALL[1])
            per_size = (count_b - count_a) / (SMALL[1] - SMALL[0])
            ours_mips = count_b / seconds_b / 1e6
            qemu_work = per_size * (LARGE - SMALL[1])
            qemu_time = qemu_seconds(qemu, exe, LARGE) - qemu_seconds(qemu, exe, SMALL[1])
            qemu_mips = qemu_work / max(qemu_time, 1e-9) / 1e6
            print(f"{name:<24}{count_b:>14,}{ours_mips:>11.3f}{qemu_mips:>11.1f}{qemu_mips / ours_mips:>11.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
