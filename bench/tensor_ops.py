"""b2i-tensor on the c backend against numpy, same sizes, one run: fused chains, reductions, matmul, kernel cache.

Each row times the whole user-visible cost on our side (build the lazy graph, schedule, render, look up the
compiled kernel, run it) against numpy doing the same computation op by op, the two taking turns so that both
meet the same load on a shared machine; the best of several runs counts. The OpenBLAS variables that slow
numpy on this machine (OPENBLAS_CORETYPE, OPENBLAS_L2_SIZE) are removed for this process only.
"""

import os
import sys

if os.environ.get("OPENBLAS_CORETYPE") or os.environ.get("OPENBLAS_L2_SIZE"):
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    os.execve(sys.executable, [sys.executable, *sys.argv], env)

import pathlib  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import b2i.tensor as bt  # noqa: E402
import numpy as np  # noqa: E402
from b2i.tensor import Tensor  # noqa: E402
from b2i.tensor.device import get_backend  # noqa: E402


def best(fn, repeat: int = 7) -> float:
    fn()  # warm up: compile, caches
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def duel(ours, theirs, repeat: int = 9) -> tuple[float, float]:
    """The best time of each, run in turns: on a shared machine both sides then meet the same load."""
    ours(), theirs()  # warm up: compile, caches
    mine, yours = [], []
    for _ in range(repeat):
        for fn, times in ((ours, mine), (theirs, yours)):
            start = time.perf_counter()
            fn()
            times.append(time.perf_counter() - start)
    return min(mine), min(yours)


def row(name: str, ours, theirs, unit: str = "ms", work: float | None = None, repeat: int = 9,
        turns: bool = True) -> float:
    """One line: `ours` and `theirs` are the two functions to time against each other. Returns our time.
    turns=False times ours first, then theirs: OpenBLAS's threads keep spinning for a while after each call,
    and would take the cores from our matmul's threads if the two took turns."""
    if turns:
        ours, theirs = duel(ours, theirs, repeat)
    else:
        time.sleep(0.3)  # OpenBLAS's threads from the row before go to sleep after about 0.1 s of spinning
        ours, theirs = best(ours, repeat), best(theirs, repeat)
    if work is None:
        print(f"{name:<44} {ours * 1e3:>10.3f} {theirs * 1e3:>10.3f} {unit:>6} {theirs / ours:>8.2f}x")
    else:  # work in flops: show GFLOP/s
        print(f"{name:<44} {work / ours / 1e9:>10.2f} {work / theirs / 1e9:>10.2f} {'GFLOP/s':>6} "
              f"{theirs / ours:>8.2f}x")
    return ours


def _numpy_one_thread_matmul(sizes) -> dict[int, float]:
    code = ("import time, numpy as np\n"
            f"for n in {tuple(sizes)}:\n"
            "    a = np.random.default_rng(0).standard_normal((n, n)).astype(np.float32); a @ a\n"
            "    t = min((lambda s: (a @ a, time.perf_counter() - s)[1])(time.perf_counter()) for _ in range(3))\n"
            "    print(n, 2.0 * n**3 / t / 1e9)\n")
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True).stdout
    return {int(n): float(g) for n, g in (line.split() for line in out.splitlines())}


def main() -> None:
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}; ratio = numpy time / our time (above 1: we are faster)")
    print(f"{'benchmark':<44} {'b2i c':>10} {'numpy':>10} {'unit':>6} {'ratio':>9}")

    n = 1 << 22
    a = rng.standard_normal(n).astype(np.float32)
    b = rng.standard_normal(n).astype(np.float32)
    x, y = Tensor(a, device="c").realize(), Tensor(b, device="c").realize()

    row("chain: ((x*1.5+y)*x - y*0.5 + 1).relu()*2, 4M f32",
        lambda: (((x * 1.5 + y) * x - y * 0.5 + 1).relu() * 2).realize(),
        lambda: np.maximum((a * 1.5 + b) * a - b * 0.5 + 1, 0) * 2)
    row("chain: x*y + x*x - y, 4M f32",
        lambda: (x * y + x * x - y).realize(),
        lambda: a * b + a * a - b)
    row("chain: (x*0.5).tanh()*y + 1, 4M f32",
        lambda: ((x * 0.5).tanh() * y + 1).realize(),
        lambda: np.tanh(a * 0.5) * b + 1)
    row("chain: sigmoid(x)*y, 4M f32",
        lambda: (x.sigmoid() * y).realize(),
        lambda: 1 / (1 + np.exp(-a)) * b)

    m = a.reshape(2048, 2048)
    xm = x.reshape(2048, 2048)
    row("sum all, 2048x2048 f32", lambda: xm.sum().realize(), lambda: m.sum())
    row("sum axis=1 (rows), 2048x2048 f32", lambda: xm.sum(axis=1).realize(), lambda: m.sum(axis=1))
    row("sum axis=0 (columns), 2048x2048 f32", lambda: xm.sum(axis=0).realize(), lambda: m.sum(axis=0))
    for shape, axis in (((256, 16384), 0), ((16384, 256), 0), ((64, 32, 2048), 1)):
        mc = m.reshape(shape)
        xc = xm.reshape(shape)
        row(f"sum axis={axis} (columns), {'x'.join(map(str, shape))} f32",
            lambda xc=xc, axis=axis: xc.sum(axis=axis).realize(), lambda mc=mc, axis=axis: mc.sum(axis=axis))
    m64 = m.astype(np.float64)
    x64 = Tensor(m64, device="c").realize()
    row("sum axis=0 (columns), 2048x2048 f64", lambda: x64.sum(axis=0).realize(), lambda: m64.sum(axis=0))
    row("max axis=1, 2048x2048 f32", lambda: xm.max(axis=1).realize(), lambda: m.max(axis=1))
    row("(x*x).sum(axis=1): reduction fused with input",
        lambda: (xm * xm).sum(axis=1).realize(), lambda: (m * m).sum(axis=1))

    def softmax_ours():
        e = (xm - xm.max(axis=1, keepdims=True)).exp()
        (e / e.sum(axis=1, keepdims=True)).realize()

    def softmax_numpy():
        e = np.exp(m - m.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    row("softmax rows, 2048x2048 f32 (3 kernels)", softmax_ours, softmax_numpy)

    ours_gflops = {}
    for size in (128, 256, 512, 1024):
        p = rng.standard_normal((size, size)).astype(np.float32)
        q = rng.standard_normal((size, size)).astype(np.float32)
        tp, tq = Tensor(p, device="c").realize(), Tensor(q, device="c").realize()
        flops = 2.0 * size**3
        took = row(f"matmul {size}x{size} f32", lambda tp=tp, tq=tq: (tp @ tq).realize(),
                   lambda p=p, q=q: p @ q, work=flops, repeat=5, turns=False)
        ours_gflops[size] = flops / took / 1e9
    # Both sides use every core (ours from 2**24 multiply-adds on); OpenBLAS suffers most when the cores are
    # busy, so numpy on one BLAS thread is shown too, against our best of the same size.
    single = _numpy_one_thread_matmul((128, 256, 512, 1024))
    for size, gflops in single.items():
        print(f"{'  numpy with one BLAS thread, ' + str(size):<44} {ours_gflops[size]:>10.2f} {gflops:>10.2f} "
              f"{'GFLOP/s':>6} {ours_gflops[size] / gflops:>8.2f}x")
    p = rng.standard_normal((512, 512)).astype(np.float32)
    tp = Tensor(p, device="c").realize()
    row("matmul 512x512 f32, B transposed (packed)", lambda: (tp @ tp.T).realize(),
        lambda: p @ p.T, work=2.0 * 512**3, repeat=5, turns=False)
    bp = rng.standard_normal((16, 64, 64)).astype(np.float32)
    tb = Tensor(bp, device="c").realize()
    row("batched matmul 16x(64x64 @ 64x64) f32", lambda: (tb @ tb).realize(),
        lambda: bp @ bp, work=2.0 * 16 * 64**3, turns=False)

    # The kernel cache: a new kernel (compile), one on disk (load), one already loaded in this process.
    backend = get_backend("c")
    small = Tensor(np.arange(8.0), device="c").realize()
    with tempfile.TemporaryDirectory() as tmp:
        saved = os.environ.get("B2I_CACHE")
        os.environ["B2I_CACHE"] = tmp
        try:
            start = time.perf_counter()
            (small * 3.25 + 1).realize()
            cold = time.perf_counter() - start
            backend.loaded.clear()
            start = time.perf_counter()
            (small * 3.25 + 1).realize()
            disk = time.perf_counter() - start
            hot = best(lambda: (small * 3.25 + 1).realize(), 50)
            numpy_small = best(lambda: np.arange(8.0) * 3.25 + 1, 50)
        finally:
            if saved is None:
                del os.environ["B2I_CACHE"]
            else:
                os.environ["B2I_CACHE"] = saved
    print(f"kernel cache: compile {cold * 1e3:.1f} ms, load from disk {disk * 1e3:.2f} ms, "
          f"hit in memory {hot * 1e3:.3f} ms per realize (numpy on the same 8 numbers: {numpy_small * 1e3:.4f} ms)")
    print(f"cache folder: {pathlib.Path(os.environ.get('B2I_CACHE') or '~/.cache/b2i') / 'tensor'}; "
          f"kernels run {bt.stats.kernels}, compiled {bt.stats.compiled}")


if __name__ == "__main__":
    main()
