"""The test / power device at TEST_BASE (QEMU virt's "sifive_test"): a write ends the simulation.

Writing TEST_PASS (0x5555) powers off with exit status 0; writing (code << 16) | TEST_FAIL (0x3333) powers
off with `code`. Reads return 0.
"""

from b2i.sim.machine.memmap import TEST_FAIL, TEST_PASS
from b2i.sim.machine.trap import GuestExit


class Finisher:
    """Ends the run (GuestExit) when software writes the pass or fail code."""

    def read(self, offset: int, size: int) -> int:
        return 0

    def write(self, offset: int, size: int, value: int) -> None:
        if offset != 0:
            return
        if value & 0xFFFF == TEST_PASS:
            raise GuestExit(0)
        if value & 0xFFFF == TEST_FAIL:
            raise GuestExit((value >> 16) & 0xFFFF)
