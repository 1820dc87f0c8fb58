/* string.h, ctype.h and stdlib.h helpers: the same answers as glibc. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static int by_value(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }
static int by_name(const void *a, const void *b) { return strcmp(*(const char **)a, *(const char **)b); }

int main(void) {
    char buf[64] = "The quick brown fox";
    printf("%lu %d %d %d\n", strlen(buf), strcmp("abc", "abd") < 0, strncmp("abcdef", "abcxyz", 3), strcasecmp("HeLLo", "hello"));
    printf("%s|%s|%s\n", strchr(buf, 'q'), strrchr(buf, 'o'), strstr(buf, "brown"));
    printf("%lu %lu %s\n", strspn("aaabc", "a"), strcspn("hello world", " "), strpbrk("hello", "lo"));
    char copy[64];
    strcpy(copy, buf);
    strncat(copy, " jumps over", 6);
    printf("%s\n", copy);
    memmove(copy + 4, copy, 10);
    printf("%.20s %d\n", copy, memcmp("abc", "abd", 3) < 0);
    char tok[] = "a,b;;c,d";
    for (char *t = strtok(tok, ",;"); t; t = strtok(0, ",;")) printf("[%s]", t);
    printf("\n");
    int count[4] = {0};
    for (int c = 0; c < 128; c++) {
        count[0] += isalpha(c) != 0;
        count[1] += isdigit(c) != 0;
        count[2] += isspace(c) != 0;
        count[3] += ispunct(c) != 0;
    }
    printf("%d %d %d %d %c %c\n", count[0], count[1], count[2], count[3], toupper('q'), tolower('Q'));
    int v[] = {42, -7, 19, 0, 88, 3, -100, 55, 19, 6};
    qsort(v, 10, sizeof v[0], by_value);
    for (int i = 0; i < 10; i++) printf("%d ", v[i]);
    int key = 55;
    int *found = bsearch(&key, v, 10, sizeof v[0], by_value);
    printf("| %ld\n", found ? (long)(found - v) : -1L);
    const char *names[] = {"pear", "apple", "fig", "banana", "cherry"};
    qsort(names, 5, sizeof names[0], by_name);
    for (int i = 0; i < 5; i++) printf("%s ", names[i]);
    printf("\n");
    char *end;
    printf("%ld %ld %ld %lu\n", strtol("  -1234xyz", &end, 10), strtol("0x1F", 0, 0), strtol("0777", 0, 0), strtoul("ffff", 0, 16));
    printf("%s %d %ld %d %d\n", end, atoi("  42abc"), atol("-9000000000"), abs(-5), (int)labs(-6L));
    printf("%.17g %.17g %.17g\n", strtod("3.25e2", 0), strtod("-0.000123", 0), atof("1e-5"));
    char *dup = strdup("duplicate");
    printf("%s %lu\n", dup, strlen(dup));
    free(dup);
    srand(42);
    int r1 = rand(), r2 = rand();
    printf("%d %d\n", r1, r2);
    div_t d = div(17, -5);
    printf("%d %d\n", d.quot, d.rem);
    return 0;
}
