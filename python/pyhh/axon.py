"""The public cable API: `simulate_cable` and its `CableResult` (spec §13, the uniform unbranched axon).

`simulate_cable` turns friendly arguments (ms, nA, node indices) into a validated CableCase (§13.10)
and runs it on the chosen backend: the Python reference (pyhh/reference/cable.py) or the C port
(c/hh_cable.c through cffi), which give the same doubles.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .api import BACKENDS, whole_steps
from .limits import check_memory
from .reference import cable as ref
from .reference.cable import CableCase, CablePulse, node_position, velocity
from .reference.checks import check_at_most, check_choice, check_integer, check_positive, check_real
from .reference.errors import InvalidInputError
from .reference.parameters import SPIKE_THRESHOLD_DEFAULT, V0_DEFAULT, Parameters

#: §13.12's stimulus of the default axon: 10 uA (10,000 nA) into node 0 (the end at x = 0) for 0.2 ms.
DEFAULT_PULSE = (0, 0.0, 0.2, 10000.0)

#: HH 1952's velocities (Part III, m/s): their computation for their axon at 18.5 degC and the measured one;
#: and this model's, converged (spec §13.12).
HH_COMPUTED_VELOCITY = 18.8
HH_MEASURED_VELOCITY = 21.2
CONVERGED_VELOCITY = 18.730

#: Bytes a run costs per recorded value (a float64 of the rows) and per node: on C the work arrays of
#: hh_cable_work_bytes (152 B a node); on Python the reference's lists of floats and States (an
#: estimate: a State of 4 floats, 5 lists of the system and 2 of V, about 400 B) and its rows' tuples
#: (a float object and its pointer, 32 B a value).
CABLE_VALUE_BYTES = {"c": 8, "python": 40}
CABLE_NODE_BYTES = {"c": 152, "python": 400}


def velocity_sites(nseg: int) -> tuple[int, int]:
    """§13.9: the centres nearest L/4 and 3L/4, p = round(N/4 + 0.5) and q = round(3N/4 + 0.5)."""
    return round(nseg / 4 + 0.5), round(3 * nseg / 4 + 0.5)


@dataclasses.dataclass(frozen=True)
class CableResult:
    """What simulate_cable returns: V(x, t) at the recording sites, their gates when recorded,
    each site's arrival times (§13.8) and the conduction velocity (§13.9)."""

    case: CableCase
    t: np.ndarray                      # ms, one per recorded row
    sites: tuple[int, ...]             # the recording sites' node indices
    x: np.ndarray                      # um, each site's position along the axon
    V: np.ndarray                      # mV from rest, (rows, sites)
    gates: dict[str, np.ndarray]       # with record_gates: "m", "h", "n" -> (rows, centre sites); else {}
    arrivals: tuple[np.ndarray, ...]   # ms, each site's arrival times in order
    velocity: float | None             # m/s between the centres nearest L/4 and 3L/4, None without both arrivals

    def to_csv(self, path) -> "Path":
        """Write t and V at each site (columns t, V_j) as CSV, with the units and the axon's settings in
        its sidecar NAME.csv.json, atomically (pyhh.files.write_csv); returns the path."""
        from .files import model_metadata, write_csv

        c = self.case
        columns = {"t": self.t, **{f"V_{j}": self.V[:, s] for s, j in enumerate(self.sites)}}
        units = {"t": "ms", **{f"V_{j}": "mV from rest" for j in self.sites}}
        metadata = model_metadata("staggered_cn", c.dt, c.temperature, c.params, model="cable", radius=c.radius,
                                  radius_unit="um", R_i=c.R_i, R_i_unit="ohm cm", length=c.length, length_unit="um",
                                  nseg=c.nseg, sites=list(self.sites), x=self.x.tolist(), x_unit="um",
                                  pulses=[dataclasses.asdict(p) for p in c.pulses], pulse_units="steps, nA",
                                  arrivals=[a.tolist() for a in self.arrivals], velocity=self.velocity,
                                  velocity_unit="m/s")
        return write_csv(path, columns, units, "cable", metadata)

    def arrival(self, site: int) -> float | None:
        """The first arrival time at node `site` (one of the sites), or None if V never crossed."""
        if site not in self.sites:
            raise InvalidInputError(f"site = {site!r} is not a recording site; the sites are {list(self.sites)!r:.80}")
        times = self.arrivals[self.sites.index(site)]
        return float(times[0]) if len(times) else None


def to_pulses(stimulus: Any, dt: float) -> tuple[CablePulse, ...]:
    """§13.2: the pulses, each a CablePulse (steps) or (node, start ms, stop ms, amplitude nA)."""
    if stimulus is None:
        return ()
    if isinstance(stimulus, CablePulse) or (isinstance(stimulus, tuple) and len(stimulus) == 4
                                            and not isinstance(stimulus[0], (tuple, list, CablePulse))):
        stimulus = [stimulus]  # one pulse
    if isinstance(stimulus, (str, bytes)) or not isinstance(stimulus, Sequence):
        raise InvalidInputError(f"stimulus must be a list of (node, start ms, stop ms, amplitude nA) or CablePulse, "
                                f"got {stimulus!r:.80}")
    pulses = []
    for j, item in enumerate(stimulus):
        if isinstance(item, CablePulse):
            pulses.append(item)
            continue
        if isinstance(item, (str, bytes)) or not isinstance(item, Sequence) or len(item) != 4:
            raise InvalidInputError(f"stimulus: pulse {j} must be (node, start ms, stop ms, amplitude nA), got {item!r:.80}")
        node, start, stop, amplitude = item
        start, stop = check_real("pulse start", start), check_real("pulse stop", stop)
        if start < 0.0 or stop < start:
            raise InvalidInputError(f"pulse start = {start!r} ms and stop = {stop!r} ms must satisfy 0 <= start <= stop")
        pulses.append(CablePulse(node, whole_steps("pulse start", start, dt), whole_steps("pulse stop", stop, dt),
                                 check_real("amplitude", amplitude)))
    return tuple(pulses)


def check_cable_memory(case: CableCase, backend: str) -> None:
    """Refuse a run whose rows and work arrays would not fit in the memory available now, before
    anything is allocated (pyhh.limits)."""
    values = case.n_rows * len(ref.columns(case))
    check_memory(f"{case.n_rows} recorded rows of {len(ref.columns(case))} values on {case.nseg} segments",
                 values * CABLE_VALUE_BYTES[backend] + (case.nseg + 2) * CABLE_NODE_BYTES[backend],
                 "record fewer sites, keep fewer rows with a larger record_every, or use fewer segments")


def run_cable_case(case: CableCase, backend: str = "c") -> tuple[np.ndarray, list[list[float]]]:
    """Run a validated CableCase: the rows of §13.11 as a (rows, columns) array, and each site's arrivals."""
    check_choice("backend", backend, BACKENDS)
    check_cable_memory(case, backend)
    if backend == "python":
        record = ref.run_cable(case)
        return np.array(record.rows, dtype=np.float64).reshape(-1, len(ref.columns(case))), record.arrivals
    from .cbackend.cable import run_cable

    return run_cable(case)


def simulate_cable(
    duration: float = 10.0,
    *,
    dt: float = 0.01,
    length: float = ref.CABLE_TABLE["length"][0],
    nseg: int = ref.NSEG_DEFAULT,
    radius: float = ref.CABLE_TABLE["radius"][0],
    R_i: float = ref.CABLE_TABLE["R_i"][0],
    temperature: float = ref.CABLE_TEMPERATURE_DEFAULT,
    V0: float = V0_DEFAULT,
    params: Parameters | Mapping[str, float] | None = None,
    stimulus: Any = (DEFAULT_PULSE,),
    sites: Sequence[int] | None = None,
    record_every: int = 1,
    record_gates: bool = False,
    spike_threshold: float = SPIKE_THRESHOLD_DEFAULT,
    backend: str = "c",
) -> CableResult:
    """Simulate the uniform unbranched axon of spec §13 (HH 1952's, by default) and the action
    potential travelling along it.

    Args:
        duration: ms; a whole number of steps of dt.
        dt: time step, ms (0.01: the velocity within 0.13 % of its converged value, §13.12).
        length, nseg, radius, R_i: the axon (um, segments, um, ohm cm); HH 1952's by default, on 5 cm.
        temperature: degC (18.5, HH's Part III). V0: mV from rest. params: the membrane's overrides.
        stimulus: pulses, each (node, start ms, stop ms, amplitude nA) or a CablePulse (step indices);
            nodes are 0 (the end at x = 0), 1 .. nseg (the segments' centres) and nseg + 1 (the far end).
            Default: 10,000 nA into node 0 for 0.2 ms.
        sites: the recording sites, node indices in increasing order; default every node.
        record_every: keep every r-th row. record_gates: also record the gates of each centre site.
        spike_threshold: mV from rest; an arrival is V crossing it upwards (§13.8).
        backend: "c" (the C port) or "python" (the reference, much slower); the same doubles.

    Returns:
        A CableResult: t, x, V(x, t) at the sites, the gates, each site's arrivals and the velocity
        (m/s, §13.9, between the centres nearest L/4 and 3L/4, when the action potential reached both).

    Raises:
        InvalidInputError: a bad value, named, before anything runs.
        ResourceLimitError: the rows would not fit in the memory available now.
        NumericalInstabilityError: the state left the finite range; carries .step.
    """
    dt = check_positive("dt", dt)
    duration = check_positive("duration", duration)
    steps = whole_steps("duration", duration, dt)
    nseg = check_at_most("nseg", check_integer("nseg", nseg, minimum=1), "nseg_max", ref.NSEG_MAX)
    wanted = tuple(range(nseg + 2)) if sites is None else ref.check_sites(sites, nseg)
    p, q = velocity_sites(nseg)
    run_sites = tuple(sorted(set(wanted) | {p, q})) if nseg >= 2 else wanted
    case = CableCase(dt=dt, steps=steps, record_every=record_every, temperature=temperature, V0=check_real("V0", V0),
                     params=Parameters.from_overrides(params), radius=radius, R_i=R_i, length=length, nseg=nseg,
                     sites=run_sites, pulses=to_pulses(stimulus, dt), spike_threshold=spike_threshold,
                     record_gates=record_gates)
    check_choice("backend", backend, BACKENDS)
    table, arrivals = run_cable_case(case, backend)
    names = ref.columns(case)
    kept = [run_sites.index(j) for j in wanted]
    gates = {}
    if record_gates:
        gates = {g: table[:, [names.index(f"{g}_{j}") for j in wanted if 1 <= j <= nseg]] for g in ("m", "h", "n")}
    v = None
    if nseg >= 2 and arrivals[run_sites.index(p)] and arrivals[run_sites.index(q)]:
        v = velocity(node_position(p, nseg, case.length), arrivals[run_sites.index(p)][0],
                     node_position(q, nseg, case.length), arrivals[run_sites.index(q)][0])
    return CableResult(
        case=case, t=table[:, 0].copy(), sites=wanted,
        x=np.array([node_position(j, nseg, case.length) for j in wanted], dtype=np.float64),
        V=table[:, [1 + s for s in kept]], gates=gates,
        arrivals=tuple(np.array(arrivals[s], dtype=np.float64) for s in kept), velocity=v,
    )
