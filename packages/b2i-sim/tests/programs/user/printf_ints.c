/* printf of integers: widths, signs, bases, 64-bit extremes. */
#include <limits.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int main(void) {
    int values[] = {0, 1, -1, 42, -42, 1000000, INT_MAX, INT_MIN};
    for (unsigned i = 0; i < sizeof values / sizeof values[0]; i++)
        printf("[%d] [%5d] [%-5d] [%05d] [%x] [%X] [%o] [%u]\n", values[i], values[i], values[i], values[i],
               values[i], values[i], values[i], (unsigned)values[i]);
    printf("%lld %lld %llu\n", LLONG_MAX, LLONG_MIN, ULLONG_MAX);
    printf("%#lx %#o %+d % d %c%c%c\n", 0xdeadbeefUL, 8, 5, 7, 'b', '2', 'i');
    printf("%zu %td %jd\n", sizeof(long double), (ptrdiff_t)-3, (intmax_t)INT64_MIN);
    return 0;
}
