"""The b2i backend: the same C kernels, compiled by b2i-cc and run as programs on b2i-sim.

compile(kernel) renders the kernel with render_c (the single lowering path, as for the c device), wraps it in
the driver program of b2i_program.py, and builds a static RISC-V executable with b2i-cc's driver (in-process,
-O1, our own libc). The ELF is cached on disk next to the c device's libraries (in a b2i/ subfolder), keyed by
the hash of its source, the tool versions and every file of b2i-cc and b2i-sim (compiler, libc, assembler,
linker), so a changed libc never reuses an old ELF. Each call then runs that program on b2i-sim (the fast
engine when llvmlite is installed, else the reference interpreter): the buffers go in on stdin, the output
comes back on stdout. b2i.cc and b2i.sim are imported only here, and only when the device is first used.
"""

from __future__ import annotations

import hashlib
import os
import pathlib
import tempfile
import time
from dataclasses import dataclass

from b2i.tensor import debug
from b2i.tensor.b2i_program import encode_input, program_source
from b2i.tensor.backend_c import cache_dir
from b2i.tensor.device import Buffer, DeviceUnavailable, Program
from b2i.tensor.kernel import Kernel
from b2i.tensor.render_c import render

OPT = 1  # b2i-cc's -O level for kernels


@dataclass
class GuestStats:
    """What the b2i machine did since the backend was created: for the demo and the docs' numbers."""

    programs_built: int = 0
    build_seconds: float = 0.0
    runs: int = 0
    run_seconds: float = 0.0
    instructions: int = 0


class B2IBackend:
    name = "b2i"

    def __init__(self) -> None:
        try:
            import b2i.cc
            import b2i.sim
            from b2i.cc import driver
        except ImportError as e:
            raise DeviceUnavailable(f"device 'b2i' needs b2i-cc and b2i-sim installed ({e})") from None
        self.driver = driver
        self.engine, self.run_program = _engine()
        self.salt = (f"b2i-cc {b2i.cc.__version__} b2i-sim {b2i.sim.__version__} -O{OPT} "
                     f"{toolchain_digest(b2i.cc, b2i.sim)}")
        self.elves: dict[str, bytes] = {}
        self.stats = GuestStats()

    def executable(self, source: str) -> bytes:
        """The ELF for the program `source`: from memory, the disk cache, or built now by b2i-cc."""
        elf = self.elves.get(source)
        if elf is not None:
            debug.stats.cache_hits += 1
            return elf
        digest = hashlib.sha256((self.salt + "\n" + source).encode()).hexdigest()[:32]
        folder = cache_dir() / "b2i"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"k_{digest}.elf"
        if path.exists():
            debug.stats.cache_hits += 1
        else:
            self._build(source, folder, path)
        elf = path.read_bytes()
        self.elves[source] = elf
        return elf

    def _build(self, source: str, folder: pathlib.Path, path: pathlib.Path) -> None:
        debug.log(3, source)
        start = time.perf_counter()
        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            c_file = pathlib.Path(tmp) / "kernel.c"
            c_file.write_text(source)
            out = pathlib.Path(tmp) / "kernel.elf"
            options = self.driver.Options()
            options.inputs = [("file", str(c_file))]
            options.output = str(out)
            options.optimize = OPT
            options.warnings = False
            try:
                self.driver.run(options)
            except Exception as e:  # CompileError, DriverError: a construct b2i-cc does not take (our bug)
                message = e.render() if hasattr(e, "render") else str(e)
                raise RuntimeError(f"b2i-cc rejected a kernel (a b2i-tensor or b2i-cc bug):\n{message}") from None
            os.replace(out, path)  # atomic: parallel processes may race to the same kernel
        debug.stats.compiled += 1
        self.stats.programs_built += 1
        self.stats.build_seconds += time.perf_counter() - start

    def compile(self, kernel: Kernel) -> Program:
        kernel_source, numbers = render(kernel)
        elf = self.executable(program_source(kernel_source))
        name = f"{kernel.kind} {kernel.label}".strip()

        def run(buffers: list[Buffer], params: list[int]) -> None:
            stdin = encode_input([b.mem for b in buffers], [*params, *numbers])
            start = time.perf_counter()
            result = self.run_program(elf, ["kernel"], stdin=stdin)
            self.stats.runs += 1
            self.stats.run_seconds += time.perf_counter() - start
            self.stats.instructions += result.instret
            out = buffers[0].mem
            if result.exit_code != 0 or result.fault or len(result.stdout) != len(out):
                why = result.fault or f"exit status {result.exit_code}"
                err = result.stderr.decode(errors="replace").strip()
                raise RuntimeError(f"kernel '{name}' failed on the b2i machine ({self.engine} engine): {why}; "
                                   f"{len(result.stdout)} of {len(out)} output bytes" + (f"; stderr: {err}" if err
                                                                                          else ""))
            out[:] = result.stdout

        return run


def toolchain_digest(*packages) -> str:
    """A hash of every file of the packages that build the ELF: b2i-cc (compiler, libc sources and headers) and
    b2i-sim (assembler, linker). A change to any of them, with or without a version bump, gives new cache keys,
    so a stale ELF built with an older libc is never reused. About 1 MB of files: a few ms, once per process."""
    h = hashlib.sha256()
    for package in packages:
        root = pathlib.Path(package.__file__).parent
        for path in sorted(root.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                h.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:16]


def _engine():
    """('fast', its run_program) when b2i-sim's fast engine can run (llvmlite installed), else the reference's."""
    try:
        from b2i.sim import fast

        if fast.available():
            return "fast", fast.run_program
    except ImportError:
        pass
    from b2i.sim import run_program

    return "reference", run_program
