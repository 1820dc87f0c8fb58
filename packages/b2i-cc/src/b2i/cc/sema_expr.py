"""Expression analysis (the half of sema that types expressions): conversions, operators, calls, builtins.

A mixin of the Analyzer in sema.py. `expr` gives a node for any expression tree; `rvalue` applies lvalue
conversion (array and function decay); `cast` and `assign_convert` make C's implicit conversions explicit.
"""

import lark
from b2i.cc import ctype as T
from b2i.cc.diagnostics import CompileError, Warnings, error_at
from b2i.cc.literals import char_value, float_literal, int_literal, string_bytes
from b2i.cc.nodes import Node

BINOPS = {
    "*": "mul",
    "/": "div",
    "%": "mod",
    "+": "add",
    "-": "sub",
    "<<": "shl",
    ">>": "shr",
    "<": "lt",
    ">": "gt",
    "<=": "le",
    ">=": "ge",
    "==": "eq",
    "!=": "ne",
    "&": "and",
    "^": "xor",
    "|": "or",
}
COMPARISONS = {"lt", "gt", "le", "ge", "eq", "ne"}
BUILTIN_ALIASES = {
    "__builtin_" + n: n
    for n in (
        "memcpy",
        "memset",
        "memcmp",
        "memmove",
        "strlen",
        "strcmp",
        "strcpy",
        "abort",
        "exit",
        "malloc",
        "free",
        "printf",
        "puts",
        "putchar",
        "sqrt",
        "fabs",
        "abs",
        "labs",
        "alloca",
    )
}


def warn(tok, message):
    Warnings.warn(message, tok.file, tok.line, tok.col)


class Expressions:
    """Typing of expressions; mixed into sema.Analyzer (which provides scopes, constants and initializers)."""

    def num(self, tok, value, ty=T.INT):
        return Node("num", tok, ty, val=value)

    def rvalue(self, e):
        if e.ty.kind == "array":
            return Node("addr", e.tok, T.pointer_to(e.ty.base), lhs=e)
        if e.ty.kind == "func":
            return Node("addr", e.tok, T.pointer_to(e.ty), lhs=e)
        return e

    def cast(self, e, ty):
        e = self.rvalue(e)
        if e.ty is ty or (e.ty.unqual() is ty.unqual()):
            return e
        if ty.kind == "void":
            return Node("cast", e.tok, T.VOID, lhs=e)
        if ty.kind in ("struct", "union") or e.ty.kind in ("struct", "union"):
            if T.compatible(e.ty, ty):
                return e
            raise error_at(e.tok, f"conversion to non-scalar type '{T.type_name(ty)}' requested")
        if e.ty.kind == "void":
            raise error_at(e.tok, "void value not ignored as it ought to be")
        return Node("cast", e.tok, ty.unqual(), lhs=e)

    def is_null_constant(self, e):
        if not e.ty.is_integer() and not (e.ty.kind == "ptr" and e.ty.base.kind == "void" and e.kind == "cast"):
            return False
        try:
            label, v = self.const_eval(e)
        except CompileError:
            return False
        return label is None and v == 0

    def assign_convert(self, e, ty, tok, context="assignment"):
        e = self.rvalue(e)
        src = e.ty
        if ty.kind in ("struct", "union"):
            if not T.compatible(src, ty):
                raise error_at(
                    tok,
                    f"incompatible types when {context_verb(context)} type '{T.type_name(ty)}' "
                    f"from type '{T.type_name(src)}'",
                )
            return e
        if src.kind == "void":
            raise error_at(tok, "void value not ignored as it ought to be")
        if ty.kind == "ptr":
            if src.kind == "ptr":
                a, b = ty.base.unqual(), src.base.unqual()
                if a.kind != "void" and b.kind != "void" and not T.compatible(a, b):
                    warn(
                        tok,
                        f"incompatible pointer types in {context} (from '{T.type_name(src)}' to '{T.type_name(ty)}')",
                    )
            elif src.is_integer():
                if not self.is_null_constant(e):
                    warn(tok, f"{context} makes pointer from integer without a cast")
            else:
                raise error_at(
                    tok,
                    f"incompatible types when {context_verb(context)} type '{T.type_name(ty)}' "
                    f"from type '{T.type_name(src)}'",
                )
        elif ty.is_integer() and src.kind == "ptr" and ty.kind != "bool":
            warn(tok, f"{context} makes integer from pointer without a cast")
        elif ty.is_arith() and not src.is_scalar():
            raise error_at(
                tok,
                f"incompatible types when {context_verb(context)} type '{T.type_name(ty)}' "
                f"from type '{T.type_name(src)}'",
            )
        return self.cast(e, ty)

    # ---- the dispatcher ----
    def expr(self, tree):
        if isinstance(tree, lark.Token):
            raise error_at(self.tok(tree), "expected expression")
        method = getattr(self, "e_" + tree.data, None)
        if method is None:
            raise error_at(self.tok(tree), f"unsupported expression '{tree.data}'")
        return method(tree, self.tok(tree))

    def e_constant_expression(self, tree, tok):
        return self.expr(tree.children[0])

    def e_identifier(self, tree, tok):
        name = tree.children[0].value
        found = self.lookup(name)
        if found is None:
            if name.startswith("__builtin_"):
                raise error_at(tok, f"'{name}' undeclared (first use in this function)")
            raise error_at(
                tok,
                f"'{name}' undeclared" + (" (first use in this function)" if self.fn else " here (not in a function)"),
            )
        if isinstance(found, tuple):
            if found[0] == "enum":
                return self.num(tok, found[1])
            raise error_at(tok, f"expected expression before '{name}'")
        found.used = True
        return Node("var", tok, found.ty, obj=found)

    def e_int_constant(self, tree, tok):
        value, tyname = int_literal(tok)
        return self.num(tok, value, T.BY_NAME[tyname])

    def e_float_constant(self, tree, tok):
        value, tyname = float_literal(tok)
        return Node("fnum", tok, T.BY_NAME[tyname], fval=value)

    def e_char_constant(self, tree, tok):
        t = tok
        value = char_value(t)
        if not t.text.startswith("'") and value > 0x7FFFFFFF:
            value -= 1 << 32
        return self.num(tok, value)

    def e_string(self, tree, tok):
        toks = [self.toks[c.start_pos] for c in tree.children]
        data, prefix = string_bytes(toks)
        elem = {"": T.CHAR, "L": T.INT, "U": T.UINT, "u": T.USHORT}[prefix]
        var = self.string_literal(data, elem, tok)
        node = Node("var", tok, var.ty, obj=var)
        node.string_data = data
        return node

    def e_statement_expression(self, tree, tok):
        if self.fn is None:
            raise error_at(tok, "braced-group within expression allowed only inside a function")
        body = self.compound(tree.children[0])
        ty = T.VOID
        if body.body and body.body[-1].kind == "expr_stmt":
            last = self.rvalue(body.body[-1].lhs)
            body.body[-1].lhs = last
            ty = last.ty
        return Node("stmt_expr", tok, ty, body=body)

    def e_generic_selection(self, tree, tok):
        control = self.rvalue(self.expr(tree.children[0]))
        cty = control.ty.unqual()
        default = None
        chosen = None
        seen: list[T.Type] = []
        for assoc in tree.children[1:]:
            if assoc.data == "generic_default":
                default = assoc.children[0]
                continue
            ty = self.type_name(assoc.children[0])
            # long and long long (and double and long double) are one type here but two in C: never a clash
            merged = ty.kind in ("long", "double")
            if not merged and any(
                T.same_type(ty, other) and (ty.is_const, ty.is_volatile) == (other.is_const, other.is_volatile)
                for other in seen
            ):
                raise error_at(self.tok(assoc), "'_Generic' specifies two compatible types")
            seen.append(ty)
            if chosen is None and T.same_type(ty, cty) and not ty.is_const and not ty.is_volatile:
                chosen = assoc.children[1]
        if chosen is not None:
            return self.expr(chosen)
        if default is None:
            raise error_at(
                tok, f"'_Generic' selector of type '{T.type_name(cty)}' is not compatible with any association"
            )
        return self.expr(default)

    def e_va_arg(self, tree, tok):
        ap = self.expr(tree.children[0])
        ty = self.type_name(tree.children[1])
        indirect = ty.kind in ("struct", "union") and ty.size > 16
        step = 16 if ty.size > 8 and not indirect else 8
        # *(T *)((*p = (char *)*p + step) - step), where p = &ap
        p = self.temp(T.pointer_to(ap.ty), tok)
        setp = self.assign_node(p, Node("addr", tok, T.pointer_to(ap.ty), lhs=ap))
        cur = Node("deref", tok, ap.ty, lhs=p)
        bump = self.assign_node(
            Node("deref", tok, ap.ty, lhs=p),
            self.cast(self.binary_op("+", self.cast(cur, T.pointer_to(T.CHAR)), self.num(tok, step), tok), ap.ty),
        )
        slot = self.binary_op("-", self.cast(bump, T.pointer_to(T.CHAR)), self.num(tok, step), tok)
        if indirect:
            value = Node(
                "deref",
                tok,
                ty,
                lhs=Node("deref", tok, T.pointer_to(ty), lhs=self.cast(slot, T.pointer_to(T.pointer_to(ty)))),
            )
        else:
            value = Node("deref", tok, ty, lhs=self.cast(slot, T.pointer_to(ty)))
        return Node("comma", tok, ty, lhs=setp, rhs=value)

    def e_offsetof(self, tree, tok):
        ty = self.type_name(tree.children[0])
        base = Node("deref", tok, ty, lhs=self.num(tok, 0, T.pointer_to(ty)))
        e = base
        for part in tree.children[1].children:
            if isinstance(part, lark.Tree) and part.data == "member_name":
                e = self.member_access(e, part.children[0], self.tok(part))
            else:
                e = self.index_node(e, self.expr(part), tok)
        return self.cast(Node("addr", tok, T.pointer_to(e.ty), lhs=e), T.ULONG)

    # ---- postfix ----
    def index_node(self, a, i, tok):
        return self.deref_node(self.binary_op("+", a, i, tok), tok)

    def e_index(self, tree, tok):
        base, index = self.rvalue(self.expr(tree.children[0])), self.rvalue(self.expr(tree.children[1]))
        if base.ty.kind == "ptr" and not index.ty.is_integer() or index.ty.kind == "ptr" and not base.ty.is_integer():
            bracket = self.toks[self.toks.index(self.tok(tree.children[1])) - 1]
            raise error_at(bracket, "array subscript is not an integer")
        return self.index_node(base, index, self.tok(tree.children[1]))

    def member_access(self, e, name_tok, tok):
        if e.ty.kind not in ("struct", "union"):
            raise error_at(tok, f"request for member '{name_tok.value}' in something not a structure or union")
        if e.ty.members is None:
            raise error_at(tok, f"invalid use of incomplete type '{T.type_name(e.ty)}'")
        path = T.find_member(e.ty, name_tok.value)
        if path is None:
            raise error_at(tok, f"'{T.type_name(e.ty)}' has no member named '{name_tok.value}'")
        for m in path:
            ty = m.ty.qualified(e.ty.is_const, e.ty.is_volatile)
            e = Node("member", tok, ty, lhs=e, member=m)
        return e

    def e_member(self, tree, tok):
        e = self.expr(tree.children[0])
        dot = self.toks[tree.children[1].children[0].start_pos - 1]
        return self.member_access(e, tree.children[1].children[0], dot)

    def e_arrow(self, tree, tok):
        e = self.rvalue(self.expr(tree.children[0]))
        if e.ty.kind != "ptr":
            raise error_at(self.tok(tree.children[1]), f"invalid type argument of '->' (have '{T.type_name(e.ty)}')")
        arrow = self.toks[tree.children[1].children[0].start_pos - 1]
        return self.member_access(self.deref_node(e, tok), tree.children[1].children[0], arrow)

    def e_call(self, tree, tok):
        fn_tree = tree.children[0]
        args_tree = tree.children[1]
        arg_trees = args_tree.children if args_tree is not None else []
        if isinstance(fn_tree, lark.Tree) and fn_tree.data == "identifier":
            name = fn_tree.children[0].value
            special = self.builtin_call(name, arg_trees, tok)
            if special is not None:
                return special
            if self.lookup(name) is None:
                if name in BUILTIN_ALIASES:
                    name = BUILTIN_ALIASES[name]
                    fn_tree = lark.Tree("identifier", [lark.Token("IDENTIFIER", name)], fn_tree.meta)
                    fn_tree.children[0].start_pos = (
                        self.toks.index(tok) if False else tree.children[0].children[0].start_pos
                    )
                if self.lookup(name) is None:
                    warn(tok, f"implicit declaration of function '{name}'")
                    fty = T.func_type(T.INT, [], False, has_proto=False)
                    saved = self.scopes
                    self.scopes = saved[:1]
                    self.declare_function(name, fty, "extern", tok, {"inline": False})
                    self.scopes = saved
        fn = self.rvalue(self.expr(fn_tree))
        if fn.ty.kind != "ptr" or fn.ty.base.kind != "func":
            raise error_at(tok, "called object is not a function or function pointer")
        fty = fn.ty.base
        args = []
        for i, at in enumerate(arg_trees):
            a = self.expr(at)
            atok = self.tok(at)
            if i < len(fty.params):
                a = self.assign_convert(a, fty.params[i], atok, f"argument {i + 1} of call")
            else:
                if fty.has_proto and not fty.variadic:
                    raise error_at(tok, "too many arguments to function")
                a = self.rvalue(a)
                if a.ty.kind == "float":
                    a = self.cast(a, T.DOUBLE)
                elif a.ty.is_integer():
                    a = self.cast(a, T.promote(a.ty))
                elif a.ty.kind == "void":
                    raise error_at(atok, "invalid use of void expression")
            args.append(a)
        if fty.has_proto and len(args) < len(fty.params):
            raise error_at(tok, "too few arguments to function")
        ret = fty.base
        node = Node("call", tok, ret.unqual() if ret.kind != "void" else T.VOID, fn=fn, args=args, functy=fty)
        if ret.kind in ("struct", "union"):
            if not ret.is_complete():
                raise error_at(tok, "calling function with incomplete return type")
            node.ret_buf = self.temp(ret, tok)
        return node

    def builtin_call(self, name, arg_trees, tok):
        if name == "__builtin_va_start":
            if self.fn is None or not self.fn.ty.variadic:
                raise error_at(tok, "'va_start' used in function with fixed arguments")
            ap = self.expr(arg_trees[0])
            return self.assign_node(ap, Node("va_start", tok, ap.ty))
        if name == "__builtin_va_end":
            self.expr(arg_trees[0])
            return Node("cast", tok, T.VOID, lhs=self.num(tok, 0))
        if name == "__builtin_va_copy":
            return self.assign_node(self.expr(arg_trees[0]), self.rvalue(self.expr(arg_trees[1])))
        if name == "__builtin_expect":
            return self.rvalue(self.expr(arg_trees[0]))
        if name in ("__builtin_unreachable", "__builtin_trap"):
            return Node("trap", tok, T.VOID)
        if name == "__builtin_constant_p":
            try:
                self.const_eval(self.expr(arg_trees[0]))
                return self.num(tok, 1)
            except CompileError:
                return self.num(tok, 0)
        return None

    def temp(self, ty, tok):
        if self.fn is None:
            raise error_at(tok, "initializer element is not constant")
        return Node("var", tok, ty, obj=self.new_local(None, ty, tok))

    def assign_node(self, lhs, rhs):
        return Node(
            "assign", lhs.tok, lhs.ty.unqual(), lhs=lhs, rhs=self.cast(rhs, lhs.ty) if lhs.ty.is_scalar() else rhs
        )

    def e_compound_literal(self, tree, tok):
        ty = self.type_name(tree.children[0])
        init = lark.Tree("braced_initializer", [tree.children[1]], tree.meta)
        return self.compound_literal(ty, init, tok)

    def e_empty_compound_literal(self, tree, tok):
        ty = self.type_name(tree.children[0])
        return self.compound_literal(ty, lark.Tree("empty_initializer", [], tree.meta), tok)

    def compound_literal(self, ty, init, tok):
        if self.fn is None:
            self.label_count += 1
            var = self.new_global(f".L.compound.{self.label_count}", ty, tok)
            var.is_static = True
            var.is_definition = True
            self.global_initializer(var, init)
            return Node("var", tok, var.ty, obj=var)
        var = self.new_local(None, ty, tok)
        stmts = self.local_initializer(var, init)
        return Node(
            "comma", tok, var.ty, lhs=Node("stmt_expr", tok, T.VOID, body=stmts), rhs=Node("var", tok, var.ty, obj=var)
        )

    # ---- increment and decrement, compound assignment ----
    def check_lvalue(self, e, tok, what="assignment"):
        if e.kind == "comma" and e.rhs.kind == "var":
            return
        if e.kind not in ("var", "deref", "member") or e.ty.kind in ("func",):
            raise error_at(tok, f"lvalue required as {'left operand of assignment' if what == 'assignment' else what}")
        if e.ty.kind == "array":
            raise error_at(tok, "assignment to expression with array type")
        if e.ty.is_const:
            name = f" '{e.obj.name}'" if e.kind == "var" and e.obj.name else ""
            kind = "variable" if e.kind == "var" else "location"
            action = what.split()[0] if what.startswith(("increment", "decrement")) else "assignment"
            raise error_at(tok, f"{action} of read-only {kind}{name}")

    def pinned(self, e, tok):
        """(setup node or None, an lvalue equivalent to e that can be evaluated twice)."""
        if e.kind == "var":
            return None, e
        if e.kind == "member" and e.member.bit_width is not None:
            setup, base = self.pinned(e.lhs, tok)
            return setup, Node("member", tok, e.ty, lhs=base, member=e.member)
        p = self.temp(T.pointer_to(e.ty), tok)
        setup = Node("assign", tok, p.ty, lhs=p, rhs=Node("addr", tok, p.ty, lhs=e))
        return setup, Node("deref", tok, e.ty, lhs=p)

    def compound_assign(self, lhs, op, rhs, tok):
        self.check_lvalue(lhs, tok)
        setup, target = self.pinned(lhs, tok)
        value = self.binary_op(op, target, rhs, tok)
        node = self.assign_node(target, value)
        if setup is not None:
            node = Node("comma", tok, node.ty, lhs=setup, rhs=node)
        return node

    def inc_dec(self, tree, tok, delta, post):
        e = self.expr(tree.children[0])
        if post and not tree.meta.empty:  # x++: gcc points at the operator
            tok = self.toks[tree.meta.end_pos - 1]
        if not e.ty.is_scalar():
            raise error_at(tok, "wrong type argument to increment" if delta > 0 else "wrong type argument to decrement")
        self.check_lvalue(e, tok, "increment operand" if delta > 0 else "decrement operand")
        if not post:
            return self.compound_assign(e, "+", self.num(tok, delta), tok)
        setup, target = self.pinned(e, tok)
        old = self.temp(e.ty.unqual(), tok)
        parts = [] if setup is None else [setup]
        parts.append(self.assign_node(old, target))
        parts.append(self.assign_node(target, self.binary_op("+", old, self.num(tok, delta), tok)))
        node = old
        for p in reversed(parts):
            node = Node("comma", tok, node.ty, lhs=p, rhs=node)
        # where the value is not used (a statement, a for loop's step) x++ is just x += 1
        node.as_statement = self.compound_assign(e, "+", self.num(tok, delta), tok)
        return node

    def e_post_inc(self, tree, tok):
        return self.inc_dec(tree, tok, 1, True)

    def e_post_dec(self, tree, tok):
        return self.inc_dec(tree, tok, -1, True)

    def e_pre_inc(self, tree, tok):
        return self.inc_dec(tree, tok, 1, False)

    def e_pre_dec(self, tree, tok):
        return self.inc_dec(tree, tok, -1, False)

    def e_assign(self, tree, tok):
        lhs = self.expr(tree.children[0])
        op = tree.children[1].children[0].value
        optok = self.toks[tree.children[1].children[0].start_pos]
        rhs = self.expr(tree.children[2])
        if lhs.ty.kind == "void":  # `*p = 1` with p a void *
            raise error_at(optok, "invalid use of void expression")
        if op != "=":
            return self.compound_assign(lhs, op[:-1], rhs, optok)
        self.check_lvalue(lhs, optok)
        rhs = self.assign_convert(rhs, lhs.ty, optok)
        return Node("assign", optok, lhs.ty.unqual(), lhs=lhs, rhs=rhs)

    # ---- unary ----
    def deref_node(self, e, tok):
        e = self.rvalue(e)
        if e.ty.kind != "ptr":
            raise error_at(tok, f"invalid type argument of unary '*' (have '{T.type_name(e.ty)}')")
        if e.ty.base.kind == "void":
            warn(tok, "dereferencing 'void *' pointer")
        if e.ty.base.kind == "func":
            return Node("deref", tok, e.ty.base, lhs=e)
        return Node("deref", tok, e.ty.base, lhs=e)

    def e_deref(self, tree, tok):
        return self.deref_node(self.expr(tree.children[0]), tok)

    def e_address(self, tree, tok):
        e = self.expr(tree.children[0])
        if e.kind == "member" and e.member.bit_width is not None:
            raise error_at(tok, "cannot take address of bit-field")
        if e.kind not in ("var", "deref", "member", "comma"):
            raise error_at(tok, "lvalue required as unary '&' operand")
        if e.kind == "deref" and e.ty.kind == "func":
            return e.lhs
        return Node("addr", tok, T.pointer_to(e.ty), lhs=e)

    def arith_operand(self, tree, tok, what, integer=False):
        e = self.rvalue(self.expr(tree))
        if not e.ty.is_arith() or (integer and not e.ty.is_integer()):
            raise error_at(tok, f"wrong type argument to {what}")
        return self.cast(e, T.promote(e.ty))

    def e_unary_plus(self, tree, tok):
        return self.arith_operand(tree.children[0], tok, "unary plus")

    def e_negate(self, tree, tok):
        e = self.arith_operand(tree.children[0], tok, "unary minus")
        return Node("neg", tok, e.ty, lhs=e)

    def e_bit_not(self, tree, tok):
        e = self.arith_operand(tree.children[0], tok, "bit-complement", integer=True)
        return Node("bitnot", tok, e.ty, lhs=e)

    def scalar(self, tree):
        e = self.rvalue(self.expr(tree))
        if not e.ty.is_scalar():
            raise error_at(
                self.tok(tree),
                "used struct type value where scalar is required"
                if e.ty.kind != "void"
                else "void value not ignored as it ought to be",
            )
        return e

    def e_logical_not(self, tree, tok):
        return Node("not", tok, T.INT, lhs=self.scalar(tree.children[0]))

    def e_sizeof_expr(self, tree, tok):
        e = self.expr(tree.children[0])
        return self.size_of(e.ty, tok)

    def size_of(self, ty, tok):
        if ty.kind == "func":
            return self.num(tok, 1, T.ULONG)
        if not ty.is_complete() and ty.kind != "void":
            raise error_at(tok, f"invalid application of 'sizeof' to incomplete type '{T.type_name(ty)}'")
        return self.num(tok, ty.size, T.ULONG)

    def e_sizeof_type(self, tree, tok):
        return self.size_of(self.type_name(tree.children[0]), tok)

    def e_alignof_type(self, tree, tok):
        return self.num(tok, self.type_name(tree.children[0]).align, T.ULONG)

    def e_alignof_expr(self, tree, tok):
        return self.num(tok, self.expr(tree.children[0]).ty.align, T.ULONG)

    def e_cast(self, tree, tok):
        ty = self.type_name(tree.children[0])
        e = self.rvalue(self.expr(tree.children[1]))
        if ty.kind != "void" and not ty.is_scalar():
            raise error_at(tok, "conversion to non-scalar type requested")
        if ty.kind != "void" and not e.ty.is_scalar():
            raise error_at(tok, "aggregate value used where a scalar was expected")
        if ty.is_flonum() and e.ty.kind == "ptr" or ty.kind == "ptr" and e.ty.is_flonum():
            raise error_at(
                tok,
                "pointer value used where a floating-point was expected"
                if ty.is_flonum()
                else "cannot convert to a pointer type",
            )
        return Node("cast", tok, ty.unqual(), lhs=e)

    # ---- binary ----
    def e_binary(self, tree, tok):
        lhs = self.expr(tree.children[0])
        optok = self.toks[tree.children[1].start_pos]
        rhs = self.expr(tree.children[2])
        return self.binary_op(tree.children[1].value, lhs, rhs, optok)

    def binary_op(self, op, lhs, rhs, tok):
        lhs, rhs = self.rvalue(lhs), self.rvalue(rhs)
        kind = BINOPS[op]
        lt, rt = lhs.ty, rhs.ty
        if lt.kind == "void" or rt.kind == "void" or not lt.is_scalar() or not rt.is_scalar():
            raise error_at(tok, f"invalid operands to binary {op} (have '{T.type_name(lt)}' and '{T.type_name(rt)}')")
        if kind == "add":
            if lt.is_arith() and rt.is_arith():
                return self.arith(kind, lhs, rhs, tok)
            if rt.kind == "ptr" and lt.is_integer():
                lhs, rhs, lt, rt = rhs, lhs, rt, lt
            if lt.kind == "ptr" and rt.is_integer():
                return self.pointer_offset(lhs, rhs, tok, 1)
            raise error_at(tok, f"invalid operands to binary + (have '{T.type_name(lt)}' and '{T.type_name(rt)}')")
        if kind == "sub":
            if lt.is_arith() and rt.is_arith():
                return self.arith(kind, lhs, rhs, tok)
            if lt.kind == "ptr" and rt.is_integer():
                return self.pointer_offset(lhs, rhs, tok, -1)
            if lt.kind == "ptr" and rt.kind == "ptr":
                if not T.compatible(lt.base, rt.base):
                    raise error_at(tok, "invalid operands to binary - (pointers to different types)")
                diff = Node("binop", tok, T.LONG, op="sub", lhs=self.cast(lhs, T.LONG), rhs=self.cast(rhs, T.LONG))
                size = max(lt.base.size, 1) if lt.base.kind != "void" else 1
                # exact: the optimizer may divide by multiplying with the size's inverse
                return Node("binop", tok, T.LONG, op="div", lhs=diff, rhs=self.num(tok, size, T.LONG), exact=True)
            raise error_at(tok, f"invalid operands to binary - (have '{T.type_name(lt)}' and '{T.type_name(rt)}')")
        if kind in COMPARISONS:
            if lt.is_arith() and rt.is_arith():
                ty = T.common_type(lt, rt)
                return Node("binop", tok, T.INT, op=kind, lhs=self.cast(lhs, ty), rhs=self.cast(rhs, ty))
            if lt.kind == "ptr" and rt.is_integer():
                if not self.is_null_constant(rhs):
                    warn(tok, "comparison between pointer and integer")
                rhs = self.cast(rhs, lt)
            elif rt.kind == "ptr" and lt.is_integer():
                if not self.is_null_constant(lhs):
                    warn(tok, "comparison between pointer and integer")
                lhs = self.cast(lhs, rt)
            elif lt.kind == "ptr" and rt.kind == "ptr":
                a, b = lt.base.unqual(), rt.base.unqual()
                if a.kind != "void" and b.kind != "void" and not T.compatible(a, b):
                    warn(tok, "comparison of distinct pointer types lacks a cast")
            return Node("binop", tok, T.INT, op=kind, lhs=self.cast(lhs, T.ULONG), rhs=self.cast(rhs, T.ULONG))
        if not lt.is_arith() or not rt.is_arith():
            raise error_at(tok, f"invalid operands to binary {op} (have '{T.type_name(lt)}' and '{T.type_name(rt)}')")
        if kind in ("mod", "and", "or", "xor", "shl", "shr") and not (lt.is_integer() and rt.is_integer()):
            raise error_at(tok, f"invalid operands to binary {op} (have '{T.type_name(lt)}' and '{T.type_name(rt)}')")
        if kind in ("shl", "shr"):
            ty = T.promote(lt)
            return Node("binop", tok, ty, op=kind, lhs=self.cast(lhs, ty), rhs=self.cast(rhs, T.promote(rt)))
        return self.arith(kind, lhs, rhs, tok)

    def arith(self, kind, lhs, rhs, tok):
        ty = T.common_type(lhs.ty, rhs.ty)
        if kind in ("div", "mod") and ty.is_integer():
            try:
                if self.const_eval(rhs) == (None, 0):
                    warn(tok, "division by zero")
            except CompileError:
                pass
        return Node("binop", tok, ty, op=kind, lhs=self.cast(lhs, ty), rhs=self.cast(rhs, ty))

    def pointer_offset(self, ptr, n, tok, sign):
        base = ptr.ty.base
        if not base.is_complete() and base.kind != "void":
            raise error_at(tok, "arithmetic on pointer to an incomplete type")
        size = base.size if base.kind not in ("void", "func") else 1
        offset = Node("binop", tok, T.LONG, op="mul", lhs=self.cast(n, T.LONG), rhs=self.num(tok, size, T.LONG))
        return Node("binop", tok, ptr.ty, op="add" if sign > 0 else "sub", lhs=ptr, rhs=offset)

    def e_logical_and(self, tree, tok):
        return Node("logand", tok, T.INT, lhs=self.scalar(tree.children[0]), rhs=self.scalar(tree.children[1]))

    def e_logical_or(self, tree, tok):
        return Node("logor", tok, T.INT, lhs=self.scalar(tree.children[0]), rhs=self.scalar(tree.children[1]))

    def e_conditional(self, tree, tok):
        cond = self.scalar(tree.children[0])
        a = self.rvalue(self.expr(tree.children[1]))
        b = self.rvalue(self.expr(tree.children[2]))
        return self.choose(cond, a, b, tok)

    def e_elvis(self, tree, tok):
        cond = self.scalar(tree.children[0])
        t = self.temp(cond.ty, tok)
        setup = self.assign_node(t, cond)
        node = self.choose(t, t, self.rvalue(self.expr(tree.children[1])), tok)
        return Node("comma", tok, node.ty, lhs=setup, rhs=node)

    def choose(self, cond, a, b, tok):
        at, bt = a.ty, b.ty
        if at.is_arith() and bt.is_arith():
            ty = T.common_type(at, bt)
        elif at.kind == "void" or bt.kind == "void":
            ty = T.VOID
        elif at.kind == "ptr" and bt.kind == "ptr":
            ty = at if at.base.kind != "void" else bt
            if bt.base.kind == "void" and not self.is_null_constant(b):
                ty = bt
        elif at.kind == "ptr" and bt.is_integer():
            ty = at
        elif bt.kind == "ptr" and at.is_integer():
            ty = bt
        elif at.kind in ("struct", "union") and T.compatible(at, bt):
            return Node("cond", tok, at, cond=cond, then=a, els=b)
        else:
            raise error_at(tok, "type mismatch in conditional expression")
        return Node("cond", tok, ty, cond=cond, then=self.cast(a, ty), els=self.cast(b, ty))

    def e_comma(self, tree, tok):
        a = self.expr(tree.children[0])
        b = self.rvalue(self.expr(tree.children[1]))
        return Node("comma", tok, b.ty, lhs=a, rhs=b)

    def e_label_address(self, tree, tok):
        raise error_at(tok, "labels as values are not supported")


def context_verb(context):
    if context == "initialization":
        return "initializing"
    if context == "return":
        return "returning"
    if context.startswith("argument"):
        return "passing argument to"
    return "assigning to"
