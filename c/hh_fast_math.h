/*
 * hh_fast_math.h: exp and expm1 for the vectorised batch kernels (c/pyhh_fast.c,
 * in double, and c/pyhh_fast32.c, in float: the same names with an f).
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

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "pyhh.h" /* HH_INLINE */


/* 2^(j/64) for j = 0 .. 63, rounded to double (EXP2_HI), and what that
   rounding dropped (EXP2_LO, below 1.2e-16). Computed with 60 decimal digits
   (Python's decimal module: Decimal(2) ** (Decimal(j) / 64)). */
static const double EXP2_HI[64] = {
    1.0, 1.0108892860517005, 1.0218971486541166, 1.0330248790212284,
    1.0442737824274138, 1.0556451783605572, 1.0671404006768237, 1.0787607977571199,
    1.0905077326652577, 1.102382583307841, 1.1143867425958924, 1.1265216186082418,
    1.1387886347566916, 1.1511892299529827, 1.1637248587775775, 1.1763969916502812,
    1.189207115002721, 1.202156731452703, 1.215247359980469, 1.22848053610687,
    1.241857812073484, 1.255380757024691, 1.2690509571917332, 1.2828700160787783,
    1.2968395546510096, 1.3109612115247644, 1.3252366431597413, 1.339667524053303,
    1.3542555469368927, 1.3690024229745905, 1.383909881963832, 1.3989796725383112,
    1.4142135623730951, 1.42961333839197, 1.4451808069770467, 1.460917794180647,
    1.4768261459394993, 1.4929077282912648, 1.5091644275934228, 1.5255981507445384,
    1.5422108254079407, 1.559004400237837, 1.5759808451078865, 1.593142151342267,
    1.6104903319492543, 1.6280274218573478, 1.645755478153965, 1.6636765803267364,
    1.681792830507429, 1.7001063537185235, 1.718619298122478, 1.7373338352737062,
    1.7562521603732995, 1.7753764925265212, 1.7947090750031072, 1.8142521755003989,
    1.8340080864093424, 1.8539791250833855, 1.8741676341103, 1.8945759815869656,
    1.9152065613971474, 1.9360617934922943, 1.9571441241754002, 1.978456026387951,
};

static const double EXP2_LO[64] = {
    0.0, -1.5234778603368577e-17, 5.109225028973444e-17, 7.600838874027088e-18,
    8.551889705537965e-17, 1.759325738772092e-18, -7.899853966841582e-17, -6.656660436056593e-17,
    -3.046782079812471e-17, 5.2660368715706944e-17, 1.0410278456845571e-16, 5.165856758795457e-17,
    8.912812676025408e-17, 3.250710218863827e-17, 3.8292048369240935e-17, 5.554203254218079e-17,
    3.982015231465646e-17, 6.644981499252301e-17, -7.712630692681488e-17, -1.89878163130253e-17,
    4.658027591836937e-17, -6.7113898212968784e-18, 2.667932131342186e-18, 1.713594918243561e-17,
    2.5382502794888315e-17, -7.181536135519454e-17, -2.8587312100388614e-17, 8.927282594831732e-17,
    7.70094837980299e-17, 9.593797919118849e-17, -6.770511658794786e-17, -9.614213209051323e-17,
    -9.667293313452913e-17, -1.2031642489053655e-17, -3.0237581349939873e-17, -5.600377186075216e-17,
    -3.483994556892796e-17, 1.4192920154284036e-17, -1.016455327754295e-16, -1.1024941712342561e-16,
    7.949834809697621e-17, 3.7812070533575275e-17, -1.0136916471278304e-17, -1.0094406542311964e-16,
    2.4707192569797888e-17, -6.712955084707084e-17, -1.0125679913674773e-16, 5.8909926967131e-17,
    8.199010020581497e-17, -8.0237193703977e-18, -1.851380418263111e-17, 3.164389299292957e-17,
    2.960140695448873e-17, 6.429731796556572e-17, 1.8227458427912087e-17, -9.969531538920349e-17,
    3.283107224245627e-17, 9.761887490727594e-17, -6.122763413004143e-17, 3.4034035352165297e-17,
    -1.0619946056195963e-16, 1.0332385960676326e-16, 8.960767791036668e-17, 4.0388753109278167e-17,
};

/* The table-driven reduction of exp (as in Tang 1989 and most vector libms):
   x = (64 k + j) ln 2 / 64 + r, i = 64 k + j = round(64 x / ln 2), 0 <= j < 64,
   |r| <= ln 2 / 128, so exp(x) = 2^k 2^(j/64) exp(r). Returns exp(r) - 1 from
   its Taylor series to r^6 (truncation below 3e-20, so
   that expm1 keeps its relative accuracy too), sets *two_k = 2^k and
   *j to the table row. The argument is clamped to [-708, 709.7], so 2^k and
   every result is a normal number, never 0 or inf. */
HH_INLINE double fast_expm1_reduced(double x, double *two_k, int64_t *j)
{
    const double shifter = 6755399441055744.0; /* 1.5 * 2^52: adding it rounds to an integer */
    double kd, r, r2, p;
    int64_t bits;
    uint64_t e;
    x = x < -708.0 ? -708.0 : x;
    x = x > 709.7 ? 709.7 : x;
    kd = x * 92.33248261689366 + shifter; /* 64 / ln 2 */
    memcpy(&bits, &kd, sizeof bits);     /* the low bits of kd are i */
    kd = kd - shifter;
    r = x - kd * 0.010830424260348082; /* ln 2 / 64, high part (25 bits): kd times it is exact */
    r = r - kd * 4.3590106387089914e-10;  /* ln 2 / 64, low part */
    r2 = r * r;
    p = r + r2 * ((1.0 / 2 + r * (1.0 / 6)) + r2 * ((1.0 / 24 + r * (1.0 / 120)) + r2 * (1.0 / 720)));
    *j = bits & 63;
    /* (bits - j) << 46 is 64 k << 46 = k << 52: the 1.5 * 2^52 of the shifter shifts out */
    e = ((uint64_t)(bits - *j) << 46) + ((uint64_t)1023 << 52);
    memcpy(two_k, &e, sizeof *two_k);
    return p;
}

/* exp(x) = 2^k 2^(j/64) (1 + p): within 1 ulp of the correctly rounded value. */
HH_INLINE double fast_exp(double x)
{
    double two_k, s;
    int64_t j;
    double p = fast_expm1_reduced(x, &two_k, &j);
    s = EXP2_HI[j] * two_k;
    return s + s * p;
}

/* expm1(x) = (s - 1) + (s p + s_lo) with s = 2^k EXP2_HI[j] and s_lo = 2^k EXP2_LO[j]:
   s - 1 is exact for |x| < ln 2, so the result keeps its relative accuracy near 0. */
HH_INLINE double fast_expm1(double x)
{
    double two_k, s;
    int64_t j;
    double p = fast_expm1_reduced(x, &two_k, &j);
    s = EXP2_HI[j] * two_k;
    return (s - 1.0) + (s * p + EXP2_LO[j] * two_k);
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

/* ---- float versions, for the float32 kernel (c/pyhh_fast32.c) ---- */

/* expf(x) = 2^k exp(r), k = round(x / ln 2), |r| <= ln 2 / 2; returns exp(r) - 1
   from its Taylor series to r^7 (truncation below 6e-9, a tenth of a float's
   ulp; no table, so it vectorises on every instruction set) and sets *scale =
   2^k. The argument is clamped to [-87, 88], so no result is 0 or inf. The
   series is in Horner's form and |r| < 1e-30 counts as 0, so that no product
   is a subnormal float: a subnormal result costs a microcode assist of a
   hundred cycles or more on x86 (neurons at rest have V, and so r, near 0). */
HH_INLINE float fast_expm1f_reduced(float x, float *scale)
{
    const float shifter = 12582912.0f; /* 1.5 * 2^23: adding it rounds to an integer */
    float kf, r, p;
    int32_t bits;
    uint32_t e;
    x = x < -87.0f ? -87.0f : x;
    x = x > 88.0f ? 88.0f : x;
    kf = x * 1.44269504f + shifter;
    memcpy(&bits, &kf, sizeof bits);
    kf = kf - shifter;
    r = x - kf * 0.693145751953125f; /* ln 2, high part: kf times it is exact */
    r = r - kf * 1.42860677e-6f;     /* ln 2, low part */
    r = fabsf(r) < 1e-30f ? 0.0f : r; /* expm1(r) = r there; keeps every product normal */
    p = r * (1.0f + r * (1.0f / 2 + r * (1.0f / 6 + r * (1.0f / 24 + r * (1.0f / 120 + r * (1.0f / 720 + r * (1.0f / 5040)))))));
    e = (uint32_t)(bits - (int32_t)0x4B400000 + 127) << 23;
    memcpy(scale, &e, sizeof *scale);
    return p;
}

HH_INLINE float fast_expf(float x)
{
    float scale;
    float p = fast_expm1f_reduced(x, &scale);
    return scale * p + scale;
}

HH_INLINE float fast_expm1f(float x)
{
    float scale;
    float p = fast_expm1f_reduced(x, &scale);
    return scale * p + (scale - 1.0f);
}

/* exprel in float: at x = 0 it divides expm1f(1e-20) = 1e-20 by 1e-20. */
HH_INLINE float exprelf(float x)
{
    float nonzero = x == 0.0f ? 1e-20f : x;
    return fast_expm1f(nonzero) / nonzero;
}

/* x_over_expm1 in float: the series for |x| < 0.1 (truncation below 1e-14),
   where a float's cancellation in em1 would cost more than 1e-6. */
HH_INLINE float x_over_expm1f(float x, float em1)
{
    float series = 1.0f + x * (-0.5f + x * (1.0f / 12 + x * x * (-1.0f / 720 + x * x * (1.0f / 30240))));
    return x < 0.1f && x > -0.1f ? series : x / em1;
}

#endif /* HH_FAST_MATH_H */
