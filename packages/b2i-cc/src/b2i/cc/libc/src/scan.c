/* The scanf family: %d %i %u %x %o %ld %lu %f %lf %e %g %s %c %[ %n %% with widths and *, over a char source. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct source {
    FILE *f;
    const char *s;
    int count; /* characters consumed */
};

static int next_char(struct source *src) {
    int c;
    if (src->f) c = fgetc(src->f);
    else c = *src->s ? (unsigned char)*src->s++ : EOF;
    if (c != EOF) src->count++;
    return c;
}

static void back(struct source *src, int c) {
    if (c == EOF) return;
    src->count--;
    if (src->f) ungetc(c, src->f);
    else src->s--;
}

static int skip_space(struct source *src) {
    int c;
    do c = next_char(src);
    while (c != EOF && isspace(c));
    back(src, c);
    return c;
}

/* Appends c to buf when it is a sign and there is room, then reads on; returns the character after. */
static int take_sign(struct source *src, char *buf, int *n, int width, int c) {
    if ((c != '+' && c != '-') || *n >= width) return c;
    buf[(*n)++] = (char)c;
    return next_char(src);
}

/* Takes the '0' in *c, then an 'x' or 'X' after it when there is room; says whether it took the x. *c is left
 * holding the character after what was taken. */
static int take_zero_x(struct source *src, char *buf, int *n, int width, int *c) {
    buf[(*n)++] = (char)*c;
    *c = next_char(src);
    if ((*c != 'x' && *c != 'X') || *n >= width) return 0;
    buf[(*n)++] = (char)*c;
    *c = next_char(src);
    return 1;
}

/* Collects the longest prefix that looks like a number into buf (at most width chars). */
static int collect_number(struct source *src, char *buf, int width, int is_float, int base) {
    int n = 0;
    int c = take_sign(src, buf, &n, width, next_char(src));
    int digits = 0, seen_dot = 0, seen_exp = 0;
    if (is_float && (c == 'i' || c == 'I' || c == 'n' || c == 'N')) { /* inf, infinity, nan, nan(chars) */
        const char *word = (c == 'i' || c == 'I') ? "infinity" : "nan";
        int k = 0;
        while (word[k] && n < width && tolower(c) == word[k]) {
            buf[n++] = (char)c;
            c = next_char(src);
            k++;
        }
        if (word[0] == 'n' && k == 3 && c == '(' && n < width) {
            do {
                buf[n++] = (char)c;
                c = next_char(src);
            } while (n < width && (isalnum(c) || c == '_'));
            if (c == ')' && n < width) {
                buf[n++] = (char)c;
                c = next_char(src);
            }
        }
        back(src, c);
        buf[n] = 0;
        return k == 3 || k == 8;
    }
    if (is_float && c == '0' && n < width) { /* a hexadecimal float: 0x digits [. digits] [p exponent] */
        digits = 1;
        if (take_zero_x(src, buf, &n, width, &c)) {
            int start = n; /* glibc: "0x" alone is a matching failure, "0x." or "0xp1" a zero */
            while (c != EOF && n < width) {
                if (!seen_exp && isxdigit(c)) digits = 1;
                else if (!seen_exp && c == '.' && !seen_dot) seen_dot = 1;
                else if (!seen_exp && (c == 'p' || c == 'P')) {
                    seen_exp = 1;
                    buf[n++] = (char)c;
                    c = take_sign(src, buf, &n, width, next_char(src));
                    continue;
                } else if (!(seen_exp && isdigit(c))) break;
                buf[n++] = (char)c;
                c = next_char(src);
            }
            back(src, c);
            buf[n] = 0;
            return n > start;
        }
    }
    if (!is_float && (base == 16 || base == 0) && c == '0' && n < width) {
        digits = 1;
        if (take_zero_x(src, buf, &n, width, &c)) base = 16;
        else if (base == 0) base = 8;
    }
    if (base == 0) base = 10;
    while (c != EOF && n < width) {
        if (is_float) {
            if (isdigit(c)) digits = 1;
            else if (c == '.' && !seen_dot && !seen_exp) seen_dot = 1;
            else if ((c == 'e' || c == 'E') && digits && !seen_exp) {
                seen_exp = 1;
                buf[n++] = (char)c;
                c = take_sign(src, buf, &n, width, next_char(src));
                continue;
            } else break;
        } else {
            int d = isdigit(c) ? c - '0' : isalpha(c) ? tolower(c) - 'a' + 10 : 99;
            if (d >= base) break;
            digits = 1;
        }
        buf[n++] = (char)c;
        c = next_char(src);
    }
    back(src, c);
    buf[n] = 0;
    return digits;
}

/* Is c in a %[...] set (the text between the brackets, ranges like a-z allowed)? */
static int in_scanset(const char *set, int n, int c) {
    for (int i = 0; i < n; i++) {
        if (i + 2 < n && set[i + 1] == '-') {
            if (c >= (unsigned char)set[i] && c <= (unsigned char)set[i + 2]) return 1;
            i += 2;
        } else if ((unsigned char)set[i] == c) {
            return 1;
        }
    }
    return 0;
}

static int scan(struct source *src, const char *fmt, va_list ap) {
    int assigned = 0;
    while (*fmt) {
        if (isspace((unsigned char)*fmt)) {
            skip_space(src);
            fmt++;
            continue;
        }
        if (*fmt != '%' || fmt[1] == '%') {
            if (*fmt == '%') fmt++;
            int c = next_char(src);
            if (c != (unsigned char)*fmt) {
                back(src, c);
                return c == EOF && assigned == 0 ? EOF : assigned;
            }
            fmt++;
            continue;
        }
        fmt++;
        int suppress = 0;
        if (*fmt == '*') {
            suppress = 1;
            fmt++;
        }
        int width = 0;
        while (isdigit((unsigned char)*fmt)) width = width * 10 + (*fmt++ - '0');
        int size = 0;
        while (*fmt == 'h' || *fmt == 'l' || *fmt == 'z' || *fmt == 'L' || *fmt == 'j' || *fmt == 't') {
            size = *fmt == 'h' ? size - 1 : 1;
            fmt++;
        }
        char conv = *fmt++;
        if (conv == 'n') {
            if (!suppress) *va_arg(ap, int *) = src->count;
            continue;
        }
        if (conv != 'c' && conv != '[') {
            if (skip_space(src) == EOF) return assigned == 0 ? EOF : assigned;
        }
        if (width == 0) width = conv == 'c' ? 1 : 400;
        char buf[401];
        switch (conv) {
        case 'd': case 'i': case 'u': case 'x': case 'X': case 'o': {
            int base = conv == 'i' ? 0 : conv == 'o' ? 8 : (conv == 'x' || conv == 'X') ? 16 : 10;
            if (!collect_number(src, buf, width, 0, base)) return assigned;
            if (suppress) break;
            long v = conv == 'u' ? (long)strtoul(buf, 0, base) : strtol(buf, 0, base);
            if (conv == 'x' || conv == 'X' || conv == 'o') v = (long)strtoul(buf, 0, base);
            if (size >= 1) *va_arg(ap, long *) = v;
            else if (size == -1) *va_arg(ap, short *) = (short)v;
            else if (size <= -2) *va_arg(ap, char *) = (char)v;
            else *va_arg(ap, int *) = (int)v;
            assigned++;
            break;
        }
        case 'f': case 'e': case 'g': case 'E': case 'G': case 'a': {
            if (!collect_number(src, buf, width, 1, 10)) return assigned;
            if (suppress) break;
            double v = strtod(buf, 0);
            if (size >= 1) *va_arg(ap, double *) = v;
            else *va_arg(ap, float *) = (float)v;
            assigned++;
            break;
        }
        case 'c': {
            char *out = suppress ? 0 : va_arg(ap, char *);
            for (int i = 0; i < width; i++) {
                int c = next_char(src);
                if (c == EOF) return assigned == 0 ? EOF : assigned;
                if (out) out[i] = (char)c;
            }
            if (out) assigned++;
            break;
        }
        case 's':
        case '[': { /* %s: up to a space; %[set] or %[^set]: while in (or not in) the set */
            const char *set = 0;
            int setlen = 0, negate = 0;
            if (conv == '[') {
                negate = *fmt == '^';
                if (negate) fmt++;
                set = fmt;
                if (*fmt == ']') fmt++;
                while (*fmt && *fmt != ']') fmt++;
                setlen = (int)(fmt - set);
                if (*fmt) fmt++;
            }
            char *out = suppress ? 0 : va_arg(ap, char *);
            int n = 0, c = EOF;
            while (n < width && (c = next_char(src)) != EOF) {
                if (set ? in_scanset(set, setlen, c) == negate : isspace(c)) break;
                if (out) out[n] = (char)c;
                n++;
            }
            if (n < width) back(src, c);
            if (n == 0) return assigned;
            if (out) {
                out[n] = 0;
                assigned++;
            }
            break;
        }
        default:
            return assigned;
        }
    }
    return assigned;
}

int vsscanf(const char *s, const char *fmt, va_list ap) {
    struct source src = {0, s, 0};
    return scan(&src, fmt, ap);
}

int vfscanf(FILE *f, const char *fmt, va_list ap) {
    struct source src = {f, 0, 0};
    return scan(&src, fmt, ap);
}

int sscanf(const char *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vsscanf(s, fmt, ap);
    va_end(ap);
    return r;
}

int fscanf(FILE *f, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vfscanf(f, fmt, ap);
    va_end(ap);
    return r;
}

int scanf(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vfscanf(stdin, fmt, ap);
    va_end(ap);
    return r;
}
