# A small kernel for the fast engine's system mode: M mode turns on Sv39 (an identity gigapage for itself, and
# the same RAM again at 0x40000000 for U mode), arms the CLINT timer, and runs user.c's user_main in U mode at
# its 0x40000000 alias, so the user's pcs and data addresses differ from the physical ones. Timer interrupts
# (every PERIOD ticks) trap to M mode in the middle of the user's loops; the handler re-arms the timer and
# returns. The user's ecall ends the run: M mode prints the checksum user_main returned, and exits.
    .include "setup.inc"
#ifndef PERIOD
#define PERIOD 3000                /* mtime ticks between timer interrupts (bench/sim_fast.py: 10 ms) */
#endif
    .equ ALIAS, 0x40000000       # user virtual address = physical address - ALIAS
    .option norelax
    .text
    .globl _start
_start:
    la sp, m_stack_top
    csrw mscratch, sp
    trap_vector mtvec, m_trap
    open_pmp
    la t0, root
    li t1, RAM_GIGAPAGE
    sd t1, 16(t0)                # VPN2 = 2: RAM, M's identity view (not U)
    ori t1, t1, PTE_U
    sd t1, 8(t0)                 # VPN2 = 1: the same RAM for U mode
    sv39 t0, t0, t1
    sfence.vma
    li t0, 0x1800                # MPP = U, FS = Initial, MPIE (M interrupts are always on in U mode)
    csrc mstatus, t0
    li t0, (1 << 13) | 0x80
    csrs mstatus, t0
    call arm
    li t0, 0x80                  # MTIE
    csrs mie, t0
    li t1, ALIAS
    la t0, user_entry
    sub t0, t0, t1
    csrw mepc, t0
    la sp, user_stack_top
    sub sp, sp, t1
    mret

arm:
    arm_timer PERIOD
    ret

    .align 2                     # mtvec: the low two bits are the mode
m_trap:
    csrrw sp, mscratch, sp
    sd t0, 0(sp)
    sd t1, 8(sp)
    sd t2, 16(sp)
    sd ra, 24(sp)
    csrr t0, mcause
    bgez t0, 1f
    la t0, ticks                 # the timer
    ld t1, 0(t0)
    addi t1, t1, 1
    sd t1, 0(t0)
    call arm
    ld t0, 0(sp)
    ld t1, 8(sp)
    ld t2, 16(sp)
    ld ra, 24(sp)
    csrrw sp, mscratch, sp
    mret
1:  li t1, 8                     # ecall from U: the result is in a0
    bne t0, t1, 2f
    mv s0, a0
    la a0, result
    call puts
    mv a0, s0
    call puthex
    li a0, 0
    j exit
2:  mv s0, t0                    # anything else: a bug
    la a0, unexpected
    call puts
    mv a0, s0
    call puthex
    csrr a0, mepc
    call puthex
    li a0, 1
    j exit

user_entry:
    call user_main
    ecall
3:  j 3b

    .section .rodata
result: .asciz "checksum "
unexpected: .asciz "unexpected trap "
    .data
    .align 3
ticks: .dword 0
    .bss
    .align 12
root: .space 4096
    .space 4096
m_stack_top:
    .space 65536
user_stack_top:
    .text
    .include "lib.S"
