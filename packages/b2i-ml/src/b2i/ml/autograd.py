"""Reverse-mode automatic differentiation over b2i-tensor arrays.

A `Tensor` holds an array (`data`) and, when it was computed from tensors that require gradients, its parents
and a function that turns the gradient of the output into gradients of the parents. `backward()` visits the
graph in reverse topological order, adding up gradients; leaves keep theirs in `.grad` and accumulate across
calls until zeroed. The backward functions are written with the same lazy array operations as the forward
pass, so both are fused into kernels and run on whichever device the arrays live on. backward() leaves the
gradients lazy: the optimizer's step() computes them together with the update, in one schedule (reading a
gradient computes it, as reading any lazy array does).

Only primitive operations live here; softmax, cross-entropy, layer norm and friends are in
`b2i.ml.functional` (compositions of these, or single operations with a hand-written gradient).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from b2i.ml import backend as B

_grad_enabled = True


@contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block no graph is recorded: results do not require gradients (for evaluation and updates)."""
    global _grad_enabled
    previous, _grad_enabled = _grad_enabled, False
    try:
        yield
    finally:
        _grad_enabled = previous


def is_grad_enabled() -> bool:
    return _grad_enabled


def _unbroadcast(grad: B.Array, shape: tuple[int, ...]) -> B.Array:
    """Sums grad over the axes that broadcasting added or stretched, so it has the input's shape again."""
    extra = len(grad.shape) - len(shape)
    if extra:
        grad = B.sum_(grad, axis=tuple(range(extra)))
    stretched = tuple(i for i, n in enumerate(shape) if n == 1 and grad.shape[i] != 1)
    if stretched:
        grad = B.sum_(grad, axis=stretched, keepdims=True)
    return grad


def _number(value, like: B.Array):
    """A Python number beside a float array, as a reused constant array (see backend.constant); anything else
    (a number beside an integer array, which numpy would promote) stays as it is."""
    if type(value) in (float, int) and like.dtype.is_float:
        return B.constant(float(value), like)
    return value


def _axes(axis: int | Sequence[int] | None, ndim: int) -> tuple[int, ...]:
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return tuple(a % ndim for a in axes)


def _kept_shape(shape: tuple[int, ...], axes: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(1 if i in axes else n for i, n in enumerate(shape))


Backward = Callable[[B.Array], Sequence["B.Array | None"]]


class Tensor:
    """An array that can remember how it was computed, for gradients."""

    __slots__ = ("data", "grad", "requires_grad", "_parents", "_backward", "__weakref__")

    def __init__(self, data, requires_grad: bool = False, dtype=None, device: str | None = None) -> None:
        if isinstance(data, Tensor):
            data = data.data
        if not isinstance(data, B.Array) or dtype is not None or device is not None:
            data = B.asarray(data, dtype=dtype, device=device)
        self.data = data
        self.grad: Tensor | None = None
        self.requires_grad = requires_grad
        self._parents: tuple[Tensor, ...] = ()
        self._backward: Backward | None = None

    # ---- plumbing

    @staticmethod
    def _make(data: B.Array, parents: tuple[Tensor, ...], backward: Backward) -> Tensor:
        out = Tensor(data)
        if _grad_enabled and any(p.requires_grad for p in parents):
            out.requires_grad = True
            out._parents = parents
            out._backward = backward
        return out

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(self.data.shape)

    @property
    def ndim(self) -> int:
        return len(self.data.shape)

    @property
    def dtype(self) -> str:
        return B.dtype_name(self.data)

    @property
    def device(self) -> str:
        return B.device_of(self.data)

    def __len__(self) -> int:
        return self.shape[0]

    def __repr__(self) -> str:
        grad = ", requires_grad=True" if self.requires_grad else ""
        return f"Tensor(shape={self.shape}, dtype={self.dtype}{grad})"

    def numpy(self):
        return B.to_numpy(self.data)

    def item(self) -> float:
        return self.numpy().item()

    def tolist(self):
        return self.numpy().tolist()

    def detach(self) -> Tensor:
        return Tensor(self.data)

    def realize(self) -> Tensor:
        self.data = B.realize(self.data)
        return self

    def zero_grad(self) -> None:
        self.grad = None

    def backward(self, grad: B.Array | Tensor | None = None) -> None:
        """Adds d(self)/d(leaf) (times grad, default 1) to the .grad of every leaf that requires gradients.

        The gradients are lazy arrays, computed by the next realize that needs them (usually the optimizer's
        step, which also computes the forward pass's shared work only once).
        """
        if not self.requires_grad:
            raise RuntimeError("backward() on a tensor that does not require grad")
        if grad is None:
            if self.shape != ():
                raise RuntimeError(f"backward() without a gradient needs a scalar, not shape {self.shape}")
            grad = B.ones((), dtype=self.dtype, device=self.device)
        grad = grad.data if isinstance(grad, Tensor) else grad
        order: list[Tensor] = []
        seen: set[int] = set()
        stack: list[tuple[Tensor, bool]] = [(self, False)]
        while stack:
            node, parents_done = stack.pop()
            if parents_done:
                order.append(node)
            elif id(node) not in seen:
                seen.add(id(node))
                stack.append((node, True))
                stack.extend((p, False) for p in node._parents if p.requires_grad and id(p) not in seen)
        grads: dict[int, B.Array] = {id(self): grad}
        for node in reversed(order):
            g = grads.pop(id(node), None)
            if g is None:
                continue
            if node._backward is None:  # a leaf
                node.grad = Tensor(g) if node.grad is None else Tensor(node.grad.data + g)
                continue
            for parent, parent_grad in zip(node._parents, node._backward(g), strict=True):
                if parent_grad is None or not parent.requires_grad:
                    continue
                key = id(parent)
                grads[key] = grads[key] + parent_grad if key in grads else parent_grad

    # ---- elementwise arithmetic (broadcasting; Python numbers stay scalars)

    def __add__(self, other: Tensor | float) -> Tensor:
        if not isinstance(other, Tensor):
            return Tensor._make(self.data + _number(other, self.data), (self,), lambda g: (g,))
        a, b = self.shape, other.shape
        return Tensor._make(self.data + other.data, (self, other), lambda g: (_unbroadcast(g, a), _unbroadcast(g, b)))

    def __sub__(self, other: Tensor | float) -> Tensor:
        if not isinstance(other, Tensor):
            return Tensor._make(self.data - _number(other, self.data), (self,), lambda g: (g,))
        a, b = self.shape, other.shape
        return Tensor._make(
            self.data - other.data, (self, other), lambda g: (_unbroadcast(g, a), _unbroadcast(-g, b))
        )

    def __mul__(self, other: Tensor | float) -> Tensor:
        if not isinstance(other, Tensor):
            return Tensor._make(self.data * _number(other, self.data), (self,), lambda g: (g * _number(other, g),))
        x, y = self, other
        return Tensor._make(
            x.data * y.data, (x, y), lambda g: (_unbroadcast(g * y.data, x.shape), _unbroadcast(g * x.data, y.shape))
        )

    def __truediv__(self, other: Tensor | float) -> Tensor:
        if not isinstance(other, Tensor):
            return Tensor._make(self.data / _number(other, self.data), (self,), lambda g: (g / _number(other, g),))
        x, y = self, other

        def backward(g):
            gx = g / y.data
            return _unbroadcast(gx, x.shape), _unbroadcast(-gx * x.data / y.data, y.shape)

        return Tensor._make(x.data / y.data, (x, y), backward)

    def __pow__(self, exponent: float) -> Tensor:
        if isinstance(exponent, Tensor):
            raise TypeError("Tensor ** Tensor is not supported: use exp(log(a) * b)")
        x = self
        return Tensor._make(x.data**exponent, (x,), lambda g: (g * exponent * x.data ** (exponent - 1),))

    def __neg__(self) -> Tensor:
        return Tensor._make(-self.data, (self,), lambda g: (-g,))

    def __radd__(self, other: float) -> Tensor:
        return self + other

    def __rmul__(self, other: float) -> Tensor:
        return self * other

    def __rsub__(self, other: float) -> Tensor:
        return -self + other

    def __rtruediv__(self, other: float) -> Tensor:
        return self**-1.0 * other

    def __matmul__(self, other: Tensor) -> Tensor:
        x, y = self, other
        if x.ndim < 2 or y.ndim < 2:
            raise ValueError("matmul needs at least 2-D operands (reshape vectors to (1, n) or (n, 1))")

        def backward(g):
            gx = B.matmul(g, B.transpose(y.data, _swap_last(y.ndim)))
            gy = B.matmul(B.transpose(x.data, _swap_last(x.ndim)), g)
            return _unbroadcast(gx, x.shape), _unbroadcast(gy, y.shape)

        return Tensor._make(B.matmul(x.data, y.data), (x, y), backward)

    # ---- comparisons give plain (non-differentiable) boolean tensors

    def __gt__(self, other) -> Tensor:
        return Tensor(self.data > _raw(other))

    def __lt__(self, other) -> Tensor:
        return Tensor(self.data < _raw(other))

    def __ge__(self, other) -> Tensor:
        return Tensor(self.data >= _raw(other))

    def __le__(self, other) -> Tensor:
        return Tensor(self.data <= _raw(other))

    def eq(self, other) -> Tensor:
        return Tensor(self.data == _raw(other))

    def astype(self, dtype) -> Tensor:
        """A copy of another type; gradients flow back converted to this tensor's type."""
        mine = self.dtype
        return Tensor._make(B.astype(self.data, dtype), (self,), lambda g: (B.astype(g, mine),))

    # ---- elementwise functions

    def exp(self) -> Tensor:
        out = B.exp(self.data)
        return Tensor._make(out, (self,), lambda g: (g * out,))

    def log(self) -> Tensor:
        x = self.data
        return Tensor._make(B.log(x), (self,), lambda g: (g / x,))

    def sqrt(self) -> Tensor:
        out = B.sqrt(self.data)
        return Tensor._make(out, (self,), lambda g: (g * 0.5 / out,))

    def tanh(self) -> Tensor:
        out = B.tanh(self.data)
        return Tensor._make(out, (self,), lambda g: (g * (_number(1.0, out) - out * out),))

    def sigmoid(self) -> Tensor:
        out = B.tanh(self.data * 0.5) * 0.5 + 0.5  # the tanh form never overflows
        return Tensor._make(out, (self,), lambda g: (g * out * (_number(1.0, out) - out),))

    def relu(self) -> Tensor:
        x = self.data
        zero = _number(0.0, x)
        return Tensor._make(B.maximum(x, zero), (self,), lambda g: (B.where(x > zero, g, _number(0.0, g)),))

    def maximum(self, other: Tensor | float) -> Tensor:
        """Elementwise max; where the two are equal the gradient goes to self."""
        if not isinstance(other, Tensor):
            x = self.data
            return Tensor._make(B.maximum(x, other), (self,), lambda g: (B.where(x >= other, g, 0.0),))
        x, y = self, other

        def backward(g):
            mine, zero = x.data >= y.data, _number(0.0, g)
            return _unbroadcast(B.where(mine, g, zero), x.shape), _unbroadcast(B.where(mine, zero, g), y.shape)

        return Tensor._make(B.maximum(x.data, y.data), (x, y), backward)

    # ---- reductions

    def sum(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        shape, axes = self.shape, _axes(axis, self.ndim)

        def backward(g):
            return (B.broadcast_to(B.reshape(g, _kept_shape(shape, axes)), shape),)

        return Tensor._make(B.sum_(self.data, axis=axes, keepdims=keepdims), (self,), backward)

    def mean(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        axes = _axes(axis, self.ndim)
        count = math.prod(self.shape[a] for a in axes)
        return self.sum(axes, keepdims) / float(count)

    def max(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        """The largest value; ties share the gradient equally."""
        shape, axes, x = self.shape, _axes(axis, self.ndim), self.data
        kept = B.max_(x, axis=axes, keepdims=True)

        def backward(g):
            mask = B.astype(x == kept, B.dtype_name(g))
            share = mask / B.sum_(mask, axis=axes, keepdims=True)
            return (share * B.reshape(g, _kept_shape(shape, axes)),)

        out = kept if keepdims else B.reshape(kept, tuple(n for i, n in enumerate(shape) if i not in axes))
        return Tensor._make(out, (self,), backward)

    def var(self, axis: int | Sequence[int] | None = None, keepdims: bool = False) -> Tensor:
        """Population variance (divides by n), as layer and batch normalization use it."""
        centered = self - self.mean(axis, keepdims=True)
        return (centered * centered).mean(axis, keepdims)

    # ---- shape

    def reshape(self, *shape) -> Tensor:
        shape = tuple(shape[0]) if len(shape) == 1 and not isinstance(shape[0], int) else shape
        mine = self.shape
        return Tensor._make(B.reshape(self.data, shape), (self,), lambda g: (B.reshape(g, mine),))

    def permute(self, *axes) -> Tensor:
        axes = tuple(axes[0]) if len(axes) == 1 and not isinstance(axes[0], int) else axes
        inverse = tuple(sorted(range(len(axes)), key=lambda i: axes[i]))
        return Tensor._make(B.transpose(self.data, axes), (self,), lambda g: (B.transpose(g, inverse),))

    def transpose(self, a: int = -2, b: int = -1) -> Tensor:
        axes = list(range(self.ndim))
        axes[a], axes[b] = axes[b], axes[a]
        return self.permute(axes)

    @property
    def T(self) -> Tensor:  # noqa: N802 (numpy's name)
        return self.transpose()

    def expand(self, *shape) -> Tensor:
        shape = tuple(shape[0]) if len(shape) == 1 and not isinstance(shape[0], int) else shape
        mine = self.shape
        return Tensor._make(B.broadcast_to(self.data, shape), (self,), lambda g: (_unbroadcast(g, mine),))

    def unsqueeze(self, axis: int) -> Tensor:
        shape = list(self.shape)
        shape.insert(axis % (self.ndim + 1), 1)
        return self.reshape(tuple(shape))

    def flatten(self, start: int = 0) -> Tensor:
        return self.reshape((*self.shape[:start], -1))

    def __getitem__(self, key) -> Tensor:
        """Basic indexing (ints, slices with any step, None, ...); an integer array alone is take()."""
        if isinstance(key, Tensor) or hasattr(key, "shape") or isinstance(key, list):
            return self.take(key)
        key = key if isinstance(key, tuple) else (key,)
        if any(isinstance(k, (Tensor, list)) or hasattr(k, "shape") for k in key):
            raise IndexError("index arrays are supported only alone on the first axis (take)")
        if Ellipsis in key:
            i = key.index(Ellipsis)
            fill = self.ndim - (len(key) - 1 - key.count(None))
            key = key[:i] + (slice(None),) * fill + key[i + 1 :]
        shape, out = self.shape, self.data[key]
        # Per input axis: the lowest selected index, how many, the distance between them, and whether the
        # slice walks backwards (a negative step picks the same elements as a positive one, reversed).
        spans: list[tuple[int, int, int, bool]] = []
        axis = 0
        for k in key:
            if k is None:
                continue
            n = shape[axis]
            if isinstance(k, int):
                spans.append((k % n, 1, 1, False))
            else:
                start, stop, step = k.indices(n)
                count = len(range(start, stop, step))
                low = start if step > 0 or count == 0 else start + (count - 1) * step
                spans.append((low, count, abs(step), step < 0))
            axis += 1
        spans += [(0, n, 1, False) for n in shape[axis:]]
        dtype = self.dtype

        def backward(g):
            g = B.reshape(g, tuple(count for _, count, _, _ in spans))
            for axis, (start, count, step, backwards) in enumerate(spans):
                n = shape[axis]
                if count == 0:
                    g = B.zeros((*g.shape[:axis], n, *g.shape[axis + 1 :]), dtype=dtype, device=B.device_of(g))
                    continue
                if backwards:  # back into increasing order, then as for a positive step
                    g = B.flip(g, axis)
                covered = count
                if step > 1:  # interleave step - 1 zeros after every element, then drop the overhang
                    g = B.pad(B.reshape(g, (*g.shape[: axis + 1], 1, *g.shape[axis + 1 :])),
                              [(0, 0)] * (axis + 1) + [(0, step - 1)] + [(0, 0)] * (len(shape) - axis - 1))
                    g = B.reshape(g, (*g.shape[:axis], count * step, *g.shape[axis + 2 :]))
                    covered = min(count * step, n - start)
                    g = g[(slice(None),) * axis + (slice(0, covered),)]
                if start or n - start - covered:
                    g = B.pad(g, [(0, 0)] * axis + [(start, n - start - covered)] + [(0, 0)] * (len(shape) - axis - 1))
            return (g,)

        return Tensor._make(out, (self,), backward)

    def take(self, index) -> Tensor:
        """Rows of self picked by an integer array (any shape): out[...] = self[index[...]].

        Forward is a gather. Backward is a one-hot matrix product, one_hotᵀ @ grad, so repeated indices
        accumulate and the work stays in ordinary fusable operations (no scatter needed).
        """
        index = _raw(index)
        if not isinstance(index, B.Array):  # a list or a numpy array: to the device once, for both passes
            index = B.asarray(index, dtype="int64", device=self.device)
        rows, rest = self.shape[0], self.shape[1:]
        flat = B.reshape(index, (-1,))
        out = B.reshape(B.take_rows(self.data, flat), (*index.shape, *rest))
        dtype = self.dtype

        def backward(g):
            one_hot = B.astype(B.reshape(flat, (-1, 1)) == B.index_row(rows, B.device_of(g)), dtype)  # (len, rows)
            g2 = B.reshape(g, (flat.shape[0], math.prod(rest)))
            return (B.reshape(B.matmul(B.transpose(one_hot, (1, 0)), g2), (rows, *rest)),)

        return Tensor._make(out, (self,), backward)


def _swap_last(ndim: int) -> tuple[int, ...]:
    return (*range(ndim - 2), ndim - 1, ndim - 2)


def _raw(x):
    return x.data if isinstance(x, Tensor) else x


def tensor(data, requires_grad: bool = False, dtype=None, device: str | None = None) -> Tensor:
    return Tensor(data, requires_grad=requires_grad, dtype=dtype, device=device)


def where(condition, a: Tensor | float, b: Tensor | float) -> Tensor:
    """Elementwise choice: a where condition holds, else b (condition carries no gradient)."""
    cond = _raw(condition)
    ta, tb = isinstance(a, Tensor), isinstance(b, Tensor)
    raw_a = a.data if ta else _number(a, b.data) if tb else a  # a number beside a tensor: a reused constant
    raw_b = b.data if tb else _number(b, a.data) if ta else b
    out = B.where(cond, raw_a, raw_b)
    parents = tuple(t for t in (a, b) if isinstance(t, Tensor))

    def backward(g):
        grads, zero = [], _number(0.0, g)
        if ta:
            grads.append(_unbroadcast(B.where(cond, g, zero), a.shape))
        if tb:
            grads.append(_unbroadcast(B.where(cond, zero, g), b.shape))
        return grads

    return Tensor._make(out, parents, backward)


def concatenate(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    axis = axis % tensors[0].ndim
    sizes = [t.shape[axis] for t in tensors]

    def backward(g):
        grads, start = [], 0
        for n in sizes:
            key = (slice(None),) * axis + (slice(start, start + n),)
            grads.append(g[key])
            start += n
        return grads

    return Tensor._make(B.concatenate([t.data for t in tensors], axis=axis), tuple(tensors), backward)


def stack(tensors: Sequence[Tensor], axis: int = 0) -> Tensor:
    return concatenate([t.unsqueeze(axis) for t in tensors], axis=axis)
