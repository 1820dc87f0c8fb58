"""cocotb bench of b2i_decoder against b2i-sim's ISA table (the project's one source of instruction encodings).

Every encoding the table knows is decoded with random fields, and random words besides: the decoder must call
exactly the RV64IMA + Zicsr + Zifencei + privileged instructions legal, and agree on which register is written.
"""

import random

import cocotb
from b2i.sim import isa
from cocotb.triggers import Timer

SUPPORTED = {"I", "M", "A", "Zicsr", "Zifencei", "Priv"}
OPCODES = [0x37, 0x17, 0x6F, 0x67, 0x63, 0x03, 0x23, 0x13, 0x1B, 0x33, 0x3B, 0x0F, 0x2F, 0x73, 0x07, 0x27, 0x53]


def expected(word: int):
    decoded = isa.decode(word)
    if decoded is None or decoded.op.ext not in SUPPORTED or decoded.op.size != 4:
        return None
    return decoded


@cocotb.test()
async def decoder_agrees_with_isa_table(dut):
    rng = random.Random(11)
    words = []
    for op in isa.OPS:
        if op.size == 4:
            for _ in range(12):
                words.append(op.match | (rng.getrandbits(32) & ~op.mask & 0xFFFF_FFFF))
    words += [(rng.getrandbits(25) << 7) | rng.choice(OPCODES) for _ in range(3000)]
    words += [rng.getrandbits(32) | 3 for _ in range(500)]
    checked = 0
    for word in words:
        dut.instr.value = word
        await Timer(1, unit="ns")
        want = expected(word)
        assert dut.illegal.value == (want is None), f"{word:#010x}: illegal={dut.illegal.value}, table {want}"
        if want is None:
            continue
        name = want.op.name
        writes = "rd" in want.op.operands and want.fields.get("rd", 0) != 0
        assert dut.writes_rd.value == writes, f"{word:#010x} {name}: writes_rd"
        assert dut.is_load.value == (name in ("lb", "lh", "lw", "ld", "lbu", "lhu", "lwu")), name
        assert dut.is_store.value == (name in ("sb", "sh", "sw", "sd")), name
        assert dut.is_muldiv.value == (want.op.ext == "M"), name
        assert dut.is_amo.value == (want.op.ext == "A"), name
        assert dut.is_csr.value == (want.op.ext == "Zicsr"), name
        assert dut.is_branch.value == (want.op.fmt == "B"), name
        checked += 1
    assert checked > 1000
