"""The parser: preprocessed tokens in, a lark parse tree out (LALR(1), grammar in c.lark).

The token adapter (`CTokens`) turns preprocessing tokens into the grammar's terminals. It knows which
identifiers are typedef names in the current block (the classic "lexer hack"): it watches `typedef`
declarations go by and the braces that open and close scopes, so `T * x;` parses as a declaration when T is a
type, and `T T;` redeclares T.
"""

import functools
from importlib import resources

import lark
from b2i.cc.diagnostics import error_at
from b2i.cc.lexer import Token
from b2i.cc.literals import is_float_literal
from lark.parsers.lalr_analysis import Shift

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


class CTokens(lark.lexer.Lexer):
    """lark's custom lexer: reads our token list and names each token with a grammar terminal.

    A typedef name in scope becomes TYPEDEF_NAME only where the parser can take one next (so `T T;`, a
    parameter `T T`, `unsigned T` and `s.T` redeclare or name T as an ordinary identifier), and never as a label
    (`T:` at the start of a statement). The adapter asks the LALR tables, through the live parser state lark
    hands it, and follows the scopes: declarator names and enumerators hide typedef names in their block, struct
    members do not, parameters and for-loop variables hide them in the body that follows.
    """

    __future_interface__ = 1  # lex() receives lark's parser state

    def __init__(self, lexer_conf):
        self.names = None
        self.by_text = {}
        for t in lexer_conf.terminals:
            if isinstance(t.pattern, lark.lexer.PatternStr):
                self.by_text[t.pattern.value] = t.name

    def lex(self, lexer_state, parser_state):
        toks: list[Token] = lexer_state.text
        names = self.names = NameScopes(parser_state)  # kept for syntax_error's wording
        typedef_mode = None  # [nesting depth, wants a name] while a typedef declaration goes by
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
                    names.next_token(text, kind)
                    if text == "for":
                        names.for_keyword(kind)
                    if text == "typedef":
                        typedef_mode = [names.depth(), True]
                    after_tag_keyword = text in ("struct", "union", "enum")
                    names.seen(text, kind)
                    yield self.make(kind, text, t, i - 1)
                    continue
                names.next_token(text, "IDENTIFIER")
                is_label = i < n and toks[i].text == ":"
                is_type = not after_tag_keyword and names.is_typedef(text) and names.takes_typedef_name(is_label)
                if not is_type:
                    role = names.identifier_role()
                    if role == "declarator":
                        if typedef_mode is not None and typedef_mode[1] and typedef_mode[0] == names.depth():
                            names.declare(text, typedef=True)
                            typedef_mode[1] = False
                        else:
                            names.declare(text)
                    elif role == "enumerator":
                        names.declare(text, enumerator=True)
                after_tag_keyword = False
                names.seen(text, "TYPEDEF_NAME" if is_type else "IDENTIFIER")
                yield self.make("TYPEDEF_NAME" if is_type else "IDENTIFIER", text, t, i - 1)
                continue
            after_tag_keyword = False
            if t.kind in ("num", "char", "str"):
                names.next_token(text, {"num": "I_CONSTANT", "char": "C_CONSTANT", "str": "STRING_LITERAL"}[t.kind])
                names.seen(text, t.kind)
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
            names.next_token(text, kind)
            names.punctuator(text)
            names.seen(text, kind)
            if typedef_mode is not None and typedef_mode[0] == names.depth():
                if text == ";":
                    typedef_mode = None
                elif text == ",":
                    typedef_mode[1] = True
            yield self.make(kind, text, t, i - 1)

    @staticmethod
    def _in_declarator(toks, i):
        return i >= 2 and toks[i - 2].text in (")", "]") or (i >= 2 and toks[i - 2].kind == "ident")

    def make(self, kind, text, t, index):
        tok = lark.Token(kind, text)
        tok.start_pos = index
        tok.end_pos = index + 1
        tok.line = t.line
        tok.column = t.col
        tok.end_line = t.line
        tok.end_column = t.col + len(t.text)
        return tok


class NameScopes:
    """Which identifiers are typedef names at the current token, and what the parser can take next.

    `scopes` has one dict per block or parameter list (name -> is a typedef; False: an ordinary identifier
    hides it). `opens` says what each open brace or parenthesis is: a block, a struct body (members hide
    nothing), an enum body (its constants belong to the enclosing block), a parameter list or for-loop header
    (its names also hide typedef names in the block that follows) or any other group.
    """

    def __init__(self, parser_state):
        self.parser_state = parser_state
        self.states = parser_state.parse_conf.states
        self.scopes: list[dict[str, bool]] = [{}]
        self.opens: list[str] = []  # "block", "struct", "enum", "params", "for", "for body", "group"
        self.for_starts: list[int] = []  # where each open for statement starts on the parser's stack
        self.for_body: int | None = None  # set by the ) of a for header, until the body's first token
        self.pending: dict[str, bool] = {}  # the names of the parameter list just closed
        self.last_two = ("", "")  # the texts of the last two tokens
        self.last_kind = ""  # the terminal of the last token

    def ordinary(self) -> set[str]:
        """The names that an ordinary identifier hides from being typedef names here."""
        visible = {}
        for scope in self.scopes:
            visible.update(scope)
        return {name for name, typedef in visible.items() if not typedef}

    def is_typedef(self, name: str) -> bool:
        for scope in reversed(self.scopes):
            if name in scope:
                return scope[name]
        return False

    def takes_typedef_name(self, is_label: bool) -> bool:
        """The parser can shift TYPEDEF_NAME now (and the name is not a label `T:` where a statement starts)."""
        if self.shift_target("TYPEDEF_NAME") is None:
            return False
        if is_label:
            target = self.shift_target("IDENTIFIER")
            return target is None or self.states[target].get("COLON", (None,))[0] is not Shift
        return True

    def identifier_role(self) -> str | None:
        """'declarator' or 'enumerator' when an IDENTIFIER here names a new declaration, else None."""
        target = self.shift_target("IDENTIFIER")
        if target is None:
            return None
        done = self.reductions(target)
        if "name_declarator" in done:
            return "declarator"
        if "enumerator" in done:
            return "enumerator"
        return None

    def depth(self) -> int:
        """How many braces and parameter lists are open (grouping parentheses do not count)."""
        return sum(1 for kind in self.opens if kind != "group")

    def container(self, skip: tuple[str, ...]) -> str:
        for kind in reversed(self.opens):
            if kind not in skip:
                return kind
        return "block"

    def declare(self, name: str, typedef: bool = False, enumerator: bool = False):
        """A declarator or enumerator named `name` goes by: it hides (or, for a typedef, defines) a typedef name.

        Struct members live in their own name space; an enum constant belongs to the enclosing block (or
        parameter list), like a typedef, whatever struct or enum braces it sits in.
        """
        if typedef or enumerator or self.container(("group",)) != "struct":
            self.scopes[-1][name] = typedef

    def punctuator(self, text: str):
        if text == "{":
            kind = "block"
            if self.last_two[0] in ("struct", "union") or self.last_two[1] in ("struct", "union"):
                kind = "struct"
            elif "enum" in self.last_two:
                kind = "enum"
            self.opens.append(kind)
            if kind == "block":
                self.scopes.append(self.pending)
            self.pending = {}
        elif text == "(":
            after_name = self.last_kind in ("IDENTIFIER", "RPAR", "RSQB")
            kind = "for" if self.last_two[1] == "for" else "params" if after_name else "group"
            self.opens.append(kind)
            if kind != "group":
                self.scopes.append({})
        elif text in "})" and self.opens:
            while self.opens[-1] == "for body" and len(self.opens) > 1:  # only after a syntax error
                self.opens.pop()
                self.scopes.pop()
                self.for_starts.pop()
            kind = self.opens.pop()
            if kind in ("block", "params", "for") and len(self.scopes) > 1:
                closed = self.scopes.pop()
                if kind != "block" and self.container(("group",)) not in ("params", "for"):
                    self.pending = {name: False for name in closed}
                if kind == "for":
                    self.for_body = self.for_starts.pop()
        elif text == ";" and self.container(("group",)) in ("block", "struct", "for body"):
            self.pending = {}

    def for_keyword(self, terminal: str):
        """`for` is next: remember where its statement starts on the parser's stack."""
        self.for_starts.append(self.simulate(terminal)[2])

    def next_token(self, text: str, terminal: str):
        """Opens and closes the scope of a for loop's body when it has no braces (a braced body is a block)."""
        if self.for_body is not None:
            start, self.for_body = self.for_body, None
            if text != "{":  # a braced body is a block, which takes the pending names itself
                self.opens.append("for body")
                self.scopes.append(self.pending)
                self.pending = {}
                self.for_starts.append(start)
                return
        while self.opens and self.opens[-1] == "for body":
            target, shortest, _ = self.simulate(terminal)
            if target is None or shortest > self.for_starts[-1]:
                break  # the statement goes on
            self.opens.pop()
            self.scopes.pop()
            self.for_starts.pop()

    def seen(self, text: str, kind: str):
        self.last_two = (self.last_two[1], text)
        self.last_kind = kind

    def shift_target(self, terminal: str) -> int | None:
        """The LALR state after the parser takes `terminal` now (after its reductions), or None if it cannot."""
        return self.simulate(terminal)[0]

    def simulate(self, terminal: str) -> tuple[int | None, int, int]:
        """Feeds `terminal` to a copy of the parser's state stack: (the state it shifts into or None, the
        shortest the stack got while reducing, its length just before the shift)."""
        stack = self.parser_state.state_stack
        depth = len(stack)  # the simulated stack is stack[:depth] + pushed, so the real one is left alone
        pushed: list[int] = []
        shortest = depth
        while True:
            top = pushed[-1] if pushed else stack[depth - 1]
            action = self.states[top].get(terminal)
            if action is None:
                return None, shortest, depth + len(pushed)
            what, arg = action
            if what is Shift:
                return arg, shortest, depth + len(pushed)
            size = len(arg.expansion)
            while size and pushed:
                pushed.pop()
                size -= 1
            depth -= size
            shortest = min(shortest, depth + len(pushed))
            top = pushed[-1] if pushed else stack[depth - 1]
            pushed.append(self.states[top][arg.origin.name][1])

    @functools.cache  # noqa: B019 - one NameScopes per parse; the states never change
    def reductions(self, state: int) -> frozenset[str]:
        """The names (alias or rule) of the rules the parser may reduce in `state`."""
        found = set()
        for what, arg in self.states[state].values():
            if what is not Shift:
                found.add(arg.alias or arg.origin.name)
        return frozenset(found)


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
        raise syntax_error(toks, e, _names_of(e)) from None
    except lark.exceptions.UnexpectedEOF as e:
        raise syntax_error(toks, e) from None
    except lark.exceptions.UnexpectedInput as e:  # pragma: no cover - other lark input errors
        raise error_at(toks[-1], "syntax error") from e
    except lark.exceptions.VisitError as e:
        raise e.orig_exc from None


def _names_of(e: lark.exceptions.UnexpectedToken) -> "NameScopes | None":
    """The typedef-name scopes of the parse that failed (through lark's parser state, lexer thread, wrapper)."""
    wrapper = getattr(getattr(getattr(e, "state", None), "lexer", None), "lexer", None)
    return getattr(getattr(wrapper, "lexer", None), "names", None)


def syntax_error(toks, e, names=None):
    tok = getattr(e, "token", None)
    index = tok.start_pos if tok is not None and tok.type != "$END" and tok.start_pos is not None else len(toks) - 1
    at = toks[index]
    expected = set(getattr(e, "expected", ()) or ())
    where = f"before '{at.text}' token" if at.kind != "eof" else "at end of input"
    prev = toks[index - 1] if index > 0 else at
    word = at.kind in ("ident", "num", "char", "str")
    if word and index > 0 and prev.kind == "ident" and names is not None and names.is_typedef(at.text):
        # `x T`: a type name starts a new declaration, so gcc wants ';' right after the word before it
        return error_at(prev.copy(col=prev.col + len(prev.text)), f"expected ';' before '{at.text}'")
    if at.kind == "ident" and prev.kind == "ident" and (names is None or prev.text not in names.ordinary()):
        before = toks[index - 2].text if index > 1 else ";"
        if before in (";", "{", "}", "(", ","):
            return error_at(prev, f"unknown type name '{prev.text}'")
    if "SEMICOLON" in expected and word and index > 0:
        if "PLUS" not in expected:  # after a declarator: gcc points at the word
            return error_at(at, f"expected '=', ',', ';', 'asm' or '__attribute__' {where}")
        if at.line == prev.line:  # after an expression, on the same line: gcc wants ';' right after it
            return error_at(prev.copy(col=prev.col + len(prev.text)), f"expected ';' {where}")
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
