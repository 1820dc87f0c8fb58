/* Tries to reach files outside the root folder: each attempt prints what it got. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static void try_open(const char *path) {
    int fd = open(path, O_RDONLY);
    char buf[32] = {0};
    if (fd < 0) {
        printf("%s: %s\n", path, strerror(errno));
        return;
    }
    ssize_t n = read(fd, buf, sizeof buf - 1);
    while (n > 0 && (buf[n - 1] == '\n'))
        buf[--n] = 0;
    printf("%s: read '%s'\n", path, buf);
    close(fd);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        try_open(argv[i]);
    return 0;
}
