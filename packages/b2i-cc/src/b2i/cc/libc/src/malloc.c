/* malloc: a first-fit free list over memory from sbrk. Each block has a 16-byte header holding its size. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct block {
    size_t size; /* bytes after the header */
    struct block *next; /* next free block, when free */
};

static struct block *free_list;

void *malloc(size_t n) {
    if (n > PTRDIFF_MAX - 4096) { /* no object is that large; rounding up below must not wrap around */
        errno = ENOMEM;
        return 0;
    }
    if (n == 0) n = 1;
    n = (n + 15) & ~(size_t)15;
    struct block **link = &free_list;
    for (struct block *b = free_list; b; link = &b->next, b = b->next) {
        if (b->size >= n) {
            if (b->size >= n + 64) {
                struct block *rest = (struct block *)((char *)(b + 1) + n);
                rest->size = b->size - n - sizeof(struct block);
                rest->next = b->next;
                b->size = n;
                *link = rest;
            } else {
                *link = b->next;
            }
            return b + 1;
        }
    }
    size_t grow = n + sizeof(struct block);
    struct block *b = sbrk(grow < 65536 ? 65536 : grow);
    if (b == (void *)-1) return 0;
    b->size = (grow < 65536 ? 65536 : grow) - sizeof(struct block);
    if (b->size >= n + 64) {
        struct block *rest = (struct block *)((char *)(b + 1) + n);
        rest->size = b->size - n - sizeof(struct block);
        rest->next = free_list;
        free_list = rest;
        b->size = n;
    }
    return b + 1;
}

void free(void *p) {
    if (!p) return;
    struct block *b = (struct block *)p - 1;
    b->next = free_list;
    free_list = b;
}

void *calloc(size_t n, size_t size) {
    if (size && n > (size_t)-1 / size) {
        errno = ENOMEM;
        return 0;
    }
    void *p = malloc(n * size);
    if (p) memset(p, 0, n * size);
    return p;
}

/* realloc(p, 0) frees p and returns NULL, as glibc's does. */
void *realloc(void *p, size_t n) {
    if (!p) return malloc(n);
    if (n == 0) {
        free(p);
        return 0;
    }
    struct block *b = (struct block *)p - 1;
    if (b->size >= n) return p;
    void *q = malloc(n);
    if (!q) return 0;
    memcpy(q, p, b->size);
    free(p);
    return q;
}
