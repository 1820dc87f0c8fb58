/* Directories inside the root: mkdir, create files, list them (sorted), remove them again. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int by_name(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void list(const char *path) {
    DIR *dir = opendir(path);
    if (!dir) { perror(path); return; }
    char *names[64];
    int n = 0;
    for (struct dirent *e; (e = readdir(dir)) && n < 64;)
        names[n++] = strdup(e->d_name);
    closedir(dir);
    qsort(names, n, sizeof names[0], by_name);
    printf("%s:", path);
    for (int i = 0; i < n; i++) {
        printf(" %s", names[i]);
        free(names[i]);
    }
    printf("\n");
}

int main(void) {
    printf("mkdir %d\n", mkdir("tree", 0755));
    printf("mkdir again %d\n", mkdir("tree", 0755));
    mkdir("tree/sub", 0755);
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "tree/file%d.txt", i);
        FILE *f = fopen(name, "w");
        fprintf(f, "%d\n", i);
        fclose(f);
    }
    list("tree");
    list("tree/sub");
    struct stat st;
    printf("dir %d\n", stat("tree/sub", &st) == 0 && S_ISDIR(st.st_mode));
    for (int i = 0; i < 5; i++) {
        char name[32];
        snprintf(name, sizeof name, "tree/file%d.txt", i);
        unlink(name);
    }
    printf("rmdir full %d\n", rmdir("tree"));
    printf("rmdir %d %d\n", rmdir("tree/sub"), rmdir("tree"));
    list("tree");
    return 0;
}
