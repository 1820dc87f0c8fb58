"""cocotb bench of b2i_clint through its bus port: mtime counts, mtimecmp raises mtip, msip, byte strobes."""

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge, Timer


async def bus(dut, offset, we=0, wdata=0, wstrb=0xFF):
    await FallingEdge(dut.clk)
    dut.valid.value, dut.we.value, dut.offset.value, dut.wdata.value, dut.wstrb.value = 1, we, offset, wdata, wstrb
    await Timer(1, unit="ns")
    value = dut.rdata.value.to_unsigned()
    await RisingEdge(dut.clk)
    await Timer(1, unit="ns")
    dut.valid.value = 0
    return value


@cocotb.test()
async def clint_timer_and_software_interrupt(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.valid.value = 1, 0
    await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    dut.rst.value = 0
    assert dut.mtip.value == 0 and await bus(dut, 0x4000) == (1 << 64) - 1
    t0 = await bus(dut, 0xBFF8)
    t1 = await bus(dut, 0xBFF8)
    assert t1 > t0
    await bus(dut, 0x4000, we=1, wdata=t1 + 20)
    await Timer(1, unit="ns")
    assert dut.mtip.value == 0
    for _ in range(25):
        await RisingEdge(dut.clk)
    await Timer(1, unit="ns")
    assert dut.mtip.value == 1
    await bus(dut, 0x4000, we=1, wdata=0xFFFF_FFFF_0000_0000, wstrb=0xF0)   # high word only
    assert await bus(dut, 0x4000) == 0xFFFF_FFFF_0000_0000 | ((t1 + 20) & 0xFFFF_FFFF)
    await Timer(1, unit="ns")
    assert dut.mtip.value == 0
    await bus(dut, 0, we=1, wdata=1, wstrb=0x0F)
    assert dut.msip.value == 1 and await bus(dut, 0) == 1
    await bus(dut, 0, we=1, wdata=0, wstrb=0x0F)
    assert dut.msip.value == 0
