"""Reading a RISC-V ELF64 executable (with pyelftools) and copying its loadable segments into memory.

Problems with the file are reported as `LoadError` with a sentence saying what is wrong (not an ELF file,
wrong machine, dynamically linked, a segment outside RAM ...), which the command prints as one line.
"""

import io
from dataclasses import dataclass

from elftools.common.exceptions import ELFError
from elftools.elf.elffile import ELFFile

EM_RISCV = 243
PIE_BASE = 0x1_0000  # where a static position-independent executable is placed


class LoadError(Exception):
    """The file is not an executable this simulator can run."""


@dataclass(frozen=True)
class Segment:
    """A PT_LOAD segment: its bytes and where they go (memsize beyond the data is zero-filled)."""

    vaddr: int
    data: bytes
    memsize: int
    flags: int


@dataclass(frozen=True)
class Image:
    """What the loader found: entry point, segments and program headers (for the auxiliary vector)."""

    entry: int
    segments: tuple[Segment, ...]
    phdr: int  # address of the program headers in memory (AT_PHDR), 0 if not loaded
    phent: int
    phnum: int

    @property
    def end(self) -> int:
        """First address after the highest segment (where the heap, brk, starts)."""
        return max(s.vaddr + s.memsize for s in self.segments)


def read_image(data: bytes, name: str = "program") -> Image:
    """Parse an ELF executable; LoadError names what is wrong."""
    if data[:4] != b"\x7fELF":
        raise LoadError(f"{name}: not an ELF file")
    try:
        elf = ELFFile(io.BytesIO(data))
        if elf.elfclass != 64 or not elf.little_endian:
            raise LoadError(f"{name}: not a little-endian ELF64 file (ELF{elf.elfclass})")
        if elf["e_machine"] != "EM_RISCV":
            raise LoadError(f"{name}: ELF file for {elf['e_machine']}, not RISC-V")
        kind = elf["e_type"]
        if kind not in ("ET_EXEC", "ET_DYN"):
            raise LoadError(f"{name}: ELF type {kind} is not an executable (link it first)")
        if any(seg["p_type"] == "PT_INTERP" for seg in elf.iter_segments()):
            raise LoadError(f"{name}: dynamically linked executable; link it with -static")
        base = PIE_BASE if kind == "ET_DYN" else 0
        segments, phdr = [], 0
        for seg in elf.iter_segments():
            if seg["p_type"] != "PT_LOAD":
                continue
            body = seg.data()
            if len(body) < seg["p_filesz"]:
                raise LoadError(f"{name}: segment at 0x{seg['p_vaddr']:x} is cut short (truncated file)")
            segments.append(Segment(base + seg["p_vaddr"], body, seg["p_memsz"], seg["p_flags"]))
            if seg["p_offset"] <= elf["e_phoff"] < seg["p_offset"] + seg["p_filesz"]:
                phdr = base + seg["p_vaddr"] + elf["e_phoff"] - seg["p_offset"]
        if not segments:
            raise LoadError(f"{name}: no loadable segments")
        return Image(base + elf["e_entry"], tuple(segments), phdr, elf["e_phentsize"], elf["e_phnum"])
    except ELFError as error:
        raise LoadError(f"{name}: malformed ELF file ({error})") from None
    except (ValueError, KeyError, IndexError) as error:  # pyelftools on damaged headers
        raise LoadError(f"{name}: malformed ELF file ({error})") from None
