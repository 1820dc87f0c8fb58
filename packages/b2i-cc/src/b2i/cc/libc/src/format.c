/* The printf engine: every conversion of the printf family, writing through a sink function.
 *
 * Floating conversions are exact: a double is m * 2^e, so its decimal expansion is the digits of m * 5^-e
 * (or m * 2^e) computed in a base-10^9 big integer, then rounded half-to-even like glibc.
 */
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

typedef void (*sink_fn)(void *ctx, const char *s, size_t n);

/* The text is gathered in buf and handed to the sink when buf is full and at the end, so a whole printf is
 * usually one call of the sink (one fwrite, one copy into snprintf's buffer). */
struct out {
    sink_fn sink;
    void *ctx;
    size_t count; /* characters produced so far, for the return value and %n */
    size_t used;  /* of buf */
    char buf[256];
};

static void flush(struct out *o) {
    if (o->used) o->sink(o->ctx, o->buf, o->used);
    o->used = 0;
}

static void put(struct out *o, const char *s, size_t n) {
    o->count += n;
    while (n > 0) {
        if (o->used == sizeof o->buf) flush(o);
        size_t k = sizeof o->buf - o->used;
        if (k > n) k = n;
        char *to = o->buf + o->used;
        for (size_t i = 0; i < k; i++) to[i] = s[i];
        o->used += k;
        s += k;
        n -= k;
    }
}

static void pad(struct out *o, char c, int n) {
    if (n <= 0) return;
    char run[16];
    for (int i = 0; i < 16; i++) run[i] = c;
    for (; n > 16; n -= 16) put(o, run, 16);
    put(o, run, n);
}

enum { LEFT = 1, PLUS = 2, SPACE = 4, ALT = 8, ZERO = 16 };

/* Writes prefix (sign, 0x) + zeros + body with the field width; zero padding goes after the prefix. */
static void field(struct out *o, int flags, int width, const char *prefix, int zeros, const char *body, int n) {
    int plen = prefix[0] ? strlen(prefix) : 0;
    int fill = width - (plen + zeros + n); /* the calls below are skipped when they would do nothing */
    if (fill > 0 && !(flags & LEFT) && !(flags & ZERO)) pad(o, ' ', fill);
    if (plen) put(o, prefix, plen);
    if (fill > 0 && !(flags & LEFT) && (flags & ZERO)) pad(o, '0', fill);
    if (zeros > 0) pad(o, '0', zeros);
    put(o, body, n);
    if (fill > 0 && (flags & LEFT)) pad(o, ' ', fill);
}

static void format_integer(struct out *o, unsigned long v, int neg, int base, int upper, int flags, int width,
                           int prec, char conv) {
    char buf[72];
    int n = 0;
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    while (v) {
        buf[sizeof buf - 1 - n++] = digits[v % base];
        v /= base;
    }
    char prefix[4] = "";
    if (neg) strcpy(prefix, "-");
    else if (flags & PLUS) strcpy(prefix, "+");
    else if (flags & SPACE) strcpy(prefix, " ");
    int zeros = 0;
    if (prec >= 0) {
        flags &= ~ZERO;
        if (prec > n) zeros = prec - n;
    } else if (n == 0) {
        zeros = 1;
    }
    if (flags & ALT) {
        if (base == 8 && zeros == 0 && (n == 0 || buf[sizeof buf - n] != '0')) zeros = 1;
        if (base == 16 && n > 0) strcpy(prefix, upper ? "0X" : "0x");
    }
    if (conv == 'p') strcpy(prefix, "0x");
    field(o, flags, width, prefix, zeros, buf + sizeof buf - n, n);
}

/* ---- exact decimal digits of a double ---- */
#define LIMBS 130 /* 130 * 9 = 1170 decimal digits: enough for m * 5^1074 */

struct decimal {
    char digits[1200]; /* most significant first, no leading zeros */
    int n;             /* number of digits */
    int point;         /* the decimal point is after this many digits (may be <= 0 or > n) */
};

static void to_decimal(double x, struct decimal *d) {
    union { double d; unsigned long u; } bits = {x};
    unsigned long m = bits.u & ((1UL << 52) - 1);
    int e = (int)((bits.u >> 52) & 0x7ff);
    if (e) m |= 1UL << 52;
    else e = 1;
    e -= 1075; /* x = m * 2^e */
    unsigned int limb[LIMBS];
    int nl = 0;
    while (m) {
        limb[nl++] = m % 1000000000;
        m /= 1000000000;
    }
    int frac_digits = 0;
    if (e > 0) {
        for (; e > 0; e -= e >= 29 ? 29 : e) {
            int s = e >= 29 ? 29 : e;
            unsigned long carry = 0;
            for (int i = 0; i < nl; i++) {
                unsigned long t = ((unsigned long)limb[i] << s) + carry;
                limb[i] = t % 1000000000;
                carry = t / 1000000000;
            }
            while (carry) {
                limb[nl++] = carry % 1000000000;
                carry /= 1000000000;
            }
        }
    } else {
        frac_digits = -e;
        for (int k = -e; k > 0; k -= k >= 13 ? 13 : k) {
            int s = k >= 13 ? 13 : k;
            unsigned long mul = 1;
            for (int j = 0; j < s; j++) mul *= 5;
            unsigned long carry = 0;
            for (int i = 0; i < nl; i++) {
                unsigned long t = limb[i] * mul + carry;
                limb[i] = t % 1000000000;
                carry = t / 1000000000;
            }
            while (carry) {
                limb[nl++] = carry % 1000000000;
                carry /= 1000000000;
            }
        }
    }
    d->n = 0;
    for (int i = nl - 1; i >= 0; i--) {
        char tmp[9];
        unsigned int v = limb[i];
        for (int j = 8; j >= 0; j--) {
            tmp[j] = '0' + v % 10;
            v /= 10;
        }
        for (int j = 0; j < 9; j++)
            if (d->n > 0 || tmp[j] != '0') d->digits[d->n++] = tmp[j];
    }
    d->point = d->n - frac_digits;
    while (d->n > 0 && d->digits[d->n - 1] == '0') d->n--;
    if (d->n == 0) d->point = 1;
}

/* Keeps the first `keep` digits, rounding half to even on the exact digits after them. */
static void round_decimal(struct decimal *d, int keep) {
    if (keep >= d->n) return;
    if (keep < 0) {
        d->n = 0;
        d->point = 1;
        return;
    }
    int up;
    char next = d->digits[keep];
    if (next > '5') up = 1;
    else if (next < '5') up = 0;
    else {
        up = 0;
        for (int i = keep + 1; i < d->n; i++)
            if (d->digits[i] != '0') up = 1;
        if (!up) up = keep > 0 ? (d->digits[keep - 1] - '0') & 1 : 0;
    }
    d->n = keep;
    if (up) {
        int i = keep - 1;
        while (i >= 0 && d->digits[i] == '9') d->digits[i--] = '0';
        if (i >= 0) {
            d->digits[i]++;
        } else {
            memmove(d->digits + 1, d->digits, keep);
            d->digits[0] = '1';
            d->n++;
            d->point++;
        }
    }
    while (d->n > 0 && d->digits[d->n - 1] == '0') d->n--;
    if (d->n == 0) d->point = 1;
}

static char digit_at(struct decimal *d, int i) { return i >= 0 && i < d->n ? d->digits[i] : '0'; }

static int fixed_body(struct decimal *d, int prec, int alt, char *buf) {
    int n = 0;
    if (d->point <= 0) buf[n++] = '0';
    for (int i = 0; i < d->point; i++) buf[n++] = digit_at(d, i);
    if (prec > 0 || alt) buf[n++] = '.';
    for (int i = 0; i < prec; i++) buf[n++] = digit_at(d, d->point + i);
    return n;
}

static int exp_body(struct decimal *d, int prec, int alt, int upper, char *buf) {
    int n = 0;
    int exp10 = d->n ? d->point - 1 : 0;
    buf[n++] = digit_at(d, 0);
    if (prec > 0 || alt) buf[n++] = '.';
    for (int i = 1; i <= prec; i++) buf[n++] = digit_at(d, i);
    buf[n++] = upper ? 'E' : 'e';
    buf[n++] = exp10 < 0 ? '-' : '+';
    if (exp10 < 0) exp10 = -exp10;
    char e[8];
    int k = 0;
    do {
        e[k++] = '0' + exp10 % 10;
        exp10 /= 10;
    } while (exp10);
    if (k < 2) e[k++] = '0';
    while (k) buf[n++] = e[--k];
    return n;
}

static void format_float(struct out *o, double x, char conv, int flags, int width, int prec) {
    union { double d; unsigned long u; } bits = {x};
    int neg = (int)(bits.u >> 63);
    int upper = conv == 'E' || conv == 'F' || conv == 'G';
    char prefix[2] = "";
    if (neg) prefix[0] = '-';
    else if (flags & PLUS) prefix[0] = '+';
    else if (flags & SPACE) prefix[0] = ' ';
    if (x != x || x - x != x - x) {
        const char *s = x != x ? (upper ? "NAN" : "nan") : (upper ? "INF" : "inf");
        field(o, flags & ~ZERO, width, prefix, 0, s, 3);
        return;
    }
    if (prec < 0) prec = 6;
    static struct decimal d;
    to_decimal(neg ? -x : x, &d);
    static char buf[1400];
    int n;
    int alt = (flags & ALT) != 0;
    if (conv == 'f' || conv == 'F') {
        round_decimal(&d, d.point + prec);
        n = fixed_body(&d, prec, alt, buf);
    } else if (conv == 'e' || conv == 'E') {
        if (d.n) round_decimal(&d, prec + 1);
        n = exp_body(&d, prec, alt, upper, buf);
    } else {
        int p = prec == 0 ? 1 : prec;
        if (d.n) round_decimal(&d, p);
        int x10 = d.n ? d.point - 1 : 0;
        if (p > x10 && x10 >= -4) {
            int fp = p - 1 - x10;
            n = fixed_body(&d, fp, alt, buf);
        } else {
            n = exp_body(&d, p - 1, alt, upper, buf);
        }
        if (!alt) {
            int epos = n;
            for (int i = 0; i < n; i++)
                if (buf[i] == 'e' || buf[i] == 'E') epos = i;
            int dot = -1;
            for (int i = 0; i < epos; i++)
                if (buf[i] == '.') dot = i;
            if (dot >= 0) {
                int end = epos;
                while (end > dot + 1 && buf[end - 1] == '0') end--;
                if (end == dot + 1) end = dot;
                memmove(buf + end, buf + epos, n - epos);
                n = end + (n - epos);
            }
        }
    }
    field(o, flags, width, prefix, 0, buf, n);
}

size_t __format(sink_fn sink, void *ctx, const char *fmt, va_list ap) {
    struct out o;
    o.sink = sink;
    o.ctx = ctx;
    o.count = 0;
    o.used = 0;
    while (*fmt) {
        if (*fmt != '%') {
            const char *start = fmt;
            while (*fmt && *fmt != '%') fmt++;
            put(&o, start, fmt - start);
            continue;
        }
        fmt++;
        int flags = 0;
        for (;; fmt++) {
            if (*fmt == '-') flags |= LEFT;
            else if (*fmt == '+') flags |= PLUS;
            else if (*fmt == ' ') flags |= SPACE;
            else if (*fmt == '#') flags |= ALT;
            else if (*fmt == '0') flags |= ZERO;
            else break;
        }
        int width = 0;
        if (*fmt == '*') {
            width = va_arg(ap, int);
            if (width < 0) {
                flags |= LEFT;
                width = -width;
            }
            fmt++;
        } else {
            while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
        }
        int prec = -1;
        if (*fmt == '.') {
            fmt++;
            prec = 0;
            if (*fmt == '*') {
                prec = va_arg(ap, int);
                if (prec < 0) prec = -1;
                fmt++;
            } else {
                while (*fmt >= '0' && *fmt <= '9') prec = prec * 10 + (*fmt++ - '0');
            }
        }
        int size = 0; /* -2 hh, -1 h, 0 int, 1 long */
        for (;; fmt++) {
            if (*fmt == 'h') size = size == -1 ? -2 : -1;
            else if (*fmt == 'l' || *fmt == 'z' || *fmt == 't' || *fmt == 'j' || *fmt == 'L' || *fmt == 'q') size = 1;
            else break;
        }
        if (flags & LEFT) flags &= ~ZERO;
        char conv = *fmt;
        if (conv) fmt++;
        switch (conv) {
        case 'd':
        case 'i': {
            long v = size == 1 ? va_arg(ap, long) : va_arg(ap, int);
            if (size == -1) v = (short)v;
            if (size == -2) v = (signed char)v;
            format_integer(&o, v < 0 ? -(unsigned long)v : (unsigned long)v, v < 0, 10, 0, flags, width, prec, conv);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long v = size == 1 ? va_arg(ap, unsigned long) : va_arg(ap, unsigned int);
            if (size == -1) v = (unsigned short)v;
            if (size == -2) v = (unsigned char)v;
            int base = conv == 'u' ? 10 : conv == 'o' ? 8 : 16;
            format_integer(&o, v, 0, base, conv == 'X', flags & ~(PLUS | SPACE), width, prec, conv);
            break;
        }
        case 'p': {
            void *p = va_arg(ap, void *);
            if (!p) field(&o, flags & ~ZERO, width, "", 0, "(nil)", 5);
            else format_integer(&o, (unsigned long)p, 0, 16, 0, flags, width, prec, 'p');
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            field(&o, flags & ~ZERO, width, "", 0, &c, 1);
            break;
        }
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s) s = prec < 0 || prec >= 6 ? "(null)" : "";
            int n = prec >= 0 ? (int)strnlen(s, prec) : (int)strlen(s);
            field(&o, flags & ~ZERO, width, "", 0, s, n);
            break;
        }
        case 'f':
        case 'F':
        case 'e':
        case 'E':
        case 'g':
        case 'G':
            format_float(&o, va_arg(ap, double), conv, flags, width, prec);
            break;
        case 'n':
            *va_arg(ap, int *) = (int)o.count;
            break;
        case '%':
            put(&o, "%", 1);
            break;
        default:
            put(&o, "%", 1);
            if (conv) put(&o, fmt - 1, 1);
            break;
        }
    }
    flush(&o);
    return o.count;
}
