"""t[key] and t[key] = value with numpy's rules.

Basic indexing (integers, slices with steps and negative bounds, None, ...) only computes a new View.
Advanced indexing (integer arrays, boolean masks) gathers: the indexed axes are moved to the front and merged,
one flat index per output element is computed, and a GATHER node reads through it. As in numpy, the index
dimensions replace the indexed axes when those were next to each other in the key, and go first otherwise.
"""

from __future__ import annotations

from b2i.tensor.dtype import bool_, int64
from b2i.tensor.shapes import broadcast_shapes, fmt_shape
from b2i.tensor.tensor import Tensor, where
from b2i.tensor.view import View, prod

_VALID = ("only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays "
          "are valid indices")


def _classify(k, device: str):
    """('none'|'ellipsis'|'slice'|'int'|'array'|'mask', value) for one element of an index key."""
    if k is None:
        return "none", None
    if k is Ellipsis:
        return "ellipsis", None
    if isinstance(k, slice):
        return "slice", k
    if isinstance(k, bool):
        raise IndexError("boolean scalar indices are not supported")
    if isinstance(k, int):
        return "int", k
    if isinstance(k, Tensor) or isinstance(k, list | tuple) or hasattr(k, "__array_interface__"):
        t = k if isinstance(k, Tensor) else Tensor(k, device=device) if not (isinstance(k, list | tuple)
                                                                             and len(k) == 0) \
            else Tensor.zeros(0, dtype=int64, device=device)
        if t.dtype is bool_:
            return "mask", t
        if t.dtype.is_float:
            raise IndexError("arrays used as indices must be of integer (or boolean) type")
        return "array", t.astype(int64)  # as numpy: index arrays become intp (a huge uint64 wraps to negative)
    if hasattr(k, "__index__"):
        return "int", k.__index__()
    raise IndexError(_VALID)


def _parse(t: Tensor, key) -> list:
    key = key if isinstance(key, tuple) else (key,)
    items = [_classify(k, t.device) for k in key]
    if sum(kind == "ellipsis" for kind, _ in items) > 1:
        raise IndexError("an index can only have a single ellipsis ('...')")
    consumed = sum(1 if kind in ("int", "slice", "array") else v.ndim if kind == "mask" else 0 for kind, v in items)
    if consumed > t.ndim:
        raise IndexError(f"too many indices for array: array is {t.ndim}-dimensional, but {consumed} were indexed")
    fill = [("slice", slice(None))] * (t.ndim - consumed)
    pos = next((i for i, (kind, _) in enumerate(items) if kind == "ellipsis"), len(items))
    return items[:pos] + fill + items[pos + 1:]


def _walk(view: View, items: list, advanced_ints: bool) -> tuple[View, list[tuple[int, Tensor | int]]]:
    """Apply the basic parts of a key to a view; return it and the advanced parts as (axis, index)."""
    axis = 0  # axis of the view being built
    source_axis = 0  # axis of the indexed tensor (for messages)
    advanced: list[tuple[int, Tensor | int]] = []
    for kind, k in items:
        if kind == "none":
            view = view.insert_axis(axis)
            axis += 1
        elif kind == "slice":
            n = view.shape[axis]
            start, stop, step = k.indices(n)
            view = view.slice(axis, start, step, len(range(start, stop, step)))
            axis, source_axis = axis + 1, source_axis + 1
        elif kind == "int":
            n = view.shape[axis]
            if not -n <= k < n:
                raise IndexError(f"index {k} is out of bounds for axis {source_axis} with size {n}")
            if advanced_ints:
                advanced.append((axis, k % n))
                axis += 1
            else:
                view = view.take(axis, k % n)
            source_axis += 1
        elif kind == "array":
            advanced.append((axis, k))
            axis, source_axis = axis + 1, source_axis + 1
        else:  # mask: one integer array per mask axis, from the positions of its true elements
            for d in range(k.ndim):
                if k.shape[d] != view.shape[axis + d]:
                    raise IndexError(f"boolean index did not match indexed array along axis {source_axis + d}; size "
                                     f"of axis is {view.shape[axis + d]} but size of corresponding boolean axis is "
                                     f"{k.shape[d]}")
            for d, positions in enumerate(_nonzero(k)):
                advanced.append((axis + d, ((len(positions),), positions)))
            axis, source_axis = axis + k.ndim, source_axis + k.ndim
    return view, advanced


def _nonzero(mask: Tensor) -> list[list[int]]:
    """Per axis, the coordinates of the true elements in row-major order (numpy.nonzero)."""
    flat = mask.reshape(-1).tolist() if mask.ndim else [mask.item()]
    coords: list[list[int]] = [[] for _ in range(mask.ndim)]
    for i, v in enumerate(flat):
        if v:
            rest = i
            for d in range(mask.ndim - 1, -1, -1):
                coords[d].append(rest % mask.shape[d])
                rest //= mask.shape[d]
    return coords


def getitem(t: Tensor, key) -> Tensor:
    items = _parse(t, key)
    has_advanced = any(kind in ("array", "mask") for kind, _ in items)
    view, advanced = _walk(t.layout, items, has_advanced)
    x = Tensor._make(t.node, view)
    if not advanced:
        return x
    return _gather(x, advanced)


def _values(index: Tensor | int | tuple[tuple[int, ...], list[int]]) -> tuple[tuple[int, ...], list[int]]:
    """An index as (shape, flat row-major values): index tensors are realized and read here."""
    if isinstance(index, int):
        return (), [index]
    if isinstance(index, tuple):
        return index
    index.realize()
    flat, view = index.node.buffer.values(), index.layout
    positions = [view.offset]
    for n, s in zip(view.shape, view.strides, strict=True):
        positions = [p + i * s for p in positions for i in range(n)]
    return index.shape, [flat[p] for p in positions]


def _broadcast_values(shape: tuple[int, ...], values: list[int], target: tuple[int, ...]) -> list[int]:
    """Row-major values of an index array broadcast from `shape` to `target`."""
    view = View.contiguous(shape).expand(target)
    positions = [view.offset]
    for n, s in zip(view.shape, view.strides, strict=True):
        positions = [p + i * s for p in positions for i in range(n)]
    return [values[p] for p in positions]


def _gather(x: Tensor, advanced: list) -> Tensor:
    """Move the indexed axes to the front, merge them, and read through one flat index per output element."""
    axes = [a for a, _ in advanced]
    index = [_values(i) for _, i in advanced]
    try:
        b_shape = broadcast_shapes(*(shape for shape, _ in index))
    except ValueError:
        raise IndexError("shape mismatch: indexing arrays could not be broadcast together with shapes "
                         + " ".join(fmt_shape(shape) for shape, _ in index)) from None
    flat = [0] * prod(b_shape)
    for axis, (shape, values) in zip(axes, index, strict=True):
        n = x.shape[axis]
        bad = next((v for v in values if not -n <= v < n), None)
        if bad is not None:
            raise IndexError(f"index {bad} is out of bounds for axis {axis} with size {n}")
        flat = [f * n + (v % n) for f, v in zip(flat, _broadcast_values(shape, values, b_shape), strict=True)]
    flat_t = Tensor(flat, dtype=int64, device=x.device).reshape(b_shape) if flat else \
        Tensor.zeros(b_shape, dtype=int64, device=x.device)
    rest = [a for a in range(x.ndim) if a not in axes]
    xr = x.permute(*axes, *rest).reshape(prod(x.shape[a] for a in axes), *(x.shape[a] for a in rest))
    out = Tensor._new("GATHER", [xr, flat_t], x.dtype, b_shape + xr.shape[1:])
    consecutive = axes == list(range(axes[0], axes[0] + len(axes)))
    if consecutive and axes[0] != 0:
        nb = len(b_shape)
        before = list(range(nb, nb + axes[0]))
        order = before + list(range(nb)) + list(range(nb + axes[0], out.ndim))
        out = out.permute(*order)
    return out


def setitem(t: Tensor, key, value) -> None:
    """t[key] = value: basic keys write through a view of a copy; a boolean mask of t's shape uses where."""
    if isinstance(key, Tensor) and key.dtype is bool_ and key.shape == t.shape:
        t.assign(where(key, value, t))
        return
    items = _parse(t, key)
    if any(kind in ("array", "mask") for kind, _ in items):
        raise IndexError("assignment supports basic indices (integers, slices, None, ...) and a boolean mask of "
                         "the tensor's shape")
    target, _ = _walk(View.contiguous(t.shape), items, False)
    v = value if isinstance(value, Tensor) else Tensor.full((), value, dtype=t.dtype, device=t.device)
    try:
        v = v.astype(t.dtype).broadcast_to(target.shape)
    except ValueError:
        raise ValueError(f"could not broadcast input array from shape {fmt_shape(v.shape)} into shape "
                         f"{fmt_shape(target.shape)}") from None
    out = Tensor._new("SETITEM", [t, v], t.dtype, t.shape, target)
    t.node, t.layout = out.node, out.layout
