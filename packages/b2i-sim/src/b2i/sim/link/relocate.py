"""Applying RISC-V relocations (psABI) to laid-out sections.

S is the symbol's address, A the addend, P the place. Instruction immediates are patched through the ISA
table (decode, replace the field, encode), so no instruction layout is written here.
"""

from b2i.sim.elf import R_RISCV, R_RISCV_NAME, SHF_TLS
from b2i.sim.errors import LinkError
from b2i.sim.isa import decode, encode

R = R_RISCV
IGNORED = {R["NONE"], R["RELAX"], R["ALIGN"], R["TPREL_ADD"]}
ADD = {R["ADD8"]: 1, R["ADD16"]: 2, R["ADD32"]: 4, R["ADD64"]: 8}
SUB = {R["SUB8"]: 1, R["SUB16"]: 2, R["SUB32"]: 4, R["SUB64"]: 8}
SET = {R["SET8"]: 1, R["SET16"]: 2, R["SET32"]: 4}
HI_PARTS = {R["PCREL_HI20"], R["GOT_HI20"], R["TLS_GOT_HI20"], R["TLS_GD_HI20"]}


def hi20(value: int) -> int:
    """The upper part, as lui/auipc's sign-extended value, such that hi20 + lo12 == value."""
    hi = (value + 0x800) & ~0xFFF & 0xFFFFFFFF
    return hi - (1 << 32) if hi >> 31 else hi


def lo12(value: int) -> int:
    return ((value & 0xFFF) ^ 0x800) - 0x800


class Relocator:
    def __init__(self, linker, got) -> None:
        self.linker, self.got = linker, got
        self.pcrel_hi: dict[int, int] = {}  # address of an auipc -> the pc-relative value it started
        tls = [o for o in linker.outputs if o.flags & SHF_TLS and (o.inputs or o.size)]
        self.tls_start = min((o.address for o in tls), default=0)

    def apply_all(self) -> None:
        sections = [s for f in self.linker.files for s in f.sections if s is not None and s.relocs]
        # HI20 parts first: a PCREL_LO12 names the label of its auipc, which may come later in the section.
        for hi_pass in (True, False):
            for sec in sections:
                for reloc in sec.relocs:
                    if (reloc[1] in HI_PARTS) == hi_pass:
                        self.apply(sec, *reloc)

    def apply(self, sec, offset: int, type_: int, sym_index: int, addend: int) -> None:
        if type_ in IGNORED:
            return
        file = sec.file
        S, name = self.linker.symbol_address(file, sym_index)
        A, P = addend, sec.address + offset
        where = f"{file.name}({sec.name}+{offset:#x})"
        try:
            self.patch(sec, offset, type_, S, A, P, file, sym_index)
        except ValueError as e:
            rname = R_RISCV_NAME.get(type_, type_)
            raise LinkError(f"relocation R_RISCV_{rname} against {name or 'section'} out of range at {where}: "
                            f"{e}") from None

    def patch(self, sec, offset, type_, S, A, P, file, sym_index) -> None:
        data = sec.data
        if type_ == R["32"]:
            value = S + A
            if not -(1 << 31) <= value < (1 << 32):
                raise ValueError(f"{value:#x} does not fit in 32 bits")
            write(data, offset, 4, value)
        elif type_ == R["64"]:
            write(data, offset, 8, S + A)
        elif type_ == R["32_PCREL"]:
            write(data, offset, 4, S + A - P)
        elif type_ in ADD:
            n = ADD[type_]
            write(data, offset, n, read(data, offset, n) + S + A)
        elif type_ in SUB:
            n = SUB[type_]
            write(data, offset, n, read(data, offset, n) - S - A)
        elif type_ in SET:
            write(data, offset, SET[type_], S + A)
        elif type_ == R["SET6"]:
            data[offset] = (data[offset] & 0xC0) | ((S + A) & 0x3F)
        elif type_ == R["SUB6"]:
            data[offset] = (data[offset] & 0xC0) | ((data[offset] - S - A) & 0x3F)
        elif type_ in (R["BRANCH"], R["JAL"], R["RVC_BRANCH"], R["RVC_JUMP"]):
            set_imm(data, offset, S + A - P)
        elif type_ in (R["CALL"], R["CALL_PLT"]):
            value = S + A - P
            check_pcrel32(value)
            set_imm(data, offset, hi20(value))
            set_imm(data, offset + 4, lo12(value))
        elif type_ == R["PCREL_HI20"]:
            value = S + A - P
            check_pcrel32(value)
            self.pcrel_hi[P] = value
            set_imm(data, offset, hi20(value))
        elif type_ in (R["GOT_HI20"], R["TLS_GOT_HI20"], R["TLS_GD_HI20"]):
            kind = {R["GOT_HI20"]: "addr", R["TLS_GOT_HI20"]: "tls_ie", R["TLS_GD_HI20"]: "tls_gd"}[type_]
            slot_value = S + A if kind == "addr" else S + A - self.tls_start
            value = self.got.slot_address(file, sym_index, kind, slot_value) - P
            self.pcrel_hi[P] = value
            set_imm(data, offset, hi20(value))
        elif type_ in (R["PCREL_LO12_I"], R["PCREL_LO12_S"]):
            if S not in self.pcrel_hi:
                raise ValueError(f"no R_RISCV_PCREL_HI20 at {S:#x} for this %pcrel_lo")
            set_imm(data, offset, lo12(self.pcrel_hi[S]))
        elif type_ in (R["HI20"], R["RVC_LUI"]):
            value = S + A
            if not -(1 << 31) - 0x800 <= value < (1 << 31) - 0x800:
                raise ValueError(f"{value:#x} is not reachable with lui (use -mcmodel=medany)")
            set_imm(data, offset, hi20(value))
        elif type_ in (R["LO12_I"], R["LO12_S"]):
            set_imm(data, offset, lo12(S + A))
        elif type_ == R["TPREL_HI20"]:
            set_imm(data, offset, hi20(S + A - self.tls_start))
        elif type_ in (R["TPREL_LO12_I"], R["TPREL_LO12_S"]):
            set_imm(data, offset, lo12(S + A - self.tls_start))
        else:
            raise LinkError(f"{file.name}: unsupported relocation type "
                            f"R_RISCV_{R_RISCV_NAME.get(type_, type_)} in {sec.name}")


def check_pcrel32(value: int) -> None:
    if not -(1 << 31) - 0x800 <= value < (1 << 31) - 0x800:
        raise ValueError(f"offset {value:#x} does not fit auipc's ±2 GiB")


def read(data: bytearray, offset: int, size: int) -> int:
    return int.from_bytes(data[offset:offset + size], "little")


def write(data: bytearray, offset: int, size: int, value: int) -> None:
    data[offset:offset + size] = (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little")


def set_imm(data: bytearray, offset: int, imm: int) -> None:
    """Replace the immediate of the instruction at `offset` (4- or 2-byte), through the ISA table."""
    word = read(data, offset, 2)
    size = 4 if word & 3 == 3 else 2
    word = read(data, offset, size)
    d = decode(word)
    if d is None or "imm" not in d.fields:
        raise ValueError(f"no instruction with an immediate at the place (word {word:#x})")
    write(data, offset, size, encode(d.op, **(d.fields | {"imm": imm})))
