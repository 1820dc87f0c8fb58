"""The b2i backend: the same C kernels, compiled by b2i-cc and run on b2i-sim.

Its shape is fixed now so it can drop in later: compile(kernel) renders the kernel with render_c (as the c
backend does), hands the source to b2i-cc for the b2i machine, and returns a callable that copies the buffers
into the simulated machine's memory, runs the kernel and copies the output back. Until b2i-cc and b2i-sim can
run programs, creating this backend raises DeviceUnavailable: it is absent, never faked.
"""

from __future__ import annotations

from b2i.tensor.device import DeviceUnavailable, Program
from b2i.tensor.kernel import Kernel


class B2IBackend:
    name = "b2i"

    def __init__(self) -> None:
        raise DeviceUnavailable(
            "device 'b2i' is not available yet: it needs b2i-cc to compile C and b2i-sim to run it, and those "
            "layers do not run programs yet (use device='c' or device='numpy')")

    def compile(self, kernel: Kernel) -> Program:  # pragma: no cover - unreachable until the layers exist
        raise DeviceUnavailable("device 'b2i' is not available yet")
