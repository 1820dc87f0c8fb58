# Console and exit helpers shared by the bare-metal test programs (included at the end of each).
# putc(a0), puts(a0 = string), puthex(a0: 64-bit value as 16 hex digits), exit(a0 = status): no stack use
# except puthex, which saves ra in t6.
    .equ UART, 0x10000000
    .equ TEST_DEVICE, 0x100000
putc:
    li t0, UART
1:  lbu t1, 5(t0)          # line status: wait for "transmitter empty"
    andi t1, t1, 0x20
    beqz t1, 1b
    sb a0, 0(t0)
    ret
puts:
    mv t2, a0
    mv t3, ra
2:  lbu a0, 0(t2)
    beqz a0, 3f
    call putc
    addi t2, t2, 1
    j 2b
3:  mv ra, t3
    ret
puthex:
    mv t6, ra
    mv t4, a0
    li t5, 60
4:  srl a0, t4, t5
    andi a0, a0, 15
    addi a0, a0, '0'
    li t1, '9'
    ble a0, t1, 5f
    addi a0, a0, 'a' - '0' - 10
5:  call putc
    addi t5, t5, -4
    bgez t5, 4b
    li a0, '\n'
    call putc
    mv ra, t6
    ret
exit:                        # status 0: pass; otherwise (status << 16) | 0x3333
    li t0, TEST_DEVICE
    li t1, 0x5555
    beqz a0, 6f
    slli t1, a0, 16
    li t2, 0x3333
    or t1, t1, t2
6:  sw t1, 0(t0)
7:  j 7b
