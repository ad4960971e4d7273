"""Two classic numerical experiments on the model.

clamp_family: the voltage-clamp step family of Hodgkin & Huxley (1952): from a
holding potential, step to each of a range of voltages and record I_Na and
I_K; the peak sodium current against voltage is the I-V curve.

method_errors: each method at a range of dt against a fine rk4 solution:
its V and spike-time errors, their orders, where forward Euler and rk4 become
unstable, and what each costs on the C kernel.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections.abc import Sequence

import numpy as np

from .api import StimulusLike, simulate, whole_steps
from .batch import real_array, simulate_batch
from .cautions import to_rest_relative, voltage_argument, warn_voltage_range
from .files import model_metadata, require_pandas, write_csv
from .reference.case import DEFAULT_METHOD, METHODS
from .reference.checks import check_positive, check_real
from .reference.errors import InvalidInputError, NumericalInstabilityError
from .reference.parameters import DT_DEFAULT, TEMPERATURE_DEFAULT


@dataclasses.dataclass(frozen=True)
class ClampFamily:
    """levels: command voltages (mV from rest); t: times (ms) from the step onset;
    I_Na, I_K: (levels, times) currents (uA/cm^2) during the step; peak_I_Na: the
    sodium current of largest magnitude at each level (inward is negative);
    steady_I_K: the potassium current at the end of each step."""

    levels: np.ndarray
    t: np.ndarray
    I_Na: np.ndarray
    I_K: np.ndarray
    holding: float
    metadata: dict = dataclasses.field(default_factory=dict)

    @property
    def peak_I_Na(self) -> np.ndarray:
        """At each level, the sodium current of largest magnitude (uA/cm^2)."""
        return self.I_Na[np.arange(len(self.levels)), np.argmax(np.abs(self.I_Na), axis=1)]

    @property
    def steady_I_K(self) -> np.ndarray:
        """At each level, the potassium current at the end of the step (uA/cm^2)."""
        return self.I_K[:, -1]

    def to_csv(self, path):
        """The I-V summary, one row per level (level, peak_I_Na, steady_I_K), with its
        sidecar PATH.json (pyhh.files)."""
        return write_csv(path, {"level": self.levels, "peak_I_Na": self.peak_I_Na, "steady_I_K": self.steady_I_K},
                         {"level": "mV from rest", "peak_I_Na": "uA/cm^2", "steady_I_K": "uA/cm^2"},
                         "clamp", self.metadata)

    def trace_columns(self) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """The traces in long form: one row per level and time (level, t, I_Na, I_K)."""
        rows = len(self.t)
        return ({"level": np.repeat(self.levels, rows), "t": np.tile(self.t, len(self.levels)),
                 "I_Na": self.I_Na.ravel(), "I_K": self.I_K.ravel()},
                {"level": "mV from rest", "t": "ms from the step onset", "I_Na": "uA/cm^2", "I_K": "uA/cm^2"})

    def traces_to_csv(self, path):
        """The traces (level, t, I_Na, I_K; one row per level and time) with the sidecar."""
        columns, units = self.trace_columns()
        return write_csv(path, columns, units, "clamp_traces", self.metadata)

    def to_dataframe(self):
        """The traces in long form as a pandas DataFrame (needs pandas)."""
        pd = require_pandas()
        columns, units = self.trace_columns()
        frame = pd.DataFrame(columns)
        frame.attrs.update(self.metadata, units=units)
        return frame

    def reversal_I_Na(self) -> float | None:
        """The level where the peak sodium current changes sign, interpolated (mV)."""
        peak = self.peak_I_Na
        for j in range(1, len(peak)):
            if peak[j - 1] < 0.0 <= peak[j]:
                a, b = self.levels[j - 1], self.levels[j]
                return float(a + (0.0 - peak[j - 1]) / (peak[j] - peak[j - 1]) * (b - a))
        return None


def clamp_family(levels: Sequence[float] | np.ndarray, *, holding: float | None = None, step_ms: float = 10.0,
                 dt: float = DT_DEFAULT, temperature: float = TEMPERATURE_DEFAULT, method: str = DEFAULT_METHOD,
                 params=None, absolute: bool = False, threads: int | None = None) -> ClampFamily:
    """Step from `holding` to each level for `step_ms` ms (the gates start at rest at `holding`).

    Levels and holding are mV from rest, or absolute with absolute=True (rest at -65 mV);
    holding defaults to rest in either convention; the family holds them from rest.
    threads: as for simulate_batch.
    """
    levels = real_array("levels", levels)
    if levels.ndim != 1 or len(levels) == 0:
        raise InvalidInputError("levels must be a non-empty one-dimensional array of voltages (mV)")
    levels = to_rest_relative(levels, absolute)
    holding = voltage_argument("holding", None if holding is None else check_real("holding", holding), 0.0, absolute)
    warn_voltage_range(levels, None, "the clamp command")
    dt, step_ms = check_positive("dt", dt), check_positive("step_ms", step_ms)
    steps = whole_steps("step_ms", step_ms, dt)  # never rounded silently: the sidecar records step_ms
    if steps == 0:
        raise InvalidInputError(f"step_ms = {step_ms!r} ms is shorter than one step of dt = {dt!r} ms")
    result = simulate_batch(current=levels - holding, V0=holding, clamp=True, dt=dt, steps=steps, method=method,
                            temperature=temperature, params=params, record_every=1, threads=threads)
    metadata = model_metadata(method, dt, temperature, params, mode="clamp", holding=holding, step_ms=step_ms,
                              voltage_convention="rest-relative (spec §2.2)")
    return ClampFamily(levels, result.t, result.column("I_Na").copy(), result.column("I_K").copy(), holding,
                       metadata)


@dataclasses.dataclass(frozen=True)
class MethodErrors:
    """Each method at each dt against a fine rk4 solution, and what it cost.

    errors[method]: the largest |V - V_reference| (mV) at the common sample times;
    spike_errors[method]: the largest |t - t_reference| (ms) over the spikes, compared
    one by one (inf where the spike count is wrong); costs[method]: milliseconds of
    computing per simulated second (C backend, the fastest of a few runs). Each is
    nan where the method blew up. spikes[method]: each run's spike times (ms; empty where it blew up).
    """

    dts: np.ndarray
    errors: dict[str, np.ndarray]
    spike_errors: dict[str, np.ndarray]
    costs: dict[str, np.ndarray]
    reference_dt: float
    reference_spikes: np.ndarray
    spikes: dict[str, list[np.ndarray]] = dataclasses.field(default_factory=dict)

    def order(self, method: str, which: str = "V") -> float:
        """The slope of log(error) against log(dt) in the asymptotic range: the
        smaller half (at least two) of the dts where the method stayed finite and
        counted the spikes right; nan with fewer than two. which: "V" or "spikes"."""
        table = self.errors if which == "V" else self.spike_errors
        ok = np.isfinite(table[method]) & (table[method] > 0)
        order = np.argsort(self.dts[ok])
        dts, errors = self.dts[ok][order], table[method][ok][order]
        keep = max(2, (len(dts) + 1) // 2)
        if len(dts) < 2:
            return float("nan")
        return float(np.polyfit(np.log(dts[:keep]), np.log(errors[:keep]), 1)[0])


def timed_run(repeats: int, **kwargs):
    """simulate(**kwargs) and the fastest of `repeats` wall-clock times (s)."""
    best, result = math.inf, None
    for _ in range(repeats):
        start = time.perf_counter()
        result = simulate(**kwargs)
        best = min(best, time.perf_counter() - start)
    return result, best


def method_errors(dts: Sequence[float], *, stimulus: StimulusLike = 10.0, duration: float = 50.0,
                  sample_every: float = 0.2, reference_dt: float = 0.0005, backend: str = "c",
                  repeats: int = 3) -> MethodErrors:
    """Run every method at each dt (each must divide sample_every) against rk4 at reference_dt."""
    dts = np.array([check_positive("dt", dt) for dt in dts])
    sample_every = check_positive("sample_every", sample_every)
    reference_dt = check_positive("reference_dt", reference_dt)
    if check_positive("duration", duration) < sample_every:
        raise InvalidInputError(f"duration = {duration!r} ms must be at least sample_every = {sample_every!r} ms")
    if dts.min() <= reference_dt:
        raise InvalidInputError(f"every dt must be larger than the reference's dt = {reference_dt!r} ms")
    for dt in (*dts.tolist(), reference_dt):
        ratio = sample_every / dt
        if abs(ratio - round(ratio)) > 1e-9:
            raise InvalidInputError(f"dt = {dt!r} ms must divide sample_every = {sample_every!r} ms")
    reference = simulate(stimulus, dt=reference_dt, duration=duration, method="rk4",
                         record_every=round(sample_every / reference_dt), backend=backend)
    errors, spike_errors, costs, spikes = {}, {}, {}, {}
    for method in METHODS:
        V_row, spike_row, cost_row, spikes[method] = [], [], [], []
        for dt in dts:
            try:
                run, seconds = timed_run(repeats, stimulus=stimulus, dt=float(dt), duration=duration, method=method,
                                         record_every=round(sample_every / dt), backend=backend)
            except NumericalInstabilityError:
                V_row.append(np.nan), spike_row.append(np.nan), cost_row.append(np.nan)
                spikes[method].append(np.empty(0))
                continue
            spikes[method].append(run.spikes)
            V_row.append(float(np.max(np.abs(run.V - reference.V))))
            same_count = len(run.spikes) == len(reference.spikes)
            spike_row.append(float(np.max(np.abs(run.spikes - reference.spikes), initial=0.0)) if same_count
                             else math.inf)
            cost_row.append(1e3 * seconds / (duration / 1e3))
        errors[method], spike_errors[method], costs[method] = np.array(V_row), np.array(spike_row), np.array(cost_row)
    return MethodErrors(dts, errors, spike_errors, costs, reference_dt, reference.spikes, spikes)
