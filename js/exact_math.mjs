/*
 * exact_math.mjs: spec/SPEC.md §4.1, exp and expm1 from + - * / alone.
 *
 * Hand-written (the algorithm is the spec's, not the model's); its constants
 * are generated from spec/model.toml into exp_constants.mjs. JavaScript
 * numbers are IEEE doubles rounded to nearest and never fuse a multiply and
 * an add, so every result is the same double as the Python reference's
 * (python/pyhh/reference/exponential.py) and the C port's (c/hh_exact_math.h),
 * in every engine: Math.exp, Math.expm1 and Math.pow are not used (V8's differ
 * from other libraries' in the last bit).
 */

import {
    N, X_OVER, X_UNDER, EXPM1_X_MIN, EXPM1_SERIES_MAX, SHIFTER, SPLITTER, INV_LN2_N, LN2_N_HI, LN2_N_LO,
    C2, C3, C4, C5, C6, D3, D4, D5, D6, D7, D8, D9, D10, D11, D12, D13, TABLE_HI, TABLE_LO,
} from "./exp_constants.mjs";

/* Eight bytes in which pow2 builds a double from its bits. */
const bits = new DataView(new ArrayBuffer(8));

/* §4.1.1: z rounded to the nearest integer, ties to even (for |z| < 2^51). */
export function round_to_integer(z) {
    return (z + SHIFTER) - SHIFTER;
}

/* §4.1.1: 2^k for -1022 <= k <= 1023, built from its bits (biased exponent k + 1023;
   Math.pow(2, k) is not promised to be exact in every engine). */
export function pow2(k) {
    bits.setUint32(0, (k + 1023) << 20);
    bits.setUint32(4, 0);
    return bits.getFloat64(0);
}

/* §4.1.1: y * 2^m rounded once, as two products by normal powers of two. */
export function scale(y, m) {
    const b = Math.floor(m / 2);
    return (y * pow2(m - b)) * pow2(b);
}

/* §4.1.1: [s, e]: s = a + b rounded, and e its rounding error, exactly (Knuth's two-sum). */
export function two_sum(a, b) {
    const s = a + b;
    const b_virtual = s - a;
    const a_virtual = s - b_virtual;
    return [s, (a - a_virtual) + (b - b_virtual)];
}

/* §4.1.1: [x_hi, x_lo], x = x_hi + x_lo exactly, each of at most 26 significant bits (Veltkamp). */
export function split(x) {
    const u = SPLITTER * x;
    const x_hi = u - (u - x);
    return [x_hi, x - x_hi];
}

/* §4.1.2: x + x_lo = (N m + j) ln(2) / N + r: [m, j, r]. */
export function reduce(x, x_lo) {
    const kd = round_to_integer(x * INV_LN2_N);
    const r = ((x - kd * LN2_N_HI) - kd * LN2_N_LO) + x_lo;
    const j = ((kd % N) + N) % N;
    return [(kd - j) / N, j, r];
}

/* §4.1.2: exp(r) - 1 for |r| <= ln(2) / (2N). */
export function exp_poly(r) {
    return r + (r * r) * (C2 + r * (C3 + r * (C4 + r * (C5 + r * C6))));
}

/* §4.1.3: exp(x + x_lo), for x_lo = 0 (exp itself) or far below an ulp of x (§3.2). */
export function exp_sum(x, x_lo) {
    if (x !== x)
        return x;
    if (x > X_OVER)
        return Infinity;
    if (x < X_UNDER)
        return 0.0;
    const [m, j, r] = reduce(x, x_lo);
    return scale(TABLE_HI[j] + (TABLE_LO[j] + TABLE_HI[j] * exp_poly(r)), m);
}

/* §4.1.3: e^x. */
export function exp(x) {
    return exp_sum(x, 0.0);
}

/* §4.1.4 a: e^x - 1 for |x| <= EXPM1_SERIES_MAX: x + x^2/2 + x^3 q(x), with x^2/2 carried exactly. */
export function expm1_series(x) {
    const [x_hi, x_lo] = split(x);
    const h = 0.5 * (x_hi * x_hi);
    const s = x + h;
    const e = h - (s - x);
    const t = x_lo * (0.5 * (x + x_hi));
    const q = D3 + x * (D4 + x * (D5 + x * (D6 + x * (D7 + x * (D8 + x * (D9 + x * (D10 + x * (D11 + x * (D12 + x * D13)))))))));
    return s + (e + (t + ((x * x) * x) * q));
}

/* §4.1.4 b: e^x - 1 = 2^m ((2^(j/N) - 2^-m) + 2^(j/N) p), elsewhere. */
export function expm1_table(x) {
    const [m, j, r] = reduce(x, 0.0);
    const p = exp_poly(r);
    const [s, e] = two_sum(TABLE_HI[j], -scale(1.0, -m));
    return scale(s + (e + (TABLE_LO[j] + TABLE_HI[j] * p)), m);
}

/* §4.1.4: e^x - 1, without cancellation near 0. */
export function expm1(x) {
    if (x !== x)
        return x;
    if (x > X_OVER)
        return Infinity;
    if (x < EXPM1_X_MIN)
        return -1.0;
    if (-EXPM1_SERIES_MAX <= x && x <= EXPM1_SERIES_MAX)
        return expm1_series(x);
    return expm1_table(x);
}
