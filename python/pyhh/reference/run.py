"""Spec §6.1, §8 and §9: the initial state, the run loop, recording and spikes."""

from __future__ import annotations

import math
from typing import NamedTuple

from .case import STAGGERED, Case
from .currents import State, clamp_current, conductances, currents, dV_dt
from .errors import NumericalInstabilityError
from .methods import STEP_FUNCTIONS, staggered_state
from .parameters import SPIKE_BISECTIONS, Parameters
from .rates import rates, steady_state, temperature_factor
from .stimulus import drive

#: §8.2: the columns of a recorded row, in order.
COLUMNS = ("t", "V", "m", "h", "n", "I_Na", "I_K", "I_L", "I_stim")


class Record(NamedTuple):
    """What a run returns: the recorded rows (§8.2) and the spike times in ms (§9)."""

    rows: list[tuple[float, ...]]
    spikes: list[float]


def initial_state(V0: float, phi: float) -> State:
    """§6.1: V = V0 and every gate at its steady state at V0."""
    r = rates(V0, phi)
    return State(
        V0,
        steady_state(r.alpha_m, r.beta_m),
        steady_state(r.alpha_h, r.beta_h),
        steady_state(r.alpha_n, r.beta_n),
    )


def record_row(k: int, y: State, u: float, case: Case) -> tuple[float, ...]:
    """§8.2: t_k, the state at t_k, its currents, and I_stim (the clamp current under clamp)."""
    I = currents(y, conductances(y, case.params), case.params)
    I_stim = clamp_current(I) if case.clamp else u
    return (k * case.dt, y.V, y.m, y.h, y.n, I.I_Na, I.I_K, I.I_L, I_stim)


def check_finite(values: tuple[float, ...], k: int, y: State, case: Case) -> None:
    """§8.3: a state or recorded row that is not finite ends the run with an error naming step k."""
    if not all(math.isfinite(x) for x in values):
        raise NumericalInstabilityError(k, k * case.dt, tuple(y), case.method, case.dt)


def state_at(method: str, z: State, z_before: State) -> State:
    """§8.2: the state at t_k that a row records: the method's state z itself, or
    for a staggered method the state of §7.4, from z and the previous step's z."""
    return staggered_state(z, z_before) if method in STAGGERED else z


def linear_crossing(ta: float, tb: float, Va: float, Vb: float, theta: float) -> float:
    """§9 step 3: the crossing of the straight line from (ta, Va) to (tb, Vb)."""
    return ta + (((theta - Va) / (Vb - Va)) * (tb - ta))


def hermite_crossing(ta: float, tb: float, Va: float, Vb: float, dVa: float, dVb: float, theta: float) -> float:
    """§9 steps 2-4: the crossing of the cubic through V and dV/dt at ta and tb, by bisection."""
    w = tb - ta
    a = w * dVa
    b = w * dVb
    d = Vb - Va
    c2 = ((3.0 * d) - (2.0 * a)) - b
    c3 = (a + b) - (2.0 * d)
    if not all(math.isfinite(x) for x in (a, b, c2, c3)):
        return linear_crossing(ta, tb, Va, Vb, theta)
    target = theta - Va
    lo, hi = 0.0, 1.0
    for _ in range(SPIKE_BISECTIONS):
        s = 0.5 * (lo + hi)
        if s * (a + s * (c2 + s * c3)) < target:
            lo = s
        else:
            hi = s
    return ta + ((0.5 * (lo + hi)) * w)


def spike_time(ta: float, tb: float, ya: State, yb: State, u: float, p: Parameters, theta: float) -> float | None:
    """§9: the time V crosses the threshold theta upwards between the states ya at ta and
    yb at tb of a step with drive u, located on the cubic through V and dV/dt; or None."""
    if not (ya.V < theta <= yb.V):  # 1.
        return None
    dVa = dV_dt(currents(ya, conductances(ya, p), p), u, p, False)
    dVb = dV_dt(currents(yb, conductances(yb, p), p), u, p, False)
    return hermite_crossing(ta, tb, ya.V, yb.V, dVa, dVb, theta)


def run(case: Case) -> Record:
    """§8.1: step the case from its initial state, recording rows and spikes."""
    p, dt, V0 = case.params, case.dt, case.V0
    phi = temperature_factor(case.temperature)
    step = STEP_FUNCTIONS[case.method]
    z = initial_state(V0, phi)
    z_before = z
    check_finite(z, 0, z, case)
    rows: list[tuple[float, ...]] = []
    spikes: list[float] = []
    for k in range(case.steps):
        u = drive(case.stimulus, k)
        if case.clamp:
            z = State(V0 + u, z.m, z.h, z.n)
        y = state_at(case.method, z, z_before)
        if k % case.record_every == 0:
            row = record_row(k, y, u, case)
            check_finite(row, k, y, case)
            rows.append(row)
        try:
            z_next = step(z, u, p, phi, dt, case.clamp)
            y_next = state_at(case.method, z_next, z)
        except ArithmeticError:  # §8.3: Python traps what IEEE arithmetic turns into inf or NaN
            z_next = y_next = State(math.nan, math.nan, math.nan, math.nan)
        check_finite(y_next, k + 1, y_next, case)
        if not case.clamp:
            t = spike_time(k * dt, (k + 1) * dt, y, y_next, u, p, case.spike_threshold)
            if t is not None:
                spikes.append(t)
        z_before, z = z, z_next
    return Record(rows, spikes)
