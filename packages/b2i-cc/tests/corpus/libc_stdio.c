/* stdio: sprintf, sscanf, files (write, read back, seek), ungetc, and setjmp/longjmp. */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static jmp_buf env;
static int depth;

static void dive(int n) {
    depth = n;
    if (n == 5) longjmp(env, n * 10);
    dive(n + 1);
}

int main(void) {
    char buf[128];
    int n = sprintf(buf, "%5d|%-6s|%+.2e|%x", 42, "ab", 12345.678, 0xbeef);
    printf("%s %d\n", buf, n);
    n = snprintf(buf, 8, "%s", "truncated text");
    printf("%s %d\n", buf, n);
    int a, b;
    double d;
    char word[32];
    int got = sscanf("  12 -7 3.5e2 hello", "%d %d %lf %s", &a, &b, &d, word);
    printf("%d %d %d %g %s\n", got, a, b, d, word);
    unsigned x;
    char rest[16];
    got = sscanf("ff:rest", "%x:%15[a-z]", &x, rest);
    printf("%d %u %s\n", got, x, rest);
    char path[64];
    sprintf(path, "/tmp/b2i-cc-stdio-%d.txt", (int)getpid());
    FILE *f = fopen(path, "w");
    for (int i = 0; i < 5; i++) fprintf(f, "line %d: %d\n", i, i * i);
    fputs("last line\n", f);
    fclose(f);
    f = fopen(path, "r");
    int lines = 0;
    while (fgets(buf, sizeof buf, f)) lines++;
    printf("%d %s", lines, buf);
    fseek(f, 5, SEEK_SET);
    int c = fgetc(f);
    ungetc(c, f);
    long at = ftell(f);
    int again = fgetc(f);
    printf("%c %c %ld %ld\n", c, again, at, ftell(f));
    fseek(f, 0, SEEK_END);
    printf("%ld %d\n", ftell(f), feof(f));
    rewind(f);
    size_t k = fread(buf, 1, 10, f);
    buf[k] = 0;
    printf("%lu [%s]\n", k, buf);
    fclose(f);
    remove(path);
    printf("%p\n", fopen(path, "r"));
    int r = setjmp(env);
    if (r == 0) dive(0);
    printf("%d %d\n", r, depth);
    fprintf(stdout, "%s\n", "done");
    return 0;
}
