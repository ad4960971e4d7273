"""Spec §5: conductances, ionic currents and the right-hand side of the model."""

from __future__ import annotations

from typing import NamedTuple

from .parameters import Parameters
from .rates import rates


class State(NamedTuple):
    """(V, m, h, n): V in mV from rest, the gates dimensionless."""

    V: float
    m: float
    h: float
    n: float


class Conductances(NamedTuple):
    """G_Na, G_K, G_L in mS/cm^2."""

    G_Na: float
    G_K: float
    G_L: float


class Currents(NamedTuple):
    """I_Na, I_K, I_L in uA/cm^2, positive outward."""

    I_Na: float
    I_K: float
    I_L: float


def conductances(state: State, p: Parameters) -> Conductances:
    """§5.1: G_Na = g_Na m m m h, G_K = g_K n n n n, G_L = g_L (left to right)."""
    m, h, n = state.m, state.h, state.n
    G_Na = (((p.g_Na * m) * m) * m) * h
    G_K = (((p.g_K * n) * n) * n) * n
    G_L = p.g_L
    return Conductances(G_Na, G_K, G_L)


def currents(state: State, G: Conductances, p: Parameters) -> Currents:
    """§5.2: I = G (V - E) for each channel."""
    V = state.V
    I_Na = G.G_Na * (V - p.E_Na)
    I_K = G.G_K * (V - p.E_K)
    I_L = G.G_L * (V - p.E_L)
    return Currents(I_Na, I_K, I_L)


def dV_dt(I: Currents, I_stim: float, p: Parameters, clamp: bool) -> float:
    """§5.3: C_m dV/dt = I_stim - I_Na - I_K - I_L; zero under voltage clamp."""
    if clamp:
        return 0.0
    return (((I_stim - I.I_Na) - I.I_K) - I.I_L) / p.C_m


def dx_dt(x: float, alpha: float, beta: float) -> float:
    """§5.4: dx/dt = alpha (1 - x) - beta x, for x in m, h, n."""
    return alpha * (1.0 - x) - beta * x


def f(state: State, I_stim: float, p: Parameters, phi: float, clamp: bool) -> State:
    """§5.5: the right-hand side f: (dV/dt, dm/dt, dh/dt, dn/dt) at `state`."""
    r = rates(state.V, phi)
    G = conductances(state, p)
    I = currents(state, G, p)
    return State(
        dV_dt(I, I_stim, p, clamp),
        dx_dt(state.m, r.alpha_m, r.beta_m),
        dx_dt(state.h, r.alpha_h, r.beta_h),
        dx_dt(state.n, r.alpha_n, r.beta_n),
    )


def clamp_current(I: Currents) -> float:
    """§6.3: the current a voltage clamp injects to hold V: I_Na + I_K + I_L."""
    return (I.I_Na + I.I_K) + I.I_L
