"""The array operations the autograd engine is built from, in one place.

Everything in b2i.ml computes with these functions, so swapping the array library is a change to this file
only. They follow numpy's names and semantics.
"""

from __future__ import annotations

import numpy as xp

Array = xp.ndarray


def asarray(x, dtype=None, device: str | None = None) -> Array:
    return xp.asarray(x, dtype=dtype)


def to_numpy(x: Array):
    return xp.asarray(x)


def realize(x: Array) -> Array:
    """Computes a lazy array now (so graphs do not grow across training steps)."""
    return x


def device_of(x: Array) -> str:
    return "numpy"


def zeros(shape, dtype="float32", device: str | None = None) -> Array:
    return xp.zeros(shape, dtype=dtype)


def ones(shape, dtype="float32", device: str | None = None) -> Array:
    return xp.ones(shape, dtype=dtype)


def full(shape, value, dtype="float32", device: str | None = None) -> Array:
    return xp.full(shape, value, dtype=dtype)


def arange(n: int, dtype="int64", device: str | None = None) -> Array:
    return xp.arange(n, dtype=dtype)


exp, log, tanh, sqrt, maximum, where, matmul = xp.exp, xp.log, xp.tanh, xp.sqrt, xp.maximum, xp.where, xp.matmul
concatenate, stack, broadcast_to = xp.concatenate, xp.stack, xp.broadcast_to
reshape, transpose = xp.reshape, xp.transpose


def sum_(x: Array, axis=None, keepdims: bool = False) -> Array:
    return xp.sum(x, axis=axis, keepdims=keepdims)


def max_(x: Array, axis=None, keepdims: bool = False) -> Array:
    return xp.max(x, axis=axis, keepdims=keepdims)


def astype(x: Array, dtype) -> Array:
    return x.astype(dtype)


def dtype_name(x: Array) -> str:
    return x.dtype.name


class Generator:
    """Seeded random numbers, as backend arrays."""

    def __init__(self, seed: int = 0) -> None:
        self.rng = xp.random.default_rng(seed)

    def normal(self, shape, dtype="float32", device: str | None = None) -> Array:
        return self.rng.standard_normal(shape).astype(dtype)

    def uniform(self, shape, low=0.0, high=1.0, dtype="float32", device: str | None = None) -> Array:
        return self.rng.uniform(low, high, shape).astype(dtype)
