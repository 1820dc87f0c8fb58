/* The preprocessor: object and function-like macros, # and ##, variadic macros, conditionals, rescanning. */
#include <stdio.h>
#include "corpus_defs.h"

#define STR(x) #x
#define XSTR(x) STR(x)
#define CAT(a, b) a##b
#define SQUARE(x) ((x) * (x))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define LOG(fmt, ...) printf("[log] " fmt "\n", ##__VA_ARGS__)
#define COUNT(...) COUNT_(__VA_ARGS__, 5, 4, 3, 2, 1)
#define COUNT_(a, b, c, d, e, n, ...) n
#define f(x) (x + f)
#define g f
#define EMPTY
#define VERSION 3

#if VERSION >= 3 && defined(STR) && !defined(NOPE)
#define FEATURE "on"
#elif VERSION == 2
#define FEATURE "two"
#else
#define FEATURE "off"
#endif

#ifdef NOPE
#error "should not happen"
#endif

#if (1 ? 2 : 3) == 2 && (-1 >> 1) == -1 && 0x10 == 16 && 'A' == 65
#define EXPR_OK 1
#else
#define EXPR_OK 0
#endif

int main(void) {
    int CAT(var, 1) = 11;
    int f = 100;
    printf("%s %s %d\n", STR(a + b), XSTR(VERSION), var1);
    printf("%d %d\n", SQUARE(3 + 1), MAX(SQUARE(2), 5));
    LOG("plain");
    LOG("with %d and %s", 42, "args");
    printf("%d %d %d\n", COUNT(a), COUNT(a, b, c), COUNT(1, 2, 3, 4, 5));
    printf("%d\n", g(1));
    printf("%s %d %d\n", FEATURE, EXPR_OK, DEFS_VALUE);
    printf("%d %s\n", __LINE__, STR(EMPTY x EMPTY));
    printf("%d %d\n", __STDC__, __riscv_xlen_or_64);
#undef VERSION
#ifndef VERSION
    printf("undefined\n");
#endif
    return 0;
}
