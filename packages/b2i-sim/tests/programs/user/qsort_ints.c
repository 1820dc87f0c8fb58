/* qsort and bsearch on pseudo-random integers; exits with a checksum-derived status. */
#include <stdio.h>
#include <stdlib.h>

static int compare(const void *a, const void *b) {
    int x = *(const int *)a, y = *(const int *)b;
    return (x > y) - (x < y);
}

int main(void) {
    enum { N = 300 };
    static int data[N];
    unsigned state = 12345;
    for (int i = 0; i < N; i++) {
        state = state * 1103515245u + 12345u;
        data[i] = (int)(state >> 8) % 10000 - 5000;
    }
    qsort(data, N, sizeof data[0], compare);
    for (int i = 0; i < N; i += 30)
        printf("%d ", data[i]);
    printf("\n");
    int sorted = 1;
    for (int i = 1; i < N; i++)
        sorted &= data[i - 1] <= data[i];
    int key = data[123];
    int *found = bsearch(&key, data, N, sizeof data[0], compare);
    printf("sorted %d found %d\n", sorted, found && *found == key);
    long checksum = 0;
    for (int i = 0; i < N; i++)
        checksum = checksum * 31 + data[i];
    return (int)(checksum & 0x7f);
}
