/* C11 freestanding headers (stdalign.h, stdnoreturn.h, iso646.h, max_align_t) and _Alignas on members and globals. */
#include <stdio.h>
#include <stddef.h>
#include <stdalign.h>
struct A { char c; _Alignas(16) int x; char d; };
struct B { char c; alignas(double) char e; };
_Alignas(64) static char gbuf[3];
_Alignas(32) int gi = 5;
static _Alignas(struct A) char gc;
int main(void) {
    printf("%zu %zu %zu %zu %zu\n", sizeof(struct A), offsetof(struct A, x), alignof(struct A), sizeof(struct B), offsetof(struct B, e));
    printf("%d %d %d\n", (int)((unsigned long)gbuf % 64), (int)((unsigned long)&gi % 32), (int)((unsigned long)&gc % 16));
    printf("%zu %zu %zu\n", alignof(max_align_t), sizeof(max_align_t), _Alignof(char[7]));
    return 0;
}
#include <stdnoreturn.h>
#include <iso646.h>
#include <stdlib.h>
noreturn void die(int c) { exit(c); }
int use_iso(int a, int b) { return (a and b) or (not a) xor (compl b bitand 1); }
int iso_main(void) { return use_iso(1, 0); }
