/* string.h. memcpy, memset, strlen and strcmp go 8 bytes a step once the pointers are aligned (memcpy shifts
 * words when source and destination are differently misaligned; strcmp needs them equally misaligned); the rest
 * is byte at a time, written to be read. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define ONES 0x0101010101010101ull
#define HIGH_BITS 0x8080808080808080ull

void *memcpy(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (n >= 16) {
        size_t head = -(uintptr_t)d & 7; /* bytes up to the first aligned destination word */
        for (size_t i = 0; i < head; i++) d[i] = s[i];
        d += head;
        s += head;
        n -= head;
        uint64_t *dw = (uint64_t *)d;
        size_t skew = (uintptr_t)s & 7;
        if (skew == 0) {
            const uint64_t *sw = (const uint64_t *)s;
            for (; n >= 32; n -= 32, dw += 4, sw += 4) {
                dw[0] = sw[0];
                dw[1] = sw[1];
                dw[2] = sw[2];
                dw[3] = sw[3];
            }
            for (; n >= 8; n -= 8, dw++, sw++) *dw = *sw;
        } else {
            /* each aligned source word gives the high bytes of one destination word and the low bytes of the next
             * (little-endian); only whole aligned words holding some source byte are read, so no read crosses
             * into a page the source does not touch */
            unsigned shift = skew * 8;
            const uint64_t *sw = (const uint64_t *)(s - skew);
            uint64_t low = *sw;
            for (; n >= 8; n -= 8, dw++) {
                uint64_t high = *++sw;
                *dw = low >> shift | high << (64 - shift);
                low = high;
            }
        }
        s += (unsigned char *)dw - d;
        d = (unsigned char *)dw;
    }
    for (size_t i = 0; i < n; i++) d[i] = s[i];
    return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
    unsigned char *d = dst;
    const unsigned char *s = src;
    if (d + n <= s || s + n <= d) return memcpy(dst, src, n); /* apart */
    if (d < s) {
        for (size_t i = 0; i < n; i++) d[i] = s[i];
    } else {
        while (n--) d[n] = s[n];
    }
    return dst;
}

void *memset(void *p, int c, size_t n) {
    unsigned char *d = p, byte = (unsigned char)c;
    if (n >= 16) {
        uint64_t word = byte * ONES;
        size_t head = -(uintptr_t)d & 7; /* bytes up to the first aligned word */
        for (size_t i = 0; i < head; i++) d[i] = byte;
        d += head;
        n -= head;
        uint64_t *w = (uint64_t *)d;
        for (; n >= 64; n -= 64, w += 8) {
            w[0] = word;
            w[1] = word;
            w[2] = word;
            w[3] = word;
            w[4] = word;
            w[5] = word;
            w[6] = word;
            w[7] = word;
        }
        for (; n >= 8; n -= 8, w++) *w = word;
        d = (unsigned char *)w;
    }
    for (size_t i = 0; i < n; i++) d[i] = byte;
    return p;
}

int memcmp(const void *a, const void *b, size_t n) {
    const unsigned char *x = a, *y = b;
    for (; n; n--, x++, y++)
        if (*x != *y) return *x - *y;
    return 0;
}

void *memchr(const void *p, int c, size_t n) {
    const unsigned char *s = p;
    for (; n; n--, s++)
        if (*s == (unsigned char)c) return (void *)s;
    return 0;
}

/* A word has a zero byte exactly when (w - ONES) & ~w & HIGH_BITS is not zero: the lowest zero byte borrows and
 * sets its high bit, and ~w rules out bytes whose high bit was already set. Reading the whole aligned word that
 * holds the terminator is safe: it cannot cross into another page. */
size_t strlen(const char *s) {
    const char *p = s;
    for (; (uintptr_t)p & 7; p++)
        if (!*p) return p - s;
    const uint64_t *w = (const uint64_t *)p;
    uint64_t ones = ONES, high_bits = HIGH_BITS; /* named once, so the loop does not build them again */
    for (uint64_t v = *w; !((v - ones) & ~v & high_bits); v = *++w) {}
    for (p = (const char *)w; *p; p++) {}
    return p - s;
}

size_t strnlen(const char *s, size_t n) {
    size_t k = 0;
    while (k < n && s[k]) k++;
    return k;
}

char *strcpy(char *dst, const char *src) {
    char *d = dst;
    while ((*d++ = *src++)) {}
    return dst;
}

char *strncpy(char *dst, const char *src, size_t n) {
    size_t i = 0;
    for (; i < n && src[i]; i++) dst[i] = src[i];
    for (; i < n; i++) dst[i] = 0;
    return dst;
}

char *strcat(char *dst, const char *src) {
    strcpy(dst + strlen(dst), src);
    return dst;
}

char *strncat(char *dst, const char *src, size_t n) {
    char *d = dst + strlen(dst);
    while (n-- && *src) *d++ = *src++;
    *d = 0;
    return dst;
}

int strcmp(const char *a, const char *b) {
    if (((uintptr_t)a & 7) == ((uintptr_t)b & 7)) {
        for (; (uintptr_t)a & 7; a++, b++)
            if (!*a || *a != *b) return (unsigned char)*a - (unsigned char)*b;
        const uint64_t *wa = (const uint64_t *)a, *wb = (const uint64_t *)b;
        uint64_t ones = ONES, high_bits = HIGH_BITS; /* strlen's test for a zero byte */
        for (uint64_t v = *wa; v == *wb && !((v - ones) & ~v & high_bits); v = *++wa) wb++;
        a = (const char *)wa; /* the words differ or hold the terminator: find the byte */
        b = (const char *)wb;
    }
    while (*a && *a == *b) a++, b++;
    return (unsigned char)*a - (unsigned char)*b;
}

int strncmp(const char *a, const char *b, size_t n) {
    for (; n; n--, a++, b++) {
        if (*a != *b) return (unsigned char)*a - (unsigned char)*b;
        if (!*a) return 0;
    }
    return 0;
}

int strcoll(const char *a, const char *b) { return strcmp(a, b); }

static int lower(int c) { return c >= 'A' && c <= 'Z' ? c + 32 : c; }

int strcasecmp(const char *a, const char *b) {
    while (*a && lower((unsigned char)*a) == lower((unsigned char)*b)) a++, b++;
    return lower((unsigned char)*a) - lower((unsigned char)*b);
}

int strncasecmp(const char *a, const char *b, size_t n) {
    for (; n; n--, a++, b++) {
        int x = lower((unsigned char)*a), y = lower((unsigned char)*b);
        if (x != y) return x - y;
        if (!x) return 0;
    }
    return 0;
}

char *strchr(const char *s, int c) {
    for (;; s++) {
        if (*s == (char)c) return (char *)s;
        if (!*s) return 0;
    }
}

char *strrchr(const char *s, int c) {
    const char *last = 0;
    for (;; s++) {
        if (*s == (char)c) last = s;
        if (!*s) return (char *)last;
    }
}

char *strstr(const char *h, const char *n) {
    size_t k = strlen(n);
    for (; *h; h++)
        if (strncmp(h, n, k) == 0) return (char *)h;
    return k == 0 ? (char *)h : 0;
}

size_t strspn(const char *s, const char *accept) {
    size_t k = 0;
    while (s[k] && strchr(accept, s[k])) k++;
    return k;
}

size_t strcspn(const char *s, const char *reject) {
    size_t k = 0;
    while (s[k] && !strchr(reject, s[k])) k++;
    return k;
}

char *strpbrk(const char *s, const char *accept) {
    s += strcspn(s, accept);
    return *s ? (char *)s : 0;
}

char *strtok(char *s, const char *delim) {
    static char *next;
    if (s == 0) s = next;
    if (s == 0) return 0;
    s += strspn(s, delim);
    if (!*s) {
        next = 0;
        return 0;
    }
    char *end = s + strcspn(s, delim);
    if (*end) {
        *end = 0;
        next = end + 1;
    } else {
        next = 0;
    }
    return s;
}

char *strdup(const char *s) {
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    return p ? memcpy(p, s, n) : 0;
}

char *strndup(const char *s, size_t n) {
    n = strnlen(s, n);
    char *p = malloc(n + 1);
    if (!p) return 0;
    memcpy(p, s, n);
    p[n] = 0;
    return p;
}

char *strerror(int err) {
    switch (err) {
    case 0: return "Success";
    case 1: return "Operation not permitted";
    case 2: return "No such file or directory";
    case 9: return "Bad file descriptor";
    case 12: return "Cannot allocate memory";
    case 13: return "Permission denied";
    case 17: return "File exists";
    case 22: return "Invalid argument";
    case 33: return "Numerical argument out of domain";
    case 34: return "Numerical result out of range";
    default: return "Unknown error";
    }
}
