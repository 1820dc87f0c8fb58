# UART input: read bytes until end of line, echo them upper-cased, then report how many were read.
    .option norelax           # no gp: la must stay pc-relative
    .text
    .globl _start
_start:
    li s1, 0
    li s2, 0x10000000
1:  lbu t1, 5(s2)               # data ready?
    andi t1, t1, 1
    beqz t1, 1b
    lbu a0, 0(s2)
    li t1, '\n'
    beq a0, t1, 2f
    addi s1, s1, 1
    li t1, 'a'
    blt a0, t1, 3f
    addi a0, a0, 'A' - 'a'
3:  call putc
    j 1b
2:  li a0, '\n'
    call putc
    mv a0, s1
    call puthex
    li a0, 3
    j exit
    .include "lib.S"
