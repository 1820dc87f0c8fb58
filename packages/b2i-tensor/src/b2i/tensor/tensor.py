"""The Tensor: a lazy node plus a view, with numpy's names and rules (and PyTorch's where numpy has none)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence

from b2i.tensor import debug
from b2i.tensor.device import Buffer, get_backend
from b2i.tensor.dtype import (
    INT_RANGE,
    DType,
    bool_,
    check_weak_int,
    creation_dtype,
    float32,
    float64,
    float_dtype,
    int8,
    int64,
    result_type,
    sum_dtype,
    to_dtype,
    uint64,
)
from b2i.tensor.graph import Node
from b2i.tensor.random import Generator, default_generator
from b2i.tensor.schedule import realize as realize_nodes
from b2i.tensor.shapes import AxisError, as_shape, broadcast_shapes, fmt_shape, normalize_axes, normalize_axis
from b2i.tensor.view import View, prod

Scalar = bool | int | float


def _device(device: str | None) -> str:
    name = device or debug.settings.default_device
    get_backend(name)  # unknown or unavailable devices fail here, at creation
    return name


class Tensor:
    """An n-dimensional array whose value is computed lazily (on realize(), numpy(), tolist(), item(), print).

    `Tensor(data, dtype=None, device=None)` accepts nested lists, Python scalars, numpy arrays and Tensors.
    """

    __slots__ = ("node", "layout", "__weakref__")
    __array_priority__ = 1000  # numpy defers `ndarray + Tensor` to Tensor.__radd__

    def __init__(self, data: object, dtype: DType | str | type | None = None, device: str | None = None) -> None:
        if isinstance(data, Tensor):
            t = data if dtype is None else data.astype(dtype)
            t = t if device is None else t.to(device)
            self.node, self.layout = t.node, t.layout
            return
        device = _device(device)
        if hasattr(data, "__array_interface__") or type(data).__module__ == "numpy":
            from b2i.tensor.convert import from_numpy

            node, shape = from_numpy(data, None if dtype is None else to_dtype(dtype), device)
        else:
            node, shape = _from_python(data, None if dtype is None else to_dtype(dtype), device)
        self.node, self.layout = node, View.contiguous(shape)

    @staticmethod
    def _make(node: Node, layout: View) -> Tensor:
        t = Tensor.__new__(Tensor)
        t.node, t.layout = node, layout
        return t

    @staticmethod
    def _new(op: str, srcs: Sequence[Tensor], dtype: DType, shape: tuple[int, ...], arg: object = None) -> Tensor:
        device = srcs[0].node.device
        if any(s.node.device != device for s in srcs):
            devices = {s.device for s in srcs}
            raise ValueError(f"tensors are on different devices: {', '.join(sorted(devices))}")
        node = Node(op, tuple((s.node, s.layout) for s in srcs), arg, dtype, shape, device)
        return Tensor._make(node, View.contiguous(shape))

    # ---- properties -------------------------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.layout.shape

    @property
    def ndim(self) -> int:
        return len(self.layout.shape)

    @property
    def size(self) -> int:
        return self.layout.size

    @property
    def dtype(self) -> DType:
        return self.node.dtype

    @property
    def device(self) -> str:
        return self.node.device

    @property
    def itemsize(self) -> int:
        return self.dtype.itemsize

    @property
    def nbytes(self) -> int:
        return self.size * self.dtype.itemsize

    @property
    def strides(self) -> tuple[int, ...]:
        """Bytes to step along each axis, as numpy reports them (the view's element strides times itemsize)."""
        return tuple(s * self.dtype.itemsize for s in self.layout.strides)

    @property
    def offset(self) -> int:
        """Where the view starts in its buffer, in elements."""
        return self.layout.offset

    @property
    def T(self) -> Tensor:  # noqa: N802 (numpy's name)
        return self.permute(*reversed(range(self.ndim)))

    def is_contiguous(self) -> bool:
        return self.layout.is_contiguous()

    # ---- running the graph ------------------------------------------------------------------------------

    def realize(self) -> Tensor:
        """Compute this tensor now (and everything it needs). Returns self."""
        realize_nodes([self.node])
        return self

    def numpy(self):
        """A new numpy array with this tensor's values."""
        from b2i.tensor.convert import to_numpy

        return to_numpy(self.realize())

    def __array__(self, dtype=None, copy=None):
        a = self.numpy()
        return a if dtype is None else a.astype(dtype)

    def tolist(self):
        """Nested Python lists of Python numbers (a bare number for a 0-d tensor)."""
        self.realize()
        flat = self.node.buffer.values()
        view = self.layout

        def build(axis: int, offset: int):
            if axis == view.ndim:
                return flat[offset]
            step = view.strides[axis]
            return [build(axis + 1, offset + i * step) for i in range(view.shape[axis])]

        return build(0, view.offset)

    def item(self) -> Scalar:
        if self.size != 1:
            raise ValueError("can only convert an array of size 1 to a Python scalar")
        self.realize()
        return self.node.buffer.value_at(self.layout.offset)

    def __repr__(self) -> str:
        if self.size > 1000:
            return f"Tensor(<{self.size} values>, shape={fmt_shape(self.shape)}, dtype={self.dtype}, " \
                   f"device='{self.device}')"
        return f"Tensor({self.tolist()}, dtype={self.dtype}, device='{self.device}')"

    def __str__(self) -> str:
        return str(self.tolist())

    def __bool__(self) -> bool:
        if self.size != 1:
            raise ValueError("The truth value of an array with more than one element is ambiguous. "
                             "Use a.any() or a.all()")
        return bool(self.item())

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.is_float or self.ndim != 0:
            raise TypeError("only integer scalar arrays can be converted to a scalar index")
        return int(self.item())

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of unsized object")
        return self.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d array")
        return (self[i] for i in range(self.shape[0]))

    __hash__ = object.__hash__

    def to(self, device: str) -> Tensor:
        """This tensor's values on another device (a copy; the same tensor if it is already there)."""
        if device == self.device:
            return self
        device = _device(device)
        t = self.contiguous().realize()
        buf = t.node.buffer
        node = Node("BUFFER", (), None, self.dtype, t.node.shape, device, Buffer(device, self.dtype, buf.size,
                                                                                   bytearray(buf.mem)))
        return Tensor._make(node, t.layout)

    def assign(self, other: Tensor | Scalar) -> Tensor:
        """Make this Python object hold `other`'s value (same shape; cast to this dtype). Returns self."""
        other = other if isinstance(other, Tensor) else Tensor.full(self.shape, other, dtype=self.dtype,
                                                                     device=self.device)
        if other.shape != self.shape:
            raise ValueError(f"could not assign a tensor of shape {fmt_shape(other.shape)} "
                             f"to one of shape {fmt_shape(self.shape)}")
        other = other.astype(self.dtype)
        self.node, self.layout = other.node, other.layout
        return self

    # ---- creation -----------------------------------------------------------------------------------------

    @staticmethod
    def full(shape, fill_value: Scalar, dtype=None, device: str | None = None) -> Tensor:
        """A tensor of `shape` filled with one value (dtype from the value when not given, as numpy)."""
        shape = _creation_shape(shape)
        if isinstance(fill_value, Tensor):
            fill_value = fill_value.item()
        dtype = creation_dtype([fill_value]) if dtype is None else to_dtype(dtype)
        check_weak_int(fill_value, dtype)
        c = _const(fill_value, dtype, _device(device))
        return c.expand(*shape).contiguous() if shape else c

    @staticmethod
    def zeros(*shape, dtype=float64, device: str | None = None) -> Tensor:
        """Zeros; `zeros(2, 3)` and `zeros((2, 3))` both work. float64 by default, as numpy."""
        return Tensor.full(shape, 0, dtype=dtype, device=device)

    @staticmethod
    def ones(*shape, dtype=float64, device: str | None = None) -> Tensor:
        """Ones; the shape as separate numbers or one tuple."""
        return Tensor.full(shape, 1, dtype=dtype, device=device)

    @staticmethod
    def arange(start: Scalar, stop: Scalar | None = None, step: Scalar = 1, dtype=None,
               device: str | None = None) -> Tensor:
        """start, start+step, ... up to (not including) stop; integers give int64, as numpy."""
        if stop is None:
            start, stop = 0, start
        if step == 0:
            raise ValueError("Maximum allowed size exceeded")
        dtype = result_type(start, stop, step) if dtype is None else to_dtype(dtype)
        n = max(0, math.ceil((stop - start) / step))
        return Tensor([start + i * step for i in range(n)], dtype=dtype, device=device)

    @staticmethod
    def linspace(start: float, stop: float, num: int = 50, endpoint: bool = True, dtype=None,
                 device: str | None = None) -> Tensor:
        if num < 0:
            raise ValueError(f"Number of samples, {num}, must be non-negative.")
        div = (num - 1) if endpoint else num
        step = (stop - start) / div if div > 0 else 0.0
        values = [float(start + i * step) for i in range(num)]
        if endpoint and num > 1:
            values[-1] = float(stop)
        dtype = float64 if dtype is None else to_dtype(dtype)
        return Tensor(values, dtype=dtype, device=device) if values else Tensor.zeros(0, dtype=dtype, device=device)

    @staticmethod
    def eye(n: int, m: int | None = None, k: int = 0, dtype=float64, device: str | None = None) -> Tensor:
        m = n if m is None else m
        values = [[1 if j - i == k else 0 for j in range(m)] for i in range(n)]
        if n == 0 or m == 0:
            return Tensor.zeros(n, m, dtype=dtype, device=device)
        return Tensor(values, dtype=dtype, device=device)

    @staticmethod
    def rand(*shape, seed: int | None = None, generator: Generator | None = None, dtype=float64,
             device: str | None = None) -> Tensor:
        """Uniform numbers in [0, 1) from our counter-based generator (same values on every device)."""
        return _random("uniform", shape, seed, generator, dtype, device)

    @staticmethod
    def randn(*shape, seed: int | None = None, generator: Generator | None = None, dtype=float64,
              device: str | None = None) -> Tensor:
        """Standard normal numbers (Box-Muller over our uniform numbers)."""
        return _random("normal", shape, seed, generator, dtype, device)

    @staticmethod
    def randint(low: int, high: int | None = None, size=(), seed: int | None = None,
                generator: Generator | None = None, dtype=int64, device: str | None = None) -> Tensor:
        """Integers in [low, high) (numpy's randint argument order)."""
        if high is None:
            low, high = 0, low
        if high <= low:
            raise ValueError("low >= high")
        u = _random("uniform", as_shape((size,) if isinstance(size, int) else (tuple(size),)), seed, generator,
                    float64, device)
        return (u * (high - low) + low).floor_int(dtype)

    def floor_int(self, dtype=int64) -> Tensor:
        """Round down and convert to an integer dtype."""
        return (self // 1).astype(dtype) if self.dtype.is_float else self.astype(dtype)

    # ---- views (no copies) --------------------------------------------------------------------------------

    def _view(self, layout: View) -> Tensor:
        return Tensor._make(self.node, layout)

    def reshape(self, *shape) -> Tensor:
        """The same elements in a new shape (-1 is inferred): a view when the strides allow, else a copy."""
        shape = as_shape(shape)
        if shape.count(-1) > 1:
            raise ValueError("can only specify one unknown dimension")
        if -1 in shape:
            known = prod(n for n in shape if n != -1)
            if known == 0 or self.size % known:
                raise ValueError(f"cannot reshape array of size {self.size} into shape {fmt_shape(shape)}")
            shape = tuple(self.size // known if n == -1 else n for n in shape)
        if prod(shape) != self.size:
            raise ValueError(f"cannot reshape array of size {self.size} into shape {fmt_shape(shape)}")
        if shape == self.shape:
            return self
        layout = self.layout.reshape(shape)
        if layout is None:  # the strides cannot express it: copy first
            return self.contiguous().reshape(shape)
        return self._view(layout)

    def flatten(self) -> Tensor:
        return self.reshape(-1)

    def permute(self, *axes) -> Tensor:
        """Reorder the axes (a view): result axis i is input axis axes[i]."""
        axes = tuple(axes[0]) if len(axes) == 1 and not isinstance(axes[0], int) else axes
        if len(axes) != self.ndim:
            raise ValueError("axes don't match array")
        axes = tuple(normalize_axis(a, self.ndim) for a in axes)
        if len(set(axes)) != len(axes):
            raise ValueError("repeated axis in transpose")
        return self._view(self.layout.permute(axes))

    def transpose(self, *axes) -> Tensor:
        """transpose() reverses the axes; transpose(a, b) swaps two (PyTorch); transpose(perm) permutes (numpy)."""
        if not axes:
            return self.T
        if len(axes) == 2 and all(isinstance(a, int) for a in axes):
            return self.swapaxes(*axes)
        return self.permute(*axes)

    def swapaxes(self, a: int, b: int) -> Tensor:
        a, b = normalize_axis(a, self.ndim), normalize_axis(b, self.ndim)
        order = list(range(self.ndim))
        order[a], order[b] = order[b], order[a]
        return self.permute(*order)

    def broadcast_to(self, *shape) -> Tensor:
        """A read-only view repeated along new or size-1 axes (stride 0), with numpy's rules."""
        if len(shape) == 1 and type(shape[0]) is tuple and shape[0] == self.layout.shape:
            return self  # the common case inside every binary op, checked first
        shape = as_shape(shape)
        ok = len(shape) >= self.ndim and all(
            n == m or n == 1 for n, m in zip(self.shape, shape[len(shape) - self.ndim:], strict=True))
        if not ok or any(n < 0 for n in shape):
            raise ValueError(f"cannot broadcast a tensor of shape {fmt_shape(self.shape)} to shape "
                             f"{fmt_shape(shape)}")
        return self if shape == self.shape else self._view(self.layout.expand(shape))

    def expand(self, *shape) -> Tensor:
        """PyTorch's expand: like broadcast_to, and -1 keeps an axis's size."""
        shape = as_shape(shape)
        lead = len(shape) - self.ndim
        shape = tuple(self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(shape))
        return self.broadcast_to(shape)

    def squeeze(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """Drop size-1 axes (all of them, or the ones named)."""
        if axis is None:
            axes = tuple(i for i, n in enumerate(self.shape) if n == 1)
        else:
            axes = normalize_axes(axis, self.ndim)
            if any(self.shape[a] != 1 for a in axes):
                raise ValueError("cannot select an axis to squeeze out which has size not equal to one")
        v = self.layout
        for a in reversed(axes):
            v = v.take(a, 0)
        return self._view(v)

    def unsqueeze(self, axis: int) -> Tensor:
        """Insert a size-1 axis at `axis` (numpy's expand_dims)."""
        return self._view(self.layout.insert_axis(normalize_axis(axis, self.ndim + 1)))

    expand_dims = unsqueeze

    def flip(self, axis: int | tuple[int, ...] | None = None) -> Tensor:
        """Reverse the order along the given axes (a view with negative strides)."""
        v = self.layout
        for a in normalize_axes(axis, self.ndim):
            v = v.flip(a)
        return self._view(v)

    def __getitem__(self, key) -> Tensor:
        from b2i.tensor.indexing import getitem

        return getitem(self, key)

    def __setitem__(self, key, value) -> None:
        from b2i.tensor.indexing import setitem

        setitem(self, key, value)

    # ---- copies ------------------------------------------------------------------------------------------

    def contiguous(self) -> Tensor:
        """A tensor whose view reads its buffer front to back (a copy unless it already does)."""
        if self.layout.is_contiguous() and self.layout.offset == 0 and self.size == self.node.size:
            return self
        return self._unary("copy", self.dtype)

    def copy(self) -> Tensor:
        return self._unary("copy", self.dtype)

    def pad(self, pad_width, value: Scalar = 0) -> Tensor:
        """numpy.pad with mode 'constant': pad_width is n, (before, after) or one (before, after) per axis."""
        pads = _pad_widths(pad_width, self.ndim)
        shape = tuple(n + b + a for n, (b, a) in zip(self.shape, pads, strict=True))
        check_weak_int(value, self.dtype)
        return Tensor._new("PAD", [self], self.dtype, shape, (pads, _cast_scalar(value, self.dtype)))

    # ---- elementwise --------------------------------------------------------------------------------------

    def _unary(self, op: str, dtype: DType) -> Tensor:
        src = self if self.dtype is dtype or op == "cast" else self.astype(dtype)
        return Tensor._new(op, [src], dtype, self.shape)

    def astype(self, dtype) -> Tensor:
        """Convert to another dtype (C casts: floats truncate toward zero, anything nonzero is True)."""
        dtype = to_dtype(dtype)
        return self if dtype is self.dtype else Tensor._new("cast", [self], dtype, self.shape)

    cast = astype

    def float(self) -> Tensor:
        return self.astype(float32)

    def double(self) -> Tensor:
        return self.astype(float64)

    def _float_op(self, op: str) -> Tensor:
        return self._unary(op, float_dtype(self.dtype))

    def exp(self) -> Tensor:
        return self._float_op("exp")

    def log(self) -> Tensor:
        return self._float_op("log")

    def sqrt(self) -> Tensor:
        return self._float_op("sqrt")

    def sin(self) -> Tensor:
        return self._float_op("sin")

    def cos(self) -> Tensor:
        return self._float_op("cos")

    def tanh(self) -> Tensor:
        return self._float_op("tanh")

    def sigmoid(self) -> Tensor:
        return self._float_op("sigmoid")

    def relu(self) -> Tensor:
        return self._unary("relu", result_type(self.dtype, 0))

    def abs(self) -> Tensor:
        return self._unary("abs", self.dtype)

    def square(self) -> Tensor:
        return self * self

    def reciprocal(self) -> Tensor:
        return 1 / self

    def clip(self, lo: Scalar | Tensor | None = None, hi: Scalar | Tensor | None = None) -> Tensor:
        """numpy.clip: in the result type of all three, maximum with lo, then minimum with hi. As in NumPy 2, a
        Python int bound beyond the end of an integer type that no element can cross is ignored (beyond the
        other end: OverflowError)."""
        lo, hi = (b if b is None or isinstance(b, Scalar) else _as_tensor(b, self.device) for b in (lo, hi))
        dtype = result_type(self.dtype, *(b.dtype if isinstance(b, Tensor) else b for b in (lo, hi) if b is not None))
        if dtype.is_int:
            least, most = INT_RANGE[dtype]
            lo = None if type(lo) is int and lo < least else lo
            hi = None if type(hi) is int and hi > most else hi
        out = self.astype(dtype)
        if lo is not None:
            out = maximum(out, lo)
        if hi is not None:
            out = minimum(out, hi)
        return out

    def __neg__(self) -> Tensor:
        if self.dtype is bool_:
            raise TypeError("The numpy boolean negative, the `-` operator, is not supported, use the `~` operator "
                            "or the logical_not function instead.")
        return self._unary("neg", self.dtype)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return self.abs()

    def __invert__(self) -> Tensor:
        if self.dtype.is_float:
            raise TypeError("ufunc 'invert' not supported for the input types")
        return self._unary("not", self.dtype)

    def __add__(self, o): return _binary("add", self, o)
    def __radd__(self, o): return _binary("add", o, self)
    def __sub__(self, o): return _binary("sub", self, o)
    def __rsub__(self, o): return _binary("sub", o, self)
    def __mul__(self, o): return _binary("mul", self, o)
    def __rmul__(self, o): return _binary("mul", o, self)
    def __truediv__(self, o): return _binary("div", self, o)
    def __rtruediv__(self, o): return _binary("div", o, self)
    def __floordiv__(self, o): return _binary("floordiv", self, o)
    def __rfloordiv__(self, o): return _binary("floordiv", o, self)
    def __mod__(self, o): return _binary("mod", self, o)
    def __rmod__(self, o): return _binary("mod", o, self)
    def __pow__(self, o): return _binary("pow", self, o)
    def __rpow__(self, o): return _binary("pow", o, self)
    def __and__(self, o): return _binary("and", self, o)
    def __rand__(self, o): return _binary("and", o, self)
    def __or__(self, o): return _binary("or", self, o)
    def __ror__(self, o): return _binary("or", o, self)
    def __xor__(self, o): return _binary("xor", self, o)
    def __rxor__(self, o): return _binary("xor", o, self)
    def __lt__(self, o): return _binary("lt", self, o)
    def __le__(self, o): return _binary("le", self, o)
    def __gt__(self, o): return _binary("gt", self, o)
    def __ge__(self, o): return _binary("ge", self, o)
    def __eq__(self, o): return _binary("eq", self, o)  # type: ignore[override]
    def __ne__(self, o): return _binary("ne", self, o)  # type: ignore[override]
    def __matmul__(self, o): return matmul(self, o)
    def __rmatmul__(self, o): return matmul(o, self)

    def maximum(self, o) -> Tensor:
        return _binary("max", self, o)

    def minimum(self, o) -> Tensor:
        return _binary("min", self, o)

    def pow(self, o) -> Tensor:
        return _binary("pow", self, o)

    def matmul(self, o) -> Tensor:
        return matmul(self, o)

    def dot(self, o) -> Tensor:
        return dot(self, o)

    # ---- reductions ---------------------------------------------------------------------------------------

    def _reduce(self, op: str, axis, keepdims: bool, dtype: DType) -> Tensor:
        axes = normalize_axes(axis, self.ndim)
        if op in ("max", "min") and any(self.shape[a] == 0 for a in axes):
            name = "maximum" if op == "max" else "minimum"
            raise ValueError(f"zero-size array to reduction operation {name} which has no identity")
        src = self if self.dtype is dtype or op in ("argmax", "argmin") else self.astype(dtype)
        kept = tuple(1 if i in axes else n for i, n in enumerate(self.shape))
        out = Tensor._new("REDUCE", [src], dtype, kept, (op, axes))
        if keepdims:
            return out
        return out.reshape(tuple(n for i, n in enumerate(self.shape) if i not in axes))

    def sum(self, axis=None, keepdims: bool = False, dtype=None) -> Tensor:
        """Sum over `axis` (None: all; an int or a tuple). As numpy: bool and signed integers sum in int64,
        unsigned integers in uint64."""
        return self._reduce("sum", axis, keepdims, sum_dtype(self.dtype) if dtype is None else to_dtype(dtype))

    def prod(self, axis=None, keepdims: bool = False, dtype=None) -> Tensor:
        return self._reduce("prod", axis, keepdims, sum_dtype(self.dtype) if dtype is None else to_dtype(dtype))

    def max(self, axis=None, keepdims: bool = False) -> Tensor:
        """The largest value over `axis` (values only, as numpy; NaN wins)."""
        return self._reduce("max", axis, keepdims, self.dtype)

    def min(self, axis=None, keepdims: bool = False) -> Tensor:
        return self._reduce("min", axis, keepdims, self.dtype)

    def any(self, axis=None, keepdims: bool = False) -> Tensor:
        return (self != 0)._reduce("max", axis, keepdims, bool_) if self.size else \
            Tensor.zeros(self._kept_shape(axis, keepdims), dtype=bool_, device=self.device)

    def all(self, axis=None, keepdims: bool = False) -> Tensor:
        return (self != 0)._reduce("min", axis, keepdims, bool_) if self.size else \
            Tensor.ones(self._kept_shape(axis, keepdims), dtype=bool_, device=self.device)

    def _kept_shape(self, axis, keepdims: bool) -> tuple[int, ...]:
        axes = normalize_axes(axis, self.ndim)
        return tuple(1 if i in axes else n for i, n in enumerate(self.shape) if keepdims or i not in axes)

    def mean(self, axis=None, keepdims: bool = False) -> Tensor:
        """The average over `axis`; integers average in float64."""
        axes = normalize_axes(axis, self.ndim)
        x = self if self.dtype.is_float else self.astype(float64)
        return x.sum(axes, keepdims) / prod(self.shape[a] for a in axes)

    def var(self, axis=None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        """Variance over `axis`, dividing by n - ddof (two passes: the mean, then squared distances)."""
        axes = normalize_axes(axis, self.ndim)
        x = self if self.dtype.is_float else self.astype(float64)
        d = x - x.mean(axes, keepdims=True)
        return (d * d).sum(axes, keepdims) / (prod(self.shape[a] for a in axes) - ddof)

    def std(self, axis=None, keepdims: bool = False, ddof: int = 0) -> Tensor:
        return self.var(axis, keepdims, ddof).sqrt()

    def _arg(self, op: str, axis: int | None, keepdims: bool) -> Tensor:
        if self.size == 0:
            raise ValueError(f"attempt to get {op} of an empty sequence")
        if axis is None:
            out = self.reshape(-1)._reduce(op, 0, False, int64)
            return out.reshape((1,) * self.ndim) if keepdims else out
        return self._reduce(op, normalize_axis(axis, self.ndim), keepdims, int64)

    def argmax(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        """The index of the first largest value along `axis` (of the flattened tensor when None)."""
        return self._arg("argmax", axis, keepdims)

    def argmin(self, axis: int | None = None, keepdims: bool = False) -> Tensor:
        return self._arg("argmin", axis, keepdims)

    # ---- PyTorch-style conveniences -----------------------------------------------------------------------

    def numel(self) -> int:
        return self.size

    def dim(self) -> int:
        return self.ndim

    def zeros_like(self, dtype=None) -> Tensor:
        return Tensor.zeros(self.shape, dtype=dtype or self.dtype, device=self.device)

    def ones_like(self, dtype=None) -> Tensor:
        return Tensor.ones(self.shape, dtype=dtype or self.dtype, device=self.device)


# ---- helpers and module-level functions ------------------------------------------------------------------


def _cast_scalar(value: Scalar, dtype: DType) -> Scalar:
    """A Python number as dtype holds it; integers wrap around (as a C cast does, and numpy's unsafe casts)."""
    if dtype.is_bool:
        return bool(value)
    if dtype.is_int:
        least, most = INT_RANGE[dtype]
        return (int(value) - least) % (most - least + 1) + least
    return float(value)


def _const(value: Scalar, dtype: DType, device: str) -> Tensor:
    node = Node("CONST", (), _cast_scalar(value, dtype), dtype, (), device)
    return Tensor._make(node, View((), (), 0))


def _creation_shape(shape) -> tuple[int, ...]:
    shape = as_shape(shape if isinstance(shape, tuple) and (not shape or not isinstance(shape[0], int))
                     else tuple(shape) if isinstance(shape, list | tuple) else (shape,))
    if any(n < 0 for n in shape):
        raise ValueError(f"negative dimensions are not allowed: {fmt_shape(shape)}")
    return shape


def _random(kind: str, shape, seed, generator, dtype, device) -> Tensor:
    shape = _creation_shape(shape)
    dtype = to_dtype(dtype)
    if not dtype.is_float:
        raise TypeError(f"random numbers are float32 or float64, not {dtype}")
    gen = Generator(seed) if seed is not None else generator or default_generator
    node = Node("RAND", (), (kind, gen.next_key()), dtype, shape, _device(device))
    return Tensor._make(node, View.contiguous(shape))


def _from_python(data, dtype: DType | None, device: str) -> tuple[Node, tuple[int, ...]]:
    shape: list[int] = []
    probe = data
    while isinstance(probe, list | tuple):
        shape.append(len(probe))
        if not probe:
            break
        probe = probe[0]
    flat: list = []

    def walk(x, depth: int) -> None:
        if depth == len(shape):
            if isinstance(x, list | tuple):
                raise ValueError(f"setting an array element with a sequence. The requested array has an "
                                 f"inhomogeneous shape after {depth} dimensions.")
            flat.append(x)
            return
        if not isinstance(x, list | tuple) or len(x) != shape[depth]:
            raise ValueError(f"setting an array element with a sequence. The requested array has an "
                             f"inhomogeneous shape after {depth} dimensions.")
        for y in x:
            walk(y, depth + 1)

    walk(data, 0)
    values = [_python_number(v) for v in flat]
    if dtype is None:
        dtype = creation_dtype(values)
    for v in values:
        check_weak_int(v, dtype)  # np.array([300], dtype=np.uint8) is an OverflowError too
    values = [_cast_scalar(v, dtype) for v in values]
    buf = Buffer.from_values(device, dtype, values)
    return Node("BUFFER", (), None, dtype, (len(values),), device, buf), tuple(shape)


def _python_number(v) -> Scalar:
    if isinstance(v, bool | int | float):
        return v
    if isinstance(v, Tensor):
        return v.item()
    if hasattr(v, "item") and hasattr(v, "dtype"):  # numpy scalars
        return v.item()
    raise TypeError(f"cannot make a tensor element from {type(v).__name__} {v!r}")


def _pad_widths(pad_width, ndim: int) -> tuple[tuple[int, int], ...]:
    if isinstance(pad_width, int):
        pads = ((pad_width, pad_width),) * ndim
    else:
        pw = tuple(pad_width)
        if len(pw) == 2 and all(isinstance(p, int) for p in pw):
            pads = (pw,) * ndim
        elif len(pw) == 1 and ndim != 1 and len(tuple(pw[0])) == 2:
            pads = (tuple(pw[0]),) * ndim
        else:
            pads = tuple(tuple(p) for p in pw)
    if len(pads) != ndim or any(len(p) != 2 for p in pads):
        raise ValueError(f"operands could not be broadcast together with remapped shapes: pad_width does not "
                         f"match an array of dimension {ndim}")
    if any(b < 0 or a < 0 for b, a in pads):
        raise ValueError("index can't contain negative values")
    return pads


_COMPARISONS = ("lt", "le", "gt", "ge", "eq", "ne")


def _binary_float(op: str, a: Tensor, b) -> Tensor | None:
    """The common case, decided quickly: a float tensor with a tensor of its dtype or a Python float (training
    steps are made of these). None for anything else, which takes the general path."""
    dtype = a.node.dtype
    if not dtype.is_float or op in ("and", "or", "xor"):
        return None
    if type(b) is float:
        b = _const(b, dtype, a.node.device)  # a weak Python float takes the tensor's float dtype
    elif type(b) is not Tensor or b.node.dtype is not dtype:
        return None
    sa, sb = a.layout.shape, b.layout.shape
    shape = sa if sa == sb else broadcast_shapes(sa, sb)
    a = a if sa == shape else a.broadcast_to(shape)
    b = b if sb == shape else b.broadcast_to(shape)
    return Tensor._new(op, [a, b], bool_ if op in _COMPARISONS else dtype, shape)


def _binary(op: str, a, b) -> Tensor:
    if type(a) is Tensor and (out := _binary_float(op, a, b)) is not None:
        return out
    if not isinstance(a, Tensor) and not isinstance(b, Tensor):
        raise TypeError("one operand must be a Tensor")
    for x in (a, b):
        if not isinstance(x, Tensor | bool | int | float):
            if hasattr(x, "__array_interface__") or isinstance(x, list | tuple):
                continue
            return NotImplemented
    device = (a if isinstance(a, Tensor) else b).device
    a = a if isinstance(a, Tensor | bool | int | float) else Tensor(a, device=device)
    b = b if isinstance(b, Tensor | bool | int | float) else Tensor(b, device=device)
    dtype = result_type(*(x.dtype if isinstance(x, Tensor) else x for x in (a, b)))
    if op == "div" and not dtype.is_float:
        dtype = float64  # numpy divides integers in float64, where any Python int is in range
    tensor = a if isinstance(a, Tensor) else b
    for x in (a, b):
        if not isinstance(x, Tensor):
            try:
                check_weak_int(x, dtype)
            except OverflowError:
                if op not in _COMPARISONS:
                    raise
                if tensor.dtype is bool_:
                    raise OverflowError("Python int too large to convert to C long") from None  # as numpy
                return _compare_out_of_range(op if tensor is a else _MIRROR[op], tensor, x > INT_RANGE[dtype][1])
    if op in _COMPARISONS and isinstance(a, Tensor) and isinstance(b, Tensor) and \
            {a.dtype, b.dtype} == {uint64, int64}:
        return _compare_uint64_int64(op, a, b)
    if dtype is bool_ and op in ("sub", "floordiv", "mod", "pow"):
        if op == "sub":
            raise TypeError("numpy boolean subtract, the `-` operator, is not supported, use the bitwise_xor, "
                            "the `^` operator, or the logical_xor function instead.")
        dtype = int8  # numpy has no bool loop for these: it computes in int8
    if op in ("and", "or", "xor") and dtype.is_float:
        name = {"and": "bitwise_and", "or": "bitwise_or", "xor": "bitwise_xor"}[op]
        raise TypeError(f"ufunc '{name}' not supported for the input types")
    if op == "pow" and dtype.is_int:
        _check_int_exponent(b)
    ta = a.astype(dtype) if isinstance(a, Tensor) else _const(a, dtype, device)
    tb = b.astype(dtype) if isinstance(b, Tensor) else _const(b, dtype, device)
    shape = broadcast_shapes(ta.shape, tb.shape)
    out_dtype = bool_ if op in ("lt", "le", "gt", "ge", "eq", "ne") else dtype
    return Tensor._new(op, [ta.broadcast_to(shape), tb.broadcast_to(shape)], out_dtype, shape)


_MIRROR = {"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq", "ne": "ne"}  # x op t is t _MIRROR[op] x


def _compare_out_of_range(op: str, t: Tensor, above: bool) -> Tensor:
    """`t op x` for a Python int x beyond t's integer type: NumPy 2 answers exactly, and every element of t is
    below x (when `above`) or above it, so the answer is one value."""
    answer = op in (("lt", "le", "ne") if above else ("gt", "ge", "ne"))
    return Tensor.full(t.shape, answer, dtype=bool_, device=t.device)


def _compare_uint64_int64(op: str, a: Tensor, b: Tensor) -> Tensor:
    """numpy compares uint64 with int64 exactly, where their common type float64 would round above 2**53: a
    negative int64 is below every uint64; the others compare as uint64."""
    if a.dtype is int64:
        a, b, op = b, a, _MIRROR[op]
    same = _binary(op, a, b.astype(uint64))
    return same & (b >= 0) if op in ("lt", "le", "eq") else same | (b < 0)


def _check_int_exponent(b) -> None:
    """numpy refuses integer ** negative integer. A tensor exponent is checked by computing its minimum now
    (the only place where building the graph looks at values); bool and unsigned exponents cannot be negative."""
    if isinstance(b, Tensor):
        negative = b.dtype.kind == "i" and b.size > 0 and b.min().item() < 0
    else:
        negative = b < 0
    if negative:
        raise ValueError("Integers to negative integer powers are not allowed.")


def _as_tensor(x, device: str | None = None) -> Tensor:
    return x if isinstance(x, Tensor) else Tensor(x, device=device)


def where(condition, x, y) -> Tensor:
    """Elements of x where condition is true, else of y (numpy.where with three arguments)."""
    tensors = [t for t in (condition, x, y) if isinstance(t, Tensor)]
    device = tensors[0].device if tensors else None
    cond = _as_tensor(condition, device)
    cond = cond if cond.dtype is bool_ else cond != 0
    dtype = result_type(*(t.dtype if isinstance(t, Tensor) else t for t in (x, y)))
    for v in (x, y):  # numpy casts a Python int unsafely (wrapping) if it fits a 64-bit integer
        if type(v) is int and not -(2**63) <= v < 2**64:
            raise OverflowError("Python int too large to convert to C long")
    tx = x.astype(dtype) if isinstance(x, Tensor) else _const(x, dtype, cond.device)
    ty = y.astype(dtype) if isinstance(y, Tensor) else _const(y, dtype, cond.device)
    shape = broadcast_shapes(cond.shape, tx.shape, ty.shape)
    return Tensor._new("where", [cond.broadcast_to(shape), tx.broadcast_to(shape), ty.broadcast_to(shape)], dtype,
                       shape)


def maximum(a, b) -> Tensor:
    return _binary("max", a, b)


def minimum(a, b) -> Tensor:
    return _binary("min", a, b)


def concatenate(tensors: Sequence[Tensor], axis: int | None = 0) -> Tensor:
    tensors = [_as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("need at least one array to concatenate")
    if axis is None:
        tensors, axis = [t.reshape(-1) for t in tensors], 0
    first = tensors[0]
    if first.ndim == 0:
        raise ValueError("zero-dimensional arrays cannot be concatenated")
    axis = normalize_axis(axis, first.ndim)
    for i, t in enumerate(tensors[1:], 1):
        if t.ndim != first.ndim:
            raise ValueError(f"all the input array dimensions except for the concatenation axis must match exactly, "
                             f"but the array at index 0 has {first.ndim} dimension(s) and the array at index {i} "
                             f"has {t.ndim} dimension(s)")
        for d in range(first.ndim):
            if d != axis and t.shape[d] != first.shape[d]:
                raise ValueError(f"all the input array dimensions except for the concatenation axis must match "
                                 f"exactly, but along dimension {d}, the array at index 0 has size {first.shape[d]} "
                                 f"and the array at index {i} has size {t.shape[d]}")
    dtype = result_type(*(t.dtype for t in tensors))
    shape = first.shape[:axis] + (sum(t.shape[axis] for t in tensors),) + first.shape[axis + 1:]
    return Tensor._new("CONCAT", [t.astype(dtype) for t in tensors], dtype, shape, axis)


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    tensors = [_as_tensor(t) for t in tensors]
    if not tensors:
        raise ValueError("need at least one array to stack")
    if any(t.shape != tensors[0].shape for t in tensors):
        raise ValueError("all input arrays must have the same shape")
    axis = normalize_axis(axis, tensors[0].ndim + 1)
    return concatenate([t.unsqueeze(axis) for t in tensors], axis)


def matmul(a, b) -> Tensor:
    """numpy.matmul: batched over leading axes (broadcast), 1-D operands promoted then squeezed."""
    device = a.device if isinstance(a, Tensor) else b.device if isinstance(b, Tensor) else None
    a, b = _as_tensor(a, device), _as_tensor(b, device)
    for i, t in enumerate((a, b)):
        if t.ndim == 0:
            raise ValueError(f"matmul: Input operand {i} does not have enough dimensions (has 0, gufunc core with "
                             f"signature (n?,k),(k,m?)->(n?,m?) requires 1)")
    a2 = a.reshape(1, a.shape[0]) if a.ndim == 1 else a
    b2 = b.reshape(b.shape[0], 1) if b.ndim == 1 else b
    m, k = a2.shape[-2:]
    k2, n = b2.shape[-2:]
    if k != k2:
        raise ValueError(f"matmul: shapes {fmt_shape(a.shape)} and {fmt_shape(b.shape)} not aligned: "
                         f"{k} (dim {a.ndim - 1}) != {k2} (dim {max(b.ndim - 2, 0)})")
    batch = broadcast_shapes(a2.shape[:-2], b2.shape[:-2])
    dtype = result_type(a.dtype, b.dtype)
    ta = a2.astype(dtype).broadcast_to(batch + (m, k))
    tb = b2.astype(dtype).broadcast_to(batch + (k, n))
    out = Tensor._new("MATMUL", [ta, tb], dtype, batch + (m, n), k)
    if a.ndim == 1 and b.ndim == 1:
        return out.reshape(batch)
    if a.ndim == 1:
        return out.reshape(batch + (n,))
    if b.ndim == 1:
        return out.reshape(batch + (m,))
    return out


def dot(a, b) -> Tensor:
    """numpy.dot: products of scalars, matmul for 1-D/2-D, and sum over a's last and b's second-last axis."""
    device = a.device if isinstance(a, Tensor) else b.device if isinstance(b, Tensor) else None
    a, b = _as_tensor(a, device), _as_tensor(b, device)
    if a.ndim == 0 or b.ndim == 0:
        return a * b
    if (a.ndim <= 2 and b.ndim <= 2) or b.ndim == 1:
        return matmul(a, b)  # the same as numpy.dot for these
    k = a.shape[-1]
    kb = b.shape[-2]
    if k != kb:
        raise ValueError(f"shapes {fmt_shape(a.shape)} and {fmt_shape(b.shape)} not aligned: "
                         f"{k} (dim {a.ndim - 1}) != {kb} (dim {b.ndim - 2})")
    order = [b.ndim - 2] + [i for i in range(b.ndim) if i != b.ndim - 2]
    bm = b.permute(*order)  # (k, batch..., n)
    flat = matmul(a.reshape(-1, k), bm.reshape(k, -1))
    rest = bm.shape[1:]
    return flat.reshape(a.shape[:-1] + tuple(rest[i] for i in range(len(rest))))


def realize(*tensors: Tensor) -> None:
    """Compute several tensors in one schedule."""
    realize_nodes([t.node for t in tensors])


__all__ = ["Tensor", "where", "maximum", "minimum", "concatenate", "stack", "matmul", "dot", "realize", "AxisError"]
