"""ELF64 for RISC-V: the constants, and the writer shared by the assembler and the linker.

Reading uses pyelftools; `b2i.sim.elf.write` builds relocatable objects and executables.
"""

# File types, machine and flags (e_flags: the lp64d float ABI; no RVC bit, our code is never compressed).
ET_REL, ET_EXEC = 1, 2
EM_RISCV = 243
EF_RISCV_RVC = 0x1
EF_RISCV_FLOAT_ABI_DOUBLE = 0x4

# Section header types and flags.
SHT_NULL, SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_RELA, SHT_NOBITS = 0, 1, 2, 3, 4, 8
SHT_INIT_ARRAY, SHT_FINI_ARRAY, SHT_PREINIT_ARRAY = 14, 15, 16
SHT_RISCV_ATTRIBUTES = 0x70000003
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR, SHF_MERGE, SHF_STRINGS, SHF_INFO_LINK, SHF_GROUP, SHF_TLS = (
    0x1, 0x2, 0x4, 0x10, 0x20, 0x40, 0x200, 0x400)

# Symbols.
STB_LOCAL, STB_GLOBAL, STB_WEAK = 0, 1, 2
STT_NOTYPE, STT_OBJECT, STT_FUNC, STT_SECTION, STT_FILE, STT_TLS = 0, 1, 2, 3, 4, 6
STV_DEFAULT, STV_INTERNAL, STV_HIDDEN, STV_PROTECTED = 0, 1, 2, 3
SHN_UNDEF, SHN_ABS, SHN_COMMON = 0, 0xFFF1, 0xFFF2

# Program headers.
PT_LOAD, PT_NOTE, PT_TLS, PT_GNU_STACK = 1, 4, 7, 0x6474E551
PF_X, PF_W, PF_R = 1, 2, 4

# RISC-V relocation types (psABI), by name.
R_RISCV = {
    "NONE": 0, "32": 1, "64": 2, "RELATIVE": 3, "COPY": 4, "JUMP_SLOT": 5,
    "TLS_DTPMOD32": 6, "TLS_DTPMOD64": 7, "TLS_DTPREL32": 8, "TLS_DTPREL64": 9, "TLS_TPREL32": 10,
    "TLS_TPREL64": 11, "BRANCH": 16, "JAL": 17, "CALL": 18, "CALL_PLT": 19, "GOT_HI20": 20,
    "TLS_GOT_HI20": 21, "TLS_GD_HI20": 22, "PCREL_HI20": 23, "PCREL_LO12_I": 24, "PCREL_LO12_S": 25,
    "HI20": 26, "LO12_I": 27, "LO12_S": 28, "TPREL_HI20": 29, "TPREL_LO12_I": 30, "TPREL_LO12_S": 31,
    "TPREL_ADD": 32, "ADD8": 33, "ADD16": 34, "ADD32": 35, "ADD64": 36, "SUB8": 37, "SUB16": 38,
    "SUB32": 39, "SUB64": 40, "ALIGN": 43, "RVC_BRANCH": 44, "RVC_JUMP": 45, "RVC_LUI": 46, "RELAX": 51,
    "SUB6": 52, "SET6": 53, "SET8": 54, "SET16": 55, "SET32": 56, "32_PCREL": 57,
}
R_RISCV_NAME = {number: name for name, number in R_RISCV.items()}
