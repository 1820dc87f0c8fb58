/* strtod, strtof, atof: decimal and hexadecimal text to the nearest double (or float), correctly rounded.
 *
 * Clinger's "Algorithm R" with big integers, written to be read rather than fast: a first guess from 19 digits
 * is within a few units in the last place; then the exact value D * 10^E * 2^F is compared with the midpoints
 * between the guess and its neighbours, stepping one unit at a time until it lies between them (ties to even).
 * Digits past the 800th only tell whether the value is a little above the digits kept (a sticky flag): a
 * midpoint has at most 767 significant digits, so they can never decide a comparison but the tie.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define MAX_DIGITS 800
#define LIMBS 320 /* 10240 bits: 800 digits times 2^1150, or 5^1200 times 2^60 */

typedef struct {
    int n; /* limbs in use, little-endian; no leading zero limbs */
    uint32_t d[LIMBS];
} big;

static void big_set(big *a, uint64_t v) {
    a->n = 0;
    for (; v; v >>= 32) a->d[a->n++] = (uint32_t)v;
}

static void big_mul_add(big *a, uint32_t m, uint32_t add) {
    uint64_t carry = add;
    for (int i = 0; i < a->n; i++) {
        uint64_t t = (uint64_t)a->d[i] * m + carry;
        a->d[i] = (uint32_t)t;
        carry = t >> 32;
    }
    if (carry && a->n < LIMBS) a->d[a->n++] = (uint32_t)carry;
}

static void big_mul_pow5(big *a, int k) {
    for (; k >= 13; k -= 13) big_mul_add(a, 1220703125u, 0); /* 5^13 */
    uint32_t p = 1;
    while (k-- > 0) p *= 5;
    big_mul_add(a, p, 0);
}

static void big_shl(big *a, int bits) {
    if (a->n == 0 || bits <= 0) return;
    int words = bits / 32, b = bits % 32;
    if (a->n + words + 1 > LIMBS) return; /* cannot happen for the clamped exponents strtod passes */
    a->d[a->n] = 0;
    for (int i = a->n; i >= 0; i--) {
        uint32_t hi = a->d[i] << b;
        uint32_t lo = (b && i > 0) ? a->d[i - 1] >> (32 - b) : 0;
        a->d[i + words] = hi | lo;
    }
    for (int i = 0; i < words; i++) a->d[i] = 0;
    a->n += words + 1;
    while (a->n && a->d[a->n - 1] == 0) a->n--;
}

static int big_cmp(const big *a, const big *b) {
    if (a->n != b->n) return a->n < b->n ? -1 : 1;
    for (int i = a->n - 1; i >= 0; i--)
        if (a->d[i] != b->d[i]) return a->d[i] < b->d[i] ? -1 : 1;
    return 0;
}

/* The number being converted: (digits + a little if sticky) * 10^e10 * 2^e2, digits a decimal integer. */
typedef struct {
    char digits[MAX_DIGITS];
    int ndigits;
    int sticky;
    int e10, e2;
} exact;

static big lhs, rhs; /* scratch for compare (too big for a small stack) */

/* Compares the exact value with k * 2^p: -1, 0 or 1. */
static int compare(const exact *x, uint64_t k, int p) {
    big_set(&lhs, 0);
    for (int i = 0; i < x->ndigits; i++) {
        if (lhs.n == 0) big_set(&lhs, (uint64_t)(x->digits[i] - '0'));
        else big_mul_add(&lhs, 10, (uint32_t)(x->digits[i] - '0'));
    }
    big_set(&rhs, k);
    /* digits * 5^e10 * 2^(e10 + e2) against k * 2^p */
    if (x->e10 >= 0) big_mul_pow5(&lhs, x->e10);
    else big_mul_pow5(&rhs, -x->e10);
    int shift = x->e10 + x->e2 - p;
    if (shift >= 0) big_shl(&lhs, shift);
    else big_shl(&rhs, -shift);
    int c = big_cmp(&lhs, &rhs);
    return c == 0 && x->sticky ? 1 : c;
}

/* A binary format: float or double. */
typedef struct {
    int mant_bits; /* with the hidden bit: 24 or 53 */
    int min_exp;   /* the exponent of the smallest subnormal's unit: -149 or -1074 */
    uint64_t inf_bits;
} format;

static const format DOUBLE = {53, -1074, 0x7ff0000000000000ull};
static const format FLOAT = {24, -149, 0x7f800000ull};

/* bits (a positive finite value or +inf) as m * 2^e */
static void split(const format *f, uint64_t bits, uint64_t *m, int *e) {
    int frac_bits = f->mant_bits - 1;
    uint64_t frac = bits & ((1ull << frac_bits) - 1);
    int biased = (int)(bits >> frac_bits);
    if (biased == 0) {
        *m = frac;
        *e = f->min_exp;
    } else {
        *m = frac | (1ull << frac_bits);
        *e = f->min_exp + biased - 1;
    }
}

/* The bits of the value nearest x, from a guess (the bits of a nearby value); sets errno on overflow/underflow. */
static uint64_t round_exactly(const format *f, const exact *x, uint64_t guess) {
    uint64_t bits = guess > f->inf_bits ? f->inf_bits : guess;
    uint64_t hidden = 1ull << (f->mant_bits - 1);
    for (;;) {
        uint64_t m;
        int e;
        split(f, bits, &m, &e);
        if (bits < f->inf_bits) {
            int c = compare(x, 2 * m + 1, e - 1); /* the midpoint with the next value up */
            if (c > 0 || (c == 0 && (m & 1))) {
                bits++;
                continue;
            }
        }
        if (bits > 0) {
            int c = (m == hidden && e > f->min_exp) ? compare(x, 4 * m - 1, e - 2) : compare(x, 2 * m - 1, e - 1);
            if (c < 0 || (c == 0 && (m & 1))) {
                bits--;
                continue;
            }
        }
        break;
    }
    if (bits == f->inf_bits) errno = ERANGE;
    else if (bits < hidden) { /* subnormal or zero: an underflow when inexact */
        uint64_t m;
        int e;
        split(f, bits, &m, &e);
        if (x->sticky || compare(x, m, e) != 0) errno = ERANGE;
    }
    return bits;
}

static int hex_value(int c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Reads the signed decimal exponent after the letter at p (its size capped: beyond 100000 only "huge" matters)
 * and adds it to *e; returns the end, or p itself when no digit follows, as the letter is then not part of the
 * number. */
static const char *read_exponent(const char *p, int *e) {
    const char *q = p + 1;
    int neg = 0, value = 0;
    if (*q == '+' || *q == '-') neg = *q++ == '-';
    if (!isdigit((unsigned char)*q)) return p;
    for (; isdigit((unsigned char)*q); q++)
        if (value < 100000) value = value * 10 + (*q - '0');
    *e += neg ? -value : value;
    return q;
}

/* Reads a hexadecimal significand and binary exponent after "0x" into x (as a decimal integer times 2^e2). */
static const char *read_hex(const char *p, exact *x, int *any) {
    uint64_t mant = 0;
    int e2 = 0;
    for (int seen_point = 0;; p++) {
        if (*p == '.' && !seen_point) {
            seen_point = 1;
            continue;
        }
        int v = hex_value((unsigned char)*p);
        if (v < 0) break;
        *any = 1;
        if (mant >> 60) { /* keep 60 bits; the rest only matters as a sticky bit */
            x->sticky |= v != 0;
            if (!seen_point) e2 += 4;
        } else {
            mant = mant * 16 + (uint64_t)v;
            if (seen_point) e2 -= 4;
        }
    }
    if (*any && (*p == 'p' || *p == 'P')) p = read_exponent(p, &e2);
    /* mant as decimal digits: at most 19 */
    char tmp[24];
    int n = 0;
    for (; mant; mant /= 10) tmp[n++] = (char)('0' + mant % 10);
    for (int i = 0; i < n; i++) x->digits[i] = tmp[n - 1 - i];
    x->ndigits = n;
    x->e2 = e2;
    return p;
}

/* Reads decimal digits, a point and an exponent into x; leading zeros are dropped, digits past MAX_DIGITS
 * become the sticky flag. */
static const char *read_decimal(const char *p, exact *x, int *any) {
    int seen_point = 0;
    for (;; p++) {
        if (*p == '.' && !seen_point) {
            seen_point = 1;
            continue;
        }
        if (!isdigit((unsigned char)*p)) break;
        *any = 1;
        if (x->ndigits == 0 && *p == '0') {
            if (seen_point) x->e10--;
        } else if (x->ndigits < MAX_DIGITS) {
            x->digits[x->ndigits++] = *p;
            if (seen_point) x->e10--;
        } else {
            x->sticky |= *p != '0';
            if (!seen_point) x->e10++;
        }
    }
    if (*any && (*p == 'e' || *p == 'E')) p = read_exponent(p, &x->e10);
    return p;
}

static double pow10_approx(int e) {
    double r = 1, b = 10;
    int n = e < 0 ? -e : e;
    for (; n; n >>= 1, b *= b)
        if (n & 1) r *= b;
    return e < 0 ? 1 / r : r;
}

/* A guess within a few units in the last place (or a bound), as the bits of a double. */
static uint64_t guess_double(const exact *x) {
    double v = 0;
    for (int i = 0; i < x->ndigits && i < 19; i++) v = v * 10 + (x->digits[i] - '0');
    int e10 = x->e10 + (x->ndigits > 19 ? x->ndigits - 19 : 0);
    if (e10 < -300) v = v * pow10_approx(-300) * pow10_approx(e10 + 300);
    else v *= pow10_approx(e10);
    if (x->e2) { /* hexadecimal: scale by 2^e2 in safe steps */
        int e2 = x->e2;
        for (; e2 > 0; e2--) v *= 2;
        for (; e2 < 0; e2++) v *= 0.5;
    }
    uint64_t bits;
    memcpy(&bits, &v, sizeof bits);
    return bits;
}

/* Parses like strtod; the result is the bits of the nearest value in format f (sign separate). */
static uint64_t parse(const char *s, char **end, const format *f, int *neg) {
    const char *p = s;
    while (isspace((unsigned char)*p)) p++;
    *neg = 0;
    if (*p == '+' || *p == '-') *neg = *p++ == '-';
    if (strncasecmp(p, "inf", 3) == 0) {
        p += strncasecmp(p, "infinity", 8) == 0 ? 8 : 3;
        if (end) *end = (char *)p;
        return f->inf_bits;
    }
    if (strncasecmp(p, "nan", 3) == 0) {
        p += 3;
        if (*p == '(') { /* nan(chars) */
            const char *q = p + 1;
            while (isalnum((unsigned char)*q) || *q == '_') q++;
            if (*q == ')') p = q + 1;
        }
        if (end) *end = (char *)p;
        return f->inf_bits | 1ull << (f->mant_bits - 2); /* the quiet NaN */
    }
    static exact x;
    memset(&x, 0, sizeof x);
    int any = 0;
    const char *q;
    int is_hex = p[0] == '0' && (p[1] == 'x' || p[1] == 'X');
    if (is_hex) is_hex = hex_value((unsigned char)p[2]) >= 0 || (p[2] == '.' && hex_value((unsigned char)p[3]) >= 0);
    if (is_hex) {
        q = read_hex(p + 2, &x, &any);
    } else {
        q = read_decimal(p, &x, &any);
    }
    if (!any) { /* no conversion: +0, and the end is the start */
        if (end) *end = (char *)s;
        *neg = 0;
        return 0;
    }
    if (end) *end = (char *)q;
    if (x.ndigits == 0) return 0;
    /* clamp what cannot matter: far beyond the largest value, or far below half the smallest */
    int magnitude10 = x.e10 + x.ndigits + (x.e2 > 0 ? x.e2 / 3 : -(-x.e2 / 4));
    if (magnitude10 > 400) {
        errno = ERANGE;
        return f->inf_bits;
    }
    if (magnitude10 < -400) {
        errno = ERANGE;
        return 0;
    }
    uint64_t guess = guess_double(&x);
    if (f == &FLOAT) {
        double d;
        memcpy(&d, &guess, sizeof d);
        float g = (float)d;
        uint32_t fb;
        memcpy(&fb, &g, sizeof fb);
        guess = fb & 0x7fffffff;
    } else {
        guess &= 0x7fffffffffffffffull;
    }
    return round_exactly(f, &x, guess);
}

double strtod(const char *s, char **end) {
    int neg;
    uint64_t bits = parse(s, end, &DOUBLE, &neg);
    double v;
    memcpy(&v, &bits, sizeof v);
    return neg ? -v : v;
}

float strtof(const char *s, char **end) {
    int neg;
    uint32_t bits = (uint32_t)parse(s, end, &FLOAT, &neg);
    float v;
    memcpy(&v, &bits, sizeof v);
    return neg ? -v : v;
}

double atof(const char *s) { return strtod(s, 0); }
