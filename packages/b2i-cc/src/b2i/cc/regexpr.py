"""Expression trees in registers (-O1 and above), beside codegen's stack machine.

The stack machine evaluates everything into a0 and keeps the other operand on the stack. This pass evaluates a
tree into whatever free temporary registers it needs (a0-a7, t0-t5, fa0-fa7, ft0-ft11), reads register
variables in place, folds constant offsets into loads and stores, uses immediate instruction forms, and turns a
comparison that decides a branch into one compare-and-branch instruction.

A call (or anything the stack machine must do, such as a struct copy) may appear only where no temporary is
live: it is then evaluated by the stack machine, or, when its arguments are simple scalars, straight into the
argument registers. When a tree breaks that rule, or runs out of registers, the attempt raises `Unsupported`;
codegen drops what was emitted and falls back to the stack machine for that node (whose children try again).
"""

import struct

from b2i.cc import abi
from b2i.cc.nodes import Node
from b2i.cc.rv64 import fits12, load_op, narrow, register_value, store_op

INT_TEMPS = ("a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "t0", "t1", "t2", "t3", "t4", "t5")
FLOAT_TEMPS = tuple(f"fa{i}" for i in range(8)) + tuple(f"ft{i}" for i in range(12))
# branch on a comparison: (op, swap operands) for a jump taken when the comparison holds
BRANCHES = {
    ("lt", False): ("blt", False),
    ("ge", False): ("bge", False),
    ("gt", False): ("blt", True),
    ("le", False): ("bge", True),
    ("lt", True): ("bltu", False),
    ("ge", True): ("bgeu", False),
    ("gt", True): ("bltu", True),
    ("le", True): ("bgeu", True),
}
NEGATE = {"eq": "ne", "ne": "eq", "lt": "ge", "ge": "lt", "gt": "le", "le": "gt"}


class Unsupported(Exception):
    """This tree cannot be done in registers here; the stack machine takes over."""


class TreeGen:
    """Evaluates one expression tree for a FunctionGen; a new one for each tree codegen hands over."""

    def __init__(self, fg, reserved=()):
        self.fg = fg
        self.free_int = [r for r in INT_TEMPS if r not in reserved]
        self.free_float = [r for r in FLOAT_TEMPS if r not in reserved]
        self.all_int = len(self.free_int)
        self.all_float = len(self.free_float)
        self.mine = set(self.free_int) | set(self.free_float)  # what free() may give back

    # ---- registers ----
    def emit(self, line):
        self.fg.emit(line)

    def alloc(self, is_float=False, prefer=None):
        pool = self.free_float if is_float else self.free_int
        if prefer is not None and prefer in pool:
            pool.remove(prefer)
            return prefer
        if not pool:
            raise Unsupported("out of registers")
        return pool.pop(0)

    def free(self, reg):
        if not isinstance(reg, str) or reg not in self.mine:
            return
        pool = self.free_float if reg.startswith("f") else self.free_int
        if reg not in pool:
            pool.insert(0, reg)

    def claim(self, reg):
        """Takes a specific temporary (an argument or result register), which must be free."""
        pool = self.free_float if reg.startswith("f") else self.free_int
        if reg not in pool:
            raise Unsupported(f"{reg} is busy")
        pool.remove(reg)
        return reg

    def idle(self):
        """No temporary is live: a call or the stack machine may run now."""
        return len(self.free_int) == self.all_int and len(self.free_float) == self.all_float

    def dest(self, want, is_float):
        if want is not None:
            if want in self.mine:
                return self.alloc(is_float, want)
            return want  # a register variable
        return self.alloc(is_float)

    # ---- values ----
    def value(self, node, want=None):
        """The register holding the node's value (read it only: it may be a register variable or zero)."""
        method = getattr(self, "v_" + node.kind, None)
        if method is None:
            return self.by_stack(node)
        return method(node, want)

    def by_stack(self, node):
        """A node only the stack machine does: allowed when nothing is live; its value is in a0 or fa0."""
        if not self.idle():
            raise Unsupported(node.kind)
        self.fg.gen_stack(node)
        if node.ty.is_flonum():
            return self.claim("fa0")
        return self.claim("a0")

    def discard(self, node):
        """Evaluates a node for its side effects: `x++` whose value nobody reads is `x += 1`."""
        statement = getattr(node, "as_statement", None)
        if statement is not None:
            self.discard(statement)
        elif node.kind == "comma":
            self.discard(node.lhs)
            self.discard(node.rhs)
        else:
            self.free(self.value(node))

    def v_num(self, node, want):
        if node.ty.is_flonum():
            return self.float_const(float(node.val), node.ty, want)
        v = register_value(node.val, node.ty)
        if v == 0 and want is None:
            return "zero"
        r = self.dest(want, False)
        self.emit(f"li {r}, {v}")
        return r

    def v_fnum(self, node, want):
        return self.float_const(node.fval, node.ty, want)

    def float_const(self, value, ty, want):
        r = self.dest(want, True)
        if ty.kind == "float":
            bits = struct.unpack("<I", struct.pack("<f", value))[0]
            move = "fmv.w.x"
        else:
            bits = struct.unpack("<q", struct.pack("<d", value))[0]
            move = "fmv.d.x"
        if bits == 0:
            self.emit(f"{move} {r}, zero")
            return r
        t = self.alloc()
        self.emit(f"li {t}, {bits}")
        self.emit(f"{move} {r}, {t}")
        self.free(t)
        return r

    def v_var(self, node, want):
        v = node.obj
        if v in self.fg.regs:
            return self.fg.regs[v]
        if not node.ty.is_scalar():
            return self.address_value(node, want)
        return self.load_from(node, node.ty, want)

    def v_deref(self, node, want):
        if not node.ty.is_scalar():  # an aggregate's value is its address
            return self.value(node.lhs, want)
        return self.load_from(node, node.ty, want)

    def v_member(self, node, want):
        if node.member.bit_width is not None:
            return self.by_stack(node)
        if not node.ty.is_scalar():
            return self.address_value(node, want)
        return self.load_from(node, node.ty, want)

    def v_addr(self, node, want):
        return self.address_value(node.lhs, want)

    def load_from(self, lvalue, ty, want):
        base, offset = self.address(lvalue)
        self.free(base)
        if ty.is_flonum():
            r = self.dest(want, True)
            self.emit(f"{'flw' if ty.kind == 'float' else 'fld'} {r}, {offset}({base})")
        else:
            r = self.dest(want, False)
            self.emit(f"{load_op(ty)} {r}, {offset}({base})")
        return r

    def address(self, node):
        """(base register, offset that fits 12 bits) of an lvalue."""
        k = node.kind
        if k == "var":
            v = node.obj
            if v in self.fg.regs:
                raise Unsupported("address of a register variable")
            if v.is_local and fits12(v.offset):
                return "s0", v.offset
            return self.address_value(node), 0
        if k == "deref":
            p = node.lhs
            if p.kind == "binop" and p.op in ("add", "sub") and p.rhs.kind == "num" and p.ty.kind == "ptr":
                delta = register_value(p.rhs.val, p.rhs.ty) * (1 if p.op == "add" else -1)
                if fits12(delta):
                    base, offset = self.address_of_pointer(p.lhs)
                    if fits12(offset + delta):
                        return base, offset + delta
                    return self.materialize(base, offset + delta), 0
            return self.address_of_pointer(p)
        if k == "member":
            if node.lhs.kind in ("var", "deref", "member"):
                base, offset = self.address(node.lhs)
            else:
                base, offset = self.value(node.lhs), 0
            offset += node.member.offset
            if fits12(offset):
                return base, offset
            return self.materialize(base, offset), 0
        if k == "comma":
            self.discard(node.lhs)
            return self.address(node.rhs)
        return self.value(node), 0

    def address_of_pointer(self, p):
        """A pointer value as (base, offset): the address of a local array is s0 plus its offset."""
        if p.kind == "addr" and p.lhs.kind in ("var", "member", "deref"):
            return self.address(p.lhs)
        if p.kind == "var" and p.ty.kind == "array" and p.obj.is_local and fits12(p.obj.offset):
            return "s0", p.obj.offset
        return self.value(p), 0

    def materialize(self, base, offset):
        self.free(base)
        r = self.alloc()
        if fits12(offset):
            self.emit(f"addi {r}, {base}, {offset}")
        else:
            self.emit(f"li {r}, {offset}")
            self.emit(f"add {r}, {r}, {base}")
        return r

    def address_value(self, node, want=None):
        """An lvalue's address in one register."""
        if node.kind == "var":
            v = node.obj
            if v in self.fg.regs:
                raise Unsupported("address of a register variable")
            r = self.dest(want, False)
            if not v.is_local:
                self.emit(f"la {r}, {v.name}")
            elif fits12(v.offset):
                self.emit(f"addi {r}, s0, {v.offset}")
            else:
                self.emit(f"li {r}, {v.offset}")
                self.emit(f"add {r}, {r}, s0")
            return r
        if node.kind == "deref" and node.lhs.kind not in ("binop",):
            return self.value(node.lhs, want)
        base, offset = self.address(node)
        if offset == 0 and base != "s0":
            return base
        self.free(base)
        r = self.dest(want, False)
        self.emit(f"addi {r}, {base}, {offset}")
        return r

    def v_cast(self, node, want):
        src, dst = node.lhs.ty, node.ty
        if dst.kind == "void":
            self.discard(node.lhs)
            return "zero"
        if src.kind in ("struct", "union", "array", "func"):
            return self.value(node.lhs, want)
        r = self.value(node.lhs)
        return self.convert(r, src, dst, want)

    def convert(self, r, src, dst, want=None):
        """Converts r (of type src) to dst (codegen's stack machine converts a0 or fa0 with this too)."""
        if dst.kind == "bool":
            t = self.truth(r, src)
            if src.is_flonum():
                return t  # already 0 or 1
            self.free(t)
            out = self.dest(want, False)
            self.emit(f"snez {out}, {t}")
            return out
        if src.is_flonum():
            s = "s" if src.kind == "float" else "d"
            if dst.is_flonum():
                if src.kind == dst.kind:
                    return r
                self.free(r)
                out = self.dest(want, True)
                self.emit(f"fcvt.{'d' if dst.kind == 'double' else 's'}.{s} {out}, {r}")
                return out
            self.free(r)
            out = self.dest(want, False)
            if dst.size == 8:
                self.emit(f"fcvt.{'lu' if dst.unsigned else 'l'}.{s} {out}, {r}, rtz")
            elif dst.size == 4:
                self.emit(f"fcvt.{'wu' if dst.unsigned else 'w'}.{s} {out}, {r}, rtz")
            else:
                self.emit(f"fcvt.l.{s} {out}, {r}, rtz")
                self.narrow(out, out, dst)
            return out
        if dst.is_flonum():
            self.free(r)
            out = self.dest(want, True)
            d = "s" if dst.kind == "float" else "d"
            if src.size == 8:
                self.emit(f"fcvt.{d}.{'lu' if src.unsigned else 'l'} {out}, {r}")
            elif src.size == 4 and src.unsigned:
                self.emit(f"fcvt.{d}.wu {out}, {r}")
            else:
                self.emit(f"fcvt.{d}.w {out}, {r}")
            return out
        if dst.size == 8:
            if src.size == 4 and src.unsigned:
                self.free(r)
                out = self.dest(want, False)
                self.emit(f"slli {out}, {r}, 32")
                self.emit(f"srli {out}, {out}, 32")
                return out
            return r
        if src.size < dst.size:
            if dst.unsigned and not src.unsigned and dst.size < 4:
                return self.narrowed(r, dst, want)
            return r
        if src.size == dst.size and (dst.size == 4 or src.unsigned == dst.unsigned):
            return r
        return self.narrowed(r, dst, want)

    def narrowed(self, r, ty, want):
        self.free(r)
        out = self.dest(want, False)
        self.narrow(out, r, ty)
        return out

    def narrow(self, out, r, ty):
        for line in narrow(out, r, ty):
            self.emit(line)

    def truth(self, r, ty):
        """An integer register that is nonzero exactly when r (of type ty) is true."""
        if not ty.is_flonum():
            return r
        s = "s" if ty.kind == "float" else "d"
        z = self.alloc(True)
        self.emit(f"fmv.{'w' if s == 's' else 'd'}.x {z}, zero")
        self.free(z)
        self.free(r)
        out = self.alloc()
        self.emit(f"feq.{s} {out}, {r}, {z}")
        self.emit(f"xori {out}, {out}, 1")
        return out

    def v_neg(self, node, want):
        r = self.value(node.lhs)
        self.free(r)
        if node.ty.is_flonum():
            out = self.dest(want, True)
            self.emit(f"fneg.{'s' if node.ty.kind == 'float' else 'd'} {out}, {r}")
        else:
            out = self.dest(want, False)
            self.emit(f"{'negw' if node.ty.size == 4 else 'neg'} {out}, {r}")
        return out

    def v_bitnot(self, node, want):
        r = self.value(node.lhs)
        self.free(r)
        out = self.dest(want, False)
        self.emit(f"not {out}, {r}")
        return out

    def v_not(self, node, want):
        r = self.truth(self.value(node.lhs), node.lhs.ty)
        self.free(r)
        out = self.dest(want, False)
        self.emit(f"seqz {out}, {r}")
        return out

    def v_comma(self, node, want):
        self.discard(node.lhs)
        return self.value(node.rhs, want)

    def v_binop(self, node, want):
        ty = node.lhs.ty
        a, b = self.operands(node.lhs, node.rhs, None if ty.is_flonum() else node.op)
        self.free(a)
        self.free(b)
        if ty.is_flonum():
            out = self.dest(want, node.op in ("add", "sub", "mul", "div"))
            for line in float_instructions(node.op, ty, out, a, b):
                self.emit(line)
            return out
        out = self.dest(want, False)
        self.int_op(node, out, a, b)
        return out

    def operands(self, lhs, rhs, op=None):
        """Both operands' registers; the right one is an int when op has an immediate form for the constant."""
        if rhs.kind == "num" and not rhs.ty.is_flonum():
            v = register_value(rhs.val, rhs.ty)
            if op is not None and has_immediate(op, v):
                return self.value(lhs), v
        if needs_stack(lhs) or not needs_stack(rhs):
            a = self.value(lhs)
            return a, self.value(rhs)
        b = self.value(rhs)  # the call first, while nothing is live
        return self.value(lhs), b

    def int_op(self, node, out, a, b):
        op, ty = node.op, node.lhs.ty
        w = "w" if ty.size == 4 and ty.is_integer() else ""
        u = ty.unsigned or ty.kind in ("ptr", "array")
        if isinstance(b, int):
            v = b
            if op in ("add", "sub"):
                self.emit(f"addi{w} {out}, {a}, {v if op == 'add' else -v}")
            elif op in ("and", "or", "xor"):
                self.emit(f"{op}i {out}, {a}, {v}")
            elif op in ("shl", "shr"):
                n = v & (31 if w else 63)
                kind = "sll" if op == "shl" else "srl" if u else "sra"
                self.emit(f"{kind}i{w} {out}, {a}, {n}")
            elif op == "lt":
                self.emit(f"slti{'u' if u else ''} {out}, {a}, {v}")
            elif v == 0:
                self.emit(f"{'seqz' if op == 'eq' else 'snez'} {out}, {a}")
            else:
                self.emit(f"xori {out}, {a}, {v}")
                self.emit(f"{'seqz' if op == 'eq' else 'snez'} {out}, {out}")
        else:
            for line in int_instructions(op, w, u, out, a, b):
                self.emit(line)
        if op in ("add", "sub", "mul", "shl") and node.ty.size < 4:
            self.narrow(out, out, node.ty)

    def v_assign(self, node, want):
        lhs = node.lhs
        ty = lhs.ty
        if not ty.is_scalar() or lhs.kind == "member" and lhs.member.bit_width is not None:
            return self.by_stack(node)
        if lhs.kind == "var" and lhs.obj in self.fg.regs:
            reg = self.fg.regs[lhs.obj]
            r = self.value(node.rhs, reg)
            if r != reg:
                self.emit(f"{'fmv.d' if ty.is_flonum() else 'mv'} {reg}, {r}")
                self.free(r)
            return reg
        if needs_stack(node.rhs):
            r = self.value(node.rhs)
            base, offset = self.address(lhs)
        else:
            base, offset = self.address(lhs)
            r = self.value(node.rhs)
        if ty.is_flonum():
            self.emit(f"{'fsw' if ty.kind == 'float' else 'fsd'} {r}, {offset}({base})")
        else:
            self.emit(f"{store_op(ty)} {r}, {offset}({base})")
        self.free(base)
        return r

    def v_cond(self, node, want):
        if not node.ty.is_scalar():
            return self.by_stack(node)
        is_float = node.ty.is_flonum()
        els, end = self.fg.gen.new_label(), self.fg.gen.new_label()
        self.jump(node.cond, els, False)
        out = self.alloc(is_float)
        self.move(out, self.value(node.then), is_float)
        self.emit(f"j {end}")
        self.fg.label(els)
        self.move(out, self.value(node.els), is_float)
        self.fg.label(end)
        return out

    def move(self, out, r, is_float):
        if r != out:
            self.emit(f"{'fmv.d' if is_float else 'mv'} {out}, {r}")
            self.free(r)

    def v_logand(self, node, want):
        return self.logical(node, want)

    def v_logor(self, node, want):
        return self.logical(node, want)

    def logical(self, node, want):
        short, end = self.fg.gen.new_label(), self.fg.gen.new_label()
        is_and = node.kind == "logand"
        self.jump(node.lhs, short, not is_and)
        r = self.truth(self.value(node.rhs), node.rhs.ty)
        self.free(r)
        out = self.alloc()
        self.emit(f"snez {out}, {r}")
        self.emit(f"j {end}")
        self.fg.label(short)
        self.emit(f"li {out}, {0 if is_and else 1}")
        self.fg.label(end)
        return out

    # ---- calls with simple scalar arguments, straight into the argument registers ----
    def v_call(self, node, want):
        if not self.idle():
            raise Unsupported("call with live temporaries")
        fty = node.functy
        ret = fty.base
        types = [a.ty for a in node.args]
        named = len(fty.params) if fty.has_proto else len(types)
        if ret.kind in ("struct", "union") or any(not t.is_scalar() for t in types):
            return self.by_stack(node)
        locations, alloc = abi.place_arguments(types, named, False)
        if alloc.next_stack or any(needs_stack(a) for a in node.args) or needs_stack(node.fn):
            return self.by_stack(node)
        held = []
        for arg, loc in zip(node.args, locations, strict=True):
            p = loc.pieces[0]
            target = f"{'fa' if p.where == 'fa' else 'a'}{p.index}"
            if arg.ty.is_flonum() and p.where != "fa":
                r = self.value(arg)
                self.free(r)
                self.claim(target)
                self.emit(f"fmv.x.{'w' if arg.ty.kind == 'float' else 'd'} {target}, {r}")
            else:
                r = self.value(arg, target)
                if r != target:
                    self.claim(target)
                    self.emit(f"{'fmv.d' if arg.ty.is_flonum() else 'mv'} {target}, {r}")
                    self.free(r)
            held.append(target)
        direct = node.fn.kind == "addr" and node.fn.lhs.kind == "var" and node.fn.lhs.ty.kind == "func"
        if direct:
            self.emit(f"call {node.fn.lhs.obj.name}")
        else:
            r = self.value(node.fn, "t5")
            self.emit(f"jalr {r}")
            self.free(r)
        for r in held:
            self.free(r)
        if ret.kind == "void":
            return "zero"
        out = self.claim("fa0" if ret.is_flonum() else "a0")
        if ret.kind == "bool":
            self.emit(f"snez {out}, {out}")
        elif ret.is_integer() and ret.size < 4:
            self.narrow(out, out, ret)
        return out

    # ---- branches ----
    def jump(self, node, target, when):
        """Jumps to target when the node's truth equals `when`; falls through otherwise."""
        k = node.kind
        if k == "not":
            self.jump(node.lhs, target, not when)
            return
        if k in ("logand", "logor"):
            if (k == "logand") == when:
                skip = self.fg.gen.new_label()
                self.jump(node.lhs, skip, not when)
                self.jump(node.rhs, target, when)
                self.fg.label(skip)
            else:
                self.jump(node.lhs, target, when)
                self.jump(node.rhs, target, when)
            return
        if k == "num" and node.ty.is_integer():
            if bool(node.val) == when:
                self.emit(f"j {target}")
            return
        if k == "binop" and node.op in NEGATE and not node.lhs.ty.is_flonum():
            op = node.op if when else NEGATE[node.op]
            a, b = self.operands(node.lhs, node.rhs)
            self.free(a)
            self.free(b)
            if op in ("eq", "ne"):
                self.fg.cbranch("beq" if op == "eq" else "bne", a, b, target)
                return
            u = node.lhs.ty.unsigned or node.lhs.ty.kind == "ptr"
            branch, swap = BRANCHES[(op, u)]
            if swap:
                a, b = b, a
            self.fg.cbranch(branch, a, b, target)
            return
        r = self.truth(self.value(node), node.ty)
        self.free(r)
        self.fg.cbranch("bne" if when else "beq", r, "zero", target)


def int_instructions(op, w, u, out, a, b) -> list[str]:
    """out = a op b for integers in registers (w: the 32-bit form; u: unsigned); codegen's stack machine uses it
    with a0 and a1."""
    if op in ("add", "sub", "mul"):
        return [f"{op}{w} {out}, {a}, {b}"]
    if op in ("and", "or", "xor", "mulh", "mulhu"):
        return [f"{op} {out}, {a}, {b}"]
    if op in ("div", "mod"):
        return [f"{'div' if op == 'div' else 'rem'}{'u' if u else ''}{w} {out}, {a}, {b}"]
    if op == "shl":
        return [f"sll{w} {out}, {a}, {b}"]
    if op == "shr":
        return [f"{'srl' if u else 'sra'}{w} {out}, {a}, {b}"]
    if op in ("eq", "ne"):
        return [f"xor {out}, {a}, {b}", f"{'seqz' if op == 'eq' else 'snez'} {out}, {out}"]
    slt = f"slt{'u' if u else ''}"
    lines = [f"{slt} {out}, {a}, {b}" if op in ("lt", "ge") else f"{slt} {out}, {b}, {a}"]
    return lines + ([f"xori {out}, {out}, 1"] if op in ("le", "ge") else [])


def float_instructions(op, ty, out, a, b) -> list[str]:
    """out = a op b for floating-point a and b (out an integer register for a comparison)."""
    s = "s" if ty.kind == "float" else "d"
    if op in ("add", "sub", "mul", "div"):
        return [f"f{op}.{s} {out}, {a}, {b}"]
    if op in ("gt", "ge"):
        a, b, op = b, a, {"gt": "lt", "ge": "le"}[op]
    compare = {"eq": "feq", "ne": "feq", "lt": "flt", "le": "fle"}[op]
    return [f"{compare}.{s} {out}, {a}, {b}"] + ([f"xori {out}, {out}, 1"] if op == "ne" else [])


def has_immediate(op, v) -> bool:
    """Has op an immediate instruction form (addi, andi, slli, slti, xori+seqz...) for the constant v?"""
    if op in ("shl", "shr"):
        return True
    if op == "sub":
        return fits12(-v)
    return op in ("add", "and", "or", "xor", "lt", "eq", "ne") and fits12(v)


def has_call(node) -> bool:
    """Could evaluating this expression clobber the argument registers (a call, or statements inside)?"""
    if isinstance(node, (list, tuple)):
        return any(has_call(n) for n in node)
    if not isinstance(node, Node):
        return False
    known = vars(node).get("calls")  # remembered: asked of every operand of a deep tree (the AST no longer changes)
    if known is None:
        known = node.kind in ("call", "stmt_expr", "asm") or any(
            has_call(v) for k, v in vars(node).items() if k not in ("tok", "ty", "obj", "member")
        )
        node.calls = known
    return known


needs_stack = has_call
