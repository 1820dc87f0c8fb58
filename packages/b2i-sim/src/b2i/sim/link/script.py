"""A small subset of GNU linker scripts, and the default layout written in it.

Supported: ENTRY(sym); SECTIONS { . = expr; sym = expr; PROVIDE(sym = expr); PROVIDE_HIDDEN(...);
name [addr] : [ALIGN(n)] { [KEEP(] *(glob ...) [)] sym = .; ... } } with expressions over numbers
(0x.., K/M suffixes), symbols, `.`, + - * / % & | << >> ~ ( ), ALIGN(n), ALIGN(expr, n), MAX, MIN,
SIZEOF_HEADERS. OUTPUT_ARCH, OUTPUT_FORMAT and SORT(...) are accepted (SORT keeps input order, by name).
"""

import re
from dataclasses import dataclass, field

from b2i.sim.errors import LinkError

PAGE = 0x1000
MAX_PHDRS = 6
SIZEOF_HEADERS = 64 + 56 * MAX_PHDRS

# The default layout for Linux user programs (addresses as GNU ld's elf64lriscv script); {start} is
# `0x10000 + SIZEOF_HEADERS`, or -Ttext's address. No ifuncs: the IRELATIVE table static glibc walks is empty.
DEFAULT_SCRIPT = """
ENTRY(_start)
SECTIONS
{
  {headers}. = {start};
  PROVIDE_HIDDEN(__rela_iplt_start = .); PROVIDE_HIDDEN(__rela_iplt_end = .);
  .text : {
    *(.text.unlikely .text.*_unlikely .text.unlikely.*) *(.text.exit .text.exit.*)
    *(.text.startup .text.startup.*) *(.text.hot .text.hot.*) *(.text .stub .text.* .init .fini)
  }
  PROVIDE(__etext = .); PROVIDE(_etext = .); PROVIDE(etext = .);
  .rodata : { *(.rodata .rodata.* .srodata .srodata.* .gnu.linkonce.r.*) }
  .eh_frame : { KEEP(*(.eh_frame)) }
  . = ALIGN(0x1000) + (. & 0xfff);
  .tdata : { PROVIDE_HIDDEN(__tdata_start = .); *(.tdata .tdata.*) }
  .tbss : { *(.tbss .tbss.*) }
  .preinit_array : { PROVIDE_HIDDEN(__preinit_array_start = .); KEEP(*(.preinit_array))
                     PROVIDE_HIDDEN(__preinit_array_end = .); }
  .init_array : { PROVIDE_HIDDEN(__init_array_start = .); KEEP(*(SORT(.init_array.*) .init_array .ctors))
                  PROVIDE_HIDDEN(__init_array_end = .); }
  .fini_array : { PROVIDE_HIDDEN(__fini_array_start = .); KEEP(*(SORT(.fini_array.*) .fini_array .dtors))
                  PROVIDE_HIDDEN(__fini_array_end = .); }
  .data : { PROVIDE(__data_start = .); *(.data .data.* .gnu.linkonce.d.*) }
  .got : { *(.got) }
  .sdata : { __global_pointer$ = . + 0x800; *(.sdata .sdata.* .gnu.linkonce.s.*) }
  _edata = .; PROVIDE(edata = .);
  __bss_start = .;
  .sbss : { *(.sbss .sbss.* .gnu.linkonce.sb.*) }
  .bss : { *(.bss .bss.* .gnu.linkonce.b.*) *(COMMON) . = ALIGN(8); }
  _end = .; PROVIDE(end = .);
}
"""


@dataclass
class Assign:
    name: str
    expr: tuple
    provide: bool = False
    hidden: bool = False


@dataclass
class InputPattern:
    file: str
    sections: list[str]


@dataclass
class OutputSpec:
    name: str
    address: tuple | None
    align: tuple | None
    items: list = field(default_factory=list)  # InputPattern | Assign


@dataclass
class Script:
    entry: str | None = None
    statements: list = field(default_factory=list)  # Assign | OutputSpec


TOKEN = re.compile(r"""
    (?P<space>\s+|/\*.*?\*/)
  | (?P<num>0[xX][0-9a-fA-F]+|\d+[KM]?)(?![A-Za-z_.$])
  | (?P<op><<|>>|==|!=|<=|>=|&&|\|\||\+=|-=|[=+\-/%&|~!(){};:,<>])
  | (?P<name>[A-Za-z0-9_.$*?\[\]^]+)
""", re.X | re.S)


def tokenize(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        m = TOKEN.match(text, pos)
        if not m:
            raise LinkError(f"linker script: unexpected {text[pos:pos + 10]!r}")
        if m.lastgroup != "space":
            tokens.append(m.group())
        pos = m.end()
    return tokens


class Parser:
    def __init__(self, text: str) -> None:
        self.tokens, self.pos = tokenize(text), 0

    def peek(self, ahead: int = 0) -> str | None:
        i = self.pos + ahead
        return self.tokens[i] if i < len(self.tokens) else None

    def next(self) -> str:
        tok = self.peek()
        if tok is None:
            raise LinkError("linker script: unexpected end")
        self.pos += 1
        return tok

    def expect(self, text: str) -> None:
        tok = self.next()
        if tok != text:
            raise LinkError(f"linker script: expected '{text}', found '{tok}'")

    def script(self) -> Script:
        script = Script()
        while self.peek() is not None:
            tok = self.next()
            if tok == "ENTRY":
                self.expect("(")
                script.entry = self.next()
                self.expect(")")
            elif tok in ("OUTPUT_ARCH", "OUTPUT_FORMAT", "SEARCH_DIR", "TARGET"):
                self.expect("(")
                while self.next() != ")":
                    pass
            elif tok == "SECTIONS":
                self.expect("{")
                while self.peek() != "}":
                    script.statements.append(self.section_statement())
                self.expect("}")
            elif tok == ";":
                continue
            else:
                self.pos -= 1
                script.statements.append(self.assignment())
        return script

    def section_statement(self):
        if self.peek(1) in ("=", "+=", "-=") or self.peek() in ("PROVIDE", "PROVIDE_HIDDEN"):
            return self.assignment()
        name = self.next()
        address = None
        if self.peek() != ":":
            address = self.expr()
        self.expect(":")
        align = None
        if self.peek() == "ALIGN":
            self.next()
            self.expect("(")
            align = self.expr()
            self.expect(")")
        spec = OutputSpec(name, address, align)
        self.expect("{")
        while self.peek() != "}":
            spec.items.extend(self.section_item())
        self.expect("}")
        if self.peek() == ">":  # > REGION: memory regions are not supported; accepted and ignored
            self.next()
            self.next()
        return spec

    def section_item(self) -> list:
        tok = self.peek()
        if tok == ";":
            self.next()
            return []
        if self.peek(1) in ("=", "+=", "-=") or tok in ("PROVIDE", "PROVIDE_HIDDEN"):
            return [self.assignment()]
        if tok in ("KEEP", "SORT", "SORT_BY_NAME", "SORT_BY_ALIGNMENT", "SORT_NONE"):
            self.next()
            self.expect("(")
            items = self.section_item()
            self.expect(")")
            return items
        file = self.next()
        self.expect("(")
        sections = []
        while self.peek() != ")":
            name = self.next()
            if name in ("SORT", "SORT_BY_NAME", "KEEP", "EXCLUDE_FILE"):
                self.expect("(")
                while self.peek() != ")":
                    sections.append(self.next())
                self.expect(")")
            else:
                sections.append(name)
        self.expect(")")
        return [InputPattern(file, sections)]

    def assignment(self) -> Assign:
        tok = self.next()
        if tok in ("PROVIDE", "PROVIDE_HIDDEN"):
            self.expect("(")
            inner = self.assignment()
            self.expect(")")
            if self.peek() == ";":
                self.next()
            inner.provide, inner.hidden = True, tok == "PROVIDE_HIDDEN"
            return inner
        op = self.next()
        if op not in ("=", "+=", "-="):
            raise LinkError(f"linker script: expected '=' after '{tok}', found '{op}'")
        value = self.expr()
        if op != "=":
            value = ("bin", op[0], ("sym", tok), value)
        if self.peek() == ";":
            self.next()
        return Assign(tok, value)

    LEVELS = [("||",), ("&&",), ("|",), ("&",), ("==", "!=", "<", ">", "<=", ">="), ("<<", ">>"), ("+", "-"),
              ("*", "/", "%")]

    def expr(self, level: int = 0) -> tuple:
        if level == len(self.LEVELS):
            return self.unary()
        left = self.expr(level + 1)
        while self.peek() in self.LEVELS[level]:
            op = self.next()
            left = ("bin", op, left, self.expr(level + 1))
        return left

    def unary(self) -> tuple:
        tok = self.next()
        if tok in ("-", "~", "!"):
            return ("un", tok, self.unary())
        if tok == "(":
            e = self.expr()
            self.expect(")")
            return e
        if tok[0].isdigit():
            scale = {"K": 1024, "M": 1024 * 1024}.get(tok[-1], 1)
            return ("num", int(tok.rstrip("KM"), 0) * scale)
        if tok == ".":
            return ("dot",)
        if tok == "SIZEOF_HEADERS":
            return ("num", SIZEOF_HEADERS)
        if self.peek() == "(" and tok in ("ALIGN", "MAX", "MIN", "ADDR", "SIZEOF", "DEFINED", "ABSOLUTE"):
            self.next()
            args = [self.expr()]
            while self.peek() == ",":
                self.next()
                args.append(self.expr())
            self.expect(")")
            return ("call", tok, args)
        return ("sym", tok)


def parse_script(text: str) -> Script:
    """Parse a linker script of the subset above; LinkError names what is not understood."""
    return Parser(text).script()


def default_script(text_base: int | None) -> Script:
    start = f"{text_base:#x}" if text_base is not None else "0x10000 + SIZEOF_HEADERS"
    headers = "PROVIDE_HIDDEN(__ehdr_start = 0x10000);" if text_base is None else ""
    return parse_script(DEFAULT_SCRIPT.replace("{start}", start).replace("{headers}", headers))
