"""Spec §4.1's accuracy figures: the reference's exp, expm1 and the power of §3.2
against an independent evaluation by mpmath at 40 significant digits.

    python tests/measure_exact_math.py             # 10^6 arguments per domain (make exact-accuracy)
    python tests/measure_exact_math.py --n 5000    # a quick look

For each domain: how many arguments, the share whose result is correctly
rounded (the double nearest the exact value), and the largest error in ulps of
the exact value (below 1 means faithfully rounded). tests/test_exact_math.py
runs the same measurement on a small sample, and every edge point, in
`make test`.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import mpmath

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "python"))

from pyhh.reference import exponential, rates  # noqa: E402

#: The working precision of the independent evaluation: 40 significant digits (about 133 bits).
mpmath.mp.dps = 40

X_OVER = exponential.X_OVER


def ulp(v: mpmath.mpf) -> mpmath.mpf:
    """The spacing of doubles at |v| (subnormal spacing below the normal range)."""
    if v == 0:
        return mpmath.mpf(2) ** -1074
    return mpmath.mpf(2) ** (max(int(mpmath.floor(mpmath.log(abs(v), 2))), -1022) - 52)


def nearest_double(v: mpmath.mpf) -> float:
    """v correctly rounded to a double (ties to even), subnormals and overflow included."""
    if v == 0:
        return 0.0
    step = ulp(v)
    rounded = mpmath.nint(v / step) * step  # mpmath's nint rounds ties to even
    if abs(rounded) >= mpmath.mpf(2) ** 1024:
        return math.copysign(math.inf, float(v))
    return float(rounded)  # exact: rounded has at most 53 significant bits


def power_exact(temperature: float) -> mpmath.mpf:
    """§3.2's phi for a temperature: Q10^y exactly, for the double y = (T - T_base) / 10."""
    y = (temperature - rates.T_BASE) / 10.0
    return mpmath.power(mpmath.mpf(rates.Q10), mpmath.mpf(y))


@dataclass(frozen=True)
class Domain:
    """Arguments drawn from one part of a function's domain."""

    name: str
    function: Callable[[float], float]
    exact: Callable[[float], mpmath.mpf]
    draw: Callable[[random.Random], float]


def log_uniform(rng: random.Random) -> float:
    """A double of either sign with |x| log-uniform over [1e-300, 1]."""
    return rng.choice((-1.0, 1.0)) * 10.0 ** rng.uniform(-300.0, 0.0)


DOMAINS = [
    Domain("exp, the whole domain [-746, x_over]", exponential.exp, lambda x: mpmath.exp(x),
           lambda rng: rng.uniform(exponential.X_UNDER, X_OVER)),
    Domain("exp, the rates' range [-20, 20]", exponential.exp, lambda x: mpmath.exp(x),
           lambda rng: rng.uniform(-20.0, 20.0)),
    Domain("exp, near 0 (|x| log-uniform in [1e-300, 1])", exponential.exp, lambda x: mpmath.exp(x), log_uniform),
    Domain("expm1, the whole domain [-50, x_over]", exponential.expm1, lambda x: mpmath.expm1(x),
           lambda rng: rng.uniform(-50.0, X_OVER)),
    Domain("expm1, the rates' range [-20, 20]", exponential.expm1, lambda x: mpmath.expm1(x),
           lambda rng: rng.uniform(-20.0, 20.0)),
    Domain("expm1, near 0 (|x| log-uniform in [1e-300, 1])", exponential.expm1, lambda x: mpmath.expm1(x),
           log_uniform),
    Domain("phi (§3.2), temperature in [-40, 60] degC", rates.temperature_factor, power_exact,
           lambda rng: rng.uniform(-40.0, 60.0)),
]


def edge_points() -> list[tuple[str, Callable[[float], float], Callable[[float], mpmath.mpf], float]]:
    """Every branch's ends and the points where a step could go wrong: (name, function, exact, x)."""
    nx = math.nextafter
    x_min, series = exponential.EXPM1_X_MIN, exponential.EXPM1_SERIES_MAX
    exp_points = [0.0, -0.0, 5e-324, -5e-324, 1e-300, 2.0**-54, -(2.0**-54), 1.0, -1.0, X_OVER, nx(X_OVER, 0.0),
                  exponential.X_UNDER, nx(exponential.X_UNDER, 0.0), -745.1332191019411, -745.13321910194,
                  -708.3964185322641, -708.39641853226, -709.0895657128241, -744.44007192138122, 709.0]
    # every table entry j at both ends of its interval (|r| = ln 2 / 2N) and at its centre
    step = math.log(2.0) / exponential.N
    exp_points += [k * step + d for k in range(-exponential.N, 2 * exponential.N) for d in (-step / 2, 0.0, step / 2)]
    expm1_points = [0.0, -0.0, 5e-324, 1e-300, -1e-300, 2.0**-54, series, -series, nx(series, 1.0),
                    nx(-series, -1.0), 0.25, -0.25, x_min, nx(x_min, 0.0), -37.5, 36.7, 37.5, 38.0, 700.0,
                    X_OVER, nx(X_OVER, 0.0), step / 2, -step / 2, step, -step, 1.5 * step]
    temperatures = [-40.0, 60.0, 6.3, nx(6.3, 0.0), nx(6.3, 99.0), 16.3, 18.5, 37.0, 0.0]
    return ([("exp", exponential.exp, mpmath.exp, x) for x in exp_points]
            + [("expm1", exponential.expm1, mpmath.expm1, x) for x in expm1_points]
            + [("phi", rates.temperature_factor, power_exact, T) for T in temperatures])


@dataclass
class Measurement:
    """What measure() found on one domain."""

    name: str
    n: int
    correctly_rounded: int
    worst_ulps: float
    worst_x: float

    @property
    def share(self) -> float:
        return self.correctly_rounded / self.n


def error(function: Callable[[float], float], exact: Callable[[float], mpmath.mpf], x: float) -> tuple[bool, float]:
    """(correctly rounded?, error in ulps of the exact value) of function at x."""
    got, v = function(x), exact(x)
    best = nearest_double(v)
    if math.isinf(best) or math.isinf(got):
        return got == best, (0.0 if got == best else math.inf)
    return got == best, float(abs(mpmath.mpf(got) - v) / ulp(v))


def measure(domain: Domain, n: int, seed: int = 1952) -> Measurement:
    """domain.function at n arguments drawn with a fixed seed."""
    rng = random.Random(seed)
    result = Measurement(domain.name, 0, 0, 0.0, math.nan)
    for _ in range(n):
        x = domain.draw(rng)
        rounded, ulps = error(domain.function, domain.exact, x)
        result.n += 1
        result.correctly_rounded += rounded
        if ulps > result.worst_ulps:
            result.worst_ulps, result.worst_x = ulps, x
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000, help="arguments per domain (default 10^6)")
    args = parser.parse_args(argv)
    print(f"{'domain':<50} {'arguments':>10} {'correctly rounded':>18} {'largest error':>14}  at")
    failed = False
    for domain in DOMAINS:
        start = time.perf_counter()
        m = measure(domain, args.n)
        failed |= m.worst_ulps >= 1.0 or m.share < 0.99
        print(f"{m.name:<50} {m.n:>10,} {100 * m.share:>17.3f}% {m.worst_ulps:>10.3f} ulp  {m.worst_x!r}"
              f"  ({time.perf_counter() - start:.0f} s)", flush=True)
    edges = edge_points()
    bad = [(name, x) for name, f, exact, x in edges if not error(f, exact, x)[0]]
    print(f"edge points: {len(edges)}, correctly rounded: {len(edges) - len(bad)}" + (f"; not: {bad}" if bad else ""))
    worst_edge = max(error(f, exact, x)[1] for _, f, exact, x in edges)
    failed |= worst_edge >= 1.0
    print("every result within 1 ulp, >= 99 % correctly rounded: " + ("NO" if failed else "yes"))
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
