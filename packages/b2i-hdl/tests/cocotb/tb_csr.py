"""cocotb bench of b2i_csr: reads and writes with their WARL rules, access checks, trap entry, delegation, xRET."""

import cocotb
from cocotb.clock import Clock
from cocotb.triggers import FallingEdge, RisingEdge, Timer

MSTATUS, MISA, MEDELEG, MIE, MTVEC, MSCRATCH, MEPC, MCAUSE, MTVAL, MIP = (
    0x300, 0x301, 0x302, 0x304, 0x305, 0x340, 0x341, 0x342, 0x343, 0x344)
SSTATUS, STVEC, SEPC, SCAUSE, SATP, CYCLE, MHARTID = 0x100, 0x105, 0x141, 0x142, 0x180, 0xC00, 0xF14
CSRRW, CSRRS, CSRRC = 1, 2, 3


async def access(dut, addr, op=CSRRS, value=0, commit=True):
    """One CSR instruction: returns (old value, illegal)."""
    await FallingEdge(dut.clk)
    dut.addr.value, dut.op.value, dut.wsrc.value = addr, op, value
    dut.src_is_zero.value = int(value == 0 and op != CSRRW)
    await Timer(1, unit="ns")
    old, illegal = dut.rdata.value.to_unsigned(), bool(dut.illegal.value)
    dut.commit.value = int(commit)
    await RisingEdge(dut.clk)
    await Timer(1, unit="ns")
    dut.commit.value = 0
    return old, illegal


async def pulse(dut, signal, **values):
    await FallingEdge(dut.clk)
    for name, value in values.items():
        getattr(dut, name).value = value
    signal.value = 1
    await Timer(1, unit="ns")
    target = dut.trap_target.value.to_unsigned()
    await RisingEdge(dut.clk)
    await Timer(1, unit="ns")
    signal.value = 0
    return target


@cocotb.test()
async def csr_file_behaves_as_the_privileged_spec(dut):
    cocotb.start_soon(Clock(dut.clk, 10, unit="ns").start())
    for name in ("mtip", "msip", "meip", "seip", "retire", "commit", "trap_take", "trap_is_irq", "mret_take",
                 "sret_take", "trap_code", "trap_tval", "trap_pc", "mtime", "addr", "op", "wsrc", "src_is_zero"):
        getattr(dut, name).value = 0
    dut.rst.value = 1
    await RisingEdge(dut.clk)
    await RisingEdge(dut.clk)
    dut.rst.value = 0

    misa, _ = await access(dut, MISA)
    assert misa >> 62 == 2 and all(misa >> (ord(c) - ord("A")) & 1 for c in "IMASU")
    await access(dut, MSCRATCH, CSRRW, 0x1234_5678_9ABC_DEF0)
    assert (await access(dut, MSCRATCH))[0] == 0x1234_5678_9ABC_DEF0
    await access(dut, MSCRATCH, CSRRC, 0xF0)
    assert (await access(dut, MSCRATCH))[0] == 0x1234_5678_9ABC_DE00
    # mstatus: MPP is WARL (2 is not a mode), UXL/SXL read 64-bit; sstatus is a view
    await access(dut, MSTATUS, CSRRW, 0x1000 | 0x2 | 0x8)
    mstatus = (await access(dut, MSTATUS))[0]
    assert (mstatus >> 11) & 3 == 0 and mstatus & 0xA == 0xA and (mstatus >> 32) & 0xF == 0xA
    assert (await access(dut, SSTATUS))[0] == mstatus & 0x8000_0003_000D_E762
    # read-only CSRs reject writes; unknown CSRs are illegal; satp keeps only Bare without an MMU
    assert (await access(dut, MHARTID, CSRRW, 1, commit=False))[1]
    assert (await access(dut, 0x7FF, commit=False))[1]
    await access(dut, SATP, CSRRW, (8 << 60) | 0x1234)
    assert (await access(dut, SATP))[0] == 0

    # an exception in M: mepc/mcause/mtval, MPP=M, MIE->MPIE, direct mode target
    await access(dut, MTVEC, CSRRW, 0x8000_0101)   # vectored
    await access(dut, STVEC, CSRRW, 0x8000_0200)
    target = await pulse(dut, dut.trap_take, trap_code=2, trap_tval=0xBAD, trap_pc=0x8000_0040)
    assert target == 0x8000_0100
    assert [(await access(dut, a))[0] for a in (MEPC, MCAUSE, MTVAL)] == [0x8000_0040, 2, 0xBAD]
    mstatus = (await access(dut, MSTATUS))[0]
    assert (mstatus >> 11) & 3 == 3 and (mstatus >> 7) & 1 == 1 and (mstatus >> 3) & 1 == 0
    # mret to U (MPP=0): then M CSRs are out of reach
    await access(dut, MSTATUS, CSRRC, 0x1800)
    await pulse(dut, dut.mret_take)
    assert dut.priv.value == 0
    assert (await access(dut, MSCRATCH, commit=False))[1]
    assert (await access(dut, CYCLE, commit=False))[1]           # mcounteren is 0
    # an ecall from U delegated to S lands at stvec, in S
    await pulse(dut, dut.trap_take, trap_code=8, trap_pc=0x8000_0080)  # not delegated yet: goes to M
    assert dut.priv.value == 3
    await access(dut, MEDELEG, CSRRW, 1 << 8)
    await pulse(dut, dut.mret_take)                                  # MPP was U
    target = await pulse(dut, dut.trap_take, trap_code=8, trap_pc=0x8000_00C0)
    assert target == 0x8000_0200 and dut.priv.value == 1
    assert [(await access(dut, a))[0] for a in (SEPC, SCAUSE)] == [0x8000_00C0, 8]
    # interrupts: MTIP pending and enabled in S-mode is taken (M interrupts are always on below M)
    await access(dut, MIE, CSRRW, 1 << 7, commit=False)  # S cannot write mie
    assert not dut.irq_pending.value
    dut.mtip.value = 1
    await Timer(1, unit="ns")
    assert not dut.irq_pending.value                                 # MTIE is 0
    await pulse(dut, dut.sret_take)                                  # back to U
    target = await pulse(dut, dut.trap_take, trap_code=2, trap_pc=0x8000_0100)   # illegal: to M
    await access(dut, MIE, CSRRW, 1 << 7)
    await Timer(1, unit="ns")
    assert not dut.irq_pending.value                                 # in M with MIE clear
    await access(dut, MSTATUS, CSRRS, 0x8)
    await Timer(1, unit="ns")
    assert dut.irq_pending.value and dut.irq_code.value == 7
    target = await pulse(dut, dut.trap_take, trap_is_irq=1, trap_code=7, trap_pc=0x8000_0200)
    assert target == 0x8000_0100 + 4 * 7                             # vectored
    assert (await access(dut, MCAUSE))[0] == (1 << 63) | 7
    mip = (await access(dut, MIP))[0]
    assert mip & (1 << 7)
