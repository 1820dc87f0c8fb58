"""Common subexpressions within a basic block (-O2), after loop optimization.

A run of statements with no label between them and no branch out of their middle (expression statements, then
maybe a `return`, `if` or `switch` whose expression ends the run; nested blocks are opened, as a declaration with
an initializer is one) is a basic block. An expression computed there twice or more is computed once, into a
new local assigned just before the statement that first needs it; the register allocator usually keeps that
local in a register.

Only pure expressions are shared: integer and pointer arithmetic (no division) and conversions over constants,
addresses of globals and arrays, and locals whose address is never taken and whose type is not `volatile`
(nor has volatile parts, however it came to be: a qualifier, a typedef, a parameter's declaration). Such a
local changes only by an assignment naming it, so nothing else can make two occurrences differ: a store through
a pointer cannot reach it, nor can a call. Memory is never read, so loads (volatile or not) are never shared.
An occurrence counts while no statement since the first has assigned one of its locals; in a statement that
assigns one, only an occurrence in the right-hand side of a top-level `v = ...` counts (it runs before the
store), and nothing after it does.
"""

from b2i.cc import ctype as T
from b2i.cc.loops import PURE, address_taken, assigned_vars
from b2i.cc.nodes import Node, Obj

MIN_COST = 2  # sharing saves at least this many instructions per further occurrence
MAX_ROUNDS = 16  # shared expressions per basic block at most


class Sharer:
    def __init__(self, fn: Obj):
        self.fn = fn
        self.pinned = address_taken(fn.body, set()) | {v for v in fn.locals if v.is_volatile}
        self.numbers: dict[tuple, int] = {}  # expression shape -> value number
        self.reads: dict[int, frozenset] = {}  # value number -> ids of the locals it reads
        self.keys: dict[int, int | None] = {}  # id of a node -> its value number (this round)
        self.costs: dict[int, int] = {}

    # ---- what may be shared ----
    def key(self, node):
        """The value number of a pure expression (equal numbers, equal values at the same point), or None."""
        if id(node) not in self.keys:  # (each node once per round: expressions can be deep)
            shape = self.describe(node)
            number = None
            if shape is not None:
                number = self.numbers.setdefault(shape, len(self.numbers))
                if number not in self.reads:
                    parts = [p for p in shape[1:-1] if isinstance(p, int)] if shape[0] not in ("var", "global") else []
                    own = {shape[1]} if shape[0] == "var" else set()
                    self.reads[number] = frozenset(own.union(*(self.reads[p] for p in parts)))
            self.keys[id(node)] = number
        return self.keys[id(node)]

    def describe(self, node):
        """The expression's shape: its kind, its operands' value numbers (or what it names), its type."""
        k = node.kind
        ty = node.ty
        if ty is None or ty.is_volatile or not (ty.is_integer() or ty.kind in ("ptr", "array")):
            return None  # (a volatile read, even of a local, happens each time it is written)
        tk = (ty.kind, ty.size, ty.unsigned, T.type_name(ty) if ty.kind in ("ptr", "array") else None)
        if k == "num":
            return ("num", str(node.val), tk)  # (a string: not an operand's value number)
        if k == "var":
            v = node.obj
            if ty.kind == "array" or v.is_local and v not in self.pinned and ty.is_scalar():
                return ("var", id(v), tk)
            return None
        if k == "addr":
            lhs = node.lhs
            if lhs.kind == "var" and (not lhs.obj.is_local or lhs.ty.kind == "array"):
                return ("global", id(lhs.obj), tk)
            if lhs.kind == "deref" and lhs.ty.kind == "array":
                inner = self.key(lhs.lhs)
                return None if inner is None else ("addr", inner, tk)
            return None
        if k == "deref" and ty.kind == "array":  # a row of an array: an address, not a load
            inner = self.key(node.lhs)
            return None if inner is None else ("deref", inner, tk)
        if k == "binop" and node.op in PURE:
            a, b = self.key(node.lhs), self.key(node.rhs)
            return None if a is None or b is None else ("binop", node.op, a, b, tk)
        if k == "cast" and (node.lhs.ty.is_integer() or node.lhs.ty.kind in ("ptr", "array")):
            inner = self.key(node.lhs)
            return None if inner is None else ("cast", inner, tk)
        if k in ("neg", "bitnot"):
            inner = self.key(node.lhs)
            return None if inner is None else (k, inner, tk)
        return None

    def cost(self, node):
        """About how many instructions computing a pure expression takes."""
        if id(node) not in self.costs:
            self.costs[id(node)] = self.count(node)
        return self.costs[id(node)]

    def count(self, node):
        k = node.kind
        if k in ("num", "var"):
            return int(k == "var" and node.ty.kind == "array" and not node.obj.is_local) * 2
        if k == "addr":
            if node.lhs.kind == "var":
                return 1 if node.lhs.obj.is_local else 2
            return self.cost(node.lhs.lhs)
        if k == "cast":
            return self.cost(node.lhs) + (node.ty.size != node.lhs.ty.size)
        if k == "deref":
            return self.cost(node.lhs)
        if k == "binop":
            big = node.rhs.kind == "num" and not -2048 <= node.rhs.val < 2048
            return 1 + big + self.cost(node.lhs) + self.cost(node.rhs)
        return 1 + self.cost(node.lhs)

    # ---- finding occurrences ----
    def occurrences(self, node, found):
        """Appends (key, (container, slot), expression) for each shareable subexpression below node."""
        items = enumerate(node) if isinstance(node, list) else vars(node).items()
        for slot, child in list(items):
            if isinstance(child, list) and slot == "args":
                self.occurrences(child, found)
                continue
            if slot in SKIP or not isinstance(child, Node) or child.kind in STATEMENTS:
                continue
            if child.kind in OPAQUE or getattr(child, "as_statement", None) is not None:
                continue  # its statements, or the two forms of `x++`, are not looked into
            if isinstance(node, Node):
                if node.kind == "assign" and slot == "lhs" and child.kind == "var":
                    continue  # written, not read
                if node.kind == "call" and slot == "fn":
                    continue  # a direct call names its function
                lvalue = node.kind == "addr"  # `&x`: the place itself is not a value to replace
            else:
                lvalue = False
            key = None if lvalue else self.key(child)
            if key is not None and child.kind not in ("num", "var") and self.cost(child) >= MIN_COST:
                found.append((key, (node, slot), child))
            self.occurrences(child, found)

    def groups(self, run):
        """[first statement index, places, expression, locals it reads] for every expression the run computes
        more than once with the same value."""
        self.keys, self.costs = {}, {}  # the tree changes between rounds
        live: dict[tuple, list] = {}
        done = []
        for i, s in enumerate(run):
            found = []
            if s.kind == "expr_stmt":
                code = getattr(s.lhs, "as_statement", None) or s.lhs  # what codegen runs for a statement
                top = code.lhs.obj if code.kind == "assign" and code.lhs.kind == "var" else None
                inner = assigned_vars(code.rhs if top is not None else code, set())
                everything = inner | ({top} if top is not None else set())
                self.occurrences(code, found)
            else:
                expr = s.lhs if s.kind == "return" else s.cond
                inner = everything = assigned_vars(expr, set()) if expr is not None else set()
                self.occurrences(s, found)
            inner_ids = {id(v) for v in inner}
            for key, place, expr in found:
                uses = self.reads[key]
                if uses & inner_ids:
                    continue  # the statement may change it before or after this occurrence
                live.setdefault(key, [i, [], expr, uses])[1].append(place)
            changed = {id(v) for v in everything}
            for key in [k for k, g in live.items() if g[3] & changed]:
                done.append(live.pop(key))
        return done + list(live.values())

    def share(self, run: list) -> list:
        """A basic block's statements with its common subexpressions computed once."""
        for _ in range(MAX_ROUNDS):
            candidates = [g for g in self.groups(run) if len(g[1]) >= 2]
            if not candidates:
                break
            first, places, expr, _ = max(candidates, key=lambda g: self.cost(g[2]) * (len(g[1]) - 1))
            ty = T.pointer_to(expr.ty.base) if expr.ty.kind == "array" else expr.ty
            obj = Obj(None, ty, expr.tok, is_local=True)
            self.fn.locals.append(obj)
            for container, slot in places:
                replacement = Node("var", expr.tok, ty, obj=obj)
                if isinstance(container, list):
                    container[slot] = replacement
                else:
                    setattr(container, slot, replacement)
            var = Node("var", expr.tok, ty, obj=obj)
            run.insert(first, Node("expr_stmt", expr.tok, lhs=Node("assign", expr.tok, ty, lhs=var, rhs=expr)))
        return run

    # ---- basic blocks ----
    def block(self, body: list) -> list:
        """The statements of a block with the common subexpressions of each basic block shared."""
        out = []
        run: list[Node] = []
        for s in flatten(body):
            s = self.stmt(s)
            if s.kind == "expr_stmt":
                run.append(s)
                continue
            if s.kind in ("return", "if", "switch"):  # its expression runs last in the block
                out += self.share(run + [s])
            else:
                out += self.share(run) + [s]
            run = []
        return out + self.share(run)

    def stmt(self, node):
        """Shares within the blocks nested in a statement; returns the statement."""
        if node.kind == "block":
            node.body = self.block(node.body)
            return node
        for part in ("then", "els", "body", "init"):
            child = getattr(node, part, None)
            if isinstance(child, Node):
                setattr(node, part, self.stmt(child))
        return node


SKIP = ("tok", "ty", "obj", "member", "as_statement")
STATEMENTS = {"block", "expr_stmt", "return", "if", "for", "do", "switch", "label", "goto", "memzero", "asm"}
OPAQUE = {"stmt_expr", "asm"}


def flatten(body):
    """The statements of a block with nested blocks opened (a declaration with an initializer is one): scopes
    were resolved by semantic analysis, so only the order matters."""
    for s in body:
        if s.kind == "block":
            yield from flatten(s.body)
        else:
            yield s


def share_subexpressions(fn: Obj) -> None:
    """Computes each common subexpression of fn's basic blocks once."""
    fn.body = Sharer(fn).stmt(fn.body)
