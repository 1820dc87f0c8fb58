"""cocotb bench of b2i_plic: priorities, thresholds, per-context enables, claim/complete of level sources."""

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge, Timer

ENABLE = {0: 0x2000, 1: 0x2080}
THRESHOLD = {0: 0x200000, 1: 0x201000}
CLAIM = {0: 0x200004, 1: 0x201004}


async def access(dut, offset, value=None):
    """A 32-bit read or write at `offset`, through the 64-bit bus lanes the core would use."""
    await FallingEdge(dut.clk)
    high = offset & 4
    dut.valid.value, dut.offset.value, dut.we.value = 1, offset, int(value is not None)
    dut.wstrb.value = (0xF0 if high else 0x0F) if value is not None else 0
    dut.wdata.value = ((value or 0) << 32) if high else (value or 0)
    await Timer(1, unit="ns")
    word = dut.rdata.value.to_unsigned() >> (32 if high else 0) & 0xFFFF_FFFF
    await RisingEdge(dut.clk)
    await Timer(1, unit="ns")
    dut.valid.value = 0
    return word


@cocotb.test()
async def plic_claims_by_priority(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.valid.value, dut.sources.value = 1, 0, 0
    await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    dut.rst.value = 0
    for source, priority in ((3, 2), (10, 5), (7, 5)):
        await access(dut, 4 * source, priority)
    assert await access(dut, 4 * 10) == 5
    await access(dut, ENABLE[0], (1 << 3) | (1 << 10) | (1 << 7))
    await access(dut, ENABLE[1], 1 << 3)
    dut.sources.value = (1 << 3) | (1 << 10) | (1 << 7)
    await Timer(1, unit="ns")
    assert dut.meip.value == 1 and dut.seip.value == 1
    assert await access(dut, 0x1000) == (1 << 3) | (1 << 10) | (1 << 7)
    # context 0: the two priority-5 sources first (lower id wins a tie), then source 3
    assert await access(dut, CLAIM[0]) == 7
    assert await access(dut, CLAIM[0]) == 10
    await access(dut, THRESHOLD[0], 2)           # source 3 (priority 2) no longer above the threshold
    assert await access(dut, CLAIM[0]) == 0 and dut.meip.value == 0
    assert await access(dut, CLAIM[1]) == 3      # context 1 sees only source 3
    assert dut.seip.value == 0
    await access(dut, CLAIM[0], 7)               # complete 7: its line is still high, so it is pending again
    await Timer(1, unit="ns")
    assert dut.meip.value == 1 and await access(dut, CLAIM[0]) == 7
    dut.sources.value = 1 << 3                   # lines drop; completing does not bring them back
    await access(dut, CLAIM[0], 7)
    await access(dut, CLAIM[0], 10)
    await Timer(1, unit="ns")
    assert dut.meip.value == 0 and await access(dut, 0x1000) == 0   # 3 is still being served by context 1
    await access(dut, CLAIM[1], 3)
    assert await access(dut, 0x1000) == 1 << 3
