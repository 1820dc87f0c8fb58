# Sv39 paging with M, S and U modes. M delegates U-mode ecalls and page faults to S; S maps itself with an
# identity gigapage, maps a user code page and a user data page, and enters U mode with sret. The user task
# asks S (ecall) to print characters, writes to its data page, then touches an unmapped page; the S handler
# reports each trap, prints the PTE's A/D bits, and finally asks M (ecall) to end the run.
    .include "setup.inc"
    .equ USER_CODE, 0x40000000   # virtual addresses of the user pages
    .equ USER_DATA, 0x40001000
    .option norelax           # no gp: la must stay pc-relative
    .text
    .globl _start
_start:
    trap_vector mtvec, m_handler
    li t0, (1 << 8) | (1 << 12) | (1 << 13) | (1 << 15)   # U ecall, page faults -> S
    csrw medeleg, t0
    open_pmp
    mret_to_s s_start

s_start:                         # supervisor: build the page tables, then run the user task
    trap_vector stvec, s_handler
    la s2, root                  # RAM and the devices at their own addresses (S only); at 0x40000000 the
    identity_gigapages s2, t0    # user's code page (USER_CODE), at 0x40001000 its data page (USER_DATA)
    two_pages s2, level1, level0, user_task, PTE_V|PTE_R|PTE_X|PTE_U, user_data, PTE_V|PTE_R|PTE_W|PTE_U
    sv39 t0, s2, t1
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
    return_after_trap s
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
