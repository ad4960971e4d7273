"""Spec §4: the rate functions, written out as in Hodgkin & Huxley (1952).

Every function takes V in mV (depolarisation from rest) and returns a rate in
1/ms at 6.3 degC; `rates` multiplies them by the temperature factor phi (§3.2).
tests/test_spec_file.py proves each one equals the form given in spec/model.toml.
"""

from __future__ import annotations

from typing import NamedTuple

from .exponential import exp, exp_sum, expm1, split

#: §3.2: Q10, T_base, and ln(Q10) = LN_Q10_HI + LN_Q10_LO (hi to 26 bits).
Q10 = 3.0
T_BASE = 6.3
LN_Q10_HI = float.fromhex("0x1.193ea78000000p+0")
LN_Q10_LO = float.fromhex("0x1.5681854bb520dp-27")


def exprel(x: float) -> float:
    """§4.1.5: exprel(x) = (exp(x) - 1) / x, with exprel(0) = 1."""
    if x == 0.0:
        return 1.0
    return expm1(x) / x


def temperature_factor(temperature: float) -> float:
    """§3.2: phi = Q10^y, y = (T - T_base) / 10, as exp(y ln Q10) with y ln Q10 carried in two parts."""
    y = (temperature - T_BASE) / 10.0
    y_hi, y_lo = split(y)
    a = y_hi * LN_Q10_HI
    b = y_lo * LN_Q10_HI
    z = a + b
    return exp_sum(z, (b - (z - a)) + y * LN_Q10_LO)


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
