"""One RISC-V hart: registers, the fetch-decode-execute loop, and the privileged architecture (traps, interrupts).

Decoding goes only through `b2i.sim.isa` (compressed words are expanded to their base instruction); a cache
keyed by the instruction word keeps each word's handler and fields, so self-modifying code needs no flush.
What lies outside the hart is plugged in: `load`/`store`/`fetch` (a process's paged memory, or the MMU in
front of the board's bus), `ecall` (the Linux syscall layer, or a trap), and the time source.
"""

from collections.abc import Callable
from typing import TextIO

from b2i.sim import isa
from b2i.sim.isa import CSRS
from b2i.sim.machine import csr
from b2i.sim.machine.execute import HANDLERS
from b2i.sim.machine.trace import commit_line
from b2i.sim.machine.trap import (
    ECALL_FROM_M,
    ECALL_FROM_S,
    ECALL_FROM_U,
    ILLEGAL_INSN,
    INTERRUPT,
    M_EXTERNAL,
    M_SOFTWARE,
    M_TIMER,
    S_EXTERNAL,
    S_SOFTWARE,
    S_TIMER,
    GuestFault,
    Trap,
)

M64 = (1 << 64) - 1
TRAP_LOOP = 16  # traps taken in a row with no instruction retired: the handler itself faults
INTERRUPT_PRIORITY = (M_EXTERNAL, M_SOFTWARE, M_TIMER, S_EXTERNAL, S_SOFTWARE, S_TIMER)
MIE, MIDELEG, MEDELEG = CSRS["mie"], CSRS["mideleg"], CSRS["medeleg"]
MTVEC, MEPC, MCAUSE, MTVAL = CSRS["mtvec"], CSRS["mepc"], CSRS["mcause"], CSRS["mtval"]
STVEC, SEPC, SCAUSE, STVAL = CSRS["stvec"], CSRS["sepc"], CSRS["scause"], CSRS["stval"]
MIP = CSRS["mip"]


def illegal(h, f):
    raise Trap(ILLEGAL_INSN, h.insn_word)


class Hart:
    """Architectural state and the interpreter loop. `system` selects the machine (M/S/U) or a Linux process."""

    def __init__(self, system: bool) -> None:
        self.system = system
        self.x = [0] * 32
        self.f = [0] * 32
        self.pc = 0
        self.next_pc = 0
        self.insn_word = 0
        self.priv = 3 if system else 0
        self.instret = 0  # instructions retired (mcycle/minstret read it plus counter_offset; mtime derives from it)
        self.counter_offset = 0
        self.fflags = 0
        self.frm = 0
        self.reservation: int | None = None
        self.mstatus = 0
        self.satp = 0
        self.misa = csr.MISA  # the extensions this hart reports (and, for F and C, has): see b2i.sim.machine.csr
        self.csr = csr.initial_values()
        self.decode_cache: dict[int, tuple] = {}
        self.trace: TextIO | None = None
        # plugged in by the process or the board
        self.load: Callable[[int, int], int] = self._unplugged
        self.store: Callable[[int, int, int], None] = self._unplugged
        self.fetch: Callable[[int], int] = self._unplugged
        self.syscall: Callable[[Hart], None] | None = None
        self.device_interrupts: Callable[[], int] = lambda: 0  # mip bits raised by devices
        self.idle: Callable[[], None] = lambda: None  # wfi with nothing pending
        self.time_skew = 0
        self.flush_tlb: Callable[[], None] = lambda: None

    def _unplugged(self, *args):
        raise RuntimeError("hart has no memory attached")

    # ---- decode ----------------------------------------------------------------------------------------
    def decode(self, word: int) -> tuple:
        """(handler, fields, size, expanded Decoded) for a word, through the ISA table; cached per word."""
        decoded = isa.decode(word) if word & 3 == 3 or self.misa & csr.MISA_C else None
        if decoded is None:
            entry = (illegal, {}, 4 if word & 3 == 3 else 2, None)
        else:
            base = isa.expand(decoded)
            entry = (HANDLERS.get(base.op.name, illegal), base.fields, decoded.op.size, base)
        self.decode_cache[word] = entry
        return entry

    # ---- the loop ------------------------------------------------------------------------------------------
    def run(self, max_insns: int | None = None) -> None:
        """Execute until the guest exits (GuestExit), faults in a process (Trap) or max_insns retire."""
        limit = self.instret + max_insns if max_insns is not None else 1 << 64
        cached = self.decode_cache.get
        fetch, decode, system, trace = self.fetch, self.decode, self.system, self.trace
        # A trap whose handler itself traps (say mtvec points at unmapped memory) retires nothing, so the
        # instruction limit would never be reached: that livelock is a guest fault instead of a hang.
        trapped_at, traps_in_a_row = -1, 0
        while self.instret < limit:
            pc, priv = self.pc, self.priv
            try:
                if system and self.interrupt_pending():
                    continue
                word = fetch(pc)
                entry = cached(word) or decode(word)
                self.insn_word = word
                self.next_pc = pc + entry[2]
                entry[0](self, entry[1])
            except Trap as trap:
                if not system:
                    raise
                traps_in_a_row = traps_in_a_row + 1 if trapped_at == self.instret else 1
                trapped_at = self.instret
                if traps_in_a_row > TRAP_LOOP:
                    raise GuestFault(
                        f"trap loop: {traps_in_a_row} traps in a row without retiring an instruction"
                        f" (cause {trap.cause}, pc {pc:#x}, tval {trap.tval:#x})"
                    ) from None
                self.take_trap(trap.cause, trap.tval, interrupt=False)
                continue
            self.pc = self.next_pc
            self.instret += 1
            if trace is not None:
                trace.write(commit_line(self, priv, pc, word, entry[2], entry[3]))

    # ---- hooks the handlers call ---------------------------------------------------------------------------
    def ecall(self) -> None:
        if self.syscall is not None:
            self.syscall(self)
            return
        raise Trap({0: ECALL_FROM_U, 1: ECALL_FROM_S, 3: ECALL_FROM_M}[self.priv], 0)

    def fp_check(self) -> None:
        if self.system and self.mstatus & csr.FS == 0:
            raise Trap(ILLEGAL_INSN, self.insn_word)

    def fp_dirty(self) -> None:
        self.mstatus |= csr.FS_DIRTY

    def mtime(self) -> int:
        """Time in 10 MHz ticks: one tick per retired instruction, so runs are deterministic."""
        return (self.instret + self.time_skew) & M64

    def mip(self) -> int:
        return self.csr[MIP] | self.device_interrupts()

    def wait_for_interrupt(self) -> None:
        """wfi: illegal in U mode and, with mstatus.TW, in S mode (as on QEMU); otherwise wait."""
        if self.priv == 0 or (self.priv == 1 and self.mstatus & csr.TW):
            raise Trap(ILLEGAL_INSN, self.insn_word)
        if not self.mip() & self.csr[MIE]:
            self.idle()

    # ---- traps ---------------------------------------------------------------------------------------------
    def take_trap(self, cause: int, tval: int, interrupt: bool) -> None:
        """Enter the handler in M mode, or in S mode when delegated and not coming from M."""
        self.reservation = None
        delegated = self.csr[MIDELEG if interrupt else MEDELEG] >> cause & 1
        code = (INTERRUPT if interrupt else 0) | cause
        status = self.mstatus
        if self.priv <= 1 and delegated:
            self.csr[SCAUSE], self.csr[SEPC], self.csr[STVAL] = code, self.pc, tval & M64
            status = (status & ~csr.SPIE) | (csr.SPIE if status & csr.SIE else 0)
            status = (status & ~(csr.SIE | csr.SPP)) | (csr.SPP if self.priv else 0)
            tvec, self.priv = self.csr[STVEC], 1
        else:
            self.csr[MCAUSE], self.csr[MEPC], self.csr[MTVAL] = code, self.pc, tval & M64
            status = (status & ~csr.MPIE) | (csr.MPIE if status & csr.MIE else 0)
            status = (status & ~(csr.MIE | csr.MPP)) | (self.priv << csr.MPP_SHIFT)
            tvec, self.priv = self.csr[MTVEC], 3
        self.mstatus = status
        base = tvec & ~3
        self.pc = base + 4 * cause if (tvec & 1 and interrupt) else base
        self.flush_tlb()

    def trap_return(self, level: int) -> None:
        """mret (level 3) or sret (level 1)."""
        status = self.mstatus
        if not self.system or self.priv < level or (level == 1 and self.priv == 1 and status & csr.TSR):
            raise Trap(ILLEGAL_INSN, self.insn_word)
        if level == 3:
            new_priv = (status & csr.MPP) >> csr.MPP_SHIFT
            status = (status & ~csr.MIE) | (csr.MIE if status & csr.MPIE else 0)
            status = (status | csr.MPIE) & ~csr.MPP
            self.next_pc = self.csr[MEPC]
        else:
            new_priv = 1 if status & csr.SPP else 0
            status = (status & ~csr.SIE) | (csr.SIE if status & csr.SPIE else 0)
            status = (status | csr.SPIE) & ~csr.SPP
            self.next_pc = self.csr[SEPC]
        if new_priv != 3:
            status &= ~csr.MPRV
        self.mstatus, self.priv = status, new_priv
        self.reservation = None
        self.flush_tlb()

    def interrupt_pending(self) -> bool:
        """Take the highest-priority enabled pending interrupt, if any (checked before each instruction)."""
        enabled = self.csr[MIE]
        if not enabled:
            return False
        pending = self.mip() & enabled
        if not pending:
            return False
        delegated = self.csr[MIDELEG]
        m_enabled = self.priv < 3 or self.mstatus & csr.MIE
        s_enabled = self.priv < 1 or (self.priv == 1 and self.mstatus & csr.SIE)
        for candidates, enabled in ((pending & ~delegated, m_enabled), (pending & delegated, s_enabled)):
            if candidates and enabled:
                for cause in INTERRUPT_PRIORITY:
                    if candidates >> cause & 1:
                        self.take_trap(cause, 0, interrupt=True)
                        return True
        return False
