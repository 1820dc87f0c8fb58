"""The kernel IR: what one scheduled kernel computes, independent of any backend.

A Kernel loops over `shape`. Its value at each point is an expression tree (Load, Const, Rand, Alu) over the
kernel's buffers: buffer 0 is the output, 1.. are inputs. Every Load carries the View that maps the loop index
to a position in its buffer, so non-contiguous, broadcast and sliced inputs need no copies.
Expressions compare by identity: the scheduler shares a node between its users and renderers compute it once.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from b2i.tensor.dtype import DType
from b2i.tensor.view import View

UNARY = ("neg", "abs", "not", "exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "relu", "cast", "copy")
BINARY = ("add", "sub", "mul", "div", "floordiv", "mod", "pow", "max", "min", "lt", "le", "gt", "ge", "eq", "ne",
          "and", "or", "xor")
TERNARY = ("where",)
ELEMENTWISE = UNARY + BINARY + TERNARY
REDUCE_OPS = ("sum", "prod", "max", "min", "argmax", "argmin")


@dataclass(eq=False)
class Load:
    """Read buffer `buf` at view(index); with `dyn` = (stride, expr), also add expr*stride (a gather)."""

    buf: int
    view: View
    dtype: DType
    dyn: tuple[int, Expr] | None = None


@dataclass(eq=False)
class Const:
    value: bool | int | float
    dtype: DType


@dataclass(eq=False)
class Rand:
    """Counter-based random numbers: the value depends only on the key in params[param] and view(index)."""

    param: int
    kind: str  # "uniform" or "normal"
    dtype: DType
    view: View


@dataclass(eq=False)
class Alu:
    op: str
    srcs: tuple[Expr, ...]
    dtype: DType


@dataclass(eq=False)
class Acc:
    """In a reduce kernel's epilogue: the reduced value of the current output element."""

    dtype: DType


Expr = Load | Const | Rand | Alu | Acc


@dataclass(eq=False)
class Kernel:
    """One kernel. kind 'elementwise': out[view(i)] = expr(i) for i over shape.
    kind 'reduce': expr over `shape`, combined with `reduce_op` over `axes`, stored through `out` (keepdims),
    after the `epilogue` (if any) has turned the reduced value into the output (a mean's division).
    kind 'matmul': out[..., i, j] = sum_k A[..., i, k] * B[..., k, j] with A = buffer 1 via `a`, B = 2 via `b`.
    """

    kind: str
    shape: tuple[int, ...]
    out: View
    dtypes: tuple[DType, ...]  # of each buffer, output first
    expr: Expr | None = None
    reduce_op: str | None = None
    axes: tuple[int, ...] = ()
    a: View | None = None
    b: View | None = None
    nparams: int = 0
    label: str = field(default="")
    epilogue: Expr | None = None  # reduce only: computed from Acc and loads at the output element, then stored


def walk(expr: Expr) -> list[Expr]:
    """Every distinct node of an expression DAG, sources before users (so a renderer can emit in order)."""
    seen: set[int] = set()
    order: list[Expr] = []
    stack: list[tuple[Expr, bool]] = [(expr, False)]
    while stack:
        node, expanded = stack.pop()
        if id(node) in seen:
            continue
        if expanded:
            seen.add(id(node))
            order.append(node)
            continue
        stack.append((node, True))
        kids: tuple[Expr, ...] = ()
        if isinstance(node, Alu):
            kids = node.srcs
        elif isinstance(node, Load) and node.dyn is not None:
            kids = (node.dyn[1],)
        for k in reversed(kids):
            if id(k) not in seen:
                stack.append((k, False))
    return order


def structure(kernel: Kernel) -> tuple:
    """A hashable value equal for two kernels exactly when a renderer sees the same kernel: every field,
    every expression node and View in a fixed order, with shared nodes and shared View objects written as
    back-references (a renderer computes a shared node once and indexes a shared View once). A training loop
    builds the same kernels every step; keyed by this, their rendering is done once."""
    exprs: dict[int, int] = {}
    views: dict[int, int] = {}
    out: list = []

    def view(v: View | None) -> object:
        if v is None:
            return None
        n = views.get(id(v))
        if n is not None:
            return n
        views[id(v)] = len(views)
        return v

    def visit(e: Expr | None) -> None:
        if e is None:
            out.append(None)
            return
        for node in walk(e):
            if id(node) in exprs:
                continue
            exprs[id(node)] = len(exprs)
            if isinstance(node, Load):
                dyn = None if node.dyn is None else (node.dyn[0], exprs[id(node.dyn[1])])
                out.append(("L", node.buf, view(node.view), node.dtype, dyn))
            elif isinstance(node, Alu):
                out.append(("A", node.op, node.dtype, *(exprs[id(s)] for s in node.srcs)))
            elif isinstance(node, Const):
                v = node.value  # 1 == 1.0 == True and 0.0 == -0.0 in Python, but they render differently
                out.append(("C", node.dtype, type(v), v.hex() if type(v) is float else v))
            elif isinstance(node, Rand):
                out.append(("R", node.param, node.kind, node.dtype, view(node.view)))
            else:
                out.append(("Acc", node.dtype))
        out.append(exprs[id(e)])  # which node is the root

    out += [kernel.kind, kernel.shape, view(kernel.out), kernel.dtypes, kernel.reduce_op, kernel.axes,
            view(kernel.a), view(kernel.b), kernel.nparams]
    visit(kernel.expr)
    visit(kernel.epilogue)
    return tuple(out)
