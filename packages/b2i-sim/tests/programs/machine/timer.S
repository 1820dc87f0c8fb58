# Timer interrupts from the CLINT: mtimecmp = mtime + period, sleep in wfi, count three ticks in the
# handler; the main loop prints only the tick count, so output does not depend on timing.
    .include "setup.inc"
    .equ PERIOD, 20000
    .option norelax           # no gp: la must stay pc-relative
    .text
    .globl _start
_start:
    la sp, stack_top
    trap_vector mtvec, handler
    li s1, 0                    # ticks seen
    call arm
    li t0, 0x80                 # MTIE
    csrs mie, t0
    csrsi mstatus, 8            # MIE
1:  wfi
    li t0, 3
    blt s1, t0, 1b
    csrci mstatus, 8
    la a0, ticks
    call puts
    mv a0, s1
    call puthex
    csrr a0, mcause
    call puthex
    li a0, 0
    j exit
arm:
    arm_timer PERIOD
    ret
handler:
    addi sp, sp, -16
    sd ra, 0(sp)
    addi s1, s1, 1
    li a0, 't'
    call putc
    call arm
    ld ra, 0(sp)
    addi sp, sp, 16
    mret

    .section .rodata
ticks: .asciz "\nticks\n"
    stack stack_top, 1024
    .include "lib.S"
