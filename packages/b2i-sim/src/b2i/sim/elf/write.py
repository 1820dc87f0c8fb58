"""Lay out and serialise an ELF64 little-endian RISC-V file: sections, symbols, relocations, segments."""

import struct
from dataclasses import dataclass, field

from b2i.sim.elf import (
    EF_RISCV_FLOAT_ABI_DOUBLE,
    EM_RISCV,
    SHF_INFO_LINK,
    SHN_UNDEF,
    SHT_NOBITS,
    SHT_NULL,
    SHT_RELA,
    SHT_STRTAB,
    SHT_SYMTAB,
    STB_LOCAL,
)

EHDR_SIZE, PHDR_SIZE, SHDR_SIZE, SYM_SIZE, RELA_SIZE = 64, 56, 64, 24, 24
MASK64 = (1 << 64) - 1


@dataclass
class Section:
    """A section to write. `addr` and `offset` matter only in executables (offset is chosen if None)."""

    name: str
    type: int
    flags: int = 0
    data: bytes = b""
    size: int | None = None  # for SHT_NOBITS
    align: int = 1
    entsize: int = 0
    addr: int = 0
    link: int = 0
    info: int = 0
    offset: int | None = None

    @property
    def mem_size(self) -> int:
        return self.size if self.size is not None else len(self.data)


@dataclass
class Symbol:
    name: str
    value: int = 0
    size: int = 0
    bind: int = STB_LOCAL
    type: int = 0
    other: int = 0
    shndx: int = SHN_UNDEF  # an index into the written section list (1-based), or SHN_ABS/SHN_COMMON


@dataclass
class Reloc:
    offset: int
    type: int
    symbol: int  # index into the symbol list (0 = none)
    addend: int


@dataclass
class Segment:
    type: int
    flags: int
    offset: int
    vaddr: int
    filesz: int
    memsz: int
    align: int


class StringTable:
    """An ELF string table: names interned once, offset 0 is the empty name."""

    def __init__(self) -> None:
        self.data = bytearray(b"\0")
        self.offsets: dict[str, int] = {"": 0}

    def add(self, name: str) -> int:
        if name not in self.offsets:
            self.offsets[name] = len(self.data)
            self.data += name.encode() + b"\0"
        return self.offsets[name]


@dataclass
class ElfImage:
    """What goes into one file. Symbols must be ordered locals first; `relocs` maps a section's index
    (1-based, as written) to its relocations; a .rela section is made for each."""

    type: int
    sections: list[Section] = field(default_factory=list)
    symbols: list[Symbol] = field(default_factory=list)
    relocs: dict[int, list[Reloc]] = field(default_factory=dict)
    segments: list[Segment] = field(default_factory=list)
    entry: int = 0
    flags: int = EF_RISCV_FLOAT_ABI_DOUBLE
    has_symtab: bool = True


def write_elf(image: ElfImage) -> bytes:
    """Serialise: headers, section contents in order, then the section header table."""
    sections = [Section("", SHT_NULL)] + list(image.sections)
    shstrtab, strtab = StringTable(), StringTable()
    symtab_index = len(sections) + len(image.relocs) if image.has_symtab else 0
    for target, relocs in sorted(image.relocs.items()):
        data = b"".join(struct.pack("<QQq", r.offset, (r.symbol << 32) | r.type, r.addend) for r in relocs)
        sections.append(Section(".rela" + sections[target].name, SHT_RELA, SHF_INFO_LINK, data, align=8,
                                entsize=RELA_SIZE, link=symtab_index, info=target))
    if image.has_symtab:
        symdata = bytearray(SYM_SIZE)
        for sym in image.symbols:
            info = (sym.bind << 4) | sym.type
            symdata += struct.pack("<IBBHQQ", strtab.add(sym.name), info, sym.other, sym.shndx, sym.value & MASK64,
                                   sym.size & MASK64)
        first_global = 1 + sum(1 for s in image.symbols if s.bind == STB_LOCAL)
        sections.append(Section(".symtab", SHT_SYMTAB, 0, bytes(symdata), align=8, entsize=SYM_SIZE,
                                link=len(sections) + 1, info=first_global))
        sections.append(Section(".strtab", SHT_STRTAB, 0, bytes(strtab.data)))
    sections.append(Section(".shstrtab", SHT_STRTAB))
    names = [shstrtab.add(s.name) for s in sections]
    sections[-1].data = bytes(shstrtab.data)

    out = bytearray(EHDR_SIZE + PHDR_SIZE * len(image.segments))
    for s in sections[1:]:
        if s.offset is None:
            s.offset = -(-len(out) // max(s.align, 1)) * max(s.align, 1)
        if s.type != SHT_NOBITS:
            if s.offset < len(out):
                raise ValueError(f"section {s.name} overlaps the one before it")
            out += bytes(s.offset - len(out)) + s.data
    shoff = -(-len(out) // 8) * 8
    out += bytes(shoff - len(out))
    for s, name in zip(sections, names, strict=True):
        out += struct.pack("<IIQQQQIIQQ", name, s.type, s.flags, s.addr, s.offset or 0, s.mem_size,
                           s.link, s.info, s.align, s.entsize)
    header = struct.pack("<4sBBBBB7sHHIQQQIHHHHHH", b"\x7fELF", 2, 1, 1, 0, 0, bytes(7), image.type, EM_RISCV, 1,
                         image.entry, EHDR_SIZE if image.segments else 0, shoff, image.flags, EHDR_SIZE,
                         PHDR_SIZE if image.segments else 0, len(image.segments), SHDR_SIZE, len(sections),
                         len(sections) - 1)
    out[:EHDR_SIZE] = header
    for i, p in enumerate(image.segments):
        out[EHDR_SIZE + i * PHDR_SIZE:EHDR_SIZE + (i + 1) * PHDR_SIZE] = struct.pack(
            "<IIQQQQQQ", p.type, p.flags, p.offset, p.vaddr, p.vaddr, p.filesz, p.memsz, p.align)
    return bytes(out)
