"""cocotb bench of b2i_alu: random and edge operands for every operation against rv_model.alu."""

import random

import cocotb
from cocotb.triggers import Timer
from rv_model import EDGE_VALUES, MASK, alu

CODES = {"add": 0, "sub": 1, "sll": 2, "slt": 3, "sltu": 4, "xor": 5, "srl": 6, "sra": 7, "or": 8, "and": 9,
         "passb": 10}
WORD_OPS = ["add", "sub", "sll", "srl", "sra"]


@cocotb.test()
async def alu_matches_model(dut):
    rng = random.Random(5)
    cases = [(op, a, b, False) for op in CODES for a in EDGE_VALUES[:8] for b in EDGE_VALUES]
    cases += [(op, a, b, True) for op in WORD_OPS for a in EDGE_VALUES[:8] for b in EDGE_VALUES]
    for _ in range(1500):
        word = rng.random() < 0.3
        op = rng.choice(WORD_OPS if word else list(CODES))
        cases.append((op, rng.getrandbits(64), rng.choice([rng.getrandbits(64), rng.getrandbits(7)]), word))
    for op, a, b, word in cases:
        dut.op.value = CODES[op]
        dut.word.value = int(word)
        dut.a.value = a
        dut.b.value = b
        await Timer(1, unit="ns")
        got = dut.y.value.to_unsigned()
        assert got == alu(op, a, b, word), f"{op}{'w' if word else ''} {a:#x} {b:#x}: {got:#x}"
    assert (MASK, len(cases)) > (0, 1000)
