"""Which scalar locals live in callee-saved registers (-O1 and above): live intervals, heaviest first.

A local's interval runs from its first to its last mention in a walk of the body in source order. A loop makes
any interval that touches it cover all of it (a value may travel round the back edge), so two variables share a
register only when their intervals are disjoint, for example the counters of two loops one after the other. A
function with labels (goto can run code in any order) gives every variable the whole body. Mentions count 8
times more for each loop around them; the heaviest variables choose registers first, and when registers run out
the least used ones stay in memory.
"""

from b2i.cc.nodes import Node, Obj

STATEMENTS = {"block", "expr_stmt", "return", "if", "for", "do", "switch", "label", "goto", "memzero", "asm"}
SKIP = ("tok", "ty", "obj", "member", "as_statement")


class Intervals:
    """Walks a function body, numbering mentions of locals and recording loops."""

    def __init__(self):
        self.pos = 0
        self.first: dict[Obj, int] = {}
        self.last: dict[Obj, int] = {}
        self.weight: dict[Obj, int] = {}
        self.pinned: set[Obj] = set()  # address taken: must stay in memory
        self.loops: list[tuple[int, int]] = []
        self.has_label = False
        self.depth = 0
        self.root: list[Obj] | None = None  # variables mentioned in the expression being walked

    def expression(self, node, discarded=False):
        """Walks a whole expression: its variables' intervals cover all of it, whatever order codegen picks
        (an address may stay in a variable's register while the rest of the expression runs)."""
        if self.root is not None:
            self.walk(node, discarded)
            return
        self.root = []
        start = self.pos + 1
        self.walk(node, discarded)
        for v in self.root:
            self.first[v] = min(self.first[v], start)
            self.last[v] = max(self.last[v], self.pos)
        self.root = None

    def mention(self, v):
        if self.root is not None:
            self.root.append(v)
        self.pos += 1
        self.first.setdefault(v, self.pos)
        self.last[v] = self.pos
        self.weight[v] = self.weight.get(v, 0) + 8 ** min(self.depth, 6)

    def walk(self, node, discarded=False):
        """Numbers the mentions in node; `discarded` (its value unused) walks `x++` as codegen does, as x += 1,
        so the temporary of the value form gets no register it does not need."""
        if isinstance(node, (list, tuple)):
            for n in node:
                self.walk(n)
            return
        if not isinstance(node, Node):
            return
        if self.root is None and node.kind not in STATEMENTS:
            self.expression(node, discarded)
            return
        statement = getattr(node, "as_statement", None)
        if discarded and statement is not None:
            self.walk(statement, True)
            return
        k = node.kind
        if k == "var" and node.obj.is_local:
            self.mention(node.obj)
        elif k == "addr" and node.lhs.kind == "var":
            self.pinned.add(node.lhs.obj)
        elif k == "asm":
            for _, _, e in node.outputs + node.inputs:
                if e.kind == "var":
                    self.pinned.add(e.obj)
        elif k == "label":
            self.has_label = True
        if k in ("for", "do"):
            self.walk(getattr(node, "init", None))
            start = self.pos
            self.depth += 1
            self.walk(node.cond)
            self.walk(node.body)
            self.walk(getattr(node, "inc", None), True)
            self.depth -= 1
            self.loops.append((start + 1, self.pos))
            return
        if k == "expr_stmt":
            self.expression(node.lhs, True)
            return
        if k == "comma":
            self.walk(node.lhs, True)
            self.walk(node.rhs, discarded)
            return
        for name, value in vars(node).items():
            if name not in SKIP:
                self.walk(value)

    def spans(self, variables):
        """Each variable's (start, end) after loops and labels have widened it."""
        span = {v: (self.first[v], self.last[v]) for v in variables}
        if self.has_label:
            return {v: (0, self.pos + 1) for v in variables}
        changed = True
        while changed:
            changed = False
            for v, (a, b) in span.items():
                for ls, le in self.loops:
                    if a <= le and ls <= b and (a > ls or b < le):
                        a, b = min(a, ls), max(b, le)
                        changed = True
                span[v] = (a, b)
        return span


def assign_registers(fn: Obj, pools: dict[bool, list[str]], fixed: dict[Obj, str] | None = None) -> dict[Obj, str]:
    """Maps scalar locals of fn whose address is never taken to registers from pools (keyed by is-float);
    `fixed` variables (a leaf function's parameters left where they arrive) get their register first."""
    fixed = fixed or {}
    iv = Intervals()
    for param in fn.params:  # parameters are live together at the entry, where they move to their registers
        iv.mention(param)
    for param in fn.params:
        iv.first[param] = 1
        iv.last[param] = iv.pos
    iv.walk(fn.body)
    pinned = iv.pinned | {fn.sret, getattr(fn, "va_area", None)} | {v for v in fn.locals if v.is_volatile}
    variables = [v for v in fn.locals if v in iv.first and v not in pinned and v.ty.is_scalar()]
    span = iv.spans(variables)
    result: dict[Obj, str] = {}
    for is_float in (False, True):
        group = [v for v in variables if v.ty.is_flonum() == is_float]
        # the heaviest variables choose first; each takes a register whose holders' intervals it misses
        group.sort(key=lambda v: (v not in fixed, -iv.weight[v]))
        holders: dict[str, list[tuple[int, int]]] = {r: [] for r in [*pools[is_float], *fixed.values()]}
        for v in group:
            a, b = span[v]
            for reg in [fixed[v]] if v in fixed else pools[is_float]:
                if all(b < c or d < a for c, d in holders[reg]):
                    holders[reg].append((a, b))
                    result[v] = reg
                    break
    return result
