# Process entry for the Linux riscv64 ABI: the kernel leaves argc, argv[], NULL, envp[], NULL, auxv on the stack.
	.text
	.globl _start
	.type _start, @function
_start:
	ld a0, 0(sp)            # argc
	addi a1, sp, 8          # argv
	slli t0, a0, 3
	add a2, a1, t0
	addi a2, a2, 8          # envp = argv + argc + 1
	andi sp, sp, -16
	call __libc_start       # never returns
	ebreak
	.size _start, .-_start
