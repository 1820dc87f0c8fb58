/* Control flow: loops, switch with fallthrough and ranges of cases, goto, recursion, short-circuit. */
#include <stdio.h>

static int fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static const char *kind(int c) {
    switch (c) {
    case 0:
        return "zero";
    case 1:
    case 2:
        return "small";
    case 3:
        c++;
        /* fall through */
    case 4:
        return c == 4 ? "four" : "three";
    default:
        return "big";
    }
}

static int calls;
static int touch(int v) { calls++; return v; }

int main(void) {
    int sum = 0;
    for (int i = 0; i < 100; i++) {
        if (i % 3 == 0) continue;
        if (i > 50) break;
        sum += i;
    }
    printf("%d\n", sum);
    int n = 0;
    while (1) { if (++n == 7) break; }
    do { n += 10; } while (n < 50);
    printf("%d\n", n);
    for (int c = 0; c < 6; c++) printf("%s ", kind(c));
    printf("\n");
    printf("%d %d\n", fib(15), fib(20));
    int i = 0;
again:
    i += 3;
    if (i < 20) goto again;
    printf("%d\n", i);
    int r = touch(0) && touch(1);
    r += touch(1) || touch(1);
    printf("%d %d\n", r, calls);
    int total = 0;
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) {
            if (b == a) continue;
            if (a + b > 5) goto done;
            total += a * b;
        }
done:
    printf("%d\n", total);
    int x = 5, y = (x++, x + 10);
    printf("%d %d\n", x, y);
    return fib(10) % 256;
}
