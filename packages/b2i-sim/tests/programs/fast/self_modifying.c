/* Self-modifying code: a function is written into an executable buffer, called until it is hot (translated),
   then patched and made visible with fence.i. Each round must run the new code, not the stale translation. */
#include <stdio.h>
#include <sys/mman.h>

typedef long (*step_fn)(long);

int main(void) {
    unsigned *code = mmap(0, 4096, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (code == MAP_FAILED)
        return 1;
    long total = 0;
    for (int round = 0; round < 40; round++) {
        code[0] = 0x00050513u | ((unsigned)(round % 9 + 1) << 20); /* addi a0, a0, round % 9 + 1 */
        code[1] = 0x00008067u;                                     /* ret */
        __asm__ volatile("fence.i" ::: "memory");
        step_fn step = (step_fn)(void *)code;
        for (int i = 0; i < 200; i++)
            total = step(total);
        printf("round %d: %ld\n", round, total);
    }
    return (int)(total & 0x7f);
}
