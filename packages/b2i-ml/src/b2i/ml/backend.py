"""The array operations b2i.ml is built from, all in terms of b2i-tensor, in one place.

Autograd, layers and optimizers call only these functions, so the lazy b2i-tensor graph (fused into kernels
and run on the numpy reference or the C backend) carries both the forward and the backward pass. The names
and meanings follow numpy's.
"""

from __future__ import annotations

import b2i.tensor as bt
import numpy as np

Array = bt.Tensor


def set_default_device(device: str) -> None:
    """Where new arrays live unless a device is given: "numpy" (reference) or "c" (compiled kernels)."""
    bt.zeros(1, device=device)  # an unknown or unavailable device fails here, with b2i-tensor's message
    bt.settings.default_device = device


def default_device() -> str:
    return bt.settings.default_device


def asarray(x, dtype=None, device: str | None = None) -> Array:
    if isinstance(x, Array):
        out = x if dtype is None else x.astype(dtype)
        return out if device is None else out.to(device)
    return Array(x, dtype=dtype, device=device)


def scalar(value: float, dtype="float32", device: str | None = None) -> Array:
    """A 0-d array whose value is data, not code: a kernel that uses it is compiled once and reused when the
    value changes (a learning rate that follows a schedule), where a Python number would be baked into the C.
    """
    return Array(np.asarray(value, dtype=dtype), device=device)


_constants: dict[tuple, Array] = {}  # (value, shape, dtype, device) -> a broadcast constant
CONSTANTS_KEPT = 4096  # forget them all past this many (a long run uses a handful of shapes)


def constant(value: float, like: Array) -> Array:
    """`value` as a constant of like's dtype and device, already broadcast to like's shape, made once and then
    reused. In a kernel it is code, exactly like a Python number, but an operation with a Python number builds
    a new constant node every time; training steps repeat the same few numbers on the same shapes."""
    key = (value, like.shape, like.dtype, like.device)
    c = _constants.get(key)
    if c is None:
        if len(_constants) >= CONSTANTS_KEPT:
            _constants.clear()
        c = _constants[key] = broadcast_to(Array.full((), value, dtype=like.dtype, device=like.device), like.shape)
    return c


def to_numpy(x: Array):
    return x.numpy()


def realize(x: Array) -> Array:
    """Computes a lazy array now, so graphs do not grow from one training step to the next."""
    return x.realize()


def realize_all(*xs: Array) -> None:
    """Computes several arrays in one schedule (shared work is done once)."""
    bt.realize(*xs)


def device_of(x: Array) -> str:
    return x.device


def zeros(shape, dtype="float32", device: str | None = None) -> Array:
    return Array.full(tuple(shape), 0, dtype=dtype, device=device)


def ones(shape, dtype="float32", device: str | None = None) -> Array:
    return Array.full(tuple(shape), 1, dtype=dtype, device=device)


def full(shape, value, dtype="float32", device: str | None = None) -> Array:
    return Array.full(tuple(shape), value, dtype=dtype, device=device)


def arange(n: int, dtype="int64", device: str | None = None) -> Array:
    return Array.arange(n, dtype=dtype, device=device)


_index_rows: dict[tuple[int, str], Array] = {}


def index_row(n: int, device: str | None = None) -> Array:
    """(1, n): 0, 1, ..., n - 1, made once per size and device; one-hot matrices compare ids against it."""
    device = device or default_device()
    row = _index_rows.get((n, device))
    if row is None:
        row = _index_rows[(n, device)] = realize(reshape(arange(n, device=device), (1, -1)))
    return row


def exp(x: Array) -> Array:
    return x.exp()


def log(x: Array) -> Array:
    return x.log()


def tanh(x: Array) -> Array:
    return x.tanh()


def sqrt(x: Array) -> Array:
    return x.sqrt()


maximum, where, matmul, concatenate, stack = bt.maximum, bt.where, bt.matmul, bt.concatenate, bt.stack


def broadcast_to(x: Array, shape) -> Array:
    return x.broadcast_to(*shape) if shape else x.reshape(())


def reshape(x: Array, shape) -> Array:
    return x.reshape(*shape) if shape else x.reshape(())


def transpose(x: Array, axes) -> Array:
    return x.permute(*axes)


def sum_(x: Array, axis=None, keepdims: bool = False) -> Array:
    return x.sum(axis=axis, keepdims=keepdims)


def max_(x: Array, axis=None, keepdims: bool = False) -> Array:
    return x.max(axis=axis, keepdims=keepdims)


def flip(x: Array, axis: int) -> Array:
    """The elements in reverse order along one axis (a view)."""
    return x.flip(axis)


def pad(x: Array, widths) -> Array:
    """Zeros before and after each axis: widths is one (before, after) pair per axis."""
    return x.pad(tuple(tuple(w) for w in widths))


def take_rows(x: Array, index: Array) -> Array:
    """x[index] for a 1-D integer index array: a gather."""
    return x[index]


def astype(x: Array, dtype) -> Array:
    return x.astype(dtype)


def dtype_name(x: Array) -> str:
    return x.dtype.name


class Generator:
    """Seeded random arrays from b2i-tensor's counter-based generator: the same values on every device."""

    def __init__(self, seed: int = 0) -> None:
        self.seeds = bt.Generator(seed)

    def normal(self, shape, dtype="float32", device: str | None = None) -> Array:
        return Array.randn(*shape, generator=self.seeds, dtype=dtype, device=device)

    def uniform(self, shape, low=0.0, high=1.0, dtype="float32", device: str | None = None) -> Array:
        u = Array.rand(*shape, generator=self.seeds, dtype=dtype, device=device)
        return u if (low, high) == (0.0, 1.0) else u * (high - low) + low
