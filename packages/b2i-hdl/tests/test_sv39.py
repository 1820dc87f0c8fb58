"""Sv39 virtual memory on the whole SoC: translations, superpages, A/D updates and page faults, against QEMU
and the reference simulator's commit log."""

import io

import pytest
from b2i.hdl.runner import run
from privileged_start import PRIVILEGED_START

SV39 = PRIVILEGED_START + r"""
    # level-0 table: four 4 KiB pages at 0x4000_0000.. all backed by data_page, with different rights
    la t0, data_page
    srli t0, t0, 12
    slli t0, t0, 10
    la t3, pt_l0
    ori t1, t0, 0x07          # V R W
    sd t1, 0(t3)
    ori t1, t0, 0x03          # V R (read only)
    sd t1, 8(t3)
    ori t1, t0, 0x17          # V R W U (a user page)
    sd t1, 16(t3)
    sd zero, 24(t3)           # not valid
    srli t1, t3, 12
    slli t1, t1, 10
    ori t1, t1, 0x01          # pointer to the level-0 table
    la t3, pt_l1
    sd t1, 0(t3)
    srli t1, t3, 12
    slli t1, t1, 10
    ori t1, t1, 0x01
    la t3, pt_root
    sd t1, 8(t3)              # 0x4000_0000: level-1 table
    li t1, 0x07               # 0x0000_0000: 1 GiB identity superpage for the devices (V R W, A D clear)
    sd t1, 0(t3)
    li t1, (0x80000 << 10) | 0x0f
    sd t1, 16(t3)             # 0x8000_0000: 1 GiB identity superpage for RAM (V R W X, A D clear)
    srli t1, t3, 12
    li t2, 8 << 60
    or t1, t1, t2
    csrw satp, t1
    sfence.vma
    li t0, 0x1800
    csrc mstatus, t0
    li t0, 0x800
    csrs mstatus, t0          # MPP = S
    la t0, super
    csrw mepc, t0
    mret

super:
    li s0, 0x40000000
    ld a0, 0(s0)
    li a1, 'L'
    call print_line
    li t0, 0x99
    sd t0, 8(s0)              # sets D in the PTE
    li s1, 0x40001000
    ld a0, 8(s1)              # the same physical page through the read-only alias
    li a1, 'L'
    call print_line
    sd t0, 0(s1)              # store page fault
    amoadd.d a0, t0, (s1)     # store/AMO page fault
    li s2, 0x40002000
    ld a0, 0(s2)              # a U page from S without SUM: load page fault
    li t0, 0x40000
    csrs sstatus, t0          # SUM
    ld a0, 0(s2)
    li a1, 'L'
    call print_line
    li s3, 0x40003000
    ld a0, 0(s3)              # invalid PTE: load page fault
    li s4, 0x123456789000
    ld a0, 0(s4)              # not canonical: load page fault
    jalr s5, 0(s1)            # no X: instruction page fault (the handler returns to s5)
    la t0, pt_l0              # the A and D bits the walker set
    ld a0, 0(t0)
    li a1, 'P'
    call print_line
    ld a0, 8(t0)
    li a1, 'P'
    call print_line
    ld a0, 16(t0)
    li a1, 'P'
    call print_line
    la t0, pt_root
    ld a0, 0(t0)
    li a1, 'P'
    call print_line
    ld a0, 16(t0)
    li a1, 'P'
    call print_line
    ecall                     # to M: the end

mhandler:
    csrr a0, mcause
    li t1, 9
    beq a0, t1, pass
    li a1, 'M'
    call print_line
    csrr a0, mtval
    li a1, 'v'
    call print_line
    csrr t0, mcause
    li t1, 12
    bne t0, t1, 1f
    csrw mepc, s5             # instruction page fault: back to the caller
    mret
1:  csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
pass:
    li t0, 0x100000
    li t1, 0x5555
    sw t1, 0(t0)
2:  j 2b

    .data
    .balign 4096
pt_root: .space 4096
pt_l1: .space 4096
pt_l0: .space 4096
data_page: .dword 0x1122334455667788
    .space 4088
"""


@pytest.mark.parametrize("engine", ["verilator", "icarus"])
def test_sv39_translation_and_page_faults_match_qemu(build_program, qemu, engine):
    elf = build_program(SV39)
    uart, status = qemu(elf)
    result = run(elf, engine=engine)
    lines = uart.splitlines()
    assert status == 0 and lines[0] == "L1122334455667788" and lines[1] == "L0000000000000099"
    assert [line for line in lines if line[0] == "M"] == ["M000000000000000f"] * 2 + ["M000000000000000d"] * 3 + [
        "M000000000000000c"]
    assert result.finished and result.exit_code == 0
    assert result.uart == uart


def test_sv39_commit_log_matches_reference_simulator(build_program):
    machine = pytest.importorskip("b2i.sim.machine.run", reason="b2i-sim's reference simulator is not installed")
    elf = build_program(SV39)
    log = io.StringIO()
    assert machine.run_machine(str(elf), trace=log, max_insns=100_000).exit_code == 0
    reference = log.getvalue().splitlines()
    rtl = run(elf, trace=True).trace
    assert 0 <= len(rtl) - len(reference) <= 1
    for n, (ours, theirs) in enumerate(zip(rtl, reference, strict=False)):
        if theirs.endswith(("(0x30200073)", "(0x10200073)")):   # xRET: see test_programs.without_xret_priv
            ours, theirs = ours[:10] + ours[11:], theirs[:10] + theirs[11:]
        assert ours == theirs, f"first difference at instruction {n}:\n  rtl: {ours}\n  ref: {theirs}"
