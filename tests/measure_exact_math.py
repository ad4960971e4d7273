"""Spec §4.1's accuracy figures: the reference's exp, expm1 and the power of §3.2
against an independent evaluation by mpmath at 40 significant digits.

    python tests/measure_exact_math.py             # 10^6 arguments per domain (make exact-accuracy)
    python tests/measure_exact_math.py --n 5000    # a quick look

For each domain: how many arguments, the share whose result is correctly
rounded (the double nearest the exact value), and the largest error in ulps of
the exact value (below 1 means faithfully rounded). The domains and the edge
points are those of golden/functions.csv (pyhh.conformance.functions).
tests/test_exact_math.py runs the same measurement on a small sample, and every
edge point, in `make test`.
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

from pyhh.conformance import functions  # noqa: E402
from pyhh.reference import exponential, rates  # noqa: E402

#: The working precision of the independent evaluation: 40 significant digits (about 133 bits).
mpmath.mp.dps = 40



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


#: The exact value of each function of golden/functions.csv at a double.
EXACT = {"exp": mpmath.exp, "expm1": mpmath.expm1, "phi": power_exact}


@dataclass(frozen=True)
class Domain:
    """Arguments drawn from one part of a function's domain."""

    name: str
    function: Callable[[float], float]
    exact: Callable[[float], mpmath.mpf]
    draw: Callable[[random.Random], float]


DOMAINS = [Domain(f"{name}, {what}", functions.FUNCTIONS[name], EXACT[name], draw)
           for name, what, draw in functions.DOMAINS]


def edge_points() -> list[tuple[str, Callable[[float], float], Callable[[float], mpmath.mpf], float]]:
    """golden/functions.csv's edge points: (name, function, exact, x)."""
    return [(name, functions.FUNCTIONS[name], EXACT[name], x) for name, x in functions.edge_arguments()]


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
