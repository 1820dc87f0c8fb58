"""Sparse paged memory for a user-mode process: 4 KiB pages allocated where the ELF, brk, mmap and stack put them.

Accesses to an unmapped page raise `Trap` with the faulting address, so the run stops with a message naming
it. Misaligned accesses are allowed (as qemu-user allows them); ones that cross a page take the slow path.
"""

import struct

from b2i.sim.machine.trap import INSN_ACCESS_FAULT, LOAD_ACCESS_FAULT, STORE_ACCESS_FAULT, Trap

PAGE = 4096
PAGE_SHIFT = 12
# little-endian unsigned integers by size: struct is several times faster than slicing + int.from_bytes
UNPACK = {1: struct.Struct("<B").unpack_from, 2: struct.Struct("<H").unpack_from,
          4: struct.Struct("<I").unpack_from, 8: struct.Struct("<Q").unpack_from}
PACK = {1: struct.Struct("<B").pack_into, 2: struct.Struct("<H").pack_into,
        4: struct.Struct("<I").pack_into, 8: struct.Struct("<Q").pack_into}
UNPACK_WORD = UNPACK[4]


class PagedMemory:
    """Pages (number -> 4 KiB bytearray) of a user process; what is not mapped faults."""

    def __init__(self) -> None:
        self.pages: dict[int, bytearray] = {}

    # --- mapping -----------------------------------------------------------------------------------------
    def map(self, addr: int, size: int) -> None:
        """Make [addr, addr + size) accessible, zero-filled where it was not mapped yet."""
        for number in range(addr >> PAGE_SHIFT, (addr + size + PAGE - 1) >> PAGE_SHIFT):
            if number not in self.pages:
                self.pages[number] = bytearray(PAGE)

    def unmap(self, addr: int, size: int) -> None:
        for number in range(addr >> PAGE_SHIFT, (addr + size + PAGE - 1) >> PAGE_SHIFT):
            self.pages.pop(number, None)

    def is_mapped(self, addr: int) -> bool:
        return (addr >> PAGE_SHIFT) in self.pages

    # --- bytes -------------------------------------------------------------------------------------------
    def read_bytes(self, addr: int, size: int, cause: int = LOAD_ACCESS_FAULT) -> bytes:
        out = bytearray()
        while size:
            page = self.pages.get(addr >> PAGE_SHIFT)
            if page is None:
                raise Trap(cause, addr)
            offset = addr & (PAGE - 1)
            chunk = min(size, PAGE - offset)
            out += page[offset : offset + chunk]
            addr += chunk
            size -= chunk
        return bytes(out)

    def write_bytes(self, addr: int, data: bytes) -> None:
        view = memoryview(bytes(data))
        while view:
            page = self.pages.get(addr >> PAGE_SHIFT)
            if page is None:
                raise Trap(STORE_ACCESS_FAULT, addr)
            offset = addr & (PAGE - 1)
            chunk = min(len(view), PAGE - offset)
            page[offset : offset + chunk] = view[:chunk]
            addr += chunk
            view = view[chunk:]

    def read_cstring(self, addr: int, limit: int = 1 << 16) -> bytes:
        out = bytearray()
        while len(out) < limit:
            byte = self.read_bytes(addr + len(out), 1)
            if byte == b"\0":
                break
            out += byte
        return bytes(out)

    # --- the hart's interface: little-endian unsigned loads, stores, instruction fetch ---------------------
    def load(self, addr: int, size: int) -> int:
        page = self.pages.get(addr >> PAGE_SHIFT)
        offset = addr & (PAGE - 1)
        if page is not None and offset + size <= PAGE:
            return UNPACK[size](page, offset)[0]
        return int.from_bytes(self.read_bytes(addr, size), "little")

    def store(self, addr: int, size: int, value: int) -> None:
        page = self.pages.get(addr >> PAGE_SHIFT)
        offset = addr & (PAGE - 1)
        if page is not None and offset + size <= PAGE:
            PACK[size](page, offset, value & ((1 << (8 * size)) - 1))
        else:
            self.write_bytes(addr, (value & ((1 << (8 * size)) - 1)).to_bytes(size, "little"))

    def fetch(self, addr: int) -> int:
        """The instruction word at addr: 16 bits for a compressed instruction, else 32."""
        page = self.pages.get(addr >> PAGE_SHIFT)
        offset = addr & (PAGE - 1)
        if page is not None and offset + 4 <= PAGE:
            word = UNPACK_WORD(page, offset)[0]
        else:
            low = int.from_bytes(self.read_bytes(addr, 2, INSN_ACCESS_FAULT), "little")
            if low & 3 != 3:
                return low
            word = low | int.from_bytes(self.read_bytes(addr + 2, 2, INSN_ACCESS_FAULT), "little") << 16
        return word if word & 3 == 3 else word & 0xFFFF
