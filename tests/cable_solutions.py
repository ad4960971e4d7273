"""Independent solutions of the cable of spec §13, written here from HH 1952 and the cable
equation with numpy and scipy, not from pyhh's reference:

- `mol_solution`: the method-of-lines ODE of §13.3's spatial discretisation (the end nodes
  eliminated: a sealed end carries no axial current, and a current injected at an end node
  flows whole into the segment beside it), integrated by scipy's solve_ivp at tight
  tolerance and restarted at every stimulus edge. It has no time-step error, so the
  reference's departure from it is the time scheme's alone.
- `cn_solution`: the same staggered Crank-Nicolson scheme as §13.5, vectorised with numpy and
  scipy's banded solver (its own rates and operation order), fast enough for the convergence
  study of tests/measure_cable.py.

Both return V at the requested nodes (rows in time) and each node's first upward crossing
of the threshold, located by the straight line between steps (or by solve_ivp's events).
"""

from __future__ import annotations

import numpy as np
from scipy.integrate import solve_ivp
from scipy.linalg import solve_banded


def hh_rates(V, phi):
    """The six HH 1952 rates (1/ms) at V (mV from rest), times phi, vectorised."""
    u, w = (25.0 - V) / 10.0, (10.0 - V) / 10.0
    with np.errstate(invalid="ignore", divide="ignore"):
        a_m = np.where(u == 0.0, 1.0, 0.1 * (25.0 - V) / np.expm1(u))
        a_n = np.where(w == 0.0, 0.1, 0.01 * (10.0 - V) / np.expm1(w))
    b_m, a_h = 4.0 * np.exp(-V / 18.0), 0.07 * np.exp(-V / 20.0)
    b_h, b_n = 1.0 / (np.exp((30.0 - V) / 10.0) + 1.0), 0.125 * np.exp(-V / 80.0)
    return [phi * r for r in (a_m, b_m, a_h, b_h, a_n, b_n)]


def hh_phi(temperature):
    return 3.0 ** ((temperature - 6.3) / 10.0)


def cable_constants(radius_um, R_i, length_um, nseg):
    """Coupling between centres (mS/cm^2 of a segment), segment area (cm^2): the cable equation's
    a / (2 R_i dx^2) and 2 pi a dx, in cm."""
    a, dx = radius_um * 1e-4, length_um / nseg * 1e-4
    return 1e3 * a / (2.0 * R_i * dx * dx), 2.0 * np.pi * a * dx


def positions(nseg, length_um):
    """x of nodes 0 ... nseg + 1 (um): the ends and the segment centres."""
    return np.concatenate([[0.0], (np.arange(nseg) + 0.5) * length_um / nseg, [length_um]])


def resting_gates(phi, V0=0.0):
    a_m, b_m, a_h, b_h, a_n, b_n = hh_rates(np.array([V0]), phi)
    return [(a / (a + b))[0] for a, b in ((a_m, b_m), (a_h, b_h), (a_n, b_n))]


def membrane_current(V, m, h, n):
    return 120.0 * m**3 * h * (V - 115.0) + 36.0 * n**4 * (V + 12.0) + 0.3 * (V - 10.6)


def mol_solution(nseg, length_um, pulses, t_end, sites, radius_um=238.0, R_i=35.4, temperature=18.5,
                 t_eval=None, rtol=1e-10, atol=1e-10, theta=50.0):
    """The ODE of the centres (end nodes eliminated), pulses = [(node, t_on, t_off, nA)].
    Returns (t, V at the sites (rows = times), first arrival at each centre site or nan)."""
    g, area = cable_constants(radius_um, R_i, length_um, nseg)
    phi = hh_phi(temperature)
    N = nseg

    def injected_density(t_mid):
        s = np.zeros(N)
        for node, on, off, amp in pulses:
            if on <= t_mid < off:
                s[min(max(node, 1), N) - 1] += amp * 1e-3 / area  # an end node's current enters its neighbour
        return s

    def rhs(t, y, s):
        V, m, h, n = y[:N], y[N:2 * N], y[2 * N:3 * N], y[3 * N:]
        axial = np.zeros(N)
        axial[:-1] += g * (V[1:] - V[:-1])
        axial[1:] += g * (V[:-1] - V[1:])
        a_m, b_m, a_h, b_h, a_n, b_n = hh_rates(V, phi)
        return np.concatenate([s - membrane_current(V, m, h, n) + axial,
                               a_m * (1 - m) - b_m * m, a_h * (1 - h) - b_h * h, a_n * (1 - n) - b_n * n])

    m0, h0, n0 = resting_gates(phi)
    y = np.concatenate([np.zeros(N), np.full(N, m0), np.full(N, h0), np.full(N, n0)])
    edges = sorted({0.0, t_end, *(t for _, on, off, _ in pulses for t in (on, off) if t < t_end)})
    t_eval = np.asarray(t_eval) if t_eval is not None else None
    times, values = [], []
    arrival = {j: np.nan for j in sites}
    for t0, t1 in zip(edges, edges[1:]):
        s = injected_density(0.5 * (t0 + t1))
        inside = None if t_eval is None else t_eval[(t_eval >= t0) & ((t_eval < t1) | (t1 == t_end))]
        events = []
        for j in sites:
            if 1 <= j <= N:
                def event(t, y, s, i=j - 1):
                    return y[i] - theta
                event.direction = 1.0
                events.append(event)
        at = None if inside is None else np.append(inside[inside < t1], t1)  # the last column: the state at t1
        sol = solve_ivp(rhs, (t0, t1), y, method="BDF", rtol=rtol, atol=atol, t_eval=at, args=(s,), events=events)
        k = 0
        for j in sites:
            if 1 <= j <= N:
                if np.isnan(arrival[j]) and len(sol.t_events[k]):
                    arrival[j] = sol.t_events[k][0]
                k += 1
        if inside is not None and len(inside):
            keep = np.isin(sol.t, inside)
            times.append(sol.t[keep])
            values.append(sol.y[:N, keep].T)
        y = sol.y[:, -1]
    t = np.concatenate(times) if times else np.array([])
    Vc = np.concatenate(values) if values else np.zeros((0, N))
    cols = [Vc[:, min(max(j, 1), N) - 1] for j in sites]  # sealed ends without current: V of the end node = its neighbour's
    return t, np.column_stack(cols), [arrival.get(j, np.nan) for j in sites]


def cn_solution(nseg, length_um, pulses, dt, steps, sites, radius_um=238.0, R_i=35.4, temperature=18.5, theta=50.0):
    """§13.5's scheme vectorised: pulses = [(node, start step, stop step, nA)]. Returns
    (V at the sites at every step (steps + 1 rows), first arrival at each site by the straight line)."""
    g, area = cable_constants(radius_um, R_i, length_um, nseg)
    phi = hh_phi(temperature)
    N, n = nseg, nseg + 2
    c = np.full(n - 1, g)  # coupling between node i and i + 1
    c[0] = c[-1] = 2.0 * g
    cap = np.zeros(n)
    cap[1:-1] = 2.0 / dt
    V = np.zeros(n)
    m0, h0, n0 = resting_gates(phi)
    m, h, nn = np.full(N, m0), np.full(N, h0), np.full(N, n0)
    out = np.empty((steps + 1, len(sites)))
    out[0] = V[list(sites)]
    for k in range(steps):
        s = np.zeros(n)
        for node, start, stop, amp in pulses:
            if start <= k < stop:
                s[node] += amp * 1e-3 / area
        G = np.zeros(n)
        I = np.zeros(n)
        G[1:-1] = 120.0 * m**3 * h + 36.0 * nn**4 + 0.3
        I[1:-1] = membrane_current(V[1:-1], m, h, nn)
        axial = np.zeros(n)
        axial[:-1] += c * (V[1:] - V[:-1])
        axial[1:] += c * (V[:-1] - V[1:])
        ab = np.zeros((3, n))
        ab[0, 1:] = -c
        ab[2, :-1] = -c
        ab[1] = cap + G
        ab[1, :-1] += c
        ab[1, 1:] += c
        delta = solve_banded((1, 1), ab, s - I + axial)
        V_new = V + 2.0 * delta
        a_m, b_m, a_h, b_h, a_n, b_n = hh_rates(V_new[1:-1], phi)
        for x, a, b in ((m, a_m, b_m), (h, a_h, b_h), (nn, a_n, b_n)):
            x_inf = a / (a + b)
            x[:] = x_inf + (x - x_inf) * np.exp(-dt * (a + b))
        V = V_new
        out[k + 1] = V[list(sites)]
    return out, [cubic_arrival(out[:, q], dt, theta) for q in range(len(sites))]


def cubic_arrival(V, dt, theta):
    """The first upward crossing of theta by the cubic through the four samples around it (time
    error O(dt^4), against the straight line's O(dt^2)); nan if V never crosses."""
    up = np.nonzero((V[:-1] < theta) & (V[1:] >= theta))[0]
    if not len(up):
        return np.nan
    k = int(up[0])
    lo = min(max(k - 1, 0), len(V) - 4)
    coefficients = np.polyfit(np.arange(4.0), V[lo:lo + 4] - theta, 3)
    roots = [r.real for r in np.roots(coefficients) if abs(r.imag) < 1e-12 and k - lo <= r.real <= k - lo + 1]
    return (lo + min(roots)) * dt
