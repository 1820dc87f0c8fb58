/* Floating point through libc and libm: formatting, parsing, the math library, conversions. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

static volatile double vd[] = {0.0, -0.0, 1.0, -2.5, 3.141592653589793, 1e-310, 1.7976931348623157e308, 1e22, 0.1};
static volatile float vf[] = {1.5f, -0.1f, 3.4028235e38f, 1e-45f, 16777217.0f};

int main(void) {
    for (int i = 0; i < 9; i++)
        printf("%f %e %g %.17g %a\n", vd[i], vd[i], vd[i], vd[i], vd[i]);
    for (int i = 0; i < 5; i++)
        printf("%.9g %e\n", (double)vf[i], (double)(vf[i] * vf[i]));
    double x = vd[4];
    printf("%.15g %.15g %.15g %.15g\n", sqrt(x), sin(x / 6), exp(x), log(x));
    printf("%.15g %.15g %.15g\n", pow(x, 2.5), fmod(100.0, x), atan2(-1.0, -x));
    printf("%.9g %.9g\n", (double)sqrtf((float)x), (double)(1.0f / 3.0f));
    printf("%g %g %d %d\n", strtod("2.5e-3", NULL), atof("-7.75"), (int)vd[3], (int)(long)(vd[7] / 1e10));
    printf("%d %d %g\n", isnan(0.0 / vd[0]), isinf(1.0 / vd[0]), copysign(3.0, vd[1]));
    long double ld = 1.0L / 3.0L;
    printf("%.20Lg\n", ld);
    return 0;
}
