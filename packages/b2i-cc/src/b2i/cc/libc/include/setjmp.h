#ifndef _SETJMP_H
#define _SETJMP_H
/* Large enough for glibc's riscv64 jmp_buf too, so objects mix with gcc-built ones. */
typedef long jmp_buf[64];
int setjmp(jmp_buf env);
void longjmp(jmp_buf env, int value);
#endif
