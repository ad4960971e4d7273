"""Spec §10.4: golden/functions.csv, the golden values of §4.1's exp and expm1 and §3.2's
temperature factor phi, so that a port can check those functions bit for bit before
anything else (a golden trace can miss a broken step of them: a Go port whose split was
fused on arm64 still matched all 40 traces).

Each row is `function,x_hex,result_hex,x,result`: the function's name (exp, expm1 or phi,
whose argument is a temperature), the argument and the result as hexadecimal floats (the
exact bits) and as shortest decimals that read back as the same doubles; an infinite
result is `inf` in both spellings. The arguments are every edge point of the functions'
branches and table (edge_arguments) and, from a fixed seed, random arguments over each
domain (random_arguments); `make golden` writes the results of the reference.
"""

from __future__ import annotations

import math
import random

from ..reference import exponential
from ..reference.errors import CaseFileError
from ..reference.rates import temperature_factor

#: The file's name in golden/, and its header.
FUNCTIONS_FILE = "functions.csv"
HEADER = "function,x_hex,result_hex,x,result"

#: The reference's function of each name.
FUNCTIONS = {"exp": exponential.exp, "expm1": exponential.expm1, "phi": temperature_factor}

#: Random arguments per domain (a fixed seed: the file is the same on every run).
PER_DOMAIN = 500
SEED = 1952


def edge_arguments() -> list[tuple[str, float]]:
    """Every branch's ends and the points where a step could go wrong: (function, x)."""
    nx = math.nextafter
    x_over, x_under = exponential.X_OVER, exponential.X_UNDER
    x_min, series = exponential.EXPM1_X_MIN, exponential.EXPM1_SERIES_MAX
    exp_points = [0.0, -0.0, 5e-324, -5e-324, 1e-300, 2.0**-54, -(2.0**-54), 1.0, -1.0, x_over, nx(x_over, 0.0),
                  nx(x_over, math.inf), x_under, nx(x_under, 0.0), -745.1332191019411, -745.13321910194,
                  -708.3964185322641, -708.39641853226, -709.0895657128241, -744.44007192138122, 709.0]
    # every table entry j at both ends of its interval (|r| = ln 2 / 2N) and at its centre
    step = math.log(2.0) / exponential.N
    exp_points += [k * step + d for k in range(-exponential.N, 2 * exponential.N) for d in (-step / 2, 0.0, step / 2)]
    expm1_points = [0.0, -0.0, 5e-324, 1e-300, -1e-300, 2.0**-54, series, -series, nx(series, 1.0),
                    nx(-series, -1.0), 0.125, -0.125, 0.5, -0.5, x_min, nx(x_min, 0.0), -37.5, 36.7, 37.5, 38.0, 700.0,
                    x_over, nx(x_over, 0.0), nx(x_over, math.inf), step / 2, -step / 2, step, -step, 1.5 * step,
                    -0.1035, -0.0722]
    temperatures = [-40.0, 60.0, 6.3, nx(6.3, 0.0), nx(6.3, 99.0), 16.3, 18.5, 37.0, 0.0]
    return ([("exp", x) for x in exp_points] + [("expm1", x) for x in expm1_points]
            + [("phi", T) for T in temperatures])


def log_uniform(rng: random.Random) -> float:
    """A double of either sign whose magnitude is log-uniform over [1e-300, 1]."""
    return rng.choice((-1.0, 1.0)) * 10.0 ** rng.uniform(-300.0, 0.0)


#: (function, what, draw): the domains random arguments are drawn from.
DOMAINS = [
    ("exp", "the whole domain [-746, x_over]", lambda rng: rng.uniform(exponential.X_UNDER, exponential.X_OVER)),
    ("exp", "the rates' range [-20, 20]", lambda rng: rng.uniform(-20.0, 20.0)),
    ("exp", "near 0 (either sign, magnitude log-uniform in [1e-300, 1])", log_uniform),
    ("expm1", "the whole domain [-50, x_over]", lambda rng: rng.uniform(-50.0, exponential.X_OVER)),
    ("expm1", "the rates' range [-20, 20]", lambda rng: rng.uniform(-20.0, 20.0)),
    ("expm1", "near 0 (either sign, magnitude log-uniform in [1e-300, 1])", log_uniform),
    ("expm1", "the series and the table beside it [-1/2, 1/2]", lambda rng: rng.uniform(-0.5, 0.5)),
    ("phi", "temperature in [-40, 60] degC", lambda rng: rng.uniform(-40.0, 60.0)),
]


def random_arguments(per_domain: int = PER_DOMAIN, seed: int = SEED) -> list[tuple[str, float]]:
    """per_domain arguments from each of DOMAINS, drawn with a fixed seed: (function, x)."""
    rng = random.Random(seed)
    return [(name, draw(rng)) for name, _, draw in DOMAINS for _ in range(per_domain)]


def spell(x: float) -> tuple[str, str]:
    """x as a hexadecimal float and as its shortest decimal ('inf' and '-inf' both ways)."""
    if math.isinf(x):
        return ("inf", "inf") if x > 0 else ("-inf", "-inf")
    return x.hex(), repr(x)


def format_functions() -> bytes:
    """golden/functions.csv as the reference computes it."""
    lines = [HEADER]
    for name, x in edge_arguments() + random_arguments():
        (x_hex, x_dec), (y_hex, y_dec) = spell(x), spell(FUNCTIONS[name](x))
        lines.append(f"{name},{x_hex},{y_hex},{x_dec},{y_dec}")
    return ("\n".join(lines) + "\n").encode()


def read_value(hex_text: str, decimal_text: str, where: str) -> float:
    """One value of the file, its two spellings checked to be the same double."""
    value = float.fromhex(hex_text)
    if not (value == float(decimal_text) or (math.isinf(value) and decimal_text == hex_text)):
        raise CaseFileError(f"{where}: {hex_text} and {decimal_text} are not the same double")
    return value


def parse_functions(text: str, where: str = FUNCTIONS_FILE) -> list[tuple[str, float, float]]:
    """The rows of golden/functions.csv: (function, x, result)."""
    lines = text.splitlines()
    if not lines or lines[0] != HEADER:
        raise CaseFileError(f"{where}: the header must be {HEADER}")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split(",")
        if len(fields) != 5 or fields[0] not in FUNCTIONS:
            raise CaseFileError(f"{where}, line {number}: expected function,x_hex,result_hex,x,result")
        rows.append((fields[0], read_value(fields[1], fields[3], f"{where}, line {number}"),
                     read_value(fields[2], fields[4], f"{where}, line {number}")))
    return rows
