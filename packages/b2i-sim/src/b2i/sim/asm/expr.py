"""Assembler expressions: integers, symbols, `.`, and the relocation operators %hi %lo %pcrel_hi %pcrel_lo.

A value is `sym + addend - sub`. With no symbols it is a plain constant. Symbols may be defined after
their use, so anything with a symbol is kept symbolic and settled when the section is finished.
"""

from collections.abc import Callable
from dataclasses import dataclass

from b2i.sim.asm.lexer import Token, unescape

RELOC_OPERATORS = {"%hi", "%lo", "%pcrel_hi", "%pcrel_lo", "%got_pcrel_hi", "%tprel_hi", "%tprel_lo",
                   "%tprel_add", "%tls_ie_pcrel_hi", "%tls_gd_pcrel_hi"}


class ExprError(Exception):
    def __init__(self, message: str, col: int) -> None:
        super().__init__(message)
        self.col = col


@dataclass(eq=False)
class Symbol:
    """An assembler symbol. `section` None means undefined (or absolute when `absolute` is set)."""

    name: str
    section: object = None
    value: int = 0
    absolute: bool = False
    bind: str = "local"  # local, global, weak
    type: str = "notype"  # notype, func, object, tls
    visibility: str = "default"
    size: "Value | None" = None
    common: tuple[int, int] | None = None  # (size, align) for .comm
    alias: "Value | None" = None  # .set to an expression not yet settled
    temporary: bool = False  # .L names and numeric labels: only written out when a relocation needs them
    in_symtab: bool = False
    dot: bool = False  # made for `.` in an expression: a position, not a label
    explicit_local: bool = False  # named by .local (so .comm allocates it in .bss)

    @property
    def defined(self) -> bool:
        return self.section is not None or self.absolute


@dataclass(frozen=True)
class Value:
    addend: int = 0
    sym: Symbol | None = None
    sub: Symbol | None = None
    reloc: str | None = None  # the relocation operator applied, e.g. "%pcrel_hi"

    @property
    def is_constant(self) -> bool:
        return self.sym is None and self.sub is None and self.reloc is None


def settle(v: Value) -> Value:
    """Fold defined absolute symbols and same-section differences into the addend where possible."""
    sym, sub, addend = v.sym, v.sub, v.addend
    if sym is not None and sym.absolute:
        sym, addend = None, addend + sym.value
    if sub is not None and sub.absolute:
        sub, addend = None, addend - sub.value
    return Value(addend, sym, sub, v.reloc)


class Parser:
    """Recursive descent over one operand's tokens; `lookup(name, col)` returns a Symbol."""

    BINARY = [{"||"}, {"&&"}, {"==", "!=", "<", ">", "<=", ">="}, {"+", "-"}, {"|", "&", "^", "!"},
              {"*", "/", "%", "<<", ">>"}]

    def __init__(self, tokens: list[Token], lookup: Callable[[str, int], Symbol], dot: Callable[[], Symbol]):
        self.tokens, self.pos, self.lookup, self.dot = tokens, 0, lookup, dot

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def next(self) -> Token:
        tok = self.peek()
        if tok is None:
            col = self.tokens[-1].col + len(self.tokens[-1].text) if self.tokens else 1
            raise ExprError("expected an expression", col)
        self.pos += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.peek()
        if tok is None or tok.text != text:
            raise ExprError(f"expected '{text}'", tok.col if tok else self.tokens[-1].col)
        self.pos += 1

    def parse(self, level: int = 0) -> Value:
        if level == len(self.BINARY):
            return self.unary()
        left = self.parse(level + 1)
        while (tok := self.peek()) is not None and tok.kind == "op" and tok.text in self.BINARY[level]:
            self.pos += 1
            right = self.parse(level + 1)
            left = combine(tok, left, right)
        return left

    def unary(self) -> Value:
        tok = self.next()
        if tok.kind == "op" and tok.text in "-~!+":
            v = self.unary()
            if tok.text == "+":
                return v
            if tok.text == "-" and v.sym is not None and v.sub is None and v.reloc is None:
                return Value(-v.addend, None, v.sym)
            c = constant(v, tok)
            return Value({"-": -c, "~": ~c, "!": int(not c)}[tok.text])
        if tok.kind == "op" and tok.text == "(":
            v = self.parse()
            self.expect(")")
            return v
        if tok.kind == "num":
            lowered = tok.text.lower()
            if "." in lowered or ("e" in lowered and "x" not in lowered):
                raise ExprError(f"bad integer '{tok.text}'", tok.col)
            text = tok.text
            if len(text) > 1 and text[0] == "0" and text[1].isdigit():
                return Value(int(text, 8))
            return Value(int(text, 0))
        if tok.kind == "char":
            return Value(unescape(tok.text[1:].rstrip("'"))[0])
        if tok.kind == "name" and tok.text == ".":
            return Value(0, self.dot())
        if tok.kind in ("name", "localref"):
            return Value(0, self.lookup(tok.text, tok.col))
        if tok.kind == "reloc":
            if tok.text not in RELOC_OPERATORS:
                raise ExprError(f"unknown relocation operator '{tok.text}'", tok.col)
            self.expect("(")
            v = self.parse()
            self.expect(")")
            return Value(v.addend, v.sym, v.sub, tok.text)
        raise ExprError(f"unexpected '{tok.text}' in expression", tok.col)


def constant(v: Value, tok: Token) -> int:
    v = settle(v)
    if v.sym is not None and v.sub is not None and v.sym.section is v.sub.section and v.sym.section is not None \
            and v.reloc is None:
        return v.addend + v.sym.value - v.sub.value
    if not v.is_constant:
        raise ExprError("expression is not a constant", tok.col)
    return v.addend


def combine(tok: Token, a: Value, b: Value) -> Value:
    op = tok.text
    if op == "+" and a.reloc is None and b.reloc is None:
        if b.sym is None and b.sub is None:
            return Value(a.addend + b.addend, a.sym, a.sub)
        if a.sym is None and a.sub is None:
            return Value(a.addend + b.addend, b.sym, b.sub)
    if op == "-" and a.reloc is None and b.reloc is None:
        if b.sym is None and b.sub is None:
            return Value(a.addend - b.addend, a.sym, a.sub)
        if a.sub is None and b.sub is None and b.sym is not None:
            return Value(a.addend - b.addend, a.sym, b.sym)
    x, y = constant(a, tok), constant(b, tok)
    if op in ("/", "%") and y == 0:
        raise ExprError("division by zero", tok.col)
    return Value(BINARY_OPS[op](x, y))


def _c_div(x: int, y: int) -> int:
    return abs(x) // abs(y) * (1 if (x < 0) == (y < 0) else -1)  # C truncates toward zero


BINARY_OPS = {
    "+": lambda x, y: x + y, "-": lambda x, y: x - y, "*": lambda x, y: x * y, "/": _c_div,
    "%": lambda x, y: x - _c_div(x, y) * y, "<<": lambda x, y: x << y, ">>": lambda x, y: x >> y,
    "&": lambda x, y: x & y, "|": lambda x, y: x | y, "^": lambda x, y: x ^ y, "!": lambda x, y: x | ~y,
    "==": lambda x, y: -int(x == y), "!=": lambda x, y: -int(x != y), "<": lambda x, y: -int(x < y),
    ">": lambda x, y: -int(x > y), "<=": lambda x, y: -int(x <= y), ">=": lambda x, y: -int(x >= y),
    "&&": lambda x, y: int(bool(x) and bool(y)), "||": lambda x, y: int(bool(x) or bool(y)),
}
