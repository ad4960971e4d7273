/*
 * hh_fast_math.h: exp and expm1 for the vectorised batch kernel (c/pyhh_fast.c).
 *
 * Hand-written, not generated: nothing here depends on the model file or on
 * the spec's operation order. Every function is inlined into the neuron loop,
 * so that the loop has no library calls and the compiler can vectorise it.
 * pyhh_fast.c includes this after its optimize pragma (fused multiply-add
 * allowed, no trapping math), which these functions are written for. The
 * results are within a few ulp of the C library's; the fast kernel as a whole
 * stays within the spec's float64 tolerance (spec §11.2, §11.3).
 */
#ifndef HH_FAST_MATH_H
#define HH_FAST_MATH_H

#include <stdint.h>
#include <string.h>

#if defined(__GNUC__)
#define HH_INLINE static inline __attribute__((always_inline))
#else
#define HH_INLINE static inline
#endif

/* exp(x) = 2^k exp(r), k = round(x / ln 2), |r| <= ln 2 / 2; returns
   exp(r) - 1 from its Taylor series to r^13 (truncation below 1e-17),
   evaluated in Estrin's scheme for a short dependency chain, and sets
   *scale = 2^k. The argument is clamped to [-708, 709.7], so no result is
   0 or inf. */
HH_INLINE double fast_expm1_reduced(double x, double *scale)
{
    const double shifter = 6755399441055744.0; /* 1.5 * 2^52: adding it rounds to an integer */
    double kd, r, r2, r4, r8, p;
    int64_t bits;
    uint64_t e;
    x = x < -708.0 ? -708.0 : x;
    x = x > 709.7 ? 709.7 : x;
    kd = x * 1.4426950408889634 + shifter;
    memcpy(&bits, &kd, sizeof bits);
    kd = kd - shifter;
    r = x - kd * 6.93147180369123816490e-01; /* ln 2, high part */
    r = r - kd * 1.90821492927058770002e-10; /* ln 2, low part */
    r2 = r * r;
    r4 = r2 * r2;
    r8 = r4 * r4;
    p = ((1.0 / 2 + r * (1.0 / 6)) + r2 * (1.0 / 24 + r * (1.0 / 120)))
        + r4 * ((1.0 / 720 + r * (1.0 / 5040)) + r2 * (1.0 / 40320 + r * (1.0 / 362880)))
        + r8 * ((1.0 / 3628800 + r * (1.0 / 39916800)) + r2 * (1.0 / 479001600 + r * (1.0 / 6227020800.0)));
    p = r + r2 * p;
    e = (uint64_t)(bits - (int64_t)0x4338000000000000LL + 1023) << 52;
    memcpy(scale, &e, sizeof *scale);
    return p;
}

HH_INLINE double fast_exp(double x)
{
    double scale;
    double p = fast_expm1_reduced(x, &scale);
    return scale * p + scale;
}

HH_INLINE double fast_expm1(double x)
{
    double scale;
    double p = fast_expm1_reduced(x, &scale);
    return scale * p + (scale - 1.0);
}

/* §4.1 without a branch: at x = 0 it divides expm1(1e-300) = 1e-300 by 1e-300. */
HH_INLINE double exprel(double x)
{
    double nonzero = x == 0.0 ? 1e-300 : x;
    return fast_expm1(nonzero) / nonzero;
}

/* x / expm1(x) given a value of expm1(x) that cancels near x = 0: there, the
   series 1 - x/2 + x^2/12 - x^4/720 + x^6/30240 (|x| < 0.01, truncation below 1e-22). */
HH_INLINE double x_over_expm1(double x, double em1)
{
    double series = 1.0 + x * (-0.5 + x * (1.0 / 12 + x * x * (-1.0 / 720 + x * x * (1.0 / 30240))));
    return x < 0.01 && x > -0.01 ? series : x / em1;
}

#endif /* HH_FAST_MATH_H */
