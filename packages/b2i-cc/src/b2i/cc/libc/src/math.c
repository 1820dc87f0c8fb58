/* math.h: IEEE double functions. Reductions are exact (Cody-Waite splits of ln2 and pi/2); the kernels are
 * minimax polynomials with the coefficients published with Sun's fdlibm. sqrt and fma are the hardware's (syscall.s,
 * fma.s); fma makes the double-double steps (exact products) that keep the results within 1 ulp cheap.
 */
#include <math.h>

typedef union { double d; unsigned long u; long i; } bits64;

static double from_bits(unsigned long u) { bits64 b; b.u = u; return b.d; }
static unsigned long to_bits(double d) { bits64 b; b.d = d; return b.u; }

double fabs(double x) { return from_bits(to_bits(x) & ~(1UL << 63)); }

double trunc(double x) {
    unsigned long u = to_bits(x);
    int e = (int)((u >> 52) & 0x7ff) - 1023;
    if (e >= 52) return x;
    if (e < 0) return from_bits(u & (1UL << 63));
    unsigned long mask = (1UL << (52 - e)) - 1;
    return from_bits(u & ~mask);
}

double floor(double x) {
    double t = trunc(x);
    return (x < t) ? t - 1.0 : t;
}

double ceil(double x) {
    double t = trunc(x);
    return (x > t) ? t + 1.0 : t;
}

double round(double x) {
    double t = trunc(x);
    double d = x - t;
    if (d >= 0.5) return t + 1.0;
    if (d <= -0.5) return t - 1.0;
    return t;
}

double fmin(double a, double b) { return a != a ? b : b != b ? a : a < b ? a : b; }
double fmax(double a, double b) { return a != a ? b : b != b ? a : a > b ? a : b; }

/* copysign works on the bits, so it also moves the sign of zeros and NaNs. */
double copysign(double x, double y) { return from_bits((to_bits(x) & ~(1UL << 63)) | (to_bits(y) & (1UL << 63))); }

float copysignf(float x, float y) {
    union { float f; unsigned int u; } a, b;
    a.f = x;
    b.f = y;
    a.u = (a.u & 0x7fffffffU) | (b.u & 0x80000000U);
    return a.f;
}

double ldexp(double x, int e) {
    if (x == 0 || x != x || x - x != 0) return x;
    while (e > 1000) { x *= 0x1p1000; e -= 1000; }
    while (e < -1000) { x *= 0x1p-1000; e += 1000; }
    if (e < -1022) { /* scale in two steps so subnormal results round once */
        x *= 0x1p-1022;
        e += 1022;
    }
    return x * from_bits((unsigned long)(e + 1023) << 52);
}

double frexp(double x, int *e) {
    unsigned long u = to_bits(x);
    int ex = (int)((u >> 52) & 0x7ff);
    if (x == 0 || ex == 0x7ff) {
        *e = 0;
        return x;
    }
    if (ex == 0) {
        x *= 0x1p64;
        u = to_bits(x);
        ex = (int)((u >> 52) & 0x7ff) - 64;
    }
    *e = ex - 1022;
    return from_bits((u & ~(0x7ffUL << 52)) | (1022UL << 52));
}

double modf(double x, double *ip) {
    *ip = trunc(x);
    return x - *ip;
}

/* fmod is exact: subtract y shifted left as far as it fits, bit by bit. */
double fmod(double x, double y) {
    if (y == 0 || x != x || y != y || x - x != 0) return (x * y) / (x * y);
    double ax = fabs(x), ay = fabs(y);
    if (ax < ay) return x;
    int ex, ey;
    frexp(ax, &ex);
    frexp(ay, &ey);
    double r = ax;
    for (int k = ex - ey; k >= 0; k--) {
        double s = ldexp(ay, k);
        if (r >= s) r -= s;
    }
    return x < 0 ? -r : r;
}

static const double ln2_hi = 6.93147180369123816490e-01, ln2_lo = 1.90821492927058770002e-10;

double exp(double x) {
    if (x != x) return x;
    if (x > 709.782712893383973096) return 1.0 / 0.0;
    if (x < -745.13321910194110842) return 0;
    if (fabs(x) < 0x1p-28) return 1.0 + x;
    double kf = x * 1.44269504088896338700 + (x < 0 ? -0.5 : 0.5);
    int k = (int)kf;
    double hi = x - k * ln2_hi, lo = k * ln2_lo;
    double r = hi - lo;
    double t = r * r;
    double c = r - t * (1.66666666666666019037e-01 +
                        t * (-2.77777777770155933842e-03 +
                             t * (6.61375632143793436117e-05 +
                                  t * (-1.65339022054652515390e-06 + t * 4.13813679705723846039e-08))));
    double y = 1.0 - ((lo - (r * c) / (2.0 - c)) - hi);
    return ldexp(y, k);
}

/* log(1 + f) for f = m - 1, m in [sqrt(2)/2, sqrt(2)), as hi + lo: f - f*f/2 is summed exactly (fma gives the
 * rounding error of f*f), so only the small s*(hfsq + R) term is rounded. */
static double log1p_kernel(double f, double *lo) {
    double s = f / (2.0 + f);
    double z = s * s, w = z * z;
    double t1 = w * (3.999999999940941908e-01 + w * (2.222219843214978396e-01 + w * 1.531383769920937332e-01));
    double t2 = z * (6.666666666666735130e-01 +
                     w * (2.857142874366239149e-01 + w * (1.818357216161805012e-01 + w * 1.479819860511658591e-01)));
    double hfsq = 0.5 * f * f;
    double hfsq_err = fma(0.5 * f, f, -hfsq);
    double c = s * (hfsq + t1 + t2);
    double hi = f - hfsq;
    double sum_err = (f - hi) - hfsq; /* exact: |f| >= |hfsq| */
    double r = hi + (sum_err - hfsq_err + c);
    *lo = (hi - r) + (sum_err - hfsq_err + c);
    return r;
}

/* x = 2^k * m with m in [sqrt(2)/2, sqrt(2)); f = m - 1 is exact. */
static double log_split(double x, int *k) {
    double m = frexp(x, k);
    if (m < 0.70710678118654752440) {
        m *= 2;
        (*k)--;
    }
    return m - 1.0;
}

double log(double x) {
    if (x != x || x < 0) return (x - x) / 0.0 == 0 ? 0.0 / 0.0 : 0.0 / 0.0;
    if (x == 0) return -1.0 / 0.0;
    if (x - x != 0) return x;
    int k;
    double f = log_split(x, &k);
    double lo, hi = log1p_kernel(f, &lo);
    double khi = k * ln2_hi; /* exact: ln2_hi has 32 trailing zero bits */
    double r = khi + hi;
    return r + (((khi - r) + hi) + (lo + k * ln2_lo));
}

/* log2 = k + log(1 + f) / ln 2, the product taken in double-double so the only rounding that matters is the last. */
double log2(double x) {
    if (x != x || x < 0) return 0.0 / 0.0;
    if (x == 0) return -1.0 / 0.0;
    if (x - x != 0) return x;
    const double inv_ln2_hi = 1.44269504088896338700e+00, inv_ln2_lo = 2.03552737409310207024e-17;
    int k;
    double f = log_split(x, &k);
    double lo, hi = log1p_kernel(f, &lo);
    double p = hi * inv_ln2_hi;
    double p_lo = fma(hi, inv_ln2_hi, -p) + (hi * inv_ln2_lo + lo * inv_ln2_hi);
    double r = k + p;
    double r_lo = fabs((double)k) >= fabs(p) ? (k - r) + p : (p - r) + k;
    return r + (r_lo + p_lo);
}
double log10(double x) { return log(x) * 0.43429448190325182765; }

/* ---- trigonometry: reduce by pi/2 in three parts, then the sin/cos kernels on [-pi/4, pi/4] ---- */
/* The polynomials of the kernels in z = x^2: sin x = x - x^3/6 + x^3 z sin_poly(z), cos x = 1 - z/2 + z cos_poly(z). */
static double sin_poly(double z) {
    return 8.33333333332248946124e-03 +
           z * (-1.98412698298579493134e-04 +
                z * (2.75573137070700676789e-06 + z * (-2.50507602534068634195e-08 + z * 1.58969099521155010221e-10)));
}

static double cos_poly(double z) {
    return z * (4.16666666666666019037e-02 +
                z * (-1.38888888888741095749e-03 +
                     z * (2.48015872894767294178e-05 +
                          z * (-2.75573143513906633035e-07 +
                               z * (2.08757232129817482790e-09 + z * -1.13596475577881948265e-11)))));
}

/* sin of hi + lo on [-pi/4, pi/4] as a double-double value (value + *err); the err part is for tan. */
static double sin_dd(double x, double y, double *err) {
    double z = x * x, v = z * x;
    double corr = (z * (0.5 * y - v * sin_poly(z)) - y) - v * -1.66666666666666324348e-01;
    double s = x - corr;
    *err = (x - s) - corr;
    return s;
}

static double sin_kernel(double x, double y) {
    double err;
    return sin_dd(x, y, &err);
}

static double cos_kernel(double x, double y) {
    double z = x * x;
    double hz = 0.5 * z, w = 1.0 - hz;
    return w + (((1.0 - w) - hz) + (z * cos_poly(z) - x * y));
}

/* x = n * pi/2 + (hi + lo). pi/2 is split in 33-bit parts p1 + p2 + p3 (+ a tail), so n * p1, n * p2 and n * p3
 * are exact for |x| < 2^20 pi/2; x - n * p1 is exact (the two are close), the next subtraction keeps its rounding
 * error (two-sum) and the rest is folded into that error term. */
static int reduce(double x, double *hi, double *lo) {
    double n = round(x * 6.36619772367581382433e-01);
    double r = x - n * 1.57079632673412561417e+00;
    double w = n * 6.07710050630396597660e-11;
    double h = r - w;
    double back = h - r;
    double err = (r - (h - back)) - (w + back);
    err = (err - n * 2.02226624871116645580e-21) - n * 8.47842766036889956997e-32;
    *hi = h + err;
    *lo = (h - *hi) + err;
    return (int)((long)n & 3);
}

double sin(double x) {
    if (fabs(x) < 0.785398163397448279) return fabs(x) < 0x1p-27 ? x : sin_kernel(x, 0);
    if (x != x || x - x != 0) return 0.0 / 0.0;
    double hi, lo;
    switch (reduce(x, &hi, &lo)) {
    case 0: return sin_kernel(hi, lo);
    case 1: return cos_kernel(hi, lo);
    case 2: return -sin_kernel(hi, lo);
    default: return -cos_kernel(hi, lo);
    }
}

double cos(double x) {
    if (fabs(x) < 0.785398163397448279) return fabs(x) < 0x1p-27 ? 1.0 : cos_kernel(x, 0);
    if (x != x || x - x != 0) return 0.0 / 0.0;
    double hi, lo;
    switch (reduce(x, &hi, &lo)) {
    case 0: return cos_kernel(hi, lo);
    case 1: return -sin_kernel(hi, lo);
    case 2: return -cos_kernel(hi, lo);
    default: return sin_kernel(hi, lo);
    }
}

/* cos of hi + lo on [-pi/4, pi/4] as a double-double value, for tan's quotient: x^2 is taken exactly (fma). */
static double cos_dd(double x, double y, double *err) {
    double z = x * x, z_err = fma(x, x, -z);
    double hz = 0.5 * z, w = 1.0 - hz;
    double tail = (((1.0 - w) - hz) - 0.5 * z_err) + (z * cos_poly(z) - x * y);
    double c = w + tail;
    *err = (w - c) + tail;
    return c;
}

/* tan = sin / cos with both in double-double and the quotient corrected by its exact remainder (fma). */
double tan(double x) {
    if (fabs(x) < 0x1p-27) return x;
    if (x != x || x - x != 0) return 0.0 / 0.0;
    double hi = x, lo = 0;
    int quadrant = fabs(x) < 0.785398163397448279 ? 0 : reduce(x, &hi, &lo);
    double s_err, c_err;
    double s = sin_dd(hi, lo, &s_err), c = cos_dd(hi, lo, &c_err);
    if (quadrant & 1) { /* tan(x + pi/2) = -cos(x) / sin(x) */
        double t = s, t_err = s_err;
        s = -c;
        s_err = -c_err;
        c = t;
        c_err = t_err;
    }
    double q = s / c;
    double rem = fma(-q, c, s) + (s_err - q * c_err);
    return q + rem / c;
}

/* atan of ax >= 0 as hi + *lo: reduce to |t| <= 7/16 around the points 0.5, 1, 1.5, infinity, where t = num / den
 * is corrected by its remainder (fma) and atan(t) = t - t^3 P(t^2) is an odd polynomial. The constant, t and the
 * small rest are summed with one final rounding. */
static double atan_dd(double ax, double *lo) {
    static const double hi[] = {4.63647609000806093515e-01, 7.85398163397448278999e-01,
                                9.82793723247329054082e-01, 1.57079632679489655800e+00};
    static const double hi_lo[] = {2.26987774529616870924e-17, 3.06161699786838301793e-17,
                                   1.39033110312309984516e-17, 6.12323399573676603587e-17};
    int id;
    double num = ax, den = 1.0, den_lo = 0.0; /* num is exact in each case, den = den + den_lo exactly */
    if (ax < 0.4375) {
        id = -1;
    } else if (ax < 0.6875) {
        id = 0; num = 2.0 * ax - 1.0; den = 2.0 + ax; den_lo = (2.0 - den) + ax;
    } else if (ax < 1.1875) {
        id = 1; num = ax - 1.0; den = ax + 1.0; den_lo = ax >= 1.0 ? (ax - den) + 1.0 : (1.0 - den) + ax;
    } else if (ax < 2.4375) {
        double p = 1.5 * ax, p_err = fma(1.5, ax, -p);
        id = 2; num = ax - 1.5; den = 1.0 + p; den_lo = ((p - den) + 1.0) + p_err;
    } else {
        id = 3; num = -1.0; den = ax;
    }
    double t = num / den;
    double t_lo = id < 0 || den - den != 0 ? 0.0 : (fma(-t, den, num) - t * den_lo) / den;
    double z = t * t, w = z * z;
    double s1 = z * (3.33333333333329318027e-01 + w * (1.42857142725034663711e-01 + w * (9.09088713343650656196e-02 +
               w * (6.66107313738753120669e-02 + w * (4.97687799461593236017e-02 + w * 1.62858201153657823623e-02)))));
    double s2 = w * (-1.99999999998764832476e-01 + w * (-1.11111104054623557880e-01 +
               w * (-7.69187620504482999495e-02 + w * (-5.83357013379057348645e-02 + w * -3.65315727442169155270e-02))));
    double rest = t_lo / (1.0 + z) - t * (s1 + s2);
    double base = id < 0 ? 0.0 : hi[id];
    double sum = base + t;
    double back = sum - base;
    double err = ((base - (sum - back)) + (t - back)) + (rest + (id < 0 ? 0.0 : hi_lo[id]));
    double r = sum + err;
    *lo = (sum - r) + err;
    return r;
}

double atan(double x) {
    if (x != x || fabs(x) < 0x1p-27) return x; /* atan x rounds to x there; keeps the sign of zero */
    double lo, r = atan_dd(fabs(x), &lo);
    return x < 0 ? -r : r;
}

/* atan2 = atan(|y| / |x|) (the quotient corrected by its remainder), taken from pi when x < 0, in double-double. */
double atan2(double y, double x) {
    if (x != x || y != y) return x + y;
    const double pi = 3.1415926535897931160, pi_lo = 1.2246467991473531772e-16;
    if (x == 0) {
        if (y == 0) return (to_bits(x) >> 63) ? ((to_bits(y) >> 63) ? -pi : pi) : y;
        return y > 0 ? pi / 2 : -pi / 2;
    }
    if (y == 0) return (to_bits(x) >> 63) ? ((to_bits(y) >> 63) ? -pi : pi) : y;
    double ax = fabs(x), ay = fabs(y);
    if (ax - ax != 0 && ay - ay != 0) { /* both infinite */
        double r = (to_bits(x) >> 63) ? 3 * pi / 4 : pi / 4;
        return y < 0 ? -r : r;
    }
    double q = ay / ax;
    double q_lo = (q != 0 && q - q == 0 && q > 0x1p-900 && q < 0x1p900) ? fma(-q, ax, ay) / ax : 0.0;
    double a_lo, a = atan_dd(q, &a_lo);
    a_lo += q_lo / (1.0 + q * q);
    if (to_bits(x) >> 63) {
        double sum = pi - a;
        double back = sum - pi;
        a_lo = ((pi - (sum - back)) + (-a - back)) + (pi_lo - a_lo);
        a = sum;
    }
    double r = a + a_lo;
    return y < 0 ? -r : r;
}

double asin(double x) { return atan2(x, sqrt((1.0 - x) * (1.0 + x))); }
double acos(double x) { return atan2(sqrt((1.0 - x) * (1.0 + x)), x); }

static double expm1_small(double x) {
    /* e^x - 1 without cancellation for small |x|: a Taylor series to 1e-17 for |x| < 0.35 */
    double term = x, sum = x;
    for (int n = 2; n < 20; n++) {
        term *= x / n;
        sum += term;
    }
    return sum;
}

double sinh(double x) {
    double a = fabs(x);
    double r = a < 0.35 ? expm1_small(a) : exp(a) - 1.0;
    r = 0.5 * (r + r / (r + 1.0));
    return x < 0 ? -r : r;
}

double cosh(double x) {
    double e = exp(fabs(x));
    return 0.5 * (e + 1.0 / e);
}

/* e^(r + r_lo) - 1 for |r| <= 0.35 as hi + lo: r + r*r/2 summed exactly (fma gives the product's error), the
 * Taylor tail r^3 (1/3! + r/4! + ... + r^13/16!) rounded as a whole. */
static double expm1_dd(double r, double r_lo, double *lo) {
    static const double inv_fact[] = {1.6666666666666666e-01, 4.1666666666666664e-02, 8.3333333333333332e-03,
                                      1.3888888888888889e-03, 1.9841269841269841e-04, 2.4801587301587302e-05,
                                      2.7557319223985893e-06, 2.7557319223985888e-07, 2.5052108385441720e-08,
                                      2.0876756987868100e-09, 1.6059043836821613e-10, 1.1470745597729725e-11,
                                      7.6471637318198164e-13, 4.7794773323873853e-14};
    double poly = inv_fact[13];
    for (int n = 12; n >= 0; n--) poly = inv_fact[n] + r * poly;
    double half = 0.5 * r;
    double p = half * r, p_err = fma(half, r, -p);
    double tail = r * r * r * poly;
    double sum = r + p;
    double err = ((r - sum) + p) + (p_err + tail + r_lo * (1.0 + r + p));
    double hi = sum + err;
    *lo = (sum - hi) + err;
    return hi;
}

/* tanh a = (e^2a - 1) / (e^2a + 1) with e^2a = 2^k (1 + m), m = expm1 of the reduced argument in double-double;
 * the numerator (2^k - 1) + 2^k m and the denominator are summed exactly, then the quotient is corrected. */
double tanh(double x) {
    double a = fabs(x);
    if (a != a) return x;
    if (a < 0x1p-28) return x;
    if (a > 22) return x < 0 ? -1.0 : 1.0;
    double u = 2 * a;
    int k = (int)(u * 1.44269504088896338700 + 0.5);
    double r_hi = u - k * ln2_hi; /* exact */
    double r_corr = k * ln2_lo;
    double r = r_hi - r_corr, r_lo = (r_hi - r) - r_corr;
    double m_lo, m = expm1_dd(r, r_lo, &m_lo);
    double scale = ldexp(1.0, k);
    double base = scale - 1.0, add = scale * m;
    double num = base + add;
    double back = num - base;
    double num_lo = ((base - (num - back)) + (add - back)) + scale * m_lo;
    double den = num + 2.0;
    double den_back = den - num;
    double den_lo = ((num - (den - den_back)) + (2.0 - den_back)) + num_lo;
    double q = num / den;
    double rem = fma(-q, den, num) + (num_lo - q * den_lo);
    double t = q + rem / den;
    return x < 0 ? -t : t;
}

/* log x as hi + *lo, about 2^-67 relative: x = 2^k (1 + f), log(1 + f) = 2 atanh(s) with s = f / (2 + f) =
 * 2s + 2s^3/3 + s^5 (2/5 + 2s^2/7 + ...), where s, s^3 and 2s^3/3 are double-double and only the rest is rounded. */
static double log_dd(double x, double *lo) {
    const double two_thirds = 6.6666666666666663e-01, two_thirds_lo = 3.700743415417188e-17;
    int k;
    double f = log_split(x, &k);
    double den = 2.0 + f, den_lo = (2.0 - den) + f;
    double s = f / den, s_lo = (fma(-s, den, f) - s * den_lo) / den;
    double s2 = s * s, s2_lo = fma(s, s, -s2) + 2.0 * s * s_lo;
    double s3 = s * s2, s3_lo = fma(s, s2, -s3) + (s * s2_lo + s_lo * s2);
    double t3 = s3 * two_thirds, t3_lo = fma(s3, two_thirds, -t3) + (s3 * two_thirds_lo + s3_lo * two_thirds);
    double poly = 2.0 / 29;
    for (int n = 13; n >= 2; n--) poly = 2.0 / (2 * n + 1) + s2 * poly;
    double t5 = s3 * s2 * poly;
    double a = 2.0 * s, sum = a + t3;
    double low = ((a - sum) + t3) + (2.0 * s_lo + t3_lo + t5);
    double l1 = sum + low, l1_lo = (sum - l1) + low;
    double kh = k * ln2_hi, kl = k * ln2_lo, kl_err = fma((double)k, ln2_lo, -kl);
    double h = kh + l1, back = h - kh;
    double h_lo = ((kh - (h - back)) + (l1 - back)) + (l1_lo + kl + kl_err);
    double r = h + h_lo;
    *lo = (h - r) + h_lo;
    return r;
}

/* e^(y + y_lo) = 2^k e^r with r = y + y_lo - k ln 2 in double-double and e^r = 1 + expm1_dd(r): one last rounding. */
static double exp_dd(double y, double y_lo) {
    if (y > 709.79) return 1.0 / 0.0;
    if (y < -745.2) return 0.0;
    double kf = round(y * 1.44269504088896338700);
    double r_hi = y - kf * ln2_hi; /* exact */
    double kl = kf * ln2_lo, kl_err = fma(kf, ln2_lo, -kl);
    double r0 = r_hi - kl, back = r0 - r_hi;
    double r0_lo = ((r_hi - (r0 - back)) + (-kl - back)) + (y_lo - kl_err);
    double r = r0 + r0_lo, r_lo = (r0 - r) + r0_lo;
    double m_lo, m = expm1_dd(r, r_lo, &m_lo);
    double sum = 1.0 + m, err = ((1.0 - sum) + m) + m_lo;
    return ldexp(sum + err, (int)kf);
}

/* pow = e^(y log|x|) with log|x| and y log|x| in double-double, so the result is rounded once at the end. */
double pow(double x, double y) {
    if (y == 0) return 1.0;
    if (x == 1.0) return 1.0;
    if (x != x || y != y) return x + y;
    double yi = trunc(y);
    if (x < 0 && y != yi) return 0.0 / 0.0;
    int odd = y == yi && fabs(y) < 0x1p53 && fmod(yi, 2.0) != 0;
    double sign = ((to_bits(x) >> 63) && odd) ? -1.0 : 1.0;
    double ax = fabs(x);
    if (ax == 0) return y > 0 ? sign * 0.0 : sign / 0.0;
    if (ax - ax != 0) return y > 0 ? sign * ax : sign * 0.0;
    if (y - y != 0) {
        if (ax == 1) return 1.0;
        return (ax > 1) == (y > 0) ? 1.0 / 0.0 : 0.0;
    }
    double l_lo, l = log_dd(ax, &l_lo);
    double p = y * l, p_lo = fma(y, l, -p) + y * l_lo;
    return sign * exp_dd(p, p_lo);
}

float fabsf(float x) { return (float)fabs(x); }
float expf(float x) { return (float)exp(x); }
float logf(float x) { return (float)log(x); }
float tanhf(float x) { return (float)tanh(x); }
float powf(float x, float y) { return (float)pow(x, y); }
float sinf(float x) { return (float)sin(x); }
float cosf(float x) { return (float)cos(x); }
float floorf(float x) { return (float)floor(x); }
float ceilf(float x) { return (float)ceil(x); }
/* fmod's result is exact, and the remainder of two floats is a float, so the double one is fmodf. */
float fmodf(float x, float y) { return (float)fmod(x, y); }
