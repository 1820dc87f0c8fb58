"""The -O1/-O2 pass over the typed AST: constant folding, dead-code removal and strength reduction, then
loop-invariant code motion (loops.py).

It rewrites nodes in place before code generation. Folding follows C exactly (the same wrap-around and
conversion rules the code generator implements); branches whose condition folds to a constant disappear unless
they hold a label something may jump to; multiplication by a power of two becomes a shift, and division and
remainder by a constant become shifts, masks and multiply-highs (divide.py).
"""

import struct

from b2i.cc import ctype as T
from b2i.cc.cse import share_subexpressions
from b2i.cc.divide import divide_by_constant
from b2i.cc.loops import hoist_invariants
from b2i.cc.nodes import Node, Obj
from b2i.cc.sema import fold_int, wrap

FOLDABLE = {"add", "sub", "mul", "div", "mod", "and", "or", "xor", "shl", "shr", "eq", "ne", "lt", "le", "gt", "ge"}


def is_int(node):
    return node.kind == "num" and node.ty.is_integer() or (node.kind == "num" and node.ty.kind == "ptr")


def is_float(node):
    return node.kind == "fnum"


def round_float(value, ty):
    if ty.kind == "float":
        try:
            return struct.unpack("<f", struct.pack("<f", value))[0]
        except OverflowError:
            return float("inf") if value > 0 else float("-inf")
    return value


class Optimizer:
    def __init__(self):
        self.fn: Obj | None = None  # the function being optimized (division adds locals to it)

    def expr(self, node):
        """The optimized form of an expression (children first)."""
        if node is None:
            return None
        for field in ("lhs", "rhs", "cond", "then", "els", "fn"):
            child = getattr(node, field, None)
            if isinstance(child, Node):
                setattr(node, field, self.expr(child))
        if node.kind == "call":
            node.args = [self.expr(a) for a in node.args]
        if node.kind == "stmt_expr":
            self.stmt(node.body)
        if getattr(node, "as_statement", None) is not None:
            node.as_statement = self.expr(node.as_statement)
        k = node.kind
        if k == "cast":
            return self.fold_cast(node)
        if k == "binop":
            return self.fold_binop(node)
        if k in ("neg", "bitnot", "not") and is_int(node.lhs):
            v = node.lhs.val
            return self.num(node, {"neg": -v, "bitnot": ~v, "not": int(not v)}[k])
        if k == "neg" and is_float(node.lhs):
            return Node("fnum", node.tok, node.ty, fval=-node.lhs.fval)
        if k in ("logand", "logor") and is_int(node.lhs):
            first = bool(node.lhs.val)
            if k == "logand" and not first:
                return self.num(node, 0)
            if k == "logor" and first:
                return self.num(node, 1)
            if is_int(node.rhs):
                return self.num(node, int(bool(node.rhs.val)))
        if k == "cond" and is_int(node.cond):
            return node.then if node.cond.val else node.els
        return node

    def num(self, like, value, ty=None):
        ty = ty or like.ty
        return Node("num", like.tok, ty, val=wrap(value, ty))

    def fold_cast(self, node):
        src, ty = node.lhs, node.ty
        if ty.kind == "void":
            return node
        if is_int(src) and (ty.is_integer() or ty.kind == "ptr"):
            return self.num(node, src.val)
        if is_int(src) and ty.is_flonum():
            return Node("fnum", node.tok, ty, fval=round_float(float(src.val), ty))
        if is_float(src) and ty.is_flonum():
            return Node("fnum", node.tok, ty, fval=round_float(src.fval, ty))
        if is_float(src) and ty.is_integer() and src.fval == src.fval and abs(src.fval) < 2**63:
            if ty.kind == "bool":
                return self.num(node, int(src.fval != 0))
            v = int(src.fval)
            if -(2 ** (ty.size * 8 - 1)) <= v < 2 ** (ty.size * 8):
                return self.num(node, v)
        return node

    def fold_binop(self, node):
        a, b, op = node.lhs, node.rhs, node.op
        if is_int(a) and is_int(b) and op in FOLDABLE:
            if op in ("div", "mod") and b.val == 0:
                return node
            ty = a.ty
            av, bv = a.val, b.val
            if ty.unsigned or ty.kind == "ptr":
                mask = (1 << (ty.size * 8)) - 1
                av, bv = av & mask, bv & mask
            return self.num(node, fold_int(op, av, bv if op not in ("shl", "shr") else b.val, ty, node.ty, node.tok))
        if is_float(a) and is_float(b) and op in ("add", "sub", "mul", "div", "eq", "ne", "lt", "le", "gt", "ge"):
            x, y = a.fval, b.fval
            if op in ("eq", "ne", "lt", "le", "gt", "ge"):
                result = {"eq": x == y, "ne": x != y, "lt": x < y, "le": x <= y, "gt": x > y, "ge": x >= y}[op]
                return self.num(node, int(result))
            if op == "div" and y == 0:
                return node
            value = {"add": x + y, "sub": x - y, "mul": x * y, "div": x / y if y else 0.0}[op]
            return Node("fnum", node.tok, node.ty, fval=round_float(value, node.ty))
        # strength reduction
        if node.ty.is_integer() or node.ty.kind == "ptr":
            if op == "mul" and is_int(a) and not is_int(b):
                node.lhs, node.rhs = b, a
                a, b = b, a
            if is_int(b) and b.val > 0 and b.val & (b.val - 1) == 0:
                shift = b.val.bit_length() - 1
                if op == "mul":
                    return (
                        a
                        if shift == 0
                        else Node("binop", node.tok, node.ty, op="shl", lhs=a, rhs=self.num(b, shift, T.INT))
                    )
            if op in ("add", "sub") and is_int(b) and b.val == 0:
                return a
            if op in ("div", "mod") and is_int(b):
                return divide_by_constant(node, self.fn) or node
        return node

    def stmt(self, node):
        """Optimizes a statement in place; returns the statement to keep (maybe an empty block)."""
        if node is None:
            return None
        k = node.kind
        if k == "block":
            node.body = [s for s in (self.stmt(s) for s in node.body) if s is not None]
            return node
        if k in ("expr_stmt",):
            node.lhs = self.expr(node.lhs)
            return node
        if k == "return":
            node.lhs = self.expr(node.lhs)
            return node
        if k == "if":
            node.cond = self.expr(node.cond)
            node.then = self.stmt(node.then)
            node.els = self.stmt(node.els)
            if is_int(node.cond):
                keep, drop = (node.then, node.els) if node.cond.val else (node.els, node.then)
                if not has_label(drop):
                    return keep if keep is not None else Node("block", node.tok, body=[])
            return node
        if k == "for":
            node.init = self.stmt(node.init)
            node.cond = self.expr(node.cond)
            node.inc = self.expr(node.inc)
            node.body = self.stmt(node.body)
            if node.cond is not None and is_int(node.cond):
                if node.cond.val:
                    node.cond = None  # for (;;)
                elif not has_label(node.body):
                    return node.init if node.init is not None else Node("block", node.tok, body=[])
            return node
        if k == "do":
            node.body = self.stmt(node.body)
            node.cond = self.expr(node.cond)
            return node
        if k == "switch":
            node.cond = self.expr(node.cond)
            node.body = self.stmt(node.body)
            return node
        if k == "label":
            node.body = self.stmt(node.body)
            return node
        return node


def has_label(node) -> bool:
    """Does a statement contain a label (a goto or switch could enter it)?"""
    if node is None:
        return False
    if node.kind == "label":
        return True
    for field in ("body", "then", "els", "init"):
        child = getattr(node, field, None)
        if isinstance(child, list):
            if any(has_label(c) for c in child):
                return True
        elif isinstance(child, Node) and has_label(child):
            return True
    return False


def optimize(objs: list[Obj], level: int = 2) -> list[Obj]:
    """Runs the passes for an -O level (1 or more) over every function body."""
    opt = Optimizer()
    for obj in objs:
        if obj.ty.kind == "func" and obj.body is not None:
            opt.fn = obj
            opt.stmt(obj.body)
            hoist_invariants(obj)
            if level >= 2:
                share_subexpressions(obj)
    return objs
