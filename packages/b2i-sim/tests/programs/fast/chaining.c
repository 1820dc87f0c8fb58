/* Block chaining: a hot loop of several basic blocks (branches, a call, loads and stores, doubles) that runs
   for many iterations, so the native dispatcher goes block to block without returning to Python. */
#include <stdio.h>

static unsigned collatz_steps(unsigned long n) {
    unsigned steps = 0;
    while (n != 1) {
        n = (n & 1) ? 3 * n + 1 : n / 2;
        steps++;
    }
    return steps;
}

int main(void) {
    static int table[1024];
    double weight = 0.0;
    unsigned long checksum = 0;
    for (unsigned long n = 1; n < 3000; n++) {
        unsigned s = collatz_steps(n);
        table[n % 1024] += (int)s;
        weight += s * 0.5 + (double)n / 7.0;
        checksum = checksum * 31 + table[(n * 7) % 1024];
    }
    printf("%lu %.6f %d\n", checksum, weight, table[5]);
    return 0;
}
