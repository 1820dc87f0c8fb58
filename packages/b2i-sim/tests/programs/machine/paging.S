# Sv39 paging with M, S and U modes. M delegates U-mode ecalls and page faults to S; S maps itself with an
# identity gigapage, maps a user code page and a user data page, and enters U mode with sret. The user task
# asks S (ecall) to print characters, writes to its data page, then touches an unmapped page; the S handler
# reports each trap, prints the PTE's A/D bits, and finally asks M (ecall) to end the run.
    .equ PTE_V, 1
    .equ PTE_R, 2
    .equ PTE_W, 4
    .equ PTE_X, 8
    .equ PTE_U, 16
    .equ USER_CODE, 0x40000000   # virtual addresses of the user pages
    .equ USER_DATA, 0x40001000
    .option norelax           # no gp: la must stay pc-relative
    .text
    .globl _start
_start:
    la t0, m_handler
    csrw mtvec, t0
    li t0, (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15)   # U ecall, page faults -> S
    csrw medeleg, t0
    li t0, -1                    # PMP: QEMU refuses to leave M mode without a rule; b2i has no PMP
    csrw pmpaddr0, t0
    li t0, 0x1f                  # NAPOT, read/write/execute: all of memory
    csrw pmpcfg0, t0
    li t0, 0x1800                # MPP = S
    csrc mstatus, t0
    li t0, 0x800
    csrs mstatus, t0
    la t0, s_start
    csrw mepc, t0
    mret

s_start:                         # supervisor: build the page tables, then run the user task
    la t0, s_handler
    csrw stvec, t0
    la s2, root                  # root table: VPN2 = 2 -> gigapage 0x80000000 (S only, RWX)
    li t0, (0x80000000 >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | (1 << 6) | (1 << 7)
    sd t0, 16(s2)
    li t0, PTE_V | PTE_R | PTE_W | (1 << 6) | (1 << 7)       # VPN2 = 0 -> gigapage 0: the devices
    sd t0, 0(s2)
    la t1, level1                # VPN2 = 1 (0x40000000) -> level1 -> level0
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, PTE_V
    sd t1, 8(s2)
    la t2, level1
    la t1, level0
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, PTE_V
    sd t1, 0(t2)
    la t2, level0                # level0[0] = user code page, level0[1] = user data page
    la t1, user_task
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, PTE_V | PTE_R | PTE_X | PTE_U
    sd t1, 0(t2)
    la t1, user_data
    srli t1, t1, 12
    slli t1, t1, 10
    ori t1, t1, PTE_V | PTE_R | PTE_W | PTE_U
    sd t1, 8(t2)
    srli t0, s2, 12
    li t1, 8 << 60
    or t0, t0, t1
    csrw satp, t0
    sfence.vma
    la sp, s_stack_top
    li t0, USER_CODE
    csrw sepc, t0
    li t0, 0x100                 # SPP = U
    csrc sstatus, t0
    sret

s_handler:
    csrr t0, scause
    li t1, 8
    bne t0, t1, s_fault
    mv a0, a1                    # ecall from U: print the character in a1
    call putc
    csrr t0, sepc
    addi t0, t0, 4
    csrw sepc, t0
    sret
s_fault:
    la a0, fault
    call puts
    csrr a0, scause
    call puthex
    csrr a0, stval
    call puthex
    la t2, level0                # A and D bits of the data page's PTE, set by the hardware walker
    ld a0, 8(t2)
    andi a0, a0, 0xc0
    call puthex
    li a0, 0x1234
    ecall                        # to M: finish

m_handler:
    csrr a0, mcause
    call puthex
    li a0, 0
    j exit

    .section .rodata
fault: .asciz "\npage fault\n"

    .section .user, "ax"
    .balign 4096
user_task:                       # runs at USER_CODE, U mode
    li a1, 'u'
    ecall
    li t0, USER_DATA
    li t1, 'k'
    sd t1, 8(t0)
    ld a1, 8(t0)
    ecall
    li a1, '\n'
    ecall
    li t0, 0x40005000            # not mapped
    ld t1, 0(t0)
    j .
    .balign 4096
user_data:
    .space 4096

    .bss
    .balign 4096
root: .space 4096
level1: .space 4096
level0: .space 4096
    .space 2048
s_stack_top:
    .text
    .include "lib.S"
