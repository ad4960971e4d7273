"""Spec §7: one step of each integration method, from state k to state k + 1.

Every step takes the state y at t_k, the drive I_stim applied during the step,
the parameters, phi (§3.2), dt in ms, and whether V is clamped (§6.3).
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


def rk4_stage(y: State, c: float, k: State) -> State:
    """§7.3: the stage point y + c k, component by component."""
    return State(y.V + c * k.V, y.m + c * k.m, y.h + c * k.h, y.n + c * k.n)


def rk4_combine(x: float, sixth_dt: float, k1: float, k2: float, k3: float, k4: float) -> float:
    """§7.3: x + (dt/6) (k1 + 2 k2 + 2 k3 + k4), summed left to right."""
    return x + sixth_dt * (((k1 + 2.0 * k2) + 2.0 * k3) + k4)


def rk4_step(y: State, I_stim: float, p: Parameters, phi: float, dt: float, clamp: bool) -> State:
    """§7.3: classical fourth-order Runge-Kutta, I_stim constant over the step."""
    half_dt = 0.5 * dt
    k1 = f(y, I_stim, p, phi, clamp)
    k2 = f(rk4_stage(y, half_dt, k1), I_stim, p, phi, clamp)
    k3 = f(rk4_stage(y, half_dt, k2), I_stim, p, phi, clamp)
    k4 = f(rk4_stage(y, dt, k3), I_stim, p, phi, clamp)
    sixth_dt = dt / 6.0
    return State(
        rk4_combine(y.V, sixth_dt, k1.V, k2.V, k3.V, k4.V),
        rk4_combine(y.m, sixth_dt, k1.m, k2.m, k3.m, k4.m),
        rk4_combine(y.h, sixth_dt, k1.h, k2.h, k3.h, k4.h),
        rk4_combine(y.n, sixth_dt, k1.n, k2.n, k3.n, k4.n),
    )


#: §7: the methods by name, in the spec's order.
STEP_FUNCTIONS = {
    "euler": euler_step,
    "exp_euler": exp_euler_step,
    "rk4": rk4_step,
}
