# Loads from an address nothing is mapped at.
    .globl _start
    .text
_start:
    li t0, 0x12345000
    ld t1, 8(t0)
