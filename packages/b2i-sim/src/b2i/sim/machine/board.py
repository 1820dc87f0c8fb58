"""The b2i machine of stack.md section 2: one hart, RAM at 0x8000_0000, CLINT, PLIC, UART and the test device.

The board builds the bus (physical addresses -> RAM or a device), puts the MMU between the hart and the bus,
and wires device interrupt lines into mip. Boot state: M mode at the ELF's entry, a0 = hart id 0, a1 = 0
(no device tree), mstatus.FS off as on QEMU.
"""

from collections.abc import Callable

from b2i.sim.isa import CSRS
from b2i.sim.machine.clint import Clint
from b2i.sim.machine.csr import MIP_MTIP
from b2i.sim.machine.finisher import Finisher
from b2i.sim.machine.hart import Hart
from b2i.sim.machine.loader import Image, LoadError
from b2i.sim.machine.memmap import (
    CLINT_BASE,
    CLINT_SIZE,
    PLIC_BASE,
    PLIC_SIZE,
    RAM_BASE,
    RAM_SIZE_DEFAULT,
    TEST_BASE,
    TEST_SIZE,
    UART_BASE,
    UART_IRQ,
    UART_SIZE,
)
from b2i.sim.machine.memory import PACK, UNPACK
from b2i.sim.machine.mmu import FETCH, LOAD, STORE, Mmu
from b2i.sim.machine.plic import Plic
from b2i.sim.machine.trap import (
    INSN_ACCESS_FAULT,
    LOAD_ACCESS_FAULT,
    STORE_ACCESS_FAULT,
    GuestFault,
    Trap,
)
from b2i.sim.machine.uart import Uart16550

ACCESS_FAULT = {FETCH: INSN_ACCESS_FAULT, LOAD: LOAD_ACCESS_FAULT, STORE: STORE_ACCESS_FAULT}


class Board:
    """The whole machine: RAM, devices, the bus between them and one hart behind an MMU."""

    def __init__(self, ram_size: int | None = None, uart_input: bytes | Callable[[], bytes] = b"",
                 uart_output: Callable[[bytes], None] = lambda data: None,
                 wait_input: Callable[[], bool] | None = None) -> None:
        """uart_input: bytes queued for the UART, or a function returning newly available bytes;
        wait_input: blocks until input may be available (False at end of input), for wfi."""
        self.wait_input = wait_input
        self.ram_size = ram_size or RAM_SIZE_DEFAULT
        self.ram = bytearray(self.ram_size)
        self.hart = h = Hart(system=True)
        if isinstance(uart_input, bytes):
            queued = [uart_input]

            def take_input() -> bytes:
                data, queued[0] = queued[0], b""
                return data

            self.input_source = take_input
        else:
            self.input_source = uart_input
        self.clint = Clint(h)
        self.uart = Uart16550(uart_output, self.input_source)
        self.plic = Plic({UART_IRQ: self.uart.irq})
        self.devices = [(TEST_BASE, TEST_SIZE, Finisher()), (CLINT_BASE, CLINT_SIZE, self.clint),
                        (PLIC_BASE, PLIC_SIZE, self.plic), (UART_BASE, UART_SIZE, self.uart)]
        self.mmu = Mmu(h, self.phys_load, self.phys_store)
        h.load, h.store, h.fetch = self.load, self.store, self.fetch
        h.flush_tlb = self.mmu.flush
        h.device_interrupts = lambda: self.clint.pending() | self.plic.pending()
        h.idle = self.idle
        h.pc = RAM_BASE

    def load_image(self, image: Image) -> None:
        """Copy the segments into RAM and point the hart at the entry; LoadError if one lies outside RAM.

        A segment may start below RAM when the linker mapped the ELF headers in front of the text at
        0x8000_0000 (as `-Ttext` does); that part is skipped, as QEMU does.
        """
        ram_end = RAM_BASE + self.ram_size
        for seg in image.segments:
            end = seg.vaddr + seg.memsize
            if seg.memsize and not (RAM_BASE < end <= ram_end):
                raise LoadError(f"segment at 0x{seg.vaddr:x} (0x{seg.memsize:x} bytes) lies outside RAM "
                                f"(0x{RAM_BASE:x}..0x{ram_end:x}); link it with -Ttext=0x80000000")
            skip = max(0, RAM_BASE - seg.vaddr)
            data = seg.data[skip:]
            start = seg.vaddr + skip - RAM_BASE
            self.ram[start : start + len(data)] = data
        self.hart.pc = image.entry

    # ---- physical accesses ---------------------------------------------------------------------------------
    def _device(self, paddr: int, size: int):
        for base, span, device in self.devices:
            if base <= paddr and paddr + size <= base + span:
                return device, paddr - base
        return None, 0

    def phys_load(self, paddr: int, size: int, access: int = LOAD, vaddr: int | None = None) -> int:
        offset = paddr - RAM_BASE
        if 0 <= offset and offset + size <= self.ram_size:
            return UNPACK[size](self.ram, offset)[0]
        device, offset = self._device(paddr, size)
        if device is None:
            raise Trap(ACCESS_FAULT[access], paddr if vaddr is None else vaddr)
        return device.read(offset, size)

    def phys_store(self, paddr: int, size: int, value: int, vaddr: int | None = None) -> None:
        offset = paddr - RAM_BASE
        value &= (1 << (8 * size)) - 1
        if 0 <= offset and offset + size <= self.ram_size:
            PACK[size](self.ram, offset, value)
            return
        device, offset = self._device(paddr, size)
        if device is None:
            raise Trap(STORE_ACCESS_FAULT, paddr if vaddr is None else vaddr)
        device.write(offset, size, value)

    # ---- virtual accesses (the hart's view) ----------------------------------------------------------------
    def load(self, vaddr: int, size: int) -> int:
        if (vaddr & 0xFFF) + size > 0x1000:  # crosses a page: byte by byte
            return sum(self.load(vaddr + i, 1) << (8 * i) for i in range(size))
        return self.phys_load(self.mmu.translate(vaddr, LOAD), size, LOAD, vaddr)

    def store(self, vaddr: int, size: int, value: int) -> None:
        if (vaddr & 0xFFF) + size > 0x1000:
            paddrs = [self.mmu.translate(vaddr + i, STORE) for i in range(size)]  # fault before any write
            for i, paddr in enumerate(paddrs):
                self.phys_store(paddr, 1, value >> (8 * i), vaddr + i)
            return
        self.phys_store(self.mmu.translate(vaddr, STORE), size, value, vaddr)

    def fetch(self, vaddr: int) -> int:
        low = self.phys_load(self.mmu.translate(vaddr, FETCH), 2, FETCH, vaddr)
        if low & 3 != 3:
            return low
        return low | self.phys_load(self.mmu.translate(vaddr + 2, FETCH), 2, FETCH, vaddr + 2) << 16

    # ---- waiting -----------------------------------------------------------------------------------------
    def idle(self) -> None:
        """wfi with nothing pending: let time pass to the timer, or wait for input; fault if nothing can come."""
        if self.hart.csr[CSRS["mie"]] & MIP_MTIP and self.clint.skip_to_timer():
            return
        if self.uart.ier & 1 and (self.uart.irq() or (self.wait_input is not None and self.wait_input())):
            return
        raise GuestFault(f"pc 0x{self.hart.pc:x}: wfi waits for an interrupt that can never arrive")
