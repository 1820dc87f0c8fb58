#ifndef _MATH_H
#define _MATH_H
#define HUGE_VAL (1.0 / 0.0)
#define HUGE_VALF (1.0f / 0.0f)
#define INFINITY (1.0f / 0.0f)
#define NAN (0.0f / 0.0f)
#define M_PI 3.14159265358979323846
#define M_E 2.7182818284590452354
#define M_LN2 0.69314718055994530942
#define M_SQRT2 1.41421356237309504880
#define isnan(x) ((x) != (x))
#define isinf(x) (!isnan(x) && isnan((x) - (x)))
#define isfinite(x) (!isnan((x) - (x)))
double sqrt(double x);
double exp(double x);
double log(double x);
double log2(double x);
double log10(double x);
double pow(double x, double y);
double sin(double x);
double cos(double x);
double tan(double x);
double asin(double x);
double acos(double x);
double atan(double x);
double atan2(double y, double x);
double sinh(double x);
double cosh(double x);
double tanh(double x);
double fabs(double x);
double floor(double x);
double ceil(double x);
double fmod(double x, double y);
double round(double x);
double trunc(double x);
double ldexp(double x, int e);
double frexp(double x, int *e);
double modf(double x, double *ip);
double fmin(double a, double b);
double fmax(double a, double b);
double copysign(double x, double y);
double fma(double x, double y, double z);
float sqrtf(float x);
float expf(float x);
float logf(float x);
float fabsf(float x);
float tanhf(float x);
float powf(float x, float y);
float sinf(float x);
float cosf(float x);
float floorf(float x);
float ceilf(float x);
float fmodf(float x, float y);
float copysignf(float x, float y);
float fmaf(float x, float y, float z);
#endif
