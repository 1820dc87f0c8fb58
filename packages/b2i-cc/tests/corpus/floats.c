/* Floating point: arithmetic, conversions both ways, comparisons, float vs double, math.h. */
#include <stdio.h>
#include <math.h>

static double poly(double x) { return ((2.0 * x - 3.0) * x + 0.5) * x - 7.25; }
static float halve(float f) { return f / 2; }
static double mix(int a, float b, double c, long d, float e, double f, int g, double h, double i, double j) {
    return a + b + c + d + e + f + g + h + i + j;
}

int main(void) {
    double d = 3.75;
    float f = 1.1f;
    printf("%f %f %.3f\n", d * 2, poly(1.5), f);
    printf("%d %ld %u\n", (int)d, (long)-d, (unsigned)2.9e9);
    printf("%g %g\n", (double)(1L << 53) + 1, (float)16777217);
    printf("%d %d %d %d\n", d > f, d == 3.75, f < 1.1, f == 1.1f);
    printf("%f %f\n", halve(5.0f), halve(f));
    printf("%.10f\n", mix(1, 2.5f, 3.25, 4, 5.5f, 6.125, 7, 8.0, 9.5, 10.75));
    double acc = 0;
    for (int i = 1; i <= 1000; i++) acc += 1.0 / ((double)i * i);
    printf("%.12f\n", acc);
    printf("%f %f %f %f\n", sqrt(2.0), fabs(-4.5), floor(-2.5), ceil(2.1));
    printf("%e %g %g\n", 123456.789, 0.0001234, 1e21);
    unsigned long big = 18446744073709551000UL;
    double bd = big;
    printf("%.1f %lu\n", bd, (unsigned long)1e19);
    float g = 0.1f;
    double sum = 0;
    for (int i = 0; i < 10; i++) sum += g;
    printf("%.9f\n", sum);
    printf("%d %d\n", -0.0 == 0.0, (int)(0.1 + 0.2 == 0.3));
    double x = -7.5;
    x = -x;
    printf("%f %d\n", x, !x);
    return (int)(d * 4);
}
