"""Many independent neurons in one call of the C kernel: `simulate_batch`.

Each neuron may have its own constant current, waveform, parameters,
temperature and V0. Outputs are chosen by the caller: spike counts always,
spike times on request (a bounded buffer per neuron; overflow is an error,
never silent), traces decimated by record_every on request. Nothing of order
neurons x steps is allocated unless the caller asks for traces or gives
per-neuron waveforms.

accuracy="exact" runs every neuron exactly as pyhh.simulate does (bit for bit);
accuracy="fast" vectorises exp and stays within the spec's float64 tolerance;
accuracy="float32" does the same in float arithmetic (twice the vector lanes)
and stays within the spec's float32 tolerance.
Neurons are split across threads (the GIL is released in C), or across any
concurrent.futures.Executor; the results never depend on how they are split.

`batch_inputs` validates everything and returns the arrays the kernel reads;
pyhh.cbackend.batch runs them; `finish` turns the outputs into a BatchResult.
"""

from __future__ import annotations

import dataclasses
import math
import os
from collections.abc import Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import numpy as np

from .api import StimulusLike, steps_for, to_stimulus
from .batch_float32 import check_float32
from .cautions import voltage_argument, warn_past_end
from .cbackend.batch import BatchInputs, Progress, run_here, run_on
from .limits import check_memory
from .reference.case import DEFAULT_METHOD, METHODS
from .reference.checks import (
    check_bool,
    check_at_most,
    check_choice,
    check_integer,
    check_last_time,
    check_positive,
    check_range,
    check_real,
)
from .reference.errors import InvalidInputError, NumericalInstabilityError, PyhhError
from .reference.parameters import (
    DT_DEFAULT,
    PARAMETER_TABLE,
    SPIKE_THRESHOLD_DEFAULT,
    TEMPERATURE_DEFAULT,
    TEMPERATURE_RANGE,
    V0_DEFAULT,
    V0_RANGE,
    Parameters,
    parameter_overrides,
)
from .reference.run import COLUMNS
from .reference.stimulus import Stimulus

ACCURACIES = ("exact", "fast", "float32")


@dataclasses.dataclass(frozen=True)
class BatchResult:
    """What a batch run returns.

    spike_counts: (n,) spikes of each neuron.
    spikes: with spike_capacity, a list of n arrays of spike times (ms); else None.
    traces: with record_every, an array (rows, 9, n): column c of row r of neuron i
        at [r, c, i]; `column(name)` gives (n, rows) views. Else None.
    t: the recorded times (rows,), or None.
    """

    spike_counts: np.ndarray
    spikes: list[np.ndarray] | None
    traces: np.ndarray | None
    dt: float
    steps: int
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict)

    @property
    def n(self) -> int:
        """The number of neurons."""
        return len(self.spike_counts)

    @property
    def t(self) -> np.ndarray | None:
        """The recorded times, ms (None without traces)."""
        return None if self.traces is None else self.traces[:, 0, 0]

    def column(self, name: str) -> np.ndarray:
        """One trace column (V, m, h, n, I_Na, I_K, I_L, I_stim) as an (n, rows) view."""
        if self.traces is None:
            raise PyhhError("no traces were recorded: pass record_every to simulate_batch")
        check_choice("column", name, COLUMNS)
        return self.traces[:, COLUMNS.index(name), :].T

    @property
    def firing_rates(self) -> np.ndarray:
        """Spikes per second of each neuron over the whole run (Hz)."""
        return self.spike_counts / (self.steps * self.dt / 1000.0)

    def to_csv(self, path, spikes_path=None):
        """Write the batch with its sidecar PATH.json (pyhh.files): with traces, one row per
        neuron and recorded row (neuron, then the trace columns); without, one row per neuron
        (neuron, spike_count, rate). spikes_path: also the spike times, one row per spike."""
        from .batch_files import batch_to_csv

        return batch_to_csv(self, path, spikes_path)

    def to_dataframe(self):
        """The same table as to_csv as a pandas DataFrame (needs pandas: pip install 'pyhh[pandas]')."""
        from .batch_files import batch_to_dataframe

        return batch_to_dataframe(self)


def per_neuron(name: str, value: Any, n: int, low: float = -math.inf, high: float = math.inf,
               low_excluded: bool = False, unit: str = "") -> np.ndarray:
    """A scalar or an (n,) array as n float64 values in range; an error names the first bad neuron."""
    values = real_array(name, value)
    if values.ndim > 1 or (values.ndim == 1 and len(values) != n):
        raise InvalidInputError(f"{name} must be a number or an array of {n} values, got shape {values.shape}")
    values = np.broadcast_to(values, (n,)).copy()
    too_low = values <= low if low_excluded else values < low
    bad = ~np.isfinite(values) | too_low | (values > high)
    if bad.any():
        i = int(np.argmax(bad))
        check_range(f"{name}[{i}]", float(values[i]), low, high, low_excluded, unit)
    return values


def real_array(name: str, value: Any) -> np.ndarray:
    """value as a float64 array, or an error naming it (strings, complex, ragged lists)."""
    problem = f"{name} must be real numbers (a number or a rectangular array), got {value!r:.80}"
    if isinstance(value, (str, bytes, Mapping, bool, np.ma.MaskedArray)):  # a mask would be dropped silently
        raise InvalidInputError(problem)
    try:
        array = np.asarray(value)
        if array.dtype.kind not in "iuf" and not (array.dtype.kind == "O" and all(
                isinstance(x, (int, float)) and not isinstance(x, bool) for x in array.ravel())):
            raise InvalidInputError(problem)  # strings, booleans, complex numbers, ...
        return array.astype(np.float64)
    except (TypeError, ValueError, OverflowError):
        raise InvalidInputError(problem) from None


def parameter_arrays(params: Parameters | Mapping[str, Any] | None, n: int) -> dict[str, np.ndarray]:
    """Every §3.1 parameter as an (n,) array: defaults, overridden by scalars or arrays."""
    overrides = parameter_overrides(params)
    return {
        name: per_neuron(name, overrides.get(name, default), n, low, high, excluded, unit)
        for name, (default, low, high, excluded, unit) in PARAMETER_TABLE.items()
    }


def batch_size(n: int | None, *arrays: Any) -> int:
    """n, or the length of the first per-neuron array given."""
    if n is not None:
        return check_integer("n", n)
    lengths = {np.shape(a)[0] for a in arrays if a is not None and not isinstance(a, (str, bytes)) and np.ndim(a) == 1}
    if len(lengths) == 1:
        return check_integer("n (the length of the per-neuron arrays)", lengths.pop())
    raise InvalidInputError("give n, the number of neurons (or per-neuron arrays of one common length)")


def waveform_rows(waveforms: Any) -> np.ndarray:
    """Per-neuron waveforms as an (n, steps) float64 array of finite values."""
    rows = real_array("waveforms", waveforms)
    if rows.ndim != 2:
        raise InvalidInputError(f"waveforms must be an (n, steps) array, got shape {rows.shape}")
    bad = ~np.isfinite(rows)
    if bad.any():
        i, k = np.argwhere(bad)[0]
        raise InvalidInputError(f"waveforms[{i}, {k}] = {float(rows[i, k])!r} is not finite")
    return rows


def check_memory_of(inputs: BatchInputs, shared_drive: bool) -> None:
    """The outputs asked for (and a shared drive) must fit in memory."""
    n = inputs.n
    if inputs.rows is not None:
        check_memory(f"traces of {inputs.rows} rows x {n} neurons", inputs.rows * len(COLUMNS) * n * 8.0,
                     "keep fewer rows with a larger record_every, or fewer neurons per call")
    check_memory(f"spike times for {n} neurons x {inputs.spike_capacity}", n * inputs.spike_capacity * 8.0,
                 "lower spike_capacity")
    if shared_drive:
        check_memory(f"the shared drive of {inputs.steps} steps", inputs.steps * 40.0, "use fewer steps per call")


def batch_inputs(
    *,
    n: int | None = None,
    current: float | Sequence[float] | np.ndarray | None = None,
    stimulus: StimulusLike = None,
    waveforms: np.ndarray | None = None,
    dt: float = DT_DEFAULT,
    steps: int | None = None,
    duration: float | None = None,
    method: str = DEFAULT_METHOD,
    temperature: float | np.ndarray = TEMPERATURE_DEFAULT,
    V0: float | np.ndarray = V0_DEFAULT,
    params: Parameters | Mapping[str, Any] | None = None,
    clamp: bool = False,
    spike_threshold: float = SPIKE_THRESHOLD_DEFAULT,
    spike_capacity: int = 0,
    record_every: int | None = None,
    accuracy: str = "exact",
) -> BatchInputs:
    """Check every input of simulate_batch (same arguments) and return what the C kernel reads."""
    dt = check_positive("dt", dt)
    check_choice("method", method, METHODS)
    check_choice("accuracy", accuracy, ACCURACIES, plural="accuracies")
    if sum(x is not None for x in (current, stimulus, waveforms)) > 1:
        raise InvalidInputError("give at most one of current, stimulus and waveforms")
    rows = None if waveforms is None else waveform_rows(waveforms)
    if rows is not None and steps is None and duration is None:
        steps = rows.shape[1]
    n_steps = steps_for(stimulus, dt, steps, duration)
    check_last_time(dt, n_steps)
    n = batch_size(n, current, temperature, V0, *(dict(params).values() if isinstance(params, Mapping) else ()),
                   None if rows is None else rows[:, 0])
    # every neuron costs its parameters, temperature, V0, drive, spike count and fail step (8 bytes each)
    check_memory(f"{n} neurons", n * 8.0 * (len(PARAMETER_TABLE) + 6), "simulate fewer neurons per call")
    if rows is not None and rows.shape != (n, n_steps):
        raise InvalidInputError(f"waveforms has shape {rows.shape}, expected (n, steps) = {(n, n_steps)}")
    if record_every is not None:
        check_at_most("record_every", check_integer("record_every", record_every), "steps", n_steps)
    inputs = BatchInputs(
        method=method,
        clamp=check_bool("clamp", clamp),
        dt=dt,
        steps=n_steps,
        record_every=record_every,
        spike_threshold=check_real("spike_threshold", spike_threshold),
        spike_capacity=0 if spike_capacity == 0 else check_integer("spike_capacity", spike_capacity),
        accuracy=accuracy,
        arrays={
            **parameter_arrays(params, n),
            "temperature": per_neuron("temperature", temperature, n, *TEMPERATURE_RANGE, unit="degC"),
            "V0": per_neuron("V0", V0, n, *V0_RANGE, unit="mV"),
        },
        drive_per_neuron=None if current is None else per_neuron("current", current, n),
        drive_rows=rows,
    )
    check_memory_of(inputs, stimulus is not None)
    if stimulus is not None:
        shared = to_stimulus(stimulus, dt, n_steps)
        shared.check_length(n_steps)
        warn_past_end(shared.pulses, n_steps, dt, stacklevel=4)  # warn_past_end < batch_inputs < simulate_batch
        inputs.drive_shared = drive_array(shared, n_steps)
    if accuracy == "float32":
        check_float32(inputs)
    return inputs


def drive_array(stimulus: Stimulus, steps: int) -> np.ndarray:
    """§6.2 for every step at once: u_k = w_k (or 0) plus each pulse on at step k, added in
    listed order, so each u_k is the double reference/stimulus.py's drive(stimulus, k) gives."""
    u = np.zeros(steps) if stimulus.waveform is None else np.array(stimulus.waveform, dtype=np.float64)
    for pulse in stimulus.pulses:
        u[pulse.start:pulse.stop] += pulse.amplitude
    return u


def simulate_batch(
    *,
    n: int | None = None,
    current: float | Sequence[float] | np.ndarray | None = None,
    stimulus: StimulusLike = None,
    waveforms: np.ndarray | None = None,
    dt: float = DT_DEFAULT,
    steps: int | None = None,
    duration: float | None = None,
    method: str = DEFAULT_METHOD,
    temperature: float | np.ndarray = TEMPERATURE_DEFAULT,
    V0: float | np.ndarray | None = None,
    params: Parameters | Mapping[str, Any] | None = None,
    clamp: bool = False,
    spike_threshold: float | None = None,
    spike_capacity: int = 0,
    record_every: int | None = None,
    accuracy: str = "exact",
    threads: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    absolute: bool = False,
) -> BatchResult:
    """Simulate n independent HH membranes in one call of the C kernel.

    The drive, at most one of:
        current: one constant per neuron (uA/cm^2, or mV above V0 under clamp),
            a number for all or an (n,) array;
        stimulus: one stimulus for every neuron, in any form pyhh.simulate takes;
        waveforms: an (n, steps) array, one waveform per neuron.
    Per neuron (a number for all, or an (n,) array): temperature (degC), V0 (mV),
    and each parameter of params (a Parameters, or a mapping such as
    {"g_K": np.linspace(20, 40, n)}).
    Shared: dt, steps or duration, method (default staggered_cn), clamp, spike_threshold.

    Outputs: spike_counts always; spike_capacity > 0 also keeps up to that many
    spike times per neuron (more is an InvalidInputError naming the neuron);
    record_every keeps traces of every r-th step (memory: rows x 9 x n doubles).
    accuracy: "exact" (bit-identical to pyhh.simulate), "fast" (vectorised, within
    the spec's float64 tolerance) or "float32" (vectorised in float, within the
    float32 tolerance: for large sweeps of spike counts and rates, README "Performance"). With
    "float32", every float input (current, waveform or stimulus values, parameters, V0,
    temperature, dt, spike_threshold) must be finite in float32 (|x| up to 3.4028235e+38) and
    C_m a normal float32 (at least 1.1754944e-38, as the kernel divides by it); anything else is
    an InvalidInputError naming the value and the neuron (pyhh.batch_float32). threads: threads
    in this process (default: all cores). executor: a concurrent.futures.Executor (a process pool, or a cluster
    client with the same submit/result interface) to run parts of the batch on.
    progress: called as progress(neurons done, n) when each part finishes.
    Ctrl-C stops the run (KeyboardInterrupt): on threads and on a ProcessPoolExecutor or
    ThreadPoolExecutor every part stops within milliseconds (pyhh does not terminate the pool);
    on another executor (a dask client) the parts not started are cancelled and the running
    ones (one part of 1024 neurons per worker) run to their end on the workers.
    absolute: V0 and spike_threshold are absolute voltages (rest at V_rest_absolute = -65 mV),
    and their defaults (rest; a threshold 50 mV above it) are the same membrane's; the traces
    still hold V from rest. A V0 or threshold that looks like the other convention's default
    warns (RestRelativeWarning), as in pyhh.simulate.

    Raises:
        InvalidInputError: bad input, naming it (and the neuron), before any step.
        NumericalInstabilityError: a neuron left the finite range; .step, .neuron.
    """
    if threads is not None:
        threads = check_integer("threads", threads)
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise InvalidInputError(f"executor must have a submit method (a concurrent.futures.Executor), got {executor!r}")
    if progress is not None and not callable(progress):
        raise InvalidInputError(f"progress must be callable as progress(done, n), got {progress!r}")
    V0 = voltage_argument("V0", None if V0 is None else real_array("V0", V0), V0_DEFAULT, absolute)
    spike_threshold = voltage_argument("spike_threshold", None if spike_threshold is None
                                       else check_real("spike_threshold", spike_threshold),
                                       SPIKE_THRESHOLD_DEFAULT, absolute)
    inputs = batch_inputs(
        n=n, current=current, stimulus=stimulus, waveforms=waveforms, dt=dt, steps=steps, duration=duration,
        method=method, temperature=temperature, V0=V0, params=params, clamp=clamp, spike_threshold=spike_threshold,
        spike_capacity=spike_capacity, record_every=record_every, accuracy=accuracy,
    )
    if executor is not None:
        outputs = run_on(executor, inputs, progress)
    else:
        outputs = run_here(inputs, threads or os.cpu_count() or 1, progress)
    return finish(inputs, outputs)


def finish(inputs: BatchInputs, outputs: dict[str, np.ndarray | None]) -> BatchResult:
    """Raise for failed neurons or overflowing spike buffers; wrap the arrays."""
    failed = np.flatnonzero(outputs["fail_steps"] >= 0)
    if len(failed):
        i = int(failed[0])
        step = int(outputs["fail_steps"][i])
        raise NumericalInstabilityError(step, step * inputs.dt, None, inputs.method, inputs.dt, neuron=i)
    counts = outputs["spike_counts"]
    spikes = None
    if inputs.spike_capacity:
        over = np.flatnonzero(counts > inputs.spike_capacity)
        if len(over):
            i = int(over[0])
            raise InvalidInputError(
                f"neuron {i} fired {counts[i]} spikes, more than spike_capacity = {inputs.spike_capacity}; "
                "raise spike_capacity"
            )
        table = outputs["spike_times"].reshape(inputs.n, inputs.spike_capacity)
        spikes = [table[i, : counts[i]] for i in range(inputs.n)]
    return BatchResult(counts, spikes, outputs["traces"], inputs.dt, inputs.steps, batch_metadata(inputs))


def batch_metadata(inputs: BatchInputs) -> dict[str, Any]:
    """The settings of a batch (per-neuron values as lists, shared ones as numbers), for files."""
    from .files import model_metadata

    def value(name: str) -> Any:
        array = inputs.arrays[name]
        return float(array[0]) if len(array) and np.all(array == array[0]) else array

    return model_metadata(inputs.method, inputs.dt, value("temperature"),
                          {name: value(name) for name in PARAMETER_TABLE}, steps=inputs.steps,
                          record_every=inputs.record_every, V0=value("V0"), spike_threshold=inputs.spike_threshold,
                          mode="clamp" if inputs.clamp else "current", accuracy=inputs.accuracy,
                          voltage_convention="rest-relative (spec §2.2)")
