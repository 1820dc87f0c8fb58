/* Assorted C11: enums, typedefs, _Generic, _Static_assert, _Alignof, sizeof, statement expressions, static locals. */
#include <stdio.h>
#include <stdbool.h>
#include <stdint.h>

typedef enum { RED, GREEN = 5, BLUE } color;
typedef unsigned long ulong;
typedef int (*binop)(int, int);
typedef struct node { int value; struct node *next; } node;

#define TYPE_NAME(x) _Generic((x), int: "int", double: "double", char *: "char *", default: "other")

_Static_assert(sizeof(long) == 8, "lp64");
_Static_assert(_Alignof(double) == 8, "double alignment");

static int counter(void) { static int n; return ++n; }
static int sub(int a, int b) { return a - b; }

static int length(node *n) { int k = 0; for (; n; n = n->next) k++; return k; }

int main(void) {
    color c = BLUE;
    printf("%d %d %d %lu\n", RED, GREEN, c, sizeof(color));
    ulong big = (ulong)1 << 63;
    printf("%lu\n", big);
    binop op = sub;
    printf("%d\n", op(10, 4));
    node n3 = {3, NULL}, n2 = {2, &n3}, n1 = {1, &n2};
    printf("%d %d\n", length(&n1), n1.next->next->value);
    printf("%s %s %s %s\n", TYPE_NAME(1), TYPE_NAME(1.0), TYPE_NAME((char *)"x"), TYPE_NAME(1L));
    counter(); counter();
    printf("%d\n", counter());
    int v = ({ int t = 6; t * 7; });
    printf("%d\n", v);
    bool b = 42;
    printf("%d %lu\n", b, sizeof(bool));
    int8_t i8 = -128; uint16_t u16 = 65535; int64_t i64 = INT64_MIN;
    printf("%d %u %ld\n", i8, u16, i64);
    printf("%lu %lu %lu\n", _Alignof(char), _Alignof(int64_t), sizeof(int[3][5]));
    enum { K = 9 };
    int arr[K > 5 ? 4 : 2];
    printf("%lu\n", sizeof arr / sizeof *arr);
    int x = 3;
    int *px = &x;
    int y = x > 2 ? *px * 2 : -1;
    printf("%d %d\n", y, x ?: 17);
    unsigned char bytes[4] = {1, 2, 3, 4};
    uint32_t word = (uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 | (uint32_t)bytes[3] << 24;
    printf("%08x\n", word);
    return c;
}
