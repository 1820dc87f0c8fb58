"""Hypothesis strategies and numpy comparisons shared by b2i-tensor's tests (numpy is the oracle)."""

from __future__ import annotations

import b2i.tensor as bt
import numpy as np
from b2i.tensor import Tensor
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

DEVICES = ["numpy", "c"]  # every available backend; "b2i" is absent until b2i-cc and b2i-sim run programs
DTYPES = ["bool", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float32", "float64"]

# Every binary operation: how we spell it, and numpy's function that is its oracle.
BINARY = {
    "add": (lambda a, b: a + b, np.add),
    "sub": (lambda a, b: a - b, np.subtract),
    "mul": (lambda a, b: a * b, np.multiply),
    "truediv": (lambda a, b: a / b, np.true_divide),
    "floordiv": (lambda a, b: a // b, np.floor_divide),
    "mod": (lambda a, b: a % b, np.remainder),
    "pow": (lambda a, b: a**b, np.power),
    "maximum": (bt.maximum, np.maximum),
    "minimum": (bt.minimum, np.minimum),
    "lt": (lambda a, b: a < b, np.less),
    "le": (lambda a, b: a <= b, np.less_equal),
    "gt": (lambda a, b: a > b, np.greater),
    "ge": (lambda a, b: a >= b, np.greater_equal),
    "eq": (lambda a, b: a == b, np.equal),
    "ne": (lambda a, b: a != b, np.not_equal),
    "and": (lambda a, b: a & b, np.bitwise_and),
    "or": (lambda a, b: a | b, np.bitwise_or),
    "xor": (lambda a, b: a ^ b, np.bitwise_xor),
}

# Stated tolerances: relative to the largest magnitude involved, since sums and libm functions round
# differently from numpy's SIMD loops and pairwise summation.
RTOL = {"float32": 2e-5, "float64": 1e-11}


def elements(dtype: str, small: bool = False):
    if dtype == "bool":
        return st.booleans()
    if dtype in ("int32", "int64"):
        return st.integers(-12, 12) if small else st.integers(-1000, 1000)
    if np.dtype(dtype).kind in "iu":  # the whole range, so that sums and products wrap around
        info = np.iinfo(dtype)
        return st.integers(max(info.min, -12), 12) if small else st.integers(int(info.min), int(info.max))
    return st.floats(-4, 4, width=32 if dtype == "float32" else 64, allow_subnormal=False)


def arrays(dtype: str, shape, small: bool = False):
    return hnp.arrays(np.dtype(dtype), shape, elements=elements(dtype, small))


shapes = hnp.array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4)


@st.composite
def viewed(draw, dtype: str, shape: tuple[int, ...], small: bool = False):
    """An array of `shape` built as a view of a bigger array (transposed, strided, flipped or offset), or not.

    Returns (base, make) where make(base_tensor) applies the same view on our side as on numpy's.
    """
    kind = draw(st.sampled_from(["plain", "transposed", "strided", "flipped", "offset"]))
    if kind == "plain" or not shape:
        base = draw(arrays(dtype, shape, small))
        return base, lambda t: t
    if kind == "transposed":
        base = draw(arrays(dtype, tuple(reversed(shape)), small))
        return base, lambda t: t.T
    if kind == "strided":
        base = draw(arrays(dtype, (*shape[:-1], shape[-1] * 2), small))
        return base, lambda t: t[..., ::2]
    if kind == "flipped":
        base = draw(arrays(dtype, shape, small))
        return base, lambda t: t[..., ::-1]
    base = draw(arrays(dtype, (shape[0] + 1, *shape[1:]), small))
    return base, lambda t: t[1:]


def check(ours: Tensor, ref: np.ndarray, dtype_too: bool = True, scale: float | None = None) -> None:
    """`ours` equals numpy's `ref`: exactly for integers and bools, within RTOL (of `scale`) for floats."""
    got = ours.numpy()
    ref = np.asarray(ref)
    assert got.shape == ref.shape, (got.shape, ref.shape)
    if dtype_too:
        assert got.dtype == ref.dtype, (got.dtype, ref.dtype)
    if got.dtype.kind == "f":
        rtol = RTOL[got.dtype.name]
        if scale is None:
            finite = np.abs(ref[np.isfinite(ref)])
            scale = float(finite.max()) if finite.size else 1.0
        np.testing.assert_allclose(got, ref.astype(got.dtype), rtol=rtol, atol=rtol * max(scale, 1.0),
                                   equal_nan=True)
    else:
        np.testing.assert_array_equal(got, ref)
