"""cocotb bench of b2i_regfile: random writes and reads against a dict; x0 stays zero; write-through reads."""

import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, Timer


@cocotb.test()
async def regfile_matches_model(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    rng = random.Random(3)
    model = {n: 0 for n in range(32)}
    for _ in range(600):
        await FallingEdge(dut.clk)
        we, waddr, wdata = rng.random() < 0.7, rng.randrange(32), rng.getrandbits(64)
        r1, r2 = rng.randrange(32), rng.choice([waddr, rng.randrange(32)])
        dut.we.value, dut.waddr.value, dut.wdata.value = int(we), waddr, wdata
        dut.raddr1.value, dut.raddr2.value = r1, r2
        await Timer(1, unit="ns")
        for addr, port in ((r1, dut.rdata1), (r2, dut.rdata2)):
            expected = wdata if (we and addr == waddr and addr != 0) else model[addr]
            assert port.value.to_unsigned() == expected, f"x{addr}"
        if we and waddr != 0:
            model[waddr] = wdata
    assert model[0] == 0
