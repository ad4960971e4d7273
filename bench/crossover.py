"""When is the exact batch kernel slower than numpy? (README, Performance)

Forward Euler, dt = 0.01 ms, 2,000 steps, spike counts only, currents spread over
0-20 uA/cm^2 as in W2, at several neuron counts: bench.py's numpy baseline (whole
arrays per operation) against simulate_batch(accuracy="exact") and "fast" on one
thread and on every core. Each time is the median of a few runs; the ratios matter,
the machine is shared. Run: make crossover.
"""

from __future__ import annotations

import os
import platform
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from bench import CORES, DT, numpy_euler, timed  # noqa: E402

import pyhh  # noqa: E402

STEPS = 2_000
COUNTS = (1, 10, 100, 1_000, 10_000)


def main() -> int:
    flags = next((line.split(":")[1].split() for line in open("/proc/cpuinfo") if line.startswith("flags")), [])
    simd = [f for f in ("avx2", "fma", "avx512f") if f in flags]
    print(f"pyhh crossover: {platform.processor() or platform.machine()}, {CORES} cores ({', '.join(simd)}), "
          f"numpy {np.__version__}; forward Euler, {STEPS} steps, dt = {DT} ms; times in ms")
    print(f"{'neurons':>8} {'numpy':>9} {'exact 1t':>9} {'exact all':>9} {'fast 1t':>9}  exact 1t / numpy")
    for n in COUNTS:
        currents = 20.0 * np.arange(n) / max(n - 1, 1)
        repeats = 3 if n >= 1000 else 5
        t_numpy, _ = timed(lambda: numpy_euler(currents, STEPS, record=False), repeats)
        batch = {}
        for accuracy, threads in (("exact", 1), ("exact", CORES), ("fast", 1)):
            batch[accuracy, threads], _ = timed(lambda: pyhh.simulate_batch(
                current=currents, dt=DT, steps=STEPS, method="euler", accuracy=accuracy, threads=threads), repeats)
        print(f"{n:>8} {1e3 * t_numpy:>9.3g} {1e3 * batch['exact', 1]:>9.3g} {1e3 * batch['exact', CORES]:>9.3g} "
              f"{1e3 * batch['fast', 1]:>9.3g}  {batch['exact', 1] / t_numpy:.2f}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    sys.exit(main())
