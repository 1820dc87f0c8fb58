/* Reading standard input: lines, words and the end of input. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

int main(void) {
    char line[256];
    int lines = 0, words = 0;
    while (fgets(line, sizeof line, stdin)) {
        lines++;
        for (char *p = strtok(line, " \t\n"); p; p = strtok(NULL, " \t\n")) {
            words++;
            for (char *c = p; *c; c++)
                *c = (char)toupper((unsigned char)*c);
            printf("%s.", p);
        }
        printf("\n");
    }
    printf("%d lines %d words eof %d\n", lines, words, feof(stdin));
    return 0;
}
