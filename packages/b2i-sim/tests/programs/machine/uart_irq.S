# External interrupts: the UART raises "received data" through the PLIC (source 10, context 0 = M mode).
# The hart sleeps in wfi; the handler claims the source, echoes every waiting byte in brackets, completes the
# claim, and the program ends after a newline. Output depends only on the bytes, not on when they arrive.
    .include "setup.inc"
    .option norelax
    .equ UART, 0x10000000
    .equ PLIC, 0x0c000000
    .text
    .globl _start
_start:
    la sp, stack_top
    trap_vector mtvec, handler
    li t0, PLIC
    li t1, 1
    sw t1, 4 * 10(t0)            # priority of source 10
    li t2, PLIC + 0x2000
    li t1, 1 << 10
    sw t1, 0(t2)                 # enable source 10 for context 0
    li t2, PLIC + 0x200000
    sw zero, 0(t2)               # threshold 0
    li t0, UART
    li t1, 1
    sb t1, 1(t0)                 # IER: received-data interrupt
    li t0, 1 << 11               # MEIE
    csrs mie, t0
    li s1, 0                     # set by the handler at the newline
1:  bnez s1, 4f                  # check with interrupts off, so none can slip in before the wfi
    wfi                          # wakes when an interrupt is pending, even with MIE clear
    csrsi mstatus, 8             # take it
    csrci mstatus, 8
    j 1b
4:  la a0, done
    call puts
    li a0, 0
    j exit

handler:
    addi sp, sp, -16
    sd ra, 0(sp)
    li s2, PLIC + 0x200004
    lw s3, 0(s2)                 # claim
2:  li t0, UART
    lbu t1, 5(t0)
    andi t1, t1, 1
    beqz t1, 3f
    lbu s4, 0(t0)
    li a0, '['
    call putc
    mv a0, s4
    call putc
    li a0, ']'
    call putc
    li t1, '\n'
    bne s4, t1, 2b
    li s1, 1
    j 2b
3:  sw s3, 0(s2)                 # complete
    mv a0, s3
    ld ra, 0(sp)
    addi sp, sp, 16
    mret

    .section .rodata
done: .asciz "\nclaimed source 10, done\n"
    stack stack_top, 1024
    .include "lib.S"
