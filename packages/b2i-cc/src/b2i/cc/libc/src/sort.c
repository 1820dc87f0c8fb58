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

/* How the merge moves one element: the common sizes as one load and store, the rest with memcpy. */
enum move { MOVE_4, MOVE_8, MOVE_BYTES, MOVE_POINTER /* sorting pointers: compare what they point to */ };

#define COPY_4(to, from) (*(uint32_t *)(to) = *(const uint32_t *)(from))
#define COPY_8(to, from) (*(uint64_t *)(to) = *(const uint64_t *)(from))
#define COPY_BYTES(to, from) memcpy(to, from, size)
#define COMPARE(a, b) cmp(a, b)
#define COMPARE_POINTED(a, b) cmp(*(void *const *)(a), *(void *const *)(b))

/* Takes the smaller head of the runs [b1, e1) and [b2, e2) until one is empty, the left one on a tie (so the
 * sort is stable). One loop for each way of comparing and moving, so that choice is not made per element. */
#define MERGE_LOOP(compare, move)                                                                                \
    for (;;) {                                                                                                   \
        if (compare(b1, b2) <= 0) {                                                                              \
            move(out, b1);                                                                                       \
            out += size;                                                                                         \
            if ((b1 += size) == e1) break;                                                                       \
        } else {                                                                                                 \
            move(out, b2);                                                                                       \
            out += size;                                                                                         \
            if ((b2 += size) == e2) break;                                                                       \
        }                                                                                                        \
    }

/* Merges the sorted runs b[0, n1) and b[n1, n1 + n2) (both not empty) into out. */
static void merge(const char *b, size_t n1, size_t n2, char *out, size_t size, enum move move, compare_fn cmp) {
    const char *b1 = b, *e1 = b + n1 * size, *b2 = e1, *e2 = e1 + n2 * size;
    switch (move) {
    case MOVE_4: MERGE_LOOP(COMPARE, COPY_4); break;
    case MOVE_8: MERGE_LOOP(COMPARE, COPY_8); break;
    case MOVE_POINTER: MERGE_LOOP(COMPARE_POINTED, COPY_8); break;
    default: MERGE_LOOP(COMPARE, COPY_BYTES);
    }
    if (b1 != e1) memcpy(out, b1, e1 - b1); /* the rest of the run that is left */
    else memcpy(out, b2, e2 - b2);
}

/* Bottom-up: runs of 1, 2, 4, ... elements merged in pairs, from b into tmp and back, so each pass moves every
 * element once; a run without a partner is copied. Returns where the sorted elements ended up. */
static char *merge_sort(char *b, char *tmp, size_t n, size_t size, enum move move, compare_fn cmp) {
    for (size_t run = 1; run < n; run *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * run) {
            if (n - lo <= run) memcpy(tmp + lo * size, b + lo * size, (n - lo) * size);
            else merge(b + lo * size, run, n - lo - run < run ? n - lo - run : run, tmp + lo * size, size, move, cmp);
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
        void **sorted = (void **)merge_sort((char *)p, (char *)(p + n), n, sizeof(void *), MOVE_POINTER, cmp);
        permute(b, sorted, n, size, buffer + 2 * n * sizeof(void *));
    } else {
        int aligned = (uintptr_t)b % size == 0;
        enum move move = size == 4 && aligned ? MOVE_4 : size == 8 && aligned ? MOVE_8 : MOVE_BYTES;
        char *sorted = merge_sort(b, buffer, n, size, move, cmp);
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
