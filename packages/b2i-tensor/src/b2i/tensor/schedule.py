"""From a lazy graph to a list of kernels, and running them.

Fusion rule: an unrealized elementwise node is inlined into whoever reads it (its expression is recomputed
inside the consumer's loop) whenever the consumer's view of it can be composed with the views it reads
through. So a chain of elementwise ops becomes one kernel, and a reduction swallows its elementwise inputs.
Reductions, matmuls, concatenations and pads end a kernel: their results are written to a buffer first.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass

from b2i.tensor import debug
from b2i.tensor.device import Buffer, get_backend
from b2i.tensor.dtype import DType
from b2i.tensor.graph import Node, dump
from b2i.tensor.kernel import ELEMENTWISE, Acc, Alu, Const, Expr, Kernel, Load, Rand
from b2i.tensor.view import View, merge

MAX_INLINE_DEPTH = 200  # longer elementwise chains are split, which bounds kernel size and recursion


@dataclass
class ScheduleItem:
    kernel: Kernel
    out: Node  # the node whose buffer this kernel writes
    inputs: list[Node]  # the nodes whose buffers it reads, in buffer order 1..
    params: list[int]
    allocates: bool  # True for the first kernel writing `out`


class _KernelBuilder:
    """Collects the inputs, params and shared subexpressions of one kernel."""

    def __init__(self, scheduler: Scheduler) -> None:
        self.scheduler = scheduler
        self.inputs: list[Node] = []
        self.params: list[int] = []
        self.memo: dict[tuple[int, View], Expr] = {}
        self.depth = 0
        self.acc: tuple[Node, View] | None = None  # the reduction an epilogue reads, and through which view
        self.acc_used = False
        self.acc_missed = False

    def buffer_index(self, node: Node) -> int:
        for i, n in enumerate(self.inputs):
            if n is node:
                return i + 1
        self.inputs.append(node)
        return len(self.inputs)

    def load(self, node: Node, view: View) -> Expr:
        self.scheduler.schedule(node)
        return Load(self.buffer_index(node), view, node.dtype)

    def build(self, node: Node, view: View) -> Expr:
        """The expression for `node` read through `view` (view maps the loop index into node's result)."""
        key = (node.id, view)
        if key not in self.memo:
            self.depth += 1
            try:
                if self.depth > MAX_INLINE_DEPTH and not node.realized and node.op in ELEMENTWISE:
                    self.memo[key] = self.load(node, view)  # a very deep chain: cut it into several kernels
                else:
                    self.memo[key] = self._build(node, view)
            finally:
                self.depth -= 1
        return self.memo[key]

    def _build(self, node: Node, view: View) -> Expr:
        if node.realized or node in self.scheduler.done:
            return Load(self.buffer_index(node), view, node.dtype)
        if self.acc is not None and node is self.acc[0]:
            if view == self.acc[1]:
                self.acc_used = True
                return Acc(node.dtype)
            self.acc_missed = True
        if node.op == "CONST":
            return Const(node.arg, node.dtype)
        if node.op == "RAND":
            self.params.append(node.arg[1])
            return Rand(len(self.params) - 1, node.arg[0], node.dtype, view)
        if node.op in ELEMENTWISE:
            views = [merge(view, v) for _, v in node.srcs]
            if all(v is not None for v in views):
                srcs = tuple(self.build(s, v) for (s, _), v in zip(node.srcs, views, strict=True))
                return Alu(node.op, srcs, node.dtype)
        if node.op == "GATHER":
            (x, xv), (idx, iv) = node.srcs
            # xv views x as (M, rest...); the gathered view has the index dims B in front with stride 0.
            nb = len(iv.shape)
            gathered = View((*iv.shape, *xv.shape[1:]), (0,) * nb + xv.strides[1:], xv.offset)
            index_view = View(gathered.shape, iv.strides + (0,) * (len(xv.shape) - 1), iv.offset)
            gv, ixv = merge(view, gathered), merge(view, index_view)
            if gv is not None and ixv is not None:
                self.scheduler.schedule(x)
                return Load(self.buffer_index(x), gv, x.dtype, (xv.strides[0], self.build(idx, ixv)))
        return self.load(node, view)


class Scheduler:
    """Turns the unrealized nodes under some roots into an ordered list of ScheduleItems."""

    def __init__(self) -> None:
        self.items: list[ScheduleItem] = []
        self.done: set[Node] = set()  # nodes that already have (or will have) a buffer
        self.trying: set[Node] = set()  # nodes whose epilogue fusion is being tried

    def schedule(self, node: Node) -> None:
        if node.realized or node in self.done:
            return
        out = View.contiguous(node.shape)
        if node.op == "REDUCE":
            (src, view), = node.srcs
            b = _KernelBuilder(self)
            expr = b.build(src, view)
            op, axes = node.arg
            self._emit(Kernel("reduce", view.shape, out, self._dtypes(node, b), expr, op, axes, nparams=len(b.params),
                              label=f"{op}{list(axes)}"), node, b, True)
        elif node.op == "MATMUL":
            (a, av), (bn, bv) = node.srcs
            b = _KernelBuilder(self)
            self.schedule(a)
            self.schedule(bn)
            b.inputs = [a, bn]  # buffers 1 and 2 even when both are the same tensor
            self._emit(Kernel("matmul", node.shape, out, self._dtypes(node, b), a=av, b=bv, label="matmul"),
                       node, b, True)
        elif node.op == "CONCAT":
            axis, start = node.arg, 0
            for i, (src, view) in enumerate(node.srcs):
                n = view.shape[axis]
                target = out.slice(axis, start, 1, n)
                self._copy(node, src, view, target, allocates=i == 0)
                start += n
        elif node.op == "PAD":
            pads, value = node.arg
            b = _KernelBuilder(self)
            self._emit(Kernel("elementwise", node.shape, out, self._dtypes(node, b), Const(value, node.dtype),
                              label="pad fill"), node, b, True)
            (src, view), = node.srcs
            target = out
            for axis, (before, _) in enumerate(pads):
                target = target.slice(axis, before, 1, view.shape[axis])
            self._copy(node, src, view, target, allocates=False)
        elif node.op == "SETITEM":
            (src, view), (value, value_view) = node.srcs
            self._copy(node, src, view, out, allocates=True)
            self._copy(node, value, value_view, node.arg, allocates=False)
        elif node.op in ELEMENTWISE and node not in self.trying and self._epilogue(node):
            pass
        elif node in self.done:  # scheduled while an epilogue was tried for it
            return
        else:  # elementwise, CONST, RAND, GATHER: one elementwise kernel
            b = _KernelBuilder(self)
            expr = b._build(node, out)
            if isinstance(expr, Load) and expr.dyn is None and b.inputs and b.inputs[0] is node:
                raise AssertionError("a node cannot be its own input")
            self._emit(Kernel("elementwise", node.shape, out, self._dtypes(node, b), expr, nparams=len(b.params),
                              label=node.op.lower()), node, b, True)
        self.done.add(node)

    def _epilogue(self, node: Node) -> bool:
        """Compute an elementwise node over one reduction of its own size (x.sum() / n, sqrt(var + eps)) in the
        reduction's kernel, right after the reduced value, instead of in a kernel of its own."""
        found: list[Node] = []
        seen: set[int] = set()
        stack = [node]
        while stack:
            n = stack.pop()
            for src, _ in n.srcs:
                if src.id in seen or src.realized or src in self.done:
                    continue
                seen.add(src.id)
                if src.op == "REDUCE":
                    found.append(src)
                elif src.op in ELEMENTWISE:
                    stack.append(src)
        # With several reductions, the newest that fits is fused (an older one may feed it: log(sum(exp(x - max)))
        # + max); the others are computed by their own kernels first.
        fits = [r for r in found if r.size == node.size and r.arg[0] in ("sum", "prod", "max", "min")]
        if not fits:
            return False
        reduce = max(fits, key=lambda r: r.id)
        (src, src_view), = reduce.srcs
        op, axes = reduce.arg
        full = src_view.shape
        # the output element seen from the reduction's loop: stride 0 along the reduced axes. The node may see
        # the reduction through a reshape (keepdims=False); its elements are then still in the same order.
        out = View.contiguous(reduce.shape)
        at_output = View(full, tuple(0 if a in axes else s for a, s in enumerate(out.strides)))
        b = _KernelBuilder(self)
        b.acc = (reduce, at_output)
        self.trying.add(node)  # reading `node` through a view that does not compose schedules it plainly
        try:
            epilogue = b.build(node, at_output)
        finally:
            self.trying.discard(node)
        if not b.acc_used or b.acc_missed or node in self.done:
            return False
        b.acc = None
        expr = b.build(src, src_view)
        self._emit(Kernel("reduce", full, out, self._dtypes(node, b), expr, op, axes,
                          nparams=len(b.params), label=f"{op}{list(axes)}+{node.op}", epilogue=epilogue), node, b, True)
        return True

    def _copy(self, node: Node, src: Node, view: View, target: View, allocates: bool) -> None:
        b = _KernelBuilder(self)
        expr = b.build(src, view)
        if expr.dtype is not node.dtype:
            expr = Alu("cast", (expr,), node.dtype)
        self._emit(Kernel("elementwise", view.shape, target, self._dtypes(node, b), expr, nparams=len(b.params),
                          label=f"{node.op.lower()} copy"), node, b, allocates)

    @staticmethod
    def _dtypes(node: Node, b: _KernelBuilder) -> tuple[DType, ...]:
        return (node.dtype, *(n.dtype for n in b.inputs))

    def _emit(self, kernel: Kernel, node: Node, b: _KernelBuilder, allocates: bool) -> None:
        # dtypes were taken before the last loads were added for matmul: recompute from the final inputs.
        kernel.dtypes = self._dtypes(node, b)
        self.items.append(ScheduleItem(kernel, node, list(b.inputs), list(b.params), allocates))


def describe(item: ScheduleItem, number: int) -> str:
    k = item.kernel
    ins = ", ".join(f"%{n.id}" for n in item.inputs) or "-"
    return f"kernel {number}: {k.kind} {k.label} shape={list(k.shape)} -> %{item.out.id} {item.out.dtype} <- {ins}"


def realize(nodes: list[Node]) -> None:
    """Compute every unrealized node in `nodes` (and what they need), then turn them into buffers."""
    todo = [n for n in nodes if not n.realized]
    if not todo:
        return
    if debug.settings.debug >= 4:
        debug.log(4, dump(todo))
    graph = _shape_of(todo)
    plan = _plans.get(graph[0]) if graph is not None else None
    if plan is not None:
        nodes = graph[1]
        items = [ScheduleItem(kernel, nodes[out], [nodes[i] for i in ins], [], allocates)
                 for kernel, out, ins, allocates in plan]
    else:
        scheduler = Scheduler()
        limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(limit, 50000))  # the walk recurses once per graph level
        try:
            for n in todo:
                scheduler.schedule(n)
        finally:
            sys.setrecursionlimit(limit)
        items = scheduler.items
        if graph is not None:
            _remember(graph, items)
    debug.stats.realizes += 1
    if debug.settings.debug >= 2:
        for number, item in enumerate(items):
            debug.log(2, describe(item, number))
    if debug.settings.debug >= 1:
        before = debug.stats.snapshot()
        run_schedule(items)
        s, n = debug.stats, debug.stats.kernels - before.kernels
        debug.log(1, f"realize: {n} kernel{'s' * (n != 1)}, {s.bytes_moved - before.bytes_moved} bytes "
                     f"moved, {s.compiled - before.compiled} compiled, {s.cache_hits - before.cache_hits} cache hits"
                     f"{' (schedule replayed)' if plan is not None else ''}")
    else:
        run_schedule(items)


# ---- the plan memo: a training loop builds the same graph every step --------------------------------------
# The scheduler's decisions depend only on the graph's structure: each node's op, arg, dtype, shape and
# device, which nodes are already buffers, the views on the edges, which nodes are shared, and the creation
# order of reductions (the newest fitting one takes an epilogue). Keyed by exactly that, a schedule is
# computed once and replayed with the new step's nodes in place of the old. Graphs with random numbers are
# always scheduled afresh (their keys are params taken from the nodes).

PLAN_LIMIT = 512  # remembered schedules; past this the memo starts over
_plans: dict[tuple, list[tuple[Kernel, int, tuple[int, ...], bool]]] = {}


def _exact(value: object) -> object:
    """A scalar as a key that tells 1, 1.0 and True apart, and 0.0 from -0.0 (they render differently)."""
    return (type(value), value.hex() if type(value) is float else value)


def _shape_of(roots: list[Node]) -> tuple[tuple, list[Node]] | None:
    """The structural key of the graph under `roots` and its nodes in key order; None when not memoizable."""
    index: dict[Node, int] = {}
    nodes: list[Node] = []

    def number(n: Node) -> int:
        i = index.get(n)
        if i is None:
            i = index[n] = len(nodes)
            nodes.append(n)
        return i

    key: list = [tuple(number(n) for n in roots)]
    reduces: list[int] = []
    i = 0
    while i < len(nodes):
        n = nodes[i]
        if n.buffer is not None:
            key.append((n.dtype, n.shape, n.device))
        else:
            op, arg = n.op, n.arg
            if op == "RAND":
                return None
            if op == "CONST":
                arg = _exact(arg)
            elif op == "PAD":
                arg = (arg[0], _exact(arg[1]))
            elif op == "REDUCE":
                reduces.append(i)
            key.append((op, arg, n.dtype, n.shape, n.device, tuple((number(s), v) for s, v in n.srcs)))
        i += 1
    key.append(tuple(sorted(reduces, key=lambda k: nodes[k].id)))
    out = tuple(key)
    try:
        hash(out)
    except TypeError:  # an arg that is not hashable: schedule afresh
        return None
    return out, nodes


def _remember(graph: tuple[tuple, list[Node]], items: list[ScheduleItem]) -> None:
    key, nodes = graph
    where = {n: i for i, n in enumerate(nodes)}
    try:
        plan = [(item.kernel, where[item.out], tuple(where[n] for n in item.inputs), item.allocates)
                for item in items if not item.params]
    except KeyError:  # a node outside the walked graph (not expected): do not remember
        return
    if len(plan) != len(items):
        return
    if len(_plans) >= PLAN_LIMIT:
        _plans.clear()
    _plans[key] = plan


def run_schedule(items: list[ScheduleItem]) -> None:
    finished: list[tuple[Node, Buffer]] = []
    buffers: dict[int, Buffer] = {}
    for item in items:
        node = item.out
        backend = get_backend(node.device)
        if item.allocates:  # the first kernel writing a node writes all of it: its memory need not be cleared
            empty = getattr(backend, "empty", None)
            mem = empty(node.size * node.dtype.itemsize) if empty is not None else None
            buffers[node.id] = Buffer(node.device, node.dtype, node.size, mem)
            finished.append((node, buffers[node.id]))
        out = buffers[node.id]
        ins = [n.buffer if n.realized else buffers[n.id] for n in item.inputs]
        start = time.perf_counter()
        program = backend.compile(item.kernel)
        program([out, *ins], item.params)
        debug.stats.kernels += 1
        debug.stats.bytes_moved += item.kernel.out.size * out.dtype.itemsize + sum(b.nbytes for b in ins)
        if debug.settings.debug >= 1:
            ms = (time.perf_counter() - start) * 1e3
            debug.log(1, f"{node.device}: {item.kernel.kind} {item.kernel.label} {list(item.kernel.shape)} "
                         f"{node.dtype} in {ms:.3f} ms")
    for node, buf in finished:
        node.become_buffer(buf)
