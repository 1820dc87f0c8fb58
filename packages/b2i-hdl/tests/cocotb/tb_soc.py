"""cocotb bench of the whole SoC: a program (loaded by $readmemh) waits for the external interrupt line (PLIC
source 1), which this bench raises; the handler reports mcause and the claimed source over the UART, and the
program ends through the test device."""

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge


@cocotb.test()
async def external_interrupt_reaches_the_program(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.ext_irq.value, dut.uart_rx_valid.value, dut.uart_rx_byte.value = 1, 0, 0, 0
    await ClockCycles(dut.clk, 3)
    dut.rst.value = 0
    uart = bytearray()
    for _ in range(20_000):
        await RisingEdge(dut.clk)
        if dut.uart_tx_valid.value == 1:
            uart.append(dut.uart_tx_byte.value.to_unsigned())
            if uart == b"w":
                await ClockCycles(dut.clk, 50)   # the program spins with interrupts enabled...
                dut.ext_irq.value = 1            # ...until the line rises
            if uart == b"wEb1":
                dut.ext_irq.value = 0            # the handler has seen it: the device drops its request
        if dut.finished.value == 1:
            break
    assert dut.finished.value == 1 and dut.exit_code.value == 0
    assert uart == b"wEb11"   # mcause = interrupt | 11 (machine external), then the PLIC source: 1
