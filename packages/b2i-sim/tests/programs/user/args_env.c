/* argc, argv and the environment as the kernel lays them out on the stack. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv, char **envp) {
    printf("argc %d\n", argc);
    for (int i = 1; i < argc; i++)
        printf("argv[%d] = '%s' (%zu)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] %p\n", (void *)argv[argc]);
    int b2i_vars = 0;
    for (char **e = envp; *e; e++)
        b2i_vars += strncmp(*e, "B2I_", 4) == 0;
    printf("B2I_ variables %d, B2I_GREETING=%s\n", b2i_vars, getenv("B2I_GREETING"));
    printf("missing %p\n", (void *)getenv("B2I_NOT_SET"));
    return argc;
}
