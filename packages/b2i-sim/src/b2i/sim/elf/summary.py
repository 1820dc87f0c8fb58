"""What two relocatable objects must share to be the same program: section contents, relocations, symbols.

Temporary labels (.L*) are compared by where they point, not by name, since assemblers name them freely;
.eh_frame is left out (GNU as builds it from .cfi_* directives, b2i-as drops those).
"""

import io

from b2i.sim.elf import R_RISCV_NAME
from elftools.elf.elffile import ELFFile
from elftools.elf.relocation import RelocationSection

SKIPPED = (".eh_frame", ".rela.eh_frame")


def object_summary(obj: bytes) -> dict:
    """{"sections": name -> (type, size, bytes), "relocs": section -> [...], "symbols": {...}}."""
    elf = ELFFile(io.BytesIO(obj))
    out: dict = {"sections": {}, "relocs": {}, "symbols": set()}
    symtab = elf.get_section_by_name(".symtab")
    sections = list(elf.iter_sections())

    def where(sym):
        shndx = sym["st_shndx"]
        return sections[shndx].name if isinstance(shndx, int) and shndx else shndx

    def symbol_key(sym):
        if not sym.name or sym.name.startswith(".L") or sym["st_info"]["type"] == "STT_SECTION":
            return ("local", where(sym), sym["st_value"])
        return sym.name

    for sec in sections:
        if sec.name.startswith(SKIPPED):
            continue
        if sec["sh_flags"] & 2:  # SHF_ALLOC
            data = None if sec["sh_type"] == "SHT_NOBITS" else sec.data()
            out["sections"][sec.name] = (sec["sh_type"], sec["sh_size"], data)
        if isinstance(sec, RelocationSection) and sec["sh_info"] and not sections[sec["sh_info"]].name.startswith(
                SKIPPED):
            relocs = [(r["r_offset"], R_RISCV_NAME.get(r["r_info_type"], r["r_info_type"]),
                       symbol_key(symtab.get_symbol(r["r_info_sym"])), r["r_addend"])
                      for r in sec.iter_relocations()]
            relocs = [r for r in relocs if r[1] not in ("RELAX", "ALIGN")]
            if relocs:
                out["relocs"][sections[sec["sh_info"]].name] = relocs
    for sym in symtab.iter_symbols():
        if sym.name and not sym.name.startswith((".L", "$")) and sym["st_info"]["type"] not in (
                "STT_FILE", "STT_SECTION"):
            out["symbols"].add((sym.name, sym["st_info"]["bind"], sym["st_info"]["type"], sym["st_size"],
                                where(sym), sym["st_value"], sym["st_other"]["visibility"]))
    return out


def differences(ours: bytes, theirs: bytes) -> list[str]:
    """Human-readable differences between two objects (empty when they are the same program)."""
    a, b = object_summary(ours), object_summary(theirs)
    problems = []
    for name, (type_, size, data) in b["sections"].items():
        mine = a["sections"].get(name)
        if mine is None:
            if size:
                problems.append(f"section {name} missing")
            continue
        if mine[:2] != (type_, size):
            problems.append(f"section {name}: {mine[:2]} != {(type_, size)}")
        elif mine[2] != data:
            at = next(i for i in range(len(data)) if data[i] != mine[2][i])
            problems.append(f"section {name} differs at {at:#x}: {mine[2][at:at + 4].hex()} != "
                            f"{data[at:at + 4].hex()}")
    for name in a["sections"].keys() - b["sections"].keys():
        if a["sections"][name][1]:
            problems.append(f"extra section {name}")
    for name in a["relocs"].keys() | b["relocs"].keys():
        ra, rb = a["relocs"].get(name, []), b["relocs"].get(name, [])
        if ra != rb:
            first = next((f"{x} != {y}" for x, y in zip(ra, rb, strict=False) if x != y), f"{len(ra)} != {len(rb)}")
            problems.append(f"relocations of {name}: {first}")
    for sym in a["symbols"] ^ b["symbols"]:
        problems.append(f"symbol {'only in ours' if sym in a['symbols'] else 'only in theirs'}: {sym}")
    return problems
