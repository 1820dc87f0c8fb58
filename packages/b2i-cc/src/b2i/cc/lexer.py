"""Splits C source text into preprocessing tokens, each knowing its file, line, column and spacing.

Tokens are what the preprocessor works on: identifiers, pp-numbers, character and string literals and
punctuators. Keywords are identifiers here; the parser's token adapter tells them apart later.
"""

import re

from b2i.cc.diagnostics import CompileError, SourceFile

PUNCTUATORS = sorted(
    """<<= >>= ... -> ++ -- << >> <= >= == != && || *= /= %= += -= &= ^= |= ## [ ] ( ) { } . & * + - ~ ! / % < >
    ^ | ? : ; = , #""".split(),
    key=len,
    reverse=True,
)

TOKEN_RE = re.compile(
    r"""
    (?P<ws>[ \t\f\v\r]+|\\\r?\n)
  | (?P<newline>\n)
  | (?P<line_comment>//[^\n]*)
  | (?P<block_comment>/\*(?:.|\n)*?\*/)
  | (?P<num>\.?[0-9](?:[eEpP][+-]|[0-9a-zA-Z_.])*)
  | (?P<char>(?:u8|u|U|L)?'(?:[^'\\\n]|\\.)*')
  | (?P<str>(?:u8|u|U|L)?"(?:[^"\\\n]|\\.)*")
  | (?P<ident>[A-Za-z_$][A-Za-z0-9_$]*)
  | (?P<punct>"""
    + "|".join(re.escape(p) for p in PUNCTUATORS)
    + r""")
""",
    re.VERBOSE,
)


class Token:
    """One preprocessing token. `hideset` holds the macro names that must not expand it again."""

    __slots__ = ("kind", "text", "file", "line", "col", "bol", "space", "hideset")

    def __init__(self, kind, text, file, line, col, bol=False, space=False, hideset=frozenset()):
        self.kind = kind  # ident, num, char, str, punct, other, eof
        self.text = text
        self.file = file
        self.line = line
        self.col = col
        self.bol = bol  # first token on its line
        self.space = space  # whitespace before it
        self.hideset = hideset

    def copy(self, **changes) -> "Token":
        t = Token(self.kind, self.text, self.file, self.line, self.col, self.bol, self.space, self.hideset)
        for k, v in changes.items():
            setattr(t, k, v)
        return t

    def __repr__(self):
        return f"Token({self.kind}, {self.text!r}, {self.line}:{self.col})"


def tokenize(file: SourceFile) -> list[Token]:
    """All tokens of a file, ending with an eof token."""
    text = file.text
    tokens: list[Token] = []
    pos, line, line_start = 0, 1, 0
    bol, space = True, False
    n = len(text)
    while pos < n:
        m = TOKEN_RE.match(text, pos)
        if m is None:
            if text.startswith("/*", pos):
                raise CompileError("unterminated comment", file, line, pos - line_start + 1)
            ch = text[pos]
            if ch in "\"'":
                what = "string literal" if ch == '"' else "character constant"
                raise CompileError(f"missing terminating {ch} character in {what}", file, line, pos - line_start + 1)
            # any other character is a preprocessing token of its own (C11 6.4); the parser rejects it
            tokens.append(Token("other", ch, file, line, pos - line_start + 1, bol, space))
            bol, space = False, False
            pos += 1
            continue
        kind = m.lastgroup
        value = m.group()
        if kind == "newline":
            line += 1
            line_start = m.end()
            bol, space = True, False
        elif kind in ("ws", "line_comment", "block_comment"):
            nl = value.count("\n")
            if nl:
                line += nl
                line_start = pos + value.rindex("\n") + 1
            space = True
        else:
            tokens.append(Token(kind, value, file, line, pos - line_start + 1, bol, space))
            bol, space = False, False
        pos = m.end()
    tokens.append(Token("eof", "", file, line, pos - line_start + 1, True, False))
    return tokens


def tokenize_string(text: str, like: Token) -> list[Token]:
    """Tokens of a string made by the preprocessor (## pasting), located at the token that made it."""
    toks = tokenize(SourceFile(like.file.name if like.file else "<paste>", text))[:-1]
    return [t.copy(file=like.file, line=like.line, col=like.col) for t in toks]
