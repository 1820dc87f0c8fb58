/* Linux riscv64 system call numbers: the only ones b2i's libc makes (stack.md section 3). */
#ifndef _B2I_SYSCALLS_H
#define _B2I_SYSCALLS_H
#define SYS_getcwd 17
#define SYS_unlinkat 35
#define SYS_openat 56
#define SYS_close 57
#define SYS_lseek 62
#define SYS_read 63
#define SYS_write 64
#define SYS_exit_group 94
#define SYS_clock_gettime 113
#define SYS_getpid 172
#define SYS_brk 214
long __syscall(long n, long a, long b, long c, long d, long e, long f);
#endif
