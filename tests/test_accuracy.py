"""Independent accuracy: every method against a high-accuracy scipy solution.

The right-hand side below is written from HH 1952 directly (not from pyhh), and
scipy's DOP853 at tight tolerances stands in for the exact solution.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import pyhh
from pyhh.reference.currents import State
from pyhh.reference.methods import STEP_FUNCTIONS
from measure_methods import hh_rhs as independent_rhs
from pyhh.reference.run import state_at

I_CONST = 10.0  # uA/cm^2 from t = 0
T_END = 20.0  # ms: two spikes
THETA = 50.0


def hh_rhs(t, y, I=I_CONST, phi=1.0):
    """HH 1952 written independently of pyhh (tests/measure_methods.py), 10 uA/cm^2 at 6.3 degC."""
    return independent_rhs(t, y, I, phi)


def initial(V0=0.0):
    r = pyhh.reference.rates.rates(V0, 1.0)
    return [V0, r.alpha_m / (r.alpha_m + r.beta_m), r.alpha_h / (r.alpha_h + r.beta_h), r.alpha_n / (r.alpha_n + r.beta_n)]


@pytest.fixture(scope="module")
def exact():
    event = lambda t, y: y[0] - THETA  # noqa: E731
    event.direction = 1.0
    sol = solve_ivp(hh_rhs, (0.0, T_END), initial(), method="DOP853", rtol=1e-12, atol=1e-12,
                    events=event, dense_output=True)
    assert sol.success
    return sol


def spike_times_hermite(method: str, dt: float) -> list[float]:
    """Run the reference stepper and locate crossings by cubic Hermite interpolation.

    Linear interpolation (§9) is only second order; to see rk4's fourth order
    the crossing is found on the cubic through both states and their slopes.
    """
    p, step = pyhh.Parameters(), STEP_FUNCTIONS[method]
    z = y = State(*initial())
    times = []
    for k in range(round(T_END / dt)):
        z_next = step(z, I_CONST, p, 1.0, dt, False)
        y1 = state_at(method, z_next, z)
        z = z_next
        if y.V < THETA <= y1.V:
            f0, f1 = hh_rhs(0, y)[0] * dt, hh_rhs(0, y1)[0] * dt
            cubic = lambda s: ((2 * s**3 - 3 * s**2 + 1) * y.V + (s**3 - 2 * s**2 + s) * f0  # noqa: E731
                               + (-2 * s**3 + 3 * s**2) * y1.V + (s**3 - s**2) * f1 - THETA)
            lo, hi = 0.0, 1.0
            for _ in range(60):
                mid = 0.5 * (lo + hi)
                lo, hi = (mid, hi) if cubic(mid) < 0 else (lo, mid)
            times.append((k + lo) * dt)
        y = y1
    return times


def test_scipy_solution_is_two_spikes(exact):
    assert len(exact.t_events[0]) == 2


# Measured errors (ms, mV): euler 1.5e-3 / 0.53, exp_euler 1.1e-2 / 2.4, rk4 5.7e-8 / 1.1e-4,
# staggered_cn 5.8e-4 / 0.12, staggered_exp 1.0e-3 / 0.22 (with spec 1.0.0's straight-line
# spike location rk4's spike error was 6.4e-5 ms, nearly all of it the line's).
@pytest.mark.parametrize("method, dt, spike_tolerance, V_tolerance", [
    ("euler", 0.001, 0.005, 1.0), ("exp_euler", 0.001, 0.02, 5.0), ("rk4", 0.01, 2e-7, 5e-4),
    ("staggered_cn", 0.01, 2e-3, 0.5), ("staggered_exp", 0.01, 3e-3, 0.8),
])
def test_each_method_at_small_dt_matches_scipy(exact, method, dt, spike_tolerance, V_tolerance):
    result = pyhh.simulate(I_CONST, dt=dt, duration=T_END, method=method, record_every=10)
    assert np.max(np.abs(result.spikes - exact.t_events[0])) < spike_tolerance
    V_exact = exact.sol(result.t)[0]
    assert np.max(np.abs(result.V - V_exact)) < V_tolerance


ORDERS = [
    ("euler", (0.004, 0.002, 0.001), 1),
    ("exp_euler", (0.004, 0.002, 0.001), 1),
    ("rk4", (0.05, 0.025, 0.0125), 4),
    ("staggered_cn", (0.02, 0.01, 0.005), 2),
    ("staggered_exp", (0.02, 0.01, 0.005), 2),
]


@pytest.mark.parametrize("method, dts, order", ORDERS)
def test_convergence_order_on_spike_times(exact, method, dts, order):
    # The method's own stepping, with the crossing found on the test's own cubic.
    t_exact = exact.t_events[0][1]  # the second spike: errors have accumulated
    errors = [abs(spike_times_hermite(method, dt)[1] - t_exact) for dt in dts]
    observed = [math.log2(errors[i] / errors[i + 1]) for i in range(len(dts) - 1)]
    assert all(abs(o - order) < 0.35 for o in observed), (errors, observed)


@pytest.mark.parametrize("method, dts, order", [
    (method, (0.025, 0.0125, 0.00625) if method == "rk4" else dts, order) for method, dts, order in ORDERS])
def test_convergence_order_of_the_located_spike_times_and_of_V(exact, method, dts, order):
    # The library's own spike location (§9) keeps each method's order, and so does V.
    t_exact = exact.t_events[0][1]
    spike_errors, V_errors = [], []
    for dt in dts:
        result = pyhh.simulate(I_CONST, dt=dt, duration=T_END, method=method, record_every=round(0.2 / dt),
                               backend="c")
        spike_errors.append(abs(result.spikes[1] - t_exact))
        V_errors.append(np.max(np.abs(result.V - exact.sol(result.t)[0])))
    for errors in (spike_errors, V_errors):
        observed = [math.log2(errors[i] / errors[i + 1]) for i in range(len(dts) - 1)]
        assert all(abs(o - order) < 0.35 for o in observed), (method, errors, observed)


def test_rk4_spike_times_at_fine_dt(exact):
    # Located on the cubic of §9 (measured 4.8e-12 ms; the straight line of spec 1.0.0 left 1e-6).
    result = pyhh.simulate(I_CONST, dt=0.001, duration=T_END, method="rk4", record_every=100)
    assert np.max(np.abs(result.spikes - exact.t_events[0])) < 1e-10


def test_exp_euler_stays_close_at_a_long_step(exact):
    # Measured: 0.30 and 1.05 ms late at dt = 0.1 ms, where euler and rk4 blow up.
    coarse = pyhh.simulate(I_CONST, dt=0.1, duration=T_END, method="exp_euler")
    assert len(coarse.spikes) == 2
    assert np.max(np.abs(coarse.spikes - exact.t_events[0])) < 1.5
    for method in ("euler", "rk4"):
        with pytest.raises(pyhh.NumericalInstabilityError):
            pyhh.simulate(I_CONST, dt=0.1, duration=T_END, method=method)
