"""A process's memory as one flat host buffer, so translated code can index guest RAM directly.

`FlatMemory` is the reference's `PagedMemory` with every page a view into one lazily committed host mapping
that covers the whole user address space (2**38 bytes: the stack top, mmap area and brk all sit below it),
so the system calls and the reference interpreter see the very bytes native code reads and writes.
Beside it, a page map holds one byte per guest page, which native code checks before each access:

| byte | meaning | native load | native store |
|---|---|---|---|
| 0 | unmapped | exit to the reference (which faults) | exit |
| 1 | data | direct | direct |
| 2 | holds translated code | direct | exit, so the engine can drop the stale blocks first |
"""

import ctypes
import mmap
from collections.abc import Callable

from b2i.sim.machine.memory import PAGE, PAGE_SHIFT, PagedMemory

SPAN_BITS = 38
SPAN = 1 << SPAN_BITS
PAGES = SPAN >> PAGE_SHIFT
UNMAPPED, DATA, CODE = 0, 1, 2
MAP_NORESERVE = 0x4000
ZERO_PAGE = bytes(PAGE)  # Linux: commit host pages only when touched


def _reserve(size: int) -> mmap.mmap:
    return mmap.mmap(-1, size, flags=mmap.MAP_PRIVATE | mmap.MAP_ANONYMOUS | MAP_NORESERVE)


def _address(buffer: mmap.mmap) -> int:
    return ctypes.addressof(ctypes.c_char.from_buffer(buffer))


class FlatMemory(PagedMemory):
    """Pages below SPAN live in the flat buffer; any above it stay ordinary bytearrays (reference-only)."""

    def __init__(self) -> None:
        super().__init__()
        self.buffer = _reserve(SPAN)
        self.view = memoryview(self.buffer)
        self.page_map = _reserve(PAGES)
        self.base = _address(self.buffer)
        self.page_map_base = _address(self.page_map)
        self.code_pages: set[int] = set()
        self.on_code_change: Callable[[int], None] = lambda number: None  # the engine drops that page's blocks

    @classmethod
    def adopt(cls, old: PagedMemory) -> "FlatMemory":
        """A flat copy of a process's paged memory (taken right after the loader filled it)."""
        memory = cls()
        for number, page in old.pages.items():
            memory.map(number << PAGE_SHIFT, PAGE)
            if page != ZERO_PAGE:  # the flat mapping starts zeroed: most of the 8 MiB stack needs no copy
                memory.pages[number][:] = page
        return memory

    def map(self, addr: int, size: int) -> None:
        for number in range(addr >> PAGE_SHIFT, (addr + size + PAGE - 1) >> PAGE_SHIFT):
            if number in self.pages:
                continue
            if number < PAGES:
                self.pages[number] = self.view[number << PAGE_SHIFT : (number + 1) << PAGE_SHIFT]
                self.page_map[number] = DATA
            else:
                self.pages[number] = bytearray(PAGE)

    def unmap(self, addr: int, size: int) -> None:
        for number in range(addr >> PAGE_SHIFT, (addr + size + PAGE - 1) >> PAGE_SHIFT):
            page = self.pages.pop(number, None)
            if page is not None and number < PAGES:
                if number in self.code_pages:
                    self.on_code_change(number)
                self.page_map[number] = UNMAPPED
                page[:] = bytes(PAGE)  # a later map must see zeros, as a fresh bytearray would be

    # ---- pages holding translated code ----------------------------------------------------------------------
    def mark_code(self, number: int) -> None:
        self.code_pages.add(number)
        self.page_map[number] = CODE

    def unmark_code(self, number: int) -> None:
        self.code_pages.discard(number)
        if self.page_map[number] == CODE:
            self.page_map[number] = DATA

    def _check_code(self, addr: int, size: int) -> None:
        """A write by the reference or a system call into translated code drops that code first."""
        for number in {addr >> PAGE_SHIFT, (addr + size - 1) >> PAGE_SHIFT}:
            if number in self.code_pages:
                self.on_code_change(number)

    def store(self, addr: int, size: int, value: int) -> None:
        if self.code_pages:
            self._check_code(addr, size)
        super().store(addr, size, value)

    def write_bytes(self, addr: int, data: bytes) -> None:
        if self.code_pages and data:
            for number in range(addr >> PAGE_SHIFT, ((addr + len(data) - 1) >> PAGE_SHIFT) + 1):
                if number in self.code_pages:
                    self.on_code_change(number)
        super().write_bytes(addr, data)

    def close(self) -> None:
        """Give the host mapping back (the views must go first)."""
        for number in [n for n in self.pages if n < PAGES]:
            self.pages[number].release()
            del self.pages[number]
        self.view.release()
        self.buffer.close()
        self.page_map.close()
