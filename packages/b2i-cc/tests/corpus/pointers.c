/* Pointers, arrays, pointer arithmetic, multi-dimensional arrays, function pointers. */
#include <stdio.h>
#include <stddef.h>

static int add(int a, int b) { return a + b; }
static int mul(int a, int b) { return a * b; }
static int apply(int (*f)(int, int), int a, int b) { return f(a, b); }

static void swap(int *a, int *b) { int t = *a; *a = *b; *b = t; }

static void bubble(int *v, int n) {
    for (int i = 0; i < n; i++)
        for (int j = 0; j + 1 < n - i; j++)
            if (v[j] > v[j + 1]) swap(&v[j], &v[j + 1]);
}

int grid[3][4];

int main(void) {
    int v[8] = {5, 3, 9, 1, 7, 2, 8, 6};
    bubble(v, 8);
    for (int i = 0; i < 8; i++) printf("%d ", v[i]);
    printf("\n");
    int *p = v + 2, *q = &v[6];
    printf("%ld %d %d %d\n", (long)(q - p), *p, p[1], *(q - 1));
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 4; j++) grid[i][j] = i * 10 + j;
    int (*row)[4] = grid + 1;
    printf("%d %d %lu %lu\n", row[0][2], (*row)[3], sizeof grid, sizeof grid[0]);
    int (*ops[2])(int, int) = {add, mul};
    for (int i = 0; i < 2; i++) printf("%d ", apply(ops[i], 6, 7));
    printf("%d\n", (*ops[1])(3, 3));
    char buf[16];
    char *w = buf;
    for (const char *s = "pointer"; *s; ) *w++ = *s++ - 32;
    *w = 0;
    printf("%s %ld\n", buf, (long)(w - buf));
    int **pp = &p;
    **pp = 42;
    printf("%d %d\n", v[2], p == &v[2]);
    void *vp = v;
    printf("%d\n", ((int *)vp)[7]);
    printf("%d\n", p > v && q >= p && !(p == NULL));
    return 0;
}
