"""Spec §4: the rate functions, written out as in Hodgkin & Huxley (1952).

Every function takes V in mV (depolarisation from rest) and returns a rate in
1/ms at 6.3 degC; `rates` multiplies them by the temperature factor phi (§3.2).
tests/test_spec_file.py proves each one equals the form given in spec/model.toml.
"""

from __future__ import annotations

import math
from typing import NamedTuple


def exp(x: float) -> float:
    """§4.1: exp as IEEE 754 and C define it, +inf on overflow (math.exp raises)."""
    try:
        return math.exp(x)
    except OverflowError:
        return math.inf


def expm1(x: float) -> float:
    """§4.1: exp(x) - 1 without cancellation near 0, +inf on overflow."""
    try:
        return math.expm1(x)
    except OverflowError:
        return math.inf


def exprel(x: float) -> float:
    """§4.1: exprel(x) = (exp(x) - 1) / x, with exprel(0) = 1."""
    if x == 0.0:
        return 1.0
    return expm1(x) / x


def temperature_factor(temperature: float) -> float:
    """§3.2: phi = Q10 ** ((T - 6.3) / 10) with Q10 = 3."""
    return 3.0 ** ((temperature - 6.3) / 10.0)


def alpha_m(V: float) -> float:
    """§4.3: 0.1 (25 - V) / (exp((25 - V)/10) - 1), i.e. 1 / exprel((25 - V)/10)."""
    return 1.0 / exprel((25.0 - V) / 10.0)


def beta_m(V: float) -> float:
    """§4.3: 4 exp(-V/18)."""
    return 4.0 * exp(-V / 18.0)


def alpha_h(V: float) -> float:
    """§4.3: 0.07 exp(-V/20)."""
    return 0.07 * exp(-V / 20.0)


def beta_h(V: float) -> float:
    """§4.3: 1 / (exp((30 - V)/10) + 1)."""
    return 1.0 / (exp((30.0 - V) / 10.0) + 1.0)


def alpha_n(V: float) -> float:
    """§4.3: 0.01 (10 - V) / (exp((10 - V)/10) - 1), i.e. 0.1 / exprel((10 - V)/10)."""
    return 0.1 / exprel((10.0 - V) / 10.0)


def beta_n(V: float) -> float:
    """§4.3: 0.125 exp(-V/80)."""
    return 0.125 * exp(-V / 80.0)


class Rates(NamedTuple):
    """The six rates at one voltage, already multiplied by phi (1/ms)."""

    alpha_m: float
    beta_m: float
    alpha_h: float
    beta_h: float
    alpha_n: float
    beta_n: float


def rates(V: float, phi: float) -> Rates:
    """§4.4: all six rates at V, each multiplied by phi."""
    return Rates(
        phi * alpha_m(V),
        phi * beta_m(V),
        phi * alpha_h(V),
        phi * beta_h(V),
        phi * alpha_n(V),
        phi * beta_n(V),
    )


def steady_state(alpha: float, beta: float) -> float:
    """§4.5: x_inf = alpha / (alpha + beta)."""
    return alpha / (alpha + beta)
