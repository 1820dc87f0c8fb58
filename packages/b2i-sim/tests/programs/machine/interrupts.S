# Vectored trap entry and software interrupts. mtvec points at a table (mode 1): exceptions enter at the base,
# interrupt n at base + 4n. A machine software interrupt comes from the CLINT's msip; then, with supervisor
# software interrupts delegated (mideleg), S mode raises its own through sip and takes it at stvec; its ecall
# goes back to M. Each handler prints what it saw.
    .include "setup.inc"
    .option norelax
    .text
    .globl _start
_start:
    la sp, stack_top
    open_pmp
    la t0, vectors
    ori t0, t0, 1                # vectored
    csrw mtvec, t0
    ecall                        # an exception: enters at the base
    li t0, 1 << 3                # MSIE
    csrs mie, t0
    csrsi mstatus, 8             # MIE
    li t0, CLINT_MSIP
    li t1, 1
    sw t1, 0(t0)                 # raise a machine software interrupt
    nop                          # taken before this instruction retires
    csrci mstatus, 8
    li t0, 1 << 1                # delegate supervisor software interrupts
    csrw mideleg, t0
    mret_to_s s_mode

s_mode:
    trap_vector stvec, s_handler
    li t0, 1 << 1                # SSIE
    csrs sie, t0
    csrsi sstatus, 2             # SIE
    csrsi sip, 2                 # raise a supervisor software interrupt
    nop
    csrr a0, sip
    call puthex                  # cleared by the handler
    ecall                        # to M: cause 9

s_handler:
    addi sp, sp, -16
    sd ra, 0(sp)
    la a0, s_soft
    call puts
    csrr a0, scause
    call puthex
    csrci sip, 2
    ld ra, 0(sp)
    addi sp, sp, 16
    sret

    .balign 4
vectors:
    j m_exception                # 0: exceptions
    j m_unexpected               # 1
    j m_unexpected               # 2
    j m_software                 # 3: machine software interrupt
    j m_unexpected               # 4
    j m_unexpected               # 5
    j m_unexpected               # 6
    j m_unexpected               # 7

m_exception:
    la a0, exception
    call puts
    csrr a0, mcause
    call puthex
    csrr t0, mcause
    li t1, 9
    beq t0, t1, 1f               # ecall from S: the end
    return_after_trap m
1:  li a0, 0
    j exit
m_software:
    la a0, m_soft
    call puts
    csrr a0, mcause
    call puthex
    csrr a0, mip
    andi a0, a0, 8
    call puthex                  # pending while msip is set
    li t0, CLINT_MSIP
    sw zero, 0(t0)
    mret
m_unexpected:
    la a0, unexpected
    call puts
    li a0, 1
    j exit

    .section .rodata
exception: .asciz "exception\n"
m_soft: .asciz "machine software interrupt\n"
s_soft: .asciz "supervisor software interrupt\n"
unexpected: .asciz "unexpected interrupt\n"
    stack stack_top, 1024
    .include "lib.S"
