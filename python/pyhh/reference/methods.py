"""Spec §7: one step of each integration method, from state k to state k + 1.

Every step takes the method's state at step k, the drive I_stim applied during
the step, the parameters, phi (§3.2), dt in ms, and whether V is clamped
(§6.3). For the one-step methods (§7.1-7.3) that state is y = (V, m, h, n) at
t_k; for the staggered methods (§7.4-7.5) it is z = (V at t_k, the gates at
t_k + dt/2), and staggered_state gives the state at t_k that a row records.
"""

from __future__ import annotations

from .currents import State, conductances, currents, dV_dt, f
from .parameters import Parameters
from .rates import exp, exprel, rates, steady_state


def euler_step(y: State, I_stim: float, p: Parameters, phi: float, dt: float, clamp: bool) -> State:
    """§7.1: forward Euler, pyHH's algorithm: y + dt f(y)."""
    F = f(y, I_stim, p, phi, clamp)  # 1.
    return State(
        y.V + dt * F.V,  # 2.
        y.m + dt * F.m,  # 3.
        y.h + dt * F.h,
        y.n + dt * F.n,
    )


def exp_euler_gate(x: float, alpha: float, beta: float, dt: float) -> float:
    """§7.2 step 4: x_inf + (x - x_inf) exp(-dt (alpha + beta))."""
    x_inf = steady_state(alpha, beta)
    return x_inf + (x - x_inf) * exp(-(dt * (alpha + beta)))


def exp_euler_step(y: State, I_stim: float, p: Parameters, phi: float, dt: float, clamp: bool) -> State:
    """§7.2: exponential Euler: V exact with the conductances frozen, each gate
    exact with V frozen.

    The gate update (step 4) is that of S. Rush and H. Larsen (1978), "A practical
    algorithm for solving dynamic membrane equations", IEEE Trans. Biomed. Eng.
    25:389-392.
    """
    r = rates(y.V, phi)  # 1.
    G = conductances(y, p)  # 2.
    I = currents(y, G, p)
    dVdt = dV_dt(I, I_stim, p, clamp)
    G_total = (G.G_Na + G.G_K) + G.G_L
    V = y.V + ((dt * dVdt) * exprel(-((dt * G_total) / p.C_m)))  # 3.
    return State(
        V,
        exp_euler_gate(y.m, r.alpha_m, r.beta_m, dt),  # 4.
        exp_euler_gate(y.h, r.alpha_h, r.beta_h, dt),
        exp_euler_gate(y.n, r.alpha_n, r.beta_n, dt),
    )


def rk4_stage(y: State, c: float, F: State) -> State:
    """§7.3: the stage point y + c F, component by component."""
    return State(y.V + c * F.V, y.m + c * F.m, y.h + c * F.h, y.n + c * F.n)


def rk4_combine(x: float, sixth_dt: float, F1: float, F2: float, F3: float, F4: float) -> float:
    """§7.3: x + (dt/6) (F1 + 2 F2 + 2 F3 + F4), summed left to right."""
    return x + sixth_dt * (((F1 + 2.0 * F2) + 2.0 * F3) + F4)


def rk4_step(y: State, I_stim: float, p: Parameters, phi: float, dt: float, clamp: bool) -> State:
    """§7.3: classical fourth-order Runge-Kutta, I_stim constant over the step."""
    half_dt = 0.5 * dt
    F1 = f(y, I_stim, p, phi, clamp)
    F2 = f(rk4_stage(y, half_dt, F1), I_stim, p, phi, clamp)
    F3 = f(rk4_stage(y, half_dt, F2), I_stim, p, phi, clamp)
    F4 = f(rk4_stage(y, dt, F3), I_stim, p, phi, clamp)
    sixth_dt = dt / 6.0
    return State(
        rk4_combine(y.V, sixth_dt, F1.V, F2.V, F3.V, F4.V),
        rk4_combine(y.m, sixth_dt, F1.m, F2.m, F3.m, F4.m),
        rk4_combine(y.h, sixth_dt, F1.h, F2.h, F3.h, F4.h),
        rk4_combine(y.n, sixth_dt, F1.n, F2.n, F3.n, F4.n),
    )


def staggered_gates(V: float, z: State, phi: float, dt: float) -> tuple[float, float, float]:
    """§7.4 step 4: each gate from t_k + dt/2 to t_k + 3 dt/2 by §7.2's formula, with the rates at V_(k+1)."""
    r = rates(V, phi)
    return (
        exp_euler_gate(z.m, r.alpha_m, r.beta_m, dt),
        exp_euler_gate(z.h, r.alpha_h, r.beta_h, dt),
        exp_euler_gate(z.n, r.alpha_n, r.beta_n, dt),
    )


def staggered_cn_step(z: State, I_stim: float, p: Parameters, phi: float, dt: float, clamp: bool) -> State:
    """§7.4: NEURON's fixed step (secondorder = 2): z = (V at t_k, the gates at t_k + dt/2);
    V by Crank-Nicolson with the conductances of those gates, then the gates a step on."""
    G = conductances(z, p)  # 1.
    I = currents(z, G, p)  # 2.
    dVdt = dV_dt(I, I_stim, p, clamp)
    G_total = (G.G_Na + G.G_K) + G.G_L
    V = z.V + ((dt * dVdt) / (1.0 + (((0.5 * dt) * G_total) / p.C_m)))  # 3.
    return State(V, *staggered_gates(V, z, phi, dt))  # 4.


def staggered_exp_step(z: State, I_stim: float, p: Parameters, phi: float, dt: float, clamp: bool) -> State:
    """§7.5: as §7.4, but V exact over the step with the conductances of the gates at t_k + dt/2."""
    G = conductances(z, p)  # 1.
    I = currents(z, G, p)  # 2.
    dVdt = dV_dt(I, I_stim, p, clamp)
    G_total = (G.G_Na + G.G_K) + G.G_L
    V = z.V + ((dt * dVdt) * exprel(-((dt * G_total) / p.C_m)))  # 3.
    return State(V, *staggered_gates(V, z, phi, dt))  # 4.


def staggered_state(z: State, z_before: State) -> State:
    """§7.4: the state at t_k of a staggered method: V_k, and each gate the mean of its
    values at t_k - dt/2 (in z_before, the previous step's z) and t_k + dt/2 (in z)."""
    return State(z.V, 0.5 * (z_before.m + z.m), 0.5 * (z_before.h + z.h), 0.5 * (z_before.n + z.n))


#: §7: the methods by name, in the spec's order.
STEP_FUNCTIONS = {
    "euler": euler_step,
    "exp_euler": exp_euler_step,
    "rk4": rk4_step,
    "staggered_cn": staggered_cn_step,
    "staggered_exp": staggered_exp_step,
}
