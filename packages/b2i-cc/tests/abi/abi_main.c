/* Compiled by b2i-cc, linked with abi_gcc.c compiled by gcc: every call crosses the compiler boundary. */
#include <stdarg.h>
#include <stdio.h>
#include "abi_types.h"

static double callback(struct small s, struct dd d, struct big b, struct fi f, float g, int k) {
    return s.a * 1000 + s.b * 100 + d.x * 10 + d.y + b.v[3] * 7 + b.d + f.f * 3 + f.i + g + k;
}

static long our_varargs(int n, ...) {
    va_list ap;
    va_start(ap, n);
    long a = va_arg(ap, long);
    double b = va_arg(ap, double);
    struct pairl p = va_arg(ap, struct pairl);
    int c = va_arg(ap, int);
    double d = va_arg(ap, double);
    va_end(ap);
    return n + a * 10 + (long)(b * 100) + p.a * 1000 + p.b * 10000 + c * 100000L + (long)(d * 1000000);
}

int main(void) {
    struct small s = {3, 4};
    printf("%ld\n", gcc_sum_small(s));
    struct pairl p = gcc_make_pair(7, 9);
    printf("%ld %ld\n", p.a, p.b);
    struct dd d = gcc_scale((struct dd){1.5, 2.5}, 4.0);
    printf("%g %g\n", d.x, d.y);
    struct fi f = gcc_fi((struct fi){1.25f, 10});
    printf("%g %d\n", f.f, f.i);
    struct id i = gcc_id((struct id){41, 10.0});
    printf("%d %g\n", i.i, i.d);
    struct big b = {{1, 2, 3, 4}, 0.5};
    struct big b2 = gcc_big(b, 10);
    printf("%ld %ld %ld %ld %g | %ld\n", b2.v[0], b2.v[1], b2.v[2], b2.v[3], b2.d, b.v[3]);
    struct chars c = gcc_chars((struct chars){{'a', 'b', 'c'}});
    printf("%c%c%c\n", c.c[0], c.c[1], c.c[2]);
    printf("%g\n", gcc_f1((struct f1){3.5f}).f);
    struct nest n = gcc_nest((struct nest){{1.5f}, 4.0f});
    printf("%g %g\n", n.in.x, n.y);
    printf("%.6f\n", gcc_mix(1, 2.0, 3.0f, 4, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0, 12, 13.0f));
    printf("%ld\n", gcc_many(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, (struct pairl){11, 12}, (struct small){13, 14}));
    printf("%d %g\n", gcc_vsum(4, 1, 2, 3, 4), gcc_vdsum(3, 0.5, 1.5, 2.5));
    printf("%.4f\n", gcc_calls_back(callback, 6));
    printf("%ld\n", gcc_calls_our_varargs(our_varargs));
    return 0;
}
