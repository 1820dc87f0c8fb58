"""cocotb bench of b2i_uart: THR writes go out, LSR says ready, DLAB switches to the divisor latches, RBR reads
pop received bytes."""

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge, Timer


async def write(dut, offset, value):
    await FallingEdge(dut.clk)
    dut.valid.value, dut.we.value, dut.offset.value, dut.wdata.value = 1, 1, offset, value
    await Timer(1, unit="ns")
    sent = int(dut.tx_valid.value), dut.tx_byte.value.to_unsigned()
    await RisingEdge(dut.clk)
    dut.valid.value = 0
    return sent


async def read(dut, offset):
    await FallingEdge(dut.clk)
    dut.valid.value, dut.we.value, dut.offset.value = 1, 0, offset
    await Timer(1, unit="ns")
    value = dut.rdata.value.to_unsigned()
    dut.valid.value = 0
    return value


@cocotb.test()
async def uart_transmits_and_reports_ready(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.valid.value, dut.we.value, dut.rx_valid.value, dut.rx_byte.value = 1, 0, 0, 0, 0
    await RisingEdge(dut.clk)
    dut.rst.value = 0
    sent = [await write(dut, 0, b) for b in b"b2i\n"]
    assert sent == [(1, b) for b in b"b2i\n"]
    assert await read(dut, 5) & 0x60 == 0x60
    await write(dut, 7, 0xA5)
    assert await read(dut, 7) == 0xA5
    await write(dut, 3, 0x83)                       # DLAB=1, 8N1
    assert await write(dut, 0, 0x0C) == (0, 0x0C)   # divisor latch, not transmitted
    assert await read(dut, 0) == 0x0C
    await write(dut, 3, 0x03)
    assert await read(dut, 3) == 0x03 and (await write(dut, 0, 0x41))[0] == 1
    # receiving: LSR.DR shows a waiting byte; reading RBR returns it and pops it
    assert await read(dut, 5) & 1 == 0 and await read(dut, 0) == 0 and dut.rx_pop.value == 0
    dut.rx_valid.value, dut.rx_byte.value = 1, ord("q")
    assert await read(dut, 5) & 1 == 1
    await FallingEdge(dut.clk)
    dut.valid.value, dut.we.value, dut.offset.value = 1, 0, 0
    await Timer(1, unit="ns")
    assert dut.rdata.value.to_unsigned() == ord("q") and dut.rx_pop.value == 1
    dut.valid.value = 0
