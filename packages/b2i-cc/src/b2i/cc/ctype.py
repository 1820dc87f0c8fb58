"""C types for RV64 lp64d: sizes, alignments, struct layout, and the conversions C defines between them.

long and long long are 64 bits, plain char is unsigned (as on RISC-V Linux), long double is treated as
double (a documented deviation from the psABI's 128-bit long double).
"""


class Member:
    def __init__(self, name, ty, offset, bit_width=None, bit_offset=0, tok=None):
        self.name = name
        self.ty = ty
        self.offset = offset
        self.bit_width = bit_width  # None unless a bitfield
        self.bit_offset = bit_offset
        self.tok = tok


class Type:
    """One C type. kind is void, bool, char, short, int, long, float, double, ptr, array, func, struct, union."""

    def __init__(self, kind, size=0, align=1, unsigned=False, base=None):
        self.kind = kind
        self.size = size
        self.align = align
        self.unsigned = unsigned
        self.base = base  # pointee, element type, or return type
        self.array_len = None  # None: incomplete array
        self.members: list[Member] | None = None  # None: incomplete struct/union
        self.params: list = []  # function parameter types
        self.variadic = False
        self.has_proto = True
        self.tag = None
        self.is_const = False
        self.is_volatile = False
        self.is_enum = False
        self.flexible = False
        self.origin = None  # the unqualified type this is a qualified copy of

    def __repr__(self):
        return type_name(self)

    # classification
    def is_integer(self):
        return self.kind in ("bool", "char", "short", "int", "long")

    def is_flonum(self):
        return self.kind in ("float", "double")

    def is_arith(self):
        return self.is_integer() or self.is_flonum()

    def is_scalar(self):
        return self.is_arith() or self.kind == "ptr"

    def is_pointer_like(self):
        return self.kind in ("ptr", "array")

    def is_aggregate(self):
        return self.kind in ("struct", "union", "array")

    def is_complete(self):
        if self.kind == "void":
            return False
        if self.kind == "array":
            return self.array_len is not None
        if self.kind in ("struct", "union"):
            return self.members is not None
        return True

    def qualified(self, const=False, volatile=False):
        if not const and not volatile:
            return self
        t = copy_type(self)
        t.is_const = t.is_const or const
        t.is_volatile = t.is_volatile or volatile
        t.origin = self.origin or self
        return t

    def unqual(self):
        return self.origin or self


def has_volatile(t: Type) -> bool:
    """Is an object of this type, or any part of it (an array's elements, a struct's members), volatile? Such
    an object stays in memory and each of its accesses reads or writes it."""
    if t.is_volatile:
        return True
    if t.kind == "array":
        return has_volatile(t.base)
    if t.kind in ("struct", "union") and t.members:
        return any(has_volatile(m.ty) for m in t.members)
    return False


def copy_type(t: Type) -> Type:
    n = Type(t.kind, t.size, t.align, t.unsigned, t.base)
    n.__dict__.update(t.__dict__)
    return n


VOID = Type("void", 1, 1)
BOOL = Type("bool", 1, 1, True)
CHAR = Type("char", 1, 1, True)
SCHAR = Type("char", 1, 1)
UCHAR = Type("char", 1, 1, True)
SHORT = Type("short", 2, 2)
USHORT = Type("short", 2, 2, True)
INT = Type("int", 4, 4)
UINT = Type("int", 4, 4, True)
LONG = Type("long", 8, 8)
ULONG = Type("long", 8, 8, True)
FLOAT = Type("float", 4, 4)
DOUBLE = Type("double", 8, 8)

BY_NAME = {
    "int": INT,
    "unsigned int": UINT,
    "long": LONG,
    "unsigned long": ULONG,
    "float": FLOAT,
    "double": DOUBLE,
    "char": CHAR,
}


def pointer_to(base: Type) -> Type:
    t = Type("ptr", 8, 8, True, base)
    return t


def array_of(base: Type, length: int | None) -> Type:
    t = Type("array", base.size * (length or 0), base.align, False, base)
    t.array_len = length
    return t


def func_type(ret: Type, params: list[Type], variadic: bool, has_proto: bool = True) -> Type:
    t = Type("func", 1, 1, False, ret)
    t.params = params
    t.variadic = variadic
    t.has_proto = has_proto
    return t


def enum_type() -> Type:
    t = Type("int", 4, 4)
    t.is_enum = True
    return t


def align_to(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def layout_struct(t: Type, fields, is_union: bool) -> None:
    """Assigns offsets (C11 6.7.2.1 as gcc does on RISC-V: bitfields pack into units of their type).

    fields: (name, type, bit_width or None, tok, alignas) in order.
    """
    members = []
    offset_bits = 0
    align = 1
    size = 0
    for name, ty, width, tok, alignas in fields:
        a = max(ty.align, alignas or 1)
        if width is not None:
            unit = ty.size * 8
            if width == 0:
                offset_bits = align_to(offset_bits, unit)
                continue
            if is_union:
                offset_bits = 0
            if offset_bits // unit != (offset_bits + width - 1) // unit:
                offset_bits = align_to(offset_bits, unit)
            start = offset_bits // unit * ty.size
            members.append(Member(name, ty, start, width, offset_bits - start * 8, tok))
            if name is not None:
                align = max(align, a)
            offset_bits += width
            size = max(size, align_to(offset_bits, 8) // 8)
            if is_union:
                offset_bits = 0
            continue
        if is_union:
            members.append(Member(name, ty, 0, None, 0, tok))
            size = max(size, ty.size)
        else:
            offset = align_to((offset_bits + 7) // 8, a)
            members.append(Member(name, ty, offset, None, 0, tok))
            offset_bits = (offset + ty.size) * 8
            size = max(size, offset + ty.size)
        align = max(align, a)
    t.members = members
    t.align = align
    t.size = align_to(size, align)
    if members and not is_union and members[-1].ty.kind == "array" and members[-1].ty.array_len is None:
        t.flexible = True


def find_member(t: Type, name: str):
    """(member, extra offset) for a member name, searching anonymous structs and unions; None when absent."""
    for m in t.members or []:
        if m.name == name:
            return [m]
        if m.name is None and m.ty.kind in ("struct", "union"):
            inner = find_member(m.ty, name)
            if inner:
                return [m] + inner
    return None


def integer_rank(t: Type) -> int:
    return {"bool": 1, "char": 2, "short": 3, "int": 4, "long": 5}[t.kind]


def promote(t: Type) -> Type:
    """Integer promotion: everything smaller than int becomes int."""
    if t.kind in ("bool", "char", "short") or t.is_enum:
        return INT
    return t.unqual() if t.kind in ("int", "long") else t


def common_type(a: Type, b: Type) -> Type:
    """The usual arithmetic conversions (C11 6.3.1.8)."""
    if a.kind == "double" or b.kind == "double":
        return DOUBLE
    if a.kind == "float" or b.kind == "float":
        return FLOAT
    a, b = promote(a), promote(b)
    if a.size != b.size:
        return a if a.size > b.size else b
    if a.unsigned or b.unsigned:
        return ULONG if a.size == 8 else UINT
    return a


def compatible(a: Type, b: Type) -> bool:
    a, b = a.unqual(), b.unqual()
    if a is b:
        return True
    if a.kind != b.kind:
        return False
    if a.kind in ("struct", "union"):
        return a is b or (a.members is b.members and a.members is not None)
    if a.kind == "ptr":
        return compatible(a.base, b.base)
    if a.kind == "array":
        return compatible(a.base, b.base) and (a.array_len is None or b.array_len is None or a.array_len == b.array_len)
    if a.kind == "func":
        if not compatible(a.base, b.base):
            return False
        if not a.has_proto or not b.has_proto:
            return True
        return (
            a.variadic == b.variadic
            and len(a.params) == len(b.params)
            and all(compatible(x, y) for x, y in zip(a.params, b.params, strict=True))
        )
    return a.unsigned == b.unsigned and a.size == b.size


def same_type(a: Type, b: Type) -> bool:
    """Compatible in C's strict sense, for redeclarations (C11 6.7.6): qualifiers agree at every level below the
    top, and char, signed char and unsigned char are three types. (`compatible` is the looser test used for
    conversions, where qualifiers are warnings at most.)"""
    if not compatible(a, b):
        return False
    if a.kind in ("ptr", "array"):
        return a.base.is_const == b.base.is_const and same_type(a.base, b.base)
    if a.kind == "func":
        if not same_type(a.base, b.base):
            return False
        if not a.has_proto or not b.has_proto:
            return True
        return all(same_type(x.unqual(), y.unqual()) for x, y in zip(a.params, b.params, strict=True))
    if a.kind == "char":
        return a.unqual() is b.unqual()
    return True


def type_name(t: Type) -> str:
    """How gcc spells a type in diagnostics (close enough)."""
    q = "const " if t.is_const else ""
    if t.kind in ("struct", "union"):
        return f"{q}{t.kind} {t.tag or '<anonymous>'}"
    if t.kind == "ptr":
        if t.base.kind == "func":
            return f"{type_name(t.base.base)} (*)({', '.join(type_name(p) for p in t.base.params)})"
        return f"{type_name(t.base)} *" + (" const" if t.is_const else "")
    if t.kind == "array":
        return f"{type_name(t.base)}[{t.array_len if t.array_len is not None else ''}]"
    if t.kind == "func":
        return f"{type_name(t.base)}({', '.join(type_name(p) for p in t.params)})"
    if t.is_enum:
        return q + "enum"
    names = {
        ("bool", True): "_Bool",
        ("char", True): "char",
        ("char", False): "signed char",
        ("short", False): "short int",
        ("short", True): "short unsigned int",
        ("int", False): "int",
        ("int", True): "unsigned int",
        ("long", False): "long int",
        ("long", True): "long unsigned int",
    }
    if t.is_flonum() or t.kind == "void":
        return q + t.kind
    return q + names[(t.kind, t.unsigned)]
