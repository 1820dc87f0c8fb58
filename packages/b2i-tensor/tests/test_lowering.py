"""The lowering path seen from outside: the core runs without numpy, debug output, the documented C."""

import os
import pathlib
import re
import subprocess
import sys

import numpy as np
from b2i.tensor import Tensor
from b2i.tensor.render_c import PRELUDE, render
from b2i.tensor.schedule import Scheduler

DOCS = pathlib.Path(__file__).resolve().parent.parent / "docs"


def run_python(code: str, tmp_path, **env) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "B2I_CACHE": str(tmp_path), **env})


def test_the_core_and_the_c_backend_run_without_numpy(tmp_path):
    code = ("import sys; sys.modules['numpy'] = None\n"
            "import b2i.tensor as bt\n"
            "t = bt.Tensor([[1.0, 2.0], [3.0, 4.0]], device='c')\n"
            "print(((t @ t.T).sum(axis=0) * 2).tolist(), t[t > 1].tolist(), bt.Tensor.rand(2, seed=1, device='c'))")
    proc = run_python(code, tmp_path)
    assert proc.returncode == 0, proc.stderr
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    assert proc.stdout.startswith(f"{((a @ a.T).sum(axis=0) * 2).tolist()} {a[a > 1].tolist()}")


def test_debug_levels_print_the_schedule_and_the_c(tmp_path):
    code = ("import b2i.tensor as bt\n"
            "x = bt.Tensor([1.0, 2.0, 3.0], device='c')\n"
            "print((x * 2 + 1).exp().sum().item())")
    proc = run_python(code, tmp_path, B2I_DEBUG="4")
    assert proc.returncode == 0, proc.stderr
    assert "REDUCE ('sum', (0,))" in proc.stderr  # the graph
    assert "kernel 0: reduce sum[0]" in proc.stderr  # the schedule
    assert "void kernel(void **bufs, const uint64_t *params)" in proc.stderr  # the C
    assert re.search(r"c: reduce sum\[0\] \[3\] float64 in [0-9.]+ ms", proc.stderr)  # the run
    # the counts: one kernel reads 3 doubles and writes 1
    assert re.search(r"realize: 1 kernel, 32 bytes moved, [01] compiled, [01] cache hits", proc.stderr)
    assert float(proc.stdout) == np.exp(np.array([1.0, 2.0, 3.0]) * 2 + 1).sum()


def _kernels(t: Tensor) -> list[str]:
    s = Scheduler()
    s.schedule(t.node)
    return [render(item.kernel)[0][len(PRELUDE):].strip() for item in s.items]


def test_the_lowering_page_shows_the_c_we_generate():
    page = (DOCS / "lowering.md").read_text()
    shown = [block.strip() for block in re.findall(r"```c\n(.*?)```", page, re.S)]
    x = Tensor(np.arange(12, dtype=np.float32).reshape(3, 4), device="c")
    y = Tensor(np.ones(4, dtype=np.float32), device="c")
    e = (x - x.max(axis=1, keepdims=True)).exp()
    softmax = _kernels(e / e.sum(axis=1, keepdims=True))
    chain = _kernels((x.T * 2 + y[:, None]).relu())
    assert shown == [softmax[1], chain[0]]
