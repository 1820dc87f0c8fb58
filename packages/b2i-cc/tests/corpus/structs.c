/* Structs and unions: layout, nesting, anonymous members, bitfields, flexible arrays, by-value use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct point { int x, y; };
struct rect { struct point a, b; char tag; };
struct mixed { char c; double d; short s; };
union word { unsigned int u; unsigned char bytes[4]; float f; };
struct flags { unsigned a : 3; unsigned b : 5; int c : 4; unsigned d : 20; };
struct anon { int kind; union { int i; double d; }; struct { short lo, hi; }; };
struct vec { int n; int items[]; };
struct big { long v[5]; };
struct fp2 { double x, y; };
struct fi { float f; int i; };

static struct point make(int x, int y) { struct point p = {x, y}; return p; }
static int area(struct rect r) { return (r.b.x - r.a.x) * (r.b.y - r.a.y); }
static struct big twice(struct big b) { for (int i = 0; i < 5; i++) b.v[i] *= 2; return b; }
static struct fp2 scale(struct fp2 p, double k) { p.x *= k; p.y *= k; return p; }
static struct fi bump(struct fi v) { v.f += 0.5f; v.i++; return v; }

int main(void) {
    printf("%lu %lu %lu %lu %lu\n", sizeof(struct point), sizeof(struct rect), sizeof(struct mixed),
           sizeof(union word), sizeof(struct flags));
    struct rect r = {{1, 2}, {4, 6}, 'r'};
    printf("%d %c\n", area(r), r.tag);
    struct point p = make(3, 4), q;
    q = p;
    q.x += 10;
    printf("%d %d %d %d\n", p.x, p.y, q.x, q.y);
    union word w;
    w.u = 0x11223344;
    printf("%x %x\n", w.bytes[0], w.bytes[3]);
    w.f = 1.0f;
    printf("%x\n", w.u);
    struct flags f = {0};
    f.a = 5; f.b = 31; f.c = -3; f.d = 1000000;
    f.a++;
    printf("%u %u %d %u\n", f.a, f.b, f.c, f.d);
    f.c += 10;
    printf("%d\n", f.c);
    struct anon an;
    an.kind = 2; an.d = 2.5; an.lo = 7; an.hi = -7;
    printf("%d %g %d %d\n", an.kind, an.d, an.lo, an.hi);
    struct vec *v = malloc(sizeof(struct vec) + 4 * sizeof(int));
    v->n = 4;
    for (int i = 0; i < v->n; i++) v->items[i] = i * i;
    printf("%lu %d\n", sizeof(struct vec), v->items[3]);
    free(v);
    struct big b = {{1, 2, 3, 4, 5}};
    struct big c = twice(b);
    printf("%ld %ld %ld\n", b.v[4], c.v[4], c.v[0]);
    struct fp2 s = scale((struct fp2){1.5, -2.0}, 3.0);
    printf("%g %g\n", s.x, s.y);
    struct fi t = bump((struct fi){1.25f, 41});
    printf("%g %d\n", t.f, t.i);
    struct point arr[3] = {{1, 2}, [2] = {5, 6}};
    struct point *pp = arr;
    printf("%d %d %d\n", pp[0].y, (pp + 2)->x, arr[1].x);
    struct rect *rp = &r;
    rp->a.x = -1;
    printf("%d\n", area(*rp));
    memset(&r, 0, sizeof r);
    printf("%d %d\n", r.b.y, r.tag);
    return 0;
}
