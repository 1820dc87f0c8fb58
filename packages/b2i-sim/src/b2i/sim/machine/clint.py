"""The core-local interruptor (CLINT): software interrupt (msip), timer compare (mtimecmp) and time (mtime).

mtime is the hart's deterministic clock (one 10 MHz tick per retired instruction); the timer interrupt MTIP
is pending while mtime >= mtimecmp (so from reset, where mtimecmp is 0 as on QEMU). 64-bit registers may
be accessed whole or as two 32-bit halves.
"""

from b2i.sim.machine.csr import MIP_MSIP, MIP_MTIP
from b2i.sim.machine.memmap import CLINT_MSIP, CLINT_MTIME, CLINT_MTIMECMP

M64 = (1 << 64) - 1


def _merge(old: int, offset: int, size: int, value: int) -> int:
    """Write `size` bytes at byte `offset` (0 or 4) of a 64-bit register."""
    shift = 8 * offset
    mask = ((1 << (8 * size)) - 1) << shift
    return (old & ~mask) | ((value << shift) & mask)


class Clint:
    """msip, mtimecmp and mtime of one hart; `pending` gives the mip bits it raises."""

    def __init__(self, hart) -> None:
        self.hart = hart
        self.msip = 0
        self.mtimecmp = 0  # as on QEMU: the timer interrupt is pending from reset until software sets it

    def pending(self) -> int:
        """The mip bits this device raises now."""
        bits = MIP_MSIP if self.msip & 1 else 0
        if self.hart.mtime() >= self.mtimecmp:
            bits |= MIP_MTIP
        return bits

    def read(self, offset: int, size: int) -> int:
        if offset == CLINT_MSIP:
            return self.msip
        if CLINT_MTIMECMP <= offset < CLINT_MTIMECMP + 8:
            return (self.mtimecmp >> 8 * (offset - CLINT_MTIMECMP)) & ((1 << (8 * size)) - 1)
        if CLINT_MTIME <= offset < CLINT_MTIME + 8:
            return (self.hart.mtime() >> 8 * (offset - CLINT_MTIME)) & ((1 << (8 * size)) - 1)
        return 0

    def write(self, offset: int, size: int, value: int) -> None:
        if offset == CLINT_MSIP:
            self.msip = value & 1
        elif CLINT_MTIMECMP <= offset < CLINT_MTIMECMP + 8:
            self.mtimecmp = _merge(self.mtimecmp, offset - CLINT_MTIMECMP, size, value)
        elif CLINT_MTIME <= offset < CLINT_MTIME + 8:
            new = _merge(self.hart.mtime(), offset - CLINT_MTIME, size, value)
            self.hart.time_skew += new - self.hart.mtime()

    def skip_to_timer(self) -> bool:
        """Idle until the timer fires (wfi): move time forward to mtimecmp. False if it is not armed."""
        if self.mtimecmp == M64:
            return False
        now = self.hart.mtime()
        if self.mtimecmp > now:
            self.hart.time_skew += self.mtimecmp - now
        return True
