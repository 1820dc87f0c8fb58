"""Assembler directives (.section, .globl, .align, .word, .string, .option...): one method each, and the
table from directive name to method. `Assembler` inherits them."""

import struct

from b2i.sim.asm.expr import Symbol, Value, settle
from b2i.sim.asm.lexer import Token, split_operands, unescape
from b2i.sim.asm.sections import SECTION_FLAGS, SECTION_TYPES, Fixup, default_section_kind
from b2i.sim.elf import (
    SHF_EXECINSTR,
    SHF_MERGE,
    SHT_NOBITS,
    SHT_PROGBITS,
)
from b2i.sim.isa import encode

NOP = encode("addi", rd=0, rs1=0, imm=0)  # code sections are padded with it
MAX_SECTION_BYTES = 1 << 28


class Directives:
    """The directive half of the assembler (see `b2i.sim.asm.assembler.Assembler` for the state it uses)."""

    def directive(self, head: Token, args: list[Token]) -> None:
        name = head.text
        ops = split_operands(args)
        handler = DIRECTIVES.get(name)
        if name.startswith(".cfi_"):
            return  # call-frame information: accepted, no .eh_frame is made
        if handler is None:
            raise self.error(f"unknown directive '{name}'", head.col)
        handler(self, ops, args)

    def d_section(self, ops, args) -> None:
        if not ops or not ops[0] or any(not op for op in ops):
            raise self.error(".section needs a name, then optional \"flags\", @type and entry size")
        name = "".join(t.text for t in ops[0])
        if name.startswith('"'):
            name = name.strip('"')
        kind, entsize = None, 0
        if len(ops) >= 2:
            flags_text = unescape(ops[1][0].text.strip('"')).decode() if ops[1][0].kind == "str" else ""
            flags = 0
            for ch in flags_text:
                flags |= SECTION_FLAGS.get(ch, 0)
            type_ = default_section_kind(name)[0]
            if len(ops) >= 3:
                tname = "".join(t.text for t in ops[2]).replace("%", "@")
                type_ = SECTION_TYPES.get(tname, SHT_PROGBITS)
            if len(ops) >= 4 and flags & SHF_MERGE:
                entsize = self.const_expr(ops[3])
            kind = (type_, flags)
        self.switch(self.section_named(name, kind, entsize))

    @staticmethod
    def d_named_section(name: str):
        def handler(self, ops, args):
            self.switch(self.section_named(name))
        return handler

    def d_pushsection(self, ops, args) -> None:
        self.section_stack.append((self.current, self.previous))
        self.d_section(ops, args)

    def d_popsection(self, ops, args) -> None:
        if not self.section_stack:
            raise self.error(".popsection without .pushsection")
        self.current, self.previous = self.section_stack.pop()

    def d_previous(self, ops, args) -> None:
        if self.previous is not None:
            self.switch(self.previous)

    def symbols_of(self, ops) -> list[Symbol]:
        """The symbols a directive names, one per operand; an error for an operand that is no name."""
        symbols = []
        for op in ops:
            if len(op) != 1 or op[0].kind not in ("name", "localref"):
                raise self.error("expected a symbol name", op[0].col if op else self.col)
            symbols.append(self.symbol(op[0].text, op[0].col))
        return symbols

    @staticmethod
    def d_bind(bind: str):
        def handler(self, ops, args):
            for sym in self.symbols_of(ops):
                sym.bind = bind
        return handler

    @staticmethod
    def d_visibility(vis: str):
        def handler(self, ops, args):
            for sym in self.symbols_of(ops):
                sym.visibility = vis
        return handler

    def d_type(self, ops, args) -> None:
        if len(ops) != 2:
            raise self.error(".type needs a symbol and a type")
        sym = self.symbols_of(ops[:1])[0]
        kind = "".join(t.text for t in ops[1]).lstrip("@%#").lower()
        sym.type = {"function": "func", "stt_func": "func", "object": "object", "stt_object": "object",
                    "tls_object": "tls", "notype": "notype", "gnu_indirect_function": "func"}.get(kind, "notype")

    def d_size(self, ops, args) -> None:
        if len(ops) != 2:
            raise self.error(".size needs a symbol and a size")
        self.symbols_of(ops[:1])[0].size = self.parse_expr(ops[1])

    def d_set(self, ops, args) -> None:
        if len(ops) != 2 or len(ops[0]) != 1:
            raise self.error(".set needs a symbol and an expression")
        self.set_symbol(ops[0][0], ops[1])

    @staticmethod
    def d_align(kind: str):
        def handler(self, ops, args):
            if not ops:
                raise self.error("alignment expected")
            n = self.const_expr(ops[0])
            if not 0 <= n <= (1 << 31 if kind == "b" else 31):
                raise self.error(f"alignment {n} out of range")
            size = n if kind == "b" else 1 << n
            if size & (size - 1) or size <= 0:
                raise self.error(f"alignment {size} is not a power of 2")
            fill = self.const_expr(ops[1]) if len(ops) > 1 and ops[1] else None
            limit = self.const_expr(ops[2]) if len(ops) > 2 else None
            self.align_to(size, fill, limit)
        return handler

    def align_to(self, size: int, fill: int | None = None, limit: int | None = None) -> None:
        sec = self.current
        pad = -self.offset % size
        if limit is not None and pad > limit:
            return
        sec.align = max(sec.align, size)
        if sec.type == SHT_NOBITS:
            sec.nobits_size += pad
            return
        if pad > MAX_SECTION_BYTES:
            raise self.error(f"alignment padding of {pad} bytes is more than b2i-as handles")
        if sec.flags & SHF_EXECINSTR and fill is None:
            zeros = pad % 4
            self.emit(bytes(zeros) + NOP.to_bytes(4, "little") * (pad // 4))
        else:
            self.emit(bytes([fill or 0]) * pad)

    @staticmethod
    def d_data(size: int):
        def handler(self, ops, args):
            for op in ops:
                v = settle(self.parse_expr(op))
                if v.is_constant:
                    self.emit((v.addend & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))
                else:
                    self.current.fixups.append(Fixup(self.offset, "data", v, size, self.line, op[0].col))
                    self.emit(bytes(size))
        return handler

    @staticmethod
    def d_float(fmt: str):
        def handler(self, ops, args):
            for op in ops:
                text = "".join(t.text for t in op)
                try:
                    value = float(text.replace("0f", "", 1) if text.startswith(("0f", "0d")) else text)
                except ValueError:
                    value = float(self.const_expr(op))
                self.emit(struct.pack(fmt, value))
        return handler

    @staticmethod
    def d_string(terminate: bool):
        def handler(self, ops, args):
            for op in ops:
                if len(op) != 1 or op[0].kind != "str":
                    raise self.error("expected a string", op[0].col if op else self.col)
                self.emit(unescape(op[0].text[1:-1]) + (b"\0" if terminate else b""))
        return handler

    def d_space(self, ops, args) -> None:
        if not ops:
            raise self.error("size expected")
        count = self.const_expr(ops[0])
        fill = self.const_expr(ops[1]) if len(ops) > 1 else 0
        if count < 0:
            raise self.error("negative size")
        if self.current.type == SHT_NOBITS and not fill & 0xFF:
            self.current.nobits_size += count  # no bytes to hold: .bss only grows
            return
        if count > MAX_SECTION_BYTES:
            raise self.error(f"size {count} is larger than the {MAX_SECTION_BYTES >> 20} MiB b2i-as handles")
        self.emit(bytes([fill & 0xFF]) * count)

    @staticmethod
    def d_comm(local: bool):
        def handler(self, ops, args):
            if len(ops) < 2:
                raise self.error("expected symbol, size[, align]")
            sym = self.symbols_of(ops[:1])[0]
            size = self.const_expr(ops[1])
            align = self.const_expr(ops[2]) if len(ops) > 2 else 1
            if local or sym.explicit_local:  # placed in .bss after everything else, as GNU does
                self.local_commons.append((sym, size, max(align, 1)))
                sym.size = Value(size)
                if sym.type == "notype":
                    sym.type = "object"
            else:
                sym.common = (size, max(align, 1))
                if sym.bind == "local":
                    sym.bind = "global"
                sym.type = "object"
        return handler

    def d_local(self, ops, args) -> None:
        for sym in self.symbols_of(ops):
            sym.bind = "local"
            sym.explicit_local = True

    def d_option(self, ops, args) -> None:
        word = "".join(t.text for t in ops[0]) if ops else ""
        if word == "push":
            self.option_stack.append(dict(self.options))
        elif word == "pop":
            if not self.option_stack:
                raise self.error(".option pop without .option push")
            self.options = self.option_stack.pop()
        elif word in ("rvc", "norvc", "relax", "norelax", "pic", "nopic"):
            key = word[2:] if word.startswith("no") else word
            self.options[key] = not word.startswith("no")
        elif word.startswith("arch"):
            pass  # the extensions we assemble are fixed: RV64G
        else:
            raise self.error(f"unknown option '{word}'")

    def d_ignore(self, ops, args) -> None:
        """Accepted for gcc's sake; no effect on the object (.file, .ident, .cfi_*, .loc, .attribute...)."""

    def d_insn(self, ops, args) -> None:
        if len(ops) == 1:
            value, size = self.const_expr(ops[0]), None
        elif len(ops) == 2:
            size, value = self.const_expr(ops[0]), self.const_expr(ops[1])
        else:
            raise self.error(".insn: only the `.insn [size,] value` form is supported")
        size = size or (4 if value & 3 == 3 else 2)
        self.emit((value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))

    @staticmethod
    def d_uleb128(signed: bool):
        def handler(self, ops, args):
            for op in ops:
                value = self.const_expr(op)
                out = bytearray()
                while True:
                    byte = value & 0x7F
                    value >>= 7
                    done = (value == 0 and not byte & 0x40) or (value == -1 and byte & 0x40) if signed \
                        else value == 0
                    out.append(byte | (0 if done else 0x80))
                    if done:
                        break
                self.emit(bytes(out))
        return handler


A = Directives
DIRECTIVES = {
    ".text": A.d_named_section(".text"), ".data": A.d_named_section(".data"),
    ".bss": A.d_named_section(".bss"), ".rodata": A.d_named_section(".rodata"),
    ".section": A.d_section, ".pushsection": A.d_pushsection, ".popsection": A.d_popsection,
    ".previous": A.d_previous,
    ".globl": A.d_bind("global"), ".global": A.d_bind("global"), ".weak": A.d_bind("weak"),
    ".local": A.d_local, ".hidden": A.d_visibility("hidden"), ".internal": A.d_visibility("internal"),
    ".protected": A.d_visibility("protected"), ".type": A.d_type, ".size": A.d_size,
    ".set": A.d_set, ".equ": A.d_set,
    ".align": A.d_align("p2"), ".p2align": A.d_align("p2"), ".balign": A.d_align("b"),
    ".byte": A.d_data(1), ".half": A.d_data(2), ".short": A.d_data(2), ".2byte": A.d_data(2),
    ".word": A.d_data(4), ".long": A.d_data(4), ".4byte": A.d_data(4), ".int": A.d_data(4),
    ".dword": A.d_data(8), ".quad": A.d_data(8), ".8byte": A.d_data(8),
    ".float": A.d_float("<f"), ".single": A.d_float("<f"), ".double": A.d_float("<d"),
    ".ascii": A.d_string(False), ".asciz": A.d_string(True), ".string": A.d_string(True),
    ".zero": A.d_space, ".space": A.d_space, ".skip": A.d_space,
    ".comm": A.d_comm(False), ".lcomm": A.d_comm(True),
    ".option": A.d_option, ".insn": A.d_insn, ".uleb128": A.d_uleb128(False), ".sleb128": A.d_uleb128(True),
    ".file": A.d_ignore, ".ident": A.d_ignore, ".attribute": A.d_ignore, ".loc": A.d_ignore,
    ".addrsig": A.d_ignore, ".addrsig_sym": A.d_ignore, ".end": A.d_ignore, ".type_ignore": A.d_ignore,
}
