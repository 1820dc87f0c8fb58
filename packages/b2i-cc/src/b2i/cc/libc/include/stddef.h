#ifndef _STDDEF_H
#define _STDDEF_H
typedef unsigned long size_t;
typedef long ptrdiff_t;
typedef int wchar_t;
typedef struct { long long __ll; _Alignas(16) long double __ld; } max_align_t; /* 16: the psABI aligns long double so */
#define NULL ((void *)0)
#define offsetof(type, member) __builtin_offsetof(type, member)
#endif
