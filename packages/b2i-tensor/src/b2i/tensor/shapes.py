"""Shape arithmetic shared by the Tensor methods: broadcasting, axis normalization, numpy-style messages."""

from __future__ import annotations


class AxisError(ValueError, IndexError):
    """An axis out of range (numpy's AxisError is both a ValueError and an IndexError)."""


def fmt_shape(shape: tuple[int, ...]) -> str:
    """numpy's spelling of a shape in messages: (2,3) and (4,)."""
    return "(" + ",".join(str(n) for n in shape) + ("," if len(shape) == 1 else "") + ")"


def broadcast_shapes(*shapes: tuple[int, ...]) -> tuple[int, ...]:
    ndim = max((len(s) for s in shapes), default=0)
    out = []
    for axis in range(ndim):
        sizes = {s[axis - ndim + len(s)] for s in shapes if axis - ndim + len(s) >= 0} - {1}
        if len(sizes) > 1:
            raise ValueError("operands could not be broadcast together with shapes "
                             + " ".join(fmt_shape(s) for s in shapes))
        out.append(sizes.pop() if sizes else 1)
    return tuple(out)


def normalize_axis(axis: int, ndim: int) -> int:
    if not isinstance(axis, int) or isinstance(axis, bool):
        raise TypeError(f"axis must be an integer, not {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise AxisError(f"axis {axis} is out of bounds for array of dimension {ndim}")
    return axis % ndim


def normalize_axes(axis: int | tuple[int, ...] | list[int] | None, ndim: int) -> tuple[int, ...]:
    """None means every axis; negative axes count from the end; repeats are refused."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    out = tuple(normalize_axis(a, ndim) for a in axes)
    if len(set(out)) != len(out):
        raise ValueError("duplicate value in 'axis'")
    return tuple(sorted(out))


def as_shape(args: tuple) -> tuple[int, ...]:
    """Accept f(2, 3) and f((2, 3)) alike."""
    if len(args) == 1 and not isinstance(args[0], int):
        args = tuple(args[0])
    shape = tuple(int(n.__index__()) if not isinstance(n, int) else n for n in args)
    for n in shape:
        if n < 0 and n != -1:
            raise ValueError(f"negative dimensions are not allowed: {fmt_shape(shape)}")
    return shape
