# What an operating system kernel in S mode relies on. (1) The timer: M mode takes the CLINT interrupt and
# forwards it to S by setting mip.STIP (delegated in mideleg); S asks M to clear it with an ecall, as an SBI
# would. (2) mstatus.SUM: S may load from a user page only with SUM set. (3) mstatus.MXR: S may load from an
# execute-only page only with MXR set. Each step prints what happened.
    .include "setup.inc"
    .option norelax
    .text
    .globl _start
_start:
    la sp, m_stack_top
    csrw mscratch, sp
    open_pmp
    trap_vector mtvec, m_handler
    li t0, 1 << 5                # supervisor timer interrupts go to S
    csrw mideleg, t0
    li t0, (1 << 13) | (1 << 15) # load and store page faults go to S
    csrw medeleg, t0
    li t0, 1 << 7                # MTIE
    csrs mie, t0
    mret_to_s s_start, 0x80      # and MPIE: interrupts on in S (M-level ones are always taken below M)

s_start:
    la sp, s_stack_top
    trap_vector stvec, s_handler
    la s2, root                  # VPN2 0: devices, VPN2 2: RAM (S only), VPN2 1: two test pages, at
    identity_gigapages s2, t0    # 0x40000000 a user page holding 'U', at 0x40001000 an execute-only one holding 'X'
    two_pages s2, level1, level0, page_data, PTE_V|PTE_R|PTE_W|PTE_U|PTE_AD, page_data+4096, PTE_V|PTE_X|PTE_AD
    sv39 t0, s2, t1
    sfence.vma

    li s6, 0x40000000            # (2) SUM (s registers: the handler uses the t registers)
    la s4, 1f
    lbu a0, 0(s6)                # faults: SUM is clear; the handler resumes at s4
1:  li t1, 1 << 18
    csrs sstatus, t1
    la s4, 2f
    lbu a0, 0(s6)                # allowed now
    call putc
2:  li t1, 1 << 18
    csrc sstatus, t1
    li s6, 0x40001000            # (3) MXR
    la s4, 3f
    lbu a0, 0(s6)                # faults: execute-only
3:  li t1, 1 << 19
    csrs sstatus, t1
    la s4, 4f
    lbu a0, 0(s6)
    call putc
4:  li a0, '\n'
    call putc

    li t0, 1 << 5                # (1) the timer, through M
    csrs sie, t0
    csrsi sstatus, 2
    li a7, 1                     # ecall 1: arm the timer
    ecall
    li s5, 0
5:  li t0, 2
    blt s5, t0, 5b               # wait for two ticks
    li a7, 0                     # ecall 0: end
    ecall

s_handler:
    csrr t0, scause
    bltz t0, s_timer
    la a0, s_fault               # a page fault: report it and continue at s4
    call puts
    csrr a0, scause
    call puthex
    csrr a0, stval
    call puthex
    csrw sepc, s4
    sret
s_timer:
    addi sp, sp, -16
    sd ra, 0(sp)
    addi s5, s5, 1
    la a0, tick
    call puts
    csrr a0, scause
    call puthex
    li t0, 2
    blt s5, t0, 6f
    li t0, 1 << 5                # two ticks are enough: stop taking them (STIP stays pending)
    csrc sie, t0
    j 7f
6:  li a7, 1                     # clear STIP and re-arm, through M
    ecall
7:  ld ra, 0(sp)
    addi sp, sp, 16
    sret

m_handler:
    csrrw sp, mscratch, sp
    addi sp, sp, -32
    sd t0, 0(sp)
    sd t1, 8(sp)
    sd t2, 16(sp)
    csrr t0, mcause
    bltz t0, m_timer
    beqz a7, m_end               # ecall from S
    li t0, 1 << 5                # clear STIP, arm the timer
    csrc mip, t0
    arm_timer 5000
    li t0, 1 << 7
    csrs mie, t0
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    j m_return
m_timer:                         # forward to S and mask until S asks again
    li t0, 1 << 5
    csrs mip, t0
    li t0, 1 << 7
    csrc mie, t0
m_return:
    ld t0, 0(sp)
    ld t1, 8(sp)
    ld t2, 16(sp)
    addi sp, sp, 32
    csrrw sp, mscratch, sp
    mret
m_end:
    la a0, bye
    call puts
    li a0, 0
    j exit

    .section .rodata
s_fault: .asciz "S page fault\n"
tick: .asciz "S timer tick\n"
bye: .asciz "done\n"
    .data
    .balign 4096
page_data:
    .byte 'U'
    .balign 4096
    .byte 'X'
    .balign 4096
    .bss
    .balign 4096
root: .space 4096
level1: .space 4096
level0: .space 4096
    .space 1024
s_stack_top:
    .space 1024
m_stack_top:
    .text
    .include "lib.S"
