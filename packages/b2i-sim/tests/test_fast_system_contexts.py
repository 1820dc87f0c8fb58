"""System mode keeps each translation context's native TLB and jump cache across traps (see b2i.sim.fast.system):
after a timer interrupt's trap and mret, the user's translations are used again without a page walk. That is
only right while no page table changed, so these programs change one under a hot loop, from the trap handler,
with no sfence.vma: the reference, whose TLB the trap and the mret clear, walks the new table after the mret, and
the fast engine must too. The handler remaps the user's data page between two physical pages and clears the
PTE's Accessed and Dirty bits (the walker sets them again), on a random subset of ticks, under a random timer
period: the fast engine runs in lockstep with the reference (registers, CSRs, RAM after every unit) and ends
with the same output. (QEMU is no oracle here: without sfence.vma it may keep using the old translation.)
"""

import pathlib
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

pytest.importorskip("llvmlite", reason="the fast engine needs the [fast] extra (llvmlite)")

from b2i.sim.fast.engine import Stats  # noqa: E402
from b2i.sim.fast.lockstep import run_machine_lockstep  # noqa: E402
from b2i.sim.fast.system import SystemEngine  # noqa: E402
from b2i.sim.fast.system import run_machine as fast_machine  # noqa: E402
from b2i.sim.machine.run import make_board  # noqa: E402
from b2i.sim.machine.run import run_machine as reference_machine  # noqa: E402
from b2i.sim.machine.trap import GuestExit  # noqa: E402

MACHINE = pathlib.Path(__file__).parent / "programs" / "machine"
RAM = 8 << 20

# U mode loops at VCODE over the words of VDATA; the M-mode timer handler counts ticks and, when the tick's bit
# in MASK is set, points VDATA's PTE at the other data page (A and D clear), without sfence.vma; so does the
# user (through VTABLE, where the level-0 table is mapped) when its counter's UMASK bits are clear. The user's
# ecall prints its sum, both data pages' words and the tick count.
PROGRAM = r"""
    .include "setup.inc"
    .equ VCODE, 0x40000000
    .equ VDATA, 0x40001000
    .equ VTABLE, 0x40002000
    .equ USER_DATA, PTE_V | PTE_R | PTE_W | PTE_U
    .option norelax
    .text
    .globl _start
_start:
    la sp, stack_top
    la t0, m_stack_top
    csrw mscratch, t0
    trap_vector mtvec, m_trap
    open_pmp
    la a0, root
    two_pages a0, level1, level0, user_code, PTE_V | PTE_R | PTE_X | PTE_U, data_a, USER_DATA
    la t1, level0                # VTABLE: the level-0 table itself, writable by the user
    pte t2, t1, USER_DATA
    sd t2, 16(t1)
    la t1, data_a                # the user's two choices of PTE for VDATA
    pte s3, t1, USER_DATA
    la t1, data_b
    pte s4, t1, USER_DATA
    sv39 t0, a0, t1
    sfence.vma
    arm_timer PERIOD
    li t0, 0x80                  # MTIE
    csrs mie, t0
    li t0, 0x1800                # MPP = U, MPIE: M-mode interrupts are on in U mode
    csrc mstatus, t0
    li t0, 0x80
    csrs mstatus, t0
    li t0, VCODE
    csrw mepc, t0
    mret

    .align 2
m_trap:
    csrrw sp, mscratch, sp
    sd t0, 0(sp)
    sd t1, 8(sp)
    sd t2, 16(sp)
    sd t3, 24(sp)
    csrr t0, mcause
    bgez t0, done
    la t0, ticks
    ld t1, 0(t0)
    addi t1, t1, 1
    sd t1, 0(t0)
    li t2, MASK
    srl t2, t2, t1
    andi t2, t2, 1
    beqz t2, 2f                  # this tick leaves the page table alone
    la t2, data_a
    andi t3, t1, 1
    beqz t3, 1f
    la t2, data_b
1:  pte t2, t2, USER_DATA        # Accessed and Dirty clear: the next walk sets them
    la t3, level0
    sd t2, 8(t3)                 # no sfence.vma: the trap and the mret are what flush the reference's TLB
2:  arm_timer PERIOD
    ld t0, 0(sp)
    ld t1, 8(sp)
    ld t2, 16(sp)
    ld t3, 24(sp)
    csrrw sp, mscratch, sp
    mret

done:                            # the user's ecall: sum, the data pages, the ticks
    mv s0, a0
    call puthex
    la s1, data_a
    ld a0, 0(s1)
    call puthex
    ld a0, 8(s1)
    call puthex
    la s1, data_b
    ld a0, 0(s1)
    call puthex
    ld a0, 8(s1)
    call puthex
    la s1, ticks
    ld a0, 0(s1)
    call puthex
    li a0, 0
    j exit

    .align 12
user_code:                       # runs at VCODE: position independent
    li s0, VDATA
    li s1, ITERATIONS
    li s2, 0
    li s5, VTABLE
    li s7, 0
3:  ld t0, 0(s0)
    add s2, s2, t0
    addi t0, t0, 3
    sd t0, 0(s0)
    ld t1, 8(s0)
    xor t1, t1, s2
    sd t1, 8(s0)
    li t2, UMASK                 # every UMASK + 1 passes the user remaps VDATA itself, without sfence.vma: the
    and t2, s1, t2               # reference keeps the old translation until the next trap flushes its TLB
    bnez t2, 5f
    xori s7, s7, 1
    mv t3, s3
    beqz s7, 6f
    mv t3, s4
6:  sd t3, 8(s5)
5:  addi s1, s1, -1
    bnez s1, 3b
    mv a0, s2
    ecall
4:  j 4b

    .bss
    .align 12                    # the tables, the two data pages, the handler's stack
root: .space 4096
level1: .space 4096
level0: .space 4096
data_a: .space 4096
data_b: .space 4096
    .space 4096
m_stack_top:
    .data
    .align 3
ticks: .dword 0
    .text
    stack stack_top, 4096
    .include "lib.S"
"""


def build(folder: pathlib.Path, period: int, mask: int, iterations: int, user_mask: int = -1) -> pathlib.Path:
    source, exe = folder / "contexts.S", folder / "contexts"
    source.write_text(PROGRAM)
    subprocess.run(["riscv64-unknown-elf-gcc", "-nostdlib", "-march=rv64gc", "-mabi=lp64d", "-mcmodel=medany",
                    f"-DPERIOD={period}", f"-DMASK={mask}", f"-DITERATIONS={iterations}", f"-DUMASK={user_mask}",
                    "-Wl,-Ttext=0x80000000",
                    "-Wl,--no-relax", f"-I{MACHINE}", "-o", str(exe), str(source)], check=True)
    return exe


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(period=st.integers(60, 600), mask=st.integers(0, 2**64 - 1), user_mask=st.sampled_from([-1, 0, 7, 31, 127]))
@example(period=60, mask=0, user_mask=7)  # a kept entry used, then the user's remap: the reference keeps the old page
@example(period=97, mask=0x5555_5555_5555_5555, user_mask=-1)  # the handler remaps on every other tick
def test_page_table_changed_without_sfence(oracle, tmp_path_factory, period, mask, user_mask):
    """By the handler (on the ticks `mask` selects) and by the user (every user_mask + 1 passes; -1: never)."""
    oracle("riscv64-unknown-elf-gcc")
    cache_dir = tmp_path_factory.getbasetemp().parent / "fast-object-cache"
    with tempfile.TemporaryDirectory() as folder:
        exe = str(build(pathlib.Path(folder), period, mask, iterations=3000, user_mask=user_mask))
        result = run_machine_lockstep(exe, ram_size=RAM, memory_every=25, cache_dir=cache_dir)
        assert result.divergence is None, str(result.divergence)
        assert result.outcome == "exit 0"
        reference = reference_machine(exe, ram_size=RAM)
        stats = Stats()
        fast = fast_machine(exe, ram_size=RAM, cache_dir=cache_dir, stats=stats)
    assert fast == reference
    assert result.stdout == reference.stdout
    ticks = int(reference.stdout.split()[-1], 16)
    assert ticks >= 3000 * 12 // period  # 12 instructions a pass at least: the timer interrupted it throughout


def test_contexts_are_kept_across_interrupts(oracle, tmp_path_factory):
    """With the page table left alone, the user's context survives each trap and mret: native code refills its
    TLB (a call into Python and the reference's MMU) a handful of times, not after every interrupt."""
    oracle("riscv64-unknown-elf-gcc")
    cache_dir = tmp_path_factory.getbasetemp().parent / "fast-object-cache"
    with tempfile.TemporaryDirectory() as folder:
        exe = str(build(pathlib.Path(folder), 200, 0, iterations=30_000))
        reference = reference_machine(exe, ram_size=RAM)
        board, out = make_board(exe, b"", RAM)
    engine = SystemEngine(board, cache_dir)
    fills = []  # the entries made (the handler's MMIO accesses are refused every time: they are no RAM)
    fill = engine._fill
    engine._fill = lambda vaddr, store: fill(vaddr, store) and not fills.append(vaddr)
    try:
        with pytest.raises(GuestExit):
            engine.run()
    finally:
        engine.close()
    assert bytes(out) == reference.stdout
    ticks = int(reference.stdout.split()[-1], 16)
    assert ticks > 1000
    assert engine.stats.native_instructions > 10 * engine.stats.reference_instructions
    assert len(fills) < ticks // 10
