"""The RISC-V instruction table: every RV64G instruction, the privileged ones, and the C extension (decode only).

This is the one place where encodings are written. Each format says where its fields sit in the instruction
word (FORMATS); each instruction gives its format and the values of its fixed bit fields (the TABLE text
below). From these two we derive `match`/`mask` and everything else: `encode`, `decode`, `expand`, the
disassembler, the assembler and the RTL tests' instruction generators all read this module.

Field values in `Decoded.fields` are what an executor wants: registers are numbers 0..31 (compressed
3-bit registers already mapped to x8..x15), `imm` is sign-extended with its bits reassembled (branch and jump
offsets in bytes, `lui`/`auipc` immediates as the value added, i.e. already shifted left by 12).
"""

import random
from dataclasses import dataclass, field
from functools import cached_property

# ---------------------------------------------------------------------------------------------------------
# Formats: where each variable field lives in the word.
#
# A layout "31=12 30-25=10-5" means: word bit 31 is value bit 12, word bits 30..25 are value bits 10..5.
# `signed` fields are sign-extended from their top value bit; `bias` is added on decode (compressed
# registers x8..x15 are stored as 0..7).


@dataclass(frozen=True)
class Field:
    """One variable field of a format: which word bits hold which value bits."""

    name: str
    pieces: tuple[tuple[int, int, int], ...]  # (word_lo, width, value_lo)
    signed: bool = False
    bias: int = 0

    @cached_property
    def word_bits(self) -> int:
        """The mask of the word bits this field occupies."""
        return sum(((1 << width) - 1) << lo for lo, width, _ in self.pieces)

    @cached_property
    def value_bits(self) -> int:
        """The mask of the value bits this field can hold (e.g. bits 12..1 for a branch offset)."""
        return sum(((1 << width) - 1) << vlo for _, width, vlo in self.pieces)

    @cached_property
    def _range(self) -> tuple[int, int, int]:
        top = self.value_bits.bit_length()
        low, high = (-(1 << (top - 1)), (1 << (top - 1)) - 1) if self.signed else (0, (1 << top) - 1)
        step = self.value_bits & -self.value_bits
        return low + self.bias, high - (step - 1) + self.bias, step

    def value_range(self) -> tuple[int, int, int]:
        """(lowest, highest, step) of the values this field holds; a test or generator draws from it."""
        return self._range

    def extract(self, word: int) -> int:
        value = 0
        for lo, width, vlo in self.pieces:
            value |= ((word >> lo) & ((1 << width) - 1)) << vlo
        if self.signed:
            sign = 1 << (self.value_bits.bit_length() - 1)
            if value & sign:
                value -= sign << 1
        return value + self.bias

    def insert(self, value: int) -> int:
        """The word bits for `value`; ValueError if the value does not fit (range or alignment)."""
        low, high, step = self.value_range()
        if not low <= value <= high or (value - low) % step:
            what = f" and a multiple of {step}" if step > 1 else ""
            raise ValueError(f"{self.name} {value} out of range [{low}, {high}]{what}")
        raw = (value - self.bias) & ((1 << self.value_bits.bit_length()) - 1)
        word = 0
        for lo, width, vlo in self.pieces:
            word |= ((raw >> vlo) & ((1 << width) - 1)) << lo
        return word


def _field(name: str, layout: str, signed: bool = False, bias: int = 0) -> Field:
    pieces = []
    for part in layout.split():
        word_range, value_range = part.split("=")
        whi, _, wlo = word_range.partition("-")
        vhi, _, vlo = value_range.partition("-")
        whi, wlo = int(whi), int(wlo or whi)
        vlo = int(vlo or vhi)
        pieces.append((wlo, whi - wlo + 1, vlo))
    return Field(name, tuple(pieces), signed, bias)


RD, RS1, RS2, RS3 = (_field("rd", "11-7=4-0"), _field("rs1", "19-15=4-0"), _field("rs2", "24-20=4-0"),
                     _field("rs3", "31-27=4-0"))
RM = _field("rm", "14-12=2-0")
AQ, RL = _field("aq", "26=0"), _field("rl", "25=0")
# Compressed registers: full 5-bit registers at 11:7 / 6:2, 3-bit x8..x15 registers at 9:7 / 4:2.
C_RD, C_RS2 = _field("rd", "11-7=4-0"), _field("rs2", "6-2=4-0")
C_RD_97, C_RS1_97 = _field("rd", "9-7=2-0", bias=8), _field("rs1", "9-7=2-0", bias=8)
C_RD_42, C_RS2_42 = _field("rd", "4-2=2-0", bias=8), _field("rs2", "4-2=2-0", bias=8)

FORMATS: dict[str, tuple[Field, ...]] = {
    "R": (RD, RS1, RS2, RM, AQ, RL),  # RM/AQ/RL are fixed (part of funct3/funct7) in most R ops
    "R4": (RD, RS1, RS2, RS3, RM),
    "I": (RD, RS1, _field("imm", "31-20=11-0", signed=True)),
    "S": (RS1, RS2, _field("imm", "31-25=11-5 11-7=4-0", signed=True)),
    "B": (RS1, RS2, _field("imm", "31=12 30-25=10-5 11-8=4-1 7=11", signed=True)),
    "U": (RD, _field("imm", "31-12=31-12", signed=True)),
    "J": (RD, _field("imm", "31=20 30-21=10-1 20=11 19-12=19-12", signed=True)),
    "SH": (RD, RS1, _field("shamt", "25-20=5-0")),  # bit 25 is fixed 0 in the 32-bit (W) shifts
    "CSR": (RD, RS1, _field("csr", "31-20=11-0")),
    "CSRI": (RD, _field("imm", "19-15=4-0"), _field("csr", "31-20=11-0")),
    "FENCE": (_field("pred", "27-24=3-0"), _field("succ", "23-20=3-0")),
    # The C extension, one format per immediate layout (RISC-V spec, "RVC Instruction Formats").
    "CR": (C_RD, C_RS2),
    "CI": (C_RD, _field("imm", "12=5 6-2=4-0", signed=True)),
    "CI_SH": (C_RD, _field("shamt", "12=5 6-2=4-0")),
    "CI_LUI": (C_RD, _field("imm", "12=17 6-2=16-12", signed=True)),
    "CI_SP16": (_field("imm", "12=9 6=4 5=6 4-3=8-7 2=5", signed=True),),
    "CI_LWSP": (C_RD, _field("imm", "12=5 6-4=4-2 3-2=7-6")),
    "CI_LDSP": (C_RD, _field("imm", "12=5 6-5=4-3 4-2=8-6")),
    "CSS_SWSP": (C_RS2, _field("imm", "12-9=5-2 8-7=7-6")),
    "CSS_SDSP": (C_RS2, _field("imm", "12-10=5-3 9-7=8-6")),
    "CIW": (C_RD_42, _field("imm", "12-11=5-4 10-7=9-6 6=2 5=3")),
    "CL_W": (C_RD_42, C_RS1_97, _field("imm", "12-10=5-3 6=2 5=6")),
    "CL_D": (C_RD_42, C_RS1_97, _field("imm", "12-10=5-3 6-5=7-6")),
    "CS_W": (C_RS2_42, C_RS1_97, _field("imm", "12-10=5-3 6=2 5=6")),
    "CS_D": (C_RS2_42, C_RS1_97, _field("imm", "12-10=5-3 6-5=7-6")),
    "CA": (C_RD_97, C_RS2_42),
    "CB": (C_RS1_97, _field("imm", "12=8 11-10=4-3 6-5=7-6 4-3=2-1 2=5", signed=True)),
    "CB_SH": (C_RD_97, _field("shamt", "12=5 6-2=4-0")),
    "CB_IMM": (C_RD_97, _field("imm", "12=5 6-2=4-0", signed=True)),
    "CJ": (_field("imm", "12=11 11=4 10-9=9-8 8=10 7=6 6=7 5-3=3-1 2=5", signed=True),),
}

# Fixed (opcode) fields: name -> (high bit, low bit). An instruction's match/mask are built from these.
FIXED_FIELDS: dict[str, tuple[int, int]] = {
    "opcode": (6, 0), "funct3": (14, 12), "funct7": (31, 25), "funct6": (31, 26), "funct5": (31, 27),
    "fmt": (26, 25), "rd": (11, 7), "rs1": (19, 15), "rs2": (24, 20), "imm12": (31, 20), "fm": (31, 28),
    "pred": (27, 24), "succ": (23, 20), "rm": (14, 12), "aq": (26, 26), "rl": (25, 25),
    # compressed
    "op": (1, 0), "c.funct3": (15, 13), "c.funct4": (15, 12), "c.funct6": (15, 10), "c.funct2": (6, 5),
    "c.bit12": (12, 12), "c.funct2b": (11, 10), "c.rd": (11, 7), "c.rs2": (6, 2), "c.imm": (12, 2),
}

# ---------------------------------------------------------------------------------------------------------
# The table. Columns: mnemonic, extension, format, GNU operand syntax, fixed fields.
#
# Operand kinds: rd rs1 rs2 (integer registers), fd fs1 fs2 fs3 (float registers held in rd rs1 rs2 rs3),
# imm (decimal immediate), shamt, hi20 (lui/auipc: imm >> 12), target (pc-relative branch/jump offset),
# imm(rs1) (load/store address), (rs1) (atomic address), csr, zimm (csrr*i immediate), pred/succ (fence
# sets), rm (optional rounding mode, last).

TABLE = """
lui        I  U    rd,hi20             opcode=0x37
auipc      I  U    rd,hi20             opcode=0x17
jal        I  J    rd,target           opcode=0x6f
jalr       I  I    rd,imm(rs1)         opcode=0x67 funct3=0
beq        I  B    rs1,rs2,target      opcode=0x63 funct3=0
bne        I  B    rs1,rs2,target      opcode=0x63 funct3=1
blt        I  B    rs1,rs2,target      opcode=0x63 funct3=4
bge        I  B    rs1,rs2,target      opcode=0x63 funct3=5
bltu       I  B    rs1,rs2,target      opcode=0x63 funct3=6
bgeu       I  B    rs1,rs2,target      opcode=0x63 funct3=7
lb         I  I    rd,imm(rs1)         opcode=0x03 funct3=0
lh         I  I    rd,imm(rs1)         opcode=0x03 funct3=1
lw         I  I    rd,imm(rs1)         opcode=0x03 funct3=2
ld         I  I    rd,imm(rs1)         opcode=0x03 funct3=3
lbu        I  I    rd,imm(rs1)         opcode=0x03 funct3=4
lhu        I  I    rd,imm(rs1)         opcode=0x03 funct3=5
lwu        I  I    rd,imm(rs1)         opcode=0x03 funct3=6
sb         I  S    rs2,imm(rs1)        opcode=0x23 funct3=0
sh         I  S    rs2,imm(rs1)        opcode=0x23 funct3=1
sw         I  S    rs2,imm(rs1)        opcode=0x23 funct3=2
sd         I  S    rs2,imm(rs1)        opcode=0x23 funct3=3
addi       I  I    rd,rs1,imm          opcode=0x13 funct3=0
slti       I  I    rd,rs1,imm          opcode=0x13 funct3=2
sltiu      I  I    rd,rs1,imm          opcode=0x13 funct3=3
xori       I  I    rd,rs1,imm          opcode=0x13 funct3=4
ori        I  I    rd,rs1,imm          opcode=0x13 funct3=6
andi       I  I    rd,rs1,imm          opcode=0x13 funct3=7
slli       I  SH   rd,rs1,shamt        opcode=0x13 funct3=1 funct6=0x00
srli       I  SH   rd,rs1,shamt        opcode=0x13 funct3=5 funct6=0x00
srai       I  SH   rd,rs1,shamt        opcode=0x13 funct3=5 funct6=0x10
add        I  R    rd,rs1,rs2          opcode=0x33 funct3=0 funct7=0x00
sub        I  R    rd,rs1,rs2          opcode=0x33 funct3=0 funct7=0x20
sll        I  R    rd,rs1,rs2          opcode=0x33 funct3=1 funct7=0x00
slt        I  R    rd,rs1,rs2          opcode=0x33 funct3=2 funct7=0x00
sltu       I  R    rd,rs1,rs2          opcode=0x33 funct3=3 funct7=0x00
xor        I  R    rd,rs1,rs2          opcode=0x33 funct3=4 funct7=0x00
srl        I  R    rd,rs1,rs2          opcode=0x33 funct3=5 funct7=0x00
sra        I  R    rd,rs1,rs2          opcode=0x33 funct3=5 funct7=0x20
or         I  R    rd,rs1,rs2          opcode=0x33 funct3=6 funct7=0x00
and        I  R    rd,rs1,rs2          opcode=0x33 funct3=7 funct7=0x00
addiw      I  I    rd,rs1,imm          opcode=0x1b funct3=0
slliw      I  SH   rd,rs1,shamt        opcode=0x1b funct3=1 funct7=0x00
srliw      I  SH   rd,rs1,shamt        opcode=0x1b funct3=5 funct7=0x00
sraiw      I  SH   rd,rs1,shamt        opcode=0x1b funct3=5 funct7=0x20
addw       I  R    rd,rs1,rs2          opcode=0x3b funct3=0 funct7=0x00
subw       I  R    rd,rs1,rs2          opcode=0x3b funct3=0 funct7=0x20
sllw       I  R    rd,rs1,rs2          opcode=0x3b funct3=1 funct7=0x00
srlw       I  R    rd,rs1,rs2          opcode=0x3b funct3=5 funct7=0x00
sraw       I  R    rd,rs1,rs2          opcode=0x3b funct3=5 funct7=0x20
fence      I  FENCE pred,succ          opcode=0x0f funct3=0 rd=0 rs1=0 fm=0
fence.tso  I  FENCE -                  opcode=0x0f funct3=0 rd=0 rs1=0 fm=8 pred=3 succ=3
ecall      I  I    -                   opcode=0x73 funct3=0 rd=0 rs1=0 imm12=0
ebreak     I  I    -                   opcode=0x73 funct3=0 rd=0 rs1=0 imm12=1
fence.i    Zifencei I -                opcode=0x0f funct3=1 rd=0 rs1=0 imm12=0
csrrw      Zicsr CSR  rd,csr,rs1       opcode=0x73 funct3=1
csrrs      Zicsr CSR  rd,csr,rs1       opcode=0x73 funct3=2
csrrc      Zicsr CSR  rd,csr,rs1       opcode=0x73 funct3=3
csrrwi     Zicsr CSRI rd,csr,zimm      opcode=0x73 funct3=5
csrrsi     Zicsr CSRI rd,csr,zimm      opcode=0x73 funct3=6
csrrci     Zicsr CSRI rd,csr,zimm      opcode=0x73 funct3=7
mul        M  R    rd,rs1,rs2          opcode=0x33 funct3=0 funct7=0x01
mulh       M  R    rd,rs1,rs2          opcode=0x33 funct3=1 funct7=0x01
mulhsu     M  R    rd,rs1,rs2          opcode=0x33 funct3=2 funct7=0x01
mulhu      M  R    rd,rs1,rs2          opcode=0x33 funct3=3 funct7=0x01
div        M  R    rd,rs1,rs2          opcode=0x33 funct3=4 funct7=0x01
divu       M  R    rd,rs1,rs2          opcode=0x33 funct3=5 funct7=0x01
rem        M  R    rd,rs1,rs2          opcode=0x33 funct3=6 funct7=0x01
remu       M  R    rd,rs1,rs2          opcode=0x33 funct3=7 funct7=0x01
mulw       M  R    rd,rs1,rs2          opcode=0x3b funct3=0 funct7=0x01
divw       M  R    rd,rs1,rs2          opcode=0x3b funct3=4 funct7=0x01
divuw      M  R    rd,rs1,rs2          opcode=0x3b funct3=5 funct7=0x01
remw       M  R    rd,rs1,rs2          opcode=0x3b funct3=6 funct7=0x01
remuw      M  R    rd,rs1,rs2          opcode=0x3b funct3=7 funct7=0x01
lr.w       A  R    rd,(rs1)            opcode=0x2f funct3=2 funct5=0x02 rs2=0
sc.w       A  R    rd,rs2,(rs1)        opcode=0x2f funct3=2 funct5=0x03
amoswap.w  A  R    rd,rs2,(rs1)        opcode=0x2f funct3=2 funct5=0x01
amoadd.w   A  R    rd,rs2,(rs1)        opcode=0x2f funct3=2 funct5=0x00
amoxor.w   A  R    rd,rs2,(rs1)        opcode=0x2f funct3=2 funct5=0x04
amoand.w   A  R    rd,rs2,(rs1)        opcode=0x2f funct3=2 funct5=0x0c
amoor.w    A  R    rd,rs2,(rs1)        opcode=0x2f funct3=2 funct5=0x08
amomin.w   A  R    rd,rs2,(rs1)        opcode=0x2f funct3=2 funct5=0x10
amomax.w   A  R    rd,rs2,(rs1)        opcode=0x2f funct3=2 funct5=0x14
amominu.w  A  R    rd,rs2,(rs1)        opcode=0x2f funct3=2 funct5=0x18
amomaxu.w  A  R    rd,rs2,(rs1)        opcode=0x2f funct3=2 funct5=0x1c
lr.d       A  R    rd,(rs1)            opcode=0x2f funct3=3 funct5=0x02 rs2=0
sc.d       A  R    rd,rs2,(rs1)        opcode=0x2f funct3=3 funct5=0x03
amoswap.d  A  R    rd,rs2,(rs1)        opcode=0x2f funct3=3 funct5=0x01
amoadd.d   A  R    rd,rs2,(rs1)        opcode=0x2f funct3=3 funct5=0x00
amoxor.d   A  R    rd,rs2,(rs1)        opcode=0x2f funct3=3 funct5=0x04
amoand.d   A  R    rd,rs2,(rs1)        opcode=0x2f funct3=3 funct5=0x0c
amoor.d    A  R    rd,rs2,(rs1)        opcode=0x2f funct3=3 funct5=0x08
amomin.d   A  R    rd,rs2,(rs1)        opcode=0x2f funct3=3 funct5=0x10
amomax.d   A  R    rd,rs2,(rs1)        opcode=0x2f funct3=3 funct5=0x14
amominu.d  A  R    rd,rs2,(rs1)        opcode=0x2f funct3=3 funct5=0x18
amomaxu.d  A  R    rd,rs2,(rs1)        opcode=0x2f funct3=3 funct5=0x1c
flw        F  I    fd,imm(rs1)         opcode=0x07 funct3=2
fsw        F  S    fs2,imm(rs1)        opcode=0x27 funct3=2
fmadd.s    F  R4   fd,fs1,fs2,fs3,rm   opcode=0x43 fmt=0
fmsub.s    F  R4   fd,fs1,fs2,fs3,rm   opcode=0x47 fmt=0
fnmsub.s   F  R4   fd,fs1,fs2,fs3,rm   opcode=0x4b fmt=0
fnmadd.s   F  R4   fd,fs1,fs2,fs3,rm   opcode=0x4f fmt=0
fadd.s     F  R    fd,fs1,fs2,rm       opcode=0x53 funct7=0x00
fsub.s     F  R    fd,fs1,fs2,rm       opcode=0x53 funct7=0x04
fmul.s     F  R    fd,fs1,fs2,rm       opcode=0x53 funct7=0x08
fdiv.s     F  R    fd,fs1,fs2,rm       opcode=0x53 funct7=0x0c
fsqrt.s    F  R    fd,fs1,rm           opcode=0x53 funct7=0x2c rs2=0
fsgnj.s    F  R    fd,fs1,fs2          opcode=0x53 funct7=0x10 funct3=0
fsgnjn.s   F  R    fd,fs1,fs2          opcode=0x53 funct7=0x10 funct3=1
fsgnjx.s   F  R    fd,fs1,fs2          opcode=0x53 funct7=0x10 funct3=2
fmin.s     F  R    fd,fs1,fs2          opcode=0x53 funct7=0x14 funct3=0
fmax.s     F  R    fd,fs1,fs2          opcode=0x53 funct7=0x14 funct3=1
fcvt.w.s   F  R    rd,fs1,rm           opcode=0x53 funct7=0x60 rs2=0
fcvt.wu.s  F  R    rd,fs1,rm           opcode=0x53 funct7=0x60 rs2=1
fcvt.l.s   F  R    rd,fs1,rm           opcode=0x53 funct7=0x60 rs2=2
fcvt.lu.s  F  R    rd,fs1,rm           opcode=0x53 funct7=0x60 rs2=3
fmv.x.w    F  R    rd,fs1              opcode=0x53 funct7=0x70 rs2=0 funct3=0
feq.s      F  R    rd,fs1,fs2          opcode=0x53 funct7=0x50 funct3=2
flt.s      F  R    rd,fs1,fs2          opcode=0x53 funct7=0x50 funct3=1
fle.s      F  R    rd,fs1,fs2          opcode=0x53 funct7=0x50 funct3=0
fclass.s   F  R    rd,fs1              opcode=0x53 funct7=0x70 rs2=0 funct3=1
fcvt.s.w   F  R    fd,rs1,rm           opcode=0x53 funct7=0x68 rs2=0
fcvt.s.wu  F  R    fd,rs1,rm           opcode=0x53 funct7=0x68 rs2=1
fcvt.s.l   F  R    fd,rs1,rm           opcode=0x53 funct7=0x68 rs2=2
fcvt.s.lu  F  R    fd,rs1,rm           opcode=0x53 funct7=0x68 rs2=3
fmv.w.x    F  R    fd,rs1              opcode=0x53 funct7=0x78 rs2=0 funct3=0
fld        D  I    fd,imm(rs1)         opcode=0x07 funct3=3
fsd        D  S    fs2,imm(rs1)        opcode=0x27 funct3=3
fmadd.d    D  R4   fd,fs1,fs2,fs3,rm   opcode=0x43 fmt=1
fmsub.d    D  R4   fd,fs1,fs2,fs3,rm   opcode=0x47 fmt=1
fnmsub.d   D  R4   fd,fs1,fs2,fs3,rm   opcode=0x4b fmt=1
fnmadd.d   D  R4   fd,fs1,fs2,fs3,rm   opcode=0x4f fmt=1
fadd.d     D  R    fd,fs1,fs2,rm       opcode=0x53 funct7=0x01
fsub.d     D  R    fd,fs1,fs2,rm       opcode=0x53 funct7=0x05
fmul.d     D  R    fd,fs1,fs2,rm       opcode=0x53 funct7=0x09
fdiv.d     D  R    fd,fs1,fs2,rm       opcode=0x53 funct7=0x0d
fsqrt.d    D  R    fd,fs1,rm           opcode=0x53 funct7=0x2d rs2=0
fsgnj.d    D  R    fd,fs1,fs2          opcode=0x53 funct7=0x11 funct3=0
fsgnjn.d   D  R    fd,fs1,fs2          opcode=0x53 funct7=0x11 funct3=1
fsgnjx.d   D  R    fd,fs1,fs2          opcode=0x53 funct7=0x11 funct3=2
fmin.d     D  R    fd,fs1,fs2          opcode=0x53 funct7=0x15 funct3=0
fmax.d     D  R    fd,fs1,fs2          opcode=0x53 funct7=0x15 funct3=1
fcvt.s.d   D  R    fd,fs1,rm           opcode=0x53 funct7=0x20 rs2=1
fcvt.d.s   D  R    fd,fs1,rm           opcode=0x53 funct7=0x21 rs2=0
feq.d      D  R    rd,fs1,fs2          opcode=0x53 funct7=0x51 funct3=2
flt.d      D  R    rd,fs1,fs2          opcode=0x53 funct7=0x51 funct3=1
fle.d      D  R    rd,fs1,fs2          opcode=0x53 funct7=0x51 funct3=0
fclass.d   D  R    rd,fs1              opcode=0x53 funct7=0x71 rs2=0 funct3=1
fcvt.w.d   D  R    rd,fs1,rm           opcode=0x53 funct7=0x61 rs2=0
fcvt.wu.d  D  R    rd,fs1,rm           opcode=0x53 funct7=0x61 rs2=1
fcvt.l.d   D  R    rd,fs1,rm           opcode=0x53 funct7=0x61 rs2=2
fcvt.lu.d  D  R    rd,fs1,rm           opcode=0x53 funct7=0x61 rs2=3
fmv.x.d    D  R    rd,fs1              opcode=0x53 funct7=0x71 rs2=0 funct3=0
fcvt.d.w   D  R    fd,rs1,rm           opcode=0x53 funct7=0x69 rs2=0
fcvt.d.wu  D  R    fd,rs1,rm           opcode=0x53 funct7=0x69 rs2=1
fcvt.d.l   D  R    fd,rs1,rm           opcode=0x53 funct7=0x69 rs2=2
fcvt.d.lu  D  R    fd,rs1,rm           opcode=0x53 funct7=0x69 rs2=3
fmv.d.x    D  R    fd,rs1              opcode=0x53 funct7=0x79 rs2=0 funct3=0
sret       Priv I  -                   opcode=0x73 funct3=0 rd=0 rs1=0 imm12=0x102
mret       Priv I  -                   opcode=0x73 funct3=0 rd=0 rs1=0 imm12=0x302
wfi        Priv I  -                   opcode=0x73 funct3=0 rd=0 rs1=0 imm12=0x105
sfence.vma Priv R  rs1,rs2             opcode=0x73 funct3=0 rd=0 funct7=0x09
"""

# The C extension (RV64C): decoded, never emitted by b2i's tools. The last column is the base instruction it
# stands for: `field=source` where a source is a field of the compressed instruction or a number.
# `not=field:value,...` lists field values that are not this op (reserved, or another op's encoding).
C_TABLE = """
c.addi4spn C CIW      rd,sp,imm       op=0 c.funct3=0 not=imm:0      | addi rd=rd rs1=2 imm=imm
c.fld      C CL_D     fd,imm(rs1)     op=0 c.funct3=1                  | fld rd=rd rs1=rs1 imm=imm
c.lw       C CL_W     rd,imm(rs1)     op=0 c.funct3=2                  | lw rd=rd rs1=rs1 imm=imm
c.ld       C CL_D     rd,imm(rs1)     op=0 c.funct3=3                  | ld rd=rd rs1=rs1 imm=imm
c.fsd      C CS_D     fs2,imm(rs1)    op=0 c.funct3=5                  | fsd rs1=rs1 rs2=rs2 imm=imm
c.sw       C CS_W     rs2,imm(rs1)    op=0 c.funct3=6                  | sw rs1=rs1 rs2=rs2 imm=imm
c.sd       C CS_D     rs2,imm(rs1)    op=0 c.funct3=7                  | sd rs1=rs1 rs2=rs2 imm=imm
c.nop      C CI       -               op=1 c.funct3=0 c.rd=0 c.bit12=0 c.rs2=0 | addi rd=0 rs1=0 imm=0
c.addi     C CI       rd,imm          op=1 c.funct3=0                  | addi rd=rd rs1=rd imm=imm
c.addiw    C CI       rd,imm          op=1 c.funct3=1 not=rd:0       | addiw rd=rd rs1=rd imm=imm
c.li       C CI       rd,imm          op=1 c.funct3=2                  | addi rd=rd rs1=0 imm=imm
c.addi16sp C CI_SP16  sp,imm          op=1 c.funct3=3 c.rd=2 not=imm:0 | addi rd=2 rs1=2 imm=imm
c.lui      C CI_LUI   rd,hi20         op=1 c.funct3=3 not=imm:0,rd:2 | lui rd=rd imm=imm
c.srli     C CB_SH    rd,shamt        op=1 c.funct3=4 c.funct2b=0      | srli rd=rd rs1=rd shamt=shamt
c.srai     C CB_SH    rd,shamt        op=1 c.funct3=4 c.funct2b=1      | srai rd=rd rs1=rd shamt=shamt
c.andi     C CB_IMM   rd,imm          op=1 c.funct3=4 c.funct2b=2      | andi rd=rd rs1=rd imm=imm
c.sub      C CA       rd,rs2          op=1 c.funct6=0x23 c.funct2=0    | sub rd=rd rs1=rd rs2=rs2
c.xor      C CA       rd,rs2          op=1 c.funct6=0x23 c.funct2=1    | xor rd=rd rs1=rd rs2=rs2
c.or       C CA       rd,rs2          op=1 c.funct6=0x23 c.funct2=2    | or rd=rd rs1=rd rs2=rs2
c.and      C CA       rd,rs2          op=1 c.funct6=0x23 c.funct2=3    | and rd=rd rs1=rd rs2=rs2
c.subw     C CA       rd,rs2          op=1 c.funct6=0x27 c.funct2=0    | subw rd=rd rs1=rd rs2=rs2
c.addw     C CA       rd,rs2          op=1 c.funct6=0x27 c.funct2=1    | addw rd=rd rs1=rd rs2=rs2
c.j        C CJ       target          op=1 c.funct3=5                  | jal rd=0 imm=imm
c.beqz     C CB       rs1,target      op=1 c.funct3=6                  | beq rs1=rs1 rs2=0 imm=imm
c.bnez     C CB       rs1,target      op=1 c.funct3=7                  | bne rs1=rs1 rs2=0 imm=imm
c.slli     C CI_SH    rd,shamt        op=2 c.funct3=0                  | slli rd=rd rs1=rd shamt=shamt
c.fldsp    C CI_LDSP  fd,imm(sp)      op=2 c.funct3=1                  | fld rd=rd rs1=2 imm=imm
c.lwsp     C CI_LWSP  rd,imm(sp)      op=2 c.funct3=2 not=rd:0       | lw rd=rd rs1=2 imm=imm
c.ldsp     C CI_LDSP  rd,imm(sp)      op=2 c.funct3=3 not=rd:0       | ld rd=rd rs1=2 imm=imm
c.jr       C CR       rd              op=2 c.funct4=8 c.rs2=0 not=rd:0 | jalr rd=0 rs1=rd imm=0
c.mv       C CR       rd,rs2          op=2 c.funct4=8 not=rs2:0        | add rd=rd rs1=0 rs2=rs2
c.ebreak   C CR       -               op=2 c.funct4=9 c.rd=0 c.rs2=0   | ebreak
c.jalr     C CR       rd              op=2 c.funct4=9 c.rs2=0 not=rd:0 | jalr rd=1 rs1=rd imm=0
c.add      C CR       rd,rs2          op=2 c.funct4=9 not=rs2:0        | add rd=rd rs1=rd rs2=rs2
c.fsdsp    C CSS_SDSP fs2,imm(sp)     op=2 c.funct3=5                  | fsd rs1=2 rs2=rs2 imm=imm
c.swsp     C CSS_SWSP rs2,imm(sp)     op=2 c.funct3=6                  | sw rs1=2 rs2=rs2 imm=imm
c.sdsp     C CSS_SDSP rs2,imm(sp)     op=2 c.funct3=7                  | sd rs1=2 rs2=rs2 imm=imm
"""

# Conversions that are exact get rm=rne (0) by default from GNU as and take no rounding-mode operand;
# every other instruction with an rm field defaults to dyn (7).
EXACT_CONVERSIONS = frozenset({"fcvt.d.w", "fcvt.d.wu", "fcvt.d.s"})

ROUNDING_MODES = ("rne", "rtz", "rdn", "rup", "rmm", None, None, "dyn")

INT_REGS = ("zero", "ra", "sp", "gp", "tp", "t0", "t1", "t2", "s0", "s1", "a0", "a1", "a2", "a3", "a4", "a5",
            "a6", "a7", "s2", "s3", "s4", "s5", "s6", "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6")
FLOAT_REGS = ("ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2", "fa3",
              "fa4", "fa5", "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11",
              "ft8", "ft9", "ft10", "ft11")


def _csr_names() -> dict[str, int]:
    names = {"fflags": 0x001, "frm": 0x002, "fcsr": 0x003, "cycle": 0xC00, "time": 0xC01, "instret": 0xC02,
             "sstatus": 0x100, "sie": 0x104, "stvec": 0x105, "scounteren": 0x106, "sscratch": 0x140,
             "sepc": 0x141, "scause": 0x142, "stval": 0x143, "sip": 0x144, "satp": 0x180,
             "mvendorid": 0xF11, "marchid": 0xF12, "mimpid": 0xF13, "mhartid": 0xF14, "mstatus": 0x300,
             "misa": 0x301, "medeleg": 0x302, "mideleg": 0x303, "mie": 0x304, "mtvec": 0x305,
             "mcounteren": 0x306, "mcountinhibit": 0x320, "mscratch": 0x340, "mepc": 0x341, "mcause": 0x342,
             "mtval": 0x343, "mip": 0x344, "mtinst": 0x34A, "mtval2": 0x34B, "mcycle": 0xB00,
             "minstret": 0xB02, "tselect": 0x7A0, "tdata1": 0x7A1, "tdata2": 0x7A2, "tdata3": 0x7A3,
             "dcsr": 0x7B0, "dpc": 0x7B1, "dscratch0": 0x7B2, "dscratch1": 0x7B3}
    for n in range(3, 32):
        names[f"hpmcounter{n}"] = 0xC00 + n
        names[f"mhpmcounter{n}"] = 0xB00 + n
        names[f"mhpmevent{n}"] = 0x320 + n
    for n in range(16):
        names[f"pmpcfg{n}"] = 0x3A0 + n
    for n in range(64):
        names[f"pmpaddr{n}"] = 0x3B0 + n
    return names


CSRS: dict[str, int] = _csr_names()
"""CSR names (as GNU binutils 2.40 knows them for privileged spec 1.11) -> numbers."""
CSR_NAMES: dict[int, str] = {number: name for name, number in CSRS.items()}


# ---------------------------------------------------------------------------------------------------------
# The public objects built from the table.


@dataclass(frozen=True)
class Op:
    """One instruction: its GNU mnemonic, extension, format, encoding and assembly operands."""

    name: str
    ext: str
    fmt: str
    match: int
    mask: int
    operands: tuple[str, ...]
    size: int
    excluded: tuple[tuple[str, int], ...] = ()  # field values that are not this op (reserved C encodings)

    @cached_property
    def fields(self) -> tuple[Field, ...]:
        """The variable fields: those of the format not entirely fixed by the mask."""
        return tuple(f for f in FORMATS[self.fmt] if f.word_bits & ~self.mask)

    @cached_property
    def field_names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)


@dataclass(frozen=True)
class Decoded:
    """A decoded instruction: the op and the values of its variable fields."""

    op: Op
    fields: dict[str, int] = field(default_factory=dict)

    def __getitem__(self, name: str) -> int:
        return self.fields[name]


def _fixed(assignments: list[str], size: int) -> tuple[int, int, tuple[tuple[str, int], ...]]:
    match = mask = 0
    excluded: list[tuple[str, int]] = []
    for assignment in assignments:
        name, value = assignment.split("=")
        if name == "not":
            excluded += [(f, int(v, 0)) for f, v in (item.split(":") for item in value.split(","))]
            continue
        hi, lo = FIXED_FIELDS[name]
        bits = ((1 << (hi - lo + 1)) - 1) << lo
        if int(value, 0) << lo & ~bits:
            raise AssertionError(f"fixed field {assignment} does not fit")
        match |= int(value, 0) << lo
        mask |= bits
    assert mask < (1 << (8 * size))
    return match, mask, tuple(excluded)


def _parse_ops(text: str, size: int) -> list[Op]:
    ops = []
    for line in text.strip().splitlines():
        line = line.split("|")[0]
        name, ext, fmt, operands, *fixed = line.split()
        match, mask, excluded = _fixed(fixed, size)
        kinds = () if operands == "-" else tuple(operands.split(","))
        ops.append(Op(name, ext, fmt, match, mask, kinds, size, excluded))
    return ops


def _parse_expansions(text: str) -> dict[str, tuple[str, dict[str, str | int]]]:
    expansions = {}
    for line in text.strip().splitlines():
        head, _, tail = line.partition("|")
        base, *assignments = tail.split()
        mapping: dict[str, str | int] = {}
        for assignment in assignments:
            target, source = assignment.split("=")
            mapping[target] = int(source) if source.isdigit() else source
        expansions[head.split()[0]] = (base, mapping)
    return expansions


OPS: tuple[Op, ...] = tuple(_parse_ops(TABLE, 4) + _parse_ops(C_TABLE, 2))
BY_NAME: dict[str, Op] = {op.name: op for op in OPS}
EXPANSIONS: dict[str, tuple[str, dict[str, str | int]]] = _parse_expansions(C_TABLE)


def _bucket_key(word: int) -> int:
    """Decoding starts from a bucket: the major opcode (32-bit) or quadrant and funct3 (16-bit)."""
    if word & 3 == 3:
        return word & 0x7F
    return 0x80 | (word & 3) | ((word >> 13) & 7) << 2


def _buckets() -> dict[int, list[Op]]:
    buckets: dict[int, list[Op]] = {}
    for op in OPS:
        buckets.setdefault(_bucket_key(op.match), []).append(op)
    for ops in buckets.values():  # most specific first: c.nop before c.addi, c.jr before c.mv
        ops.sort(key=lambda op: -op.mask.bit_count())
    return buckets


_BUCKETS = _buckets()


def decode(word: int) -> Decoded | None:
    """Decode a 32-bit word, or a 16-bit parcel when `word & 3 != 3`; None if it is no instruction."""
    if word & 3 != 3:
        word &= 0xFFFF
    for op in _BUCKETS.get(_bucket_key(word), ()):
        if word & op.mask == op.match:
            fields = {f.name: f.extract(word) for f in op.fields}
            if any(fields[name] == value for name, value in op.excluded):
                continue
            return Decoded(op, fields)
    return None


def expand(d: Decoded) -> Decoded:
    """The base instruction a compressed one stands for (identity for base instructions)."""
    if d.op.size == 4:
        return d
    base, mapping = EXPANSIONS[d.op.name]
    op = BY_NAME[base]
    fields = {name: source if isinstance(source, int) else d.fields[source] for name, source in mapping.items()}
    return Decoded(op, fields)


def default_fields(op: Op) -> dict[str, int]:
    """The values GNU as uses for fields an assembly line may leave out (rounding mode, aq/rl)."""
    defaults = {"aq": 0, "rl": 0}
    if "rm" in op.operands:
        defaults["rm"] = 0 if op.name in EXACT_CONVERSIONS else 7
    return {name: value for name, value in defaults.items() if name in op.field_names}


def encode(op: Op | str, **fields: int) -> int:
    """Assemble one instruction word from its fields; ValueError for a missing, unknown or out-of-range field."""
    if isinstance(op, str):
        if op not in BY_NAME:
            raise ValueError(f"unknown instruction {op!r}")
        op = BY_NAME[op]
    values = default_fields(op) | fields
    word = op.match
    names = op.field_names
    for name in values:
        if name not in names:
            raise ValueError(f"{op.name} has no field {name!r} (it has {', '.join(names) or 'none'})")
    for f in op.fields:
        if f.name not in values:
            raise ValueError(f"{op.name} needs field {f.name!r}")
        bits = f.insert(values[f.name])
        if bits & op.mask:
            raise ValueError(f"{op.name}: {f.name} {values[f.name]} out of range")
        word |= bits
    for name, value in op.excluded:
        if values[name] == value:
            raise ValueError(f"{op.name}: {name} may not be {value}")
    return word


def random_fields(op: Op | str, rng: random.Random) -> dict[str, int]:
    """Random field values that `encode(op, ...)` accepts: for tests and instruction generators."""
    if isinstance(op, str):
        op = BY_NAME[op]
    while True:
        values = {}
        for f in op.fields:
            low, high, step = f.value_range()
            values[f.name] = low + step * rng.randrange((high - low) // step + 1)
        try:
            encode(op, **values)
        except ValueError:  # a value the op fixes (bit 25 of slliw's shamt) or excludes
            continue
        return values
