# Machine-mode traps: ecall, ebreak, an illegal instruction, a CSR that does not exist, a load from a hole in
# the address map; the handler prints mcause, mtval and the offset of mepc, then skips the instruction.
    .include "setup.inc"
    .option norelax           # no gp: la must stay pc-relative
    .text
    .globl _start
_start:
    trap_vector mtvec, handler
    la a0, hello
    call puts
    ecall
    ebreak
    .word 0x00000000          # illegal: all zeros
    .word 0xffffffff          # illegal: all ones
    csrr t0, 0x7c0            # a custom CSR this machine does not have
    li t0, 0x0f000000
    ld t1, 0(t0)              # nothing lives there: load access fault
    li t0, 0x0f000000         # (the handler used t0)
    sd t1, 0(t0)              # store access fault
    csrr a0, misa
    li t0, 0x14112d           # the letters both machines have: IMAFDCSU (QEMU adds H)
    and a0, a0, t0
    call puthex
    csrr a0, mstatus
    li t0, 0x1800             # MPP after the last mret
    and a0, a0, t0
    call puthex
    la a0, bye
    call puts
    li a0, 0
    j exit

handler:
    csrr a0, mcause
    call puthex
    csrr a0, mtval
    call puthex
    csrr a0, mepc
    la t0, _start
    sub a0, a0, t0
    call puthex
    return_after_trap m

    .section .rodata
hello: .asciz "traps\n"
bye: .asciz "done\n"
    .text
    .include "lib.S"
