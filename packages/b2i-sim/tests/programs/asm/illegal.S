# Executes an all-zero word: an illegal instruction at a known place.
    .globl _start
    .text
_start:
    li a0, 1
    .word 0
