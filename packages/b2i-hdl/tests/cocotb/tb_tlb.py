"""cocotb bench of b2i_tlb: refills of 4 KiB, 2 MiB and 1 GiB pages, lookups on both ports, replacement, flush."""

import random

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge, Timer

OFFSET_BITS = {0: 12, 1: 21, 2: 30}


def expected(entries, va):
    """(hit, pa, flags) from a list of live (va, ppn, level, flags) entries, as Sv39 defines translation."""
    for entry_va, ppn, level, flags in entries:
        shift = OFFSET_BITS[level]
        if (va >> shift) & ((1 << (39 - shift)) - 1) == (entry_va >> shift) & ((1 << (39 - shift)) - 1):
            return True, ((ppn << 12) & ~((1 << shift) - 1)) | (va & ((1 << shift) - 1)), flags
    return False, None, None


async def check(dut, entries, va_a, va_b):
    dut.va_a.value, dut.va_b.value = va_a, va_b
    await Timer(1, unit="ns")
    for va, hit, pa, flags in ((va_a, dut.hit_a, dut.pa_a, dut.flags_a), (va_b, dut.hit_b, dut.pa_b, dut.flags_b)):
        want = expected(entries, va)
        assert bool(hit.value) == want[0], f"va {va:#x}"
        if want[0]:
            assert (pa.value.to_unsigned(), flags.value.to_unsigned()) == want[1:], f"va {va:#x}"


@cocotb.test()
async def tlb_translates_like_sv39(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    dut.rst.value, dut.flush.value, dut.fill.value = 1, 0, 0
    await RisingEdge(dut.clk)
    await FallingEdge(dut.clk)
    dut.rst.value = 0
    rng = random.Random(13)
    checks = 0
    entries: list = []          # newest last; the TLB holds 8 and replaces round-robin (oldest first here)
    for step in range(120):
        level = rng.choice([0, 0, 1, 2])
        # distinct pages: a random VPN per level, so no two live entries overlap
        va = rng.getrandbits(39) & ~((1 << OFFSET_BITS[level]) - 1)
        if expected(entries, va)[0] or any(expected([(va, 0, level, 0)], e[0])[0] for e in entries):
            continue
        ppn, flags = rng.getrandbits(44), rng.getrandbits(8) | 1
        dut.fill.value, dut.fill_va.value, dut.fill_ppn.value = 1, va, ppn
        dut.fill_level.value, dut.fill_flags.value = level, flags
        await RisingEdge(dut.clk)
        await FallingEdge(dut.clk)
        dut.fill.value = 0
        entries.append((va, ppn, level, flags))
        entries = entries[-8:]
        for _ in range(4):
            known = rng.choice(entries)
            inside = known[0] | rng.getrandbits(OFFSET_BITS[known[2]])
            await check(dut, entries, inside, rng.getrandbits(39))
            checks += 1
        if step % 40 == 39:
            dut.flush.value = 1
            await RisingEdge(dut.clk)
            await FallingEdge(dut.clk)
            dut.flush.value = 0
            old, entries = entries, []
            await check(dut, entries, old[0][0], old[-1][0])
    assert checks > 300
