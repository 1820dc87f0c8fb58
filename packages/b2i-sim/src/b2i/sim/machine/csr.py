"""Control and status registers: which exist, who may touch them, and what a read or write does.

CSR numbers come from `b2i.sim.isa.CSRS` (the one table); this module holds their behaviour. Reads and writes
that the privilege level or the register does not allow raise an illegal-instruction `Trap`, as the spec says.
"""

from b2i.sim.isa import CSRS
from b2i.sim.machine.trap import ILLEGAL_INSN, M_EXTERNAL, M_SOFTWARE, M_TIMER, S_EXTERNAL, S_SOFTWARE, S_TIMER, Trap

M64 = (1 << 64) - 1

# mstatus fields
SIE, MIE, SPIE, MPIE = 1 << 1, 1 << 3, 1 << 5, 1 << 7
SPP = 1 << 8
MPP_SHIFT = 11
MPP = 3 << MPP_SHIFT
FS = 3 << 13
FS_DIRTY = 3 << 13
MPRV, SUM, MXR, TVM, TW, TSR = 1 << 17, 1 << 18, 1 << 19, 1 << 20, 1 << 21, 1 << 22
UXL_SXL = (2 << 32) | (2 << 34)  # XLEN 64 in U and S mode, read-only
SD = 1 << 63
MSTATUS_WRITABLE = SIE | MIE | SPIE | MPIE | SPP | MPP | FS | MPRV | SUM | MXR | TVM | TW | TSR
SSTATUS_MASK = SIE | SPIE | SPP | FS | SUM | MXR | (3 << 32) | SD

# mip / mie bits
MIP_SSIP, MIP_MSIP = 1 << S_SOFTWARE, 1 << M_SOFTWARE
MIP_STIP, MIP_MTIP = 1 << S_TIMER, 1 << M_TIMER
MIP_SEIP, MIP_MEIP = 1 << S_EXTERNAL, 1 << M_EXTERNAL
S_INTERRUPTS = MIP_SSIP | MIP_STIP | MIP_SEIP
ALL_INTERRUPTS = S_INTERRUPTS | MIP_MSIP | MIP_MTIP | MIP_MEIP
MIP_WRITABLE = S_INTERRUPTS  # M-mode software may raise S-level interrupts; M-level ones come from devices



def misa_of(letters: str) -> int:
    """misa of an RV64 hart with these single-letter extensions ("ACDFIMSU")."""
    return (2 << 62) | sum(1 << (ord(letter) - ord("A")) for letter in letters.upper())


# The reference's misa: RV64 with A C D F I M S U. A hart given a narrower misa (`Hart.misa`, as the lockstep
# against the RV64IMA RTL does) behaves as that machine where the CSRs show it: without F, mstatus.FS is
# read-only zero (so F/D instructions and fcsr are illegal); without C, mepc/sepc hold 4-byte-aligned values
# (IALIGN=32) and 16-bit words are illegal instructions.
MISA = misa_of("ACDFIMSU")
MISA_C, MISA_F = 1 << 2, 1 << 5

MEDELEG_WRITABLE = 0xB3FF  # every exception except ecall from M (11) and the reserved 10, 14
SATP_MODE_BARE, SATP_MODE_SV39 = 0, 8

FFLAGS, FRM, FCSR = CSRS["fflags"], CSRS["frm"], CSRS["fcsr"]
CYCLE, TIME, INSTRET = CSRS["cycle"], CSRS["time"], CSRS["instret"]
MCYCLE, MINSTRET = CSRS["mcycle"], CSRS["minstret"]
MEPC, SEPC = CSRS["mepc"], CSRS["sepc"]
USER_PROCESS_CSRS = {FFLAGS, FRM, FCSR, CYCLE, TIME, INSTRET}

# CSRs that simply hold what software writes (masked), with their writable bits
PLAIN = {
    CSRS["mscratch"]: M64,
    CSRS["sscratch"]: M64,
    CSRS["mepc"]: M64 & ~1,
    CSRS["sepc"]: M64 & ~1,
    CSRS["mcause"]: M64,
    CSRS["scause"]: M64,
    CSRS["mtval"]: M64,
    CSRS["stval"]: M64,
    CSRS["mtvec"]: M64 & ~2,
    CSRS["stvec"]: M64 & ~2,
    CSRS["medeleg"]: MEDELEG_WRITABLE,
    CSRS["mideleg"]: S_INTERRUPTS,
    CSRS["mie"]: ALL_INTERRUPTS,
    CSRS["mcounteren"]: 0xFFFF_FFFF,
    CSRS["scounteren"]: 0xFFFF_FFFF,
    CSRS["mcountinhibit"]: 0,
    0x30A: M64,  # menvcfg
    0x10A: M64,  # senvcfg
}
# read as zero, writes ignored: PMP (absent), performance counters and events, the ids and mconfigptr (0xF15,
# privileged spec 1.12). mtinst and mtval2 belong to the hypervisor extension, which misa does not list: reading
# them is an illegal instruction, as on QEMU's rv64 with h=false.
ZERO = {CSRS[name] for name in ("mvendorid", "marchid", "mimpid", "mhartid")} | {0xF15}
ZERO |= {CSRS[f"pmpcfg{n}"] for n in range(0, 16, 2)} | {CSRS[f"pmpaddr{n}"] for n in range(64)}
ZERO |= {CSRS[f"mhpmcounter{n}"] for n in range(3, 32)} | {CSRS[f"mhpmevent{n}"] for n in range(3, 32)}
ZERO |= {CSRS[f"hpmcounter{n}"] for n in range(3, 32)}


def _illegal(h) -> Trap:
    return Trap(ILLEGAL_INSN, h.insn_word)


def check_access(h, number: int, writing: bool) -> None:
    """Raise illegal instruction unless the current mode may read (and write) this CSR."""
    if not h.system:
        if number not in USER_PROCESS_CSRS or (writing and number not in (FFLAGS, FRM, FCSR)):
            raise _illegal(h)
        return
    if (number >> 8) & 3 > h.priv or (writing and number >> 10 == 3):
        raise _illegal(h)
    if number in (FFLAGS, FRM, FCSR) and h.mstatus & FS == 0:
        raise _illegal(h)
    if number == CSRS["satp"] and h.priv == 1 and h.mstatus & TVM:
        raise _illegal(h)
    if 0xC00 <= number <= 0xC1F and h.priv < 3:  # counters: mcounteren (and scounteren for U) gate them
        bit = 1 << (number - 0xC00)
        if not h.csr[CSRS["mcounteren"]] & bit or (h.priv == 0 and not h.csr[CSRS["scounteren"]] & bit):
            raise _illegal(h)


def read(h, number: int) -> int:
    if number == FFLAGS:
        return h.fflags
    if number == FRM:
        return h.frm
    if number == FCSR:
        return h.frm << 5 | h.fflags
    if number in (CYCLE, MCYCLE, INSTRET, MINSTRET):  # one counter: an instruction is a cycle
        return (h.instret + h.counter_offset) & M64
    if number == TIME:
        return h.mtime()
    if not h.system:
        raise _illegal(h)
    if number == CSRS["mstatus"]:
        return _with_sd(h.mstatus) | UXL_SXL
    if number == CSRS["sstatus"]:
        return (_with_sd(h.mstatus) | UXL_SXL) & SSTATUS_MASK
    if number == CSRS["misa"]:
        return h.misa
    if number == CSRS["mip"]:
        return h.mip()
    if number == CSRS["sip"]:
        return h.mip() & h.csr[CSRS["mideleg"]]
    if number == CSRS["sie"]:
        return h.csr[CSRS["mie"]] & h.csr[CSRS["mideleg"]]
    if number == CSRS["satp"]:
        return h.satp
    if number in PLAIN:
        return h.csr[number]
    if number in ZERO:
        return 0
    raise _illegal(h)


def _with_sd(mstatus: int) -> int:
    return mstatus | SD if mstatus & FS == FS_DIRTY else mstatus


def write(h, number: int, value: int) -> None:
    value &= M64
    if number == FFLAGS:
        h.fflags = value & 0x1F
    elif number == FRM:
        h.frm = value & 7
    elif number == FCSR:
        h.frm, h.fflags = value >> 5 & 7, value & 0x1F
    elif number in (MCYCLE, MINSTRET):  # the next instruction reads `value` (this one's retirement counts)
        h.counter_offset = value - (h.instret + 1)
    elif not h.system:
        raise _illegal(h)
    elif number == CSRS["mstatus"]:
        writable = MSTATUS_WRITABLE if h.misa & MISA_F else MSTATUS_WRITABLE & ~FS
        mstatus = (h.mstatus & ~writable) | (value & writable)
        if mstatus & MPP == 2 << MPP_SHIFT:  # MPP is WARL: the reserved level 2 reads back as U
            mstatus &= ~MPP
        h.mstatus = mstatus
        h.flush_tlb()
    elif number == CSRS["sstatus"]:
        mask = SSTATUS_MASK & MSTATUS_WRITABLE & (M64 if h.misa & MISA_F else ~FS)
        h.mstatus = (h.mstatus & ~mask) | (value & mask)
        h.flush_tlb()
    elif number == CSRS["mip"]:
        h.csr[CSRS["mip"]] = (h.csr[CSRS["mip"]] & ~MIP_WRITABLE) | (value & MIP_WRITABLE)
    elif number == CSRS["sip"]:
        mask = MIP_SSIP & h.csr[CSRS["mideleg"]]
        h.csr[CSRS["mip"]] = (h.csr[CSRS["mip"]] & ~mask) | (value & mask)
    elif number == CSRS["sie"]:
        mask = h.csr[CSRS["mideleg"]]
        h.csr[CSRS["mie"]] = (h.csr[CSRS["mie"]] & ~mask) | (value & mask)
    elif number == CSRS["satp"]:
        if value >> 60 in (SATP_MODE_BARE, SATP_MODE_SV39):  # other modes: the write is ignored (WARL)
            h.satp = value & ((0xF << 60) | (0xFFFF << 44) | ((1 << 44) - 1))
            h.flush_tlb()
    elif number in (MEPC, SEPC) and not h.misa & MISA_C:  # IALIGN=32: bits 1:0 are zero
        h.csr[number] = value & ~3
    elif number in PLAIN:
        h.csr[number] = value & PLAIN[number]
    elif number in ZERO or number == CSRS["misa"]:
        pass
    else:
        raise _illegal(h)


def initial_values() -> dict[int, int]:
    """The storage of the PLAIN CSRs and mip at reset: all zero."""
    return {number: 0 for number in (*PLAIN, CSRS["mip"])}
