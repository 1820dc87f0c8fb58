/* qsort and bsearch.
 *
 * qsort is a stable merge sort through a buffer, as glibc's is, so equal elements come out in the order glibc
 * gives them: the buffer is on the stack for small arrays, from malloc otherwise. Elements over 32 bytes are
 * sorted as an array of pointers to them and moved into place once at the end. When malloc fails, heapsort
 * sorts in place (no buffer, no recursion; not stable, which C allows). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef int (*compare_fn)(const void *, const void *);

#define COPY_4(to, from) (*(uint32_t *)(to) = *(const uint32_t *)(from))
#define COPY_8(to, from) (*(uint64_t *)(to) = *(const uint64_t *)(from))
#define COPY_WORDS(to, from) \
    for (size_t i = 0; i < size; i += 8) *(uint64_t *)((to) + i) = *(const uint64_t *)((from) + i)
#define COPY_BYTES(to, from) memcpy(to, from, size)
#define COMPARE(a, b) cmp(a, b)
#define COMPARE_POINTED(a, b) cmp(*(void *const *)(a), *(void *const *)(b))

/* Merges the sorted runs [b1, e1) and [e1, e2) (both not empty) into out: takes the smaller head until one run
 * is empty, the left one on a tie (so the sort is stable), then copies what is left of the other. */
typedef void (*merge_fn)(const char *b1, const char *e1, const char *e2, char *out, size_t size, compare_fn cmp);

/* One merge function for each way of comparing and moving elements, so that choice is not made per element. */
#define DEFINE_MERGE(name, compare, move)                                                                       \
    static void name(const char *b1, const char *e1, const char *e2, char *out, size_t size, compare_fn cmp) { \
        const char *b2 = e1;                                                                                   \
        for (;;) {                                                                                             \
            if (compare(b1, b2) <= 0) {                                                                        \
                move(out, b1);                                                                                 \
                out += size;                                                                                   \
                if ((b1 += size) == e1) break;                                                                 \
            } else {                                                                                           \
                move(out, b2);                                                                                 \
                out += size;                                                                                   \
                if ((b2 += size) == e2) break;                                                                 \
            }                                                                                                  \
        }                                                                                                      \
        if (b1 != e1) memcpy(out, b1, e1 - b1);                                                                \
        else memcpy(out, b2, e2 - b2);                                                                         \
    }

DEFINE_MERGE(merge_4, COMPARE, COPY_4)             /* 4-byte aligned elements */
DEFINE_MERGE(merge_8, COMPARE, COPY_8)             /* 8-byte aligned elements */
DEFINE_MERGE(merge_words, COMPARE, COPY_WORDS)     /* aligned, a multiple of 8 bytes */
DEFINE_MERGE(merge_bytes, COMPARE, COPY_BYTES)     /* any other */
DEFINE_MERGE(merge_pointers, COMPARE_POINTED, COPY_8) /* pointers to the elements */

/* Bottom-up: runs of 1, 2, 4, ... elements merged in pairs, from b into tmp and back, so each pass moves every
 * element once; a run without a partner is copied. Returns where the sorted elements ended up. */
static char *merge_sort(char *b, char *tmp, size_t n, size_t size, merge_fn merge, compare_fn cmp) {
    for (size_t run = 1; run < n; run *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * run) {
            char *from = b + lo * size, *to = tmp + lo * size;
            if (n - lo <= run) memcpy(to, from, (n - lo) * size);
            else merge(from, from + run * size, from + (n - lo < 2 * run ? n - lo : 2 * run) * size, to, size, cmp);
        }
        char *sorted = tmp;
        tmp = b;
        b = sorted;
    }
    return b;
}

static void swap_elements(char *a, char *b, size_t size) {
    for (; size >= 8 && ((uintptr_t)a | (uintptr_t)b) % 8 == 0; size -= 8, a += 8, b += 8) {
        uint64_t t = *(uint64_t *)a;
        *(uint64_t *)a = *(uint64_t *)b;
        *(uint64_t *)b = t;
    }
    for (; size > 0; size--, a++, b++) {
        char t = *a;
        *a = *b;
        *b = t;
    }
}

/* Moves the largest of the heap b[0..n) down from position i until both its children are smaller. */
static void sift_down(char *b, size_t i, size_t n, size_t size, compare_fn cmp) {
    for (size_t child; (child = 2 * i + 1) < n; i = child) {
        if (child + 1 < n && cmp(b + child * size, b + (child + 1) * size) < 0) child++;
        if (cmp(b + i * size, b + child * size) >= 0) return;
        swap_elements(b + i * size, b + child * size, size);
    }
}

static void heap_sort(char *b, size_t n, size_t size, compare_fn cmp) {
    for (size_t i = n / 2; i-- > 0;) sift_down(b, i, n, size, cmp);
    for (size_t end = n; end-- > 1;) {
        swap_elements(b, b + end * size, size);
        sift_down(b, 0, end, size, cmp);
    }
}

/* Puts the elements of b in the order of the sorted pointers p (each points into b): cycle by cycle, with one
 * element saved in spare. */
static void permute(char *b, void **p, size_t n, size_t size, char *spare) {
    for (size_t i = 0; i < n; i++) {
        if (p[i] == b + i * size) continue;
        memcpy(spare, b + i * size, size);
        size_t j = i;
        for (;;) {
            size_t k = ((char *)p[j] - b) / size; /* position j takes the element now at k */
            p[j] = b + j * size;
            if (k == i) break;
            memcpy(b + j * size, b + k * size, size);
            j = k;
        }
        memcpy(b + j * size, spare, size);
    }
}

void qsort(void *base, size_t n, size_t size, compare_fn cmp) {
    if (n <= 1 || size == 0) return;
    char *b = base;
    int indirect = size > 32;
    size_t need = indirect ? 2 * n * sizeof(void *) + size : n * size;
    uint64_t on_stack[128];
    char *buffer = need <= sizeof on_stack ? (char *)on_stack : malloc(need);
    if (!buffer) {
        heap_sort(b, n, size, cmp);
        return;
    }
    if (indirect) {
        void **p = (void **)buffer;
        for (size_t i = 0; i < n; i++) p[i] = b + i * size;
        void **sorted = (void **)merge_sort((char *)p, (char *)(p + n), n, sizeof(void *), merge_pointers, cmp);
        permute(b, sorted, n, size, buffer + 2 * n * sizeof(void *));
    } else {
        merge_fn merge = merge_bytes;
        if (size == 4 && (uintptr_t)b % 4 == 0) merge = merge_4;
        else if (size == 8 && (uintptr_t)b % 8 == 0) merge = merge_8;
        else if (size % 8 == 0 && (uintptr_t)b % 8 == 0) merge = merge_words;
        char *sorted = merge_sort(b, buffer, n, size, merge, cmp);
        if (sorted != b) memcpy(b, sorted, n * size);
    }
    if (buffer != (char *)on_stack) free(buffer);
}

void *bsearch(const void *key, const void *base, size_t n, size_t size, compare_fn cmp) {
    const char *b = base;
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = cmp(key, b + mid * size);
        if (c == 0) return (void *)(b + mid * size);
        if (c < 0) hi = mid;
        else lo = mid + 1;
    }
    return 0;
}
