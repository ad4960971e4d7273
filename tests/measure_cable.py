"""Measure the cable of spec §13 against independent solutions (make cable-accuracy): the numbers
of spec §13.12.

1. The conduction velocity's convergence with the segment length dx and the step dt, on the
   default axon (spec §13.1), by tests/cable_solutions.py's vectorised copy of §13.5's scheme
   (checked first against the reference itself on a short run), with the converged value by
   Richardson extrapolation (the scheme is second order in dx and dt: v(dx, dt) = v + A dx^2 + B dt^2).
2. V at the sites against scipy's solve_ivp (BDF, rtol = atol = 1e-10) on the method-of-lines ODE
   of the same spatial discretisation: the time scheme's error alone, at several dt.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from cable_solutions import cn_solution, mol_solution, positions  # noqa: E402

from pyhh.reference import cable  # noqa: E402

LENGTH = cable.CABLE_TABLE["length"][0]
NSEG = cable.NSEG_DEFAULT
STIM_NA, STIM_MS = 10000.0, 0.2  # the stimulus at node 0 (nA, ms)
T_END = 4.0


def velocity_sites(nseg):
    """The centre nodes nearest L/4 and 3L/4 (spec §13.9)."""
    return (round(nseg / 4 + 0.5), round(3 * nseg / 4 + 0.5))


def velocity(nseg, dt):
    p, q = velocity_sites(nseg)
    steps = round(T_END / dt)
    _, (tp, tq) = cn_solution(nseg, LENGTH, [(0, 0, round(STIM_MS / dt), STIM_NA)], dt, steps, (p, q))
    x = positions(nseg, LENGTH)
    return (x[q] - x[p]) * 1e-3 / (tq - tp)


def check_against_reference():
    c = cable.CableCase(dt=0.025, steps=60, nseg=40, length=LENGTH / 10, sites=(0, 5, 20, 41),
                        pulses=(cable.CablePulse(0, 0, 8, STIM_NA),))
    record = cable.run_cable(c)
    ours = np.array(record.rows)[:, 1:]
    theirs, _ = cn_solution(40, LENGTH / 10, [(0, 0, 8, STIM_NA)], 0.025, 60, (0, 5, 20, 41))
    print(f"vectorised copy against the reference, 40 segments, 60 steps: largest |dV| {np.abs(ours - theirs[:-1]).max():.2g} mV")


def convergence():
    print(f"\nvelocity (m/s), default axon: length {LENGTH / 1e4:g} cm, radius 238 um, R_i 35.4 ohm cm, 18.5 degC")
    dts = (0.04, 0.025, 0.02, 0.01, 0.005, 0.0025)
    nsegs = (250, 500, 1000, 2000)
    table = {}
    for nseg in nsegs:
        for dt in dts:
            start = time.time()
            table[nseg, dt] = velocity(nseg, dt)
            print(f"  nseg {nseg:5d} (dx {LENGTH / nseg:6.1f} um)  dt {dt:6.3f}  v = {table[nseg, dt]:.6f}  "
                  f"({time.time() - start:.1f} s)", flush=True)
    # Richardson: the finest pair in each direction, then both
    fine_n, fine_dt = nsegs[-1], dts[-1]
    v_dt0 = {n: (4 * table[n, dts[-1]] - table[n, dts[-2]]) / 3 for n in nsegs}  # dt -> 0 at each nseg
    v_conv = (4 * v_dt0[nsegs[-1]] - v_dt0[nsegs[-2]]) / 3  # then dx -> 0
    v_conv_other = (4 * ((4 * table[nsegs[-1], dts[-2]] - table[nsegs[-1], dts[-3]]) / 3)
                    - (4 * table[nsegs[-2], dts[-2]] - table[nsegs[-2], dts[-3]]) / 3) / 3
    print(f"\n  dt -> 0 at each nseg: " + ", ".join(f"{n}: {v:.6f}" for n, v in v_dt0.items()))
    print(f"  converged (Richardson in dt then dx, finest pairs): {v_conv:.6f} m/s; from the next pairs: {v_conv_other:.6f}")
    print("\n  relative error against the converged value, % (rows nseg, columns dt)")
    print("  nseg   " + "".join(f"{dt:>10g}" for dt in dts))
    for n in nsegs:
        print(f"  {n:5d}  " + "".join(f"{100 * (table[n, dt] / v_conv - 1):10.3f}" for dt in dts))
    return v_conv


def against_scipy():
    print("\nV at the sites against solve_ivp (BDF, rtol = atol = 1e-10) on the same 100 segments, 1 cm, 3 ms;"
          " stimulus 10 uA at node 0 for 0.2 ms")
    nseg, length = 100, 10000.0
    sites = (1, 25, 50, 75, 100)
    t_end = 3.0
    for dt in (0.04, 0.02, 0.01, 0.005):
        steps = round(t_end / dt)
        c = cable.CableCase(dt=dt, steps=steps, nseg=nseg, length=length, sites=sites,
                            pulses=(cable.CablePulse(0, 0, round(0.2 / dt), STIM_NA),))
        start = time.time()
        record = cable.run_cable(c)
        ours = np.array(record.rows)
        t, exact, arrivals = mol_solution(nseg, length, [(0, 0.0, 0.2, STIM_NA)], t_end, sites, t_eval=ours[:, 0])
        err = np.abs(ours[:, 1:] - exact).max(axis=0)
        darr = [abs(a[0] - b) for a, b in zip(record.arrivals, arrivals)]
        print(f"  dt {dt:6.3f}: largest |V - V_ivp| (mV) at nodes {sites}: " + ", ".join(f"{e:.3g}" for e in err)
              + "; arrival-time errors (ms): " + ", ".join(f"{e:.2g}" for e in darr)
              + f" ({time.time() - start:.0f} s)", flush=True)


if __name__ == "__main__":
    check_against_reference()
    if "--scipy-only" not in sys.argv:
        convergence()
    against_scipy()
