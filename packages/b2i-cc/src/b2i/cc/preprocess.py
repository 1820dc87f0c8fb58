"""The C preprocessor: directives, conditional inclusion and macro expansion with hide sets.

Macro expansion follows Prosser's algorithm (the one chibicc uses): every token carries the set of macro
names that produced it, and a name in its own hide set is never expanded again, so recursion stops. Tokens are
kept on a stack (`self.pending`, next token last) so an expansion is pushed back and rescanned with what follows.
"""

import os
import time

from b2i.cc.diagnostics import CompileError, SourceFile, Warnings, error_at
from b2i.cc.lexer import Token, tokenize, tokenize_string

PREDEFINED = {
    "__STDC__": "1",
    "__STDC_VERSION__": "201112L",
    "__STDC_HOSTED__": "1",
    "__riscv": "1",
    "__riscv_xlen": "64",
    "__riscv_flen": "64",
    "__riscv_float_abi_double": "1",
    "__riscv_mul": "1",
    "__riscv_div": "1",
    "__riscv_fdiv": "1",
    "__riscv_fsqrt": "1",
    "__LP64__": "1",
    "_LP64": "1",
    "__linux__": "1",
    "__unix__": "1",
    "__ELF__": "1",
    "__b2i__": "1",
    "__CHAR_BIT__": "8",
    "__CHAR_UNSIGNED__": "1",
    "__SIZEOF_SHORT__": "2",
    "__SIZEOF_INT__": "4",
    "__SIZEOF_LONG__": "8",
    "__SIZEOF_LONG_LONG__": "8",
    "__SIZEOF_POINTER__": "8",
    "__SIZEOF_FLOAT__": "4",
    "__SIZEOF_DOUBLE__": "8",
    "__SIZEOF_LONG_DOUBLE__": "8",
    "__SIZE_TYPE__": "unsigned long",
    "__PTRDIFF_TYPE__": "long",
    "__WCHAR_TYPE__": "int",
    "__INTMAX_TYPE__": "long",
    "__UINTMAX_TYPE__": "unsigned long",
    "__INT_MAX__": "2147483647",
    "__LONG_MAX__": "9223372036854775807L",
    "__ORDER_LITTLE_ENDIAN__": "1234",
    "__ORDER_BIG_ENDIAN__": "4321",
    "__BYTE_ORDER__": "1234",
}


class Macro:
    def __init__(self, name, body, params=None, variadic=False):
        self.name = name
        self.body = body  # list of tokens
        self.params = params  # None for object-like macros
        self.variadic = variadic


class Conditional:
    def __init__(self, tok, taken):
        self.tok = tok
        self.taken = taken  # some branch already included
        self.in_else = False


class Preprocessor:
    """Turns a file into the token list the parser reads (string literals not yet concatenated)."""

    def __init__(self, include_paths=(), system_paths=(), defines=None):
        self.include_paths = list(include_paths)
        self.system_paths = list(system_paths)
        self.macros: dict[str, Macro] = {}
        self.once: set[str] = set()
        self.counter = 0
        now = time.localtime()
        builtin = dict(PREDEFINED)
        builtin["__DATE__"] = '"' + time.strftime("%b %e %Y", now) + '"'
        builtin["__TIME__"] = '"' + time.strftime("%H:%M:%S", now) + '"'
        src = SourceFile("<built-in>", "")
        for name, value in builtin.items():
            self.define_text(name, value, src)
        for name, value in (defines or {}).items():
            self.define_text(name, value, src)
        self.pending: list[Token] = []
        self.conds: list[Conditional] = []

    # ---- defining macros from the command line ----
    def define_text(self, name: str, value: str, src: SourceFile | None = None) -> None:
        """Defines a macro as `-D name=value` or a predefined macro would."""
        toks = tokenize(SourceFile(src.name if src else "<command-line>", f"#define {name} {value}\n"))
        saved, self.pending = getattr(self, "pending", []), list(reversed(toks))
        self.next()  # '#'
        self.next()  # 'define'
        self.directive_define(toks[1])
        self.pending = saved

    def undefine(self, name: str) -> None:
        self.macros.pop(name, None)

    # ---- the token stack ----
    def next(self) -> Token:
        return self.pending.pop()

    def peek(self) -> Token:
        return self.pending[-1]

    def push_tokens(self, toks: list[Token]) -> None:
        self.pending.extend(reversed(toks))

    # ---- entry points ----
    def run_file(self, path: str, text: str | None = None, pre_includes=()) -> list[Token]:
        if text is None:
            text = self.read(path, None)
        toks = tokenize(SourceFile(path, text))
        for inc in reversed(pre_includes):
            found = self.find_include(inc, True, None, None) or inc
            toks = tokenize(SourceFile(found, self.read(found, None)))[:-1] + toks
        self.pending = list(reversed(toks))
        out = []
        while True:
            tok = self.expand_next()
            if tok.kind == "eof":
                if self.conds:
                    raise error_at(self.conds[-1].tok, "unterminated conditional directive")
                out.append(tok)
                return out
            out.append(tok)

    def read(self, path, tok):
        try:
            with open(path, encoding="utf-8", errors="surrogateescape") as f:
                return f.read()
        except OSError as e:
            if tok is None:
                raise CompileError(f"{path}: {e.strerror}") from None
            raise error_at(tok, f"{path}: {e.strerror}") from None

    # ---- the main loop: directives and macro expansion ----
    def expand_next(self) -> Token:
        while True:
            tok = self.next()
            if tok.kind == "eof":
                if tok.text == "end-of-include":
                    continue
                return tok
            if tok.bol and tok.text == "#" and tok.kind == "punct":
                self.directive()
                continue
            if tok.kind == "ident" and self.expand_macro(tok):
                continue
            return tok

    def expand_macro(self, tok: Token) -> bool:
        """If tok names a macro not in its hide set, push its expansion and return True."""
        name = tok.text
        if name in tok.hideset:
            return False
        if name == "__LINE__":
            self.push_tokens([tok.copy(kind="num", text=str(tok.line))])
            return True
        if name == "__FILE__":
            fname = tok.file.name.replace("\\", "\\\\").replace('"', '\\"')
            self.push_tokens([tok.copy(kind="str", text=f'"{fname}"')])
            return True
        if name == "__COUNTER__":
            self.push_tokens([tok.copy(kind="num", text=str(self.counter))])
            self.counter += 1
            return True
        macro = self.macros.get(name)
        if macro is None:
            return False
        if macro.params is None:
            hs = tok.hideset | {name}
            body = [t.copy(hideset=t.hideset | hs, file=tok.file, line=tok.line, col=tok.col) for t in macro.body]
            if body:
                body[0].bol, body[0].space = tok.bol, tok.space
            self.push_tokens(body)
            return True
        after = self.peek()
        if not (after.kind == "punct" and after.text == "("):
            return False
        self.next()
        args, rparen = self.read_args(tok, macro)
        hs = (tok.hideset & rparen.hideset) | {name}
        body = self.substitute(macro, args, tok)
        body = [t.copy(hideset=t.hideset | hs, file=tok.file, line=tok.line, col=tok.col) for t in body]
        if body:
            body[0].bol, body[0].space = tok.bol, tok.space
        self.push_tokens(body)
        return True

    def read_args(self, name_tok, macro):
        """Reads the arguments of a function-like macro call up to its ')' (already past the '(')."""
        args: list[list[Token]] = [[]]
        depth = 0
        while True:
            t = self.next()
            if t.kind == "eof":
                raise error_at(name_tok, f'unterminated argument list invoking macro "{macro.name}"')
            if t.kind == "punct" and t.bol and t.text == "#":
                self.directive()
                continue
            if t.kind == "punct":
                if t.text in "([{" and t.text == "(":
                    depth += 1
                elif t.text == ")":
                    if depth == 0:
                        break
                    depth -= 1
                elif t.text == "," and depth == 0 and not (macro.variadic and len(args) > len(macro.params)):
                    args.append([])
                    continue
            args[-1].append(t)
        nparams = len(macro.params)
        if nparams == 0 and not macro.variadic and args == [[]]:
            args = []
        if macro.variadic:
            if len(args) == nparams:
                args.append([])
            if len(args) < nparams + 1:
                raise error_at(
                    name_tok, f'macro "{macro.name}" requires {nparams + 1} arguments, but only {len(args)} given'
                )
        elif len(args) != nparams:
            raise error_at(name_tok, f'macro "{macro.name}" passed {len(args)} arguments, but takes just {nparams}')
        return args, t

    def param_index(self, macro, tok):
        if tok.kind != "ident":
            return -1
        if tok.text == "__VA_ARGS__" and macro.variadic:
            return len(macro.params)
        try:
            return macro.params.index(tok.text)
        except ValueError:
            return -1

    def expand_alone(self, toks: list[Token]) -> list[Token]:
        """Fully macro-expands an argument on its own (the tokens after it do not take part)."""
        saved = self.pending
        eof = Token("eof", "", None, 0, 0)
        self.pending = [eof] + list(reversed(toks))
        out = []
        while True:
            t = self.next()
            if t is eof:
                break
            if t.kind == "ident" and self.expand_macro(t):
                continue
            out.append(t)
        self.pending = saved
        return out

    def substitute(self, macro, args, call_tok):
        body = macro.body
        out: list[Token] = []
        i = 0
        while i < len(body):
            t = body[i]
            if t.kind == "punct" and t.text == "#" and i + 1 < len(body):
                idx = self.param_index(macro, body[i + 1])
                if idx >= 0:
                    out.append(stringize(args[idx], t))
                    i += 2
                    continue
            if t.kind == "punct" and t.text == "##" and i + 1 < len(body):
                nxt = body[i + 1]
                idx = self.param_index(macro, nxt)
                if idx >= 0:
                    arg = args[idx]
                    if nxt.text == "__VA_ARGS__" and out and out[-1].text == ",":
                        # GNU: `, ## __VA_ARGS__` drops the comma when there are no variadic arguments
                        if not arg:
                            out.pop()
                        else:
                            out.extend(self.expand_alone(arg))
                    elif arg:
                        if out:
                            out[-1] = paste(out[-1], arg[0])
                            out.extend(arg[1:])
                        else:
                            out.extend(arg)
                    i += 2
                    continue
                if out:
                    out[-1] = paste(out[-1], nxt)
                else:
                    out.append(nxt)
                i += 2
                continue
            idx = self.param_index(macro, t)
            if idx >= 0:
                arg = args[idx]
                if i + 1 < len(body) and body[i + 1].text == "##" and body[i + 1].kind == "punct":
                    if not arg:
                        # an empty left operand of ##: the right operand is taken as it is
                        if i + 2 < len(body):
                            nxt = body[i + 2]
                            j = self.param_index(macro, nxt)
                            out.extend(args[j] if j >= 0 else [nxt])
                            i += 3
                            continue
                    out.extend(a.copy() for a in arg)
                    i += 1
                    continue
                expanded = self.expand_alone(arg)
                if expanded:
                    expanded[0] = expanded[0].copy(space=t.space)
                out.extend(expanded)
                i += 1
                continue
            if t.kind == "ident" and t.text == "__VA_OPT__" and macro.variadic and i + 1 < len(body):
                depth, j = 0, i + 1
                while j < len(body):
                    if body[j].text == "(":
                        depth += 1
                    elif body[j].text == ")":
                        depth -= 1
                        if depth == 0:
                            break
                    j += 1
                if args[-1]:
                    inner = Macro(macro.name, body[i + 2 : j], macro.params, macro.variadic)
                    out.extend(self.substitute(inner, args, call_tok))
                i = j + 1
                continue
            out.append(t)
            i += 1
        return out

    # ---- directives ----
    def line_tokens(self) -> list[Token]:
        """The rest of the directive's line."""
        out = []
        while not self.peek().bol:
            out.append(self.next())
        return out

    def skip_line(self, tok):
        extra = self.line_tokens()
        if extra and Warnings.enabled:
            Warnings.warn(f"extra tokens at end of #{tok.text} directive", extra[0].file, extra[0].line, extra[0].col)

    def directive(self):
        tok = self.next()
        if tok.bol:  # a lone '#'
            self.pending.append(tok)
            return
        name = tok.text
        if tok.kind == "num":  # GNU line marker: # 12 "file"
            self.line_tokens()
            return
        handler = getattr(self, "directive_" + name, None) if tok.kind == "ident" else None
        if handler is None:
            raise error_at(tok, f"invalid preprocessing directive #{name}")
        handler(tok)

    def directive_define(self, tok):
        name = self.next()
        if name.kind != "ident" or name.bol:
            raise error_at(name if not name.bol else tok, "macro names must be identifiers")
        nxt = self.peek()
        if nxt.kind == "punct" and nxt.text == "(" and not nxt.space and not nxt.bol:
            self.next()
            params, variadic = [], False
            while True:
                p = self.next()
                if p.text == ")" and not params:
                    break
                if p.text == "...":
                    variadic = True
                    p = self.next()
                    if p.text != ")":
                        raise error_at(p, "expected ')' after \"...\"")
                    break
                if p.kind != "ident" or p.bol:
                    raise error_at(p, 'expected parameter name, found "' + p.text + '"')
                params.append(p.text)
                p = self.next()
                if p.text == "...":
                    raise error_at(p, "named variadic macro parameters are not supported")
                if p.text == ")":
                    break
                if p.text != ",":
                    raise error_at(p, "expected ',' or ')' in macro parameter list")
            body = self.line_tokens()
            self.check_paste(body)
            self.macros[name.text] = Macro(name.text, body, params, variadic)
        else:
            body = self.line_tokens()
            self.check_paste(body)
            self.macros[name.text] = Macro(name.text, body)

    def check_paste(self, body):
        for i in (0, len(body) - 1):
            if body and body[i].text == "##" and body[i].kind == "punct":
                raise error_at(body[i], "'##' cannot appear at either end of a macro expansion")

    def directive_undef(self, tok):
        name = self.next()
        if name.kind != "ident" or name.bol:
            raise error_at(name, "macro names must be identifiers")
        self.macros.pop(name.text, None)
        self.skip_line(tok)

    def directive_include(self, tok, next_=False):
        toks = self.line_tokens()
        if not toks:
            raise error_at(tok, '#include expects "FILENAME" or <FILENAME>')
        if toks[0].kind != "str" and toks[0].text != "<":
            toks = self.expand_alone(toks)
        first = toks[0] if toks else tok
        if first.kind == "str":
            fname, quoted = first.text[1:-1], True
        elif first.text == "<":
            parts = []
            for t in toks[1:]:
                if t.text == ">":
                    break
                parts.append((" " if t.space and parts else "") + t.text)
            else:
                raise error_at(first, "missing terminating > character")
            fname, quoted = "".join(parts), False
        else:
            raise error_at(first, '#include expects "FILENAME" or <FILENAME>')
        path = self.find_include(fname, quoted, tok, next_)
        if path is None:
            raise error_at(first, f"{fname}: No such file or directory")
        if os.path.realpath(path) in self.once:
            return
        if len(self.conds) > 200:
            raise error_at(tok, "#include nested too deeply")
        inc = tokenize(SourceFile(path, self.read(path, tok)))
        inc[-1].text = "end-of-include"
        self.push_tokens(inc)

    def directive_include_next(self, tok):
        self.directive_include(tok, next_=True)

    def find_include(self, fname, quoted, tok, next_):
        if os.path.isabs(fname):
            return fname if os.path.exists(fname) else None
        dirs = []
        if quoted and tok is not None and tok.file is not None:
            dirs.append(os.path.dirname(tok.file.name) or ".")
        dirs += self.include_paths + self.system_paths
        if next_ and tok is not None:
            here = os.path.dirname(os.path.realpath(tok.file.name))
            found = [i for i, d in enumerate(dirs) if os.path.realpath(d) == here]
            if found:
                dirs = dirs[found[0] + 1 :]
        for d in dirs:
            path = os.path.join(d, fname)
            if os.path.isfile(path):
                return path
        return None

    def directive_pragma(self, tok):
        toks = self.line_tokens()
        if toks and toks[0].text == "once":
            self.once.add(os.path.realpath(tok.file.name))

    def directive_error(self, tok):
        msg = " ".join(t.text for t in self.line_tokens())
        raise error_at(tok, f"#error {msg}")

    def directive_warning(self, tok):
        msg = " ".join(t.text for t in self.line_tokens())
        Warnings.warn(f"#warning {msg}", tok.file, tok.line, tok.col)

    def directive_line(self, tok):
        toks = self.expand_alone(self.line_tokens())
        if not toks or toks[0].kind != "num" or not toks[0].text.isdigit():
            raise error_at(tok, "#line directive requires a simple digit sequence")
        delta = int(toks[0].text) - (tok.line + 1)
        name = toks[1].text[1:-1] if len(toks) > 1 and toks[1].kind == "str" else None
        newfile = SourceFile(name, tok.file.text) if name else tok.file
        # renumber the rest of this file's pending tokens
        for i in range(len(self.pending) - 1, -1, -1):
            t = self.pending[i]
            if t.file is not tok.file:
                break
            self.pending[i] = t.copy(line=t.line + delta, file=newfile)

    # conditional inclusion
    def directive_if(self, tok):
        value = self.eval_condition(tok)
        self.conds.append(Conditional(tok, value))
        if not value:
            self.skip_group()

    def directive_ifdef(self, tok):
        name = self.next()
        if name.kind != "ident" or name.bol:
            raise error_at(tok, "no macro name given in #ifdef directive")
        self.skip_line(tok)
        value = name.text in self.macros or name.text in ("__FILE__", "__LINE__", "__COUNTER__")
        self.conds.append(Conditional(tok, value))
        if not value:
            self.skip_group()

    def directive_ifndef(self, tok):
        name = self.next()
        if name.kind != "ident" or name.bol:
            raise error_at(tok, "no macro name given in #ifndef directive")
        self.skip_line(tok)
        value = name.text not in self.macros
        self.conds.append(Conditional(tok, value))
        if not value:
            self.skip_group()

    def directive_elif(self, tok):
        if not self.conds or self.conds[-1].in_else:
            raise error_at(tok, "#elif without #if")
        cond = self.conds[-1]
        if cond.taken:
            self.line_tokens()
            self.skip_group()
            return
        if self.eval_condition(tok):
            cond.taken = True
        else:
            self.skip_group()

    def directive_else(self, tok):
        if not self.conds or self.conds[-1].in_else:
            raise error_at(tok, "#else without #if")
        cond = self.conds[-1]
        cond.in_else = True
        self.skip_line(tok)
        if cond.taken:
            self.skip_group()
        cond.taken = True

    def directive_endif(self, tok):
        if not self.conds:
            raise error_at(tok, "#endif without #if")
        self.conds.pop()
        self.skip_line(tok)

    def skip_group(self):
        """Skips tokens up to the #elif/#else/#endif that ends this group (which is left to be read)."""
        depth = 0
        while True:
            t = self.next()
            if t.kind == "eof":
                self.pending.append(t)
                return
            if not (t.bol and t.text == "#" and t.kind == "punct"):
                continue
            d = self.peek()
            if d.bol:
                continue
            if d.text in ("if", "ifdef", "ifndef"):
                depth += 1
            elif d.text == "endif":
                if depth == 0:
                    self.pending.append(t)
                    return
                depth -= 1
            elif d.text in ("elif", "else") and depth == 0:
                self.pending.append(t)
                return

    def eval_condition(self, tok) -> bool:
        toks = self.line_tokens()
        if not toks:
            raise error_at(tok, f"#{tok.text} with no expression")
        # resolve `defined X` before expanding macros
        resolved = []
        i = 0
        while i < len(toks):
            t = toks[i]
            if t.kind == "ident" and t.text == "defined":
                if i + 1 < len(toks) and toks[i + 1].text == "(":
                    if i + 3 >= len(toks) or toks[i + 3].text != ")":
                        raise error_at(t, "missing ')' after \"defined\"")
                    name = toks[i + 2]
                    i += 4
                else:
                    if i + 1 >= len(toks):
                        raise error_at(t, 'operator "defined" requires an identifier')
                    name = toks[i + 1]
                    i += 2
                if name.kind != "ident":
                    raise error_at(name, 'operator "defined" requires an identifier')
                resolved.append(t.copy(kind="num", text="1" if name.text in self.macros else "0"))
                continue
            resolved.append(t)
            i += 1
        expanded = self.expand_alone(resolved)
        return IfExpression(expanded, tok).evaluate() != 0


def stringize(arg: list[Token], at: Token) -> Token:
    parts = []
    for i, t in enumerate(arg):
        if i and t.space:
            parts.append(" ")
        text = t.text
        if t.kind in ("str", "char"):
            text = text.replace("\\", "\\\\").replace('"', '\\"')
        parts.append(text)
    return at.copy(kind="str", text='"' + "".join(parts) + '"')


def paste(left: Token, right: Token) -> Token:
    text = left.text + right.text
    toks = tokenize_string(text, left)
    if len(toks) != 1:
        raise error_at(left, f'pasting "{left.text}" and "{right.text}" does not give a valid preprocessing token')
    return toks[0].copy(space=left.space, bol=left.bol, hideset=left.hideset)


class IfExpression:
    """Evaluates a #if expression: C integer arithmetic in intmax_t and uintmax_t (C11 6.10.1p4), identifiers left
    over count as 0. Each value is (number, is unsigned); the usual arithmetic conversions pick the type."""

    BINARY = [
        ["||"],
        ["&&"],
        ["|"],
        ["^"],
        ["&"],
        ["==", "!="],
        ["<", ">", "<=", ">="],
        ["<<", ">>"],
        ["+", "-"],
        ["*", "/", "%"],
    ]

    def __init__(self, toks, at):
        self.toks = toks
        self.i = 0
        self.at = at

    def peek(self):
        return self.toks[self.i].text if self.i < len(self.toks) else None

    def take(self):
        if self.i >= len(self.toks):
            raise error_at(self.at, "#if expression ends too early")
        t = self.toks[self.i]
        self.i += 1
        return t

    def evaluate(self) -> int:
        value, _ = self.conditional()
        if self.i < len(self.toks):
            t = self.toks[self.i]
            raise error_at(t, f'token "{t.text}" is not valid in preprocessor expressions')
        return value

    def conditional(self):
        cond = self.binary(0)
        if self.peek() == "?":
            self.take()
            a = self.conditional()
            if self.take().text != ":":
                raise error_at(self.at, "expected ':' in #if expression")
            b = self.conditional()
            unsigned = a[1] or b[1]
            chosen = a if cond[0] else b
            return wrap64(chosen[0], unsigned), unsigned
        return cond

    def binary(self, level):
        if level == len(self.BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in self.BINARY[level]:
            op = self.take()
            right = self.binary(level + 1)
            left = self.apply(op, left, right)
        return left

    def apply(self, op, left, right):
        o = op.text
        if o in ("||", "&&"):
            return int(bool(left[0]) or bool(right[0]) if o == "||" else bool(left[0]) and bool(right[0])), False
        if o in ("<<", ">>"):  # the type of the left operand
            a, unsigned = left
            return wrap64(a << (right[0] & 63) if o == "<<" else a >> (right[0] & 63), unsigned), unsigned
        unsigned = left[1] or right[1]  # the usual arithmetic conversions
        a, b = wrap64(left[0], unsigned), wrap64(right[0], unsigned)
        if o in ("/", "%") and b == 0:
            raise error_at(op, "division by zero in #if")

        def quotient():  # C rounds toward zero
            return abs(a) // abs(b) * (1 if (a < 0) == (b < 0) else -1)

        result = {
            "|": lambda: a | b,
            "^": lambda: a ^ b,
            "&": lambda: a & b,
            "==": lambda: int(a == b),
            "!=": lambda: int(a != b),
            "<": lambda: int(a < b),
            ">": lambda: int(a > b),
            "<=": lambda: int(a <= b),
            ">=": lambda: int(a >= b),
            "+": lambda: a + b,
            "-": lambda: a - b,
            "*": lambda: a * b,
            "/": quotient,
            "%": lambda: a - quotient() * b,
        }[o]()
        if o in ("==", "!=", "<", ">", "<=", ">="):
            return result, False
        return wrap64(result, unsigned), unsigned

    def unary(self):
        t = self.take()
        if t.text == "(":
            v = self.conditional()
            if self.take().text != ")":
                raise error_at(t, "missing ')' in #if expression")
            return v
        if t.text == "!":
            return int(not self.unary()[0]), False
        if t.text in ("-", "~"):
            value, unsigned = self.unary()
            return wrap64(-value if t.text == "-" else ~value, unsigned), unsigned
        if t.text == "+":
            return self.unary()
        if t.kind == "num":
            value = parse_pp_int(t)
            unsigned = "u" in t.text.lower() or value >= 1 << 63  # too big for intmax_t: gcc makes it unsigned
            return wrap64(value, unsigned), unsigned
        if t.kind == "char":
            from b2i.cc.literals import char_value

            return char_value(t), False
        if t.kind == "ident":
            return 0, False
        raise error_at(t, f'token "{t.text}" is not valid in preprocessor expressions')


def wrap64(v: int, unsigned: bool = False) -> int:
    """v as a 64-bit integer: uintmax_t or intmax_t."""
    v &= (1 << 64) - 1
    return v - (1 << 64) if v >> 63 and not unsigned else v


def parse_pp_int(t: Token) -> int:
    text = t.text.rstrip("uUlL")
    try:
        if text.lower().startswith("0x"):
            return int(text[2:], 16)
        if text.lower().startswith("0b"):
            return int(text[2:], 2)
        if text.startswith("0") and len(text) > 1:
            return int(text, 8)
        return int(text)
    except ValueError:
        raise error_at(t, f'invalid integer constant "{t.text}" in #if') from None
