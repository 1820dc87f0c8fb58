"""The RISC-V psABI calling convention for lp64d: where each argument and return value travels.

Scalars go in a0-a7 (integers, pointers) or fa0-fa7 (named float/double arguments); variadic arguments
always use integer registers. A struct of at most 16 bytes whose flattened fields are one or two floating
values, or one floating and one integer value, uses the hardware floating-point convention when enough
registers are left; other structs up to 16 bytes go in one or two integer registers (possibly split with the
stack); larger ones are passed by reference and returned through a hidden pointer in a0.
"""

from b2i.cc.ctype import Type


class Piece:
    """One register or stack slot of an argument: `size` bytes at `offset` inside the value."""

    def __init__(self, where, index, offset=0, size=8, ty=None):
        self.where = where  # "a", "fa" or "stack"
        self.index = index  # register number or stack slot
        self.offset = offset
        self.size = size
        self.ty = ty  # the scalar type for register pieces of structs (float/double/int)

    def __repr__(self):
        return f"Piece({self.where}{self.index}@{self.offset})"


class ArgLocation:
    def __init__(self, pieces, by_reference=False):
        self.pieces = pieces
        self.by_reference = by_reference


def flatten(ty: Type, offset=0, out=None):
    """The scalar leaves (type, offset) of a struct, or None when it holds a union or a bitfield."""
    if out is None:
        out = []
    if ty.kind == "struct":
        for m in ty.members:
            if m.bit_width is not None:
                return None
            if flatten(m.ty, offset + m.offset, out) is None:
                return None
        return out
    if ty.kind == "array":
        for i in range(ty.array_len or 0):
            if flatten(ty.base, offset + i * ty.base.size, out) is None:
                return None
        return out
    if ty.kind == "union":
        return None
    out.append((ty, offset))
    return out


def fp_fields(ty: Type):
    """The leaves if ty qualifies for the hardware floating-point convention, else None."""
    if ty.kind != "struct" or ty.size > 16:
        return None
    leaves = flatten(ty)
    if not leaves or len(leaves) > 2:
        return None
    nfp = sum(1 for t, _ in leaves if t.is_flonum())
    if nfp == 0:
        return None
    if len(leaves) == 2 and nfp == 1:
        return leaves
    if nfp == len(leaves):
        return leaves
    return None


class Allocator:
    """Hands out argument registers and stack slots in order."""

    def __init__(self, first_int=0):
        self.next_int = first_int
        self.next_fp = 0
        self.next_stack = 0

    def stack(self):
        self.next_stack += 1
        return Piece("stack", self.next_stack - 1)

    def int_piece(self, offset=0, size=8, ty=None):
        if self.next_int < 8:
            self.next_int += 1
            return Piece("a", self.next_int - 1, offset, size, ty)
        p = self.stack()
        p.offset, p.size, p.ty = offset, size, ty
        return p

    def place(self, ty: Type, named: bool) -> ArgLocation:
        if ty.kind in ("struct", "union"):
            if ty.size > 16:
                return ArgLocation([self.int_piece()], by_reference=True)
            leaves = fp_fields(ty) if named else None
            if leaves is not None:
                nfp = sum(1 for t, _ in leaves if t.is_flonum())
                nint = len(leaves) - nfp
                if self.next_fp + nfp <= 8 and self.next_int + nint <= 8:
                    pieces = []
                    for t, off in leaves:
                        if t.is_flonum():
                            pieces.append(Piece("fa", self.next_fp, off, t.size, t))
                            self.next_fp += 1
                        else:
                            pieces.append(Piece("a", self.next_int, off, t.size, t))
                            self.next_int += 1
                    return ArgLocation(pieces)
            words = (ty.size + 7) // 8
            return ArgLocation([self.int_piece(8 * i) for i in range(max(words, 1))])
        if ty.is_flonum() and named and self.next_fp < 8:
            self.next_fp += 1
            return ArgLocation([Piece("fa", self.next_fp - 1, 0, ty.size, ty)])
        return ArgLocation([self.int_piece(0, 8, ty)])


def place_arguments(types: list[Type], named_count: int, sret: bool):
    """Locations of each argument (named ones first); sret reserves a0 for the result pointer."""
    alloc = Allocator(1 if sret else 0)
    locations = [alloc.place(t, i < named_count) for i, t in enumerate(types)]
    return locations, alloc


def return_pieces(ty: Type):
    """Register pieces of a returned value, or None when it is returned through memory (sret)."""
    if ty.kind == "void":
        return []
    if ty.kind in ("struct", "union"):
        if ty.size > 16:
            return None
        leaves = fp_fields(ty)
        if leaves is not None:
            pieces, nfp, nint = [], 0, 0
            for t, off in leaves:
                if t.is_flonum():
                    pieces.append(Piece("fa", nfp, off, t.size, t))
                    nfp += 1
                else:
                    pieces.append(Piece("a", nint, off, t.size, t))
                    nint += 1
            return pieces
        return [Piece("a", i, 8 * i, 8) for i in range((ty.size + 7) // 8)]
    if ty.is_flonum():
        return [Piece("fa", 0, 0, ty.size, ty)]
    return [Piece("a", 0, 0, 8, ty)]
