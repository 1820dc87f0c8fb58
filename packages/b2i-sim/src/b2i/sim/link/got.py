"""The global offset table of a static link: slots the linker fills with addresses or TLS offsets."""

from b2i.sim.elf import SHF_ALLOC, SHF_WRITE, SHT_PROGBITS, STB_LOCAL
from b2i.sim.link.objects import InputFile, InputSection


class GotBuilder:
    """A .got input section: one 8-byte slot per symbol reached through R_RISCV_GOT_HI20 (its address),
    R_RISCV_TLS_GOT_HI20 (its offset from the thread pointer) or two for R_RISCV_TLS_GD_HI20 (module 1,
    offset: a static program has one TLS module)."""

    KINDS = {20: "addr", 21: "tls_ie", 22: "tls_gd"}

    def __init__(self) -> None:
        self.slots: dict[tuple[int, int, str], int] = {}  # (file id, symbol index, kind) -> slot offset
        self.by_key: dict[tuple[str, str], int] = {}
        file = InputFile("<got>", [], [])
        self.section = InputSection(file, 0, ".got", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, 8, bytearray(), 0)
        file.sections.append(self.section)

    def scan(self, files: list[InputFile]) -> None:
        for file in files:
            for sec in file.sections:
                for _, type_, sym_index, _ in sec.relocs if sec is not None else ():
                    kind = self.KINDS.get(type_)
                    if kind is None:
                        continue
                    sym = file.symbols[sym_index]
                    key = (sym.name if sym.bind != STB_LOCAL else f"{id(file)}:{sym_index}", kind)
                    if key not in self.by_key:
                        self.by_key[key] = len(self.section.data)
                        self.section.data += bytes(16 if kind == "tls_gd" else 8)
                    self.slots[id(file), sym_index, kind] = self.by_key[key]
        self.section.size = len(self.section.data)

    def slot_address(self, file: InputFile, sym_index: int, kind: str, value: int) -> int:
        """Fill the slot with `value` (and the module id for tls_gd); return the slot's address."""
        offset = self.slots[id(file), sym_index, kind]
        data = self.section.data
        if kind == "tls_gd":
            data[offset:offset + 8] = (1).to_bytes(8, "little")
            offset += 8
        data[offset:offset + 8] = (value & 0xFFFFFFFFFFFFFFFF).to_bytes(8, "little")
        return self.section.address + offset - (8 if kind == "tls_gd" else 0)
