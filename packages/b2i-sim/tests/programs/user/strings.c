/* string.h and friends: lengths, comparisons, copies, searching, number parsing, snprintf. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int by_string(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

int main(void) {
    char buf[128];
    const char *words[] = {"pear", "apple", "fig", "banana", "cherry", "date", "apricot"};
    const char *sorted[7];
    memcpy(sorted, words, sizeof words);
    qsort(sorted, 7, sizeof sorted[0], by_string);
    for (int i = 0; i < 7; i++)
        printf("%s%c", sorted[i], i == 6 ? '\n' : ' ');
    strcpy(buf, "Hello");
    strcat(buf, ", world");
    printf("%s %zu %d %d\n", buf, strlen(buf), strcmp("abc", "abd") < 0, strncmp("abcx", "abcy", 3));
    printf("%s|%s|%p\n", strstr(buf, "wor"), strchr(buf, ','), (void *)strchr(buf, 'z'));
    for (char *p = buf; *p; p++)
        *p = (char)toupper((unsigned char)*p);
    printf("%s\n", buf);
    printf("%ld %ld %lu\n", strtol("-12345", NULL, 10), strtol("0x7fff", NULL, 16), strtoul("777", NULL, 8));
    int n = snprintf(buf, 10, "%s-%d", "truncated", 123456);
    printf("%d [%s]\n", n, buf);
    memset(buf, 'z', 5);
    buf[5] = 0;
    printf("%s %d\n", buf, memcmp("aaa", "aab", 3));
    char *dup = strdup("duplicate");
    printf("%s %zu\n", dup, strspn(dup, "dupli"));
    free(dup);
    return 0;
}
