"""Speed of b2i-sim's fast engine beside qemu-riscv64 and the reference interpreter, in guest MIPS.

The same static binaries (gcc -O2 -static) run under all three: a CPU-heavy benchmark with integer, memory and
double-precision loops, and the user-mode test corpus. Guest instructions are counted by the fast engine's own
counter (the reference counts the same: the tests check it). Time is CPU time (user + system) of the guest's
run, best of three, because the machine this runs on is shared: wall time would measure the neighbours.
The fast engine is timed warm (object code in its disk cache) and, for the first-run compile cost, cold.
The reference runs the CPU-heavy benchmark for its first few million instructions only.
Then one ~3-million-instruction program end to end (load, compile, run), where start-up costs dominate.
Last, system mode (`b2i-run --machine --engine fast`): a small kernel (tests/programs/fast_machine) runs its
integer, memory and double-precision work in U mode with Sv39 paging on, under a CLINT timer of 10 ms and of
0.3 ms of guest time, against qemu-system-riscv64 (whose instruction count is taken as ours: same work).
"""

import pathlib
import resource
import subprocess
import sys
import tempfile
import time

from b2i.sim.machine.run import drive, make_process
from b2i.sim.machine.run import run_program as reference_run

try:
    from b2i.sim.fast.engine import FastEngine, Stats
except ImportError as missing:  # pragma: no cover - the [fast] extra is not installed
    raise SystemExit(f"sim_fast: the fast engine is not installed ({missing}); pip install b2i-sim[fast]") from None

ROOT = pathlib.Path(__file__).resolve().parent.parent
CORPUS = ROOT / "packages" / "b2i-sim" / "tests" / "programs" / "user"
MACHINE = ROOT / "packages" / "b2i-sim" / "tests" / "programs"
SYSTEM_REFERENCE_LIMIT = 1_000_000
REFERENCE_LIMIT = 3_000_000
BENCHMARK = r"""
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static unsigned long mix(unsigned long x) {
    x ^= x >> 33; x *= 0xff51afd7ed558ccdUL; x ^= x >> 33; x *= 0xc4ceb9fe1a85ec53UL; return x ^ (x >> 33);
}

static long integer_work(int n) {            /* sieve, hashing, division */
    char *composite = calloc(n + 1, 1);
    long count = 0, h = 0;
    for (long i = 2; i <= n; i++) {
        if (composite[i]) continue;
        count++;
        for (long j = i * i; j <= n; j += i) composite[j] = 1;
    }
    for (long i = 1; i < n; i++) h += mix(i) % (unsigned long)(i + 7) + (h >> 5);
    free(composite);
    return count * 1000003 + h;
}

static int cmp(const void *a, const void *b) {
    long x = *(const long *)a, y = *(const long *)b;
    return (x > y) - (x < y);
}

static long memory_work(int n) {             /* qsort, then strided walks over a big array */
    long *v = malloc(n * sizeof *v);
    for (int i = 0; i < n; i++) v[i] = (long)(mix(i) >> 20);
    qsort(v, n, sizeof *v, cmp);
    long s = 0;
    for (int stride = 1; stride < 64; stride += 7)
        for (int i = 0; i < n; i += stride) s += v[i] ^ i;
    free(v);
    return s;
}

static double float_work(int n) {            /* matrix multiply, then an n-body style loop with sqrt */
    double *a = malloc(n * n * sizeof *a), *b = malloc(n * n * sizeof *b), *c = calloc(n * n, sizeof *c);
    for (int i = 0; i < n * n; i++) { a[i] = (i % 17) * 0.25 - 1.5; b[i] = (i % 13) * 0.5 + 0.125; }
    for (int i = 0; i < n; i++)
        for (int k = 0; k < n; k++) {
            double aik = a[i * n + k];
            for (int j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
        }
    double trace = 0, energy = 0;
    for (int i = 0; i < n; i++) trace += c[i * n + i];
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double dx = a[i] - b[j] + 3.0, dy = a[j] * 0.5 - b[i] + 2.0;
            energy += 1.0 / sqrt(dx * dx + dy * dy + 0.01);
        }
    free(a); free(b); free(c);
    return trace + energy;
}

int main(int argc, char **argv) {
    int scale = argc > 1 ? atoi(argv[1]) : 10;
    long i = integer_work(20000 * scale);
    long m = memory_work(4000 * scale);
    double f = float_work(12 * scale);
    printf("integer %ld\nmemory %ld\nfloat %.6f\n", i, m, f);
    return 0;
}
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def qemu(exe: pathlib.Path, args: list[str]) -> tuple[bytes, float]:
    best, out = float("inf"), b""
    for _ in range(3):
        before = children_cpu()
        command = ["qemu-riscv64", "-0", exe.name, str(exe), *args]
        out = subprocess.run(command, input=b"", capture_output=True, cwd=exe.parent).stdout
        best = min(best, children_cpu() - before)
    return out, best


def fast(exe: pathlib.Path, args: list[str], cache: pathlib.Path, repeat: int = 3) -> tuple[bytes, int, float, Stats]:
    """(stdout, instructions, best CPU seconds of the run, stats of the first run); loading is not timed."""
    best, first = float("inf"), None
    for _ in range(repeat):
        process, out, _ = make_process(str(exe), [exe.name, *args], b"", str(exe.parent), None, None)
        engine = FastEngine(process, cache)
        started = time.process_time()
        code, message = drive(engine, None)
        best = min(best, time.process_time() - started)
        engine.close()
        if message:
            raise SystemExit(f"{exe.name}: fast engine: {message}")
        first = first or engine.stats
    return bytes(out), process.hart.instret, best, first


def reference(exe: pathlib.Path, args: list[str], limit: int | None) -> tuple[bytes, int, float]:
    started = time.process_time()
    result = reference_run(str(exe), [exe.name, *args], max_insns=limit, root=str(exe.parent))
    return result.stdout, result.instret, time.process_time() - started


def row(name: str, instructions: int, qemu_seconds: float, fast_seconds: float, reference_mips: float) -> str:
    qm, fm = instructions / qemu_seconds / 1e6, instructions / fast_seconds / 1e6
    return (f"{name:<22} {instructions:>12,} {qm:>9.1f} {fm:>9.1f} {fm / qm:>8.2f}x {reference_mips:>8.2f} "
            f"{reference_mips / qm:>9.4f}x")


def end_to_end(command: list[str]) -> float:
    """CPU seconds of a whole command: interpreter start, imports, loading, compiling and running."""
    before = children_cpu()
    subprocess.run(command, check=True, capture_output=True)
    return children_cpu() - before


def short_run(exe: str, cache: str) -> int:
    """Child mode for the end-to-end measurement: run one program on the fast engine, print its stats."""
    stats = Stats()
    from b2i.sim.fast import run_program  # noqa: PLC0415

    result = run_program(exe, [exe, "1"], cache_dir=pathlib.Path(cache), stats=stats)
    print(result.instret, stats.blocks, f"{stats.compile_seconds:.2f}", stats.cache_hits)
    return result.exit_code


def system_mode(work: pathlib.Path) -> None:
    """Guest MIPS with paging on, timer interrupts arriving, on qemu-system-riscv64, the fast engine and the
    reference (its first SYSTEM_REFERENCE_LIMIT instructions)."""
    from b2i.sim.fast.system import run_machine as fast_machine  # noqa: PLC0415
    from b2i.sim.machine.run import run_machine as reference_machine  # noqa: PLC0415

    print("\nsystem mode: kernel.S + user.c (U mode, Sv39, timer), guest MIPS from CPU seconds (best of 3)")
    print(f"{'timer period':<22} {'instructions':>12} {'qemu':>9} {'fast':>9} {'fast/qemu':>8} {'ref':>8} "
          f"{'ref/qemu':>10}")
    cache = work / "system-cache"
    for label, period in (("10 ms (100000 ticks)", 100_000), ("0.3 ms (3000 ticks)", 3000)):
        exe = work / f"kernel-{period}"
        subprocess.run(["riscv64-unknown-elf-gcc", "-nostdlib", "-march=rv64gc", "-mabi=lp64d", "-mcmodel=medany",
                        "-O2", "-fno-jump-tables", "-fno-tree-loop-distribute-patterns", "-DSCALE=40",
                        f"-DPERIOD={period}", "-Wl,-Ttext=0x80000000", "-Wl,--no-relax",
                        f"-I{MACHINE / 'machine'}", "-o", str(exe), str(MACHINE / "fast_machine" / "kernel.S"),
                        str(MACHINE / "fast_machine" / "user.c")], check=True)
        fast_machine(str(exe), cache_dir=cache)  # fill the cache
        best, result = float("inf"), None
        for _ in range(3):
            started = time.process_time()
            result = fast_machine(str(exe), cache_dir=cache)
            best = min(best, time.process_time() - started)
        qemu_best = float("inf")
        for _ in range(3):
            before = children_cpu()
            qemu_out = subprocess.run(["qemu-system-riscv64", "-machine", "virt", "-bios", "none", "-nographic",
                                       "-kernel", str(exe)], capture_output=True, timeout=120).stdout
            qemu_best = min(qemu_best, children_cpu() - before)
        if qemu_out != result.stdout:
            raise SystemExit(f"system mode, {label}: fast engine and qemu disagree")
        started = time.process_time()
        reference_result = reference_machine(str(exe), max_insns=SYSTEM_REFERENCE_LIMIT)
        reference_mips = reference_result.instret / (time.process_time() - started) / 1e6
        print(row(label, result.instret, qemu_best, best, reference_mips))
        sys.stdout.flush()


def main() -> int:
    work = pathlib.Path(tempfile.mkdtemp(prefix="sim-fast-bench-"))
    if sys.argv[1:2] == ["--system"]:  # only the system-mode table
        system_mode(work)
        return 0
    cold_cache, warm_cache = work / "cold-cache", work / "cache"
    source = work / "cpu.c"
    source.write_text(BENCHMARK)
    programs = {"cpu (int/mem/double)": (work / "cpu", source, ["20"])}
    for c_file in sorted(CORPUS.glob("*.c")):
        programs[c_file.stem] = (work / c_file.stem, c_file, [])
    for exe, c_file, _ in programs.values():
        subprocess.run(["riscv64-linux-gnu-gcc", "-O2", "-static", "-o", str(exe), str(c_file), "-lm"], check=True)

    print("guest MIPS from CPU seconds (best of 3); fast = b2i-sim fast engine (warm cache), ref = reference")
    print(f"{'program':<22} {'instructions':>12} {'qemu':>9} {'fast':>9} {'fast/qemu':>8} {'ref':>8} {'ref/qemu':>10}")
    for name, (exe, _, args) in programs.items():
        fast(exe, args, warm_cache, repeat=1)  # fill the cache
        out, instructions, fast_seconds, _ = fast(exe, args, warm_cache)
        qemu_out, qemu_seconds = qemu(exe, args)
        if qemu_out != out:
            raise SystemExit(f"{name}: fast engine and qemu disagree")
        limit = REFERENCE_LIMIT if name.startswith("cpu") else None
        _, ref_instructions, ref_seconds = reference(exe, args, limit)
        print(row(name, instructions, qemu_seconds, fast_seconds, ref_instructions / ref_seconds / 1e6))
        sys.stdout.flush()

    exe, _, args = programs["cpu (int/mem/double)"]
    _, instructions, cold_seconds, stats = fast(exe, args, cold_cache, repeat=1)
    print(f"\nfirst run of cpu, cold cache: {stats.blocks} blocks compiled in {stats.compile_seconds:.2f} s "
          f"(wall), run {cold_seconds:.2f} CPU s in all; {stats.native_instructions / instructions:.4%} of the "
          f"instructions ran as native code, {stats.exits_to_reference} exits to the reference")

    print("\nshort run end to end (interpreter start, load, compile, run), CPU seconds:")
    short = work / "short-cache"
    for label in ("fast, cold cache", "fast, warm cache"):
        command = [sys.executable, __file__, "--short", str(exe), str(short)]
        before = children_cpu()
        report = subprocess.run(command, check=True, capture_output=True, text=True).stdout.split()
        seconds = children_cpu() - before
        instructions, blocks, compiling, hits = int(report[0]), report[1], report[2], report[3]
        print(f"  {label:<18} {instructions:>10,} instructions {seconds:6.2f} s "
              f"{instructions / seconds / 1e6:8.1f} MIPS ({blocks} blocks, {compiling} s compiling, {hits} from cache)")
    seconds = end_to_end(["qemu-riscv64", str(exe), "1"])
    print(f"  {'qemu-riscv64':<18} {instructions:>10,} instructions {seconds:6.2f} s "
          f"{instructions / seconds / 1e6:8.1f} MIPS")
    started = time.process_time()
    _, ref_instructions, _ = reference(exe, ["1"], None)
    seconds = time.process_time() - started
    print(f"  {'reference':<18} {ref_instructions:>10,} instructions {seconds:6.2f} s "
          f"{ref_instructions / seconds / 1e6:8.2f} MIPS (in this process: no start-up)")
    system_mode(work)
    return 0


if __name__ == "__main__":
    sys.exit(short_run(sys.argv[2], sys.argv[3]) if sys.argv[1:2] == ["--short"] else main())
