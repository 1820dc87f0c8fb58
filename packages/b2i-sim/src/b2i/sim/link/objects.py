"""Relocatable ELF inputs, read with pyelftools into plain records the linker works on."""

import io
from dataclasses import dataclass, field

from b2i.sim.elf import (
    EM_RISCV,
    ET_REL,
    SHF_ALLOC,
    SHN_ABS,
    SHN_COMMON,
    SHN_UNDEF,
    SHT_NOBITS,
    SHT_RELA,
)
from b2i.sim.errors import LinkError
from elftools.elf.elffile import ELFFile

MAX_SECTION_BYTES = 1 << 30


@dataclass(eq=False)
class InputSection:
    file: "InputFile"
    index: int
    name: str
    type: int
    flags: int
    align: int
    data: bytearray
    size: int
    relocs: list[tuple[int, int, int, int]] = field(default_factory=list)  # offset, type, symbol index, addend
    output: object = None  # the OutputSection it was placed in
    address: int = 0


@dataclass(eq=False)
class InputSymbol:
    name: str
    bind: int
    type: int
    visibility: int
    shndx: int
    value: int
    size: int
    section: InputSection | None = None

    @property
    def address(self) -> int:
        return self.section.address + self.value if self.section is not None else self.value


@dataclass(eq=False)
class InputFile:
    name: str
    sections: list[InputSection | None]
    symbols: list[InputSymbol]


def read_object(data: bytes, name: str) -> InputFile:
    """Parse one ELF64 RISC-V relocatable object."""
    try:
        elf = ELFFile(io.BytesIO(data))
        if elf["e_type"] != "ET_REL" and elf.header["e_type"] != ET_REL:
            raise LinkError(f"{name}: not a relocatable object")
        if elf["e_machine"] not in ("EM_RISCV", EM_RISCV) or elf.elfclass != 64:
            raise LinkError(f"{name}: not an ELF64 RISC-V object")
        file = _read(elf, name)
    except LinkError:
        raise
    except Exception as e:  # noqa: BLE001 - any parse failure of a damaged file is the file's fault
        raise LinkError(f"{name}: malformed ELF object ({type(e).__name__}: {e})") from None
    for sec in file.sections:
        for offset, _, sym_index, _ in sec.relocs if sec is not None else ():
            if sym_index >= len(file.symbols) or offset >= max(sec.size, 1):
                raise LinkError(f"{name}: malformed relocation in {sec.name} at {offset:#x}")
        if sec is not None and sec.size > MAX_SECTION_BYTES:
            raise LinkError(f"{name}: section {sec.name} is too large ({sec.size} bytes)")
    return file


def _read(elf: ELFFile, name: str) -> InputFile:
    file = InputFile(name, [], [])
    raw = list(elf.iter_sections())
    for i, sec in enumerate(raw):
        h = sec.header
        if i == 0 or not h["sh_flags"] & SHF_ALLOC:
            file.sections.append(None)
            continue
        nobits = h["sh_type"] == "SHT_NOBITS" or h["sh_type"] == SHT_NOBITS
        data = bytearray() if nobits else bytearray(sec.data())
        type_ = elf_type_number(h["sh_type"])
        file.sections.append(InputSection(file, i, sec.name, type_, h["sh_flags"], max(h["sh_addralign"], 1),
                                          data, h["sh_size"]))
    symtab = elf.get_section_by_name(".symtab")
    for sym in symtab.iter_symbols() if symtab is not None else ():
        shndx = sym["st_shndx"]
        shndx = {"SHN_UNDEF": SHN_UNDEF, "SHN_ABS": SHN_ABS, "SHN_COMMON": SHN_COMMON}.get(shndx, shndx)
        section = file.sections[shndx] if isinstance(shndx, int) and 0 < shndx < len(file.sections) else None
        file.symbols.append(InputSymbol(sym.name, _bind(sym),
                                        _type(sym), _vis(sym), shndx, sym["st_value"], sym["st_size"], section))
    for sec in raw:
        if sec.header["sh_type"] in ("SHT_RELA", SHT_RELA):
            target = file.sections[sec.header["sh_info"]]
            if target is None:
                continue  # relocations of a section we do not load (debug info)
            for r in sec.iter_relocations():
                target.relocs.append((r["r_offset"], r["r_info_type"], r["r_info_sym"], r["r_addend"]))
        elif sec.header["sh_type"] in ("SHT_REL",):
            raise LinkError(f"{name}: REL relocations are not used on RISC-V")
    return file


def elf_type_number(sh_type) -> int:
    names = {"SHT_PROGBITS": 1, "SHT_NOBITS": 8, "SHT_INIT_ARRAY": 14, "SHT_FINI_ARRAY": 15,
             "SHT_PREINIT_ARRAY": 16, "SHT_NOTE": 7}
    return sh_type if isinstance(sh_type, int) else names.get(sh_type, 1)


def _bind(sym) -> int:
    return {"STB_LOCAL": 0, "STB_GLOBAL": 1, "STB_WEAK": 2}.get(sym["st_info"]["bind"], 1)


def _type(sym) -> int:
    return {"STT_NOTYPE": 0, "STT_OBJECT": 1, "STT_FUNC": 2, "STT_SECTION": 3, "STT_FILE": 4,
            "STT_TLS": 6, "STT_GNU_IFUNC": 10}.get(sym["st_info"]["type"], 0)


def _vis(sym) -> int:
    return {"STV_DEFAULT": 0, "STV_INTERNAL": 1, "STV_HIDDEN": 2, "STV_PROTECTED": 3}.get(
        sym["st_other"]["visibility"], 0)
