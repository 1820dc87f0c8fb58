/* Program start and end: main's arguments, the environment, atexit handlers, exit, abort, assert. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

char **environ;
static void (*handlers[32])(void);
static int nhandlers;
void __stdio_flush_all(void);
int main(int argc, char **argv, char **envp);

void __libc_start(int argc, char **argv, char **envp) {
    environ = envp;
    exit(main(argc, argv, envp));
}

int atexit(void (*fn)(void)) {
    if (nhandlers == 32) return -1;
    handlers[nhandlers++] = fn;
    return 0;
}

void exit(int status) {
    while (nhandlers > 0) handlers[--nhandlers]();
    __stdio_flush_all();
    _exit(status);
}

void _Exit(int status) { _exit(status); }

void abort(void) {
    __stdio_flush_all();
    _exit(134);
}

char *getenv(const char *name) {
    size_t n = strlen(name);
    for (char **e = environ; e && *e; e++)
        if (strncmp(*e, name, n) == 0 && (*e)[n] == '=') return *e + n + 1;
    return 0;
}

void __assert_fail(const char *assertion, const char *file, unsigned int line, const char *function) {
    fprintf(stderr, "%s:%u: %s: Assertion `%s' failed.\n", file, line, function, assertion);
    abort();
}
