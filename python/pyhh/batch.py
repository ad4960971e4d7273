"""Many independent neurons in one call of the C kernel: `simulate_batch`.

Each neuron may have its own constant current, waveform, parameters,
temperature and V0. Outputs are chosen by the caller: spike counts always,
spike times on request (a bounded buffer per neuron; overflow is an error,
never silent), traces decimated by record_every on request. Nothing of order
neurons x steps is allocated unless the caller asks for traces or gives
per-neuron waveforms.

accuracy="exact" runs every neuron exactly as pyhh.simulate does (bit for bit);
accuracy="fast" vectorises exp and stays within the spec's float64 tolerance.
Neurons are split across threads (the GIL is released in C), or across any
concurrent.futures.Executor; the results never depend on how they are split.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor, as_completed
from typing import Any

import numpy as np

from . import cbackend
from .api import StimulusLike, steps_for, to_stimulus
from .case import METHODS, check_count
from .errors import InvalidInputError, NumericalInstabilityError, PyhhError
from .limits import check_memory
from .parameters import (
    PARAMETER_TABLE,
    SPIKE_THRESHOLD_DEFAULT,
    TEMPERATURE_DEFAULT,
    TEMPERATURE_RANGE,
    V0_DEFAULT,
    V0_RANGE,
    Parameters,
    check_real,
)
from .run import COLUMNS
from .stimulus import drive

ACCURACIES = ("exact", "fast")
#: Neurons per task when the work is split: a multiple of the C kernel's block of 256.
CHUNK = 1024


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
        if name not in COLUMNS:
            raise InvalidInputError(f"unknown column {name!r}; the columns are {', '.join(COLUMNS)}")
        return self.traces[:, COLUMNS.index(name), :].T

    @property
    def firing_rates(self) -> np.ndarray:
        """Spikes per second of each neuron over the whole run (Hz)."""
        return self.spike_counts / (self.steps * self.dt / 1000.0)


def per_neuron(name: str, value: Any, n: int, low: float, high: float, low_excluded: bool = False,
               unit: str = "") -> np.ndarray:
    """A scalar or an (n,) array as n float64 values in range; errors name the neuron."""
    values = real_array(name, value)
    if values.ndim > 1 or (values.ndim == 1 and len(values) != n):
        raise InvalidInputError(f"{name} must be a number or an array of {n} values, got shape {values.shape}")
    values = np.broadcast_to(values, (n,)).copy()
    too_low = values <= low if low_excluded else values < low
    bad = ~np.isfinite(values) | too_low | (values > high)
    if bad.any():
        i = int(np.argmax(bad))
        bracket = "(" if low_excluded else "["
        unit_text = f" {unit}" if unit else ""
        raise InvalidInputError(
            f"{name}[{i}] = {float(values[i])!r}{unit_text} is not finite or outside the accepted range "
            f"{bracket}{low!r}, {high!r}]"
        )
    return values


def real_array(name: str, value: Any) -> np.ndarray:
    """value as a float64 array, or an error naming it (strings, complex, ragged lists)."""
    problem = f"{name} must be real numbers (a number or a rectangular array), got {value!r:.80}"
    if isinstance(value, (str, bytes, Mapping)):
        raise InvalidInputError(problem)
    try:
        array = np.asarray(value)
        if np.iscomplexobj(array):
            raise InvalidInputError(problem)
        return array.astype(np.float64)
    except (TypeError, ValueError):
        raise InvalidInputError(problem) from None


def parameter_arrays(params: Parameters | Mapping[str, Any] | None, n: int) -> dict[str, np.ndarray]:
    """Every §3.1 parameter as an (n,) array: defaults, overridden by scalars or arrays."""
    if isinstance(params, Parameters):
        params = dataclasses.asdict(params)
    if params is not None and not isinstance(params, Mapping):
        raise InvalidInputError(f"params must be a pyhh.Parameters or a mapping such as {{'g_K': 30}}, got {params!r:.80}")
    params = dict(params or {})
    unknown = sorted(set(params) - set(PARAMETER_TABLE))
    if unknown:
        raise InvalidInputError(f"unknown parameter {unknown[0]!r}; the parameters are {', '.join(PARAMETER_TABLE)}")
    return {
        name: per_neuron(name, params.get(name, default), n, low, high, excluded, unit)
        for name, (default, low, high, excluded, unit) in PARAMETER_TABLE.items()
    }


def batch_size(n: int | None, *arrays: Any) -> int:
    """n, or the length of the first per-neuron array given."""
    if n is not None:
        return check_count("n", n)
    lengths = {np.shape(a)[0] for a in arrays if a is not None and not isinstance(a, (str, bytes)) and np.ndim(a) == 1}
    if len(lengths) == 1:
        return check_count("n (the length of the per-neuron arrays)", lengths.pop())
    raise InvalidInputError("give n, the number of neurons (or per-neuron arrays of one common length)")


@dataclasses.dataclass
class BatchInputs:
    """The validated inputs of one batch, as arrays the C kernel reads."""

    method: str
    clamp: bool
    dt: float
    steps: int
    record_every: int | None
    spike_threshold: float
    spike_capacity: int
    accuracy: str
    arrays: dict[str, np.ndarray]  # the parameters, temperature, V0
    drive_per_neuron: np.ndarray | None
    drive_shared: np.ndarray | None
    drive_rows: np.ndarray | None

    @property
    def n(self) -> int:
        """The number of neurons."""
        return len(self.arrays["V0"])

    def select(self, first: int, count: int) -> "BatchInputs":
        """The same batch restricted to neurons first .. first + count - 1."""
        part = slice(first, first + count)
        return dataclasses.replace(
            self,
            arrays={name: values[part] for name, values in self.arrays.items()},
            drive_per_neuron=None if self.drive_per_neuron is None else self.drive_per_neuron[part],
            drive_rows=None if self.drive_rows is None else self.drive_rows[part],
        )


def c_batch(inputs: BatchInputs, keep: list) -> Any:
    """The hh_batch struct; `keep` holds what its pointers point into."""
    ffi = cbackend.ffi
    b = ffi.new("hh_batch *")
    b.method = METHODS.index(inputs.method)
    b.mode = 1 if inputs.clamp else 0
    b.dt = inputs.dt
    b.steps = inputs.steps
    b.record_every = inputs.record_every or inputs.steps
    b.n = inputs.n
    b.spike_threshold = inputs.spike_threshold
    for name, values in inputs.arrays.items():
        values = np.ascontiguousarray(values)
        keep.append(values)
        setattr(b, name, ffi.from_buffer("double[]", values))
    for name in ("drive_per_neuron", "drive_shared", "drive_rows"):
        values = getattr(inputs, name)
        if values is not None:
            values = np.ascontiguousarray(values, dtype=np.float64)
            keep.append(values)
            setattr(b, name, ffi.from_buffer("double[]", values))
    return b


def run_range(inputs: BatchInputs, b: Any, outputs: dict[str, np.ndarray | None], first: int, count: int) -> None:
    """One C call for neurons first .. first + count - 1, writing into the shared outputs."""
    ffi, lib = cbackend.ffi, cbackend.lib
    out = ffi.new("hh_batch_output *")
    out.spike_counts = ffi.from_buffer("int64_t[]", outputs["spike_counts"], require_writable=True)
    out.fail_steps = ffi.from_buffer("int64_t[]", outputs["fail_steps"], require_writable=True)
    if outputs["spike_times"] is not None:
        out.spike_times = ffi.from_buffer("double[]", outputs["spike_times"], require_writable=True)
        out.spike_capacity = inputs.spike_capacity
    if outputs["traces"] is not None:
        out.traces = ffi.from_buffer("double[]", outputs["traces"], require_writable=True)
        out.rows_capacity = outputs["traces"].shape[0]
    accuracy = lib.HH_FAST if inputs.accuracy == "fast" else lib.HH_EXACT
    status = lib.hh_run_batch(b, out, first, count, accuracy)
    if status != lib.HH_OK:
        raise InvalidInputError(ffi.string(out.message).decode())


Progress = Callable[[int, int], None]


def run_inputs(inputs: BatchInputs, threads: int = 1, progress: Progress | None = None) -> dict[str, np.ndarray | None]:
    """Run a whole validated batch in this process, on `threads` threads;
    progress(neurons done, n) is called as parts finish."""
    if not cbackend.available():
        raise PyhhError("simulate_batch needs the C backend, which is not built")
    n = inputs.n
    rows = None if inputs.record_every is None else -(-inputs.steps // inputs.record_every)
    outputs = {
        "spike_counts": np.zeros(n, dtype=np.int64),
        "fail_steps": np.full(n, -1, dtype=np.int64),
        "spike_times": np.full(n * inputs.spike_capacity, np.nan) if inputs.spike_capacity else None,
        "traces": None if rows is None else np.zeros((rows, len(COLUMNS), n)),
    }
    keep: list = []
    b = c_batch(inputs, keep)
    ranges = [(first, min(CHUNK, n - first)) for first in range(0, n, CHUNK)]
    done = 0
    if threads <= 1 or len(ranges) == 1:
        for first, count in ranges:
            run_range(inputs, b, outputs, first, count)
            done += count
            if progress:
                progress(done, n)
    else:
        with ThreadPoolExecutor(max_workers=threads) as pool:
            futures = {pool.submit(run_range, inputs, b, outputs, first, count): count for first, count in ranges}
            for future in as_completed(futures):
                future.result()
                done += futures[future]
                if progress:
                    progress(done, n)
    return outputs


def run_part(inputs: BatchInputs) -> dict[str, np.ndarray | None]:
    """A task for an Executor: run one part of a batch in whatever process gets it."""
    return run_inputs(inputs, threads=1)


def merge(parts: list[dict[str, np.ndarray | None]]) -> dict[str, np.ndarray | None]:
    """Outputs of consecutive neuron ranges, joined along the neuron axis."""
    merged = {}
    for key, axis in (("spike_counts", 0), ("fail_steps", 0), ("spike_times", 0), ("traces", 2)):
        merged[key] = None if parts[0][key] is None else np.concatenate([p[key] for p in parts], axis=axis)
    return merged


def simulate_batch(
    *,
    n: int | None = None,
    current: float | Sequence[float] | np.ndarray | None = None,
    stimulus: StimulusLike = None,
    waveforms: np.ndarray | None = None,
    dt: float = 0.01,
    steps: int | None = None,
    duration: float | None = None,
    method: str = "exp_euler",
    temperature: float | np.ndarray = TEMPERATURE_DEFAULT,
    V0: float | np.ndarray = V0_DEFAULT,
    params: Parameters | Mapping[str, Any] | None = None,
    clamp: bool = False,
    spike_threshold: float = SPIKE_THRESHOLD_DEFAULT,
    spike_capacity: int = 0,
    record_every: int | None = None,
    accuracy: str = "exact",
    threads: int | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
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
    Shared: dt, steps or duration, method, clamp, spike_threshold.

    Outputs: spike_counts always; spike_capacity > 0 also keeps up to that many
    spike times per neuron (more is an InvalidInputError naming the neuron);
    record_every keeps traces of every r-th step (memory: rows x 9 x n doubles).
    accuracy: "exact" (bit-identical to pyhh.simulate) or "fast" (vectorised, within
    the spec's float64 tolerance). threads: threads in this process (default: all
    cores). executor: a concurrent.futures.Executor (a process pool, or a cluster
    client with the same submit/result interface) to run parts of the batch on.
    progress: called as progress(neurons done, n) when each part finishes.

    Raises:
        InvalidInputError: bad input, naming it (and the neuron), before any step.
        NumericalInstabilityError: a neuron left the finite range; .step, .neuron.
    """
    dt = check_real("dt", dt)
    if dt <= 0.0:
        raise InvalidInputError(f"dt = {dt!r} ms must be greater than 0")
    if method not in METHODS:
        raise InvalidInputError(f"unknown method {method!r}; the methods are {', '.join(METHODS)}")
    if accuracy not in ACCURACIES:
        raise InvalidInputError(f"unknown accuracy {accuracy!r}; the accuracies are {', '.join(ACCURACIES)}")
    if sum(x is not None for x in (current, stimulus, waveforms)) > 1:
        raise InvalidInputError("give at most one of current, stimulus and waveforms")
    if threads is not None:
        threads = check_count("threads", threads)
    if executor is not None and not callable(getattr(executor, "submit", None)):
        raise InvalidInputError(f"executor must have a submit method (a concurrent.futures.Executor), got {executor!r}")
    if progress is not None and not callable(progress):
        raise InvalidInputError(f"progress must be callable as progress(done, n), got {progress!r}")
    waveform_rows = None
    if waveforms is not None:
        waveform_rows = real_array("waveforms", waveforms)
        if waveform_rows.ndim != 2:
            raise InvalidInputError(f"waveforms must be an (n, steps) array, got shape {waveform_rows.shape}")
        if steps is None and duration is None:
            steps = waveform_rows.shape[1]
    n_steps = steps_for(stimulus, dt, steps, duration)
    n = batch_size(n, current, temperature, V0, *(dict(params).values() if isinstance(params, Mapping) else ()),
                   None if waveform_rows is None else waveform_rows[:, 0])
    inputs = BatchInputs(
        method=method,
        clamp=bool(clamp),
        dt=dt,
        steps=n_steps,
        record_every=None if record_every is None else check_count("record_every", record_every),
        spike_threshold=check_real("spike_threshold", spike_threshold),
        spike_capacity=0 if spike_capacity == 0 else check_count("spike_capacity", spike_capacity),
        accuracy=accuracy,
        arrays={
            **parameter_arrays(params, n),
            "temperature": per_neuron("temperature", temperature, n, *TEMPERATURE_RANGE, unit="degC"),
            "V0": per_neuron("V0", V0, n, *V0_RANGE, unit="mV"),
        },
        drive_per_neuron=None if current is None else per_neuron("current", current, n, -np.inf, np.inf),
        drive_shared=None,
        drive_rows=None,
    )
    if inputs.record_every is not None and inputs.record_every > n_steps:
        raise InvalidInputError(f"record_every = {inputs.record_every} is larger than steps = {n_steps}")
    if inputs.record_every is not None:
        rows = -(-n_steps // inputs.record_every)
        check_memory(f"traces of {rows} rows x {n} neurons", rows * len(COLUMNS) * n * 8.0,
                     "keep fewer rows with a larger record_every, or fewer neurons per call")
    check_memory(f"spike times for {n} neurons x {inputs.spike_capacity}", n * inputs.spike_capacity * 8.0,
                 "lower spike_capacity")
    if stimulus is not None:
        check_memory(f"the shared drive of {n_steps} steps", n_steps * 40.0, "use fewer steps per call")
    if stimulus is not None:
        shared = to_stimulus(stimulus, dt, n_steps)
        shared.check_length(n_steps)
        inputs.drive_shared = np.array([drive(shared, k) for k in range(n_steps)])
    if waveform_rows is not None:
        if waveform_rows.shape != (n, n_steps):
            raise InvalidInputError(f"waveforms has shape {waveform_rows.shape}, expected (n, steps) = {(n, n_steps)}")
        bad = ~np.isfinite(waveform_rows)
        if bad.any():
            i, k = np.argwhere(bad)[0]
            raise InvalidInputError(f"waveforms[{i}, {k}] = {float(waveform_rows[i, k])!r} is not finite")
        inputs.drive_rows = waveform_rows
    if executor is not None:
        parts = [executor.submit(run_part, inputs.select(first, min(CHUNK, n - first))) for first in range(0, n, CHUNK)]
        results = []
        for j, part in enumerate(parts):
            results.append(part.result())
            if progress:
                progress(min((j + 1) * CHUNK, n), n)
        outputs = merge(results)
    else:
        outputs = run_inputs(inputs, threads or os.cpu_count() or 1, progress)
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
    return BatchResult(counts, spikes, outputs["traces"], inputs.dt, inputs.steps)
