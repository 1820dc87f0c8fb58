"""Nodes of the lazy graph. A Tensor is a Node (what to compute) plus a View (how to look at its result).

A node's result is a contiguous array of `node.shape`. Its sources are (node, view) pairs: the view says
how this node reads that source, so broadcasting, transposes and slices live in the edges, not in nodes.
Once realized, a node becomes a BUFFER: it keeps its Buffer and forgets its sources.
"""

from __future__ import annotations

import itertools

from b2i.tensor.dtype import DType
from b2i.tensor.view import View, prod

# op names: BUFFER, CONST (arg = value), RAND (arg = (kind, key)), the elementwise names in kernel.py,
# REDUCE (arg = (op, axes)), MATMUL, GATHER, CONCAT (arg = axis), PAD (arg = (pads, value)).
_ids = itertools.count()


class Node:
    __slots__ = ("op", "srcs", "arg", "dtype", "shape", "device", "buffer", "id", "__weakref__")

    def __init__(self, op: str, srcs: tuple[tuple[Node, View], ...], arg: object, dtype: DType,
                 shape: tuple[int, ...], device: str, buffer=None) -> None:
        self.op = op
        self.srcs = srcs
        self.arg = arg
        self.dtype = dtype
        self.shape = shape
        self.device = device
        self.buffer = buffer
        self.id = next(_ids)

    @property
    def realized(self) -> bool:
        return self.buffer is not None

    @property
    def size(self) -> int:
        return prod(self.shape)

    def become_buffer(self, buffer) -> None:
        """After realization: drop the recipe, keep the result (so the graph above can be freed)."""
        self.op, self.srcs, self.arg, self.buffer = "BUFFER", (), None, buffer

    def __repr__(self) -> str:
        return f"<Node {self.id} {self.op} {self.shape} {self.dtype}>"


def dump(roots: list[Node]) -> str:
    """The unrealized graph under `roots` as indented text (B2I_DEBUG=4)."""
    lines: list[str] = []
    seen: set[int] = set()

    def visit(node: Node, view: View | None, depth: int) -> None:
        via = "" if view is None else f" via view{view.shape} strides={view.strides} offset={view.offset}"
        arg = "" if node.arg is None else f" {node.arg}"
        again = " (shown above)" if node.id in seen else ""
        lines.append(f"{'  ' * depth}%{node.id} {node.op}{arg} {node.dtype}{list(node.shape)}{via}{again}")
        if node.id in seen:
            return
        seen.add(node.id)
        for src, v in node.srcs:
            visit(src, v, depth + 1)

    for r in roots:
        visit(r, None, 0)
    return "\n".join(lines)
