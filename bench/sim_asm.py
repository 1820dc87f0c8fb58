"""b2i-sim benchmark: assembler and linker throughput beside GNU binutils on the same input.

Input: gcc -O0 -S output of a generated C file with many small functions (the kind of text b2i-cc feeds
b2i-as). GNU as and ld run as processes (their start-up is included, as it is for a build); ours run in
process.
"""

import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from b2i.sim.asm import assemble
from b2i.sim.link import link

FUNCTIONS = 300


def c_source() -> str:
    parts = ["double table[64];", "const char *names[] = {\"a\", \"bb\", \"ccc\"};"]
    for i in range(FUNCTIONS):
        parts.append(f"long f{i}(long x, double y) {{ long s = x; for (int k = 0; k < {i % 7 + 2}; k++) "
                     f"s = s * {i + 3} + k; switch (x & 3) {{ case 0: s += {i}; break; case 1: s -= 7; break; "
                     f"default: s ^= {i * 31}; }} table[{i % 64}] += y * {i}.5; return s + (long)names[x % 3][0]; }}")
    parts.append("void _start(void) { long t = 0; " + " ".join(f"t += f{i}(t, 1.0);" for i in range(FUNCTIONS))
                 + " for (;;) ; }")
    return "\n".join(parts)


def best_of(runs: int, fn) -> float:
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> int:
    gcc, gas, gld = (shutil.which(t) for t in ("riscv64-linux-gnu-gcc", "riscv64-linux-gnu-as",
                                               "riscv64-linux-gnu-ld"))
    if not (gcc and gas and gld):
        print("sim_asm: needs riscv64-linux-gnu-gcc, -as and -ld", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        (tmp / "big.c").write_text(c_source())
        subprocess.run([gcc, "-O0", "-S", "-fno-pic", "-march=rv64g", "-mabi=lp64d", "big.c"], cwd=tmp, check=True)
        text = (tmp / "big.s").read_text()
        lines = text.count("\n")
        ours_as = best_of(3, lambda: assemble(text, "big.s"))
        gnu_as = best_of(3, lambda: subprocess.run([gas, "-march=rv64g", "-mno-relax", "-o", tmp / "big.o",
                                                    tmp / "big.s"], check=True))
        obj = assemble(text, "big.s")
        ours_ld = best_of(3, lambda: link([obj]))
        gnu_ld = best_of(3, lambda: subprocess.run([gld, "-static", "-o", tmp / "big", tmp / "big.o"], check=True))
    print(f"{'tool':<10} {'b2i (s)':>9} {'GNU (s)':>9} {'ratio':>7}   input")
    print(f"{'as':<10} {ours_as:9.3f} {gnu_as:9.3f} {ours_as / gnu_as:6.1f}x   {lines} lines "
          f"({lines / ours_as:,.0f} lines/s ours, {lines / gnu_as:,.0f} GNU)")
    print(f"{'ld':<10} {ours_ld:9.3f} {gnu_ld:9.3f} {ours_ld / gnu_ld:6.1f}x   one {len(obj):,}-byte object")
    return 0


if __name__ == "__main__":
    sys.exit(main())
