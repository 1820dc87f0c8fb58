"""The assembler's sections and fixups, and the type and flags GNU gives a section from its name."""

from dataclasses import dataclass, field

from b2i.sim.asm.expr import Symbol, Value
from b2i.sim.elf import (
    SHF_ALLOC,
    SHF_EXECINSTR,
    SHF_GROUP,
    SHF_MERGE,
    SHF_STRINGS,
    SHF_TLS,
    SHF_WRITE,
    SHT_FINI_ARRAY,
    SHT_INIT_ARRAY,
    SHT_NOBITS,
    SHT_PREINIT_ARRAY,
    SHT_PROGBITS,
)


@dataclass
class Fixup:
    offset: int
    kind: str  # data, branch, jal, call, pcrel_hi, got_hi, pcrel_lo_i/s, hi, lo_i/s
    value: Value
    size: int
    line: int
    col: int


@dataclass
class Section:
    name: str
    type: int
    flags: int
    entsize: int = 0
    align: int = 1
    data: bytearray = field(default_factory=bytearray)
    nobits_size: int = 0
    fixups: list[Fixup] = field(default_factory=list)
    relocs: list[tuple[int, str, Symbol, int]] = field(default_factory=list)
    symbol: Symbol | None = None

    @property
    def size(self) -> int:
        return self.nobits_size if self.type == SHT_NOBITS else len(self.data)


def default_section_kind(name: str) -> tuple[int, int]:
    """GNU's type and flags for a section named without them."""
    if name.startswith((".text", ".init", ".fini")):
        return SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR
    if name.startswith((".bss", ".sbss", ".tbss")):
        return SHT_NOBITS, SHF_ALLOC | SHF_WRITE | (SHF_TLS if name.startswith(".tbss") else 0)
    if name.startswith((".data", ".sdata", ".tdata")):
        return SHT_PROGBITS, SHF_ALLOC | SHF_WRITE | (SHF_TLS if name.startswith(".tdata") else 0)
    if name.startswith(".init_array"):
        return SHT_INIT_ARRAY, SHF_ALLOC | SHF_WRITE
    if name.startswith(".fini_array"):
        return SHT_FINI_ARRAY, SHF_ALLOC | SHF_WRITE
    if name.startswith(".preinit_array"):
        return SHT_PREINIT_ARRAY, SHF_ALLOC | SHF_WRITE
    if name.startswith((".rodata", ".srodata", ".eh_frame")):
        return SHT_PROGBITS, SHF_ALLOC
    return SHT_PROGBITS, 0


SECTION_FLAGS = {"a": SHF_ALLOC, "w": SHF_WRITE, "x": SHF_EXECINSTR, "M": SHF_MERGE, "S": SHF_STRINGS,
                 "T": SHF_TLS, "G": SHF_GROUP}
SECTION_TYPES = {"@progbits": SHT_PROGBITS, "@nobits": SHT_NOBITS, "@init_array": SHT_INIT_ARRAY,
                 "@fini_array": SHT_FINI_ARRAY, "@preinit_array": SHT_PREINIT_ARRAY, "@note": 7}
