"""cocotb bench of b2i_ptw against b2i-sim's Sv39 walker (b2i.sim.machine.mmu): random page tables, addresses,
access kinds, privileges, SUM and MXR; the same physical address or fault, and the same A/D writes to memory."""

import random

import cocotb
from b2i.sim.machine.mmu import Mmu
from b2i.sim.machine.trap import Trap
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge, Timer

ROOT = 0x80000  # page numbers of the tables
SUM, MXR = 1 << 18, 1 << 19
LEAF_FLAGS = [0x0F, 0x0B, 0x07, 0x03, 0x09, 0x1F, 0x1B, 0x17, 0x13, 0x19, 0xCF, 0x4B, 0x05, 0x00]


class Hart:
    """The few hart fields the reference walker reads."""

    def __init__(self, mstatus, priv):
        self.mstatus, self.priv, self.satp = mstatus, priv, (8 << 60) | ROOT


def random_tables(rng):
    """Three levels of tables, each entry invalid, a pointer down, or a leaf (some superpages misaligned)."""
    memory = {}
    tables = [ROOT, ROOT + 1, ROOT + 2]
    for depth, table in enumerate(tables):
        for index in range(512):
            kind = rng.random()
            if depth < 2 and kind < 0.3:
                pte = (tables[depth + 1] << 10) | 0x01
            elif kind < 0.85:
                ppn = rng.getrandbits(20) << rng.choice([0, 0, 9, 18])
                pte = (ppn << 10) | rng.choice(LEAF_FLAGS)
            else:
                pte = rng.getrandbits(10) & ~1
            memory[(table << 12) + 8 * index] = pte
    return memory


@cocotb.test()
async def walker_matches_reference(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.kill.value, dut.start.value, dut.mem_ready.value, dut.mem_err.value = 1, 0, 0, 1, 0
    dut.root_ppn.value = ROOT
    await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    dut.rst.value = 0
    rng = random.Random(17)
    outcomes = set()
    memory = random_tables(rng)
    for _ in range(250):
        if rng.random() < 0.1:
            memory = random_tables(rng)
        va = rng.choice([rng.getrandbits(39), rng.getrandbits(30), (1 << 30) | rng.getrandbits(21),
                         rng.getrandbits(64)])
        if rng.random() < 0.9 and va >> 38 & 1:
            va |= ((1 << 25) - 1) << 39          # mostly canonical
        access, priv = rng.randrange(3), rng.randrange(2)
        mstatus = (SUM if rng.random() < 0.5 else 0) | (MXR if rng.random() < 0.5 else 0)
        reference_memory = dict(memory)
        mmu = Mmu(Hart(mstatus, priv), lambda a, n, m=reference_memory: m.get(a, 0),
                  lambda a, n, v, m=reference_memory: m.__setitem__(a, v))
        try:
            want = ("pa", mmu.walk(va, access, priv))
        except Trap as trap:
            want = ("fault", trap.cause)

        dut.va.value, dut.access.value, dut.priv.value = va, access, priv
        dut.sum.value, dut.mxr.value = int(bool(mstatus & SUM)), int(bool(mstatus & MXR))
        dut.start.value = 1
        await RisingEdge(dut.clk)
        await FallingEdge(dut.clk)
        dut.start.value = 0
        for _ in range(20):
            if dut.mem_valid.value == 1:
                address = dut.mem_addr.value.to_unsigned()
                if dut.mem_we.value == 1:
                    memory[address] = dut.mem_wdata.value.to_unsigned()
                dut.mem_rdata.value = memory.get(address, 0)
            await Timer(1, unit="ns")
            if dut.done.value == 1:
                break
            await RisingEdge(dut.clk)
            await FallingEdge(dut.clk)
        assert dut.done.value == 1, f"walk of {va:#x} did not finish"
        if dut.fault.value == 1:
            got = ("fault", (12, 13, 15)[access])
        else:
            shift = 12 + 9 * dut.result_level.value.to_unsigned()
            ppn = dut.result_ppn.value.to_unsigned()
            got = ("pa", ((ppn << 12) & ~((1 << shift) - 1)) | (va & ((1 << shift) - 1)))
        assert got == want, f"va {va:#x} access {access} priv {priv} mstatus {mstatus:#x}"
        assert memory == reference_memory, f"A/D bits after va {va:#x}"
        outcomes.add(got[0])
        await RisingEdge(dut.clk)
        await FallingEdge(dut.clk)
    assert outcomes == {"pa", "fault"}
