"""The numpy backend: the reference. Each kernel's expression is evaluated op by op with numpy arrays."""

from __future__ import annotations

import numpy as np
from b2i.tensor.device import Buffer, Program
from b2i.tensor.dtype import DType
from b2i.tensor.kernel import Acc, Alu, Const, Expr, Kernel, Load, Rand, walk
from b2i.tensor.random import GOLDEN, MIX1, MIX2
from b2i.tensor.view import View


def as_numpy(buf: Buffer) -> np.ndarray:
    """The buffer's memory as a writable 1-D numpy array (no copy)."""
    return np.frombuffer(buf.mem, dtype=np.dtype(buf.dtype.name), count=buf.size) if buf.size else \
        np.zeros(0, dtype=np.dtype(buf.dtype.name))


def strided(flat: np.ndarray, view: View) -> np.ndarray:
    """`flat` seen through `view` (no copy)."""
    if view.size == 0:
        return np.zeros(view.shape, dtype=flat.dtype)
    item = flat.itemsize
    base = flat[view.offset:]
    return np.lib.stride_tricks.as_strided(base, view.shape, tuple(s * item for s in view.strides))


def positions(view: View) -> np.ndarray:
    """The buffer position of every element of `view`, as an int64 array of view.shape."""
    pos = np.full(view.shape, view.offset, dtype=np.int64)
    for axis, (n, s) in enumerate(zip(view.shape, view.strides, strict=True)):
        shape = [1] * len(view.shape)
        shape[axis] = n
        pos = pos + (np.arange(n, dtype=np.int64) * s).reshape(shape)
    return pos


def random_bits(key: int, counter: np.ndarray) -> np.ndarray:
    z = np.uint64(key) + counter.astype(np.uint64) * np.uint64(GOLDEN)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(MIX1)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(MIX2)
    return z ^ (z >> np.uint64(31))


def uniform(key: int, counter: np.ndarray, dtype: DType) -> np.ndarray:
    z = random_bits(key, counter)
    if dtype.name == "float32":
        return (z >> np.uint64(40)).astype(np.float32) * np.float32(2.0**-24)
    return (z >> np.uint64(11)).astype(np.float64) * 2.0**-53


def normal(key: int, counter: np.ndarray, dtype: DType) -> np.ndarray:
    from b2i.tensor.dtype import float64

    u1 = uniform(key, counter * 2, float64)
    u2 = uniform(key, counter * 2 + 1, float64)
    z = np.sqrt(-2.0 * np.log(1.0 - u1)) * np.cos(2.0 * np.pi * u2)
    return z.astype(np.dtype(dtype.name))


_BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.true_divide, "floordiv": np.floor_divide,
    "mod": np.remainder, "pow": np.power, "max": np.maximum, "min": np.minimum, "lt": np.less, "le": np.less_equal,
    "gt": np.greater, "ge": np.greater_equal, "eq": np.equal, "ne": np.not_equal,
    "and": np.bitwise_and, "or": np.bitwise_or, "xor": np.bitwise_xor,
}
_UNARY = {"neg": np.negative, "abs": np.abs, "exp": np.exp, "log": np.log, "sqrt": np.sqrt, "sin": np.sin,
          "cos": np.cos, "tanh": np.tanh}


def _alu(e: Alu, args: list[np.ndarray]) -> np.ndarray:
    dt = np.dtype(e.dtype.name)
    op = e.op
    if op in ("cast", "copy"):
        return args[0].astype(dt)
    if op == "where":
        return np.where(args[0], args[1], args[2]).astype(dt)
    if op == "not":
        return np.logical_not(args[0]) if dt == np.bool_ else np.invert(args[0])
    if op == "relu":
        return np.maximum(args[0], np.zeros((), dtype=dt)).astype(dt)
    if op == "sigmoid":
        one = np.ones((), dtype=dt)
        return (one / (one + np.exp(-args[0]))).astype(dt)
    if op == "pow" and dt.kind == "i":
        # numpy refuses negative integer powers; our C gives 0 (or +-1 for bases +-1): do the same here.
        base, exp = np.broadcast_arrays(args[0], args[1])
        out = np.power(base, np.maximum(exp, 0)).astype(dt)
        neg = exp < 0
        return np.where(neg, np.where(base == 1, 1, np.where(base == -1, np.where(exp % 2 == 0, 1, -1), 0)), out) \
            .astype(dt)
    fn = _BINARY.get(op) or _UNARY[op]
    return np.asarray(fn(*args)).astype(dt)


def evaluate(expr: Expr, arrays: list[np.ndarray], params: list[int], acc: np.ndarray | None = None,
             shape: tuple[int, ...] | None = None) -> np.ndarray:
    """The expression's value over its loop shape. For a reduce kernel's epilogue, `acc` is the reduced array
    and `shape` the output shape: loads then read only at the output elements (their reduced axes have
    stride 0, so keeping the strides and shrinking the shape does it)."""
    values: dict[int, np.ndarray] = {}

    def view_of(e: Load | Rand) -> View:
        return e.view if shape is None else View(shape, e.view.strides, e.view.offset)

    with np.errstate(all="ignore"):
        for e in walk(expr):
            if isinstance(e, Acc):
                v = acc
            elif isinstance(e, Load):
                if e.dyn is None:
                    v = strided(arrays[e.buf], view_of(e))
                else:
                    stride, index = e.dyn
                    pos = positions(view_of(e)) + values[id(index)].astype(np.int64) * stride
                    v = arrays[e.buf][pos]
            elif isinstance(e, Const):
                v = np.array(e.value, dtype=np.dtype(e.dtype.name))
            elif isinstance(e, Rand):
                fn = uniform if e.kind == "uniform" else normal
                v = fn(params[e.param], positions(view_of(e)), e.dtype)
            else:
                v = _alu(e, [values[id(s)] for s in e.srcs])
            values[id(e)] = v
    return values[id(expr)]


class NumpyBackend:
    name = "numpy"

    def compile(self, kernel: Kernel) -> Program:
        def run(buffers: list[Buffer], params: list[int]) -> None:
            arrays = [as_numpy(b) for b in buffers]
            out = strided(arrays[0], kernel.out) if kernel.out.size else None
            with np.errstate(all="ignore"):
                if kernel.kind == "matmul":
                    a = strided(arrays[1], kernel.a)
                    b = strided(arrays[2], kernel.b)
                    value = np.matmul(a, b) if a.size and b.size else np.zeros(kernel.shape, arrays[0].dtype)
                    value = value.astype(arrays[0].dtype)
                else:
                    value = np.broadcast_to(evaluate(kernel.expr, arrays, params), kernel.shape)
                    if kernel.kind == "reduce":
                        acc = next((e for e in walk(kernel.epilogue) if isinstance(e, Acc)), None) \
                            if kernel.epilogue is not None else None
                        dt = np.dtype(acc.dtype.name) if acc is not None else arrays[0].dtype
                        value = _reduce(kernel, value, dt)
                        if kernel.epilogue is not None:
                            value = evaluate(kernel.epilogue, arrays, params, value, kernel.out.shape)
            if out is not None:
                out[...] = value

        return run


def _reduce(kernel: Kernel, value: np.ndarray, dt: np.dtype) -> np.ndarray:
    axes, op = kernel.axes, kernel.reduce_op
    if op in ("argmax", "argmin"):
        fn = np.argmax if op == "argmax" else np.argmin
        if not axes:
            return np.zeros(value.shape, dtype=np.int64)
        (axis,) = axes
        return fn(value, axis=axis, keepdims=True)
    if op == "sum":
        return np.add.reduce(value, axis=axes, keepdims=True, dtype=dt)
    if op == "prod":
        return np.multiply.reduce(value, axis=axes, keepdims=True, dtype=dt)
    fn = np.maximum if op == "max" else np.minimum
    return fn.reduce(value, axis=axes, keepdims=True).astype(dt)
