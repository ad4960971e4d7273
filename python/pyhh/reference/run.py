"""Spec §6.1, §8 and §9: the initial state, the run loop, recording and spikes."""

from __future__ import annotations

import math
from typing import NamedTuple

from .case import Case
from .currents import State, clamp_current, conductances, currents
from .errors import NumericalInstabilityError
from .methods import STEP_FUNCTIONS
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


def record_row(k: int, dt: float, y: State, u: float, case: Case) -> tuple[float, ...]:
    """§8.2: t_k, the state at t_k, its currents, and I_stim (the clamp current under clamp)."""
    I = currents(y, conductances(y, case.params), case.params)
    I_stim = clamp_current(I) if case.clamp else u
    return (k * dt, y.V, y.m, y.h, y.n, I.I_Na, I.I_K, I.I_L, I_stim)


def check_finite(values: tuple[float, ...], k: int, y: State, case: Case) -> None:
    """§8.3: a state or recorded row that is not finite ends the run with an error naming step k."""
    if not all(math.isfinite(x) for x in values):
        raise NumericalInstabilityError(k, k * case.dt, tuple(y), case.method, case.dt)


def spike_time(t0: float, t1: float, V0: float, V1: float, theta: float) -> float | None:
    """§9: the time V crosses the threshold theta upwards between (t0, V0) and (t1, V1), or None."""
    if V0 < theta <= V1:
        return t0 + (((theta - V0) / (V1 - V0)) * (t1 - t0))
    return None


def run(case: Case) -> Record:
    """§8.1: step the case from its initial state, recording rows and spikes."""
    p, dt, V0 = case.params, case.dt, case.V0
    phi = temperature_factor(case.temperature)
    step = STEP_FUNCTIONS[case.method]
    y = initial_state(V0, phi)
    check_finite(y, 0, y, case)
    rows: list[tuple[float, ...]] = []
    spikes: list[float] = []
    for k in range(case.steps):
        u = drive(case.stimulus, k)
        if case.clamp:
            y = State(V0 + u, y.m, y.h, y.n)
        if k % case.record_every == 0:
            row = record_row(k, dt, y, u, case)
            check_finite(row, k, y, case)
            rows.append(row)
        try:
            y_next = step(y, u, p, phi, dt, case.clamp)
        except ArithmeticError:  # §8.3: Python traps what IEEE arithmetic turns into inf or NaN
            y_next = State(math.nan, math.nan, math.nan, math.nan)
        check_finite(y_next, k + 1, y_next, case)
        if not case.clamp:
            t = spike_time(k * dt, (k + 1) * dt, y.V, y_next.V, case.spike_threshold)
            if t is not None:
                spikes.append(t)
        y = y_next
    return Record(rows, spikes)
