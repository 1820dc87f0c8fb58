"""Semantic analysis: the lark parse tree becomes a typed AST (nodes.py), with C's conversions made explicit.

Scopes hold variables, typedefs, enum constants and tags. Every expression gets a type; integer promotions,
the usual arithmetic conversions, array/function decay and pointer arithmetic scaling are inserted here, so
code generation only sees scalar operations on operands of one type. Compound assignment and ++/-- are lowered
to plain assignments through a temporary pointer, as chibicc does.
"""

import struct

import lark
from b2i.cc import ctype as T
from b2i.cc.diagnostics import CompileError, Warnings, error_at
from b2i.cc.literals import string_bytes
from b2i.cc.nodes import Node, Obj
from b2i.cc.sema_expr import Expressions


class Scope:
    def __init__(self):
        self.names = {}  # name -> Obj | ("typedef", Type) | ("enum", value)
        self.tags = {}


class Analyzer(Expressions):
    """Walks the parse tree of one translation unit."""

    def __init__(self, toks):
        self.toks = toks
        self.scopes = [Scope()]
        self.globals: list[Obj] = []
        self.globals_by_name: dict[str, Obj] = {}
        self.fn: Obj | None = None
        self.label_count = 0
        self.string_count = 0
        self.breaks: list[str] = []
        self.conts: list[str] = []
        self.switches: list[Node] = []
        self.goto_labels: dict[str, str] = {}
        self.used_labels: list = []
        self.defined_enums: set[int] = set()  # ids of enum types with a body (`enum E;` alone declares one)

    # ---- helpers ----
    def tok(self, tree):
        if isinstance(tree, lark.Token):
            return self.toks[tree.start_pos]
        meta = getattr(tree, "meta", None)
        if meta is not None and not meta.empty:
            return self.toks[meta.start_pos]
        for c in tree.children:
            if c is not None:
                return self.tok(c)
        return self.toks[-1]

    def new_label(self):
        self.label_count += 1
        return f".L.{self.label_count}"

    def lookup(self, name):
        for s in reversed(self.scopes):
            if name in s.names:
                return s.names[name]
        return None

    def lookup_tag(self, name):
        for s in reversed(self.scopes):
            if name in s.tags:
                return s.tags[name]
        return None

    def new_local(self, name, ty, tok=None):
        v = Obj(name, ty, tok, is_local=True)
        v.is_volatile = T.has_volatile(ty)  # (a parameter too) stays in memory: every access reads or writes it
        self.fn.locals.append(v)
        if name is not None:
            self.scopes[-1].names[name] = v
        return v

    def new_global(self, name, ty, tok=None):
        v = Obj(name, ty, tok)
        self.globals.append(v)
        return v

    def string_literal(self, data: bytes, elem: T.Type, tok):
        self.string_count += 1
        n = len(data) // elem.size + 1
        v = self.new_global(f".L.str.{self.string_count}", T.array_of(elem, n), tok)
        v.is_static = True
        v.is_definition = True
        v.init = data + bytes(elem.size)
        return v

    # ---- the translation unit ----
    def translation_unit(self, tree):
        for item in tree.children:
            if item.data == "function_definition":
                self.function_definition(item)
            elif item.data == "declaration":
                self.declaration(item, top=True)
        for g in self.globals:
            if g.ty.kind == "func" and g.is_static and not g.is_definition and g.used:
                Warnings.warn(f"'{g.name}' used but never defined", g.tok.file, g.tok.line, g.tok.col)
        return self.globals

    # ---- declaration specifiers ----
    def specifiers(self, tree):
        """(type, storage class or None, attributes dict) of declaration_specifiers / specifier_qualifier_list."""
        counts = {}
        storage = None
        attrs = {"inline": False, "align": None}
        ty = None
        const = volatile = False
        first = None
        for spec in tree.children:
            first = first or spec
            if spec.data == "storage_class_specifier":
                word = spec.children[0].value
                if storage is not None:
                    raise error_at(self.tok(spec), "multiple storage classes in declaration specifiers")
                storage = word
            elif spec.data == "type_qualifier":
                const = const or spec.children[0].value == "const"
                volatile = volatile or spec.children[0].value == "volatile"
            elif spec.data == "function_specifier":
                attrs["inline"] = attrs["inline"] or spec.children[0].value == "inline"
            elif spec.data in ("alignas_type", "alignas_expr"):
                if spec.data == "alignas_type":
                    attrs["align"] = self.type_name(spec.children[0]).align
                else:
                    attrs["align"] = self.const_int(spec.children[0])
                    if attrs["align"] & (attrs["align"] - 1) or attrs["align"] < 0:
                        raise error_at(
                            self.tok(first), f"requested alignment '{attrs['align']}' is not a positive power of 2"
                        )
            elif spec.data in ("combinable_type_specifier", "unique_type_specifier"):
                child = spec.children[0]
                if isinstance(child, lark.Token) and child.type != "TYPEDEF_NAME":
                    counts[child.value] = counts.get(child.value, 0) + 1
                    continue
                if ty is not None or counts:
                    raise error_at(self.tok(spec), "two or more data types in declaration specifiers")
                if isinstance(child, lark.Token):
                    ty = self.lookup(child.value)[1]
                elif child.data == "struct_or_union_specifier" or child.data == "struct_reference":
                    ty = self.struct_specifier(child)
                elif child.data in ("enum_specifier", "enum_reference"):
                    ty = self.enum_specifier(child)
            elif spec.data == "typeof_expr":
                ty = self.expr(spec.children[0]).ty
            elif spec.data == "typeof_type":
                ty = self.type_name(spec.children[0])
        if ty is None:
            ty = self.basic_type(counts, self.tok(first) if first is not None else None)
        elif counts:
            raise error_at(self.tok(tree), "two or more data types in declaration specifiers")
        return ty.qualified(const, volatile), storage, attrs

    def basic_type(self, counts, tok):
        key = tuple(sorted((k, v) for k, v in counts.items() if k not in ("signed",)))
        signed = "signed" in counts
        unsigned = counts.get("unsigned", 0)
        if counts.get("_Complex"):
            raise error_at(tok, "complex types are not supported")
        key = tuple((k, v) for k, v in key if k != "unsigned")
        table = {
            (): T.INT,
            (("void", 1),): T.VOID,
            (("_Bool", 1),): T.BOOL,
            (("char", 1),): T.CHAR,
            (("short", 1),): T.SHORT,
            (("int", 1), ("short", 1)): T.SHORT,
            (("int", 1),): T.INT,
            (("long", 1),): T.LONG,
            (("int", 1), ("long", 1)): T.LONG,
            (("long", 2),): T.LONG,
            (("int", 1), ("long", 2)): T.LONG,
            (("float", 1),): T.FLOAT,
            (("double", 1),): T.DOUBLE,
            (("double", 1), ("long", 1)): T.DOUBLE,
        }
        ty = table.get(key)
        if (
            ty is None
            or (unsigned and signed)
            or unsigned > 1
            or (not key and not unsigned and not signed and tok is None)
        ):
            raise error_at(tok, "invalid combination of type specifiers")
        if unsigned or signed:
            if not ty.is_integer() or ty.kind == "bool":
                raise error_at(tok, "invalid combination of type specifiers")
            if ty.kind == "char":
                return T.UCHAR if unsigned else T.SCHAR
            return {"short": T.USHORT, "int": T.UINT, "long": T.ULONG}[ty.kind] if unsigned else ty
        return ty

    def struct_specifier(self, tree):
        kind = tree.children[0].children[0].value
        tag_tree = tree.children[1]
        tag = tag_tree.children[0].value if tag_tree is not None else None
        if tree.data == "struct_reference":
            ty = self.lookup_tag(tag)
            if ty is None:
                ty = T.Type(kind, 0, 1)
                ty.tag = tag
                self.scopes[-1].tags[tag] = ty
            elif ty.kind != kind:
                raise error_at(self.tok(tag_tree), f"'{tag}' defined as wrong kind of tag")
            return ty
        ty = None
        if tag is not None:
            ty = self.scopes[-1].tags.get(tag)
            if ty is not None and ty.members is not None:
                raise error_at(self.tok(tag_tree), f"redefinition of '{kind} {tag}'")
            if ty is not None and ty.kind != kind:
                raise error_at(self.tok(tag_tree), f"'{tag}' defined as wrong kind of tag")
        if ty is None:
            ty = T.Type(kind, 0, 1)
            ty.tag = tag
            if tag is not None:
                self.scopes[-1].tags[tag] = ty
        fields = []
        names = set()
        for decl in tree.children[2:]:
            if decl.data == "struct_static_assert":
                self.static_assert(decl.children[0])
                continue
            base, _, attrs = self.specifiers(decl.children[0])
            if decl.children[1] is None:
                if base.kind in ("struct", "union") and base.tag is None or base.kind in ("struct", "union"):
                    fields.append((None, base, None, self.tok(decl), attrs["align"]))
                continue
            for d in decl.children[1].children:
                if d.data == "bitfield":
                    name, fty, ntok = (
                        (None, base, self.tok(d)) if d.children[0] is None else self.declarator(d.children[0], base)
                    )
                    width = self.const_int(d.children[1])
                    if not fty.is_integer():
                        raise error_at(ntok, f"bit-field '{name}' has invalid type")
                    if width < 0 or width > fty.size * 8:
                        raise error_at(ntok, f"width of '{name}' exceeds its type")
                    fields.append((name, fty, width, ntok, attrs["align"]))
                else:
                    name, fty, ntok = self.declarator(d.children[0], base)
                    if fty.kind == "func":
                        raise error_at(ntok, f"field '{name}' declared as a function")
                    if not fty.is_complete() and not (fty.kind == "array" and d is decl.children[1].children[-1]):
                        raise error_at(ntok, f"field '{name}' has incomplete type")
                    fields.append((name, fty, None, ntok, attrs["align"]))
                if name is not None:
                    if name in names:
                        raise error_at(ntok, f"duplicate member '{name}'")
                    names.add(name)
        T.layout_struct(ty, fields, kind == "union")
        return ty

    def enum_specifier(self, tree):
        tag_tree = tree.children[0]
        tag = tag_tree.children[0].value if tag_tree is not None else None
        if tree.data == "enum_reference":
            ty = self.lookup_tag(tag)
            if ty is None:
                ty = T.enum_type()
                self.scopes[-1].tags[tag] = ty
            return ty
        ty = T.enum_type()
        if tag is not None:
            prev = self.scopes[-1].tags.get(tag)
            if prev is not None and not prev.is_enum:
                raise error_at(self.tok(tag_tree), f"'{tag}' defined as wrong kind of tag")
            if prev is not None and id(prev) in self.defined_enums:
                raise error_at(self.tok(tag_tree), f"redeclaration of 'enum {tag}'")
            self.scopes[-1].tags[tag] = ty
        self.defined_enums.add(id(ty))
        value = 0
        for e in tree.children[1].children:
            name = e.children[0]
            if e.children[1] is not None:
                value = self.const_int(e.children[1])
            if name.value in self.scopes[-1].names:
                raise error_at(self.tok(name), f"redeclaration of enumerator '{name.value}'")
            self.scopes[-1].names[name.value] = ("enum", value)
            value += 1
        return ty

    # ---- declarators ----
    def declarator(self, tree, ty):
        """(name, type, name token) of a declarator applied to a base type."""
        if tree is None:
            return None, ty, None
        data = tree.data
        if data == "declarator" or data == "abstract_declarator":
            children = tree.children
            if children and children[0] is not None and getattr(children[0], "data", None) == "pointer":
                ty = self.pointer(children[0], ty)
                children = children[1:]
            if not children or children[0] is None:
                return None, ty, self.tok(tree)
            return self.declarator(children[0], ty)
        if data == "name_declarator":
            return tree.children[0].value, ty, self.tok(tree.children[0])
        if data in ("array_declarator", "array_declarator_static", "abstract_array"):
            inner, size = tree.children[0], tree.children[-1]
            if ty.kind == "func":
                raise error_at(self.tok(tree), "declaration of array of functions")
            if ty.kind in ("struct", "union") and ty.members is None:
                names = list(inner.scan_values(lambda v: isinstance(v, lark.Token) and v.type == "IDENTIFIER"))
                at = self.tok(names[0]) if names else self.tok(tree)
                raise error_at(at, f"array type has incomplete element type '{T.type_name(ty)}'")
            if size is None or isinstance(size, lark.Tree) and size.data == "type_qualifier":
                return self.declarator(inner, T.array_of(ty, None))
            try:
                n = self.const_int(size)
            except CompileError:
                raise error_at(self.tok(size), "variable length arrays are not supported") from None
            if n < 0:
                names = list(inner.scan_values(lambda v: isinstance(v, lark.Token) and v.type == "IDENTIFIER"))
                if names:  # gcc names the array and points at its name
                    raise error_at(self.tok(names[0]), f"size of array '{names[0].value}' is negative")
                raise error_at(self.tok(size), "size of unnamed array is negative")
            if not ty.is_complete():
                raise error_at(self.tok(tree), "array type has incomplete element type")
            return self.declarator(inner, T.array_of(ty, n))
        if data in ("vla_declarator", "abstract_vla"):
            return self.declarator(tree.children[0], T.array_of(ty, None))
        if data in ("function_declarator", "abstract_function", "old_function_declarator"):
            inner, plist = tree.children[0], tree.children[1]
            if ty.kind in ("func", "array"):
                raise error_at(self.tok(tree), f"function returns {'a function' if ty.kind == 'func' else 'an array'}")
            if data == "old_function_declarator" or plist is None:
                fty = T.func_type(ty, [], False, has_proto=False)
                fty.param_names = []
            else:
                params, names, variadic = self.parameters(plist)
                fty = T.func_type(ty, params, variadic)
                fty.param_names = names
            return self.declarator(inner, fty)
        raise error_at(self.tok(tree), f"unsupported declarator {data}")  # pragma: no cover

    def pointer(self, tree, ty):
        ty = T.pointer_to(ty)
        for c in tree.children:
            if c.data == "type_qualifier":
                word = c.children[0].value
                ty = ty.qualified(word == "const", word == "volatile")
            elif c.data == "pointer":
                ty = self.pointer(c, ty)
        return ty

    def parameters(self, plist):
        params, names = [], []
        variadic = plist.children[-1] is not None
        decls = [c for c in plist.children if isinstance(c, lark.Tree)]
        for p in decls:
            base, storage, _ = self.specifiers(p.children[0])
            name, ty, tok = self.declarator(p.children[1], base)
            if ty.kind == "void" and len(decls) == 1 and name is None and p.children[1] is None:
                return [], [], variadic
            if ty.kind == "array":
                ty = T.pointer_to(ty.base)
            elif ty.kind == "func":
                ty = T.pointer_to(ty)
            elif ty.kind == "void":
                raise error_at(tok or self.tok(p), "parameter has incomplete type 'void'")
            if name is not None and any(name == seen for seen, _ in names):
                raise error_at(tok, f"redefinition of parameter '{name}'")
            params.append(ty)
            names.append((name, tok or self.tok(p)))
        return params, names, variadic

    def type_name(self, tree):
        base, _, _ = self.specifiers(tree.children[0])
        _, ty, _ = self.declarator(tree.children[1], base) if tree.children[1] is not None else (None, base, None)
        return ty

    # ---- declarations ----
    def static_assert(self, tree):
        value = self.const_int(tree.children[0])
        if not value:
            msg = ""
            if len(tree.children) > 1 and tree.children[1] is not None:
                msg = (
                    ": "
                    + string_bytes([self.toks[t.start_pos] for t in tree.children[1:] if t is not None])[0].decode()
                )
            raise error_at(self.tok(tree), "static assertion failed" + msg)

    def declaration(self, tree, top=False):
        """Declares names; returns statements that initialize locals."""
        if tree.children[0].data == "static_assert_declaration":
            self.static_assert(tree.children[0])
            return []
        base, storage, attrs = self.specifiers(tree.children[0])
        stmts = []
        if tree.children[1] is None:
            return []
        for init_decl in tree.children[1].children:
            dtree, init = init_decl.children
            name, ty, ntok = self.declarator(dtree, base)
            if name is None:
                raise error_at(self.tok(init_decl), "expected identifier")
            self.check_same_kind(name, ty, storage, ntok, top)
            if storage == "typedef":
                if init is not None:
                    raise error_at(ntok, f"typedef '{name}' is initialized")
                self.scopes[-1].names[name] = ("typedef", ty)
                continue
            if ty.kind == "func":
                self.declare_function(name, ty, storage, ntok, attrs)
                continue
            if ty.kind == "void":
                raise error_at(ntok, f"variable or field '{name}' declared void")
            if init is not None and ty.kind in ("struct", "union") and ty.members is None:
                raise error_at(ntok, f"variable '{name}' has initializer but incomplete type")
            if top or storage in ("static", "extern"):
                self.global_variable(name, ty, storage, ntok, init, attrs, top)
                continue
            if init is None and not ty.is_complete():
                raise error_at(ntok, f"storage size of '{name}' isn't known")
            if name in self.scopes[-1].names:
                prev = self.scopes[-1].names[name]
                if isinstance(prev, Obj):
                    raise error_at(ntok, f"redefinition of '{name}'")
            if init is not None and init.data != "initializer" and ty.kind == "array" and ty.array_len is None:
                ty = T.copy_type(ty)
            var = self.new_local(name, ty, ntok)
            if attrs["align"]:
                var.align = max(var.align, attrs["align"])
            if var.align > 16:  # C11 6.2.8p3: extended alignments are implementation-defined; our frames are 16
                raise error_at(ntok, f"alignment {var.align} of automatic variable '{name}' is not supported "
                                     "(b2i-cc aligns the stack to 16; make it static)")
            if init is not None:
                stmts.append(self.local_initializer(var, init))
            elif not var.ty.is_complete():
                raise error_at(ntok, f"storage size of '{name}' isn't known")
        return stmts

    def check_same_kind(self, name, ty, storage, tok, top):
        """C11 6.7p3: a name declared twice in one scope must be the same kind of thing (a typedef again only
        with the same type); gcc's wording and place (the new declarator)."""
        prev = self.scopes[-1].names.get(name)
        if prev is None:
            return
        if storage == "typedef":
            if isinstance(prev, tuple) and prev[0] == "typedef":
                if not T.same_type(prev[1], ty) or prev[1].is_const != ty.is_const:
                    raise error_at(tok, f"conflicting types for '{name}'")
                return
            raise error_at(tok, f"'{name}' redeclared as different kind of symbol")
        if isinstance(prev, tuple):
            raise error_at(tok, f"'{name}' redeclared as different kind of symbol")
        if (prev.ty.kind == "func") != (ty.kind == "func") and (top or not prev.is_local):
            raise error_at(tok, f"'{name}' redeclared as different kind of symbol")
        if not top and ty.kind != "func":
            if storage == "extern" and prev.is_local:
                raise error_at(tok, f"extern declaration of '{name}' follows declaration with no linkage")
            static_local = not prev.is_local and prev.name.startswith(f"{name}.")
            if storage != "extern" and not prev.is_local and not static_local:
                raise error_at(tok, f"declaration of '{name}' with no linkage follows extern declaration")
            if storage != "extern" and (storage == "static" or static_local):
                raise error_at(tok, f"redeclaration of '{name}' with no linkage")

    @staticmethod
    def check_linkage(prev, storage, tok, name, is_function):
        """C11 6.2.2: internal linkage cannot follow external linkage; an object defined without a storage class
        after a static declaration would have both."""
        if storage == "static" and not prev.is_static:
            raise error_at(tok, f"static declaration of '{name}' follows non-static declaration")
        if storage is None and prev.is_static and not is_function:
            raise error_at(tok, f"non-static declaration of '{name}' follows static declaration")

    def declare_function(self, name, ty, storage, tok, attrs):
        prev = self.lookup(name)
        if isinstance(prev, Obj) and prev.ty.kind == "func" and not prev.is_local:
            if not T.same_type(prev.ty, ty):
                raise error_at(tok, f"conflicting types for '{name}'")
            self.check_linkage(prev, storage, tok, name, is_function=True)
            if not prev.ty.has_proto and ty.has_proto:
                prev.ty = ty
            self.scopes[-1].names[name] = prev
            return prev
        existing = self.globals_by_name.get(name)
        if existing is not None and existing.ty.kind == "func":
            if not T.same_type(existing.ty, ty):
                raise error_at(tok, f"conflicting types for '{name}'")
            self.check_linkage(existing, storage, tok, name, is_function=True)
            self.scopes[-1].names[name] = existing
            return existing
        if existing is not None:
            raise error_at(tok, f"'{name}' redeclared as different kind of symbol")
        fn = self.new_global(name, ty, tok)
        fn.is_static = storage == "static"
        fn.is_inline = attrs["inline"]
        self.globals_by_name[name] = fn
        self.scopes[0].names.setdefault(name, fn)
        self.scopes[-1].names[name] = fn
        return fn

    def global_variable(self, name, ty, storage, tok, init, attrs, top):
        if not top and storage == "static":
            self.label_count += 1
            var = self.new_global(f"{name}.{self.label_count}", ty, tok)
            var.is_static = True
            self.scopes[-1].names[name] = var
        else:
            var = self.globals_by_name.get(name)
            if var is not None and var.ty.kind == "func":
                raise error_at(tok, f"'{name}' redeclared as different kind of symbol")
            if var is not None:
                if not T.same_type(var.ty, ty):
                    raise error_at(tok, f"conflicting types for '{name}'")
                if var.ty.is_const != ty.is_const:
                    raise error_at(tok, f"conflicting type qualifiers for '{name}'")
                if top:
                    self.check_linkage(var, storage, tok, name, is_function=False)
                if var.ty.kind == "array" and var.ty.array_len is None:
                    var.ty = ty
                if init is not None and var.is_definition and var.init is not None and not var.is_tentative:
                    raise error_at(tok, f"redefinition of '{name}'")
            else:
                var = self.new_global(name, ty, tok)
                self.globals_by_name[name] = var
            if storage == "static":
                var.is_static = True
            self.scopes[-1].names[name] = var
            if not top:
                self.scopes[0].names.setdefault(name, var)
        if attrs["align"]:
            var.align = max(var.align, attrs["align"])
        if storage == "extern" and init is None:
            return
        if init is not None:
            self.global_initializer(var, init)
            var.is_tentative = False
        elif not var.is_definition:
            var.is_tentative = True
        var.is_definition = True
        if init is None and not var.ty.is_complete():
            if var.ty.kind == "array":
                var.ty = T.array_of(var.ty.base, 1)
            else:
                raise error_at(tok, f"storage size of '{name}' isn't known")

    # ---- functions ----
    def function_definition(self, tree):
        base, storage, attrs = self.specifiers(tree.children[0])
        name, ty, tok = self.declarator(tree.children[1], base)
        if ty.kind != "func":
            raise error_at(tok, "expected function declarator")
        fn = self.declare_function(name, ty, storage, tok, attrs)
        if fn.is_definition:
            raise error_at(tok, f"redefinition of '{name}'")
        fn.ty = ty
        fn.is_definition = True
        self.fn = fn
        self.goto_labels = {}
        self.used_labels = []
        self.scopes.append(Scope())
        for pty, (pname, ptok) in zip(ty.params, ty.param_names, strict=True):
            if pname is None:
                pname = None
            fn.params.append(self.new_local(pname, pty, ptok))
        if ty.variadic:
            fn.va_area = self.new_local(None, T.array_of(T.LONG, 8))
        if ty.base.kind in ("struct", "union") and ty.base.size > 16:
            fn.sret = self.new_local(None, T.pointer_to(ty.base))
        else:
            fn.sret = None
        func_name = self.string_literal(name.encode(), T.CHAR, tok)
        self.scopes[-1].names["__func__"] = func_name
        self.scopes[-1].names["__FUNCTION__"] = func_name
        fn.body = self.compound(tree.children[2], new_scope=False)
        self.scopes.pop()
        for label, _ in self.used_labels:
            if not self.goto_labels[label][1]:  # gcc points at the function's first token
                raise error_at(self.tok(tree), f"label '{label}' used but not defined")
        self.fn = None

    # ---- statements ----
    def compound(self, tree, new_scope=True):
        if new_scope:
            self.scopes.append(Scope())
        body = []
        for item in tree.children:
            if item.data == "declaration":
                body.extend(self.declaration(item))
            else:
                body.append(self.stmt(item))
        if new_scope:
            self.scopes.pop()
        return Node("block", self.tok(tree), body=body)

    def stmt(self, tree):
        tok = self.tok(tree)
        d = tree.data
        if d == "compound_statement":
            return self.compound(tree)
        if d == "expression_statement":
            e = tree.children[0]
            return Node("expr_stmt", tok, lhs=self.expr(e)) if e is not None else Node("block", tok, body=[])
        if d == "if_statement":
            cond = self.condition(tree.children[0])
            then = self.stmt(tree.children[1])
            els = self.stmt(tree.children[2]) if tree.children[2] is not None else None
            return Node("if", tok, cond=cond, then=then, els=els)
        if d in ("while_loop", "for_loop", "for_decl_loop"):
            brk, cont = self.new_label(), self.new_label()
            self.scopes.append(Scope())
            init = None
            if d == "while_loop":
                cond, inc, body_tree = tree.children[0], None, tree.children[1]
            elif d == "for_loop":
                init_t, cond, inc, body_tree = tree.children
                init = Node("expr_stmt", tok, lhs=self.expr(init_t)) if init_t is not None else None
            else:
                decl, cond, inc, body_tree = tree.children
                init = Node("block", tok, body=self.declaration(decl))
            cond = self.condition(cond) if cond is not None else None
            inc = self.expr(inc) if inc is not None else None
            self.breaks.append(brk)
            self.conts.append(cont)
            body = self.stmt(body_tree)
            self.breaks.pop()
            self.conts.pop()
            self.scopes.pop()
            return Node("for", tok, init=init, cond=cond, inc=inc, body=body, brk=brk, cont=cont)
        if d == "do_loop":
            brk, cont = self.new_label(), self.new_label()
            self.breaks.append(brk)
            self.conts.append(cont)
            body = self.stmt(tree.children[0])
            self.breaks.pop()
            self.conts.pop()
            return Node("do", tok, body=body, cond=self.condition(tree.children[1]), brk=brk, cont=cont)
        if d == "switch":
            cond = self.expr(tree.children[0])
            if not cond.ty.is_integer():
                raise error_at(self.tok(tree.children[0]), "switch quantity not an integer")
            cond = self.cast(cond, T.promote(cond.ty))
            node = Node("switch", tok, cond=cond, cases=[], default=None, brk=self.new_label())
            self.switches.append(node)
            self.breaks.append(node.brk)
            node.body = self.stmt(tree.children[1])
            self.breaks.pop()
            self.switches.pop()
            return node
        if d in ("case", "case_range", "default"):
            if not self.switches:
                where = "'default' label" if d == "default" else "case label"
                raise error_at(tok, f"{where} not within a switch statement")
            sw = self.switches[-1]
            label = self.new_label()
            if d == "default":
                if sw.default is not None:
                    raise error_at(tok, "multiple default labels in one switch")
                sw.default = label
            else:
                lo = self.const_int(tree.children[0])
                hi = self.const_int(tree.children[1]) if d == "case_range" else lo
                for a, b, _ in sw.cases:
                    if a <= hi and lo <= b:
                        raise error_at(tok, "duplicate case value")
                sw.cases.append((lo, hi, label))
            return Node("label", tok, label=label, body=self.stmt(tree.children[-1]))
        if d == "label":
            name = tree.children[0].value
            if name in self.goto_labels and self.goto_labels[name][1]:
                raise error_at(tok, f"duplicate label '{name}'")
            label = self.goto_labels.get(name, (self.new_label(), False))[0]
            self.goto_labels[name] = (label, True)
            return Node("label", tok, label=label, body=self.stmt(tree.children[1]))
        if d == "goto":
            name = tree.children[0].value
            if name not in self.goto_labels:
                self.goto_labels[name] = (self.new_label(), False)
            self.used_labels.append((name, tok))
            return Node("goto", tok, label=self.goto_labels[name][0])
        if d == "break_":
            if not self.breaks:
                raise error_at(tok, "break statement not within loop or switch")
            return Node("goto", tok, label=self.breaks[-1])
        if d == "continue_":
            if not self.conts:
                raise error_at(tok, "continue statement not within a loop")
            return Node("goto", tok, label=self.conts[-1])
        if d == "return_":
            ret = self.fn.ty.base
            if tree.children[0] is None:
                if ret.kind != "void":
                    Warnings.warn("'return' with no value, in function returning non-void", tok.file, tok.line, tok.col)
                return Node("return", tok, lhs=None)
            e = self.expr(tree.children[0])
            if ret.kind == "void":
                if e.ty.kind != "void":
                    Warnings.warn("'return' with a value, in function returning void", tok.file, tok.line, tok.col)
                return Node("block", tok, body=[Node("expr_stmt", tok, lhs=e), Node("return", tok, lhs=None)])
            return Node("return", tok, lhs=self.assign_convert(e, ret, self.tok(tree.children[0]), "return"))
        if d == "asm_statement":
            return self.asm_statement(tree)
        raise error_at(tok, f"unsupported statement {d}")

    def condition(self, tree):
        e = self.rvalue(self.expr(tree))
        if not e.ty.is_scalar():
            raise error_at(self.tok(tree), "used struct type value where scalar is required")
        return e

    def asm_statement(self, tree):
        tok = self.tok(tree)
        strings = [c for c in tree.children if isinstance(c, lark.Token)]
        template = string_bytes([self.toks[s.start_pos] for s in strings])[0].decode()
        sections = next((c for c in tree.children if isinstance(c, lark.Tree) and c.data == "asm_sections"), None)
        outputs, inputs, clobbers = [], [], []
        if sections is not None:
            parts = sections.children + [None] * (3 - len(sections.children))
            for slot, target in ((parts[0], outputs), (parts[1], inputs)):
                if slot is None:
                    continue
                for op in slot.children:
                    name = op.children[0].value if op.children[0] is not None else None
                    constraint = string_bytes([self.toks[op.children[1].start_pos]])[0].decode()
                    e = self.expr(op.children[2])
                    if target is inputs:
                        e = self.rvalue(e)
                    target.append((name, constraint, e))
            if parts[2] is not None:
                clobbers = [string_bytes([self.toks[s.start_pos]])[0].decode() for s in parts[2].children]
        return Node(
            "asm", tok, template=template, outputs=outputs, inputs=inputs, clobbers=clobbers, simple=sections is None
        )

    # ---- initializers ----
    def initializer_tree(self, ty, init):
        """Resolves an initializer into {offset: (type, expr node)} leaves, plus the completed type."""
        leaves = {}
        if init.data == "initializer" or init.data not in ("braced_initializer", "empty_initializer"):
            inner = init.children[0] if init.data == "initializer" else init
            if ty.kind == "array" and self.is_string_tree(inner) and ty.base.is_integer():
                e = self.expr(inner)
                data = e.string_data
                n = len(data) // ty.base.size
                if ty.array_len is None:
                    ty = T.array_of(ty.base, n + 1)
                self.string_leaves(leaves, 0, ty, data)
                return ty, leaves
            if ty.kind == "array":
                raise error_at(self.tok(inner), "array must be initialized with a brace-enclosed initializer")
            e = self.expr(inner)
            if ty.kind in ("struct", "union") and T.compatible(e.ty, ty):
                leaves[0] = (ty, e)
                return ty, leaves
            if ty.kind in ("struct", "union"):
                items = [(None, init)]
                ty = self.fill_aggregate(ty, items, 0, leaves, self.tok(init))
                return ty, leaves
            leaves[0] = (ty, self.assign_convert(e, ty, self.tok(inner), "initialization"))
            return ty, leaves
        items = []
        if init.data == "braced_initializer":
            for di in init.children[0].children:
                items.append((di.children[0], di.children[1]))
        one = len(items) == 1 and items[0][0] is None
        if ty.kind == "array" and ty.base.is_integer() and one and self.is_string_tree(items[0][1]):
            return self.initializer_tree(ty, items[0][1])  # char s[] = {"hi"}: the braces are optional
        if ty.is_scalar():
            if not items:
                leaves[0] = (ty, self.cast(Node("num", self.tok(init), T.INT, val=0), ty))
                return ty, leaves
            _, leaves2 = self.initializer_tree(ty, items[0][1])
            return ty, leaves2
        ty = self.fill_aggregate(ty, items, 0, leaves, self.tok(init), braced=True)
        return ty, leaves

    def is_string_tree(self, tree):
        while isinstance(tree, lark.Tree) and tree.data == "initializer":
            tree = tree.children[0]
        return isinstance(tree, lark.Tree) and tree.data == "string"

    def string_leaves(self, leaves, offset, ty, data):
        esize = ty.base.size
        n = min(len(data) // esize, ty.array_len if ty.array_len is not None else 1 << 30)
        for i in range(n):
            v = int.from_bytes(data[i * esize : (i + 1) * esize], "little")
            leaves[offset + i * esize] = (ty.base, Node("num", None, ty.base, val=v))

    def fill_aggregate(self, ty, items, offset, leaves, tok, braced=False):
        """Consumes items (designation, initializer) for an aggregate at offset; returns the completed type."""
        pos = [0]
        ty = self.fill(ty, items, pos, offset, leaves, tok, top=True)
        if pos[0] < len(items):
            at = self.tok(items[pos[0]][1])
            Warnings.warn("excess elements in initializer", at.file, at.line, at.col)
        return ty

    def fill(self, ty, items, pos, offset, leaves, tok, top=False):
        """Fills one aggregate from items[pos:], following designators; brace elision per C11 6.7.9."""
        if ty.kind == "array":
            index = 0
            max_index = 0
            while pos[0] < len(items):
                desig, init = items[pos[0]]
                if desig is not None:
                    if not top:
                        return self.finish_array(ty, max_index)
                    first = desig.children[0]
                    if first.data not in ("index_designator", "range_designator"):
                        raise error_at(self.tok(first), "field name not in record or union initializer")
                    index = self.const_int(first.children[0])
                    hi = self.const_int(first.children[1]) if first.data == "range_designator" else index
                    if ty.array_len is not None and (index >= ty.array_len or index < 0):
                        raise error_at(self.tok(first), "array index in initializer exceeds array bounds")
                    rest = desig.children[1:]
                    for k in range(index, hi + 1):
                        self.designated(ty.base, rest, init, offset + k * ty.base.size, leaves)
                    pos[0] += 1
                    index = hi + 1
                    max_index = max(max_index, index)
                    continue
                if ty.array_len is not None and index >= ty.array_len:
                    break
                self.element(ty.base, items, pos, offset + index * ty.base.size, leaves)
                index += 1
                max_index = max(max_index, index)
            return self.finish_array(ty, max_index)
        if ty.members is None:
            raise error_at(tok, f"variable has initializer but incomplete type '{T.type_name(ty)}'")
        members = [m for m in ty.members if m.name is not None or m.ty.kind in ("struct", "union")]
        mi = 0
        first = True
        while pos[0] < len(items):
            desig, init = items[pos[0]]
            if desig is not None:
                if not top:
                    return ty
                d0 = desig.children[0]
                if d0.data != "member_designator1":
                    raise error_at(self.tok(d0), "array index in non-array initializer")
                name = d0.children[0].children[0].value
                path = T.find_member(ty, name)
                if not path:
                    raise error_at(self.tok(d0.children[0]), f"'{type_str(ty)}' has no member named '{name}'")
                off = offset + sum(m.offset for m in path)
                m = path[-1]
                self.designated(m.ty, desig.children[1:], init, off, leaves, member=m)
                pos[0] += 1
                mi = members.index(path[0]) + 1 if path[0] in members else len(members)
                if ty.kind == "union":
                    return ty
                continue
            if mi >= len(members) or (ty.kind == "union" and not first):
                break
            m = members[mi]
            if m.bit_width is not None:
                _, init = items[pos[0]]
                e = self.init_expr(init)
                leaves[(offset + m.offset, m.bit_offset, m.bit_width)] = (m.ty, self.cast(e, m.ty))
                pos[0] += 1
            else:
                self.element(m.ty, items, pos, offset + m.offset, leaves)
            mi += 1
            first = False
        return ty

    def init_expr(self, init):
        while init.data == "braced_initializer":
            init = init.children[0].children[0].children[1]
        return self.expr(init.children[0] if init.data == "initializer" else init)

    def finish_array(self, ty, count):
        if ty.array_len is None:
            return T.array_of(ty.base, count)
        return ty

    def designated(self, ty, rest, init, offset, leaves, member=None):
        if rest:
            fake = _FakeDesig(rest)
            self.fill(ty, [(fake, init)], [0], offset, leaves, self.tok(init), top=True)
            return
        if member is not None and member.bit_width is not None:
            leaves[(offset, member.bit_offset, member.bit_width)] = (ty, self.cast(self.init_expr(init), ty))
            return
        self.element(ty, [(None, init)], [0], offset, leaves)

    def element(self, ty, items, pos, offset, leaves):
        """One element: a braced initializer for it, a string for a char array, or brace elision."""
        _, init = items[pos[0]]
        if init.data in ("braced_initializer", "empty_initializer"):
            pos[0] += 1
            _, sub = self.initializer_tree(ty, init)
            for k, v in sub.items():
                leaves[shift_key(k, offset)] = v
            return
        inner = init.children[0]
        if ty.kind == "array" and ty.base.is_integer() and self.is_string_tree(inner):
            pos[0] += 1
            e = self.expr(inner)
            self.string_leaves(leaves, offset, ty, e.string_data)
            return
        if ty.kind in ("array", "struct", "union"):
            if ty.kind != "array":
                e = self.expr(inner)
                if T.compatible(e.ty, ty):
                    pos[0] += 1
                    leaves[offset] = (ty, e)
                    return
                # re-analysing the expression below is harmless: it is pure syntax
            self.fill(ty, items, pos, offset, leaves, self.tok(init))
            return
        pos[0] += 1
        e = self.expr(inner)
        leaves[offset] = (ty, self.assign_convert(e, ty, self.tok(inner), "initialization"))

    def local_initializer(self, var, init):
        ty, leaves = self.initializer_tree(var.ty, init)
        var.ty = ty
        tok = var.tok
        stmts = []
        if ty.kind in ("array", "struct", "union") and not (len(leaves) == 1 and 0 in leaves and leaves[0][0] is ty):
            stmts.append(Node("memzero", tok, obj=var))
        base = Node("var", tok, var.ty, obj=var)
        for key, (lty, e) in sorted(leaves.items(), key=lambda kv: key_offset(kv[0])):
            if isinstance(key, tuple):
                off, bit_offset, width = key
                m = T.Member(None, lty, 0, width, bit_offset)
                target = Node(
                    "member", tok, lty, lhs=self.at_offset(base, off, T.LONG if lty.size == 8 else lty), member=m
                )
            elif key == 0 and lty is var.ty:
                target = base
            else:
                target = self.at_offset(base, key, lty)
            stmts.append(Node("expr_stmt", tok, lhs=Node("assign", tok, lty, lhs=target, rhs=e)))
        return Node("block", tok, body=stmts)

    def at_offset(self, base, offset, ty):
        """*(ty *)((char *)&base + offset) as an lvalue."""
        addr = Node("addr", base.tok, T.pointer_to(base.ty), lhs=base)
        addr = Node("cast", base.tok, T.pointer_to(T.CHAR), lhs=addr)
        addr = Node(
            "binop", base.tok, T.pointer_to(T.CHAR), op="add", lhs=addr, rhs=Node("num", base.tok, T.LONG, val=offset)
        )
        return Node("deref", base.tok, ty, lhs=Node("cast", base.tok, T.pointer_to(ty), lhs=addr))

    def global_initializer(self, var, init):
        ty, leaves = self.initializer_tree(var.ty, init)
        var.ty = ty
        data = bytearray(ty.size)
        relocs = []
        for key, (lty, e) in leaves.items():
            if isinstance(key, tuple):
                off, bit_offset, width = key
                v = self.const_int_node(e)
                unit = int.from_bytes(data[off : off + lty.size], "little")
                mask = ((1 << width) - 1) << bit_offset
                unit = (unit & ~mask) | ((v << bit_offset) & mask)
                data[off : off + lty.size] = unit.to_bytes(lty.size, "little")
                continue
            self.write_constant(data, relocs, key, lty, e)
        var.init = bytes(data)
        var.relocs = relocs

    def write_constant(self, data, relocs, off, ty, e):
        if ty.kind in ("struct", "union", "array"):
            if e.kind == "var" and e.obj.init is not None and e.obj.name.startswith(".L.compound"):
                data[off : off + ty.size] = e.obj.init
                relocs.extend((off + o, lab, a) for o, lab, a in e.obj.relocs)
                return
            raise error_at(e.tok, "initializer element is not constant")
        if ty.is_flonum():
            v = self.const_float(e)
            data[off : off + ty.size] = struct.pack("<f" if ty.size == 4 else "<d", v)
            return
        label, value = self.const_eval(e)
        if label is not None:
            if ty.size != 8:
                raise error_at(e.tok, "initializer element is not computable at load time")
            relocs.append((off, label, value))
            return
        data[off : off + ty.size] = (value & ((1 << (8 * ty.size)) - 1)).to_bytes(ty.size, "little")

    # ---- constant expressions ----
    def const_int(self, tree) -> int:
        if isinstance(tree, lark.Tree) and tree.data == "constant_expression":
            tree = tree.children[0]
        e = self.expr(tree)
        if not e.ty.is_integer():
            raise error_at(self.tok(tree), "expression is not an integer constant expression")
        return self.const_int_node(e)

    def const_int_node(self, e) -> int:
        label, v = self.const_eval(e)
        if label is not None:
            raise error_at(e.tok, "expression is not an integer constant expression")
        return v

    def const_float(self, e) -> float:
        if e.kind == "fnum":
            return e.fval
        if e.kind == "cast" and e.lhs.ty.is_arith():
            if e.lhs.ty.is_flonum():
                v = self.const_float(e.lhs)
            else:
                v = float(self.const_int_node(e.lhs))
            return struct.unpack("<f", struct.pack("<f", v))[0] if e.ty.kind == "float" and abs(v) < 3.4e38 else v
        if e.kind == "neg":
            return -self.const_float(e.lhs)
        if e.kind == "binop" and e.op in ("add", "sub", "mul", "div"):
            a, b = self.const_float(e.lhs), self.const_float(e.rhs)
            if e.op == "div":
                return a / b if b else (float("inf") if a > 0 else float("-inf") if a < 0 else float("nan"))
            return {"add": a + b, "sub": a - b, "mul": a * b}[e.op]
        if e.kind == "cond":
            return self.const_float(e.then) if self.const_int_node(e.cond) else self.const_float(e.els)
        if e.ty.is_integer():
            return float(self.const_int_node(e))
        raise error_at(e.tok, "initializer element is not constant")

    def const_eval(self, e):
        """(label or None, value): integer constant expressions and address constants."""
        k = e.kind
        if k == "num":
            return None, wrap(e.val, e.ty)
        if k == "cast":
            if e.lhs.ty.is_flonum() and e.ty.is_integer():
                return None, wrap(int(self.const_float(e.lhs)), e.ty)
            label, v = self.const_eval(e.lhs)
            if label is not None:
                if e.ty.size != 8:
                    raise error_at(e.tok, "initializer element is not computable at load time")
                return label, v
            if e.ty.kind == "bool":
                return None, int(v != 0)
            return None, wrap(v, e.ty) if e.ty.is_integer() or e.ty.kind == "ptr" else v
        if k == "addr":
            return self.address_of(e.lhs)
        if k == "var" and e.ty.kind in ("array", "func"):
            return self.address_of(e)
        if k == "binop":
            la, a = self.const_eval(e.lhs)
            if e.op in ("add", "sub") and la is not None:
                lb, b = self.const_eval(e.rhs)
                if lb is not None:
                    raise error_at(e.tok, "initializer element is not constant")
                return la, a + b if e.op == "add" else a - b
            lb, b = self.const_eval(e.rhs)
            if la is not None or lb is not None:
                if e.op == "add" and lb is not None:
                    return lb, a + b
                raise error_at(e.tok, "initializer element is not constant")
            ty = e.lhs.ty
            return None, fold_int(e.op, a, b, ty, e.ty, e.tok)
        if k in ("neg", "bitnot", "not"):
            _, a = self.const_eval_int(e.lhs)
            return None, wrap({"neg": -a, "bitnot": ~a, "not": int(not a)}[k], e.ty)
        if k == "logand":
            return None, int(bool(self.const_int_node(e.lhs)) and bool(self.const_int_node(e.rhs)))
        if k == "logor":
            return None, int(bool(self.const_int_node(e.lhs)) or bool(self.const_int_node(e.rhs)))
        if k == "cond":
            return self.const_eval(e.then) if self.const_int_node(e.cond) else self.const_eval(e.els)
        if k == "comma":
            return self.const_eval(e.rhs)
        raise error_at(e.tok, "initializer element is not constant")

    def const_eval_int(self, e):
        label, v = self.const_eval(e)
        if label is not None:
            raise error_at(e.tok, "initializer element is not constant")
        return None, v

    def address_of(self, e):
        if e.kind == "var":
            if e.obj.is_local:
                raise error_at(e.tok, "initializer element is not constant")
            return e.obj.name, 0
        if e.kind == "deref":
            return self.const_eval(e.lhs)
        if e.kind == "member":
            label, v = self.address_of(e.lhs)
            return label, v + e.member.offset
        if e.kind == "cast":
            return self.address_of(e.lhs)
        raise error_at(e.tok, "initializer element is not constant")


class _FakeDesig:
    """A designation's remaining designators after the first (for nested designators like .a.b[2])."""

    def __init__(self, children):
        self.children = children


def shift_key(k, offset):
    if isinstance(k, tuple):
        return (k[0] + offset, k[1], k[2])
    return k + offset


def key_offset(k):
    return (k[0], k[1]) if isinstance(k, tuple) else (k, -1)


def type_str(ty):
    return T.type_name(ty)


def wrap(v, ty):
    if ty.kind == "ptr":
        return v & ((1 << 64) - 1)
    if not ty.is_integer():
        return v
    if ty.kind == "bool":
        return int(v != 0)
    bits = ty.size * 8
    v &= (1 << bits) - 1
    if not ty.unsigned and v >> (bits - 1):
        v -= 1 << bits
    return v


def fold_int(op, a, b, ty, result_ty, tok):
    """Folds an integer binary operation as C does for operands of type ty."""
    if op in ("div", "mod"):
        if b == 0:
            raise error_at(tok, "division by zero")
        q = abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)
        v = q if op == "div" else a - q * b
    elif op == "shl":
        v = a << (b & (ty.size * 8 - 1))
    elif op == "shr":
        v = a >> (b & (ty.size * 8 - 1))
    else:
        v = {
            "add": lambda: a + b,
            "sub": lambda: a - b,
            "mul": lambda: a * b,
            "and": lambda: a & b,
            "or": lambda: a | b,
            "xor": lambda: a ^ b,
            "eq": lambda: int(a == b),
            "ne": lambda: int(a != b),
            "lt": lambda: int(a < b),
            "le": lambda: int(a <= b),
            "gt": lambda: int(a > b),
            "ge": lambda: int(a >= b),
        }[op]()
    return wrap(v, result_ty)


def analyze(tree, toks) -> list[Obj]:
    """The globals (functions, variables, string literals) of a translation unit, with typed bodies."""
    try:
        return Analyzer(toks).translation_unit(tree)
    except RecursionError:
        raise CompileError("expression nested too deeply") from None
