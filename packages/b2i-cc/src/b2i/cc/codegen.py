"""Code generation: the typed AST becomes GNU RISC-V assembly for rv64g, lp64d.

A stack machine, as in chibicc: an expression leaves its value in a0 (integers, pointers, and the address of
a struct, array or function) or fa0 (float and double); binary operators push one operand on the stack.
Integers are kept in registers the way the psABI wants them: 32-bit values sign-extended, narrower ones
extended by their signedness. Each function's body is generated first so the prologue knows the frame size.
"""

import re
import struct

from b2i.cc import abi, regexpr
from b2i.cc import ctype as T
from b2i.cc.diagnostics import error_at
from b2i.cc.nodes import Node, Obj
from b2i.cc.regalloc import assign_registers
from b2i.cc.regexpr import TreeGen, Unsupported, has_call
from b2i.cc.rv64 import fits12, load_op, narrow, register_value, store_op

COMPARISONS = {"eq", "ne", "lt", "le", "gt", "ge"}
FLOAT_ARITHMETIC = {"add", "sub", "mul", "div"}


class NeedsStack(Exception):
    """A strict leaf attempt met code that needs the stack machine."""


class FunctionGen:
    """Generates one function body."""

    def __init__(self, gen, fn: Obj, optimize: int = 0):
        self.gen = gen
        self.fn = fn
        self.optimize = optimize
        self.regs: dict[Obj, str] = {}  # locals kept in registers (-O1 and above)
        # a leaf (no calls, no asm) keeps its variables in caller-saved registers and may need no frame at all
        self.leaf = bool(optimize) and is_simple_leaf(fn)
        self.strict = False  # a leaf's attempt with its first parameters left in a0/a1: no stack machine
        self.saved: list[tuple[str, int]] = []  # (register, frame offset) saved by the prologue
        self.temp_depth = 0  # expression temporaries held in a2-a7 / fa2-fa7
        self.out: list[str] = []
        self.depth = 0
        self.frame = 0  # bytes of locals below the saved registers
        self.save = 64 if fn.ty.variadic else 0
        self.return_label = gen.new_label()

    # ---- emitting ----
    def emit(self, line):
        self.out.append("\t" + line)

    def label(self, name):
        self.out.append(f"{name}:")

    def cbranch(self, op, a, b, target):
        """A conditional branch (beq bne blt bge bltu bgeu); `relax` makes it reach far targets at the end."""
        self.out.append(f"{FAR}{op} {a}, {b}, {target}")

    def push(self):
        self.emit("addi sp, sp, -8")
        self.emit("sd a0, 0(sp)")
        self.depth += 1

    def pushf(self):
        self.emit("addi sp, sp, -8")
        self.emit("fsd fa0, 0(sp)")
        self.depth += 1

    def pop(self, reg):
        self.emit(f"ld {reg}, 0(sp)")
        self.emit("addi sp, sp, 8")
        self.depth -= 1

    def popf(self, reg):
        self.emit(f"fld {reg}, 0(sp)")
        self.emit("addi sp, sp, 8")
        self.depth -= 1

    def mem(self, op, reg, offset, base):
        """op reg, offset(base) even when offset does not fit 12 bits."""
        if fits12(offset):
            self.emit(f"{op} {reg}, {offset}({base})")
        else:
            self.emit(f"li t6, {offset}")
            self.emit(f"add t6, t6, {base}")
            self.emit(f"{op} {reg}, 0(t6)")

    def addi(self, dst, src, n):
        if fits12(n):
            self.emit(f"addi {dst}, {src}, {n}")
        else:
            self.emit(f"li t6, {n}")
            self.emit(f"add {dst}, {src}, t6")

    # ---- frame ----
    def allocate(self, size, align):
        self.frame = T.align_to(self.frame + size, max(align, 1))
        return -(16 + self.save + self.frame)

    def layout(self):
        for v in self.fn.locals:
            if v is getattr(self.fn, "va_area", None):
                v.offset = -64
                continue
            v.offset = self.allocate(max(v.ty.size, 1), v.align)

    # ---- loads and stores ----
    def load(self, ty):
        if ty.kind in ("array", "struct", "union", "func"):
            return
        if ty.kind == "float":
            self.emit("flw fa0, 0(a0)")
        elif ty.kind == "double":
            self.emit("fld fa0, 0(a0)")
        elif ty.size == 1:
            self.emit(f"{'lbu' if ty.unsigned else 'lb'} a0, 0(a0)")
        elif ty.size == 2:
            self.emit(f"{'lhu' if ty.unsigned else 'lh'} a0, 0(a0)")
        elif ty.size == 4:
            self.emit("lw a0, 0(a0)")
        else:
            self.emit("ld a0, 0(a0)")

    def store(self, ty):
        """Stores a0/fa0 at the address on the stack top (popped)."""
        self.pop("a1")
        self.store_to_a1(ty)

    def store_to_a1(self, ty):
        """Stores a0/fa0 at the address in a1; a struct's value is its address, copied from."""
        if ty.kind in ("struct", "union", "array"):
            self.copy("a0", "a1", ty.size)
            self.emit("mv a0, a1")
            return
        if ty.kind == "float":
            self.emit("fsw fa0, 0(a1)")
        elif ty.kind == "double":
            self.emit("fsd fa0, 0(a1)")
        else:
            self.emit({1: "sb", 2: "sh", 4: "sw", 8: "sd"}[ty.size] + " a0, 0(a1)")

    def copy(self, src, dst, size):
        """Copies size bytes from the address in src to the address in dst (t0, t1 and t2 are scratch)."""
        if size > 128:
            self.emit(f"mv t1, {src}")
            self.emit(f"mv t2, {dst}")
            self.doublewords(size // 8, ["ld t0, 0(t1)", "sd t0, 0(t2)", "addi t1, t1, 8", "addi t2, t2, 8"])
            for i in range(size % 8):
                self.emit(f"lbu t0, {i}(t1)")
                self.emit(f"sb t0, {i}(t2)")
            return
        for i, width in pieces(size):
            self.emit(f"{load_op(INTEGERS[width])} t0, {i}({src})")
            self.emit(f"{store_op(INTEGERS[width])} t0, {i}({dst})")

    def doublewords(self, count, body):
        """The lines of body run count times (t3 counts)."""
        loop = self.gen.new_label()
        self.emit(f"li t3, {count}")
        self.label(loop)
        for line in body:
            self.emit(line)
        self.emit("addi t3, t3, -1")
        self.emit(f"bnez t3, {loop}")

    # ---- addresses ----
    def gen_addr(self, node):
        k = node.kind
        if k == "var":
            v = node.obj
            if v in self.regs:  # pragma: no cover - choose_registers excludes variables whose address is used
                raise AssertionError(f"address of register variable {v.name}")
            if v.is_local:
                self.addi("a0", "s0", v.offset)
            else:
                self.emit(f"la a0, {v.name}")
            return
        if k == "deref":
            self.gen_expr(node.lhs)
            return
        if k == "member":
            self.gen_addr(node.lhs)
            if node.member.offset:
                self.addi("a0", "a0", node.member.offset)
            return
        if k == "comma":
            self.gen_expr(node.lhs)
            self.gen_addr(node.rhs)
            return
        if node.ty.kind in ("struct", "union") and k in ("call", "cond", "stmt_expr", "assign"):
            self.gen_expr(node)
            return
        raise error_at(node.tok, "not an lvalue")

    # ---- conversions ----
    def cast(self, src, dst):
        """Converts a0 (or fa0) from type src to dst: regexpr's conversion, done in those registers."""
        if dst.kind == "void" or src.kind in ("struct", "union", "array", "func"):
            return
        self.not_strict()
        tree = self.tree()
        target = "fa0" if dst.is_flonum() else "a0"
        out = tree.convert(tree.claim("fa0" if src.is_flonum() else "a0"), src, dst, target)
        if out != target:
            self.emit(f"{'fmv.d' if dst.is_flonum() else 'mv'} {target}, {out}")

    # ---- expressions ----
    def gen_expr(self, node):
        """Evaluates node into a0 (or fa0): in registers at -O1 and above when regexpr can, else the stack way."""
        if self.optimize and node.kind not in ("num", "fnum"):
            mark = len(self.out)
            try:
                tree = self.tree()
                target = "fa0" if node.ty.is_flonum() else "a0"
                r = tree.value(node, target)
                if r != target and node.ty.kind != "void":
                    self.emit(f"{'fmv.d' if target == 'fa0' else 'mv'} {target}, {r}")
                return
            except Unsupported:
                del self.out[mark:]
        self.gen_stack(node)

    def not_strict(self):
        """What comes next works in a0 and a1, which a strict leaf attempt keeps parameters in."""
        if self.strict:
            raise NeedsStack()

    def tree(self):
        """A register evaluator that leaves alone the argument registers `hold` keeps values in (and a leaf
        function's variables)."""
        reserved = [f"{f}a{2 + i}" for i in range(self.temp_depth) for f in ("", "f")]
        return TreeGen(self, reserved + list(self.regs.values()))

    def in_registers(self, action):
        """Runs action(TreeGen) at -O1 and above; False (and nothing emitted) if it needs the stack machine."""
        if not self.optimize:
            return False
        mark = len(self.out)
        try:
            action(self.tree())
            return True
        except Unsupported:
            del self.out[mark:]
            return False

    def jump(self, node, target, when):
        """Jumps to target when the condition's truth equals `when`."""
        if self.in_registers(lambda tree: tree.jump(node, target, when)):
            return
        self.gen_test(node)
        self.cbranch("bne" if when else "beq", "a0", "zero", target)

    def gen_stack(self, node):
        """The stack machine: node's value in a0 (or fa0)."""
        self.not_strict()
        k = node.kind
        method = getattr(self, "x_" + k, None)
        if method is None:
            raise error_at(node.tok, f"cannot generate code for '{k}'")
        method(node)

    def x_num(self, node):
        v = node.val
        if node.ty.is_flonum():
            self.x_fnum(node, float(v))
            return
        self.emit(f"li a0, {register_value(v, node.ty)}")

    def x_fnum(self, node, value=None):
        value = node.fval if value is None else value
        if node.ty.kind == "float":
            bits = struct.unpack("<I", struct.pack("<f", value))[0]
            self.emit(f"li a0, {bits}")
            self.emit("fmv.w.x fa0, a0")
        else:
            bits = struct.unpack("<q", struct.pack("<d", value))[0]
            self.emit(f"li a0, {bits}")
            self.emit("fmv.d.x fa0, a0")

    def x_var(self, node):
        if self.load_local(node, "a0"):
            return
        self.gen_addr(node)
        self.load(node.ty)

    def load_local(self, node, reg):
        """Loads a scalar local straight from its frame slot (one instruction); False if it is not one."""
        v = node.obj
        ty = node.ty
        if v in self.regs:
            if ty.is_flonum():
                self.emit(f"fmv.d f{reg}, {self.regs[v]}")
            else:
                self.emit(f"mv {reg}, {self.regs[v]}")
            return True
        if not v.is_local or not ty.is_scalar() or not fits12(v.offset):
            return False
        if ty.is_flonum():
            if reg != "a0":
                return False
            self.emit(f"{'flw' if ty.kind == 'float' else 'fld'} fa0, {v.offset}(s0)")
        else:
            self.emit(f"{load_op(ty) if ty.size < 8 else 'ld'} {reg}, {v.offset}(s0)")
        return True

    def x_member(self, node):
        self.gen_addr(node)
        m = node.member
        if m.bit_width is None:
            self.load(node.ty)
            return
        self.load(m.ty)
        self.emit(f"slli a0, a0, {64 - m.bit_width - m.bit_offset}")
        self.emit(f"{'srli' if m.ty.unsigned else 'srai'} a0, a0, {64 - m.bit_width}")
        if m.ty.unsigned and m.ty.size == 4 and m.bit_width == 32:
            self.emit("sext.w a0, a0")

    def x_deref(self, node):
        self.gen_expr(node.lhs)
        self.load(node.ty)

    def x_addr(self, node):
        self.gen_addr(node.lhs)

    def x_cast(self, node):
        self.gen_expr(node.lhs)
        self.cast(node.lhs.ty, node.ty)

    def x_comma(self, node):
        self.gen_expr(node.lhs)
        self.gen_expr(node.rhs)

    def x_stmt_expr(self, node):
        body = node.body.body if node.body.kind == "block" else [node.body]
        for i, s in enumerate(body):
            if i == len(body) - 1 and s.kind == "expr_stmt":
                self.gen_expr(s.lhs)
            else:
                self.gen_stmt(s)

    def x_assign(self, node):
        lhs = node.lhs
        if lhs.kind == "member" and lhs.member.bit_width is not None:
            self.gen_addr(lhs)
            self.push()
            self.gen_expr(node.rhs)
            self.store_bitfield(lhs.member)
            return
        if lhs.kind == "var":
            # the value first, then the variable's address straight into a1: no stack temporary is live
            # across a call in the right-hand side (which keeps `r = setjmp(env)` working)
            self.gen_expr(node.rhs)
            v = lhs.obj
            if v in self.regs:
                self.emit(f"fmv.d {self.regs[v]}, fa0" if lhs.ty.is_flonum() else f"mv {self.regs[v]}, a0")
                return
            if v.is_local and lhs.ty.is_scalar() and fits12(v.offset):
                if lhs.ty.is_flonum():
                    self.emit(f"{'fsw' if lhs.ty.kind == 'float' else 'fsd'} fa0, {v.offset}(s0)")
                else:
                    self.emit(f"{store_op(lhs.ty)} a0, {v.offset}(s0)")
                return
            self.var_address("a1", lhs.obj)
            self.store_to_a1(lhs.ty)
            return
        self.gen_addr(lhs)
        held = self.hold(node.rhs)
        self.gen_expr(node.rhs)
        self.release(held, "a1")
        self.store_to_a1(lhs.ty)

    def is_local_scalar(self, node):
        v = node.obj
        return v.is_local and node.ty.is_scalar() and not node.ty.is_flonum() and fits12(v.offset)

    def var_address(self, reg, v):
        if v.is_local:
            self.addi(reg, "s0", v.offset)
        else:
            self.emit(f"la {reg}, {v.name}")

    def store_bitfield(self, m):
        self.pop("a1")
        mask = ((1 << m.bit_width) - 1) << m.bit_offset
        op = {1: ("lbu", "sb"), 2: ("lhu", "sh"), 4: ("lwu", "sw"), 8: ("ld", "sd")}[m.ty.size]
        self.emit(f"{op[0]} t0, 0(a1)")
        self.emit(f"li t1, {mask}")
        self.emit(f"slli t2, a0, {m.bit_offset}")
        self.emit("and t2, t2, t1")
        self.emit("not t1, t1")
        self.emit("and t0, t0, t1")
        self.emit("or t0, t0, t2")
        self.emit(f"{op[1]} t0, 0(a1)")
        self.emit(f"slli a0, a0, {64 - m.bit_width}")
        self.emit(f"{'srli' if m.ty.unsigned else 'srai'} a0, a0, {64 - m.bit_width}")

    def x_neg(self, node):
        self.gen_expr(node.lhs)
        if node.ty.kind == "double":
            self.emit("fneg.d fa0, fa0")
        elif node.ty.kind == "float":
            self.emit("fneg.s fa0, fa0")
        else:
            self.emit("negw a0, a0" if node.ty.size == 4 else "neg a0, a0")

    def x_bitnot(self, node):
        self.gen_expr(node.lhs)
        self.emit("not a0, a0")

    def x_not(self, node):
        self.gen_test(node.lhs)
        self.emit("seqz a0, a0")

    def gen_test(self, node):
        """Evaluates a condition for a branch: a0 is nonzero exactly when it is true."""
        self.gen_expr(node)
        if node.ty.is_flonum():
            self.cast(node.ty, T.BOOL)

    def gen_bool(self, node):
        """Evaluates a condition to the int 0 or 1."""
        self.gen_expr(node)
        boolean = node.kind in ("not", "logand", "logor") or node.kind == "binop" and node.op in COMPARISONS
        if not boolean:
            self.cast(node.ty, T.BOOL)

    def two_ways(self, cond, when, taken, otherwise):
        """Runs taken() when the condition's truth equals `when`, else otherwise(): ?:, && and ||."""
        other, end = self.gen.new_label(), self.gen.new_label()
        self.jump(cond, other, when)
        otherwise()
        self.emit(f"j {end}")
        self.label(other)
        taken()
        self.label(end)

    def x_logand(self, node):
        """a && b and a || b: 1 or 0, b evaluated only when a does not decide."""
        decided = int(node.kind == "logor")  # the value when a decides
        self.two_ways(node.lhs, bool(decided), lambda: self.emit(f"li a0, {decided}"), lambda: self.gen_bool(node.rhs))

    x_logor = x_logand

    def x_cond(self, node):
        self.two_ways(node.cond, False, lambda: self.gen_expr(node.els), lambda: self.gen_expr(node.then))

    def x_binop(self, node):
        ty = node.lhs.ty
        if ty.is_flonum():
            self.gen_expr(node.rhs)
            held = self.hold(node.lhs, True)
            self.gen_expr(node.lhs)
            self.release(held, "fa1", True)
            out = "fa0" if node.op in FLOAT_ARITHMETIC else "a0"
            for line in regexpr.float_instructions(node.op, ty, out, "fa0", "fa1"):
                self.emit(line)
            return
        if node.rhs.kind == "num":
            self.gen_expr(node.lhs)
            self.emit(f"li a1, {register_value(node.rhs.val, node.rhs.ty)}")
        elif node.rhs.kind == "var" and self.is_local_scalar(node.rhs):
            self.gen_expr(node.lhs)
            self.load_local(node.rhs, "a1")
        elif node.lhs.kind == "num" or (node.lhs.kind == "var" and node.lhs.ty.is_scalar()):
            self.gen_expr(node.rhs)
            self.emit("mv a1, a0")
            self.gen_expr(node.lhs)
        else:
            self.gen_expr(node.rhs)
            held = self.hold(node.lhs)
            self.gen_expr(node.lhs)
            self.release(held, "a1")
        self.int_op(node.op, ty, node.ty)

    def hold(self, later, is_float=False):
        """Keeps a0 (or fa0) while `later` is evaluated: in a spare argument register (a2-a7, fa2-fa7) at -O1
        and above when `later` makes no call, else on the stack. Returns the register, or None for the stack."""
        if self.optimize and not self.leaf and self.temp_depth < 6 and not has_call(later):
            reg = f"{'fa' if is_float else 'a'}{2 + self.temp_depth}"
            self.emit(f"fmv.d {reg}, fa0" if is_float else f"mv {reg}, a0")
            self.temp_depth += 1
            return reg
        if is_float:
            self.pushf()
        else:
            self.push()
        return None

    def release(self, held, target, is_float=False):
        if held is None:
            if is_float:
                self.popf(target)
            else:
                self.pop(target)
            return
        self.temp_depth -= 1
        self.emit(f"fmv.d {target}, {held}" if is_float else f"mv {target}, {held}")

    def int_op(self, op, ty, result_ty):
        """a0 = a0 op a1 for integer operands of type ty (a result narrower than int is narrowed)."""
        w, u = "w" if ty.size == 4 else "", ty.unsigned or ty.kind == "ptr"
        lines = regexpr.int_instructions(op, w, u, "a0", "a0", "a1")
        if op in ("add", "sub", "mul", "shl") and result_ty.size < 4:
            lines += narrow("a0", "a0", result_ty)
        for line in lines:
            self.emit(line)

    def x_va_start(self, node):
        fn = self.fn
        if fn.va_named_ints < 8:
            self.addi("a0", "s0", -64 + 8 * fn.va_named_ints)
        else:
            self.addi("a0", "s0", 8 * fn.va_named_stack)

    def x_trap(self, node):
        self.emit("ebreak")

    def x_memzero(self, node):
        v = node.obj
        self.addi("a1", "s0", v.offset)
        size = v.ty.size
        if size > 128:
            self.doublewords(size // 8, ["sd zero, 0(a1)", "addi a1, a1, 8"])
            for i in range(size % 8):
                self.emit(f"sb zero, {i}(a1)")
            return
        for i, width in pieces(size, v.offset):
            self.emit(f"{store_op(INTEGERS[width])} zero, {i}(a1)")

    # ---- calls ----
    def x_call(self, node):
        fty = node.functy
        ret = fty.base
        sret = ret.kind in ("struct", "union") and ret.size > 16
        types = [a.ty for a in node.args]
        named = len(fty.params) if fty.has_proto else len(types)
        locations, alloc = abi.place_arguments(types, named, sret)
        direct = node.fn.kind == "addr" and node.fn.lhs.kind == "var" and node.fn.lhs.ty.kind == "func"
        base_depth = self.depth
        if not direct:
            self.gen_expr(node.fn)
            self.push()
        slots = alloc.next_stack
        pad = (self.depth + slots) % 2
        if pad:
            self.emit("addi sp, sp, -8")
            self.depth += 1
        if slots:
            self.emit(f"addi sp, sp, -{8 * slots}")
            self.depth += slots
        pushed = []  # (location, arg type) in push order
        for arg, loc in zip(node.args, locations, strict=True):
            self.gen_expr(arg)
            above = 8 * len(pushed)
            if loc.by_reference:
                tmp = self.allocate(arg.ty.size, arg.ty.align)
                self.addi("a1", "s0", tmp)
                self.copy("a0", "a1", arg.ty.size)
                self.emit("mv a0, a1")
            is_struct = arg.ty.kind in ("struct", "union") and not loc.by_reference
            for p in loc.pieces:
                if p.where != "stack":
                    continue
                slot = f"{8 * p.index + above}(sp)"
                if is_struct:
                    self.emit(f"ld t0, {p.offset}(a0)")
                    self.emit(f"sd t0, {slot}")
                elif arg.ty.is_flonum():
                    self.emit(f"{'fsw' if arg.ty.kind == 'float' else 'fsd'} fa0, {slot}")
                else:
                    self.emit(f"sd a0, {slot}")
            if any(p.where != "stack" for p in loc.pieces):
                if arg.ty.is_flonum():
                    self.pushf()
                else:
                    self.push()
                pushed.append((loc, arg.ty, is_struct))
        for loc, ty, is_struct in reversed(pushed):
            regs = [p for p in loc.pieces if p.where != "stack"]
            if is_struct:
                self.pop("t4")
                self.load_pieces(regs)
            elif ty.is_flonum():
                p = regs[0]
                if p.where == "fa":
                    self.popf(f"fa{p.index}")
                else:
                    self.pop(f"a{p.index}")
                    if ty.kind == "float":
                        self.emit(f"sext.w a{p.index}, a{p.index}")
            else:
                self.pop(f"a{regs[0].index}")
        if sret:
            self.addi("a0", "s0", node.ret_buf.obj.offset)
        if direct:
            self.emit(f"call {node.fn.lhs.obj.name}")
        else:
            self.emit(f"ld t5, {8 * (slots + pad)}(sp)")
            self.emit("jalr t5")
        release = slots + pad + (0 if direct else 1)
        if release:
            self.emit(f"addi sp, sp, {8 * release}")
        self.depth = base_depth
        if ret.kind in ("struct", "union"):
            buf = node.ret_buf.obj.offset
            if not sret:
                self.addi("t4", "s0", buf)
                for p in abi.return_pieces(ret):
                    if p.where == "fa":
                        self.emit(f"{'fsw' if p.ty.kind == 'float' else 'fsd'} fa{p.index}, {p.offset}(t4)")
                    elif p.ty is not None:
                        self.emit(f"{store_op(p.ty)} a{p.index}, {p.offset}(t4)")
                    else:
                        self.store_partial(f"a{p.index}", "t4", p.offset, min(8, ret.size - p.offset))
            self.addi("a0", "s0", buf)
        elif ret.is_integer() and ret.size < 4 or ret.kind == "bool":
            self.cast(T.LONG if ret.kind != "bool" else T.LONG, ret)

    def store_partial(self, reg, base, offset, size):
        """Stores the low size bytes of reg at offset(base)."""
        if size in (1, 2, 4, 8):
            self.emit(f"{ {1: 'sb', 2: 'sh', 4: 'sw', 8: 'sd'}[size] } {reg}, {offset}({base})")
            return
        self.emit(f"mv t0, {reg}")
        for i in range(size):
            self.emit(f"sb t0, {offset + i}({base})")
            self.emit("srli t0, t0, 8")

    # ---- inline assembly ----
    def x_asm(self, node):
        self.gen_stmt(node)

    # ---- statements ----
    def gen_stmt(self, node):
        k = node.kind
        if k == "block":
            for s in node.body:
                self.gen_stmt(s)
        elif k == "expr_stmt":
            e = getattr(node.lhs, "as_statement", node.lhs)
            if not self.in_registers(lambda tree: tree.discard(e)):
                self.gen_stack(e)
        elif k == "return":
            if node.lhs is not None:
                self.gen_expr(node.lhs)
                self.return_value(node.lhs.ty)
            self.emit(f"j {self.return_label}")
        elif k == "if":
            els = self.gen.new_label()
            end = self.gen.new_label()
            self.jump(node.cond, els, False)
            self.gen_stmt(node.then)
            if node.els is not None:
                self.emit(f"j {end}")
            self.label(els)
            if node.els is not None:
                self.gen_stmt(node.els)
            self.label(end)
        elif k == "for":
            # at -O1 and above the test sits at the bottom too, so an iteration takes one branch, not two
            top = self.gen.new_label()
            if node.init is not None:
                self.gen_stmt(node.init)
            rotate = self.optimize and node.cond is not None
            if rotate:
                self.jump(node.cond, node.brk, False)
            self.label(top)
            if node.cond is not None and not rotate:
                self.jump(node.cond, node.brk, False)
            self.gen_stmt(node.body)
            self.label(node.cont)
            if node.inc is not None:
                self.gen_stmt(Node("expr_stmt", node.tok, lhs=node.inc))
            if rotate:
                self.jump(node.cond, top, True)
            else:
                self.emit(f"j {top}")
            self.label(node.brk)
        elif k == "do":
            top = self.gen.new_label()
            self.label(top)
            self.gen_stmt(node.body)
            self.label(node.cont)
            self.jump(node.cond, top, True)
            self.label(node.brk)
        elif k == "switch":
            self.not_strict()
            self.gen_expr(node.cond)
            for lo, hi, label in node.cases:
                if lo == hi:
                    self.emit(f"li t0, {lo}")
                    self.cbranch("beq", "a0", "t0", label)
                else:
                    self.emit(f"li t0, {lo}")
                    self.emit("sub t1, a0, t0")
                    self.emit(f"li t2, {hi - lo}")
                    self.cbranch("bgeu", "t2", "t1", label)
            self.emit(f"j {node.default or node.brk}")
            self.gen_stmt(node.body)
            self.label(node.brk)
        elif k == "label":
            self.label(node.label)
            self.gen_stmt(node.body)
        elif k == "goto":
            self.emit(f"j {node.label}")
        elif k == "memzero":
            self.not_strict()
            self.x_memzero(node)
        elif k == "asm":
            self.gen_asm(node)
        else:
            self.not_strict()
            self.gen_expr(node)

    def return_value(self, ty):
        if ty.kind not in ("struct", "union"):
            return
        pieces = abi.return_pieces(ty)
        if pieces is None:
            self.mem("ld", "a1", self.fn.sret.offset, "s0")
            self.copy("a0", "a1", ty.size)
            self.emit("mv a0, a1")
            return
        self.emit("mv t4, a0")
        self.load_pieces(pieces)

    def load_pieces(self, pieces):
        """Loads the register pieces of a struct at the address in t4 into their argument or return registers."""
        for p in pieces:
            if p.where == "fa":
                self.emit(f"{'flw' if p.ty.kind == 'float' else 'fld'} fa{p.index}, {p.offset}(t4)")
            elif p.ty is not None and p.ty.size < 8:
                self.emit(f"{load_op(p.ty)} a{p.index}, {p.offset}(t4)")
            else:
                self.emit(f"ld a{p.index}, {p.offset}(t4)")

    def gen_asm(self, node):
        if node.simple:
            self.emit(node.template.replace("\n", "\n\t"))
            return
        regs = ["t3", "t4", "t5", "a2", "a3", "a4", "a5", "a6", "a7"]
        operands = node.outputs + node.inputs
        if len(operands) > len(regs):
            raise error_at(node.tok, "too many operands to asm")
        text = {}
        for i, (_name, constraint, e) in enumerate(operands):
            c = constraint.lstrip("=+&")
            if c.isdigit():
                text[i] = text[int(c)]
            elif c in ("i", "n"):
                from b2i.cc.sema import Analyzer  # noqa: F401  (constant operands were folded in sema)

                text[i] = str(e.val) if e.kind == "num" else "0"
            elif c == "m":
                text[i] = f"0({regs[i]})"
            elif c in ("r", "rK", "rJ", "f"):
                text[i] = regs[i]
            else:
                raise error_at(node.tok, f"unsupported asm constraint '{constraint}'")
        # every operand's value goes on the stack first, so evaluating one cannot clobber another's register
        loaded = []
        for i, (_name, constraint, e) in enumerate(operands):
            c = constraint.lstrip("=+&")
            is_input = i >= len(node.outputs)
            if is_input and c in ("i", "n"):
                continue
            if not (is_input or c == "m" or constraint.startswith("+")):
                continue
            if c == "m":
                self.gen_addr(e)
            else:
                self.gen_expr(e)
            self.push()
            loaded.append(text[i] if c.isdigit() else regs[i])
        for reg in reversed(loaded):
            self.pop(reg)
        template = substitute_operands(node.template, text, operands, node.tok)
        self.emit(template.replace("\n", "\n\t"))
        stored = [(i, e) for i, (_name, constraint, e) in enumerate(node.outputs) if constraint.lstrip("=+&") != "m"]
        for i, _e in stored:
            self.emit(f"mv a0, {text[i]}")
            self.push()
        for _i, e in reversed(stored):
            self.gen_addr(e)
            self.emit("mv a1, a0")
            self.pop("a0")
            self.emit(f"{store_op(e.ty)} a0, 0(a1)")

    # ---- the function ----
    def generate(self):
        """The function's lines. A leaf is first tried with its first two parameters left in a0/a1 (fa0/fa1),
        which holds only if nothing needs the stack machine (which works in a0 and a1); else tried again."""
        if self.leaf:
            self.strict = True
            try:
                return self.generate_once()
            except NeedsStack:
                self.strict = False
                self.regs, self.saved, self.out = {}, [], []
                self.frame = self.depth = self.temp_depth = 0
        return self.generate_once()

    def generate_once(self):
        fn = self.fn
        self.layout()
        self.choose_registers()
        self.store_params()
        self.gen_stmt(fn.body)
        if fn.name == "main":
            self.emit("li a0, 0")
        body = "\n".join(self.out)
        self.saved = [(r, o) for r, o in self.saved if r in self.clobbered or re.search(rf"\b{r}\b", body)]
        if self.leaf and not self.saved and not re.search(r"\bs0\b", body):
            return self.frameless()
        if self.depth != 0:  # pragma: no cover - a bug in this file
            raise AssertionError(f"stack depth {self.depth} at the end of {fn.name}")
        frame = T.align_to(16 + self.save + self.frame, 16)
        head = self.head()
        head.append(f"\taddi sp, sp, -{16 + self.save}")
        head.append(f"\tsd ra, {8}(sp)")
        head.append("\tsd s0, 0(sp)")
        head.append(f"\taddi s0, sp, {16 + self.save}")
        if fn.ty.variadic:
            for i in range(8):
                head.append(f"\tsd a{i}, {-64 + 8 * i}(s0)")
        rest = frame - 16 - self.save
        if rest:
            if fits12(rest):
                head.append(f"\taddi sp, sp, -{rest}")
            else:
                head.append(f"\tli t0, {rest}")
                head.append("\tsub sp, sp, t0")
        for reg, offset in self.saved:
            head += frame_access("fsd" if reg.startswith("f") else "sd", reg, offset)
        tail = [f"{self.return_label}:"]
        for reg, offset in self.saved:
            tail += frame_access("fld" if reg.startswith("f") else "ld", reg, offset)
        tail.append(f"\taddi sp, s0, -{16 + self.save}")
        tail.append("\tld ra, 8(sp)")
        tail.append("\tld s0, 0(sp)")
        tail.append(f"\taddi sp, sp, {16 + self.save}")
        tail.append("\tret")
        tail.append(f"\t.size {fn.name}, .-{fn.name}")
        return relax(drop_jumps_to_next(head + self.out + tail), self.gen.new_label)

    def head(self):
        return symbol_head(self.fn, ".text", 2, "@function")

    def frameless(self):
        """A leaf that keeps everything in registers: no prologue, no epilogue."""
        tail = [f"{self.return_label}:", "\tret", f"\t.size {self.fn.name}, .-{self.fn.name}"]
        lines = drop_jumps_to_next(self.head() + self.out + tail)
        lines = [("\tret" if line == f"\tj {self.return_label}" else line) for line in lines]
        return relax(lines, self.gen.new_label)

    def choose_registers(self):
        """-O1 and above: the most used scalar locals whose address is never taken live in s1-s11 (integers and
        pointers) and fs0-fs11 (floating point). Registers an inline asm clobbers hold no variable; callee-saved
        ones it clobbers are saved by the prologue (at every level)."""
        clobbered = self.clobbered = asm_clobbers(self.fn.body)
        for reg in CALLEE_SAVED:
            if reg in clobbered:
                self.saved.append((reg, self.allocate(8, 8)))
        if not self.optimize:
            return
        pools = {
            False: [f"s{i}" for i in range(1, 12) if f"s{i}" not in clobbered],
            True: [f"fs{i}" for i in range(12) if f"fs{i}" not in clobbered],
        }
        if self.leaf:  # caller-saved registers first, then callee-saved ones (which the prologue saves)
            pools = {f: LEAF_REGISTERS[f] + pools[f] for f in (False, True)}
            self.regs = assign_registers(self.fn, pools, self.params_in_place())
        else:
            self.regs = assign_registers(self.fn, pools)
        for reg in sorted(set(self.regs.values()) & set(CALLEE_SAVED), key=CALLEE_SAVED.index):
            self.saved.append((reg, self.allocate(8, 8)))

    def params_in_place(self):
        """A leaf's parameters that can stay in the argument register they arrive in."""
        types = [p.ty for p in self.fn.params]
        locations, _ = abi.place_arguments(types, len(types), False)
        fixed = {}
        for param, loc in zip(self.fn.params, locations, strict=True):
            p = loc.pieces[0]
            reg = f"{'fa' if p.where == 'fa' else 'a'}{p.index}"
            in_place = self.strict and p.index < 2 and (p.where == "fa") == param.ty.is_flonum()
            if reg in LEAF_REGISTERS[param.ty.is_flonum()] or in_place:
                fixed[param] = reg
        return fixed

    def store_params(self):
        fn = self.fn
        ret = fn.ty.base
        sret = ret.kind in ("struct", "union") and ret.size > 16
        types = [p.ty for p in fn.params]
        locations, alloc = abi.place_arguments(types, len(types), sret)
        fn.va_named_ints = alloc.next_int
        fn.va_named_stack = alloc.next_stack
        if sret:
            self.mem("sd", "a0", fn.sret.offset, "s0")
        for param, loc in zip(fn.params, locations, strict=True):
            ty = param.ty
            if param in self.regs:
                self.param_to_register(self.regs[param], ty, loc.pieces[0])
                continue
            self.addi("t6", "s0", param.offset)
            if loc.by_reference:
                p = loc.pieces[0]
                if p.where == "stack":
                    self.mem("ld", "a0", 8 * p.index, "s0")
                    src = "a0"
                else:
                    src = f"a{p.index}"
                self.emit(f"mv t5, {src}")
                self.copy("t5", "t6", ty.size)
                continue
            is_struct = ty.kind in ("struct", "union")
            for p in loc.pieces:
                size = min(8, ty.size - p.offset) if is_struct and p.ty is None else (p.ty.size if p.ty else ty.size)
                if p.where == "stack":
                    self.mem("ld", "t0", 8 * p.index, "s0")
                    self.store_partial("t0", "t6", p.offset, size)
                elif p.where == "fa":
                    self.emit(f"{'fsw' if size == 4 else 'fsd'} fa{p.index}, {p.offset}(t6)")
                else:
                    self.store_partial(f"a{p.index}", "t6", p.offset, size)

    def param_to_register(self, reg, ty, p):
        """A scalar parameter straight from where the caller put it into its register variable."""
        if p.where == "stack":
            if ty.is_flonum():
                self.mem("flw" if ty.kind == "float" else "fld", reg, 8 * p.index, "s0")
            else:
                self.mem(load_op(ty), reg, 8 * p.index, "s0")
        elif p.where == "fa":
            if reg != f"fa{p.index}":
                self.emit(f"fmv.d {reg}, fa{p.index}")
        elif ty.is_flonum():
            self.emit(f"fmv.{'w' if ty.kind == 'float' else 'd'}.x {reg}, a{p.index}")
        elif reg != f"a{p.index}":
            self.emit(f"mv {reg}, a{p.index}")


INTEGERS = {1: T.CHAR, 2: T.SHORT, 4: T.INT, 8: T.LONG}  # a type of each access width


def pieces(size, start=None):
    """(offset, width) of the loads or stores that cover size bytes: the widest that fit, and when the address
    of the first byte is start (mod 8), only aligned ones."""
    i = 0
    while i < size:
        width = next(w for w in (8, 4, 2, 1) if size - i >= w and (start is None or (start + i) % w == 0))
        yield i, width
        i += width


def symbol_head(v: Obj, section: str, p2: int, kind: str, size: int | None = None) -> list[str]:
    """The lines that open a function or an object: binding, section, alignment, type (and size), label."""
    lines = [] if v.is_static else [f"\t{'.weak' if v.is_inline else '.globl'} {v.name}"]
    lines += [f"\t{section}", f"\t.p2align {p2}", f"\t.type {v.name}, {kind}"]
    if size is not None:
        lines.append(f"\t.size {v.name}, {size}")
    return lines + [f"{v.name}:"]


def frame_access(op, reg, offset):
    """Prologue and epilogue lines that save or restore reg at offset(s0); t0 is free there."""
    if fits12(offset):
        return [f"\t{op} {reg}, {offset}(s0)"]
    return [f"\tli t0, {offset}", "\tadd t0, t0, s0", f"\t{op} {reg}, 0(t0)"]


FAR = "\t?"  # marks a conditional branch whose reach relax() checks
BRANCH_REACH = 4000  # bytes a conditional branch surely reaches (+-4 KiB, less some slack)
INVERSE = {"beq": "bne", "bne": "beq", "blt": "bge", "bge": "blt", "bltu": "bgeu", "bgeu": "bltu"}


def drop_jumps_to_next(lines):
    """Removes `j L` when L labels the very next instruction."""
    out = []
    for i, line in enumerate(lines):
        if line.startswith("\tj "):
            target = line[3:].strip() + ":"
            j = i + 1
            while j < len(lines) and lines[j].endswith(":") and not lines[j].startswith("\t"):
                if lines[j] == target:
                    break
                j += 1
            if j < len(lines) and lines[j] == target:
                continue
        out.append(line)
    return out


def size_bound(line):
    """At most how many bytes a line assembles to (None: cannot tell, e.g. inline asm with directives)."""
    if not line.startswith("\t"):
        return 0
    text = line.strip()
    if line.startswith(FAR):
        return 8
    if "\n" in text or ";" in text:  # inline asm: several statements
        parts = [p.strip() for p in text.replace(";", "\n").split("\n")]
        return None if any(p.startswith(".") for p in parts) else 32 * len(parts)
    op = text.split(None, 1)[0]
    if op.startswith("."):
        return None if op not in (".globl", ".weak", ".text", ".p2align", ".type", ".size") else 4
    return {"li": 32, "la": 8, "call": 8, "tail": 8, "lla": 8}.get(op, 4)


def relax(lines, new_label):
    """Conditional branches stay one instruction when their target is surely near; far ones become the
    inverted branch around a `j` (which reaches +-1 MiB)."""
    where, pos, labels = [], 0, {}
    for line in lines:
        where.append(pos)
        if not line.startswith("\t") and line.endswith(":"):
            labels[line[:-1]] = pos
        size = size_bound(line)
        pos = pos + size if size is not None and pos is not None else None
        if pos is None:
            break
    out = []
    for i, line in enumerate(lines):
        if not line.startswith(FAR):
            out.append(line)
            continue
        op, rest = line[len(FAR) :].split(None, 1)
        a, b, target = (x.strip() for x in rest.split(","))
        near = pos is not None and target in labels and abs(labels[target] - where[i]) < BRANCH_REACH
        if near:
            out.append(f"\t{op} {a}, {b}, {target}")
        else:
            skip = new_label()
            out += [f"\t{INVERSE[op]} {a}, {b}, {skip}", f"\tj {target}", f"{skip}:"]
    return out


# a leaf's variables: caller-saved registers that neither the stack machine nor the prologue touches
LEAF_REGISTERS = {
    False: ["a2", "a3", "a4", "a5", "a6", "a7", "t4", "t5"],
    True: ["fa2", "fa3", "fa4", "fa5", "fa6", "fa7", "ft8", "ft9", "ft10", "ft11"],
}


def is_simple_leaf(fn) -> bool:
    """Calls nothing, runs no asm, and takes and returns only scalars, all in registers."""
    if fn.ty.variadic or has_call(fn.body) or fn.ty.base.kind in ("struct", "union"):
        return False
    types = [p.ty for p in fn.params]
    if any(not t.is_scalar() for t in types):
        return False
    _, alloc = abi.place_arguments(types, len(types), False)
    return alloc.next_stack == 0


CALLEE_SAVED = [f"s{i}" for i in range(1, 12)] + [f"fs{i}" for i in range(12)]
INT_ABI_NAMES = "zero ra sp gp tp t0 t1 t2 s0 s1 a0 a1 a2 a3 a4 a5 a6 a7 s2 s3 s4 s5 s6 s7 s8 s9 s10 s11 t3 t4 t5 t6"
FLOAT_ABI_NAMES = (
    "ft0 ft1 ft2 ft3 ft4 ft5 ft6 ft7 fs0 fs1 fa0 fa1 fa2 fa3 fa4 fa5 fa6 fa7 "
    "fs2 fs3 fs4 fs5 fs6 fs7 fs8 fs9 fs10 fs11 ft8 ft9 ft10 ft11"
)
ABI_NAMES = {f"x{i}": name for i, name in enumerate(INT_ABI_NAMES.split())}  # clobbers may say x9 or s1
ABI_NAMES |= {f"f{i}": name for i, name in enumerate(FLOAT_ABI_NAMES.split())}
ABI_NAMES["fp"] = "s0"


def asm_clobbers(node) -> set[str]:
    """The registers (by ABI name) that the inline asm statements in a function body name as clobbered."""
    found = set()
    if isinstance(node, (list, tuple)):
        for n in node:
            found |= asm_clobbers(n)
        return found
    if not isinstance(node, Node):
        return found
    if node.kind == "asm":
        found |= {ABI_NAMES.get(c.strip(), c.strip()) for c in node.clobbers}
    for name, value in vars(node).items():
        if name not in ("tok", "ty", "obj", "member"):
            found |= asm_clobbers(value)
    return found


def substitute_operands(template, text, operands, tok):
    out = []
    i = 0
    names = {name: k for k, (name, _, _) in enumerate(operands) if name}
    while i < len(template):
        c = template[i]
        if c != "%":
            out.append(c)
            i += 1
            continue
        nxt = template[i + 1 : i + 2]
        if nxt == "%":
            out.append("%")
            i += 2
        elif nxt.isdigit():
            j = i + 1
            while j < len(template) and template[j].isdigit():
                j += 1
            n = int(template[i + 1 : j])
            if n not in text:
                raise error_at(tok, "operand number out of range")
            out.append(text[n])
            i = j
        elif nxt == "[":
            j = template.index("]", i)
            name = template[i + 2 : j]
            if name not in names:
                raise error_at(tok, f"undefined named operand '{name}'")
            out.append(text[names[name]])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


class Generator:
    """Generates a whole translation unit."""

    def __init__(self, optimize: int = 0):
        self.labels = 0
        self.optimize = optimize

    def new_label(self):
        self.labels += 1
        return f".L.cg.{self.labels}"

    def program(self, objs: list[Obj], source_name: str) -> str:
        out = [
            f'\t.file "{source_name}"',
            "\t.option nopic",
            '\t.attribute arch, "rv64i2p1_m2p0_a2p1_f2p2_d2p2"',
            "\t.attribute unaligned_access, 0",
            "\t.attribute stack_align, 16",
        ]
        for v in objs:
            if v.ty.kind == "func":
                if v.is_definition:
                    out += FunctionGen(self, v, self.optimize).generate()
                continue
            if not v.is_definition:
                continue
            out += self.global_data(v)
        out.append('\t.section .note.GNU-stack,"",@progbits')
        return "\n".join(out) + "\n"

    def global_data(self, v: Obj):
        size = max(v.ty.size, 1)
        p2 = max(v.align, 1).bit_length() - 1
        zero = v.init is None or (not any(v.init) and not v.relocs)
        section = ".bss" if zero else ".section .rodata" if v.name.startswith(".L.str") else ".data"
        lines = symbol_head(v, section, p2, "@object", size)
        if zero:
            return lines + [f"\t.zero {size}"]
        relocs = {off: (label, addend) for off, label, addend in v.relocs}
        data = v.init + bytes(max(0, size - len(v.init)))
        i = 0
        run = []
        while i < len(data):
            if i in relocs:
                if run:
                    lines.append("\t.byte " + ",".join(run))
                    run = []
                label, addend = relocs[i]
                lines.append(f"\t.dword {label}{'+' if addend >= 0 else ''}{addend}")
                i += 8
                continue
            run.append(str(data[i]))
            if len(run) == 16:
                lines.append("\t.byte " + ",".join(run))
                run = []
            i += 1
        if run:
            lines.append("\t.byte " + ",".join(run))
        return lines


def generate(objs: list[Obj], source_name: str = "", optimize: int = 0) -> str:
    """Assembly text for a translation unit's objects."""
    return Generator(optimize).program(objs, source_name)
