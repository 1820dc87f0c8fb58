"""b2i.tensor: numpy-like tensors with lazy graphs lowered to C kernels.

`from b2i.tensor import Tensor` and compute as with numpy; nothing runs until a value is needed. Results are
produced by the device chosen with `device=`: "numpy" (the reference), "c" (kernels rendered as C and built by
the host compiler) or "b2i" (the b2i machine; not available yet).
"""

__version__ = "0.3.1"

from b2i.tensor.debug import counting, settings, stats
from b2i.tensor.device import DEVICES, DeviceUnavailable
from b2i.tensor.dtype import (
    DTYPES,
    DType,
    bool_,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    result_type,
    uint8,
    uint16,
    uint32,
    uint64,
)
from b2i.tensor.random import Generator, manual_seed
from b2i.tensor.shapes import AxisError
from b2i.tensor.tensor import Tensor, concatenate, dot, matmul, maximum, minimum, realize, stack, where

zeros = Tensor.zeros
ones = Tensor.ones
full = Tensor.full
arange = Tensor.arange
linspace = Tensor.linspace
eye = Tensor.eye
rand = Tensor.rand
randn = Tensor.randn
randint = Tensor.randint


def zeros_like(t: Tensor, dtype=None) -> Tensor:
    return Tensor.zeros(t.shape, dtype=dtype or t.dtype, device=t.device)


def ones_like(t: Tensor, dtype=None) -> Tensor:
    return Tensor.ones(t.shape, dtype=dtype or t.dtype, device=t.device)


def full_like(t: Tensor, fill_value, dtype=None) -> Tensor:
    return Tensor.full(t.shape, fill_value, dtype=dtype or t.dtype, device=t.device)


def exp(t: Tensor) -> Tensor:
    return t.exp()


def log(t: Tensor) -> Tensor:
    return t.log()


def sqrt(t: Tensor) -> Tensor:
    return t.sqrt()


def tanh(t: Tensor) -> Tensor:
    return t.tanh()


__all__ = [
    "__version__", "Tensor", "DType", "DTYPES", "bool_", "int8", "uint8", "int16", "uint16", "int32", "uint32",
    "int64", "uint64", "float32", "float64",
    "result_type", "where", "maximum", "minimum", "concatenate", "stack", "matmul", "dot", "realize",
    "zeros", "ones", "full", "arange", "linspace", "eye", "rand", "randn", "randint", "zeros_like", "ones_like",
    "full_like", "exp", "log", "sqrt", "tanh", "Generator", "manual_seed", "AxisError", "DeviceUnavailable",
    "DEVICES", "settings", "stats", "counting",
]
