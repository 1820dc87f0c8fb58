/* Deep and branching recursion: the stack, calls and returns. */
#include <stdio.h>

static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
static int ackermann(int m, int n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}
static long hanoi(int disks, int from, int to, int via) {
    if (disks == 0) return 0;
    return hanoi(disks - 1, from, via, to) + 1 + hanoi(disks - 1, via, to, from);
}
static int depth(int n) { volatile char pad[64]; pad[0] = (char)n; return n == 0 ? pad[0] : 1 + depth(n - 1); }

int main(void) {
    printf("fib(18) = %ld\n", fib(18));
    printf("ackermann(2, 3) = %d\n", ackermann(2, 3));
    printf("hanoi(10) = %ld\n", hanoi(10, 1, 3, 2));
    printf("depth = %d\n", depth(3000));
    return 0;
}
