/*
 * format.mjs: numbers and times as the page prints them.
 *
 * A student reads a number at a readable precision with its unit; a porter
 * compares every digit, so "full precision" prints the shortest decimal that
 * reads back as the same float64 (JavaScript's String(x), Python's repr(x):
 * what a port's trace is compared with, spec §10.2). Times t_k = k dt are
 * printed from k and dt (spec §6.2), to the decimals dt has, so that step 126
 * of dt = 0.1 ms is 12.6 ms, not the float64 product 12.600000000000001.
 */

/* Significant digits of a readable number. */
export const READABLE_DIGITS = 6;

/* x rounded to READABLE_DIGITS significant digits (and no trailing zeros), or every digit. */
export function number_text(x, full = false) {
    if (full || !Number.isFinite(x) || x === 0)
        return String(x);
    return String(Number(x.toPrecision(READABLE_DIGITS)));
}

/* The decimals of a number's shortest decimal form: 0.01 -> 2, 2.5e-7 -> 8, 20 -> 0. */
export function decimals_of(x) {
    const [mantissa, exponent = "0"] = String(Math.abs(x)).split("e");
    const fraction = mantissa.split(".")[1] ?? "";
    return Math.max(0, fraction.length - Number(exponent));
}

/* t_k = k dt in ms as a time: to the decimals of dt, trailing zeros dropped (k = 126, dt = 0.1: "12.6"). */
export function time_text(k, dt) {
    const t = k * dt;
    const decimals = decimals_of(dt);
    if (!Number.isFinite(t) || decimals > 100)
        return String(t);
    const text = t.toFixed(decimals);
    return text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}
