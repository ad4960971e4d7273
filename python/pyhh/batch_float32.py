"""What accuracy="float32" can hold: simulate_batch's inputs, checked before any C code runs.

The float32 kernel (c/pyhh_fast32.c) converts dt, spike_threshold, the drive,
V0 and every parameter to float. The rule, in one place:

- every float input must stay finite in float32: |x| at most FLT_MAX
  (3.4028235e+38, to nearest), else it would run as inf;
- C_m must stay a normal float32, at least FLT_MIN (1.1754944e-38): the kernel
  divides by it, and a smaller C_m becomes 0 or a subnormal with too few bits.

Any other value that underflows (a current or a conductance below 1.2e-38) is
0 to the model and runs as such. A value that breaks the rule is an
InvalidInputError naming it, its neuron and float32; fast and exact hold it.
"""

from __future__ import annotations

import numpy as np

from .cbackend.batch import BatchInputs
from .reference.errors import InvalidInputError

FLOAT32_MAX = float(np.finfo(np.float32).max)
FLOAT32_MIN_NORMAL = float(np.finfo(np.float32).tiny)
ADVICE = 'use accuracy="fast" or "exact"'


def as_float32(values: np.ndarray) -> np.ndarray:
    """values converted to float32 as the C kernel converts them (to nearest; inf beyond FLT_MAX)."""
    with np.errstate(over="ignore", under="ignore"):
        return np.asarray(values, dtype=np.float64).astype(np.float32)


def check_float32(inputs: BatchInputs) -> None:
    """Refuse, naming it, every input of `inputs` that float32 cannot hold (the module's rule)."""
    for name, value in (("dt", inputs.dt), ("spike_threshold", inputs.spike_threshold)):
        refuse_overflow(name, np.array([value]), "", "(every neuron)")
    for name, values in inputs.arrays.items():
        refuse_overflow(name, values, "[{i}]", "(neuron {i})")
    if inputs.drive_per_neuron is not None:
        refuse_overflow("current", inputs.drive_per_neuron, "[{i}]", "(neuron {i})")
    if inputs.drive_shared is not None:
        refuse_overflow("the stimulus", inputs.drive_shared, " at step {i}", "(every neuron)")
    if inputs.drive_rows is not None:
        for i, row in enumerate(inputs.drive_rows):
            refuse_overflow("waveforms", row, f"[{i}, {{i}}]", f"(neuron {i}, step {{i}})")
    C_m = inputs.arrays["C_m"]
    small = np.abs(as_float32(C_m)) < FLOAT32_MIN_NORMAL
    if small.any():
        i = int(np.argmax(small))
        becomes = float(as_float32(C_m[i]))
        raise InvalidInputError(
            f"C_m[{i}] = {float(C_m[i])!r} uF/cm^2 (neuron {i}): float32 cannot hold it, it becomes "
            f"{'0' if becomes == 0.0 else f'the subnormal {becomes!r}'} (the smallest normal float32 is "
            f"{FLOAT32_MIN_NORMAL!r}) and the kernel divides by C_m; {ADVICE}"
        )


def refuse_overflow(name: str, values: np.ndarray, index: str, where: str) -> None:
    """An error naming the first of `values` that is inf in float32 (index and where take {i})."""
    bad = np.isinf(as_float32(values))
    if bad.any():
        i = int(np.argmax(bad))
        raise InvalidInputError(
            f"{name}{index.format(i=i)} = {float(values[i])!r} {where.format(i=i)}: float32 cannot hold it, "
            f"it is beyond the largest float32, {FLOAT32_MAX!r} (accuracy=\"float32\" would run it as inf); {ADVICE}"
        )
