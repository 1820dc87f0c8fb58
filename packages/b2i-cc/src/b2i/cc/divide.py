"""Division and remainder by a constant as multiplication (-O1 and above), as gcc does.

A divide instruction takes tens of cycles; `x / d` for a constant d is a multiply-high by a "magic" number near
2**64 / d and a shift or two (Granlund and Montgomery, "Division by Invariant Integers using Multiplication",
1994). The rewrite happens on the typed AST, so the magic constant is an ordinary constant that loop-invariant
code motion moves out of loops; `mulh` and `mulhu` are binops whose result is the high 64 bits of the 128-bit
product of their 64-bit operands (the node's type may be narrower: the value then fits it).

- unsigned, a power of two: a shift; the remainder is a mask.
- unsigned 32-bit: `mulhu(zero-extended x, ceil(2**64 / d))` is exact for every 32-bit x.
- unsigned 64-bit: the paper's multiplier; an even divisor whose multiplier needs 65 bits shifts x first, an
  odd one takes the add-and-halve correction (figure 4.2).
- signed, a power of two: an arithmetic shift after adding d - 1 to negative dividends (C truncates).
- signed 32-bit: `mulh(x, ceil(2**64 / |d|))` minus the sign of x (-1 or 0) is the truncated quotient.
- signed 64-bit: figure 5.2 of the paper.
- a remainder is x - (x / d) * d; a quotient known to be exact (a pointer difference) is one multiplication by
  the divisor's inverse modulo 2**64.

The dividend is read several times: unless it is a local variable, it is first assigned to a new local.
"""

from b2i.cc import ctype as T
from b2i.cc.nodes import Node, Obj
from b2i.cc.sema import wrap


def choose_multiplier(d: int, bits: int, precision: int) -> tuple[int, int]:
    """(m, shift) with floor(x * m / 2**(bits + shift)) == floor(x / d) for every x below 2**precision; m may
    need bits + 1 bits (Granlund and Montgomery, figure 6.2)."""
    log = (d - 1).bit_length()  # ceil(log2 d)
    shift = log
    low = (1 << (bits + log)) // d
    high = ((1 << (bits + log)) + (1 << (bits + log - precision))) // d
    while low // 2 < high // 2 and shift > 0:
        low, high, shift = low // 2, high // 2, shift - 1
    return high, shift


def trailing_zeros(n: int) -> int:
    return (n & -n).bit_length() - 1


class Divider:
    """Builds the replacement of one `x / d` or `x % d` node."""

    def __init__(self, node: Node, fn: Obj):
        self.node = node
        self.fn = fn
        self.tok = node.tok
        ty = node.ty
        self.bits = ty.size * 8
        self.signed = {4: T.INT, 8: T.LONG}[ty.size]
        self.unsigned = {4: T.UINT, 8: T.ULONG}[ty.size]
        self.ty = self.unsigned if ty.unsigned else self.signed
        self.setup: list[Node] = []  # assignments to temporaries, run before the result

    # ---- node builders ----
    def op(self, op, ty, a, b):
        return Node("binop", self.tok, ty, op=op, lhs=a, rhs=b)

    def num(self, value, ty):
        return Node("num", self.tok, ty, val=wrap(value, ty))

    def cast(self, e, ty):
        if e.ty.size == ty.size and e.ty.unsigned == ty.unsigned and e.ty.kind == ty.kind:
            return e
        return Node("cast", self.tok, ty, lhs=e)

    def shift(self, op, e, n):
        return e if n == 0 else self.op(op, e.ty, e, self.num(n, T.INT))

    def shared(self, e):
        """A function making fresh reads of e's value: e itself when it is a local variable (reading it again
        gives the same value, nothing in between stores), else a new local assigned e once."""
        if not (e.kind == "var" and e.obj.is_local and e.ty.is_scalar()):
            obj = Obj(None, e.ty, self.tok, is_local=True)
            self.fn.locals.append(obj)
            var = Node("var", self.tok, e.ty, obj=obj)
            self.setup.append(Node("assign", self.tok, e.ty, lhs=var, rhs=e))
            e = var
        return lambda: Node("var", e.tok, e.ty, obj=e.obj)

    def finish(self, value):
        """value with the setup assignments ahead of it, in the node's own type."""
        value = self.cast(value, self.node.ty) if value.ty.kind != "void" else value
        for s in reversed(self.setup):
            value = Node("comma", self.tok, value.ty, lhs=s, rhs=value)
        return value

    # ---- the rewrite ----
    def rewrite(self):
        """The replacement node, or None when the division stays (a zero divisor, a type it does not cover)."""
        node = self.node
        d = wrap(node.rhs.val, self.ty)
        if d == 0:
            return None
        x = self.cast(node.lhs, self.ty)
        if d in (1, -1):
            if node.op == "mod":
                return self.finish(Node("comma", self.tok, self.ty, lhs=x, rhs=self.num(0, self.ty)))
            return self.finish(x if d == 1 else Node("neg", self.tok, self.ty, lhs=x))
        power = abs(d) & (abs(d) - 1) == 0
        if self.ty.unsigned and power:
            if node.op == "div":
                return self.finish(self.shift("shr", x, trailing_zeros(d)))
            return self.finish(self.op("and", self.ty, x, self.num(d - 1, self.ty)))
        read = self.shared(x)
        if getattr(node, "exact", False) and node.op == "div":
            q = self.exact_quotient(read, d)
        elif self.ty.unsigned:
            q = self.unsigned_quotient(read, d)
        elif power:
            q = self.signed_power_quotient(read, d)
        else:
            q = self.signed_quotient(read, d)
        if node.op == "div":
            return self.finish(q)
        if not self.ty.unsigned and power:  # x - (x + bias & -|d|): no multiply
            return self.finish(self.signed_power_remainder(read, d))
        u = self.unsigned
        product = self.op("mul", u, self.cast(q, u), self.num(d, u))
        return self.finish(self.op("sub", u, self.cast(read(), u), product))

    def exact_quotient(self, read, d):
        """x / d where d divides x: shift out d's factors of two, multiply by the odd part's inverse."""
        k = trailing_zeros(abs(d))
        odd = abs(d) >> k
        x = self.shift("shr", read(), k)
        if odd != 1:
            inverse = pow(odd, -1, 1 << self.bits)
            x = self.cast(
                self.op("mul", self.unsigned, self.cast(x, self.unsigned), self.num(inverse, self.unsigned)), self.ty
            )
        return x if d > 0 else Node("neg", self.tok, self.ty, lhs=x)

    def unsigned_quotient(self, read, d):
        u64 = T.ULONG
        if self.bits == 32:
            magic = -(-(1 << 64) // d)  # ceil(2**64 / d): exact for x < 2**32 since d <= 2**32
            x = read()
            # below 2**31 a 32-bit value's register (sign-extended) is already its zero extension
            wide = self.cast(self.cast(x, T.INT), T.LONG) if below_2_31(self.node.lhs) else self.cast(x, u64)
            return self.op("mulhu", self.ty, wide, self.num(magic, u64))
        if d >= 1 << 63:  # the quotient is 0 or 1
            return self.cast(self.op("ge", T.INT, read(), self.num(d, u64)), u64)
        m, shift = choose_multiplier(d, 64, 64)
        if m < 1 << 64:
            return self.shift("shr", self.op("mulhu", u64, read(), self.num(m, u64)), shift)
        if d % 2 == 0:  # shifting x right first leaves fewer bits to be exact for: the multiplier fits
            pre = trailing_zeros(d)
            m, shift = choose_multiplier(d >> pre, 64, 64 - pre)
            x = self.shift("shr", read(), pre)
            return self.shift("shr", self.op("mulhu", u64, x, self.num(m, u64)), shift)
        high = self.shared(self.op("mulhu", u64, read(), self.num(m - (1 << 64), u64)))
        half = self.shift("shr", self.op("sub", u64, read(), high()), 1)
        return self.shift("shr", self.op("add", u64, high(), half), shift - 1)

    def signed_power_quotient(self, read, d):
        k = trailing_zeros(abs(d))
        q = self.cast(self.shift("shr", self.cast(self.biased(read, k), self.signed), k), self.signed)
        return q if d > 0 else Node("neg", self.tok, self.signed, lhs=q)

    def signed_power_remainder(self, read, d):
        k = trailing_zeros(abs(d))
        u = self.unsigned
        rounded = self.op("and", u, self.biased(read, k), self.num(-(1 << k), u))
        return self.op("sub", u, self.cast(read(), u), rounded)

    def biased(self, read, k):
        """x + (2**k - 1 if x < 0 else 0), unsigned: the sign copied into the low k bits."""
        u = self.unsigned
        sign = self.cast(self.shift("shr", read(), self.bits - 1), u)
        return self.op("add", u, self.cast(read(), u), self.shift("shr", sign, self.bits - k))

    def signed_quotient(self, read, d):
        s64 = T.LONG
        if self.bits == 32:  # x * ceil(2**64 / |d|) is below x / |d| by less than 1 / |d|
            q = self.op("mulh", self.signed, self.cast(read(), s64), self.num(-(-(1 << 64) // abs(d)), s64))
        else:
            m, shift = choose_multiplier(abs(d), 64, 63)
            if m < 1 << 63:
                q = self.shift("shr", self.op("mulh", s64, read(), self.num(m, s64)), shift)
            else:
                high = self.op("mulh", s64, read(), self.num(m - (1 << 64), s64))
                q = self.shift("shr", self.op("add", s64, read(), high), shift)
        if self.bits == 32 and below_2_31(self.node.lhs):  # no negative x to round up
            return q if d > 0 else Node("neg", self.tok, self.signed, lhs=q)
        sign = self.shift("shr", read(), self.bits - 1)  # -1 for a negative x: subtracting it rounds up
        if d > 0:
            return self.op("sub", self.signed, q, sign)
        return self.op("sub", self.signed, sign, q)


def below_2_31(node) -> bool:
    """Is this 32-bit expression surely in [0, 2**31) (an unsigned right shift, a mask, a narrower unsigned value)?"""
    if node.kind == "binop" and node.rhs.kind == "num":
        if node.op == "shr":
            return node.ty.unsigned and node.rhs.val % 32 != 0
        if node.op == "and":
            return 0 <= node.rhs.val < 1 << 31
    if node.kind == "cast" and node.lhs.ty.is_integer():
        return node.lhs.ty.size < 4 and node.lhs.ty.unsigned
    return False


def divide_by_constant(node: Node, fn: Obj) -> Node | None:
    """The multiply-and-shift form of an integer `x / d` or `x % d` with d a constant, or None."""
    if not node.ty.is_integer() or node.ty.size not in (4, 8) or node.ty.kind == "bool":
        return None
    return Divider(node, fn).rewrite()
