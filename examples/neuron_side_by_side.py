"""pyhh and NEURON side by side: one membrane, three simulators, the same spikes.

    python examples/neuron_side_by_side.py [FOLDER]

10 uA/cm^2 for 200 ms at dt = 0.025 ms, run three ways:
  1. pyhh's default method, staggered_cn (spec §7.4);
  2. NEURON's built-in hh with the recipe of README, "pyhh and NEURON":
     el_hh = -54.4 mV, usetable_hh = 0, secondorder = 2;
  3. pyhh's model as a NEURON mechanism (`pyhh export nmodl`), compiled with
     nrnivmodl into FOLDER (default: a temporary folder).
Each line prints one spike's time in ms from the three runs, found the same way
on each voltage trace (where it crosses -15 mV, i.e. 50 mV from rest, on the
straight line between steps). Then, for the same spikes, what NEURON's NetCon
reports at a fixed step (threshold -15 mV): the end of the step in which v
crosses, that is pyhh's spike time rounded up to the dt grid, up to one dt
after the crossing itself.

Then the propagated action potential (spec §13): HH 1952's axon with spec
§13.1's defaults (5 cm of radius 238 um, R_i 35.4 ohm cm, 500 segments,
18.5 degC, dt = 0.01 ms), 10 uA into its x = 0 end for 0.2 ms; the conduction
velocity between the centres nearest L/4 and 3L/4 from pyhh's reference cable
and from NEURON (one section of the same geometry, secondorder = 2, NEURON's hh
with the recipe and the generated mechanism), arrival times found the same way
on each voltage trace, then pyhh's own (spec §13.9, the cubic of §9).
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import pyhh
from pyhh.reference import cable

DT, DURATION, CURRENT = 0.025, 200.0, 10.0  # ms, ms, uA/cm^2
V_REST = pyhh.V_REST_ABSOLUTE  # -65 mV: NEURON's v = pyhh's V + V_REST
THRESHOLD = 50.0 + V_REST  # pyhh's 50 mV from rest, in NEURON's absolute mV


def crossings(t, v, threshold):
    """Where v crosses threshold upwards, on the straight line between samples."""
    j = np.flatnonzero((v[:-1] < threshold) & (threshold <= v[1:]))
    return t[j] + (threshold - v[j]) / (v[j + 1] - v[j]) * (t[j + 1] - t[j])


def on_the_grid(spikes, dt):
    """pyhh's spike times rounded up to the end of their step: NetCon's convention at a fixed step."""
    return np.ceil(spikes / dt) * dt


def neuron_run(h, mechanism):
    """One isopotential membrane of 1e-3 cm^2 (so 1 nA is 1 uA/cm^2) in NEURON: (t, v, NetCon's spike times)."""
    soma = h.Section(name="soma")
    soma.L = soma.diam = math.sqrt(1e5 / math.pi)  # um: area 1e5 um^2 = 1e-3 cm^2
    soma.cm = 1.0  # uF/cm^2: pyhh's C_m
    soma.insert(mechanism)
    if mechanism == "hh":
        soma(0.5).hh.el = -54.4  # pyhh's E_L = 10.6 mV from rest; NEURON's default is -54.3
        h.usetable_hh = 0  # NEURON's rate tables are an approximation pyhh does not make
    stimulus = h.IClamp(soma(0.5))
    stimulus.delay, stimulus.dur, stimulus.amp = 0.0, DURATION, CURRENT  # nA = uA/cm^2 here
    t, v = h.Vector().record(h._ref_t), h.Vector().record(soma(0.5)._ref_v)
    netcon = h.NetCon(soma(0.5)._ref_v, None, sec=soma)
    netcon.threshold = THRESHOLD
    spikes = h.Vector()
    netcon.record(spikes)
    h.celsius = 6.3
    h.dt = DT
    h.secondorder = 2  # Crank-Nicolson: NEURON's fixed step that staggered_cn reproduces
    h.finitialize(V_REST)
    h.continuerun(DURATION)
    return np.array(t), np.array(v), np.array(spikes)


def axon_run(h, mechanism, case):
    """The cable case on one NEURON section of its geometry: v (absolute mV) at its two sites, every step."""
    axon = h.Section(name="axon")
    axon.L, axon.diam, axon.nseg = case.length, 2 * case.radius, case.nseg  # um, um
    axon.Ra, axon.cm = case.R_i, 1.0  # ohm cm, uF/cm^2
    axon.insert(mechanism)
    if mechanism == "hh":
        axon.el_hh = -54.4
        h.usetable_hh = 0
    (pulse,) = case.pulses  # into node 0, the x = 0 end
    stimulus = h.IClamp(axon(0))
    stimulus.delay, stimulus.dur, stimulus.amp = pulse.start * case.dt, (pulse.stop - pulse.start) * case.dt, pulse.amplitude
    # node j (1 ... nseg) is the centre of segment j, at x = (j - 0.5) / nseg
    v = [h.Vector().record(axon((j - 0.5) / case.nseg)._ref_v) for j in case.sites]
    h.celsius, h.dt, h.secondorder = case.temperature, case.dt, 2
    h.finitialize(V_REST)
    for _ in range(case.steps):
        h.fadvance()
    return [np.array(x) for x in v]


def velocities(h, mechanism_name):
    """pyhh's and NEURON's conduction velocities on HH 1952's axon, printed side by side."""
    nseg, dt = cable.NSEG_DEFAULT, 0.01
    sites = (round(nseg / 4 + 0.5), round(3 * nseg / 4 + 0.5))  # the centres nearest L/4 and 3L/4
    case = cable.CableCase(dt=dt, steps=round(4.0 / dt), sites=sites, pulses=(cable.CablePulse(0, 0, round(0.2 / dt), 10000.0),))
    x_p, x_q = (cable.node_position(j, nseg, case.length) for j in sites)
    record = cable.run_cable(case)
    t = np.arange(case.steps + 1) * dt
    traces = [[np.array(record.rows)[:, 1 + k] + V_REST for k in (0, 1)]]
    traces += [axon_run(h, name, case) for name in ("hh", "pyhh")]
    speeds = []
    for v_p, v_q in traces:  # arrival: the first crossing of -15 mV at each site, on the straight line
        t_p, t_q = (crossings(t[:len(v)], v, THRESHOLD)[0] for v in (v_p, v_q))
        speeds.append(cable.velocity(x_p, t_p, x_q, t_q))
    print(f"\nHH 1952's axon: {case.length / 1e4:g} cm, radius {case.radius:g} um, R_i {case.R_i:g} ohm cm, "
          f"{nseg} segments, {case.temperature:g} degC, dt {dt:g} ms; arrivals at {x_p:g} and {x_q:g} um")
    print(f"{'':9} {'pyhh':>20} {'NEURON hh (recipe)':>20} {'NEURON ' + mechanism_name:>20}")
    print("velocity " + " ".join(f"{v:20.12f}" for v in speeds) + "  m/s")
    ours = cable.velocity(x_p, record.arrivals[0][0], x_q, record.arrivals[1][0])
    print(f"pyhh's own velocity (spec §13.9, arrivals on §9's cubic): {ours:.6f} m/s; "
          f"HH 1952 computed 18.8 and measured 21.2")


def print_times(label: str, first: str, columns: list[np.ndarray], mechanism: str) -> None:
    """A header, then one line per spike (`label k`) with its time in each of the three columns."""
    print(f"{'':9} {first:>20} {'NEURON hh (recipe)':>20} {'NEURON ' + mechanism:>20}")
    for k, times in enumerate(zip(*columns)):
        print(f"{label} {k:2d} " + " ".join(f"{t:20.12f}" for t in times))


def main(folder: Path) -> int:
    mechanism = pyhh.export_nmodl(folder)  # folder/pyhh.mod, SUFFIX pyhh
    nrnivmodl = Path(sys.executable).with_name("nrnivmodl")  # installed beside Python by the neuron wheel
    subprocess.run([str(nrnivmodl), "."], cwd=folder, check=True, capture_output=True)

    from neuron import h, load_mechanisms

    load_mechanisms(str(folder))
    h.load_file("stdrun.hoc")

    ours = pyhh.simulate(CURRENT, dt=DT, duration=DURATION, backend="c")  # method staggered_cn
    columns = [crossings(ours.t, ours.V + V_REST, THRESHOLD)]
    netcon = [on_the_grid(ours.spikes, DT)]
    for name in ("hh", "pyhh"):
        t, v, spikes = neuron_run(h, name)
        columns.append(crossings(t, v, THRESHOLD))
        netcon.append(spikes)
    print_times("spike", "pyhh", columns, mechanism.name)
    worst = max(np.abs(c - columns[0]).max() for c in columns[1:])
    print(f"largest difference: {worst:.2g} ms; pyhh's own spike times (the cubic of spec §9) are within "
          f"{np.abs(ours.spikes - columns[0]).max():.2g} ms of these straight-line crossings")
    print("What NEURON's NetCon reports at a fixed step:")
    print_times("netcon", "pyhh rounded up", netcon, mechanism.name)
    late = max(np.abs(c - netcon[0]).max() for c in netcon[1:])
    print(f"NetCon's times equal pyhh's rounded up to the dt grid within {late:.2g} ms, and lie "
          f"{(netcon[1] - ours.spikes).min():.3f} to {(netcon[1] - ours.spikes).max():.3f} ms after pyhh's")
    velocities(h, mechanism.name)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1:
        raise SystemExit(main(Path(sys.argv[1])))
    with tempfile.TemporaryDirectory() as tmp:
        raise SystemExit(main(Path(tmp)))
