"""Devices: where buffers live and who runs kernels.

Every device keeps its data in a Buffer: a flat block of bytes (a bytearray) plus its dtype. A Backend turns
a Kernel into something callable over buffers: `program = backend.compile(kernel)`, then
`program(buffers, params)`. The numpy backend interprets the kernel with numpy; the c backend renders it
as C and runs the host compiler's build of it; the b2i backend is the same C built by b2i-cc for b2i-sim.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence
from typing import Protocol

from b2i.tensor.dtype import DType
from b2i.tensor.kernel import Kernel

DEVICES = ("numpy", "c", "b2i")


class DeviceUnavailable(RuntimeError):
    """A device that exists in the design but cannot run here (yet)."""


class Buffer:
    """`size` elements of `dtype` in a bytearray (bool is one byte, 0 or 1)."""

    __slots__ = ("device", "dtype", "size", "mem")

    def __init__(self, device: str, dtype: DType, size: int, mem: bytearray | None = None) -> None:
        self.device, self.dtype, self.size = device, dtype, size
        self.mem = bytearray(size * dtype.itemsize) if mem is None else mem

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @staticmethod
    def from_values(device: str, dtype: DType, values: Sequence) -> Buffer:
        """Pack Python numbers (already converted to dtype's kind) into a new buffer."""
        try:
            mem = bytearray(struct.pack(f"={len(values)}{dtype.fmt}", *values))
        except struct.error:
            bad = next(v for v in values if not _fits(v, dtype))
            raise OverflowError(f"Python integer {bad} out of bounds for {dtype.name}") from None
        return Buffer(device, dtype, len(values), mem)

    def value_at(self, index: int):
        """One element as a Python number."""
        return struct.unpack_from(f"={self.dtype.fmt}", self.mem, index * self.dtype.itemsize)[0]

    def values(self) -> list:
        """All elements as Python numbers."""
        if self.size == 0:
            return []
        return memoryview(self.mem).cast(self.dtype.fmt).tolist()


def _fits(v, dtype: DType) -> bool:
    try:
        struct.pack(f"={dtype.fmt}", v)
        return True
    except struct.error:
        return False


Program = Callable[[list[Buffer], list[int]], None]


class Backend(Protocol):
    """What a device offers the scheduler."""

    name: str

    def compile(self, kernel: Kernel) -> Program:
        """Prepare `kernel` to run; the result is called with [output, inputs...] buffers and the params."""
        ...


_backends: dict[str, Backend] = {}


def get_backend(name: str) -> Backend:
    """The backend for a device name; a clear error for unknown or unavailable devices."""
    if name in _backends:
        return _backends[name]
    if name == "numpy":
        from b2i.tensor.backend_numpy import NumpyBackend

        backend: Backend = NumpyBackend()
    elif name == "c":
        from b2i.tensor.backend_c import CBackend

        backend = CBackend()
    elif name == "b2i":
        from b2i.tensor.backend_b2i import B2IBackend

        backend = B2IBackend()  # DeviceUnavailable when b2i-cc or b2i-sim cannot be imported
    else:
        raise ValueError(f"unknown device {name!r} (choose one of {', '.join(DEVICES)})")
    _backends[name] = backend
    return backend
