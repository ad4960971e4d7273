"""An independent port of spec/SPEC.md that does NOT keep the spec's operation order.

It is written the way a porter who skimmed the spec might write it: the raw
HH 1952 formulas (with the singularities patched by the limit), pow() for the
gate powers, currents summed in another order, another form of each update,
and the spike crossing of §9 found by numpy's polynomial roots, not bisection.
Its arithmetic type is a parameter: float64 (numpy.float64) or float32.
The tests use it to show that the conformance tolerances of spec §11 admit a
correct but reordered port (float64) and a float32 one, and, with a
deliberate bug switched on, that `pyhh conform` catches classic porting
mistakes:
  raw-rates      the textbook rate formulas, 0/0 at V = 10 and 25 (pyHH's bug);
  late-rows      the state after step k stored under t_k (pyHH's recording bug);
  no-C_m         dV/dt without the division by C_m;
  clamp-at-u     the clamp holds u_k instead of V0 + u_k;
  pulses-or-wave the pulses ignored when there is a waveform;
  floor-rows     floor(steps / record_every) rows instead of ceil;
  half-step-gates  a staggered method's half-step gates recorded under t_k (as NEURON records them);
  beta-n         beta_n's 0.125 typed 0.0125 (a typo in one rate).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

COLUMNS = ("t", "V", "m", "h", "n", "I_Na", "I_K", "I_L", "I_stim")
DEFAULTS = {"C_m": 1.0, "g_Na": 120.0, "g_K": 36.0, "g_L": 0.3, "E_Na": 115.0, "E_K": -12.0, "E_L": 10.6}


BUGS = ("raw-rates", "late-rows", "no-C_m", "clamp-at-u", "pulses-or-wave", "floor-rows", "half-step-gates", "beta-n")


def simulate(case: dict, real=np.float64, bug: str | None = None) -> tuple[np.ndarray, list[float]]:
    """Run a parsed case file; returns the trace rows and the per-step spike times."""
    with np.errstate(all="ignore"):
        return _simulate(case, real, bug)


def _simulate(case, real, bug):
    f = real
    p = {k: f(v) for k, v in {**DEFAULTS, **case.get("parameters", {})}.items()}
    if bug == "no-C_m":
        p["C_m"] = f(1.0)
    dt = f(case["dt"])
    steps, every = case["steps"], case.get("record_every", 1)
    phi = f(3.0) ** ((f(case.get("temperature", 6.3)) - f(6.3)) / f(10.0))
    clamp = case.get("mode", "current") == "clamp"
    V0 = f(case.get("V0", 0.0))
    stim = case.get("stimulus", {})
    wave = stim.get("waveform")
    pulses = stim.get("pulses", [])
    theta = f(case.get("spike_threshold", 50.0))
    one = f(1.0)

    def rate_fns(V):
        raw = bug == "raw-rates"
        a_m = f(1.0) if V == 25 and not raw else f(0.1) * (f(25) - V) / (np.exp((f(25) - V) / f(10)) - one)
        b_m = f(4) * np.exp(-V / f(18))
        a_h = f(0.07) * np.exp(-V / f(20))
        b_h = one / (one + np.exp((f(30) - V) / f(10)))
        a_n = f(0.1) if V == 10 and not raw else f(0.01) * (f(10) - V) / (np.exp((f(10) - V) / f(10)) - one)
        b_n = f(0.0125 if bug == "beta-n" else 0.125) * np.exp(-V / f(80))
        return [phi * a_m, phi * b_m, phi * a_h, phi * b_h, phi * a_n, phi * b_n]

    def ionic(y):
        V, m, h, n = y
        return (p["g_Na"] * m**3 * h * (V - p["E_Na"]), p["g_K"] * n**4 * (V - p["E_K"]), p["g_L"] * (V - p["E_L"]))

    def rhs(y, I):
        a_m, b_m, a_h, b_h, a_n, b_n = rate_fns(y[0])
        I_Na, I_K, I_L = ionic(y)
        dV = f(0.0) if clamp else (I - (I_L + I_K + I_Na)) / p["C_m"]
        return np.array([dV, a_m - (a_m + b_m) * y[1], a_h - (a_h + b_h) * y[2], a_n - (a_n + b_n) * y[3]], dtype=real)

    method = case["method"]
    staggered = method.startswith("staggered")

    def step(y, I):
        if staggered:  # y holds V at t_k and the gates at t_k + dt/2
            V, m, h, n = y
            G_Na, G_K = p["g_Na"] * m**3 * h, p["g_K"] * n**4
            G = p["g_L"] + G_K + G_Na
            drive_sum = I + G_Na * p["E_Na"] + G_K * p["E_K"] + p["g_L"] * p["E_L"]
            if clamp:
                V_new = V
            elif method == "staggered_cn":
                V_new = (V * (p["C_m"] - G * dt / f(2)) + dt * drive_sum) / (p["C_m"] + G * dt / f(2))
            else:
                V_new = drive_sum / G - (drive_sum / G - V) * np.exp(-dt * G / p["C_m"])
            a_m, b_m, a_h, b_h, a_n, b_n = rate_fns(V_new)
            out = [V_new]
            for x, a, b in ((m, a_m, b_m), (h, a_h, b_h), (n, a_n, b_n)):
                tau = one / (a + b)
                out.append(x + (a * tau - x) * -np.expm1(-dt / tau))
            return np.array(out, dtype=real)
        if method == "euler":
            return y + rhs(y, I) * dt
        if method == "rk4":
            k1 = rhs(y, I)
            k2 = rhs(y + k1 * (dt / 2), I)
            k3 = rhs(y + k2 * (dt / 2), I)
            k4 = rhs(y + k3 * dt, I)
            return y + (k1 + k4 + f(2) * (k2 + k3)) * dt / f(6)
        a_m, b_m, a_h, b_h, a_n, b_n = rate_fns(y[0])
        V, m, h, n = y
        G_Na, G_K = p["g_Na"] * m**3 * h, p["g_K"] * n**4
        G = p["g_L"] + G_K + G_Na
        if clamp:
            V_new = V
        else:
            V_inf = (G_Na * p["E_Na"] + G_K * p["E_K"] + p["g_L"] * p["E_L"] + I) / G
            V_new = V_inf - (V_inf - V) * np.exp(-dt * G / p["C_m"])
        out = [V_new]
        for x, a, b in ((m, a_m, b_m), (h, a_h, b_h), (n, a_n, b_n)):
            tau = one / (a + b)
            out.append(x + (a * tau - x) * -np.expm1(-dt / tau))
        return np.array(out, dtype=real)

    def drive(k):
        u = f(wave[k]) if wave is not None else f(0.0)
        for pulse in (pulses if wave is None or bug != "pulses-or-wave" else []):
            if pulse["start"] <= k < pulse["stop"]:
                u += f(pulse["amplitude"])
        return u

    def at_t(z, z_before):
        """The state at t_k: for a staggered method, the mean of the half-step gates around it."""
        if not staggered or bug == "half-step-gates":
            return z
        return np.concatenate([z[:1], (z[1:] + z_before[1:]) / f(2)])

    def crossing(k, y0, y1, I):
        """The threshold crossing on the cubic Hermite interpolant, by numpy's polynomial roots."""
        s0, s1 = (float(rhs(y, I)[0] * dt) for y in (y0, y1))
        V0_, V1_ = float(y0[0]), float(y1[0])
        coefficients = [2 * (V0_ - V1_) + s0 + s1, 3 * (V1_ - V0_) - 2 * s0 - s1, s0, V0_ - float(theta)]
        guess = (float(theta) - V0_) / (V1_ - V0_)
        roots = [r.real for r in np.roots(coefficients) if abs(r.imag) < 1e-9 and -1e-9 <= r.real <= 1 + 1e-9]
        return float(k * dt) + float(dt) * min(roots, key=lambda r: abs(r - guess), default=guess)

    a = rate_fns(V0)
    y = np.array([V0, a[0] / (a[0] + a[1]), a[2] / (a[2] + a[3]), a[4] / (a[4] + a[5])], dtype=real)
    before = y.copy()
    rows, spikes = [], []
    for k in range(steps):
        u = drive(k)
        if clamp:
            y[0] = u if bug == "clamp-at-u" else V0 + u
        y_next = step(y, u)
        now, then = at_t(y, before), at_t(y_next, y)
        if k % every == 0 and not (bug == "floor-rows" and k + every > steps):
            shown = then if bug == "late-rows" else now
            I_Na, I_K, I_L = ionic(shown)
            rows.append([k * float(dt), *map(float, shown), float(I_Na), float(I_K), float(I_L),
                         float(I_Na + I_K + I_L) if clamp else float(u)])
        if not np.all(np.isfinite(then)):
            raise ArithmeticError(f"non-finite state at step {k + 1}")
        if not clamp and now[0] < theta <= then[0]:
            spikes.append(crossing(k, now, then, u))
        before, y = y, y_next
    return np.array(rows), spikes


def main(argv: list[str]) -> int:
    """The conformance protocol: [float32] [--bug NAME] ... CASE.json -> trace CSV on stdout."""
    bug = argv[argv.index("--bug") + 1] if "--bug" in argv else None
    if bug is not None and bug not in BUGS:
        raise SystemExit(f"unknown bug {bug!r}; the bugs are {', '.join(BUGS)}")
    case = json.loads(Path(argv[-1]).read_text())
    rows, _ = simulate(case, np.float32 if "float32" in argv[:-1] else np.float64, bug)
    print(",".join(COLUMNS))
    for row in rows:
        print(",".join(repr(float(x)) for x in row))
    return 0


if __name__ == "__main__":
    import sys

    raise SystemExit(main(sys.argv[1:]))
