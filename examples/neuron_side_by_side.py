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
"""

from __future__ import annotations

import math
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

import pyhh

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
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1:
        raise SystemExit(main(Path(sys.argv[1])))
    with tempfile.TemporaryDirectory() as tmp:
        raise SystemExit(main(Path(tmp)))
