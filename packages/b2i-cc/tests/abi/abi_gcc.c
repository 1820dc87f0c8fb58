/* Compiled by riscv64-linux-gnu-gcc -O2: the other side of every call in abi_main.c. */
#include <stdarg.h>
#include "abi_types.h"

long gcc_sum_small(struct small s) { return s.a * 100L + s.b; }
struct pairl gcc_make_pair(long a, long b) { struct pairl p = {a * 2, b * 3}; return p; }
struct dd gcc_scale(struct dd p, double k) { p.x *= k; p.y -= k; return p; }
struct fi gcc_fi(struct fi v) { v.f *= 2.5f; v.i -= 7; return v; }
struct id gcc_id(struct id v) { v.i += 1; v.d /= 4; return v; }
struct big gcc_big(struct big b, int k) { for (int i = 0; i < 4; i++) b.v[i] += k * i; b.d += k; return b; }
struct chars gcc_chars(struct chars c) { c.c[0]++; c.c[2] = 'z'; return c; }
struct f1 gcc_f1(struct f1 v) { v.f = -v.f; return v; }
struct nest gcc_nest(struct nest v) { float t = v.in.x; v.in.x = v.y; v.y = t * 2; return v; }
double gcc_mix(int a, double b, float c, long d, double e, double f, double g, double h, double i, double j,
               double k, int l, float m) {
    return a + b * 2 + c * 3 + d * 4 + e * 5 + f * 6 + g * 7 + h * 8 + i * 9 + j * 10 + k * 11 + l * 12 + m * 13;
}
long gcc_many(long a1, long a2, long a3, long a4, long a5, long a6, long a7, long a8, long a9, long a10,
              struct pairl p, struct small s) {
    return a1 + 2 * a2 + 3 * a3 + 4 * a4 + 5 * a5 + 6 * a6 + 7 * a7 + 8 * a8 + 9 * a9 + 10 * a10 + 11 * p.a
           + 12 * p.b + 13 * s.a + 14 * s.b;
}
int gcc_vsum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    int t = 0;
    for (int i = 0; i < n; i++) t += va_arg(ap, int) * (i + 1);
    va_end(ap);
    return t;
}
double gcc_vdsum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    double t = 0;
    for (int i = 0; i < n; i++) t += va_arg(ap, double) * (i + 1);
    va_end(ap);
    return t;
}
double gcc_calls_back(double (*fn)(struct small, struct dd, struct big, struct fi, float, int), int k) {
    struct small s = {k, k + 1};
    struct dd d = {k * 0.5, k * 0.25};
    struct big b = {{1, 2, 3, k}, 0.125};
    struct fi f = {1.5f, k * 3};
    return fn(s, d, b, f, 2.5f, -k);
}
long gcc_calls_our_varargs(long (*fn)(int, ...)) {
    struct pairl p = {5, 6};
    return fn(5, 10L, 2.5, p, 30, 4.25);
}
