# Translation caches under a hot loop in S mode: the loop calls code at virtual 0x40000000 and reads and
# writes data at 0x40001000. Page table A maps those to pages CODE_A/DATA_A, table B to CODE_B/DATA_B. The
# loop runs (long enough to be translated) under A, then after a satp write under B, then after one of A's
# PTEs is changed to CODE_C/DATA_C and sfence.vma. Each run's sum and every data page's stored word is printed:
# stale translations (a TLB entry, a block keyed by virtual pc) would print the wrong page's numbers.
    .include "setup.inc"
    .equ VCODE, 0x40000000
    .equ VDATA, 0x40001000
    .option norelax
    .text
    .globl _start
_start:
    la sp, stack_top
    trap_vector mtvec, m_trap
    open_pmp
    la a0, root_a                # both roots: identity RAM (VPN2 = 2) and devices (VPN2 = 0) for S mode
    call common
    la a0, root_b
    call common
    la a0, root_a                # VPN2 = 1 -> level1 -> level0 of each table
    la a1, level1_a
    la a2, level0_a
    la a3, code_a
    la a4, data_a
    call user_pages
    la a0, root_b
    la a1, level1_b
    la a2, level0_b
    la a3, code_b
    la a4, data_b
    call user_pages
    mret_to_s s_main

s_main:
    la a0, root_a
    call use_table
    call hot_loop
    la a0, root_b                # a satp write alone: the old translations must go
    call use_table
    call hot_loop
    la a0, root_a
    call use_table
    call hot_loop
    la a2, level0_a              # change A's PTEs under the running code, then sfence.vma
    la a3, code_c
    la a4, data_c
    call leaves
    sfence.vma
    call hot_loop
    la s0, data_a                # what each data page holds now (identity map)
    ld a0, 8(s0)
    call puthex
    la s0, data_b
    ld a0, 8(s0)
    call puthex
    la s0, data_c
    ld a0, 8(s0)
    call puthex
    li a0, 0
    ecall                        # to M mode: exit

hot_loop:                        # 300 x (code() + data[0]), stored to data[1] as it goes; prints the sum
    mv s3, ra
    li s1, 0
    li s2, 300
1:  li t0, VCODE
    jalr ra, 0(t0)
    add s1, s1, a0
    li t0, VDATA
    ld t1, 0(t0)
    add s1, s1, t1
    sd s1, 8(t0)
    addi s2, s2, -1
    bnez s2, 1b
    mv a0, s1
    call puthex
    mv ra, s3
    ret

use_table:                       # satp = Sv39 with root a0
    sv39 a0, a0, t0
    ret

common:
    identity_gigapages a0, t0
    ret

user_pages:                      # root a0 -> level1 a1 -> level0 a2 -> code a3, data a4
    pte t0, a1, PTE_V
    sd t0, 8(a0)
    pte t0, a2, PTE_V
    sd t0, 0(a1)
leaves:                          # level0 a2: entry 0 -> code a3 (X), entry 1 -> data a4 (RW)
    pte t0, a3, PTE_V | PTE_X | PTE_AD
    sd t0, 0(a2)
    pte t0, a4, PTE_V | PTE_R | PTE_W | PTE_AD
    sd t0, 8(a2)
    ret

    .align 2
m_trap:
    exit_at_ecall_from_s

    .align 12
code_a:
    li a0, 1
    ret
    .align 12
code_b:
    li a0, 2
    ret
    .align 12
code_c:
    li a0, 3
    ret

    .data
    .align 12
data_a: .dword 0x10, 0
    .align 12
data_b: .dword 0x20, 0
    .align 12
data_c: .dword 0x30, 0
    .bss
    .align 12
root_a: .space 4096
root_b: .space 4096
level1_a: .space 4096
level1_b: .space 4096
level0_a: .space 4096
level0_b: .space 4096
    .space 4096
stack_top:
    .text
    .include "lib.S"
