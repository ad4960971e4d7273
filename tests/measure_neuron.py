"""Measure pyhh against NEURON on every current-mode golden case (make neuron).

For each case: the generated mechanism under CVode (atol 1e-10) against pyhh's
rk4 at dt = 0.001 ms (largest spike-time difference); the mechanism and
NEURON's built-in hh with the README's recipe, at NEURON's fixed step with
secondorder = 2, against pyhh's staggered_cn at the case's dt (largest |V|
difference over every step, largest spike-time difference). These are the
numbers README, "pyhh and NEURON", quotes.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import neuron_harness as nh  # noqa: E402
from cable_solutions import cubic_arrival  # noqa: E402
from test_neuron import CABLES, CURRENT, fine_rk4, reference_velocity, staggered_cn, velocity_case  # noqa: E402
from conftest import golden_case  # noqa: E402
from pyhh.conformance.casefile import load_cable_case  # noqa: E402
from pyhh.conformance.trace import parse_trace  # noqa: E402
from pyhh.reference import cable  # noqa: E402


def main() -> int:
    from neuron import h, load_mechanisms

    with tempfile.TemporaryDirectory() as tmp:
        load_mechanisms(str(nh.compile_mechanism(Path(tmp))))
        h.load_file("stdrun.hoc")
        print(f"{'case':26} {'CVode vs rk4':>14} {'mech: |dV| mV':>14} {'spikes ms':>10} {'hh: |dV| mV':>12} {'spikes ms':>10}")
        for name in CURRENT:
            case = golden_case(name)
            cells = []
            if case.stimulus.waveform is None:
                _, _, spikes = nh.run(h, case, cvode=True, tolerance=1e-10)
                reference = fine_rk4(case).spikes
                cells.append(f"{np.abs(spikes - reference).max(initial=0):.2g}" if len(spikes) == len(reference)
                             else "count differs")
            else:
                cells.append("(waveform)")
            ours = staggered_cn(case)
            for mechanism in ("pyhh", "hh"):
                t, V, _ = nh.run(h, case, mechanism=mechanism)
                a = nh.crossings(ours.t, ours.V, case.spike_threshold)
                b = nh.crossings(t[:-1], V[:-1], case.spike_threshold)
                cells += [f"{np.abs(V[:-1] - ours.V).max():.2g}",
                          f"{np.abs(a - b).max(initial=0):.2g}" if len(a) == len(b) else "count differs"]
            print(f"{name:26} {cells[0]:>14} {cells[1]:>14} {cells[2]:>10} {cells[3]:>12} {cells[4]:>10}")
        measure_cable(h)
    return 0


def measure_cable(h) -> None:
    """The golden cable cases and the default axon's velocity, NEURON against the reference."""
    print(f"\n{h.nrnversion()}\n{'cable case':26} {'|dV| mV':>10} {'ends |dV|':>10} {'gates':>10}")
    for name, golden in sorted(CABLES.items()):
        case = load_cable_case(golden.case_path)
        trace = parse_trace(golden.trace_path.read_text(), name, golden.columns)
        V, gates, _ = nh.axon(h, case, gates=case.record_gates)
        dV = np.abs(V[:-1:case.record_every] - trace[:, 1:1 + len(case.sites)]).max(axis=0)
        ends = [k for k, j in enumerate(case.sites) if j in (0, case.nseg + 1)]
        dg = [np.abs(0.5 * (g[:-1] + np.vstack([g[:1], g[:-2]]))[::case.record_every]
                     - trace[:, [golden.columns.index(f"{x}_{j}") for x in "mhn"]]).max() for j, g in gates.items()]
        print(f"{name:26} {dV.max():10.2g} {f'{dV[ends].max():.2g}' if ends else '-':>10} "
              f"{f'{max(dg):.2g}' if dg else '-':>10}")
    for dt in (0.025, 0.01):
        case, (p, q) = velocity_case(dt)
        record = cable.run_cable(case)
        V, _, _ = nh.axon(h, case)
        ours = reference_velocity(case, record)
        x = (case.length / case.nseg) * (q - p) * 1e-3
        cubic = x / (cubic_arrival(V[:, 1], dt, 50.0) - cubic_arrival(V[:, 0], dt, 50.0))
        line = [nh.crossings(np.arange(case.steps + 1) * dt, V[:, k], 50.0)[0] for k in (0, 1)]
        print(f"default axon, dt {dt}: |dV| at nodes {p}, {q}: {np.abs(V[:-1] - np.array(record.rows)[:, 1:]).max():.2g} mV;"
              f" velocity: reference {ours:.9f} m/s, NEURON {cubic:.9f} (cubic, {100 * (cubic / ours - 1):+.2g} %),"
              f" {x / (line[1] - line[0]):.9f} (straight line, {100 * (x / (line[1] - line[0]) / ours - 1):+.2g} %)")


if __name__ == "__main__":
    raise SystemExit(main())
