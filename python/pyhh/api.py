"""The public Python API: `simulate` and its `Result`.

`simulate` turns friendly arguments (ms, numbers, arrays, pulses) into a
validated Case (§6, §10.1) and runs it on the chosen backend.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Union

import numpy as np

from .cautions import voltage_argument, warn_past_end, warn_voltage_range
from .cbackend import single
from .conformance.casefile import case_from_json, case_to_json
from .conformance.trace import column_rows
from .files import model_metadata, read_csv, require_pandas, write_csv
from .limits import ROW_BYTES, WAVEFORM_BYTES, check_memory
from .reference.case import DEFAULT_METHOD, Case
from .reference.checks import MAX_INTEGER, check_bool, check_choice, check_integer, check_positive, check_real
from .reference.errors import InvalidInputError
from .reference.parameters import (
    DT_DEFAULT,
    SPIKE_THRESHOLD_DEFAULT,
    TEMPERATURE_DEFAULT,
    V0_DEFAULT,
    V_REST_ABSOLUTE,
    Parameters,
)
from .reference.run import COLUMNS, run
from .reference.stimulus import StepPulse, Stimulus

#: Where a Case runs: the Python reference, or the generated C kernel through cffi.
BACKENDS = ("python", "c")


@dataclasses.dataclass(frozen=True)
class Pulse:
    """A rectangular pulse in ms: on from `start` (inclusive) to `stop` (exclusive).

    §6.2: it covers steps round(start / dt) <= k < round(stop / dt), rounded to
    the nearest integer, so 2.3 ms at dt = 0.01 ms is step 230 although
    2.3 / 0.01 = 229.99999999999997 in floating point; an edge more than 1e-6
    of a step off the dt grid is an error.
    amplitude: uA/cm^2 (current mode) or mV above V0 (clamp mode).
    """

    start: float
    stop: float
    amplitude: float

    def to_steps(self, dt: float) -> StepPulse:
        """The same pulse in step indices; an edge off the dt grid is an error."""
        start = check_real("pulse start", self.start)
        stop = check_real("pulse stop", self.stop)
        if start < 0.0 or stop < start:
            raise InvalidInputError(f"pulse start = {start!r} ms and stop = {stop!r} ms must satisfy 0 <= start <= stop")
        return StepPulse(whole_steps("pulse start", start, dt), whole_steps("pulse stop", stop, dt), self.amplitude)


def whole_steps(name: str, ms: float, dt: float) -> int:
    """§6.2: ms / dt rounded to the nearest integer, which it must be within 1e-6 of a step."""
    steps = ms / dt
    if steps > MAX_INTEGER:
        raise InvalidInputError(f"{name} = {ms!r} ms is more than 2^53 steps of dt = {dt!r} ms")
    if abs(steps - round(steps)) > 1e-6:
        raise InvalidInputError(
            f"{name} = {ms!r} ms is not a whole number of steps of dt = {dt!r} ms ({steps:.6g} steps)"
        )
    return round(steps)


StimulusLike = Union[None, float, Pulse, StepPulse, Stimulus, Sequence[Any], np.ndarray]


def steps_for(stimulus: StimulusLike, dt: float, steps: int | None, duration: float | None) -> int:
    """The number of steps, from `steps`, `duration` (ms) or the length of a waveform."""
    if steps is not None and duration is not None:
        raise InvalidInputError("give steps or duration, not both")
    if steps is not None:
        return check_integer("steps", steps)
    if duration is not None:
        duration = check_real("duration", duration)
        if duration < dt:
            raise InvalidInputError(f"duration = {duration!r} ms is shorter than one step of dt = {dt!r} ms")
        return whole_steps("duration", duration, dt)
    values = waveform_length(stimulus)
    if values is not None:
        return values
    raise InvalidInputError("give steps or duration (or a waveform, one value per step)")


def waveform_length(stimulus: StimulusLike) -> int | None:
    """The number of values of a stimulus given as a waveform (all of an array's, whatever its shape),
    or None for any other stimulus; nothing is copied."""
    if isinstance(stimulus, Stimulus):
        return None if stimulus.waveform is None else len(stimulus.waveform)
    if isinstance(stimulus, np.ndarray):
        return int(stimulus.size)
    if isinstance(stimulus, (list, tuple)) and not _is_pulse_list(stimulus):
        return len(stimulus)
    return None


def _is_pulse_list(stimulus: Any) -> bool:
    return isinstance(stimulus, (list, tuple)) and len(stimulus) > 0 and all(isinstance(p, (Pulse, StepPulse)) for p in stimulus)


def to_stimulus(stimulus: StimulusLike, dt: float, steps: int) -> Stimulus:
    """Any accepted stimulus form as a §6.2 Stimulus in step indices."""
    if stimulus is None:
        return Stimulus()
    if isinstance(stimulus, Stimulus):
        return stimulus
    if isinstance(stimulus, (Pulse, StepPulse)):
        stimulus = [stimulus]
    if _is_pulse_list(stimulus):
        return Stimulus(tuple(p.to_steps(dt) if isinstance(p, Pulse) else p for p in stimulus))
    if isinstance(stimulus, (int, float, np.number)) and not isinstance(stimulus, bool):
        return Stimulus((StepPulse(0, steps, check_real("stimulus", stimulus)),))
    if isinstance(stimulus, np.ma.MaskedArray):
        raise InvalidInputError("a stimulus waveform must be a plain array: a masked array's mask would be dropped")
    if isinstance(stimulus, (np.ndarray, list, tuple)):
        try:
            values = np.asarray(stimulus)
        except ValueError:  # a ragged nested list
            raise InvalidInputError("a stimulus waveform must be one-dimensional, one value per step") from None
        if values.ndim != 1:
            raise InvalidInputError(f"a stimulus waveform must be one-dimensional, got shape {values.shape}")
        if values.dtype.kind in "fiu":  # numbers: checked at numpy speed, kept as an array
            return ArrayStimulus(waveform=values)
        return Stimulus(waveform=values.tolist())  # strings, objects, ...: the reference names the bad value
    raise InvalidInputError(
        f"stimulus must be a number, an array (one value per step), a Pulse or a list of Pulses, got {stimulus!r}"
    )


@dataclasses.dataclass(frozen=True, eq=False)
class ArrayStimulus(Stimulus):
    """A §6.2 Stimulus whose waveform is a read-only float64 numpy array, checked
    vectorised with the reference's messages (reference/stimulus.py checks value
    by value, in the standard library); the C kernel reads the array in place."""

    def __post_init__(self) -> None:
        waveform = self.waveform
        object.__setattr__(self, "waveform", None)
        super().__post_init__()  # the pulses
        object.__setattr__(self, "waveform", waveform_array(waveform))

    def for_reference(self) -> Stimulus:
        """The same stimulus in the reference's own form (a tuple of floats)."""
        return Stimulus(self.pulses, tuple(self.waveform.tolist()))


def waveform_array(values: np.ndarray) -> np.ndarray:
    """§8.4: a numeric 1-d array as a read-only float64 copy; a NaN or infinity (also
    an integer beyond the largest double) is an error naming its first index."""
    with np.errstate(over="ignore"):
        waveform = np.array(values, dtype=np.float64)
    bad = ~np.isfinite(waveform)
    if bad.any():
        k = int(np.argmax(bad))
        raise InvalidInputError(f"stimulus waveform[{k}] = {float(waveform[k])!r} is not finite")
    waveform.flags.writeable = False
    return waveform


@dataclasses.dataclass(frozen=True)
class Result:
    """A simulation's recorded rows as numpy arrays, and its spikes.

    t (ms), V (mV from rest), m, h, n, I_Na, I_K, I_L and I_stim (uA/cm^2; the
    clamp current under voltage clamp) have one entry per recorded row (§8.2).
    spikes holds the upward threshold crossings (§9) in ms.
    """

    case: Case
    t: np.ndarray
    V: np.ndarray
    m: np.ndarray
    h: np.ndarray
    n: np.ndarray
    I_Na: np.ndarray
    I_K: np.ndarray
    I_L: np.ndarray
    I_stim: np.ndarray
    spikes: np.ndarray

    @classmethod
    def from_table(cls, case: Case, table: np.ndarray, spikes: np.ndarray) -> "Result":
        """Wrap a (rows, 9) table; each column attribute is a view of it."""
        columns = {name: table[:, j] for j, name in enumerate(COLUMNS)}
        return cls(case=case, spikes=spikes, **columns)

    @property
    def V_absolute(self) -> np.ndarray:
        """V in NEURON's absolute convention (§2.2): V - 65 mV with the default rest."""
        return self.V + V_REST_ABSOLUTE

    @property
    def spike_count(self) -> int:
        """The number of spikes (§9)."""
        return len(self.spikes)

    @property
    def firing_rate(self) -> float:
        """Spikes per second over the whole run (Hz), silent parts included;
        1000 / mean(np.diff(spikes)) gives the rate while it fires."""
        return self.spike_count / (self.case.steps * self.case.dt / 1000.0)

    @property
    def rate_while_firing(self) -> float:
        """1000 / the mean interspike interval (Hz); 0 with fewer than two spikes."""
        return 1000.0 / float(np.mean(np.diff(self.spikes))) if self.spike_count > 1 else 0.0

    def rows(self) -> Iterator[list[float]]:
        """The rows one at a time as lists of floats in the trace column order, taken a piece at a
        time (pyhh.conformance.trace.column_rows): no copy of the whole table."""
        return column_rows([getattr(self, name) for name in COLUMNS])

    def table(self) -> np.ndarray:
        """The rows as one (rows, 9) array in the trace column order."""
        return np.column_stack([getattr(self, name) for name in COLUMNS])

    def metadata(self, absolute: bool = False) -> dict[str, Any]:
        """What produced the rows: method, dt, temperature, parameters, mode, V0 and the threshold
        (in the convention of the file: absolute with absolute=True), the spike times, and the
        whole case as a case file holds it (spec §10.1, rest-relative), from which the run can be
        repeated (pyhh.read_result, then pyhh.run_case)."""
        case = self.case
        shift = V_REST_ABSOLUTE if absolute else 0.0
        convention = ("absolute: the column V_absolute, V0 and spike_threshold are V + V_rest_absolute (spec §2.2); "
                      "the case is rest-relative, as a case file is (§10.1)" if absolute else "rest-relative (spec §2.2)")
        return model_metadata(case.method, case.dt, case.temperature, case.params, mode=case.mode,
                              steps=case.steps, record_every=case.record_every, V0=case.V0 + shift,
                              spike_threshold=case.spike_threshold + shift, voltage_convention=convention,
                              V_rest_absolute=V_REST_ABSOLUTE, spikes=self.spikes, case=case_to_json(case))

    def columns(self, absolute: bool = False) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """The trace columns by name and their units; absolute=True gives V_absolute instead of V."""
        check_bool("absolute", absolute)
        columns = {name: getattr(self, name) for name in COLUMNS}
        units = dict(TRACE_UNITS)
        if absolute:
            columns = {("V_absolute" if k == "V" else k): (v + V_REST_ABSOLUTE if k == "V" else v)
                       for k, v in columns.items()}
            units = {("V_absolute" if k == "V" else k): ("mV absolute" if k == "V" else v) for k, v in units.items()}
        if self.case.clamp:
            units["I_stim"] = "uA/cm^2 (the clamp current)"
        return columns, units

    def to_csv(self, path: str | Path, absolute: bool = False) -> Path:
        """Write the rows as a trace CSV (the columns of spec §10.2, full precision) with its
        units, parameters, method, dt and versions in the sidecar PATH.json (pyhh.files);
        read it back with pyhh.read_csv. absolute=True writes V_absolute in place of V."""
        columns, units = self.columns(absolute)
        return write_csv(path, columns, units, "trace", self.metadata(absolute))

    def spikes_to_csv(self, path: str | Path) -> Path:
        """Write the spike times (ms), one per row, with the same sidecar as to_csv."""
        return write_csv(path, {"spike_time": self.spikes}, {"spike_time": "ms"}, "spikes", self.metadata())

    def to_dataframe(self, absolute: bool = False):
        """The rows as a pandas DataFrame (needs pandas: pip install 'pyhh[pandas]'); the
        metadata and units in .attrs."""
        pd = require_pandas()
        columns, units = self.columns(absolute)
        frame = pd.DataFrame(columns)
        frame.attrs.update(self.metadata(absolute), units=units)
        return frame


#: Units of the trace columns (spec §2, §8.2).
TRACE_UNITS = {"t": "ms", "V": "mV from rest", "m": "1", "h": "1", "n": "1", "I_Na": "uA/cm^2",
               "I_K": "uA/cm^2", "I_L": "uA/cm^2", "I_stim": "uA/cm^2"}


def read_result(path: str | Path) -> Result:
    """A trace that Result.to_csv (or pyhh run --csv) wrote, read back as the Result it was: its
    case (from the sidecar, as a case file holds it: pyhh.run_case(result.case) repeats the run),
    its rows and its spike times. From a file with V_absolute, V is V_absolute - V_rest_absolute
    (within an ulp of the V that was saved)."""
    saved = read_csv(path)
    where = f"{path}: "
    if saved.what != "trace" or "case" not in saved.metadata or "spikes" not in saved.metadata:
        raise InvalidInputError(f"{where}not a trace that Result.to_csv wrote (its sidecar says what = "
                                f"{saved.what!r}; a trace's sidecar holds its case and spikes): read it with pyhh.read_csv")
    case = case_from_json(saved.metadata["case"], where=str(path) + ".json")
    columns = dict(saved.columns)
    if "V_absolute" in columns:
        columns["V"] = columns.pop("V_absolute") - V_REST_ABSOLUTE
    missing = [name for name in COLUMNS if name not in columns]
    if missing:
        raise InvalidInputError(f"{where}has no column {missing[0]!r}")
    spikes = np.array([float(t) for t in saved.metadata["spikes"]], dtype=np.float64)
    return Result.from_table(case, np.column_stack([columns[name] for name in COLUMNS]), spikes)


def check_run_memory(case: Case, backend: str, values: int | None = None) -> None:
    """Refuse a run whose rows (and waveform: the case's, or of `values` values) would not fit in the
    memory available now (pyhh.limits), before anything is allocated."""
    if values is None:
        values = 0 if case.stimulus.waveform is None else len(case.stimulus.waveform)
    what = f"{case.n_rows} recorded rows" + (f" and a waveform of {values} values" if values else "")
    advice = "keep fewer rows with a larger record_every"
    if values and backend == "python":
        advice += " or use the C backend (a waveform costs the Python backend 9 times the memory)"
    check_memory(what, case.n_rows * ROW_BYTES[backend] + values * WAVEFORM_BYTES[backend], advice)


def run_case(case: Case, backend: str = "python") -> Result:
    """Run a validated Case on a backend ("python" or "c"); both give the same doubles."""
    check_choice("backend", backend, BACKENDS)
    check_run_memory(case, backend)
    if backend == "python":
        if isinstance(case.stimulus, ArrayStimulus):
            case = dataclasses.replace(case, stimulus=case.stimulus.for_reference())
        record = run(case)
        table = np.array(record.rows, dtype=np.float64).reshape(-1, len(COLUMNS))
        return Result.from_table(case, table, np.array(record.spikes, dtype=np.float64))
    table, spikes = single.run(case)
    return Result.from_table(case, table, spikes)


def simulate(
    stimulus: StimulusLike = None,
    *,
    dt: float = DT_DEFAULT,
    steps: int | None = None,
    duration: float | None = None,
    method: str = DEFAULT_METHOD,
    temperature: float = TEMPERATURE_DEFAULT,
    V0: float | None = None,
    record_every: int = 1,
    params: Parameters | Mapping[str, float] | None = None,
    clamp: bool = False,
    spike_threshold: float | None = None,
    backend: str = "python",
    absolute: bool = False,
) -> Result:
    """Simulate one HH membrane patch.

    Args:
        stimulus: None (no input); a number (constant, uA/cm^2); an array with one
            value per step; a Pulse (ms) or StepPulse (steps), or a list of them; a Stimulus.
            Under clamp=True the same forms give the command voltage above V0 (mV).
        dt: time step, ms.
        steps, duration: length of the run, in steps or in ms (one of them, or
            neither when the stimulus is a waveform).
        method: "staggered_cn" (the default: second order, NEURON's fixed step), "staggered_exp",
            "rk4" (fourth order, unstable at long steps), "euler" or "exp_euler" (first order); spec §7.6.
        temperature: degC; rates scale by 3 ** ((temperature - 6.3) / 10).
        V0: initial voltage (holding voltage under clamp), mV from rest (absolute with absolute=True);
            default rest (0 mV from rest, -65 mV absolute).
        record_every: keep every r-th row.
        params: a Parameters, or a mapping of overrides such as {"g_K": 30}.
        clamp: voltage-clamp mode: V = V0 + the stimulus value of each step.
        spike_threshold: mV from rest (absolute with absolute=True); default 50 mV from rest
            (-15 mV absolute).
        backend: "python" (the reference) or "c" (the generated C kernel); the
            results are identical, the C kernel about two orders of magnitude faster.
        absolute: V0 and spike_threshold are absolute voltages (NEURON's convention: rest at
            V_rest_absolute = -65 mV, spec §2.2), and their defaults are the same membrane's;
            the Result still holds V from rest (and V_absolute).

    Warns:
        RestRelativeWarning: V0 or spike_threshold looks like the other convention's default
            (V0 about -65 mV without absolute=True, 65 mV below rest; about 0 with it).
        StimulusWarning: a pulse runs past the end of the run, or V went beyond the
            physiological range (pyhh.cautions.PHYSIOLOGICAL_V_ABSOLUTE).

    Raises:
        InvalidInputError: a bad value, named, before anything runs.
        NumericalInstabilityError: the state left the finite range; carries .step.
    """
    dt = check_positive("dt", dt)
    clamp = check_bool("clamp", clamp)
    n_steps = steps_for(stimulus, dt, steps, duration)
    params = Parameters.from_overrides(params)
    V0 = voltage_argument("V0", None if V0 is None else check_real("V0", V0), V0_DEFAULT, absolute)
    spike_threshold = voltage_argument("spike_threshold", None if spike_threshold is None
                                       else check_real("spike_threshold", spike_threshold),
                                       SPIKE_THRESHOLD_DEFAULT, absolute)
    case = Case(
        method=method,
        dt=dt,
        steps=n_steps,
        record_every=record_every,
        temperature=temperature,
        V0=V0,
        params=params,
        mode="clamp" if clamp else "current",
        spike_threshold=spike_threshold,
    )
    # Every other value checked, the waveform is sized before it is copied (a float64 copy, 8 B a value, on
    # either backend), on the Python backend before it becomes the reference's floats (issue 25, item 4)
    check_choice("backend", backend, BACKENDS)
    check_run_memory(case, backend, waveform_length(stimulus) or 0)
    case = dataclasses.replace(case, stimulus=to_stimulus(stimulus, dt, n_steps))
    warn_past_end(case.stimulus.pulses, n_steps, dt)
    result = run_case(case, backend)
    warn_voltage_range(result.V, result.t, "the clamp command" if clamp else "the stimulus")
    return result
