"""The cable of spec §13 in the reference (python/pyhh/reference/cable.py), against facts that do
not come from the same code: a one-segment cable is a patch (§13.3, run by the patch's own
loop), the tridiagonal solve against exact rational arithmetic, the method-of-lines ODE solved
by scipy (tests/cable_solutions.py), the physics of propagation (HH 1952's velocity, the
annihilation of colliding action potentials), and the input checks of §13.10."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

from cable_solutions import mol_solution
from pyhh.reference import cable
from pyhh.reference.case import Case
from pyhh.reference.errors import InvalidInputError
from pyhh.reference.run import run
from pyhh.reference.stimulus import Stimulus, StepPulse


def test_a_cable_of_one_segment_is_the_patch_of_section_7_4():
    # Sealed ends and one segment: no axial current, so §13.5 is §7.4 with I_stim = u * stim_scale (up to rounding)
    c = cable.CableCase(dt=0.01, steps=1500, nseg=1, length=1000.0, temperature=6.3, sites=(0, 1, 2),
                        pulses=(cable.CablePulse(1, 100, 600, 200.0),))
    g = cable.geometry(c.radius, c.R_i, c.length, c.nseg)
    patch = run(Case(method="staggered_cn", dt=0.01, steps=1500,
                     stimulus=Stimulus((StepPulse(100, 600, 200.0 * g.stim_scale),))))
    record = cable.run_cable(c)
    assert len(patch.spikes) >= 1 and all(len(a) == len(patch.spikes) for a in record.arrivals)
    for site in range(3):
        assert max(abs(a[1 + site] - b[1]) for a, b in zip(record.rows, patch.rows)) < 1e-9
    assert max(abs(a - b) for a, b in zip(record.arrivals[1], patch.spikes)) < 1e-9


def test_the_tridiagonal_solve_solves_the_system_exactly_enough():
    rng = np.random.default_rng(26)
    n = 12
    lower = list(-rng.uniform(1, 100, n))
    upper = list(-rng.uniform(1, 100, n))
    diag = [abs(lower[i]) + abs(upper[i]) + rng.uniform(0.1, 10) for i in range(n)]
    diag[0], diag[-1] = -upper[0], -lower[-1]  # the end rows: weakly dominant, as §13.5's
    rhs = list(rng.uniform(-50, 50, n))
    A = [[Fraction(0)] * n for _ in range(n)]
    for i in range(n):
        A[i][i] = Fraction(diag[i])
        if i:
            A[i][i - 1] = Fraction(lower[i])
        if i < n - 1:
            A[i][i + 1] = Fraction(upper[i])
    delta = cable.tridiagonal_solve(list(lower), list(diag), list(upper), list(rhs))
    for i in range(n):
        residual = sum(A[i][j] * Fraction(delta[j]) for j in range(n)) - Fraction(rhs[i])
        assert abs(float(residual)) < 1e-9 * (1 + abs(rhs[i])), i


def test_geometry_is_the_cable_equation_s():
    g = cable.geometry(238.0, 35.4, 50000.0, 500)
    a, dx = 238e-4, 100e-4
    assert g.dx == pytest.approx(dx)
    # the axial conductance between centres, pi a^2 / (R_i dx) in S, per segment area 2 pi a dx, in mS/cm^2
    assert g.g_c == pytest.approx(np.pi * a**2 / (35.4 * dx) / (2 * np.pi * a * dx) * 1e3, rel=1e-14)
    assert g.c_e == 2 * g.g_c and g.area == pytest.approx(2 * np.pi * a * dx, rel=1e-15)
    assert [cable.node_position(j, 4, 400.0) for j in range(6)] == [0.0, 50.0, 150.0, 250.0, 350.0, 400.0]


@pytest.mark.parametrize("node", [0, 1])
def test_v_at_the_sites_follows_scipy_s_solution_to_second_order_in_dt(node):
    # 10 segments of 1 mm (the same spatial discretisation), a weak stimulus that fires: the time scheme's error alone
    nseg, length, sites, t_end = 10, 10000.0, (1, 5, 10), 3.0
    amp, dur = 3000.0, 0.5
    errors = []
    for dt in (0.02, 0.01):
        c = cable.CableCase(dt=dt, steps=round(t_end / dt), nseg=nseg, length=length, sites=sites,
                            pulses=(cable.CablePulse(node, 0, round(dur / dt), amp),))
        ours = np.array(cable.run_cable(c).rows)
        _, exact, arrivals = mol_solution(nseg, length, [(node, 0.0, dur, amp)], t_end, sites, t_eval=ours[:, 0])
        assert all(np.isfinite(arrivals)), "the ODE's action potential must reach every site"
        errors.append(np.abs(ours[:, 1:] - exact).max())
    assert errors[1] < 2.0, errors  # mV, at dt = 0.01 (the action potential rises by about 100 mV in 0.2 ms)
    assert errors[0] / errors[1] > 3.0, errors  # second order: halving dt divides the error by about 4


def test_the_velocity_is_hodgkin_and_huxley_s():
    # 2 cm, 100 segments of 200 um, dt 0.02: coarse, yet within 2 % of HH's computed 18.8 m/s (HH 1952, Part III)
    c = cable.CableCase(dt=0.02, steps=110, nseg=100, length=20000.0, sites=(26, 76),
                        pulses=(cable.CablePulse(0, 0, 10, 10000.0),))
    record = cable.run_cable(c)
    (tp,), (tq,) = record.arrivals
    v = cable.velocity(cable.node_position(26, 100, 20000.0), tp, cable.node_position(76, 100, 20000.0), tq)
    assert 18.8 * 0.98 < v < 18.8 * 1.02, v


def test_two_action_potentials_annihilate_where_they_meet():
    # stimulated at both ends at once: each site sees one action potential, the middle last, and none returns
    c = cable.CableCase(dt=0.025, steps=160, nseg=40, length=20000.0, sites=(1, 10, 20, 21, 30, 40),
                        pulses=(cable.CablePulse(0, 0, 8, 10000.0), cable.CablePulse(41, 0, 8, 10000.0)))
    record = cable.run_cable(c)
    assert [len(a) for a in record.arrivals] == [1] * 6
    t = [a[0] for a in record.arrivals]
    assert t[0] < t[1] < t[2] and t[5] < t[4] < t[3] and abs(t[2] - t[3]) < 1e-9  # symmetric about the middle


@pytest.mark.parametrize("kwargs, names", [
    ({"nseg": 0}, "nseg"), ({"nseg": 1.5}, "nseg"), ({"nseg": 10**6 + 1}, "nseg"),
    ({"radius": 0.0}, "radius"), ({"R_i": -1.0}, "R_i"), ({"length": float("inf")}, "length"),
    ({"sites": ()}, "sites"), ({"sites": (3, 2)}, "sites"), ({"sites": (12,), "nseg": 10}, "sites"),
    ({"record_gates": 1}, "record_gates"), ({"temperature": 61.0}, "temperature"),
    ({"pulses": (cable.CablePulse(12, 0, 1, 1.0),), "nseg": 10}, "node"),
])
def test_a_bad_value_is_named(kwargs, names):
    with pytest.raises(InvalidInputError, match=rf"\b{names}\b"):
        cable.CableCase(**kwargs)


def test_the_default_discretisation_gives_the_velocity_within_1_percent_of_the_converged_one():
    # spec §13.12 by tests/cable_solutions.py's vectorised copy of §13.5 (equal to the reference, checked
    # above through scipy and in tests/measure_cable.py): Richardson in dt at nseg 1000, against the defaults
    import re
    from pathlib import Path

    from cable_solutions import cn_solution, positions

    def v(nseg, dt):
        p, q = round(nseg / 4 + 0.5), round(3 * nseg / 4 + 0.5)
        _, (tp, tq) = cn_solution(nseg, 50000.0, [(0, 0, round(0.2 / dt), 10000.0)], dt, round(4.0 / dt), (p, q))
        x = positions(nseg, 50000.0)
        return (x[q] - x[p]) * 1e-3 / (tq - tp)

    converged = (4 * v(1000, 0.0025) - v(1000, 0.005)) / 3
    default = v(cable.NSEG_DEFAULT, 0.01)
    assert abs(default / converged - 1) < 0.01
    spec = (Path(__file__).resolve().parents[1] / "spec" / "SPEC.md").read_text()
    stated = float(re.search(r"\*\*The converged velocity is ([0-9.]+) m/s\*\*", spec).group(1))
    assert abs(stated / converged - 1) < 1e-4, (stated, converged)  # dx's share is below 1e-4 (§13.12)
