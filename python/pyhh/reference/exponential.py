"""Spec §4.1: exp and expm1, and the power of §3.2, from + - * / alone.

Every result here is a fixed sequence of IEEE 754 binary64 additions,
subtractions, multiplications and divisions, rounded to nearest, with no fused
multiply-add and no call to a library whose last bit is not fixed: so every
port that follows these steps gets these bits, in any language and on any CPU.
(math.ldexp only builds an exact power of two; the comparisons and integer
arithmetic on kd are exact.) The constants are spec/model.toml's [exp] and
[temperature] tables, spelled out as hexadecimal floats;
tests/test_exp_constants.py proves they equal the model file's and derives
each from its definition with mpmath.
"""

from __future__ import annotations

import math

#: §4.1.2: N, the table's size: exp(x) = 2^m * 2^(j/N) * exp(r), |r| <= ln(2) / (2N).
N = 64
#: §4.1.3-4.1.4: above X_OVER exp and expm1 are +inf; below X_UNDER exp is 0; below EXPM1_X_MIN expm1 is -1.
X_OVER = float.fromhex("0x1.62e42fefa39efp+9")
X_UNDER = -746.0
EXPM1_X_MIN = -40.0
#: §4.1.4: expm1 by its series where |x| <= EXPM1_SERIES_MAX, through the table elsewhere.
EXPM1_SERIES_MAX = 0.25
#: §4.1.1: 1.5 * 2^52 (rounding to an integer) and 2^27 + 1 (Veltkamp's splitter).
SHIFTER = 6755399441055744.0
SPLITTER = 134217729.0
#: §4.1.2: N / ln 2, and ln 2 / N = LN2_N_HI + LN2_N_LO (hi to 36 bits: kd * LN2_N_HI is exact).
INV_LN2_N = float.fromhex("0x1.71547652b82fep+6")
LN2_N_HI = float.fromhex("0x1.62e42fefa0000p-7")
LN2_N_LO = float.fromhex("0x1.cf79abc9e3b3ap-46")
#: §4.1.2: c2 ... c6 = 1/2!, ..., 1/6!, the coefficients of exp(r) - 1 - r.
C2, C3, C4, C5, C6 = (float.fromhex(c) for c in ("0x1.0000000000000p-1", "0x1.5555555555555p-3", "0x1.5555555555555p-5", "0x1.1111111111111p-7", "0x1.6c16c16c16c17p-10"))
#: §4.1.4: the coefficients of x^3 ... x^13 in expm1's series, 1/3!, ..., 1/13!.
D3, D4, D5, D6, D7, D8, D9, D10, D11, D12, D13 = (float.fromhex(c) for c in (
    "0x1.5555555555555p-3", "0x1.5555555555555p-5", "0x1.1111111111111p-7", "0x1.6c16c16c16c17p-10", "0x1.a01a01a01a01ap-13",
    "0x1.a01a01a01a01ap-16", "0x1.71de3a556c734p-19", "0x1.27e4fb7789f5cp-22", "0x1.ae64567f544e4p-26", "0x1.1eed8eff8d898p-29", "0x1.6124613a86d09p-33",
))
#: §4.1.2: 2^(j/N) = TABLE_HI[j] + TABLE_LO[j], j = 0 ... N - 1.
TABLE_HI = tuple(float.fromhex(t) for t in (
    "0x1.0000000000000p+0", "0x1.02c9a3e778061p+0", "0x1.059b0d3158574p+0",
    "0x1.0874518759bc8p+0", "0x1.0b5586cf9890fp+0", "0x1.0e3ec32d3d1a2p+0",
    "0x1.11301d0125b51p+0", "0x1.1429aaea92de0p+0", "0x1.172b83c7d517bp+0",
    "0x1.1a35beb6fcb75p+0", "0x1.1d4873168b9aap+0", "0x1.2063b88628cd6p+0",
    "0x1.2387a6e756238p+0", "0x1.26b4565e27cddp+0", "0x1.29e9df51fdee1p+0",
    "0x1.2d285a6e4030bp+0", "0x1.306fe0a31b715p+0", "0x1.33c08b26416ffp+0",
    "0x1.371a7373aa9cbp+0", "0x1.3a7db34e59ff7p+0", "0x1.3dea64c123422p+0",
    "0x1.4160a21f72e2ap+0", "0x1.44e086061892dp+0", "0x1.486a2b5c13cd0p+0",
    "0x1.4bfdad5362a27p+0", "0x1.4f9b2769d2ca7p+0", "0x1.5342b569d4f82p+0",
    "0x1.56f4736b527dap+0", "0x1.5ab07dd485429p+0", "0x1.5e76f15ad2148p+0",
    "0x1.6247eb03a5585p+0", "0x1.6623882552225p+0", "0x1.6a09e667f3bcdp+0",
    "0x1.6dfb23c651a2fp+0", "0x1.71f75e8ec5f74p+0", "0x1.75feb564267c9p+0",
    "0x1.7a11473eb0187p+0", "0x1.7e2f336cf4e62p+0", "0x1.82589994cce13p+0",
    "0x1.868d99b4492edp+0", "0x1.8ace5422aa0dbp+0", "0x1.8f1ae99157736p+0",
    "0x1.93737b0cdc5e5p+0", "0x1.97d829fde4e50p+0", "0x1.9c49182a3f090p+0",
    "0x1.a0c667b5de565p+0", "0x1.a5503b23e255dp+0", "0x1.a9e6b5579fdbfp+0",
    "0x1.ae89f995ad3adp+0", "0x1.b33a2b84f15fbp+0", "0x1.b7f76f2fb5e47p+0",
    "0x1.bcc1e904bc1d2p+0", "0x1.c199bdd85529cp+0", "0x1.c67f12e57d14bp+0",
    "0x1.cb720dcef9069p+0", "0x1.d072d4a07897cp+0", "0x1.d5818dcfba487p+0",
    "0x1.da9e603db3285p+0", "0x1.dfc97337b9b5fp+0", "0x1.e502ee78b3ff6p+0",
    "0x1.ea4afa2a490dap+0", "0x1.efa1bee615a27p+0", "0x1.f50765b6e4540p+0",
    "0x1.fa7c1819e90d8p+0",
))
TABLE_LO = tuple(float.fromhex(t) for t in (
    "0x0.0p+0", "-0x1.19083535b085dp-56", "0x1.d73e2a475b465p-55",
    "0x1.186be4bb284ffp-57", "0x1.8a62e4adc610bp-54", "0x1.03a1727c57b53p-59",
    "-0x1.6c51039449b3ap-54", "-0x1.32fbf9af1369ep-54", "-0x1.19041b9d78a76p-55",
    "0x1.e5b4c7b4968e4p-55", "0x1.e016e00a2643cp-54", "0x1.dc775814a8495p-55",
    "0x1.9b07eb6c70573p-54", "0x1.2bd339940e9d9p-55", "0x1.612e8afad1255p-55",
    "0x1.0024754db41d5p-54", "0x1.6f46ad23182e4p-55", "0x1.32721843659a6p-54",
    "-0x1.63aeabf42eae2p-54", "-0x1.5e436d661f5e3p-56", "0x1.ada0911f09ebcp-55",
    "-0x1.ef3691c309278p-58", "0x1.89b7a04ef80d0p-59", "0x1.3c1a3b69062f0p-56",
    "0x1.d4397afec42e2p-56", "-0x1.4b309d25957e3p-54", "-0x1.07abe1db13cadp-55",
    "0x1.9bb2c011d93adp-54", "0x1.6324c054647adp-54", "0x1.ba6f93080e65ep-54",
    "-0x1.383c17e40b497p-54", "-0x1.bb60987591c34p-54", "-0x1.bdd3413b26456p-54",
    "-0x1.bbe3a683c88abp-57", "-0x1.16e4786887a99p-55", "-0x1.0245957316dd3p-54",
    "-0x1.41577ee04992fp-55", "0x1.05d02ba15797ep-56", "-0x1.d4c1dd41532d8p-54",
    "-0x1.fc6f89bd4f6bap-54", "0x1.6e9f156864b27p-54", "0x1.5cc13a2e3976cp-55",
    "-0x1.75fc781b57ebcp-57", "-0x1.d185b7c1b85d1p-54", "0x1.c7c46b071f2bep-56",
    "-0x1.359495d1cd533p-54", "-0x1.d2f6edb8d41e1p-54", "0x1.0fac90ef7fd31p-54",
    "0x1.7a1cd345dcc81p-54", "-0x1.2805e3084d708p-57", "-0x1.5584f7e54ac3bp-56",
    "0x1.23dd07a2d9e84p-55", "0x1.11065895048ddp-55", "0x1.2884dff483cadp-54",
    "0x1.503cbd1e949dbp-56", "-0x1.cbc3743797a9cp-54", "0x1.2ed02d75b3707p-55",
    "0x1.c2300696db532p-54", "-0x1.1a5cd4f184b5cp-54", "0x1.39e8980a9cc8fp-55",
    "-0x1.e9c23179c2893p-54", "0x1.dc7f486a4b6b0p-54", "0x1.9d3e12dd8a18bp-54",
    "0x1.74853f3a5931ep-55",
))


def round_to_integer(z: float) -> float:
    """§4.1.1: z rounded to the nearest integer, ties to even (for |z| < 2^51)."""
    return (z + SHIFTER) - SHIFTER


def pow2(k: int) -> float:
    """§4.1.1: 2^k for -1022 <= k <= 1023 (only these: a port builds it from its bits), exactly."""
    return math.ldexp(1.0, k)


def scale(y: float, m: int) -> float:
    """§4.1.1: y * 2^m rounded once, as two products by normal powers of two."""
    b = m // 2
    return (y * pow2(m - b)) * pow2(b)


def two_sum(a: float, b: float) -> tuple[float, float]:
    """§4.1.1: s = a + b rounded, and e, its rounding error, exactly (Knuth)."""
    s = a + b
    b_virtual = s - a
    a_virtual = s - b_virtual
    return s, (a - a_virtual) + (b - b_virtual)


def split(x: float) -> tuple[float, float]:
    """§4.1.1: x = x_hi + x_lo exactly, each of at most 26 significant bits (Veltkamp)."""
    u = SPLITTER * x
    x_hi = u - (u - x)
    return x_hi, x - x_hi


def reduce(x: float, x_lo: float) -> tuple[int, int, float]:
    """§4.1.2: x + x_lo = (N m + j) ln(2) / N + r: the integers m, j and r."""
    kd = round_to_integer(x * INV_LN2_N)
    r = ((x - kd * LN2_N_HI) - kd * LN2_N_LO) + x_lo
    k = int(kd)
    j = k % N
    return (k - j) // N, j, r


def exp_poly(r: float) -> float:
    """§4.1.2: exp(r) - 1 for |r| <= ln(2) / (2N)."""
    return r + (r * r) * (C2 + r * (C3 + r * (C4 + r * (C5 + r * C6))))


def exp_sum(x: float, x_lo: float) -> float:
    """§4.1.3: exp(x + x_lo), for x_lo = 0 (exp) or far below an ulp of x (§3.2)."""
    if x != x:
        return x
    if x > X_OVER:
        return math.inf
    if x < X_UNDER:
        return 0.0
    m, j, r = reduce(x, x_lo)
    p = exp_poly(r)
    return scale(TABLE_HI[j] + (TABLE_LO[j] + TABLE_HI[j] * p), m)


def exp(x: float) -> float:
    """§4.1.3: e^x."""
    return exp_sum(x, 0.0)


def expm1_series(x: float) -> float:
    """§4.1.4 a: e^x - 1 for |x| <= EXPM1_SERIES_MAX: x + x^2/2 + x^3 q(x), x^2/2 carried exactly."""
    x_hi, x_lo = split(x)
    h = 0.5 * (x_hi * x_hi)
    s = x + h
    e = h - (s - x)
    t = x_lo * (0.5 * (x + x_hi))
    q = D3 + x * (D4 + x * (D5 + x * (D6 + x * (D7 + x * (D8 + x * (D9 + x * (D10 + x * (D11 + x * (D12 + x * D13)))))))))
    return s + (e + (t + ((x * x) * x) * q))


def expm1_table(x: float) -> float:
    """§4.1.4 b: e^x - 1 = 2^m ((2^(j/N) - 2^-m) + 2^(j/N) p), elsewhere."""
    m, j, r = reduce(x, 0.0)
    p = exp_poly(r)
    s, e = two_sum(TABLE_HI[j], -scale(1.0, -m))
    return scale(s + (e + (TABLE_LO[j] + TABLE_HI[j] * p)), m)


def expm1(x: float) -> float:
    """§4.1.4: e^x - 1, without cancellation near 0."""
    if x != x:
        return x
    if x > X_OVER:
        return math.inf
    if x < EXPM1_X_MIN:
        return -1.0
    if -EXPM1_SERIES_MAX <= x <= EXPM1_SERIES_MAX:
        return expm1_series(x)
    return expm1_table(x)
