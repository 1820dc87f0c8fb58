/* Variadic functions: our own va_arg over ints, longs, doubles, pointers and structs; passing va_list on. */
#include <stdio.h>
#include <stdarg.h>
#include <string.h>

struct pair { int a, b; };
struct triple { long x, y, z; };

static long sum(int n, ...) {
    va_list ap;
    va_start(ap, n);
    long total = 0;
    for (int i = 0; i < n; i++) total += va_arg(ap, int);
    va_end(ap);
    return total;
}

static double mean(int n, ...) {
    va_list ap;
    va_start(ap, n);
    double total = 0;
    for (int i = 0; i < n; i++) total += va_arg(ap, double);
    va_end(ap);
    return total / n;
}

static void describe(const char *kinds, ...) {
    va_list ap;
    va_start(ap, kinds);
    for (const char *k = kinds; *k; k++) {
        switch (*k) {
        case 'i': printf("i:%d ", va_arg(ap, int)); break;
        case 'l': printf("l:%ld ", va_arg(ap, long)); break;
        case 'd': printf("d:%g ", va_arg(ap, double)); break;
        case 's': printf("s:%s ", va_arg(ap, char *)); break;
        case 'p': { struct pair p = va_arg(ap, struct pair); printf("p:%d,%d ", p.a, p.b); break; }
        case 't': { struct triple t = va_arg(ap, struct triple); printf("t:%ld,%ld,%ld ", t.x, t.y, t.z); break; }
        }
    }
    va_end(ap);
    printf("\n");
}

static int format(char *buf, size_t n, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vsnprintf(buf, n, fmt, ap);
    va_end(ap);
    return r;
}

int main(void) {
    printf("%ld %ld\n", sum(3, 1, 2, 3), sum(10, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10));
    printf("%g\n", mean(4, 1.0, 2.5, 3.5, 5.0));
    struct pair p = {3, 4};
    struct triple t = {7, 8, 9};
    describe("ildsptid", 1, 2L, 3.5, "four", p, t, 5, 6.25);
    char buf[64];
    int r = format(buf, sizeof buf, "%d-%s-%.2f", 12, "ab", 3.14159);
    printf("%s %d %lu\n", buf, r, strlen(buf));
    printf("%d %ld %s %c %5.1f %-4d| %08.3f %x %o %p\n", 1, 2L, "three", 'c', 5.55, 6, -7.5, 255, 8, (void *)0);
    return 0;
}
