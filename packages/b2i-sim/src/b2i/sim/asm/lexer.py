"""Split one line of GNU assembly into statements and tokens.

Tokens carry their 1-based column so errors can point at them. `1f`/`1b` become `localref` tokens and
`%hi` etc. `reloc` tokens; `#` starts a comment, `;` separates statements.
"""

import re
from typing import NamedTuple

TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<str>"(?:[^"\\]|\\.)*")
  | (?P<char>'(?:\\.|[^\\']))'?
  | (?P<localref>\d+[fb])(?![0-9a-zA-Z_.$])
  | (?P<num>0[xX][0-9a-fA-F]+|0[bB][01]+|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)
  | (?P<reloc>%[a-z_0-9]+)
  | (?P<name>[A-Za-z_.$][A-Za-z0-9_.$@]*|@[A-Za-z_]+)
  | (?P<op><<|>>|==|!=|<=|>=|&&|\|\||[-+*/%&|^~!(),:=<>])
""", re.X)


class Token(NamedTuple):
    kind: str  # str char localref num reloc name op
    text: str
    col: int


class LexError(Exception):
    def __init__(self, message: str, col: int) -> None:
        super().__init__(message)
        self.col = col


def strip_comment(line: str) -> str:
    """The line without its `#` or `/* */` comment (a `#` inside a string stays)."""
    if '"' not in line and "/*" not in line:
        return line.split("#", 1)[0]
    out, i, quote = [], 0, False
    while i < len(line):
        ch = line[i]
        if quote:
            if ch == "\\":
                out.append(line[i:i + 2])
                i += 2
                continue
            quote = ch != '"'
        elif ch == '"':
            quote = True
        elif ch == "#":
            break
        elif line.startswith("/*", i):
            end = line.find("*/", i + 2)
            out.append(" " * ((end + 2 if end >= 0 else len(line)) - i))
            i = end + 2 if end >= 0 else len(line)
            continue
        out.append(ch)
        i += 1
    return "".join(out)


def split_statements(line: str) -> list[tuple[str, int]]:
    """Statements separated by `;` outside strings, each with the column where it starts."""
    if ";" not in line:
        return [(line, 0)]
    parts, start, quote, i = [], 0, False, 0
    while i < len(line):
        ch = line[i]
        if quote and ch == "\\":
            i += 2
            continue
        if ch == '"':
            quote = not quote
        elif ch == ";" and not quote:
            parts.append((line[start:i], start))
            start = i + 1
        i += 1
    parts.append((line[start:], start))
    return parts


def tokenize(text: str, col0: int = 0) -> list[Token]:
    tokens, pos, end = [], 0, len(text)
    match = TOKEN.match
    while pos < end:
        m = match(text, pos)
        if not m:
            raise LexError(f"unexpected character {text[pos]!r}", col0 + pos + 1)
        kind = m.lastgroup
        if kind != "space":
            tokens.append(Token(kind, m.group(), col0 + pos + 1))
        pos = m.end()
    return tokens


ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "a": "\a", "\\": "\\", '"': '"',
           "'": "'", "e": "\x1b"}


def unescape(body: str) -> bytes:
    """The bytes of a string literal's body (GNU escapes: \\n, \\ooo octal, \\xHH hex...)."""
    out, i = bytearray(), 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out += ch.encode()
            i += 1
            continue
        nxt = body[i + 1] if i + 1 < len(body) else ""
        if nxt in "01234567" and nxt:
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(int(m.group(), 8) & 0xFF)
            i += 1 + len(m.group())
        elif nxt in "xX" and nxt:
            m = re.match(r"[0-9a-fA-F]+", body[i + 2:])
            out.append(int(m.group(), 16) & 0xFF if m else 0)
            i += 2 + (len(m.group()) if m else 0)
        else:
            out += ESCAPES.get(nxt, nxt).encode()
            i += 2
    return bytes(out)


def split_operands(tokens: list[Token]) -> list[list[Token]]:
    """Split at commas outside parentheses."""
    if not tokens:
        return []
    ops, depth, current = [], 0, []
    for tok in tokens:
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        if tok.text == "," and depth == 0 and tok.kind == "op":
            ops.append(current)
            current = []
        else:
            current.append(tok)
    ops.append(current)
    return ops
