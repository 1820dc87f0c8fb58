/* exit() from deep inside the program runs atexit handlers and flushes stdio; stderr is separate. */
#include <stdio.h>
#include <stdlib.h>

static void first(void) { printf("atexit first\n"); }
static void second(void) { printf("atexit second\n"); }
static void leave(int depth) {
    if (depth == 0) {
        fprintf(stderr, "to stderr\n");
        exit(42);
    }
    leave(depth - 1);
}

int main(void) {
    atexit(first);
    atexit(second);
    printf("buffered, not yet flushed");
    leave(5);
}
