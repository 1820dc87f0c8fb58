"""Loop-invariant code motion over the typed AST (-O2), after constant folding.

An address or integer computation inside a loop whose inputs the loop never changes (constants, global
addresses, locals whose address is never taken and that the loop does not assign) moves into a new local
assigned just before the loop; the register allocator then usually keeps it in a register. Only computations
that cannot trap or touch memory move (no loads, no division), so running one when the loop runs zero times is
harmless. Pointer sums are reordered first, so `b[k][j]` in a loop over k adds the invariant `b + j` once.
Inner loops go first; what they hoist, an outer loop may hoist again.
"""

from b2i.cc import ctype as T
from b2i.cc.nodes import Node, Obj

PURE = {"add", "sub", "mul", "mulh", "mulhu", "shl", "shr", "and", "or", "xor"}
SKIP = ("tok", "ty", "obj", "member")


def children(node):
    for name, value in vars(node).items():
        if name in SKIP:
            continue
        if isinstance(value, Node):
            yield value
        elif isinstance(value, list):
            for v in value:
                if isinstance(v, Node):
                    yield v
                elif isinstance(v, tuple):
                    yield from (x for x in v if isinstance(x, Node))


def assigned_vars(node, found):
    """Locals a statement or expression may change (assignments to a plain variable)."""
    if node.kind == "assign" and node.lhs.kind == "var":
        found.add(node.lhs.obj)
    for c in children(node):
        assigned_vars(c, found)
    return found


def address_taken(node, found):
    if node.kind == "addr" and node.lhs.kind == "var":
        found.add(node.lhs.obj)
    if node.kind == "asm":
        found |= {e.obj for _, _, e in node.outputs + node.inputs if e.kind == "var"}
    for c in children(node):
        address_taken(c, found)
    return found


def has_label(node):
    return node.kind == "label" or any(has_label(c) for c in children(node))


def is_address(node):
    """An array-typed deref or variable: its value is an address, not a load."""
    return node.ty is not None and node.ty.kind == "array"


class Hoister:
    def __init__(self, fn: Obj):
        self.fn = fn
        self.pinned = address_taken(fn.body, set()) | {v for v in fn.locals if v.is_volatile}
        self.changed: set[Obj] = set()
        self.constants: dict[Obj, int] = {}  # the locals hoisting made to hold a constant
        self.held: dict[tuple, Obj] = {}  # (loop's list, value, type) -> the local holding that constant
        self.moved: list[Node] = []  # statements moved ahead of loops (maybe not yet back in the tree)

    # ---- what may move ----
    def invariant(self, node):
        k = node.kind
        if node.ty is not None and node.ty.is_volatile:
            return False  # read each time the loop asks for it
        if k == "num":
            return node.ty.is_integer() or node.ty.kind == "ptr"
        if k == "var":
            v = node.obj
            if node.ty.kind == "array":
                return True
            return (
                v.is_local
                and v not in self.pinned
                and v not in self.changed
                and node.ty.is_scalar()
                and (not node.ty.is_flonum())
            )
        if k == "addr":  # a global's address, or an array's (which is how an array decays to a pointer)
            if is_address(node.lhs):
                return self.invariant(node.lhs)
            return node.lhs.kind == "var" and not node.lhs.obj.is_local and node.lhs.ty.kind != "func"
        if k == "deref":
            return is_address(node) and self.invariant(node.lhs)  # a row of an array: an address
        if k == "binop":
            return node.op in PURE and not node.ty.is_flonum() and self.invariant(node.lhs) and self.invariant(node.rhs)
        if k == "cast":
            return (
                (node.ty.is_integer() or node.ty.kind == "ptr")
                and node.ty.kind != "bool"
                and (node.lhs.ty.is_integer() or node.lhs.ty.kind in ("ptr", "array"))
                and self.invariant(node.lhs)
            )
        if k in ("neg", "bitnot"):
            return not node.ty.is_flonum() and self.invariant(node.lhs)
        return False

    def worth(self, node):
        """Does computing it take an instruction or more each time round?"""
        k = node.kind
        if k == "num":
            return False
        if k == "var":
            return node.ty.kind == "array" and not node.obj.is_local
        if k == "addr":
            return True
        if k in ("cast", "deref"):
            return self.worth(node.lhs)
        return True

    # ---- rewriting ----
    def hoist(self, node, before):
        """Replaces node by a new local assigned in `before` (statements to run ahead of the loop)."""
        ty = T.pointer_to(node.ty.base) if node.ty.kind == "array" else node.ty
        same = (id(before), node.val, ty.kind, ty.size, ty.unsigned) if node.kind == "num" else None
        if same in self.held:  # this loop already holds the constant in a variable
            return Node("var", node.tok, ty, obj=self.held[same])
        obj = Obj(None, ty, node.tok, is_local=True)
        self.fn.locals.append(obj)
        if same is not None:
            self.constants[obj] = node.val
            self.held[same] = obj
        var = Node("var", node.tok, ty, obj=obj)
        before.append(Node("expr_stmt", node.tok, lhs=Node("assign", node.tok, ty, lhs=var, rhs=node)))
        return Node("var", node.tok, ty, obj=obj)

    def expr(self, node, before, in_condition=False):
        if node is None:
            return None
        node = self.reassociate(node)
        if self.invariant(node) and self.worth(node):
            return self.hoist(node, before)
        if node.kind == "binop":
            for side in ("lhs", "rhs"):
                child = getattr(node, side)
                constant = child.kind == "num" and child.val != 0 and child.ty.is_integer()
                if constant and (node.op in MULTIPLIES or in_condition and node.op in COMPARE):
                    setattr(node, side, self.hoist(child, before))
        for name, value in list(vars(node).items()):
            if name in SKIP:
                continue
            if isinstance(value, Node):
                if node.kind == "assign" and name == "lhs" and value.kind == "var":
                    continue
                if node.kind == "addr":  # hoist inside the lvalue, never the lvalue itself
                    for field, child in list(vars(value).items()):
                        if field not in SKIP and isinstance(child, Node):
                            setattr(value, field, self.expr(child, before))
                    continue
                setattr(node, name, self.expr(value, before) if not is_statement(value) else self.stmt(value))
            elif isinstance(value, list) and node.kind in ("call", "block"):
                setattr(node, name, [self.expr(v, before) if not is_statement(v) else self.stmt(v) for v in value])
        return node

    def reassociate(self, node):
        """(p + x) + y with p and y invariant and x not becomes (p + y) + x: the inner sum can then move."""
        if node.kind != "binop" or node.op != "add" or node.ty.kind != "ptr":
            return node
        inner = node.lhs
        while inner.kind in ("deref", "addr") and is_address(inner if inner.kind == "deref" else inner.lhs):
            inner = inner.lhs
        if inner.kind != "binop" or inner.op != "add" or inner.ty.kind not in ("ptr", "array"):
            return node
        p, x, y = inner.lhs, inner.rhs, node.rhs
        if self.invariant(p) and self.invariant(y) and not self.invariant(x):
            base = Node("binop", node.tok, node.ty, op="add", lhs=p, rhs=y)
            return Node("binop", node.tok, node.ty, op="add", lhs=base, rhs=x)
        return node

    def stmt(self, node):
        """Optimizes the loops in a statement; returns its replacement."""
        if node is None:
            return None
        k = node.kind
        if k in ("for", "do"):
            for part in ("init", "body"):
                if getattr(node, part, None) is not None:
                    setattr(node, part, self.stmt(getattr(node, part)))
            return self.loop(node)
        if k == "block":
            node.body = [self.stmt(s) for s in node.body]
        elif k in ("if", "label", "switch"):
            for part in ("then", "els", "body"):
                if getattr(node, part, None) is not None:
                    setattr(node, part, self.stmt(getattr(node, part)))
        return node

    def loop(self, node):
        if has_label(node):
            return node
        parts = [getattr(node, p, None) for p in ("cond", "body", "inc")]
        outer = self.changed
        self.changed = set()
        for p in parts:
            if p is not None:
                assigned_vars(p, self.changed)
        before = []
        if node.cond is not None:
            node.cond = self.expr(node.cond, before, in_condition=True)
        node.body = self.invariant_stmts(node.body, before)
        if getattr(node, "inc", None) is not None:
            node.inc = self.expr(node.inc, before)
            self.reduce_strength(node, before)
        self.changed = outer
        self.held = {k: v for k, v in self.held.items() if k[0] != id(before)}  # (ids are reused later)
        if not before:
            return node
        head = [node.init] if getattr(node, "init", None) is not None else []
        if node.kind == "for":
            node.init = None
        self.moved += head + before
        return Node("block", node.tok, body=head + before + [node])

    # ---- induction variables ----
    def reduce_strength(self, node, before):
        """For `for (...; ...; i += step)` (or `i -= step`), an address `p + (i + k) * size` in the loop becomes
        a pointer of its own, set before the loop and advanced by step * size in the increment: an add instead of
        a multiply and an add each time round."""
        inc = getattr(node.inc, "as_statement", None) or node.inc
        iv = self.induction_variable(inc, node)
        if iv is None:
            return
        v, step, sign = iv
        derived: dict[tuple, tuple[Obj, object]] = {}  # key -> (pointer variable, scale: int or variable Node)

        def replace(e):
            found = self.derived_address(e, v)
            if found is None:
                for name, value in list(vars(e).items()):
                    if name not in SKIP and isinstance(value, Node) and not is_statement(value):
                        setattr(e, name, replace(value))
                    elif name not in SKIP and isinstance(value, Node):
                        replace_in_statement(value)
                    elif name in ("args",):
                        setattr(e, name, [replace(a) for a in value])
                return e
            key, scale = found
            if key not in derived:
                obj = Obj(None, e.ty, e.tok, is_local=True)
                self.fn.locals.append(obj)
                derived[key] = (obj, scale)
                before.append(assign_stmt(obj, e))
            return Node("var", e.tok, e.ty, obj=derived[key][0])

        def replace_in_statement(st):
            for name, value in list(vars(st).items()):
                if name in SKIP:
                    continue
                if isinstance(value, Node):
                    setattr(st, name, replace_in_statement(value) if is_statement(value) else replace(value))
                elif isinstance(value, list) and st.kind == "block":
                    setattr(st, name, [replace_in_statement(x) for x in value])
            return st

        if node.cond is not None:
            node.cond = replace(node.cond)
        node.body = replace_in_statement(node.body)
        if not derived:
            return
        steps = [] if sign > 0 and self.replace_test(node, v, step, derived, before) else [inc]
        scaled_steps: dict[object, Node] = {}
        tok = node.tok
        for obj, scale in derived.values():
            if step.kind == "num" and isinstance(scale, int):
                delta, op = Node("num", tok, T.LONG, val=step.val * scale * sign), "add"
            else:  # step times scale is computed once, before the loop
                skey = scale if isinstance(scale, int) else scale.obj
                if skey not in scaled_steps:
                    scaled = Obj(None, T.LONG, tok, is_local=True)
                    self.fn.locals.append(scaled)
                    product = Node("cast", tok, T.LONG, lhs=step)
                    if not isinstance(scale, int):
                        product = Node(
                            "binop", tok, T.LONG, op="mul", lhs=product, rhs=Node("cast", tok, T.LONG, lhs=scale)
                        )
                    elif scale != 1:
                        product = Node("binop", tok, T.LONG, op="mul", lhs=product, rhs=num(scale))
                    before.append(assign_stmt(scaled, product))
                    scaled_steps[skey] = Node("var", tok, T.LONG, obj=scaled)
                delta, op = scaled_steps[skey], "add" if sign > 0 else "sub"
            var = Node("var", tok, obj.ty, obj=obj)
            advanced = Node("binop", tok, obj.ty, op=op, lhs=var, rhs=delta)
            steps.append(Node("assign", tok, obj.ty, lhs=var, rhs=advanced))
        chain = steps[-1]
        for e in reversed(steps[:-1]):
            chain = Node("comma", node.tok, chain.ty, lhs=e, rhs=chain)
        node.inc = chain

    def replace_test(self, node, v, step, derived, before):
        """When the counter v is left only in the test `v < n` (and is dead after the loop), the test becomes
        `p < base + n * size` on one of the derived pointers and v needs no updating. True if it did."""
        cond = node.cond
        if cond is None or step.kind != "num" or step.val <= 0 or cond.kind != "binop":
            return False
        if cond.op not in ("lt", "le", "ne") or cond.lhs.kind != "var" or cond.lhs.obj is not v:
            return False
        limit = cond.rhs
        if not (limit.kind == "num" or limit.kind == "var" and self.invariant(limit)):
            return False
        inside = mentions(node.body, v) + mentions(node.cond, v)
        everywhere = mentions(self.fn.body, v) + sum(mentions(st, v) for st in self.moved)  # (some twice)
        if inside != 1 or everywhere != inside + mentions(node.init, v) + mentions(node.inc, v):
            return False
        plain = [(key[0], scale, p) for key, (p, scale) in derived.items() if key[2] is None and isinstance(scale, int)]
        if not plain:
            return False
        base, scale, p = plain[0]
        tok = node.tok
        offset = Node("binop", tok, T.LONG, op="mul", lhs=Node("cast", tok, T.LONG, lhs=limit), rhs=num(scale))
        if limit.kind == "num":
            offset = num(limit.val * scale)
        end = Obj(None, p.ty, tok, is_local=True)
        self.fn.locals.append(end)
        start = Node("var", tok, base.ty, obj=base)
        before.append(assign_stmt(end, Node("binop", tok, p.ty, op="add", lhs=start, rhs=offset)))
        lhs, rhs = Node("var", tok, p.ty, obj=p), Node("var", tok, p.ty, obj=end)
        node.cond = Node("binop", cond.tok, cond.ty, op=cond.op, lhs=lhs, rhs=rhs)
        return True

    def induction_variable(self, inc, node):
        """(v, step, +1 or -1) when inc is `v = v + step` or `v = v - step` (step a constant or an invariant
        variable), nothing else in the loop assigns v, and v is a signed int or a 64-bit integer (whose
        arithmetic the derived pointers repeat exactly); None otherwise."""
        if inc.kind != "assign" or inc.lhs.kind != "var":
            return None
        v = inc.lhs.obj
        rhs = inc.rhs
        if rhs.kind == "cast" and rhs.ty.kind == rhs.lhs.ty.kind and rhs.ty.size == rhs.lhs.ty.size:
            rhs = rhs.lhs
        if rhs.kind != "binop" or rhs.op not in ("add", "sub") or rhs.lhs.kind != "var" or rhs.lhs.obj is not v:
            return None
        step = rhs.rhs
        if v in self.pinned or not exact(inc.lhs.ty) or not exact(rhs.ty):
            return None
        if not (step.kind == "num" or step.kind == "var" and self.invariant(step)):
            return None
        count = {}
        for part in (node.cond, node.body):
            if part is not None:
                count_assignments(part, v, count)
        if count:
            return None
        return v, step, 1 if rhs.op == "add" else -1

    def derived_address(self, e, v):
        """(key, scale) when e is `base + (v + k) * scale` (k and the scale constants or invariant variables,
        k optional) with base an invariant pointer variable; the key tells equal addresses apart."""
        if e.kind != "binop" or e.op != "add" or e.ty.kind != "ptr" or e.lhs.kind != "var" or not self.invariant(e.lhs):
            return None
        m = strip_casts(e.rhs)
        scale = 1
        if m.kind == "binop" and m.op in ("mul", "shl") and exact(m.ty):
            if m.rhs.kind == "num":
                scale = m.rhs.val if m.op == "mul" else 1 << m.rhs.val
            elif m.rhs.kind == "var" and m.rhs.obj in self.constants:
                amount = self.constants[m.rhs.obj]
                scale = amount if m.op == "mul" else 1 << amount
            elif m.op == "mul" and m.rhs.kind == "var" and self.invariant(m.rhs):
                scale = m.rhs
            else:
                return None
            m = strip_casts(m.lhs)
        offset = None
        if m.kind == "binop" and m.op in ("add", "sub") and exact(m.ty) and m.rhs.kind in ("num", "var"):
            if not self.invariant(m.rhs):
                return None
            offset = (m.op, m.rhs.val if m.rhs.kind == "num" else m.rhs.obj)
            m = strip_casts(m.lhs)
        if m.kind != "var" or m.obj is not v or isinstance(scale, int) and scale <= 0:
            return None
        scale_key = scale if isinstance(scale, int) else scale.obj
        return (e.lhs.obj, scale_key, offset), scale

    def invariant_stmts(self, node, before):
        """Hoists invariant expressions out of the statements of a loop body (nested loops included)."""
        if node is None:
            return None
        k = node.kind
        if k == "block":
            node.body = [self.invariant_stmts(s, before) for s in node.body]
        elif k in ("expr_stmt", "return"):
            if node.lhs is not None:
                node.lhs = self.expr(node.lhs, before)
        elif k == "if":
            node.cond = self.expr(node.cond, before, in_condition=True)
            node.then = self.invariant_stmts(node.then, before)
            node.els = self.invariant_stmts(node.els, before)
        elif k in ("for", "do"):
            if getattr(node, "init", None) is not None:
                node.init = self.invariant_stmts(node.init, before)
            if node.cond is not None:
                node.cond = self.expr(node.cond, before, in_condition=True)
            node.body = self.invariant_stmts(node.body, before)
            if getattr(node, "inc", None) is not None:
                node.inc = self.expr(node.inc, before)
        return node


def count_assignments(node, v, count):
    if node.kind == "assign" and node.lhs.kind == "var" and node.lhs.obj is v:
        count[v] = count.get(v, 0) + 1
    for c in children(node):
        count_assignments(c, v, count)
    as_statement = getattr(node, "as_statement", None)
    if as_statement is not None:
        count_assignments(as_statement, v, count)


def exact(ty) -> bool:
    """Is arithmetic in ty the same as in 64 bits wherever it is defined (64-bit, or signed 32-bit, whose
    overflow is undefined)?"""
    return ty.is_integer() and ty.kind != "bool" and (ty.size == 8 or ty.size == 4 and not ty.unsigned)


def strip_casts(node):
    """Looks through conversions to 64 bits that keep every value (from exact types)."""
    while node.kind == "cast" and node.ty.size == 8 and node.ty.is_integer() and exact(node.lhs.ty):
        node = node.lhs
    return node


def mentions(node, v) -> int:
    """How many times node mentions the variable v (both forms of an `x++`)."""
    if node is None:
        return 0
    n = int(node.kind == "var" and node.obj is v)
    n += sum(mentions(c, v) for c in children(node))
    as_statement = getattr(node, "as_statement", None)
    return n + (mentions(as_statement, v) if as_statement is not None else 0)


def assign_stmt(obj, value):
    var = Node("var", value.tok, obj.ty, obj=obj)
    return Node("expr_stmt", value.tok, lhs=Node("assign", value.tok, obj.ty, lhs=var, rhs=value))


def num(n):
    return Node("num", None, T.LONG, val=n)


COMPARE = {"eq", "ne", "lt", "le", "gt", "ge"}
MULTIPLIES = {"mul", "mulh", "mulhu", "div", "mod"}  # operations without an immediate form for a constant
STATEMENTS = {"block", "expr_stmt", "return", "if", "for", "do", "switch", "label", "goto", "memzero", "asm"}


def is_statement(node):
    return node.kind in STATEMENTS


def hoist_invariants(fn: Obj) -> None:
    """Moves loop-invariant computations of fn's body out of its loops."""
    fn.body = Hoister(fn).stmt(fn.body)
