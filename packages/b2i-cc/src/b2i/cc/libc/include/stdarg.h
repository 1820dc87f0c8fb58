#ifndef _STDARG_H
#define _STDARG_H
/* lp64d: va_list is a pointer that walks the argument save area (same as gcc's on RISC-V). */
typedef void *va_list;
typedef void *__gnuc_va_list;
#define va_start(ap, last) __builtin_va_start(ap, last)
#define va_arg(ap, type) __builtin_va_arg(ap, type)
#define va_end(ap) __builtin_va_end(ap)
#define va_copy(dst, src) __builtin_va_copy(dst, src)
#endif
