# Self-modifying code under hot loops (M mode, then S mode with paging): a function's first instruction is
# rewritten between calls, with fence.i, by code on the same page (so the store lands in translated code)
# and by a loop that patches and calls in turn. Sums of the function's results are printed: a stale
# translation would keep returning the old constant.
    .include "setup.inc"
    .option norelax
    .option norvc                # patchme's instructions are four bytes: one word to swap
    .text
    .globl _start
_start:
    la sp, stack_top
    trap_vector mtvec, m_trap
    open_pmp
    call experiment              # M mode, no translation
    la t0, root                  # S mode, identity gigapage: the same code through the TLB
    identity_gigapages t0, t1
    sv39 t0, t0, t1
    mret_to_s s_main
s_main:
    call experiment
    li a0, 0
    ecall

experiment:
    mv s5, ra
    la t0, one                   # patchme returns 1
    lw t1, 0(t0)
    la t0, patchme
    sw t1, 0(t0)
    fence.i
    call calls
    la t0, five                  # now 5: rewritten from this page
    lw t1, 0(t0)
    la t0, patchme
    sw t1, 0(t0)
    fence.i
    call calls
    li s1, 0                     # patch and call in turn: 1, 5, 1, 5, ...
    li s2, 200
    la s3, one
    lw s3, 0(s3)
    la s4, five
    lw s4, 0(s4)
2:  andi t0, s2, 1
    mv t1, s3
    beqz t0, 3f
    mv t1, s4
3:  la t0, patchme
    sw t1, 0(t0)
    fence.i
    call patchme
    add s1, s1, a0
    addi s2, s2, -1
    bnez s2, 2b
    mv a0, s1
    call puthex
    mv ra, s5
    ret

calls:                           # 300 calls of patchme: prints the sum
    mv s4, ra
    li s1, 0
    li s2, 300
1:  call patchme
    add s1, s1, a0
    addi s2, s2, -1
    bnez s2, 1b
    mv a0, s1
    call puthex
    mv ra, s4
    ret

patchme:
    li a0, 0
    ret
one:
    li a0, 1
five:
    li a0, 5

    .align 2
m_trap:
    exit_at_ecall_from_s

    .bss
    .align 12
root: .space 4096
    .space 4096
stack_top:
    .text
    .include "lib.S"
