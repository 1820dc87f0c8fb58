"""The start of the test programs that run code in S or U mode (test_programs.py's traps, test_sv39.py's
paging): QEMU enforces PMP for S and U, so PMP entry 0 opens all of memory (b2i's core has no PMP), and M-mode
traps go to the program's `mhandler`."""

PRIVILEGED_START = r"""
    .section .text.init
    .globl _start
_start:
    li t0, -1                 # QEMU enforces PMP for S and U: open all of memory (our core ignores PMP)
    csrw pmpaddr0, t0
    li t0, 0x1f
    csrw pmpcfg0, t0
    la t0, mhandler
    csrw mtvec, t0"""
