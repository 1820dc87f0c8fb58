# A short loop with a known shape for the commit log: sums 1..5, exits with the sum.
    .option norvc
    .globl _start
    .text
_start:
    li a0, 0
    li t0, 5
1:  add a0, a0, t0
    addi t0, t0, -1
    bnez t0, 1b
    fcvt.d.l ft0, a0
    li a7, 93
    ecall
