"""Conversions to and from numpy arrays: the only place outside the numpy backend that imports numpy."""

from __future__ import annotations

from b2i.tensor.device import Buffer
from b2i.tensor.dtype import DTYPES, DType, to_dtype
from b2i.tensor.graph import Node


def from_numpy(array, dtype: DType | None, device: str) -> tuple[Node, tuple[int, ...]]:
    import numpy as np

    a = np.asarray(array)
    if dtype is None:
        try:
            dtype = to_dtype(a.dtype.name)
        except TypeError:
            names = ", ".join(d.name for d in DTYPES)
            raise TypeError(f"numpy dtype {a.dtype} is not supported (use one of {names})") from None
    a = np.array(a, dtype=np.dtype(dtype.name), order="C")  # (ascontiguousarray would make 0-d arrays 1-d)
    buf = Buffer(device, dtype, a.size, bytearray(a.tobytes()))
    return Node("BUFFER", (), None, dtype, (a.size,), device, buf), tuple(a.shape)


def to_numpy(t):
    """A fresh numpy array holding a realized tensor's values."""
    import numpy as np

    buf = t.node.buffer
    dt = np.dtype(t.dtype.name)
    if t.size == 0:
        return np.zeros(t.shape, dtype=dt)
    flat = np.frombuffer(buf.mem, dtype=dt, count=buf.size)
    item = dt.itemsize
    view = t.layout
    return np.lib.stride_tricks.as_strided(flat[view.offset:], view.shape,
                                           tuple(s * item for s in view.strides)).copy()
