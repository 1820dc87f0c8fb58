"""Views: how a shape maps onto a flat buffer, and the no-copy operations on that mapping.

A View is (shape, strides, offset), counted in elements. Element [i0, i1, ...] of the view lives at
`offset + i0*strides[0] + i1*strides[1] + ...` in the buffer. Reshape (when possible), permute, expand,
slicing, flip, squeeze and unsqueeze only compute a new View: no data moves.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


def prod(xs) -> int:
    out = 1
    for x in xs:
        out *= x
    return out


@lru_cache(maxsize=4096)  # asked for the same few shapes many times per training step
def contiguous_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    """Row-major (C order) strides: the last axis moves by one element."""
    strides, step = [], 1
    for n in reversed(shape):
        strides.append(step)
        step *= max(n, 1)
    return tuple(reversed(strides))


@dataclass(frozen=True)
class View:
    shape: tuple[int, ...]
    strides: tuple[int, ...]
    offset: int = 0

    @staticmethod
    def contiguous(shape: tuple[int, ...], offset: int = 0) -> View:
        return View(tuple(shape), contiguous_strides(tuple(shape)), offset)

    @property
    def size(self) -> int:
        return prod(self.shape)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    def is_contiguous(self) -> bool:
        """True when the view reads a buffer front to back (strides of size-1 axes do not matter)."""
        known = self.__dict__.get("_contiguous")  # a View never changes: remembered (not a field, so eq/hash skip it)
        if known is None:
            want = contiguous_strides(self.shape)
            known = self.size == 0 or all(
                n == 1 or s == w for n, s, w in zip(self.shape, self.strides, want, strict=True))
            self.__dict__["_contiguous"] = known
        return known

    def index(self, idx: tuple[int, ...]) -> int:
        return self.offset + sum(i * s for i, s in zip(idx, self.strides, strict=True))

    def extent(self) -> tuple[int, int]:
        """The lowest and highest buffer positions the view touches (for an empty view: offset, offset-1)."""
        if self.size == 0:
            return self.offset, self.offset - 1
        lo = hi = self.offset
        for n, s in zip(self.shape, self.strides, strict=True):
            if s > 0:
                hi += (n - 1) * s
            else:
                lo += (n - 1) * s
        return lo, hi

    # ---- no-copy operations -------------------------------------------------------------------------------

    def reshape(self, shape: tuple[int, ...]) -> View | None:
        """The same elements in a new shape, or None when the strides cannot express it (a copy is needed)."""
        shape = tuple(shape)
        if self.size == 0 or self.is_contiguous():
            return View.contiguous(shape, self.offset if self.size else 0)
        old = [(n, s) for n, s in zip(self.shape, self.strides, strict=True) if n != 1]
        new_strides = [0] * len(shape)
        oi, oj, ni, nj = 0, 1, 0, 1
        while ni < len(shape) and oi < len(old):
            np_, op = shape[ni], old[oi][0]
            while np_ != op:
                if np_ < op:
                    np_ *= shape[nj]
                    nj += 1
                else:
                    op *= old[oj][0]
                    oj += 1
            # The old axes oi..oj-1 merge into new axes ni..nj-1: they must be laid out back to back.
            for k in range(oi, oj - 1):
                if old[k][1] != old[k + 1][0] * old[k + 1][1]:
                    return None
            new_strides[nj - 1] = old[oj - 1][1]
            for k in range(nj - 1, ni, -1):
                new_strides[k - 1] = new_strides[k] * shape[k]
            ni, nj = nj, nj + 1
            oi, oj = oj, oj + 1
        for k in range(ni, len(shape)):  # trailing size-1 axes
            new_strides[k] = new_strides[ni - 1] if ni else 1
        return View(shape, tuple(new_strides), self.offset)

    def permute(self, axes: tuple[int, ...]) -> View:
        return View(tuple(self.shape[a] for a in axes), tuple(self.strides[a] for a in axes), self.offset)

    def expand(self, shape: tuple[int, ...]) -> View:
        """Broadcast to `shape` (numpy rules; the caller has checked them): new and size-1 axes get stride 0."""
        lead = len(shape) - len(self.shape)
        strides = [0] * lead
        for n, old_n, s in zip(shape[lead:], self.shape, self.strides, strict=True):
            strides.append(s if old_n == n else 0)
        return View(tuple(shape), tuple(strides), self.offset)

    def slice(self, axis: int, start: int, step: int, length: int) -> View:
        """Keep `length` elements of `axis` starting at `start`, every `step` (start already in range)."""
        shape = list(self.shape)
        strides = list(self.strides)
        offset = self.offset + (start * strides[axis] if length else 0)
        shape[axis] = length
        strides[axis] *= step
        return View(tuple(shape), tuple(strides), offset)

    def take(self, axis: int, i: int) -> View:
        """Fix `axis` at index i (already in range): the axis disappears."""
        return View(
            self.shape[:axis] + self.shape[axis + 1 :],
            self.strides[:axis] + self.strides[axis + 1 :],
            self.offset + i * self.strides[axis],
        )

    def insert_axis(self, axis: int) -> View:
        return View(self.shape[:axis] + (1,) + self.shape[axis:], self.strides[:axis] + (0,) + self.strides[axis:],
                    self.offset)

    def flip(self, axis: int) -> View:
        n = self.shape[axis]
        if n == 0:
            return self
        strides = list(self.strides)
        offset = self.offset + (n - 1) * strides[axis]
        strides[axis] = -strides[axis]
        return View(self.shape, tuple(strides), offset)


def merge(outer: View, inner: View) -> View | None:
    """Compose two views: `outer` indexes the elements of `inner` as if they were a contiguous array.

    The result maps outer's index straight into inner's buffer. It exists when walking any axis of `outer`
    walks a single axis of `inner` without carrying into the next one; otherwise None (the caller copies).
    """
    if outer.shape == inner.shape and outer.offset == 0 and outer.is_contiguous():
        return View(outer.shape, inner.strides, inner.offset)
    if outer.size == 0:
        return View.contiguous(outer.shape)
    if inner.is_contiguous():
        return View(outer.shape, outer.strides, outer.offset + inner.offset)
    base = contiguous_strides(inner.shape)
    # Where the outer view starts, as a multi-index into inner's shape.
    start, rest = [], outer.offset
    for c in base:
        start.append(rest // c)
        rest %= c
    lo, hi = list(start), list(start)
    strides, offset = [], inner.index(tuple(start))
    for n, s in zip(outer.shape, outer.strides, strict=True):
        if n == 1 or s == 0:
            strides.append(0)
            continue
        # The outermost inner axis (of size > 1) whose contiguous step divides this stride.
        axis = next((j for j, c in enumerate(base) if inner.shape[j] > 1 and s % c == 0), None)
        if axis is None:
            return None
        k = s // base[axis]
        strides.append(k * inner.strides[axis])
        if k > 0:
            hi[axis] += k * (n - 1)
        else:
            lo[axis] += k * (n - 1)
    for j, n in enumerate(inner.shape):
        if lo[j] < 0 or hi[j] > n - 1:
            return None
    return View(outer.shape, tuple(strides), offset)
