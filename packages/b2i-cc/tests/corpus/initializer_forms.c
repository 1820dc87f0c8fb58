/* Initializer forms: static addresses and pointer arithmetic, designators into anonymous members and nested arrays,
 * strings in braces, flexible array data, bit-field copies, brace elision with trailing designators. */
#include <stdio.h>
#include <stddef.h>
struct In { char c; int i; };
struct S { int a; union { struct { short x, y; }; long z; }; struct In in[2]; char tail[]; };
static int arr[5] = {1, 2, 3, 4, 5};
static int *p2 = arr + 2;
static struct S gs = { .a = 1, .x = 2, .y = 3, .in[1].c = 'q', .in[0] = { 'r', 7 } };
static short *py = &gs.y;
static char s3[3] = "abc";
static char s5[5] = "ab";
static const char *names[] = { [2] = "two", [0] = "zero" };
static struct { int n; int v[]; } fl = { 2, { 10, 20 } };
struct Bf { unsigned a : 4, b : 4; unsigned c : 24; } bf1 = { 1, 2, 3 };
long offs[] = { offsetof(struct S, in[1].i), offsetof(struct S, y), offsetof(struct S, tail) };
int main(void) {
    struct Bf bf2 = bf1; bf2.b = 15;
    printf("%d %d %d %d %c %d %c\n", *p2, gs.a, gs.x, *py, gs.in[1].c, gs.in[0].i, gs.in[0].c);
    printf("%.3s %s %zu %s %s %p\n", s3, s5, sizeof names / sizeof *names, names[0], names[2], (void *)names[1]);
    printf("%d %d %d\n", fl.n, fl.v[0], fl.v[1]);
    printf("%u %u %u %u %zu\n", bf1.a, bf1.b, bf2.b, bf2.c, sizeof(struct Bf));
    printf("%ld %ld %ld %zu\n", offs[0], offs[1], offs[2], sizeof(struct S));
    struct S loc = gs; loc.z = -1;
    printf("%d %d %ld\n", loc.x, loc.y, loc.z);
    int m[2][3] = { {1}, [1][2] = 9, [1][0] = 4 };
    printf("%d %d %d %d\n", m[0][0], m[0][1], m[1][0], m[1][2]);
    char buf[] = { "hi" };
    printf("%zu\n", sizeof buf);
    struct In ins[] = { 1, 2, 3, 4, [5].i = 6 };
    printf("%zu %d %d\n", sizeof ins / sizeof *ins, ins[1].i, ins[5].i);
    int second(void);
    return second();
}
struct W { char s[4]; int k; };
struct W w1 = { {"ab"}, 3 };
static char g2[] = {"xyz"};
int second(void) {
    struct W w2 = { .s = {"cd"}, 4 };
    char l[][3] = { {"ab"}, "c" };
    printf("%s %d %s %d %zu %s %zu %s %s\n", w1.s, w1.k, w2.s, w2.k, sizeof g2, g2, sizeof l, l[0], l[1]);
    return 0;
}
