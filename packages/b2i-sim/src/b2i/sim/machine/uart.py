"""A 16550 UART with byte registers at UART_BASE: the console. Output goes out at once; input is queued.

Transmit is instantaneous, so the line status always says "transmitter empty". The interrupt line (to the
PLIC, source UART_IRQ) is high while received data waits with IER.ERBFI set, or while IER.ETBEI is set and
the "transmitter empty" interrupt has not been acknowledged by reading IIR.
"""

from collections.abc import Callable

RBR_THR, IER, IIR_FCR, LCR, MCR, LSR, MSR, SCR = range(8)
LSR_DR, LSR_THRE, LSR_TEMT = 0x01, 0x20, 0x40
IER_RX, IER_TX = 0x01, 0x02
LCR_DLAB = 0x80
IIR_NONE, IIR_TX, IIR_RX, IIR_FIFO = 0x01, 0x02, 0x04, 0xC0


class Uart16550:
    """The register file of a 16550 with instant transmit and a receive queue fed by `input_source`."""

    def __init__(self, output: Callable[[bytes], None], input_source: Callable[[], bytes] | None = None):
        self.output = output
        self.input_source = input_source  # returns newly available input bytes (b"" if none)
        self.rx = bytearray()
        self.ier = self.lcr = self.mcr = self.scr = self.fcr = 0
        self.divisor = 0
        self.tx_interrupt = False

    def _poll_input(self) -> None:
        if not self.rx and self.input_source is not None:
            self.rx += self.input_source()

    def irq(self) -> bool:
        if self.ier & IER_RX:
            self._poll_input()
            if self.rx:
                return True
        return bool(self.ier & IER_TX and self.tx_interrupt)

    def read(self, offset: int, size: int) -> int:
        if self.lcr & LCR_DLAB and offset in (RBR_THR, IER):
            return (self.divisor >> (8 * offset)) & 0xFF
        if offset == RBR_THR:
            self._poll_input()
            if self.rx:
                byte = self.rx[0]
                del self.rx[0]
                return byte
            return 0
        if offset == IER:
            return self.ier
        if offset == IIR_FCR:
            fifo = IIR_FIFO if self.fcr & 1 else 0
            self._poll_input()
            if self.ier & IER_RX and self.rx:
                return fifo | IIR_RX
            if self.ier & IER_TX and self.tx_interrupt:
                self.tx_interrupt = False  # reading IIR acknowledges "transmitter empty"
                return fifo | IIR_TX
            return fifo | IIR_NONE
        if offset == LCR:
            return self.lcr
        if offset == MCR:
            return self.mcr
        if offset == LSR:
            self._poll_input()
            return LSR_THRE | LSR_TEMT | (LSR_DR if self.rx else 0)
        if offset == MSR:
            return 0xB0  # DCD, DSR, CTS: a terminal is always there
        if offset == SCR:
            return self.scr
        return 0

    def write(self, offset: int, size: int, value: int) -> None:
        value &= 0xFF
        if self.lcr & LCR_DLAB and offset in (RBR_THR, IER):
            shift = 8 * offset
            self.divisor = (self.divisor & ~(0xFF << shift)) | (value << shift)
        elif offset == RBR_THR:
            self.output(bytes([value]))
            self.tx_interrupt = True
        elif offset == IER:
            if value & IER_TX and not self.ier & IER_TX:
                self.tx_interrupt = True
            self.ier = value & 0x0F
        elif offset == IIR_FCR:
            self.fcr = value
            if value & 2:
                self.rx.clear()
        elif offset == LCR:
            self.lcr = value
        elif offset == MCR:
            self.mcr = value
        elif offset == SCR:
            self.scr = value
