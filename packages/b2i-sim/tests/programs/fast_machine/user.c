/* The user task of kernel.S: integer, memory and double-precision loops on static arrays, run in U mode with
 * Sv39 on and timer interrupts arriving throughout. Built with -fno-jump-tables and no pointers in initialised
 * data, because it runs at a virtual address other than the one it was linked for (pc-relative code only). */
#ifndef SCALE
#define SCALE 1
#endif
#define N (2000 * SCALE)
#define M 24

static char composite[N + 1];
static long values[N];
static double a[M * M], b[M * M], c[M * M];

static unsigned long mix(unsigned long x) {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdUL;
    x ^= x >> 29;
    return x;
}

static long primes(void) {
    long count = 0;
    for (long i = 2; i <= N; i++) {
        if (composite[i]) continue;
        count++;
        for (long j = i * i; j <= N; j += i) composite[j] = 1;
    }
    return count;
}

static long sorted(void) {
    for (long i = 0; i < N; i++) values[i] = (long)(mix(i) % 100000);
    for (long gap = N / 2; gap > 0; gap /= 2)      /* shell sort */
        for (long i = gap; i < N; i++) {
            long v = values[i], j = i;
            for (; j >= gap && values[j - gap] > v; j -= gap) values[j] = values[j - gap];
            values[j] = v;
        }
    long s = 0;
    for (long i = 0; i < N; i++) s = s * 31 + values[i];
    return s;
}

static long matrix(void) {
    for (int i = 0; i < M * M; i++) { a[i] = (i % 17) * 0.25 - 1.5; b[i] = (i % 13) * 0.5 + 0.125; c[i] = 0; }
    for (int rep = 0; rep < SCALE; rep++)
        for (int i = 0; i < M; i++)
            for (int k = 0; k < M; k++) {
                double aik = a[i * M + k];
                for (int j = 0; j < M; j++) c[i * M + j] += aik * b[k * M + j];
            }
    double trace = 0;
    for (int i = 0; i < M; i++) trace += c[i * M + i] / (1.0 + i);
    return (long)(trace * 1000.0);
}

long user_main(void) {
    return primes() * 1000003 + sorted() + matrix();
}
