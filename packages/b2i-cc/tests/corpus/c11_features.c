/* C11 features side by side: nested designators with ranges, flexible arrays, anonymous members, bit-fields,
 * compound literals, _Generic on qualified pointers, variadic doubles and structs, escapes, wide chars. */
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
struct In { int a[3]; char s[4]; };
struct Out { struct In in[2]; double d; };
struct Flex { short n; long data[]; };
union V { struct { unsigned char lo, hi; }; unsigned short w; };
struct Bits { int s3 : 3; unsigned u5 : 5; long l40 : 40; _Bool b : 1; };
typedef struct { double x; float y; } DF;
static double vsum(int n, ...) {
    va_list ap; va_start(ap, n);
    double t = 0;
    for (int i = 0; i < n; i++) {
        if (i % 2) t += va_arg(ap, double); else t += va_arg(ap, int);
    }
    DF s = va_arg(ap, DF);
    va_end(ap);
    return t + s.x + s.y;
}
#define TY(x) _Generic((x), const int *: "cip", int *: "ip", long: "long", unsigned char: "uc", default: "?")
int main(void) {
    struct Out o = { .in = { [1] = { .a = { [1 ... 2] = 5 }, .s = "hi" }, [0].a[0] = 9 }, .d = 2.5 };
    printf("%d %d %d %d %s %g\n", o.in[0].a[0], o.in[1].a[0], o.in[1].a[1], o.in[1].a[2], o.in[1].s, o.d);
    struct Flex *f = malloc(sizeof(struct Flex) + 3 * sizeof(long));
    f->n = 3; for (int i = 0; i < 3; i++) f->data[i] = i * 100;
    printf("%zu %zu %ld\n", sizeof(struct Flex), _Alignof(struct Flex), f->data[2]);
    union V v; v.w = 0x1234; printf("%x %x\n", v.lo, v.hi);
    struct Bits b = { -3, 31, -(1L << 38), 1 };
    b.s3 += 1; b.u5 += 2; b.l40 -= 1;
    printf("%d %u %ld %d %zu\n", b.s3, b.u5, (long)b.l40, b.b, sizeof b);
    int total = 0;
    for (int i = 0; i < 3; i++) { int *p = (int[]){i, i * 2}; total += p[1]; }
    printf("%d\n", total);
    const int ci = 1; int ii = 2; unsigned char uc = 3;
    printf("%s %s %s %s\n", TY(&ci), TY(&ii), TY(5L), TY(uc));
    printf("%g\n", vsum(4, 1, 2.5, 3, 4.25, (DF){0.5, 0.25f}));
    const char *esc = "\0101\x41\1234\e\x7f";
    printf("%d %d %d %d %d %d\n", esc[0], esc[1], esc[2], esc[3], esc[4], esc[5]);
    printf("%zu %d\n", sizeof("a\0b"), (int)L'\x123');
    for (int k = -2; k <= 2; k++) switch (k) { case -2: printf("m2 "); case -1: printf("m1 "); break; case 0: printf("z "); default: printf("d "); }
    printf("\n");
    _Static_assert(sizeof(union V) == 2, "v");
    static struct { _Alignas(32) char c; } al;  /* over-aligned: static (frames are 16-aligned) */
    printf("%zu %zu\n", _Alignof(al), sizeof al);
    char buf[3][4] = { "ab", [2] = "xy" };
    printf("%s %d %s\n", buf[0], buf[1][0], buf[2]);
    return 0;
}
