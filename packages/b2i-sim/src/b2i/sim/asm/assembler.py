"""The assembler proper: one pass over the source building sections, symbols and fixups; then fixups are
settled into bytes or relocations and the object is written.

Every instruction is 4 bytes (b2i never emits compressed code), so each label's offset is known when it is
defined and one pass suffices; only values of symbols defined later wait for the end.
"""

import re

from b2i.sim.asm import pseudo
from b2i.sim.asm.directives import Directives
from b2i.sim.asm.expr import ExprError, Parser, Symbol, Value, constant, settle
from b2i.sim.asm.lexer import LexError, Token, split_operands, split_statements, strip_comment, tokenize
from b2i.sim.asm.sections import Fixup, Section, default_section_kind
from b2i.sim.elf import (
    ET_REL,
    R_RISCV,
    SHF_EXECINSTR,
    SHF_TLS,
    SHN_ABS,
    SHN_COMMON,
    SHT_NOBITS,
    STB_GLOBAL,
    STB_LOCAL,
    STB_WEAK,
    STT_FUNC,
    STT_NOTYPE,
    STT_OBJECT,
    STT_SECTION,
    STT_TLS,
    STV_DEFAULT,
    STV_HIDDEN,
    STV_INTERNAL,
    STV_PROTECTED,
)
from b2i.sim.elf import write as elfw
from b2i.sim.errors import SourceError
from b2i.sim.isa import BY_NAME, CSRS, FLOAT_REGS, INT_REGS, ROUNDING_MODES, decode, default_fields, encode

INT_REG = {name: i for i, name in enumerate(INT_REGS)} | {f"x{i}": i for i in range(32)} | {"fp": 8}
FLOAT_REG = {name: i for i, name in enumerate(FLOAT_REGS)} | {f"f{i}": i for i in range(32)}
ROUNDING = {name: i for i, name in enumerate(ROUNDING_MODES) if name}
ORDERING = {".aq": (1, 0), ".rl": (0, 1), ".aqrl": (1, 1)}
# The field an operand kind fills, to point an out-of-range error at its operand.
OPERAND_FIELD = {"fd": "rd", "fs1": "rs1", "fs2": "rs2", "fs3": "rs3", "zimm": "imm", "hi20": "imm",
                 "target": "imm", "imm(rs1)": "imm", "(rs1)": "rs1"}


class Assembler(Directives):
    """Feed it source with `assemble_text`; `object_bytes()` gives the ELF relocatable object."""

    def __init__(self, filename: str = "<stdin>") -> None:
        self.filename = filename
        self.line = 0
        self.col = 1
        self.sections: dict[str, Section] = {}
        self.symbols: dict[str, Symbol] = {}
        self.local_counts: dict[str, int] = {}  # numeric label -> times defined
        self.fresh = 0
        self.options = {"pic": False, "relax": True, "rvc": False}
        self.option_stack: list[dict[str, bool]] = []
        self.section_stack: list[tuple[Section, Section | None]] = []
        self.local_commons: list[tuple[Symbol, int, int]] = []
        for name in (".text", ".data", ".bss"):
            self.section_named(name)
        self.current = self.sections[".text"]
        self.previous: Section | None = None

    # ----------------------------------------------------------------------------------------------
    # errors and helpers

    def error(self, message: str, col: int | None = None) -> SourceError:
        return SourceError(message, self.filename, self.line, col if col is not None else self.col)

    def section_named(self, name: str, kind: tuple[int, int] | None = None, entsize: int = 0) -> Section:
        if name not in self.sections:
            type_, flags = kind or default_section_kind(name)
            sec = Section(name, type_, flags, entsize)
            sec.symbol = Symbol(name, sec, 0, type="section")
            self.sections[name] = sec
        return self.sections[name]

    def switch(self, sec: Section) -> None:
        self.previous, self.current = self.current, sec

    def symbol(self, name: str, col: int = 0) -> Symbol:
        if name.endswith("@plt"):
            name = name[:-4]
        if name[0].isdigit():  # 1f / 1b
            number, direction = name[:-1], name[-1]
            count = self.local_counts.get(number, 0)
            if direction == "b":
                if count == 0:
                    raise ExprError(f"no previous definition of local label '{number}'", col)
                name = f".L{number}\x02{count}"
            else:
                name = f".L{number}\x02{count + 1}"
        if name not in self.symbols:
            self.symbols[name] = Symbol(name, temporary=name.startswith(".L"))
        return self.symbols[name]

    def dot(self) -> Symbol:
        return Symbol(".L0 ", self.current, self.offset, temporary=True, dot=True)

    def parse_expr(self, tokens: list[Token]) -> Value:
        if not tokens:
            raise self.error("expected an expression")
        parser = Parser(tokens, self.symbol, self.dot)
        v = parser.parse()
        if parser.pos != len(tokens):
            tok = tokens[parser.pos]
            raise ExprError(f"unexpected '{tok.text}' after expression", tok.col)
        return v

    def const_expr(self, tokens: list[Token]) -> int:
        return constant(self.parse_expr(tokens), tokens[0])

    def emit(self, data: bytes) -> None:
        sec = self.current
        if sec.type == SHT_NOBITS:
            if any(data):
                raise self.error(f"non-zero data in a no-bits section ({sec.name})")
            sec.nobits_size += len(data)
        else:
            sec.data += data

    @property
    def offset(self) -> int:
        return self.current.size

    # ----------------------------------------------------------------------------------------------
    # statements

    def assemble_text(self, text: str) -> None:
        for number, raw in enumerate(text.splitlines(), 1):
            self.line = number
            try:
                for stmt, col in split_statements(strip_comment(raw)):
                    self.col = col + 1
                    self.statement(tokenize(stmt, col))
            except (LexError, ExprError) as e:
                raise self.error(str(e), e.col) from None

    def statement(self, tokens: list[Token]) -> None:
        while len(tokens) >= 2 and tokens[1].text == ":" and tokens[0].kind in ("name", "num"):
            self.define_label(tokens[0])
            tokens = tokens[2:]
        if not tokens:
            return
        head = tokens[0]
        self.col = head.col
        if head.kind != "name":
            raise self.error(f"unexpected '{head.text}' at start of statement")
        if len(tokens) >= 2 and tokens[1].text == "=":
            self.set_symbol(head, tokens[2:])
        elif head.text.startswith(".") and head.text not in BY_NAME:
            self.directive(head, tokens[1:])
        else:
            self.instruction(head, split_operands(tokens[1:]))

    def define_label(self, tok: Token) -> None:
        name = tok.text
        if tok.kind == "num":
            count = self.local_counts.get(name, 0) + 1
            self.local_counts[name] = count
            name = f".L{name}\x02{count}"
        sym = self.symbol(name, tok.col)
        if sym.defined:
            raise self.error(f"symbol '{tok.text}' is already defined", tok.col)
        sym.section, sym.value = self.current, self.offset

    def set_symbol(self, name_tok: Token, tokens: list[Token]) -> None:
        sym = self.symbol(name_tok.text, name_tok.col)
        v = settle(self.parse_expr(tokens))
        try:
            sym.value, sym.absolute, sym.section = constant(v, tokens[0]), True, None
        except ExprError:
            if v.sub is not None or v.reloc is not None or v.sym is None:
                raise
            if v.sym.defined:
                sym.section, sym.value = v.sym.section, v.sym.value + v.addend
            else:
                sym.alias = v

    # ----------------------------------------------------------------------------------------------
    # instructions

    def instruction(self, head: Token, operands: list[list[Token]]) -> None:
        name = head.text.lower()
        if name == "call" or name == "tail":
            self.call(name, operands)
            return
        if name == "add" and len(operands) == 4:  # add rd, rs, tp, %tprel_add(sym): marks a TLS access
            v = settle(self.parse_expr(operands[3]))
            if v.reloc != "%tprel_add" or v.sym is None:
                raise self.error("the fourth operand of add must be %tprel_add(symbol)", operands[3][0].col)
            self.current.fixups.append(Fixup(self.offset, "tprel_add", v, 4, self.line, operands[3][0].col))
            operands = operands[:3]
        lines = None
        if name in pseudo.NAMES:
            texts = [" ".join(t.text for t in op) for op in operands]
            lines = pseudo.expand(name, texts, self.fresh_label, lambda i: self.const_expr(operands[i]),
                                  self.is_register, self.options["pic"])
        if lines is not None:
            for line in lines:
                self.statement(fill_template(line, operands, head.col))
            return
        base, ordering = name, (0, 0)
        for suffix, bits in ORDERING.items():
            if name.endswith(suffix) and name[: -len(suffix)] in BY_NAME:
                base, ordering = name[: -len(suffix)], bits
        op = BY_NAME.get(base)
        if op is None or op.size != 4:
            raise self.error(f"unknown instruction '{head.text}'", head.col)
        kinds = list(op.operands)
        if kinds and kinds[-1] == "rm" and len(operands) == len(kinds) - 1:
            kinds.pop()
        if len(operands) != len(kinds):
            raise self.error(f"'{head.text}' takes {len(op.operands)} operands: {', '.join(op.operands)}",
                             head.col)
        fields = default_fields(op)
        if "aq" in op.field_names:
            fields["aq"], fields["rl"] = ordering
        elif ordering != (0, 0):
            raise self.error(f"unknown instruction '{head.text}'", head.col)
        fixup = None
        columns = {}  # field -> column of its operand, to point at the one out of range
        for kind, tokens in zip(kinds, operands, strict=True):
            fixup = self.operand(op, kind, tokens, fields) or fixup
            columns[OPERAND_FIELD.get(kind, kind)] = tokens[0].col if tokens else head.col
        self.align_code()
        if fixup is not None:
            kind, value, col = fixup
            self.current.fixups.append(Fixup(self.offset, kind, value, 4, self.line, col))
        try:
            word = encode(op, **fields)
        except ValueError as e:
            col = next((c for name, c in columns.items() if f"{name} " in str(e)), head.col)
            raise self.error(f"{e}", col) from None
        self.emit(word.to_bytes(4, "little"))

    def align_code(self) -> None:
        self.current.align = max(self.current.align, 4)

    def operand(self, op, kind: str, tokens: list[Token], fields: dict[str, int]):
        """Parse one operand into `fields`; return (fixup kind, value, col) if it needs a fixup."""
        col = tokens[0].col if tokens else self.col
        if kind in ("rd", "rs1", "rs2"):
            fields[kind] = self.register(tokens, INT_REG, "integer")
        elif kind in ("fd", "fs1", "fs2", "fs3"):
            fields["r" + kind[1:]] = self.register(tokens, FLOAT_REG, "float")
        elif kind == "rm":
            if len(tokens) != 1 or tokens[0].text not in ROUNDING:
                raise self.error("expected a rounding mode (rne, rtz, rdn, rup, rmm, dyn)", col)
            fields["rm"] = ROUNDING[tokens[0].text]
        elif kind in ("pred", "succ"):
            text = "".join(t.text for t in tokens)
            if text == "0":
                fields[kind] = 0
            elif not text or any(ch not in "iorw" for ch in text):
                raise self.error(f"bad fence set '{text}'", col)
            else:
                fields[kind] = sum(8 >> "iorw".index(ch) for ch in set(text))
        elif kind == "csr":
            text = " ".join(t.text for t in tokens)
            fields["csr"] = CSRS[text] if text in CSRS else self.const_expr(tokens)
        elif kind in ("imm", "zimm", "shamt"):
            return self.immediate(op, "shamt" if kind == "shamt" else "imm", tokens, fields)
        elif kind == "hi20":
            v = settle(self.parse_expr(tokens))
            if v.reloc in ("%hi", "%pcrel_hi", "%got_pcrel_hi", "%tprel_hi"):
                if v.reloc == "%hi" and v.sym is None and v.sub is None:
                    fields["imm"] = sign32(((v.addend + 0x800) >> 12) << 12)
                    return None
                fields["imm"] = 0
                return ({"%hi": "hi", "%pcrel_hi": "pcrel_hi", "%got_pcrel_hi": "got_hi",
                         "%tprel_hi": "tprel_hi"}[v.reloc], v, col)
            value = constant(v, tokens[0])
            if not 0 <= value <= 0xFFFFF:
                raise self.error(f"lui/auipc immediate {value:#x} out of range [0, 0xfffff]", col)
            fields["imm"] = sign32(value << 12)
        elif kind == "target":
            v = settle(self.parse_expr(tokens))
            if v.sym is None or v.sub is not None or v.reloc is not None:
                raise self.error("branch target must be a label", col)
            fields["imm"] = 0
            return ("branch" if op.fmt == "B" else "jal", v, col)
        elif kind in ("imm(rs1)", "(rs1)"):
            if len(tokens) < 3 or tokens[-1].text != ")" or tokens[-3].text != "(":
                raise self.error(f"expected an address like 8(a0), got '{' '.join(t.text for t in tokens)}'", col)
            fields["rs1"] = self.register(tokens[-2:-1], INT_REG, "integer")
            if kind == "(rs1)":
                if len(tokens) > 3 and self.const_expr(tokens[:-3]) != 0:
                    raise self.error("atomic address must be (reg)", col)
                return None
            if len(tokens) == 3:
                fields["imm"] = 0
                return None
            return self.immediate(op, "imm", tokens[:-3], fields)
        else:
            raise self.error(f"operand kind {kind} is not assembled", col)
        return None

    def immediate(self, op, name: str, tokens: list[Token], fields: dict[str, int]):
        col = tokens[0].col if tokens else self.col
        v = settle(self.parse_expr(tokens))
        store = op.fmt == "S"
        if v.reloc in ("%lo", "%pcrel_lo", "%tprel_lo"):
            if v.reloc == "%lo" and v.sym is None and v.sub is None:
                fields[name] = ((v.addend & 0xFFF) ^ 0x800) - 0x800
                return None
            fields[name] = 0
            kind = {"%lo": "lo", "%pcrel_lo": "pcrel_lo", "%tprel_lo": "tprel_lo"}[v.reloc]
            return (kind + ("_s" if store else "_i"), v, col)
        if v.reloc is not None:
            raise self.error(f"{v.reloc} is not allowed here", col)
        fields[name] = constant(v, tokens[0])
        return None

    def register(self, tokens: list[Token], names: dict[str, int], what: str) -> int:
        col = tokens[0].col if tokens else self.col
        if len(tokens) != 1 or tokens[0].text not in names:
            raise self.error(f"expected {what} register, got '{' '.join(t.text for t in tokens)}'", col)
        return names[tokens[0].text]

    def is_register(self, text: str) -> bool:
        return text in INT_REG or text in FLOAT_REG

    def fresh_label(self) -> str:
        self.fresh += 1
        name = f"$pcrel${self.fresh}"
        sym = self.symbol(name)
        sym.name, sym.temporary = ".L0 ", True  # GNU's name (with the space); objdumps skip it
        return name

    def call(self, name: str, operands: list[list[Token]]) -> None:
        """call/tail: an auipc+jalr pair with one R_RISCV_CALL_PLT relocation."""
        if name == "call" and len(operands) == 2:
            link = self.register(operands[0], INT_REG, "integer")
            target_tokens = operands[1]
            scratch = link
        elif len(operands) == 1:
            link, scratch = (1, 1) if name == "call" else (0, 6)
            target_tokens = operands[0]
        else:
            raise self.error(f"'{name}' takes a symbol")
        v = settle(self.parse_expr(target_tokens))
        if v.sym is None or v.sub is not None or v.reloc is not None:
            raise self.error(f"'{name}' target must be a symbol", target_tokens[0].col)
        self.align_code()
        self.current.fixups.append(Fixup(self.offset, "call", v, 8, self.line, target_tokens[0].col))
        self.emit(encode("auipc", rd=scratch, imm=0).to_bytes(4, "little"))
        self.emit(encode("jalr", rd=link, rs1=scratch, imm=0).to_bytes(4, "little"))

    # ----------------------------------------------------------------------------------------------
    # the end: settle fixups, write the object

    def finish(self) -> None:
        bss = self.sections[".bss"]
        for sym, size, align in self.local_commons:
            bss.align = max(bss.align, align)
            bss.nobits_size += -bss.nobits_size % align
            sym.section, sym.value = bss, bss.nobits_size
            bss.nobits_size += size
        for sym in self.symbols.values():
            if sym.alias is not None:
                v = settle(sym.alias)
                if v.sym is None or not v.sym.defined:
                    raise SourceError(f"symbol '{sym.name}' is set to an undefined symbol", self.filename)
                sym.section, sym.value = v.sym.section, v.sym.value + v.addend
        for sec in self.sections.values():
            if sec.flags & SHF_EXECINSTR:  # GNU pads code sections to their alignment with nops
                self.current = sec
                self.align_to(sec.align)
            for fix in sec.fixups:
                self.line, self.col = fix.line, fix.col
                self.settle_fixup(sec, fix)

    def settle_fixup(self, sec: Section, fix: Fixup) -> None:
        v = settle(fix.value)
        sym, sub = v.sym, v.sub
        if fix.kind == "data":
            if sym is None and sub is None:
                self.patch_data(sec, fix, v.addend)
            elif sub is None:
                if fix.size not in (4, 8):
                    raise self.error(f"cannot relocate a {fix.size}-byte value")
                self.reloc(sec, fix.offset, f"{8 * fix.size}", sym, v.addend)
            elif sym is None:
                raise self.error("cannot relocate a negated symbol")
            elif sym.section is sub.section and sym.section is not None \
                    and not sym.section.flags & SHF_EXECINSTR:
                self.patch_data(sec, fix, v.addend + sym.value - sub.value)
            else:
                self.reloc(sec, fix.offset, f"ADD{8 * fix.size}", sym, v.addend)
                self.reloc(sec, fix.offset, f"SUB{8 * fix.size}", sub, 0)
            return
        if sub is not None or sym is None:
            raise self.error("relocation needs a symbol")
        if fix.kind in ("branch", "jal"):
            here = fix.offset
            target = (sym.value if sym.section is sec else 0) + v.addend - here
            if not (sym.dot and sym.section is sec):  # `.+8` is settled here; labels get a relocation
                self.reloc(sec, here, fix.kind.upper(), sym, v.addend)
            self.patch_field(sec, here, target)
            return
        names = {"call": "CALL_PLT", "pcrel_hi": "PCREL_HI20", "got_hi": "GOT_HI20", "hi": "HI20",
                 "lo_i": "LO12_I", "lo_s": "LO12_S", "pcrel_lo_i": "PCREL_LO12_I", "pcrel_lo_s": "PCREL_LO12_S",
                 "tprel_hi": "TPREL_HI20", "tprel_lo_i": "TPREL_LO12_I", "tprel_lo_s": "TPREL_LO12_S",
                 "tprel_add": "TPREL_ADD"}
        self.reloc(sec, fix.offset, names[fix.kind], sym, v.addend)
        if fix.kind == "hi":  # GNU leaves %hi/%lo of the addend in the instruction
            self.patch_field(sec, fix.offset, sign32(((v.addend + 0x800) >> 12) << 12))
        elif fix.kind in ("lo_i", "lo_s"):
            self.patch_field(sec, fix.offset, ((v.addend & 0xFFF) ^ 0x800) - 0x800)

    def patch_data(self, sec: Section, fix: Fixup, value: int) -> None:
        bits = 8 * fix.size
        if not -(1 << (bits - 1)) <= value < (1 << bits):
            raise self.error(f"value {value} does not fit in {fix.size} bytes")
        sec.data[fix.offset:fix.offset + fix.size] = (value & ((1 << bits) - 1)).to_bytes(fix.size, "little")

    def patch_field(self, sec: Section, offset: int, imm: int) -> None:
        d = decode(int.from_bytes(sec.data[offset:offset + 4], "little"))
        try:
            word = encode(d.op, **(d.fields | {"imm": imm}))
        except ValueError:
            raise self.error(f"branch target out of range ({imm} bytes)") from None
        sec.data[offset:offset + 4] = word.to_bytes(4, "little")

    def reloc(self, sec: Section, offset: int, kind: str, sym: Symbol, addend: int) -> None:
        sec.relocs.append((offset, kind, sym, addend))
        sym.in_symtab = True

    def object_bytes(self) -> bytes:
        """The ELF relocatable object."""
        self.finish()
        sections = list(self.sections.values())
        index = {id(sec): i + 1 for i, sec in enumerate(sections)}
        out_sections = []
        for sec in sections:
            out_sections.append(elfw.Section(sec.name, sec.type, sec.flags, bytes(sec.data),
                                             size=sec.nobits_size if sec.type == SHT_NOBITS else None,
                                             align=sec.align, entsize=sec.entsize))
        symbols: list[elfw.Symbol] = []
        ordered: list[Symbol] = []
        for sec in sections:
            ordered.append(sec.symbol)
            symbols.append(elfw.Symbol("", 0, 0, STB_LOCAL, STT_SECTION, 0, index[id(sec)]))
        locals_, globals_ = [], []
        for sym in self.symbols.values():
            if sym.bind == "local" and sym.defined:
                if not sym.temporary or sym.in_symtab:
                    locals_.append(sym)
            elif sym.bind != "local" or sym.in_symtab or sym.common:
                globals_.append(sym)
        seen = {id(sym) for sym in ordered + locals_ + globals_}
        for sec in sections:  # symbols made for `.` are not in the dict
            for _, _, sym, _ in sec.relocs:
                if sym.in_symtab and id(sym) not in seen:
                    seen.add(id(sym))
                    (locals_ if sym.defined and sym.bind == "local" else globals_).append(sym)
        for sym in locals_ + globals_:
            symbols.append(self.elf_symbol(sym, index))
            ordered.append(sym)
        position = {id(sym): i + 1 for i, sym in enumerate(ordered)}
        relocs = {}
        for sec in sections:
            if sec.relocs:
                relocs[index[id(sec)]] = [elfw.Reloc(off, R_RISCV[kind], position[id(sym)], addend)
                                          for off, kind, sym, addend in sec.relocs]
        image = elfw.ElfImage(ET_REL, out_sections, symbols, relocs)
        return elfw.write_elf(image)

    def elf_symbol(self, sym: Symbol, index: dict[int, int]) -> elfw.Symbol:
        bind = {"local": STB_LOCAL, "global": STB_GLOBAL, "weak": STB_WEAK}[sym.bind]
        if not sym.defined and not sym.common and bind == STB_LOCAL:
            bind = STB_GLOBAL
        type_ = {"notype": STT_NOTYPE, "func": STT_FUNC, "object": STT_OBJECT, "tls": STT_TLS}[sym.type]
        vis = {"default": STV_DEFAULT, "hidden": STV_HIDDEN, "internal": STV_INTERNAL,
               "protected": STV_PROTECTED}[sym.visibility]
        size = 0
        if sym.size is not None:
            v = settle(sym.size)
            if v.is_constant:
                size = v.addend
            elif v.sym is not None and v.sub is not None and v.sym.section is v.sub.section:
                size = v.addend + v.sym.value - v.sub.value
            else:
                raise SourceError(f".size of '{sym.name}' is not a constant", self.filename)
        if sym.common:
            return elfw.Symbol(sym.name, sym.common[1], sym.common[0], bind, STT_OBJECT, vis, SHN_COMMON)
        if sym.absolute:
            return elfw.Symbol(sym.name, sym.value, size, bind, type_, vis, SHN_ABS)
        if sym.section is not None and sym.section.flags & SHF_TLS:
            type_ = STT_TLS
        shndx = index[id(sym.section)] if sym.section is not None else 0
        return elfw.Symbol(sym.name, sym.value, size, bind, type_, vis, shndx)


def sign32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - (1 << 32) if value >> 31 else value


def fill_template(line: str, operands: list[list[Token]], col: int) -> list[Token]:
    """Tokens of one line of a pseudo-instruction's expansion: {i} becomes operand i's own tokens, the
    rest points at the pseudo-instruction's column."""
    tokens = []
    for tok in tokenize(re.sub(r"\{(\d)\}", r"$op\1", line)):
        m = re.fullmatch(r"\$op(\d)", tok.text)
        tokens += operands[int(m.group(1))] if m else [Token(tok.kind, tok.text, col)]
    return tokens
