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
from test_neuron import CURRENT, fine_rk4, staggered_cn  # noqa: E402
from conftest import golden_case  # noqa: E402


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
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
