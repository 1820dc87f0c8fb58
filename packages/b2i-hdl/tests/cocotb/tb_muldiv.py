"""cocotb bench of b2i_muldiv: the iterative unit against rv_model.muldiv, incl. division by zero and overflow."""

import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import ClockCycles, RisingEdge
from rv_model import EDGE_VALUES, muldiv

OPS = ["mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"]
WORD_OPS = {"mul", "div", "divu", "rem", "remu"}


@cocotb.test()
async def muldiv_matches_model(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value = 1
    dut.start.value = 0
    dut.kill.value = 0
    await ClockCycles(dut.clk, 2)
    dut.rst.value = 0
    rng = random.Random(7)
    specials = [0, 1, (1 << 64) - 1, 1 << 63, 0xFFFF_FFFF_8000_0000, 0x8000_0000]
    cases = [(op, a, b, w) for op in OPS for w in (False, True) if not w or op in WORD_OPS
             for a in specials for b in specials]
    for _ in range(150):
        op = rng.choice(OPS)
        word = op in WORD_OPS and rng.random() < 0.4
        cases.append((op, rng.choice([rng.getrandbits(64), rng.choice(EDGE_VALUES)]),
                      rng.choice([rng.getrandbits(64), rng.getrandbits(5), rng.choice(EDGE_VALUES)]), word))
    for op, a, b, word in cases:
        await RisingEdge(dut.clk)
        dut.op.value = OPS.index(op)
        dut.word.value = int(word)
        dut.a.value = a
        dut.b.value = b
        dut.start.value = 1
        cycles = 0
        while dut.done.value != 1 and cycles < 100:
            await RisingEdge(dut.clk)
            cycles += 1
        assert dut.done.value == 1, "no result"
        got = dut.result.value.to_unsigned()
        assert got == muldiv(op, a, b, word), f"{op}{'w' if word else ''} {a:#x} {b:#x}: {got:#x}"
        dut.start.value = 0
        dut.kill.value = 1      # the pipeline takes the result
        await RisingEdge(dut.clk)
        dut.kill.value = 0
