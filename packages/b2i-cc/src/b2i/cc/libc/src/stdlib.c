/* stdlib.h: number parsing, integer helpers, glibc-compatible rand (qsort and bsearch are in sort.c). */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

int abs(int x) { return x < 0 ? -x : x; }
long labs(long x) { return x < 0 ? -x : x; }
long long llabs(long long x) { return x < 0 ? -x : x; }
div_t div(int a, int b) { div_t r = {a / b, a % b}; return r; }
ldiv_t ldiv(long a, long b) { ldiv_t r = {a / b, a % b}; return r; }

static int digit_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'z') return c - 'a' + 10;
    if (c >= 'A' && c <= 'Z') return c - 'A' + 10;
    return 99;
}

/* Parses an unsigned magnitude; *neg gets the sign, *overflow is set past ULONG_MAX. */
static unsigned long parse_integer(const char *s, char **end, int base, int *neg, int *overflow) {
    const char *p = s;
    *neg = 0;
    *overflow = 0;
    while (isspace((unsigned char)*p)) p++;
    if (*p == '+' || *p == '-') *neg = *p++ == '-';
    if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') && digit_value(p[2]) < 16) {
        p += 2;
        base = 16;
    } else if (base == 0) {
        base = *p == '0' ? 8 : 10;
    }
    const char *start = p;
    unsigned long v = 0;
    for (; digit_value((unsigned char)*p) < base; p++) {
        unsigned d = digit_value((unsigned char)*p);
        if (v > (ULONG_MAX - d) / base) *overflow = 1;
        v = v * base + d;
    }
    if (end) *end = (char *)(p == start ? s : p);
    return v;
}

long strtol(const char *s, char **end, int base) {
    int neg, overflow;
    unsigned long v = parse_integer(s, end, base, &neg, &overflow);
    if (overflow || (!neg && v > LONG_MAX) || (neg && v > (unsigned long)LONG_MAX + 1)) {
        errno = ERANGE;
        return neg ? LONG_MIN : LONG_MAX;
    }
    return neg ? -(long)v : (long)v;
}

unsigned long strtoul(const char *s, char **end, int base) {
    int neg, overflow;
    unsigned long v = parse_integer(s, end, base, &neg, &overflow);
    if (overflow) {
        errno = ERANGE;
        return ULONG_MAX;
    }
    return neg ? -v : v;
}

long long strtoll(const char *s, char **end, int base) { return strtol(s, end, base); }
unsigned long long strtoull(const char *s, char **end, int base) { return strtoul(s, end, base); }
int atoi(const char *s) { return (int)strtol(s, 0, 10); }
long atol(const char *s) { return strtol(s, 0, 10); }
long long atoll(const char *s) { return strtol(s, 0, 10); }

/* The additive feedback generator glibc's rand() uses, so the same seed gives the same numbers. */
static int state_pos = -1;
static unsigned int ring[31];
static int front, rear;

void srand(unsigned seed) {
    int r[34];
    r[0] = seed ? (int)seed : 1;
    for (int i = 1; i < 31; i++) {
        long hi = r[i - 1] / 127773, lo = r[i - 1] % 127773;
        long word = 16807 * lo - 2836 * hi;
        if (word < 0) word += 2147483647;
        r[i] = (int)word;
    }
    for (int i = 0; i < 31; i++) ring[i] = (unsigned)r[i];
    front = 3;
    rear = 0;
    state_pos = 0;
    for (int i = 0; i < 310; i++) rand();
}

int rand(void) {
    if (state_pos < 0) srand(1);
    ring[front] += ring[rear];
    unsigned int result = ring[front] >> 1;
    front = (front + 1) % 31;
    rear = (rear + 1) % 31;
    return (int)result;
}

int system(const char *cmd) {
    (void)cmd;
    return -1;
}
