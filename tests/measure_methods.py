"""Measure every method against an independent high-accuracy solution (make accuracy).

The solution is scipy's DOP853 at rtol = atol = 1e-12 on a right-hand side
written here from HH 1952 (not from pyhh), restarted at every stimulus edge,
with its spikes located by its own event detection. Each method runs each
protocol at each dt; the table gives the spike count against the solution's
and the largest spike-time error (spikes compared one by one), or why not.
These are the numbers quoted in spec §7.6 and the README.
"""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
from scipy.integrate import solve_ivp

sys.path.insert(0, str(Path(__file__).resolve().parent))
import pyhh  # noqa: E402

THETA = 50.0

#: name -> (pieces (start ms, stop ms, uA/cm^2), duration ms, temperature degC)
PROTOCOLS = {
    "10 uA/cm^2, 200 ms": ([(0.0, 200.0, 10.0)], 200.0, 6.3),
    "6.5 uA/cm^2, 300 ms": ([(0.0, 300.0, 6.5)], 300.0, 6.3),
    "20 uA/cm^2 at 18.5 degC, 100 ms": ([(0.0, 100.0, 20.0)], 100.0, 18.5),
    "anode break (-10 from 5 to 25 ms), 60 ms": ([(5.0, 25.0, -10.0)], 60.0, 6.3),
    "two 5 ms pulses of 15, 30 ms apart, 70 ms": ([(10.0, 15.0, 15.0), (40.0, 45.0, 15.0)], 70.0, 6.3),
}


def hh_rhs(t, y, I, phi):
    """HH 1952 with the rest-relative convention of the spec, written independently."""
    V, m, h, n = y
    u, w = (25.0 - V) / 10.0, (10.0 - V) / 10.0
    a_m = 1.0 if u == 0 else 0.1 * (25.0 - V) / math.expm1(u)
    a_n = 0.1 if w == 0 else 0.01 * (10.0 - V) / math.expm1(w)
    b_m, a_h = 4.0 * math.exp(-V / 18.0), 0.07 * math.exp(-V / 20.0)
    b_h, b_n = 1.0 / (math.exp((30.0 - V) / 10.0) + 1.0), 0.125 * math.exp(-V / 80.0)
    I_ion = 120.0 * m**3 * h * (V - 115.0) + 36.0 * n**4 * (V + 12.0) + 0.3 * (V - 10.6)
    return [I - I_ion, phi * (a_m * (1 - m) - b_m * m), phi * (a_h * (1 - h) - b_h * h),
            phi * (a_n * (1 - n) - b_n * n)]


def resting_state(phi):
    V = 0.0
    a_m, b_m = 0.1 * 25.0 / math.expm1(2.5), 4.0
    a_h, b_h = 0.07, 1.0 / (math.exp(3.0) + 1.0)
    a_n, b_n = 0.01 * 10.0 / math.expm1(1.0), 0.125
    return [V, a_m / (a_m + b_m), a_h / (a_h + b_h), a_n / (a_n + b_n)]


def pieces_of(pulses, duration):
    """The constant pieces (t0, t1, I) of a pulse protocol, for restarting the solver at each edge."""
    edges = sorted({0.0, duration, *(t for p in pulses for t in p[:2] if t < duration)})
    return [(a, b, sum(I for s, e, I in pulses if s <= a < e)) for a, b in zip(edges, edges[1:])]


def exact_solution(name):
    """The spike times and the dense solution pieces of a protocol."""
    pulses, duration, temperature = PROTOCOLS[name]
    phi = 3.0 ** ((temperature - 6.3) / 10.0)
    event = lambda t, y, I, phi: y[0] - THETA  # noqa: E731
    event.direction = 1.0
    y, spikes, pieces = resting_state(phi), [], []
    for t0, t1, I in pieces_of(pulses, duration):
        sol = solve_ivp(hh_rhs, (t0, t1), y, method="DOP853", rtol=1e-12, atol=1e-12, events=event,
                        args=(I, phi), dense_output=True)
        assert sol.success
        spikes += list(sol.t_events[0])
        pieces.append((t0, t1, sol.sol))
        y = sol.y[:, -1]
    return np.array(spikes), pieces


def run(name, method, dt, backend="c"):
    """The method's spike times on a protocol, or None if it blew up."""
    pulses, duration, temperature = PROTOCOLS[name]
    stimulus = [pyhh.Pulse(a, b, I) for a, b, I in pulses]
    try:
        return pyhh.simulate(stimulus, dt=dt, duration=duration, method=method, temperature=temperature,
                             record_every=round(duration / dt), backend=backend).spikes
    except pyhh.NumericalInstabilityError:
        return None


def spike_error(spikes, exact):
    """The largest |t - t_exact| over the spikes, or None when the counts differ."""
    if spikes is None or len(spikes) != len(exact):
        return None
    return float(np.max(np.abs(spikes - exact))) if len(exact) else 0.0


def main() -> int:
    dts = [0.01, 0.025, 0.05, 0.1]
    backend = "c" if pyhh.cbackend.available() else "python"
    print(f"largest spike-time error (ms) against scipy DOP853 (rtol = atol = 1e-12); backend {backend}")
    for name in PROTOCOLS:
        exact, _ = exact_solution(name)
        print(f"\n{name}: {len(exact)} spike(s)")
        print(f"{'method':>14} " + " ".join(f"{'dt ' + format(dt, 'g'):>16}" for dt in dts))
        for method in pyhh.METHODS:
            cells = []
            for dt in dts:
                spikes = run(name, method, dt, backend)
                error = spike_error(spikes, exact)
                cells.append("blew up" if spikes is None else f"{len(spikes)} spikes" if error is None
                             else f"{error:.2g}")
            print(f"{method:>14} " + " ".join(f"{c:>16}" for c in cells))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
