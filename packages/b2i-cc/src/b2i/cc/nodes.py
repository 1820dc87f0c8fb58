"""The typed AST: what semantic analysis produces and code generation reads.

Like chibicc, one Node class with a `kind` and the fields that kind uses; every expression node has its C type
in `ty`. Objects (variables and functions) are `Obj`.
"""


class Node:
    """One expression or statement. Fields by kind are listed in docs/passes.md."""

    def __init__(self, kind, tok, ty=None, **fields):
        self.kind = kind
        self.tok = tok
        self.ty = ty
        self.__dict__.update(fields)

    def __repr__(self):
        return f"Node({self.kind}, {self.ty})"


class Obj:
    """A variable or a function: locals live at a frame offset, globals and functions at a label."""

    def __init__(self, name, ty, tok=None, is_local=False):
        self.name = name
        self.ty = ty
        self.tok = tok
        self.is_local = is_local
        self.is_static = False  # internal linkage
        self.is_definition = False
        self.is_tentative = False
        self.offset = 0
        self.align = ty.align if ty is not None else 1
        self.is_volatile = False  # a local of volatile type (or with volatile parts): in memory, every read a load
        self.init: bytes | None = None  # global initial bytes
        self.relocs: list = []  # (offset, label, addend)
        # functions
        self.params: list[Obj] = []
        self.locals: list[Obj] = []
        self.body = None
        self.is_inline = False
        self.stack_size = 0
        self.va_save = 0
        self.used = False
