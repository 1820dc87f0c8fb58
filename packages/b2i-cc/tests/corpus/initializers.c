/* Initializers: designated, nested, brace elision, strings into arrays, compound literals, address constants. */
#include <stdio.h>

struct item { const char *name; int qty; double price; };
struct inventory { int count; struct item items[3]; };

static int table[10] = {1, 2, [5] = 50, 60, [9] = 90};
static char word[] = "hello";
static char fixed[8] = "abc";
static int *ptr = &table[5];
static const char *names[] = {"zero", "one", "two"};
static struct inventory inv = {2, {{"apple", 3, 0.5}, {.name = "pear", .price = 0.75}}};
static int matrix[2][3] = {1, 2, 3, 4, 5};
static struct { int a; char b[4]; } pod = {7, "xyz"};
static double ratios[] = {0.5, 1.0 / 3, -2.5e-3};
static long offs = (long)&((struct item *)0)->price;
static int *lit = (int[]){4, 5, 6};

int main(void) {
    for (int i = 0; i < 10; i++) printf("%d ", table[i]);
    printf("\n%s %lu %s %lu\n", word, sizeof word, fixed, sizeof fixed);
    printf("%d %d\n", *ptr, ptr[1]);
    printf("%s %s %lu\n", names[2], names[0], sizeof names / sizeof names[0]);
    for (int i = 0; i < inv.count; i++)
        printf("%s %d %.2f\n", inv.items[i].name, inv.items[i].qty, inv.items[i].price);
    printf("%d %d %d\n", matrix[1][1], matrix[1][2], matrix[0][2]);
    printf("%d %s\n", pod.a, pod.b);
    printf("%g %g %g %ld %d\n", ratios[0], ratios[1], ratios[2], offs, lit[2]);
    int local[5] = {[3] = 3, [1] = 1};
    struct item it = {.qty = 9, .name = "fig"};
    char s[] = {'o', 'k', 0};
    int sum = 0;
    for (int i = 0; i < 5; i++) sum = sum * 10 + local[i];
    printf("%d %s %d %g %s\n", sum, it.name, it.qty, it.price, s);
    int *cl = (int[4]){[2] = 8};
    struct item *ip = &(struct item){"kiwi", 1, 2.0};
    printf("%d %d %s\n", cl[2], cl[3], ip->name);
    static int counter = 100;
    counter++;
    char grid[2][3] = {"ab", "cd"};
    printf("%d %s %s\n", counter, grid[0], grid[1]);
    return 0;
}
