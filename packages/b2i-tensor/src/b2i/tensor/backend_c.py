"""The c backend: kernels rendered as C, built by the host compiler into shared libraries, called via ctypes.

Each kernel's source is hashed (with the compiler flags and the CPU); the library lives in the cache folder
($B2I_CACHE, else ~/.cache/b2i/tensor) under that hash, so a kernel is compiled once per machine, and loaded
once per process.
"""

from __future__ import annotations

import ctypes
import hashlib
import os
import pathlib
import shutil
import subprocess
import tempfile

from b2i.tensor import debug
from b2i.tensor.device import Buffer, DeviceUnavailable, Program
from b2i.tensor.kernel import Kernel
from b2i.tensor.render_c import render

# -fwrapv: integer overflow wraps as in numpy; -ffp-contract=off: no fused multiply-add, so a*b+c rounds twice
# as numpy does; -fno-math-errno and -fno-trapping-math let sqrt and branch-free selects vectorize (errno and
# floating-point exception flags are never read); -fopenmp-simd lets `#pragma omp simd` vectorize reductions
# (no OpenMP runtime is linked). No -ffast-math: it would reorder sums and drop NaN and infinity handling, and
# numpy does neither. -DB2I_THREADS: big matmuls run on pthreads (B2I_THREADS=n sets how many).
FLAGS = ["-O3", "-shared", "-fPIC", "-fwrapv", "-ffp-contract=off", "-fno-math-errno", "-fno-trapping-math",
         "-fopenmp-simd", "-march=native", "-pthread", "-DB2I_THREADS"]


def _cpu_identity() -> str:
    """-march=native code runs only on this kind of CPU: the cache key includes what the CPU can do."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith(("flags", "Features", "isa")):
                    return line
    except OSError:
        pass
    return os.uname().machine


def cache_dir() -> pathlib.Path:
    """$B2I_CACHE/tensor, else ~/.cache/b2i/tensor; a temporary folder when neither can be written."""
    root = os.environ.get("B2I_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "b2i")
    folder = pathlib.Path(root) / "tensor"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        folder = pathlib.Path(tempfile.gettempdir()) / f"b2i-tensor-{os.getuid()}"
        folder.mkdir(parents=True, exist_ok=True)
    return folder


_new_bytearray = ctypes.pythonapi.PyByteArray_FromStringAndSize
_new_bytearray.restype = ctypes.py_object
_new_bytearray.argtypes = [ctypes.c_void_p, ctypes.c_ssize_t]


def _address(buf: Buffer) -> int | None:
    if not buf.mem:
        return None
    return ctypes.addressof((ctypes.c_char * len(buf.mem)).from_buffer(buf.mem))


class CBackend:
    name = "c"

    def __init__(self) -> None:
        self.cc = os.environ.get("CC", "cc")
        if shutil.which(self.cc) is None:
            raise DeviceUnavailable(f"device 'c' needs a C compiler: {self.cc!r} was not found (set CC)")
        self.flags = list(FLAGS)
        self.salt = " ".join([self.cc, *self.flags, _cpu_identity()])
        self.loaded: dict[str, ctypes._CFuncPtr] = {}

    @staticmethod
    def empty(nbytes: int) -> bytearray:
        """A bytearray whose bytes are not cleared first: the scheduler asks for one only for a kernel's output,
        which the kernel writes whole (clearing 16 MB would cost half as much as computing into it)."""
        return _new_bytearray(None, nbytes)

    def library(self, source: str) -> pathlib.Path:
        """The shared library for `source`: from the disk cache, or compiled now."""
        digest = hashlib.sha256((self.salt + "\n" + source).encode()).hexdigest()[:32]
        folder = cache_dir()
        path = folder / f"k_{digest}.so"
        if path.exists():
            debug.stats.cache_hits += 1
            return path
        debug.log(3, source)
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            c_file = pathlib.Path(tmp) / "kernel.c"
            c_file.write_text(source)
            so_file = pathlib.Path(tmp) / "kernel.so"
            proc = subprocess.run([self.cc, *self.flags, "-o", str(so_file), str(c_file), "-lm"],
                                  capture_output=True, text=True)
            if proc.returncode != 0:
                raise RuntimeError(f"the C compiler rejected a kernel (a b2i-tensor bug):\n{proc.stderr}\n{source}")
            os.replace(so_file, path)  # atomic: parallel processes may race to the same kernel
        debug.stats.compiled += 1
        return path

    def compile(self, kernel: Kernel) -> Program:
        source, numbers = render(kernel)
        fn = self.loaded.get(source)
        if fn is None:
            fn = ctypes.CDLL(str(self.library(source))).kernel
            fn.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.POINTER(ctypes.c_uint64)]
            fn.restype = None
            self.loaded[source] = fn
        else:
            debug.stats.cache_hits += 1
        if debug.settings.debug >= 3 and kernel.label:
            debug.log(3, f"/* {kernel.kind} {kernel.label} */")

        def run(buffers: list[Buffer], params: list[int]) -> None:
            ptrs = (ctypes.c_void_p * len(buffers))(*[_address(b) for b in buffers])
            values = [*params, *numbers]
            args = (ctypes.c_uint64 * max(1, len(values)))(*values)
            fn(ptrs, args)

        return run
