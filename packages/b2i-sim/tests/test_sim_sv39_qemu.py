"""Sv39 against qemu-system-riscv64, on page tables drawn by hypothesis.

Each example builds one bare-metal program: it writes random page-table entries (pointers, leaves of every
size, invalid and reserved encodings, random R/W/X/U/A/D bits, tables reached at two levels) into fixed
physical pages, turns on Sv39, then performs random loads and stores from M mode with mstatus.MPRV set, so
they are translated as S or U mode accesses (with random SUM and MXR). It prints each access's loaded value
or its trap cause and address, then every page-table entry (whose A and D bits the walker may have set).
QEMU and b2i-run must print the same.
"""

import pathlib
import subprocess
import tempfile

from b2i.sim.machine.run import run_machine
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

MACHINE = pathlib.Path(__file__).parent / "programs" / "machine"
PT_BASE, DATA_BASE, TABLES, DATA_PAGES = 0x8020_0000, 0x8030_0000, 4, 4
V, R, W, X, U, A, D = 1, 2, 4, 8, 16, 64, 128

HEADER = f"""
    .include "setup.inc"
    .option norelax
    .text
    .globl _start
_start:
    trap_vector mtvec, handler
    open_pmp                     # QEMU checks S/U accesses (MPRV) against it
    li t0, {DATA_BASE:#x}        # each data dword holds its own physical address
    li t1, {DATA_BASE + DATA_PAGES * 4096:#x}
1:  sd t0, 0(t0)
    addi t0, t0, 8
    blt t0, t1, 1b
    la s0, ptes
2:  ld t0, 0(s0)
    beqz t0, 3f
    ld t1, 8(s0)
    sd t1, 0(t0)
    addi s0, s0, 16
    j 2b
3:  li t0, (8 << 60) | {PT_BASE >> 12:#x}
    csrw satp, t0
    sfence.vma
    la s0, accesses
    li s2, 0                     # accesses done
next:
    la t0, count
    ld t0, 0(t0)
    bge s2, t0, dump
    ld s1, 0(s0)                 # virtual address
    ld s3, 8(s0)                 # mstatus bits to set: MPP, SUM, MXR (and bit 0: store)
    li t0, (3 << 11) | (1 << 17) | (1 << 18) | (1 << 19)
    csrc mstatus, t0
    andi t1, s3, 1
    xor s3, s3, t1
    li t2, 1 << 17               # MPRV
    or s3, s3, t2
    li a0, 0
    li a1, 0
    csrs mstatus, s3
    bnez t1, 4f
    ld a0, 0(s1)                 # translated as MPP's mode
    j 5f
4:  sd s1, 0(s1)
5:  li t0, 1 << 17
    csrc mstatus, t0
    call puthex
    mv a0, a1
    call puthex
    addi s0, s0, 16
    addi s2, s2, 1
    j next
dump:
    csrw satp, zero
    la s0, ptes
6:  ld t0, 0(s0)
    beqz t0, 7f
    ld a0, 0(t0)
    call puthex
    addi s0, s0, 16
    j 6b
7:  li a0, 0
    j exit

handler:                         # a fault: a0 = cause with the top bit set, a1 = mtval; skip the access
    csrr a0, mcause
    li t0, 1 << 63
    or a0, a0, t0
    csrr a1, mtval
    return_after_trap m
"""

FOOTER = """
    .include "lib.S"
"""

flags = st.builds(lambda bits: bits | V, st.integers(0, 0xFF)) | st.sampled_from([0, W | V, W | X | V])


@st.composite
def page_tables(draw) -> list[tuple[int, int]]:
    """(physical address, value) of each PTE written: tables 0..TABLES-1, table 0 the root."""
    entries = []
    for table in range(TABLES):
        for index in range(4):
            kind = draw(st.sampled_from(["none", "pointer", "pointer", "leaf", "leaf", "superpage"]))
            if kind == "none":
                continue
            if kind == "pointer":
                value = ((PT_BASE >> 12) + draw(st.integers(1, TABLES - 1))) << 10 | V
            elif kind == "leaf":
                value = ((DATA_BASE >> 12) + draw(st.integers(0, DATA_PAGES - 1))) << 10 | draw(flags)
            else:  # an aligned or a misaligned megapage or gigapage (read-only, so stores cannot hit the program)
                ppn = draw(st.sampled_from([0x80000, 0x80200, DATA_BASE >> 12]))
                value = ppn << 10 | (draw(flags) & ~W)
            entries.append((PT_BASE + table * 4096 + index * 8, value))
    return entries


@st.composite
def accesses(draw) -> list[tuple[int, int]]:
    result = []
    for _ in range(draw(st.integers(10, 30))):
        # Not VPN2 = 2 (0x8000_0000..): QEMU 7.2 serves an MPRV access to a page M mode has used from M mode's
        # TLB entry, untranslated (its TLB does not tell MPRV accesses apart).
        vpn = [draw(st.sampled_from([0, 1, 3])), draw(st.integers(0, 3)), draw(st.integers(0, 3))]
        vaddr = vpn[0] << 30 | vpn[1] << 21 | vpn[2] << 12 | draw(st.integers(0, 511)) * 8
        if draw(st.integers(0, 15)) == 0:
            vaddr |= 1 << 40  # not canonical
        mode = draw(st.sampled_from([0, 1 << 11]))  # MPP = U or S
        bits = mode | draw(st.sampled_from([0, 1 << 18])) | draw(st.sampled_from([0, 1 << 19]))
        result.append((vaddr, bits | draw(st.integers(0, 1))))
    return result


def program(ptes: list[tuple[int, int]], moves: list[tuple[int, int]]) -> str:
    data = "\n    .data\n    .align 3\nptes:\n" + "".join(f"    .dword {a:#x}, {v:#x}\n" for a, v in ptes)
    data += "    .dword 0, 0\ncount:\n" + f"    .dword {len(moves)}\naccesses:\n"
    data += "".join(f"    .dword {a:#x}, {b:#x}\n" for a, b in moves)
    return HEADER + data + "\n    .text\n" + FOOTER


def build_and_run_on_qemu(oracle, folder: pathlib.Path, ptes: list[tuple[int, int]],
                          moves: list[tuple[int, int]]) -> tuple[pathlib.Path, subprocess.CompletedProcess]:
    """The program built in folder, and what it did on qemu-system-riscv64 (test_fast_machine.py runs it too)."""
    source, exe = folder / "sv39.S", folder / "sv39"
    source.write_text(program(ptes, moves))
    subprocess.run([oracle("riscv64-unknown-elf-gcc"), "-nostdlib", "-march=rv64g", "-mabi=lp64d",
                    "-mcmodel=medany", "-Wl,-Ttext=0x80000000", f"-I{MACHINE}", "-o", str(exe), str(source)],
                   check=True)
    qemu = subprocess.run([oracle("qemu-system-riscv64"), "-machine", "virt", "-bios", "none", "-nographic",
                           "-kernel", str(exe)], capture_output=True, timeout=30)
    return exe, qemu


@settings(max_examples=5, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate],
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(page_tables(), accesses())
def test_translation_same_as_qemu(oracle, ptes, moves):
    with tempfile.TemporaryDirectory() as folder:
        exe, qemu = build_and_run_on_qemu(oracle, pathlib.Path(folder), ptes, moves)
        ours = run_machine(str(exe), max_insns=2_000_000)
    assert qemu.returncode == 0 and ours.exit_code == 0, ours.fault
    want, got = qemu.stdout.decode().splitlines(), ours.stdout.decode().splitlines()
    for i, (a, b) in enumerate(zip(got, want, strict=True)):
        what = f"access {i // 2}: {moves[i // 2][0]:#x} bits {moves[i // 2][1]:#x}" if i < 2 * len(moves) \
            else f"PTE {ptes[i - 2 * len(moves)]}"
        assert a == b, f"{what}: ours {a}, qemu {b}\nPTEs: {[(hex(p), hex(v)) for p, v in ptes]}"
