"""Spec §13: the uniform unbranched axon (cable), step by step.

The membrane of every compartment is that of §3-§5 (per unit area), stepped by
§7.4's staggered Crank-Nicolson scheme; the compartments are coupled through
the axial resistance of the axoplasm and solved together by the tridiagonal
solve of §13.6. Everything the patch defines is reused, not retyped: the rates,
the conductances and currents, the gate update and the spike locator.

Units (§13.1): lengths in um, R_i in ohm cm, injected currents in nA, V in mV
from rest, t in ms. Nodes are numbered j = 0 ... nseg + 1: j = 0 and
j = nseg + 1 are the two zero-area end nodes, j = 1 ... nseg the centres of the
segments.
"""

from __future__ import annotations

import dataclasses
import math
from typing import NamedTuple

from .case import check_run
from .checks import check_at_most, check_integer, check_range, check_real
from .currents import State, conductances, currents
from .errors import InvalidInputError, NumericalInstabilityError
from .methods import staggered_gates, staggered_state
from .parameters import SPIKE_THRESHOLD_DEFAULT, V0_DEFAULT, Parameters
from .rates import temperature_factor
from .run import hermite_crossing, initial_state, linear_crossing

#: §13.1: name -> (default, minimum (excluded), maximum, unit) of the cable's geometry.
CABLE_TABLE: dict[str, tuple[float, float, float, str]] = {
    "radius": (238.0, 0.0, 1.0e5, "um"),
    "R_i": (35.4, 0.0, 1.0e6, "ohm cm"),
    "length": (50000.0, 0.0, 1.0e8, "um"),
}

#: §13.1: the default number of segments (compartments) and the largest accepted.
NSEG_DEFAULT = 500
NSEG_MAX = 1000000

#: §13.1: the temperature of HH 1952's propagated action potential (degC).
CABLE_TEMPERATURE_DEFAULT = 18.5

#: §13.3: pi as the double nearest it, and the unit conversions (um -> cm, nA -> uA, S -> mS).
PI = 3.141592653589793
UM_TO_CM = 1.0e-4
NA_TO_UA = 1.0e-3
MS_PER_S = 1.0e3


@dataclasses.dataclass(frozen=True)
class CablePulse:
    """§13.2: a current of `amplitude` nA into node `node`, on during steps start <= k < stop."""

    node: int
    start: int
    stop: int
    amplitude: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "node", check_integer("node", self.node, minimum=0))
        object.__setattr__(self, "start", check_integer("start", self.start, minimum=0))
        object.__setattr__(self, "stop", check_integer("stop", self.stop, minimum=0))
        if self.stop < self.start:
            raise InvalidInputError(f"stop = {self.stop} must be >= its start = {self.start}")
        object.__setattr__(self, "amplitude", check_real("amplitude", self.amplitude))


@dataclasses.dataclass(frozen=True)
class CableCase:
    """One cable simulation, as a cable case file states it (§13.10); every field is checked."""

    dt: float = 0.01
    steps: int = 1
    record_every: int = 1
    temperature: float = CABLE_TEMPERATURE_DEFAULT
    V0: float = V0_DEFAULT
    params: Parameters = dataclasses.field(default_factory=Parameters)
    radius: float = CABLE_TABLE["radius"][0]
    R_i: float = CABLE_TABLE["R_i"][0]
    length: float = CABLE_TABLE["length"][0]
    nseg: int = NSEG_DEFAULT
    sites: tuple[int, ...] = (1,)
    pulses: tuple[CablePulse, ...] = ()
    spike_threshold: float = SPIKE_THRESHOLD_DEFAULT
    record_gates: bool = False
    name: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        check_run(self)
        for name, (_, low, high, unit) in CABLE_TABLE.items():
            object.__setattr__(self, name, check_range(name, getattr(self, name), low, high, True, unit))
        nseg = check_integer("nseg", self.nseg)
        object.__setattr__(self, "nseg", check_at_most("nseg", nseg, "nseg_max", NSEG_MAX))
        if not isinstance(self.record_gates, bool):
            raise InvalidInputError(f"record_gates must be true or false, got {self.record_gates!r}")
        object.__setattr__(self, "sites", check_sites(self.sites, self.nseg))
        object.__setattr__(self, "pulses", check_pulses(self.pulses, self.nseg))

    @property
    def n_nodes(self) -> int:
        """§13.3: nseg centres and two end nodes."""
        return self.nseg + 2

    @property
    def n_rows(self) -> int:
        """§8.2: ceil(steps / record_every) rows."""
        return (self.steps + self.record_every - 1) // self.record_every


def check_node(name: str, j: object, nseg: int) -> int:
    """§13.10: a node index, a whole number from 0 to nseg + 1; else an error naming `name`."""
    j = check_integer(name, j, minimum=0)
    if j > nseg + 1:
        raise InvalidInputError(f"{name} = {j} is not a node: the nodes are 0 ... nseg + 1 = {nseg + 1}")
    return j


def check_sites(sites: object, nseg: int) -> tuple[int, ...]:
    """§13.10: one or more recording sites, distinct node indices in increasing order."""
    if isinstance(sites, (str, bytes)) or not isinstance(sites, (list, tuple)) or not sites:
        raise InvalidInputError(f"sites must be a non-empty list of node indices, got {sites!r:.80}")
    out = tuple(check_node("sites", j, nseg) for j in sites)
    if any(b <= a for a, b in zip(out, out[1:])):
        raise InvalidInputError(f"sites must be distinct and in increasing order, got {list(out)!r:.80}")
    return out


def check_pulses(pulses: object, nseg: int) -> tuple[CablePulse, ...]:
    """§13.10: the pulses, each a CablePulse whose node is a node of this cable."""
    if isinstance(pulses, (str, bytes)) or not isinstance(pulses, (list, tuple)):
        raise InvalidInputError(f"pulses must be a list of CablePulse, got {pulses!r:.80}")
    for j, pulse in enumerate(pulses):
        if not isinstance(pulse, CablePulse):
            raise InvalidInputError(f"pulses: item {j} must be a CablePulse, got {pulse!r:.80}")
        check_node("node", pulse.node, nseg)
    return tuple(pulses)


class Geometry(NamedTuple):
    """§13.3: the spacing dx (cm), the coupling g_c between two centres and c_e between a centre
    and an end node (both mS/cm^2, per unit area of a segment), a segment's area (cm^2), and the
    factor that turns nA into uA/cm^2 of a segment."""

    dx: float
    g_c: float
    c_e: float
    area: float
    stim_scale: float


def geometry(radius: float, R_i: float, length: float, nseg: int) -> Geometry:
    """§13.3: the discretisation's constants, in the spec's operation order."""
    dx = (length / nseg) * UM_TO_CM
    a = radius * UM_TO_CM
    g_c = ((MS_PER_S * a) / (2.0 * R_i)) / (dx * dx)
    c_e = 2.0 * g_c
    area = ((2.0 * PI) * a) * dx
    stim_scale = NA_TO_UA / area
    return Geometry(dx, g_c, c_e, area, stim_scale)


def node_position(j: int, nseg: int, length: float) -> float:
    """§13.3: where node j lies along the axon, in um: 0, the segment centres, length."""
    if j == 0:
        return 0.0
    if j == nseg + 1:
        return length
    return ((j - 0.5) / nseg) * length


def injected(pulses: tuple[CablePulse, ...], k: int, n_nodes: int) -> list[float]:
    """§13.2: the current u_j (nA) into each node during step k: the pulses on, added in listed order."""
    u = [0.0] * n_nodes
    for pulse in pulses:
        if pulse.start <= k < pulse.stop:
            u[pulse.node] = u[pulse.node] + pulse.amplitude
    return u


def couplings(i: int, nseg: int, g: Geometry) -> tuple[float, float]:
    """§13.3: (c_left, c_right) of centre node i: g_c to a centre, c_e to an end node."""
    return (g.c_e if i == 1 else g.g_c), (g.c_e if i == nseg else g.g_c)


def membrane_rhs(V: list[float], i: int, y: State, s: float, p: Parameters, c_left: float, c_right: float) -> tuple[float, float]:
    """§13.4: at centre node i with the gates of y, the net current into a unit area
    F_i = ((((s - I_Na) - I_K) - I_L) + c_left (V_(i-1) - V_i)) + c_right (V_(i+1) - V_i), and G_total."""
    G = conductances(y, p)
    I = currents(y, G, p)
    F = ((((s - I.I_Na) - I.I_K) - I.I_L) + c_left * (V[i - 1] - V[i])) + c_right * (V[i + 1] - V[i])
    return F, (G.G_Na + G.G_K) + G.G_L


def assemble(V: list[float], z: list[State], u: list[float], p: Parameters, dt: float, g: Geometry
             ) -> tuple[list[float], list[float], list[float], list[float]]:
    """§13.5 steps 1-3: the tridiagonal system (lower, diagonal, upper, right-hand side) for delta,
    half the change of V over the step. z[i] holds centre node i's V and its gates at t_k + dt/2."""
    n = len(V)
    nseg = n - 2
    lower, diag, upper, rhs = [0.0] * n, [0.0] * n, [0.0] * n, [0.0] * n
    cm2dt = (2.0 * p.C_m) / dt
    diag[0], upper[0] = g.c_e, -g.c_e
    rhs[0] = u[0] * g.stim_scale + g.c_e * (V[1] - V[0])
    for i in range(1, nseg + 1):
        c_left, c_right = couplings(i, nseg, g)
        F, G_total = membrane_rhs(V, i, z[i], u[i] * g.stim_scale, p, c_left, c_right)
        lower[i], diag[i], upper[i], rhs[i] = -c_left, ((cm2dt + G_total) + c_left) + c_right, -c_right, F
    lower[n - 1], diag[n - 1] = -g.c_e, g.c_e
    rhs[n - 1] = u[n - 1] * g.stim_scale + g.c_e * (V[n - 2] - V[n - 1])
    return lower, diag, upper, rhs


def tridiagonal_solve(lower: list[float], diag: list[float], upper: list[float], rhs: list[float]) -> list[float]:
    """§13.6: the Thomas algorithm in NEURON's order: eliminate from the last node towards node 0,
    then substitute back from node 0 (diag and rhs are overwritten)."""
    n = len(diag)
    for i in range(n - 1, 0, -1):
        w = upper[i - 1] / diag[i]
        diag[i - 1] = diag[i - 1] - w * lower[i]
        rhs[i - 1] = rhs[i - 1] - w * rhs[i]
    delta = [0.0] * n
    delta[0] = rhs[0] / diag[0]
    for i in range(1, n):
        delta[i] = (rhs[i] - lower[i] * delta[i - 1]) / diag[i]
    return delta


def cable_step(V: list[float], z: list[State], u: list[float], p: Parameters, phi: float, dt: float, g: Geometry
               ) -> tuple[list[float], list[State]]:
    """§13.5: one step: V_(k+1) = V_k + 2 delta at every node, then each centre's gates by §7.4 step 4."""
    delta = tridiagonal_solve(*assemble(V, z, u, p, dt, g))
    V_next = [V[j] + 2.0 * delta[j] for j in range(len(V))]
    z_next = [z[0]] + [State(V_next[i], *staggered_gates(V_next[i], z[i], phi, dt)) for i in range(1, len(V) - 1)]
    return V_next, z_next + [z[-1]]


def node_dV_dt(V: list[float], i: int, y: State, u: list[float], p: Parameters, g: Geometry) -> float:
    """§13.8: dV/dt at centre node i of the state at t_k (the gates of y), with the drive u: F_i / C_m."""
    c_left, c_right = couplings(i, len(V) - 2, g)
    return membrane_rhs(V, i, y, u[i] * g.stim_scale, p, c_left, c_right)[0] / p.C_m


def site_arrival(ta: float, tb: float, j: int, Va: list[float], Vb: list[float], ya: State, yb: State,
                 u: list[float], p: Parameters, g: Geometry, theta: float) -> float | None:
    """§13.8: §9 at site j between the states at ta and tb: the cubic through V and dV/dt at a
    centre node, the straight line at an end node; None when V does not cross theta upwards."""
    if not (Va[j] < theta <= Vb[j]):
        return None
    if j == 0 or j == len(Va) - 1:
        return linear_crossing(ta, tb, Va[j], Vb[j], theta)
    dVa = node_dV_dt(Va, j, ya, u, p, g)
    dVb = node_dV_dt(Vb, j, yb, u, p, g)
    return hermite_crossing(ta, tb, Va[j], Vb[j], dVa, dVb, theta)


def velocity(x_p: float, t_p: float, x_q: float, t_q: float) -> float:
    """§13.9: the conduction velocity in m/s from arrival times (ms) at positions x_p < x_q (um)."""
    return ((x_q - x_p) * 1.0e-3) / (t_q - t_p)


class CableRecord(NamedTuple):
    """What a cable run returns: the recorded rows (§13.11) and each site's arrival times in ms (§13.8)."""

    rows: list[tuple[float, ...]]
    arrivals: list[list[float]]


def columns(case: CableCase) -> tuple[str, ...]:
    """§13.11: t, V_j for each site j, then m_j, h_j, n_j for each centre site when gates are recorded."""
    names = ["t"] + [f"V_{j}" for j in case.sites]
    if case.record_gates:
        names += [f"{x}_{j}" for j in case.sites if 1 <= j <= case.nseg for x in ("m", "h", "n")]
    return tuple(names)


def cable_state_at(V: list[float], z: list[State], z_before: list[State]) -> list[State]:
    """§13.7: the state at t_k: V_k at every node and, at each centre, the mean of its gates at
    t_k - dt/2 and t_k + dt/2 (§7.4); the end nodes carry V only (their gates are unused)."""
    return [State(V[j], z[j].m, z[j].h, z[j].n) if j in (0, len(V) - 1) else staggered_state(State(V[j], z[j].m, z[j].h, z[j].n), z_before[j])
            for j in range(len(V))]


def record_row(k: int, dt: float, y: list[State], case: CableCase) -> tuple[float, ...]:
    """§13.11: the row of step k: t_k = k * dt, V at each site, then the gates of each centre site."""
    row = [k * dt] + [y[j].V for j in case.sites]
    if case.record_gates:
        for j in case.sites:
            if 1 <= j <= case.nseg:
                row += [y[j].m, y[j].h, y[j].n]
    return tuple(row)


def check_finite(values: list[float] | tuple[float, ...], k: int, case: CableCase) -> None:
    """§13.7 with §8.3: a state or row with a value that is not finite ends the run at step k."""
    if not all(math.isfinite(x) for x in values):
        raise NumericalInstabilityError(k, k * case.dt, None, "staggered_cn", case.dt, where="cable")


def initial_cable(case: CableCase, phi: float) -> tuple[list[float], list[State]]:
    """§13.7: V = V0 at every node, every centre's gates at their steady state at V0 (§6.1)."""
    y0 = initial_state(case.V0, phi)
    return [case.V0] * case.n_nodes, [y0] * case.n_nodes


def run_cable(case: CableCase) -> CableRecord:
    """§13.7: step the cable from its initial state, recording rows and each site's arrivals."""
    p, dt = case.params, case.dt
    phi = temperature_factor(case.temperature)
    g = geometry(case.radius, case.R_i, case.length, case.nseg)
    V, z = initial_cable(case, phi)
    z_before = z
    check_finite(V, 0, case)
    rows: list[tuple[float, ...]] = []
    arrivals: list[list[float]] = [[] for _ in case.sites]
    y = cable_state_at(V, z, z_before)
    for k in range(case.steps):
        u = injected(case.pulses, k, case.n_nodes)
        if k % case.record_every == 0:
            row = record_row(k, dt, y, case)
            check_finite(row, k, case)
            rows.append(row)
        try:
            V_next, z_next = cable_step(V, z, u, p, phi, dt, g)
            y_next = cable_state_at(V_next, z_next, z)
        except ArithmeticError:  # §8.3: Python traps what IEEE arithmetic turns into inf or NaN
            raise NumericalInstabilityError(k + 1, (k + 1) * dt, None, "staggered_cn", dt, where="cable") from None
        check_finite([x for s in y_next[1:-1] for x in s] + [V_next[0], V_next[-1]], k + 1, case)
        for site, j in enumerate(case.sites):
            t = site_arrival(k * dt, (k + 1) * dt, j, V, V_next, y[j], y_next[j], u, p, g, case.spike_threshold)
            if t is not None:
                arrivals[site].append(t)
        V, z_before, z, y = V_next, z, z_next, y_next
    return CableRecord(rows, arrivals)
