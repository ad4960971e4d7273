/*
 * hh_exact_math.h: spec/SPEC.md §4.1, exp and expm1 from + - * / alone.
 *
 * Hand-written (the algorithm is the spec's, not the model's); its constants
 * are generated from spec/model.toml into hh_exp_constants.h. Every result is
 * a fixed sequence of IEEE 754 binary64 operations rounded to nearest, so it
 * is the same double on every CPU and with every C library, and the same as
 * the Python reference's (python/pyhh/reference/exponential.py) and the
 * JavaScript port's (js/exact_math.mjs). No C library function is called.
 *
 * exp and expm1 are written without branches: each computes every case of
 * its section and returns the one the spec's tests choose, so that a neuron
 * loop that inlines them vectorises (a vector unit computes the same bits
 * lane by lane, §4.1.3). Arguments outside a case's range are clamped into
 * it first, so that every integer stays small; the clamped result is never
 * the one returned.
 *
 * A file that includes this header must forbid the contraction of a * b + c
 * into a fused multiply-add, as pyhh_exact.c does with a pragma: one fused
 * rounding changes the last bit. (The fast kernels compute their temperature
 * factor through pyhh_exact.c's hh_temperature_factor for that reason.)
 */
#ifndef HH_EXACT_MATH_H
#define HH_EXACT_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "hh_exp_constants.h"
#include "pyhh.h" /* HH_INLINE */


/* §4.1.1: z rounded to the nearest integer, ties to even (for |z| < 2^51). */
HH_INLINE double hh_round_to_integer(double z)
{
    return (z + HH_EXP_SHIFTER) - HH_EXP_SHIFTER;
}

/* §4.1.1: 2^k for -1022 <= k <= 1023, built from its bits (biased exponent k + 1023). */
HH_INLINE double hh_pow2(int64_t k)
{
    uint64_t bits = (uint64_t)(k + 1023) << 52;
    double p;
    memcpy(&p, &bits, sizeof p);
    return p;
}

/* §4.1.1: y * 2^m rounded once, as two products by normal powers of two
   (-1076 <= m <= 1024 here): b = floor(m / 2), then (y * 2^(m - b)) * 2^b. */
HH_INLINE double hh_scale(double y, int64_t m)
{
    int64_t b = (m - (m & 1)) / 2;
    return (y * hh_pow2(m - b)) * hh_pow2(b);
}

/* §4.1.1: *s = a + b rounded, and *e its rounding error, exactly (Knuth's two-sum). */
HH_INLINE void hh_two_sum(double a, double b, double *s, double *e)
{
    double b_virtual, a_virtual;
    *s = a + b;
    b_virtual = *s - a;
    a_virtual = *s - b_virtual;
    *e = (a - a_virtual) + (b - b_virtual);
}

/* §4.1.1: x = *x_hi + *x_lo exactly, each of at most 26 significant bits (Veltkamp's split). */
HH_INLINE void hh_split(double x, double *x_hi, double *x_lo)
{
    double u = HH_EXP_SPLITTER * x;
    *x_hi = u - (u - x);
    *x_lo = x - *x_hi;
}

/* §4.1.2: x + x_lo = (N m + j) ln(2) / N + r; sets *m and *j, returns r.
   kd = round_to_integer(x * inv_ln2_n) is also read as an integer, k, from
   the bits of its first sum: below 2^51 in magnitude, kd + shifter has
   exponent 52, so its last bits count kd up from the shifter's. */
HH_INLINE double hh_reduce(double x, double x_lo, int64_t *m, int64_t *j)
{
    const double shifter = HH_EXP_SHIFTER;
    double shifted = x * HH_EXP_INV_LN2_N + shifter;
    double kd = shifted - shifter;
    double r = ((x - kd * HH_EXP_LN2_N_HI) - kd * HH_EXP_LN2_N_LO) + x_lo;
    int64_t bits, shifter_bits, k;
    memcpy(&bits, &shifted, sizeof bits);
    memcpy(&shifter_bits, &shifter, sizeof shifter_bits);
    k = bits - shifter_bits;
    *j = k & (HH_EXP_N - 1);
    *m = (k - *j) / HH_EXP_N;
    return r;
}

/* §4.1.2: exp(r) - 1 for |r| <= ln(2) / (2N). */
HH_INLINE double hh_exp_poly(double r)
{
    return r + (r * r) * (HH_EXP_C2 + r * (HH_EXP_C3 + r * (HH_EXP_C4 + r * (HH_EXP_C5 + r * HH_EXP_C6))));
}

/* §4.1.3: exp(x + x_lo), for x_lo = 0 (exp itself) or far below an ulp of x (§3.2). */
HH_INLINE double hh_exp_sum(double x, double x_lo)
{
    int64_t m, j;
    double x_in = x > HH_EXP_X_OVER ? HH_EXP_X_OVER : x;
    double r, y;
    x_in = x_in >= HH_EXP_X_UNDER ? x_in : HH_EXP_X_UNDER; /* NaN too */
    r = hh_reduce(x_in, x_lo, &m, &j);
    y = hh_scale(hh_exp_table_hi[j] + (hh_exp_table_lo[j] + hh_exp_table_hi[j] * hh_exp_poly(r)), m);
    y = x < HH_EXP_X_UNDER ? 0.0 : y;
    y = x > HH_EXP_X_OVER ? HUGE_VAL : y;
    return x != x ? x : y;
}

/* §4.1.3: e^x. */
HH_INLINE double hh_exp(double x)
{
    return hh_exp_sum(x, 0.0);
}

/* §4.1.4 a: e^x - 1 for |x| <= HH_EXPM1_SERIES_MAX: x + x^2/2 + x^3 q(x), with x^2/2 carried exactly. */
HH_INLINE double hh_expm1_series(double x)
{
    double x_hi, x_lo, h, s, e, t, q;
    hh_split(x, &x_hi, &x_lo);
    h = 0.5 * (x_hi * x_hi);
    s = x + h;
    e = h - (s - x);
    t = x_lo * (0.5 * (x + x_hi));
    q = HH_EXPM1_D3 + x * (HH_EXPM1_D4 + x * (HH_EXPM1_D5 + x * (HH_EXPM1_D6 + x * (HH_EXPM1_D7 + x * (HH_EXPM1_D8
        + x * (HH_EXPM1_D9 + x * (HH_EXPM1_D10 + x * (HH_EXPM1_D11 + x * (HH_EXPM1_D12 + x * HH_EXPM1_D13)))))))));
    return s + (e + (t + ((x * x) * x) * q));
}

/* §4.1.4 b: e^x - 1 = 2^m ((2^(j/N) - 2^-m) + 2^(j/N) p), elsewhere. */
HH_INLINE double hh_expm1_table(double x)
{
    int64_t m, j;
    double r = hh_reduce(x, 0.0, &m, &j);
    double p = hh_exp_poly(r);
    double s, e;
    hh_two_sum(hh_exp_table_hi[j], -hh_scale(1.0, -m), &s, &e);
    return hh_scale(s + (e + (hh_exp_table_lo[j] + hh_exp_table_hi[j] * p)), m);
}

/* §4.1.4: e^x - 1, without cancellation near 0: both (a) and (b), and the one
   the spec's tests choose. */
HH_INLINE double hh_expm1(double x)
{
    double x_in = x > HH_EXP_X_OVER ? HH_EXP_X_OVER : x;
    double series, table, y;
    x_in = x_in >= HH_EXPM1_X_MIN ? x_in : HH_EXPM1_X_MIN; /* NaN too */
    series = hh_expm1_series(x);
    table = hh_expm1_table(x_in);
    y = -HH_EXPM1_SERIES_MAX <= x && x <= HH_EXPM1_SERIES_MAX ? series : table;
    y = x < HH_EXPM1_X_MIN ? -1.0 : y;
    y = x > HH_EXP_X_OVER ? HUGE_VAL : y;
    return x != x ? x : y;
}

/* §4.1.5: exprel(x) = (exp(x) - 1) / x, with exprel(0) = 1 (at 0 the
   quotient is 0 / 0, and not returned). */
HH_INLINE double hh_exprel(double x)
{
    double y = hh_expm1(x) / x;
    return x == 0.0 ? 1.0 : y;
}

#endif /* HH_EXACT_MATH_H */
