"""Measure what the conformance tolerances of spec §11 must admit (`make tolerances`).

For every golden case it runs three kinds of port and prints, per column, the
largest |difference| from the golden trace, plus the largest spike-time shift:
  ordered   - the reference itself with exp and expm1 off by one ulp at random
              (a float64 port that keeps the order, on another libm);
  reordered - tests/ports/reordered.py in float64 (another operation order);
  float32   - the same port in float32;
  fast      - the C batch kernel's fast mode (accuracy="fast");
  fast32    - the C batch kernel's float32 mode (accuracy="float32").
The numbers are quoted in spec/SPEC.md §11.3; rerun this after changing the spec.
"""

from __future__ import annotations

import json
import math
import random
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import pyhh.reference.methods  # noqa: E402
import pyhh.reference.rates  # noqa: E402
from ports.reordered import simulate as reordered  # noqa: E402
from pyhh import load_case, run_case, simulate_batch  # noqa: E402
from pyhh.conformance.golden import load_manifest  # noqa: E402
from pyhh.reference.run import COLUMNS  # noqa: E402
from pyhh.conformance.trace import read_trace  # noqa: E402


def ulp_noise(f, rng):
    """f with its result moved by one ulp up or down at random, or left alone."""

    def noisy(x):
        y = f(x)
        return math.nextafter(y, rng.choice((-math.inf, math.inf))) if rng.random() < 2 / 3 else y

    return noisy


def ordered_port(case, seed=1):
    rng = random.Random(seed)
    exp, expm1 = pyhh.reference.rates.exp, pyhh.reference.rates.expm1
    pyhh.reference.rates.exp = pyhh.reference.methods.exp = ulp_noise(exp, rng)
    pyhh.reference.rates.expm1 = ulp_noise(expm1, rng)
    try:
        result = run_case(case)
    finally:
        pyhh.reference.rates.exp = pyhh.reference.methods.exp = exp
        pyhh.reference.rates.expm1 = expm1
    return result.table(), result.spikes


def fast_batch(case, accuracy="fast"):
    result = simulate_batch(n=1, stimulus=case.stimulus, dt=case.dt, steps=case.steps, method=case.method,
                            temperature=case.temperature, V0=case.V0, params=case.params, clamp=case.clamp,
                            spike_threshold=case.spike_threshold, record_every=case.record_every,
                            spike_capacity=1000, accuracy=accuracy)
    return result.traces[:, :, 0], result.spikes[0]


def spike_shift(a, b):
    if len(a) != len(b):
        return math.inf
    return float(np.max(np.abs(np.array(a) - np.array(b)))) if len(a) else 0.0


def main() -> int:
    worst = {kind: np.zeros(len(COLUMNS)) for kind in ("ordered", "reordered", "float32", "fast", "fast32")}
    shifts = {kind: 0.0 for kind in worst}
    print(f"{'case':22} {'port':10} " + " ".join(f"{c:>8}" for c in COLUMNS) + "  spike shift (ms)")
    for entry in load_manifest():
        golden = read_trace(entry.trace_path)
        case_json = json.loads(entry.case_path.read_text())
        runs = {
            "ordered": ordered_port(load_case(entry.case_path)),
            "reordered": reordered(case_json, np.float64),
            "float32": reordered(case_json, np.float32),
            "fast": fast_batch(load_case(entry.case_path)),
            "fast32": fast_batch(load_case(entry.case_path), "float32"),
        }
        for kind, (rows, spikes) in runs.items():
            d = np.max(np.abs(np.asarray(rows) - golden), axis=0)
            worst[kind] = np.maximum(worst[kind], d)
            shifts[kind] = max(shifts[kind], spike_shift(spikes, entry.spikes))
            print(f"{entry.name:22} {kind:10} " + " ".join(f"{x:8.1e}" for x in d) + f"  {spike_shift(spikes, entry.spikes):.1e}")
    print()
    for kind in worst:
        print(f"{'WORST':22} {kind:10} " + " ".join(f"{x:8.1e}" for x in worst[kind]) + f"  {shifts[kind]:.1e}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
