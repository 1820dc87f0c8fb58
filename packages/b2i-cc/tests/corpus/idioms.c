/* Idioms from real programs (kernels, interpreters): tables of function pointers, tagged unions, macros that
 * wrap statements, shadowing, escapes, nested designators, local structs, mutual recursion. */
#include <stdio.h>
#include <string.h>

#define SWAP(T, a, b) do { T tmp_ = (a); (a) = (b); (b) = tmp_; } while (0)
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define CONTAINER_OF(ptr, type, member) ((type *)((char *)(ptr) - __builtin_offsetof(type, member)))

typedef enum { OBJ_INT, OBJ_STR, OBJ_PAIR } kind_t;
typedef struct obj {
    kind_t kind;
    union {
        long i;
        const char *s;
        struct { struct obj *car, *cdr; } pair;
    } as;
} obj_t;

typedef long (*handler_t)(long, long);
static long op_add(long a, long b) { return a + b; }
static long op_sub(long a, long b) { return a - b; }
static long op_mul(long a, long b) { return a * b; }
static const struct { const char *name; handler_t fn; } ops[] = {
    {"add", op_add}, {"sub", op_sub}, {"mul", op_mul},
};

struct list_head { struct list_head *next; };
struct item { int value; struct list_head link; };

static int is_even(unsigned n);
static int is_odd(unsigned n) { return n == 0 ? 0 : is_even(n - 1); }
static int is_even(unsigned n) { return n == 0 ? 1 : is_odd(n - 1); }

static void print_obj(const obj_t *o) {
    switch (o->kind) {
    case OBJ_INT: printf("%ld", o->as.i); break;
    case OBJ_STR: printf("\"%s\"", o->as.s); break;
    case OBJ_PAIR:
        printf("(");
        print_obj(o->as.pair.car);
        printf(" . ");
        print_obj(o->as.pair.cdr);
        printf(")");
        break;
    }
}

static int sum_matrix(int rows, int (*m)[3]) {
    int s = 0;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < 3; j++) s += m[i][j] * (i + 1);
    return s;
}

struct config { struct { int w, h; } size; char name[8]; int flags[4]; };

int main(void) {
    for (unsigned i = 0; i < ARRAY_SIZE(ops); i++) printf("%s=%ld ", ops[i].name, ops[i].fn(7, 3));
    printf("\n");
    obj_t one = {OBJ_INT, {.i = 1}}, name = {.kind = OBJ_STR, .as.s = "x"};
    obj_t pair = {OBJ_PAIR, {.pair = {&one, &name}}};
    print_obj(&pair);
    printf("\n");
    int a = 1, b = 2;
    SWAP(int, a, b);
    printf("%d %d\n", a, b);
    struct item items[3] = {{10}, {20}, {30}};
    items[0].link.next = &items[1].link;
    items[1].link.next = &items[2].link;
    items[2].link.next = 0;
    int total = 0;
    for (struct list_head *p = &items[0].link; p; p = p->next) total += CONTAINER_OF(p, struct item, link)->value;
    printf("%d\n", total);
    printf("%d %d\n", is_even(10), is_odd(7));
    int x = 1;
    {
        int x = 2;
        {
            int x = 3;
            printf("%d ", x);
        }
        printf("%d ", x);
    }
    printf("%d\n", x);
    printf("[%s] %d %d %d %d %lu\n", "tab\there \"quoted\" back\\slash", '\0', '\x41', '\101', '\n',
           sizeof("abc" "def"));
    printf("%s\n", "con" "cat" "enation");
    int m[2][3] = {{1, 2, 3}, {4, 5, 6}};
    printf("%d\n", sum_matrix(2, m));
    struct config cfg = {.size.w = 640, .size.h = 480, .name = "vga", .flags[2] = 7};
    printf("%d %d %s %d %d\n", cfg.size.w, cfg.size.h, cfg.name, cfg.flags[2], cfg.flags[3]);
    struct local { int k; } loc = {5};
    struct local *lp = &loc;
    struct local copy = *lp;
    copy.k++;
    printf("%d %d %s\n", loc.k, copy.k, __func__);
    double h = 0x1.8p1;
    float f = 1e-3f;
    printf("%g %g\n", h, f * 1000);
    const char *const words[] = {"alpha", "beta", "gamma"};
    size_t lens = 0;
    for (const char *const *w = words; w < words + 3; w++) lens += strlen(*w);
    printf("%lu\n", lens);
    long long ll = -5;
    unsigned long long ull = (unsigned long long)ll * 3;
    printf("%lld %llu %d\n", ll * ll, ull, (int)(ull >> 60));
    char buf[4][8];
    for (int i = 0; i < 4; i++) sprintf(buf[i], "r%d", i * i);
    printf("%s %s\n", buf[1], buf[3]);
    int *np = 0;
    printf("%d %d\n", np == 0, !np);
    int counter = 0;
    int arr[5] = {0};
    arr[counter++] = counter;
    printf("%d %d\n", counter, arr[0] + arr[1]);
    return (int)(ops[2].fn(6, 7) - 42);
}
