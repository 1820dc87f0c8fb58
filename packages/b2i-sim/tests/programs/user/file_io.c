/* Files inside the root: create, write, seek, read back, stat, append, remove; a missing file fails. */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(void) {
    FILE *f = fopen("b2i_test_file.txt", "w");
    if (!f) { perror("fopen"); return 1; }
    for (int i = 0; i < 20; i++)
        fprintf(f, "line %d: %s\n", i, i % 2 ? "odd" : "even");
    fclose(f);
    struct stat st;
    stat("b2i_test_file.txt", &st);
    printf("size %lld regular %d\n", (long long)st.st_size, S_ISREG(st.st_mode));
    f = fopen("b2i_test_file.txt", "r");
    char line[64];
    int count = 0;
    while (fgets(line, sizeof line, f))
        if (++count % 7 == 0)
            fputs(line, stdout);
    fseek(f, 10, SEEK_SET);
    printf("ftell %ld char %c\n", ftell(f), fgetc(f));
    fclose(f);
    int fd = open("b2i_test_file.txt", O_WRONLY | O_APPEND);
    write(fd, "appended\n", 9);
    close(fd);
    fd = open("b2i_test_file.txt", O_RDONLY);
    off_t end = lseek(fd, -9, SEEK_END);
    char tail[16] = {0};
    read(fd, tail, 8);
    close(fd);
    printf("end %lld tail %s\n", (long long)end, tail);
    printf("unlink %d\n", unlink("b2i_test_file.txt"));
    printf("missing %p\n", (void *)fopen("no/such/file", "r"));
    printf("access %d\n", access("b2i_test_file.txt", F_OK));
    return 0;
}
