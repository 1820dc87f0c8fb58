"""The parser: preprocessed tokens in, a lark parse tree out (LALR(1), grammar in c.lark).

The token adapter (`CTokens`) turns preprocessing tokens into the grammar's terminals. It knows which
identifiers are typedef names in the current block (the classic "lexer hack"): it watches `typedef`
declarations go by and the braces that open and close scopes, so `T * x;` parses as a declaration when T is a
type. Limitation (documented): a typedef name cannot be redeclared as an ordinary identifier in an inner scope.
"""

import functools
from importlib import resources

import lark
from b2i.cc.diagnostics import error_at
from b2i.cc.lexer import Token
from b2i.cc.literals import is_float_literal

SPELLINGS = {
    "__const": "const",
    "__const__": "const",
    "__volatile": "volatile",
    "__volatile__": "volatile",
    "__restrict": "restrict",
    "__restrict__": "restrict",
    "__inline": "inline",
    "__inline__": "inline",
    "__signed__": "signed",
    "__signed": "signed",
    "__typeof__": "typeof",
    "__typeof": "typeof",
    "__alignof__": "_Alignof",
    "__alignof": "_Alignof",
    "_Alignof": "_Alignof",
    "asm": "__asm__",
    "__asm": "__asm__",
    "bool": "_Bool",
}
DROPPED_WITH_PARENS = {"__attribute__", "__attribute", "__declspec"}
DROPPED = {"__extension__"}
TYPE_KEYWORDS = {
    "void",
    "char",
    "short",
    "int",
    "long",
    "float",
    "double",
    "signed",
    "unsigned",
    "_Bool",
    "struct",
    "union",
    "enum",
    "typeof",
}


class CTokens(lark.lexer.Lexer):
    """lark's custom lexer: reads our token list and names each token with a grammar terminal."""

    def __init__(self, lexer_conf):
        self.by_text = {}
        for t in lexer_conf.terminals:
            if isinstance(t.pattern, lark.lexer.PatternStr):
                self.by_text[t.pattern.value] = t.name

    def lex(self, data):
        toks: list[Token] = data
        scopes: list[dict[str, bool]] = [{}]  # per brace level: name -> is a typedef (False: shadowed by a variable)
        prev = self.prev = ["", ""]  # the texts of the last two tokens handed to the parser
        params_shadow: list[str] = []
        typedef_mode = None  # [brace depth, paren depth, want_name, seen_type]
        braces = 0
        parens = 0
        after_tag_keyword = False
        i = 0
        n = len(toks)
        while i < n:
            t = toks[i]
            i += 1
            if t.kind == "eof":
                break
            text = t.text
            if t.kind == "ident":
                text = SPELLINGS.get(text, text)
                if text in DROPPED:
                    continue
                if text in DROPPED_WITH_PARENS:
                    i = _skip_parenthesized(toks, i)
                    continue
                if (
                    text == "__asm__"
                    and typedef_mode is None
                    and i < n
                    and toks[i].text == "("
                    and self._in_declarator(toks, i)
                ):
                    # `int f(void) __asm__("name");` is an assembler label: dropped
                    i = _skip_parenthesized(toks, i)
                    continue
                kind = self.by_text.get(text)
                if kind is not None and text.isidentifier():
                    if text == "typedef":
                        typedef_mode = [braces, parens, True, False]
                    elif typedef_mode is not None and text in TYPE_KEYWORDS:
                        typedef_mode[3] = True
                    after_tag_keyword = text in ("struct", "union", "enum")
                    yield self.make(kind, text, t, i - 1)
                    continue
                is_type = lookup(scopes, text) and not after_tag_keyword
                if is_type and typedef_mode is None and self._declarator_follows_type(prev):
                    # `unsigned T;` or `T *T;`: after a complete type, a typedef name is being redeclared
                    is_type = False
                    if parens == 0:
                        scopes[-1][text] = False
                    else:
                        params_shadow.append(text)  # a parameter: shadows the name in the function body
                if typedef_mode is not None and typedef_mode[2] and typedef_mode[0] == braces and not after_tag_keyword:
                    if is_type and not typedef_mode[3]:
                        typedef_mode[3] = True  # typedef T U;: T is the type
                    elif typedef_mode[1] <= parens:
                        scopes[-1][text] = True
                        typedef_mode[2] = False
                        is_type = False
                after_tag_keyword = False
                yield self.make("TYPEDEF_NAME" if is_type else "IDENTIFIER", text, t, i - 1)
                continue
            after_tag_keyword = False
            if t.kind == "num":
                yield self.make("F_CONSTANT" if is_float_literal(text) else "I_CONSTANT", text, t, i - 1)
                continue
            if t.kind == "char":
                yield self.make("C_CONSTANT", text, t, i - 1)
                continue
            if t.kind == "str":
                yield self.make("STRING_LITERAL", text, t, i - 1)
                continue
            kind = self.by_text.get(text)
            if kind is None:
                raise error_at(t, f"stray '{text}' in program")
            if text == "{":
                braces += 1
                scopes.append(dict.fromkeys(params_shadow, False))
                params_shadow = []
            elif text == "}":
                braces -= 1
                if len(scopes) > 1:
                    scopes.pop()
            elif text == "(":
                parens += 1
            elif text == ")":
                parens -= 1
            elif text == ";" and parens == 0:
                params_shadow = []
            if typedef_mode is not None and typedef_mode[0] == braces and text not in "{}()":
                if text == ";":
                    typedef_mode = None
                elif text == "," and parens == typedef_mode[1]:
                    typedef_mode[2] = True
            yield self.make(kind, text, t, i - 1)

    BASIC_TYPES = {"void", "char", "short", "int", "long", "float", "double", "signed", "unsigned", "_Bool"}

    def _declarator_follows_type(self, prev):
        last, before = prev[1], prev[0]
        if last in self.BASIC_TYPES or last == "\0typedef":
            return True
        return last == "*" and (before in self.BASIC_TYPES or before == "\0typedef")

    @staticmethod
    def _in_declarator(toks, i):
        return i >= 2 and toks[i - 2].text in (")", "]") or (i >= 2 and toks[i - 2].kind == "ident")

    def make(self, kind, text, t, index):
        self.prev[0], self.prev[1] = self.prev[1], "\0typedef" if kind == "TYPEDEF_NAME" else text
        tok = lark.Token(kind, text)
        tok.start_pos = index
        tok.end_pos = index + 1
        tok.line = t.line
        tok.column = t.col
        tok.end_line = t.line
        tok.end_column = t.col + len(t.text)
        return tok


def lookup(scopes, name) -> bool:
    for scope in reversed(scopes):
        if name in scope:
            return scope[name]
    return False


@functools.cache
def parser() -> lark.Lark:
    """The LALR parser, built once per process (lark's cache option keeps the tables on disk between runs)."""
    grammar = resources.files("b2i.cc").joinpath("c.lark").read_text()
    return lark.Lark(
        grammar, parser="lalr", lexer=CTokens, propagate_positions=True, maybe_placeholders=True, cache=True
    )


EXPRESSION_STARTS = {"IDENTIFIER", "I_CONSTANT", "F_CONSTANT", "C_CONSTANT", "STRING_LITERAL", "LPAR", "SIZEOF"}
NAMES = {
    "SEMICOLON": "';'",
    "RPAR": "')'",
    "RSQB": "']'",
    "RBRACE": "'}'",
    "COLON": "':'",
    "LPAR": "'('",
    "COMMA": "','",
    "LBRACE": "'{'",
    "EQUAL": "'='",
}


def parse(toks: list[Token]) -> lark.Tree:
    """Parses a translation unit; a syntax error becomes a CompileError at the offending token."""
    try:
        return parser().parse(toks)
    except lark.exceptions.UnexpectedToken as e:
        raise syntax_error(toks, e) from None
    except lark.exceptions.UnexpectedEOF as e:
        raise syntax_error(toks, e) from None
    except lark.exceptions.UnexpectedInput as e:  # pragma: no cover - other lark input errors
        raise error_at(toks[-1], "syntax error") from e
    except lark.exceptions.VisitError as e:
        raise e.orig_exc from None


def syntax_error(toks, e):
    tok = getattr(e, "token", None)
    index = tok.start_pos if tok is not None and tok.type != "$END" and tok.start_pos is not None else len(toks) - 1
    at = toks[index]
    expected = set(getattr(e, "expected", ()) or ())
    where = f"before '{at.text}' token" if at.kind != "eof" else "at end of input"
    if at.kind == "ident" and index > 0 and toks[index - 1].kind == "ident":
        before = toks[index - 2].text if index > 1 else ";"
        if before in (";", "{", "}", "(", ","):
            return error_at(toks[index - 1], f"unknown type name '{toks[index - 1].text}'")
    for name in ("SEMICOLON", "RPAR", "RSQB", "RBRACE", "COLON"):
        if name in expected and len(expected & set(NAMES)) <= 3:
            wanted = " or ".join(
                NAMES[x]
                for x in NAMES
                if x in expected and x in ("SEMICOLON", "COMMA", "RPAR", "RSQB", "RBRACE", "COLON", "EQUAL")
            )
            if name == "SEMICOLON" and index > 0:
                prev = toks[index - 1]
                at = prev.copy(col=prev.col + len(prev.text))
            return error_at(at, f"expected {wanted} {where}")
    if expected & EXPRESSION_STARTS and not expected & {"INT", "VOID", "CHAR"}:
        return error_at(at, f"expected expression {where}")
    if at.kind == "eof":
        return error_at(at, "expected declaration or statement at end of input")
    return error_at(at, f"syntax error {where}")


def _skip_parenthesized(toks: list, i: int) -> int:
    """The index just past the balanced (...) group that starts at toks[i] (or the end of toks)."""
    depth = 0
    while i < len(toks):
        text = toks[i].text
        i += 1
        if text == "(":
            depth += 1
        elif text == ")":
            depth -= 1
            if depth == 0:
                break
    return i
