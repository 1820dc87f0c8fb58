/* The heap: a linked list, a growing array with realloc, many small blocks freed and reused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct node { int value; struct node *next; };

int main(void) {
    struct node *head = NULL;
    for (int i = 0; i < 200; i++) {
        struct node *n = malloc(sizeof *n);
        n->value = i * i % 97;
        n->next = head;
        head = n;
    }
    long sum = 0;
    for (struct node *n = head; n; n = n->next)
        sum += n->value;
    printf("list sum %ld\n", sum);
    while (head) {
        struct node *next = head->next;
        free(head);
        head = next;
    }
    int *array = NULL;
    size_t capacity = 0;
    for (size_t i = 0; i < 5000; i++) {
        if (i == capacity) {
            capacity = capacity ? 2 * capacity : 4;
            array = realloc(array, capacity * sizeof *array);
        }
        array[i] = (int)(i * 7 % 1000);
    }
    long total = 0;
    for (size_t i = 0; i < 5000; i++)
        total += array[i];
    printf("array total %ld capacity %zu\n", total, capacity);
    free(array);
    char *big = malloc(1 << 20);  /* large enough for mmap */
    memset(big, 1, 1 << 20);
    printf("big %d\n", big[(1 << 20) - 1] + big[0]);
    free(big);
    void *blocks[64];
    for (int round = 0; round < 3; round++) {
        for (int i = 0; i < 64; i++)
            blocks[i] = calloc(1, (size_t)(16 + i * 8));
        for (int i = 0; i < 64; i += 2)
            free(blocks[i]);
        for (int i = 1; i < 64; i += 2)
            free(blocks[i]);
    }
    printf("done\n");
    return 0;
}
