/* Integer arithmetic: promotions, usual arithmetic conversions, wrap-around, shifts, division signs. */
#include <stdio.h>
#include <limits.h>

static int collatz(unsigned long n) {
    int steps = 0;
    while (n != 1) {
        n = n % 2 ? 3 * n + 1 : n / 2;
        steps++;
    }
    return steps;
}

int main(void) {
    int a = 7, b = -3;
    printf("%d %d %d %d\n", a / b, a % b, -a / 2, -a % 2);
    unsigned u = 3;
    printf("%d %u\n", -1 < u, (unsigned)-1);
    long l = 1L << 40;
    printf("%ld %ld %lx\n", l, l >> 3, (unsigned long)-l);
    unsigned char uc = 250;
    uc += 10;
    signed char sc = 127;
    sc++;
    short s = -2;
    unsigned short us = s;
    printf("%d %d %d %u\n", uc, sc, s, us);
    printf("%d %d\n", INT_MAX + 0U > 0, (int)(INT_MAX + 1U));
    unsigned int x = 0xdeadbeef;
    printf("%x %x %x %u\n", x >> 4, x << 4, ~x, x * 3);
    int y = -17;
    printf("%d %d %d\n", y >> 2, y << 3, y & 0xff);
    long long big = 9223372036854775807LL;
    printf("%lld %llu\n", big, (unsigned long long)big + 2);
    printf("%d %d %d\n", collatz(27), collatz(97), collatz(871));
    int i = 5;
    i *= 3; i -= 4; i /= 2; i %= 4; i <<= 3; i >>= 1; i |= 1; i &= 13; i ^= 6;
    printf("%d\n", i);
    printf("%d %d %d\n", 10 == 10, 3 != 3, !5);
    printf("%lu %lu %lu %lu\n", sizeof(char), sizeof(short), sizeof(long), sizeof(1 + 1L));
    char c = 'A';
    printf("%d %c\n", c + 1, c + 2);
    unsigned long h = 1469598103934665603UL;
    for (const char *p = "hash me"; *p; p++) {
        h ^= (unsigned char)*p;
        h *= 1099511628211UL;
    }
    printf("%lu\n", h);
    return (a + b) & 0x7f;
}
