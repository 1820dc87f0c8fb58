/* Globals: zero-initialised and initialised data, extern declarations, arrays of structs, static functions. */
#include <stdio.h>
#include <string.h>

int zeroes[100];
long total;
extern int defined_later;
char message[32] = "global";
struct entry { char key[8]; int value; } entries[] = {{"one", 1}, {"two", 2}, {"three", 3}};
const int primes[] = {2, 3, 5, 7, 11, 13};
static unsigned seed = 12345;

static unsigned next(void) { seed = seed * 1103515245 + 12345; return (seed / 65536) % 32768; }

int lookup(const char *key) {
    for (unsigned i = 0; i < sizeof entries / sizeof entries[0]; i++)
        if (strcmp(entries[i].key, key) == 0) return entries[i].value;
    return -1;
}

int main(void) {
    for (int i = 0; i < 100; i++) total += zeroes[i];
    printf("%ld %d\n", total, defined_later);
    strcat(message, "!");
    printf("%s %lu\n", message, strlen(message));
    printf("%d %d %d\n", lookup("two"), lookup("three"), lookup("four"));
    int s = 0;
    for (int i = 0; i < 6; i++) s += primes[i];
    printf("%d\n", s);
    for (int i = 0; i < 5; i++) printf("%u ", next());
    printf("\n");
    defined_later++;
    printf("%d\n", defined_later);
    return 0;
}

int defined_later = 41;
