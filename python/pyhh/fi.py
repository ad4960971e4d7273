"""The frequency-current (F-I) curve: firing rate against constant current, and what
the membrane does at each current.

One call of the batch kernel per chunk of currents runs the sweep (one neuron per
current); without the C backend each current runs on the reference instead.

Each current is classified from the voltage over the analysis window, from the end
of the transient to the end of the run, split into two halves (CLASSIFY_RULE):

    firing       sustained repetitive firing across the spike threshold (rate > 0).
    oscillation  not firing, but V oscillates: the peak-to-trough amplitude over the
                 second half is at least OSCILLATION_MIN_AMPLITUDE (1 mV) with at least
                 two local maxima; "sustained" if that amplitude is at least
                 SUSTAINED_RATIO (0.9) of the first half's, else "damped".
    onset spikes a steady state with the sodium channels available, reached after
                 spikes at the onset (the membrane fires one or a few spikes, then rests).
    silent       a steady state (amplitude below 1 mV) with the sodium channels
                 available: h at the end at least BLOCK_H (0.2; h is 0.596 at rest),
                 and no spike in the whole run.
    block        a steady depolarised state with the sodium channels inactivated
                 (h below 0.2): depolarisation block.

Besides its class, each current gets the frequency of V's oscillation over the
second half of the window (Hz): 1000 / the mean interval between V's local maxima
above the middle of its range there; 0 at a steady state. For firing it is the rate
(to within the sampling), and for an oscillation below the threshold it is the
frequency the rate would have with a lower threshold.

Measured with the defaults (500 ms, transient 100 ms, staggered_cn, dt 0.01 ms): the
silent steady states up to 6.25 uA/cm^2 have h >= 0.45; the blocked ones from 160 have
h <= 0.07; the limit cycle from 90 to 150 uA/cm^2 peaks below the default 50 mV threshold
(45 mV at 100, 26 mV at 150) with amplitudes 40.5 and 8.2 mV that keep >= 0.98 of their
size between the halves; at 155 the oscillation halves (ratio 0.44): damped.
Near a bifurcation a decay slower than the run can look sustained: lengthen the run.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import numpy as np

from . import cbackend
from .api import simulate, whole_steps
from .batch import real_array, simulate_batch
from .cautions import voltage_argument, warn_voltage_range
from .files import model_metadata, require_pandas, spike_columns, write_csv
from .reference.case import DEFAULT_METHOD
from .reference.checks import check_positive, check_real
from .reference.errors import InvalidInputError, NumericalInstabilityError
from .reference.parameters import DT_DEFAULT, SPIKE_THRESHOLD_DEFAULT, TEMPERATURE_DEFAULT, Parameters

#: The classes of fi_curve's classification; a class's index is its code in fi.csv, so a new class
#: goes at the end (onset spikes came later: codes 0-4 mean what they meant in files written before).
CLASSES = ("silent", "firing", "sustained oscillation", "damped oscillation", "block", "onset spikes")

#: Peak-to-trough amplitude (mV) over the second half of the window from which V counts as oscillating.
OSCILLATION_MIN_AMPLITUDE = 1.0
#: An oscillation is sustained when its second-half amplitude is at least this share of the first half's.
SUSTAINED_RATIO = 0.9
#: Below this sodium inactivation gate h at the end of the run, a steady state is depolarisation block.
BLOCK_H = 0.2
#: The voltage is sampled every this many ms (at least every step) to classify (peak error < 1 mV).
SAMPLE_MS = 0.1
#: Bytes of sampled traces one batch call may hold (currents are run in chunks within it).
CHUNK_BYTES = 64 * 2**20

CLASSIFY_RULE = (f"window = transient to end, split in halves; A = peak-to-trough V in each half; "
                 f"firing: sustained rate > 0 across the threshold; oscillation: A2 >= {OSCILLATION_MIN_AMPLITUDE:g} mV "
                 f"with >= 2 local maxima, sustained if A2 >= {SUSTAINED_RATIO:g} A1 else damped; "
                 f"otherwise block if h_end < {BLOCK_H:g}, else onset spikes if any spike, else silent; "
                 f"frequency = 1000 / mean interval of V's maxima above mid-range in the second half")


@dataclasses.dataclass(frozen=True)
class FICurve:
    """An F-I sweep.

    currents (uA/cm^2); rates (Hz): 1000 / the mean interspike interval of the spikes
    after the transient, when the firing is sustained, else 0; spike_counts: the spikes
    after the transient; spikes: each current's spike times (ms, the whole run);
    classes: each current's class (CLASSES; the rule in the module docstring);
    amplitudes: peak-to-trough V (mV) over the second half of the window; peaks: the
    highest V (mV from rest) there; frequencies: V's oscillation there (Hz, 0 at a
    steady state; the rate for firing, the cycle's frequency for an oscillation below
    the threshold). onset_bracket: (last current that does not fire,
    first that fires) below the first firing current, refined by bisection to
    onset_tolerance when asked; None when nothing fires or the first current fires.
    threshold: the spike threshold (mV from rest). metadata: the settings (for files).
    """

    currents: np.ndarray
    rates: np.ndarray
    spike_counts: np.ndarray
    duration: float
    transient: float
    threshold: float = SPIKE_THRESHOLD_DEFAULT
    classes: tuple[str, ...] = ()
    amplitudes: np.ndarray | None = None
    peaks: np.ndarray | None = None
    spikes: tuple[np.ndarray, ...] = ()
    onset_bracket: tuple[float, float] | None = None
    onset_tolerance: float | None = None
    metadata: dict[str, Any] = dataclasses.field(default_factory=dict)
    frequencies: np.ndarray | None = None

    @property
    def onset(self) -> float | None:
        """The smallest grid current with sustained firing (uA/cm^2), or None; the onset
        itself lies in onset_bracket."""
        firing = np.flatnonzero(self.rates > 0)
        return float(self.currents[firing[0]]) if len(firing) else None

    def columns(self) -> tuple[dict[str, np.ndarray], dict[str, str]]:
        """The per-current columns and their units."""
        codes = np.array([CLASSES.index(c) for c in self.classes], dtype=np.float64)
        columns = {"current": self.currents, "rate": self.rates, "spikes_after_transient": self.spike_counts,
                   "class": codes, "amplitude": self.amplitudes, "peak": self.peaks, "frequency": self.frequencies}
        units = {"current": "uA/cm^2", "rate": "Hz", "spikes_after_transient": "1",
                 "class": "code: " + ", ".join(f"{j} {c}" for j, c in enumerate(CLASSES)),
                 "amplitude": "mV (peak to trough, second half of the window)", "peak": "mV from rest",
                 "frequency": "Hz (V's oscillation over the second half of the window; 0 at a steady state)"}
        return columns, units

    def file_metadata(self) -> dict[str, Any]:
        """What the sweep was: the settings, the window, the threshold, the rule, the onset."""
        return {**self.metadata, "duration": self.duration, "transient": self.transient,
                "spike_threshold": self.threshold, "classification_rule": CLASSIFY_RULE,
                "onset_bracket": list(self.onset_bracket) if self.onset_bracket else None,
                "onset_tolerance": self.onset_tolerance}

    def to_csv(self, path) -> Any:
        """Write one row per current (class as its code; the key in the sidecar) with the
        sidecar PATH.json (pyhh.files); read it back with pyhh.read_csv."""
        columns, units = self.columns()
        return write_csv(path, columns, units, "fi", self.file_metadata())

    def spikes_to_csv(self, path) -> Any:
        """Write every spike time, one row per spike: current (uA/cm^2), spike_time (ms)."""
        current, times = spike_columns(self.spikes, self.currents)
        return write_csv(path, {"current": current, "spike_time": times},
                         {"current": "uA/cm^2", "spike_time": "ms"}, "spikes", self.file_metadata())

    def to_dataframe(self):
        """One row per current as a pandas DataFrame (class as text; needs pandas)."""
        pd = require_pandas()
        columns, units = self.columns()
        columns["class"] = list(self.classes)
        frame = pd.DataFrame(columns)
        frame.attrs.update(self.file_metadata(), units=units)
        return frame


def sustained_rate(spikes: np.ndarray, duration: float) -> float:
    """1000 / mean interspike interval (Hz) if the spikes go on to the end of the run, else 0."""
    if len(spikes) < 2:
        return 0.0
    interval = float(np.mean(np.diff(spikes)))
    return 1000.0 / interval if spikes[-1] >= duration - 2.0 * interval else 0.0


def oscillation_frequency(t: np.ndarray, V: np.ndarray) -> float:
    """Hz: 1000 / the mean interval between V's local maxima above the middle of its range, 0 with
    fewer than two such maxima (a steady state)."""
    middle = 0.5 * (V.max() + V.min())
    j = 1 + np.flatnonzero((V[1:-1] > V[:-2]) & (V[1:-1] >= V[2:]) & (V[1:-1] > middle))
    if len(j) < 2:
        return 0.0
    return 1000.0 / float(np.mean(np.diff(t[j])))


def classify(t: np.ndarray, V: np.ndarray, h_end: float, firing: bool, spiked: bool, transient: float,
             duration: float) -> tuple[str, float, float, float]:
    """One current's class, amplitude (mV), peak (mV) and frequency (Hz) from its sampled V (rule:
    module docstring); spiked: any spike in the whole run."""
    middle = transient + (duration - transient) / 2.0
    first, second = V[(t >= transient) & (t < middle)], V[t >= middle]
    if len(second) == 0 or len(first) == 0:
        raise InvalidInputError(f"the window from transient = {transient:g} ms to {duration:g} ms is too short "
                                "to classify; lengthen the run")
    A1, A2 = float(np.ptp(first)), float(np.ptp(second))
    maxima = int(np.count_nonzero((second[1:-1] > second[:-2]) & (second[1:-1] >= second[2:])))
    if firing:
        kind = "firing"
    elif A2 >= OSCILLATION_MIN_AMPLITUDE and maxima >= 2:
        kind = "sustained oscillation" if A2 >= SUSTAINED_RATIO * A1 else "damped oscillation"
    else:
        kind = "block" if h_end < BLOCK_H else "onset spikes" if spiked else "silent"
    oscillating = A2 >= OSCILLATION_MIN_AMPLITUDE and maxima >= 2
    frequency = oscillation_frequency(t[t >= middle], second) if oscillating else 0.0
    return kind, A2, float(second.max()), frequency


def fi_curve(
    currents: Sequence[float] | np.ndarray,
    *,
    duration: float = 500.0,
    transient: float = 100.0,
    dt: float = DT_DEFAULT,
    method: str = DEFAULT_METHOD,
    temperature: float = TEMPERATURE_DEFAULT,
    params: Parameters | Mapping[str, Any] | None = None,
    threshold: float | None = None,
    absolute: bool = False,
    onset_tolerance: float | None = None,
    accuracy: str = "exact",
    threads: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FICurve:
    """Firing rate of the membrane at each constant current, from rest, and its class.

    The rate measures sustained repetitive firing: spikes (upward crossings of
    `threshold`, mV from rest, or absolute with absolute=True; by default 50 mV above
    rest in either convention) before `transient` ms
    (the onset response) are not counted, and firing counts as sustained only with at
    least two spikes after the transient, the last of them within two mean interspike
    intervals of the end of the run. A current that fires a burst and falls silent has
    rate 0. The rate is 1000 / the mean interval (ms). Each current is classified as
    silent, firing, sustained or damped oscillation below threshold, or block, with its
    amplitude (the rule: pyhh.fi's docstring, CLASSIFY_RULE).

    The onset of repetitive firing is reported as a bracket (the last current that does
    not fire below the first that does); with onset_tolerance (uA/cm^2) it is refined by
    bisection (one run per halving) until the bracket is at most that wide.
    """
    currents = real_array("currents", currents)
    if currents.ndim != 1 or len(currents) == 0:
        raise InvalidInputError("currents must be a non-empty one-dimensional array")
    duration, transient = check_real("duration", duration), check_real("transient", transient)
    if not 0.0 <= transient < duration:
        raise InvalidInputError(f"transient = {transient!r} ms must lie in [0, duration = {duration!r} ms)")
    whole_steps("duration", duration, check_positive("dt", dt))  # before any step count is rounded
    sample = max(1, round(SAMPLE_MS / dt)) * dt
    if duration - transient < 4 * sample:
        raise InvalidInputError(f"the window from transient = {transient!r} ms to duration = {duration!r} ms is too "
                                f"short to classify the membrane (at least {4 * sample:g} ms)")
    threshold = voltage_argument("threshold", None if threshold is None else check_real("threshold", threshold),
                                 SPIKE_THRESHOLD_DEFAULT, absolute)
    if onset_tolerance is not None:
        onset_tolerance = check_positive("onset_tolerance", onset_tolerance, "uA/cm^2")
    settings = dict(duration=duration, dt=dt, method=method, temperature=temperature, params=params)
    spikes, classes, amplitudes, peaks, frequencies = [], [], [], [], []
    total = len(currents)
    rows = duration / sample + 1
    chunk = max(1, min(total, int(CHUNK_BYTES / (rows * 9 * 8))))
    for start in range(0, total, chunk):
        part = currents[start:start + chunk]
        done = (lambda d, n, start=start: progress(start + d, total)) if progress else None
        t, V, h_end, part_spikes = sweep(part, settings, threshold, accuracy, threads, executor, done)
        warn_voltage_range(V, t, "the current", stacklevel=3)
        for i, I in enumerate(part):
            late = part_spikes[i][part_spikes[i] >= transient]
            kind, amplitude, peak, frequency = classify(t, V[i], h_end[i], sustained_rate(late, duration) > 0,
                                                        len(part_spikes[i]) > 0, transient, duration)
            spikes.append(part_spikes[i]), classes.append(kind), amplitudes.append(amplitude), peaks.append(peak)
            frequencies.append(frequency)
    late = [s[s >= transient] for s in spikes]
    counts = np.array([len(s) for s in late], dtype=np.int64)
    rates = np.array([sustained_rate(s, duration) for s in late])
    bracket = onset_bracket(currents, rates)
    if bracket is not None and onset_tolerance is not None:
        bracket = refine_onset(*bracket, onset_tolerance, threshold=threshold, transient=transient, **settings)
    metadata = model_metadata(method, dt, temperature, params, accuracy=accuracy, mode="current",
                              V0=0.0, voltage_convention="rest-relative (spec §2.2)")
    return FICurve(currents, rates, counts, duration, transient, threshold, tuple(classes), np.array(amplitudes),
                   np.array(peaks), tuple(spikes), bracket, onset_tolerance, metadata, np.array(frequencies))


def sweep(currents: np.ndarray, settings: dict, threshold: float, accuracy: str, threads, executor, progress):
    """Run some currents: sample times, V (currents, samples), h at the end, spike times."""
    dt = check_positive("dt", settings["dt"])
    every = max(1, round(SAMPLE_MS / dt))
    duration = settings["duration"]
    capacity = min(int(duration) + 1, 2**16)  # no HH membrane fires faster than once per ms
    if cbackend.available():
        try:
            batch = simulate_batch(current=currents, spike_threshold=threshold, spike_capacity=capacity,
                                   record_every=min(every, round(duration / dt)), accuracy=accuracy,
                                   threads=threads, executor=executor, progress=progress, **settings)
        except NumericalInstabilityError as e:  # name the current, not the neuron
            raise NumericalInstabilityError(e.step, e.t, None, settings["method"], e.dt, neuron=e.neuron,
                                            where=f"at {currents[e.neuron]:g} uA/cm^2") from None
        return batch.t, batch.column("V"), batch.column("h")[:, -1], batch.spikes
    results = []
    for j, I in enumerate(currents):
        results.append(simulate(float(I), spike_threshold=threshold, record_every=every, **settings))
        if progress:
            progress(j + 1, len(currents))
    return (results[0].t, np.array([r.V for r in results]), np.array([r.h[-1] for r in results]),
            [r.spikes for r in results])


def onset_bracket(currents: np.ndarray, rates: np.ndarray) -> tuple[float, float] | None:
    """(the largest current below the first firing one that does not fire, the first firing
    current), in increasing order of current; None if nothing fires or the lowest current fires."""
    order = np.argsort(currents, kind="stable")
    firing = np.flatnonzero(rates[order] > 0)
    if len(firing) == 0 or firing[0] == 0:
        return None
    j = firing[0]
    return float(currents[order][j - 1]), float(currents[order][j])


def fires(current: float, *, duration: float, transient: float, threshold: float, **settings) -> bool:
    """Does a constant current give sustained repetitive firing (fi_curve's rule)?"""
    result = simulate(current, duration=duration, spike_threshold=threshold, record_every=round(duration / settings["dt"]),
                      backend="c" if cbackend.available() else "python", **settings)
    return sustained_rate(result.spikes[result.spikes >= transient], duration) > 0


def refine_onset(low: float, high: float, tolerance: float, *, duration: float = 500.0, transient: float = 100.0,
                 threshold: float = SPIKE_THRESHOLD_DEFAULT, **settings) -> tuple[float, float]:
    """Bisect a bracket (low does not fire, high fires) until high - low <= tolerance (uA/cm^2).

    Assumes one transition inside the bracket (true of the HH onset at a fine grid step);
    settings: dt, method, temperature, params as for fi_curve.
    """
    tolerance = check_positive("onset_tolerance", tolerance, "uA/cm^2")
    settings.setdefault("dt", DT_DEFAULT)
    while high - low > tolerance:
        middle = 0.5 * (low + high)
        if middle in (low, high):  # no double between them
            break
        if fires(middle, duration=duration, transient=transient, threshold=threshold, **settings):
            high = middle
        else:
            low = middle
    return low, high


def summary(curve: FICurve, absolute: bool = False) -> list[str]:
    """Lines for people: the onset bracket, then each run of currents in one class with its amplitudes."""
    from .reference.parameters import V_REST_ABSOLUTE

    shift, scale = (V_REST_ABSOLUTE, "mV absolute") if absolute else (0.0, "mV from rest")
    lines = []
    if curve.onset_bracket is not None:
        low, high = curve.onset_bracket
        how = (f"refined by bisection to {curve.onset_tolerance:g}" if curve.onset_tolerance is not None
               else "the grid's bracket; --onset-tolerance refines it")
        lines.append(f"onset of repetitive firing between {low:.6g} (does not fire) and {high:.6g} uA/cm^2 (fires); "
                     f"{how}")
    elif curve.onset is not None:
        lines.append(f"fires from the first current, {curve.onset:g} uA/cm^2: the onset lies below the sweep")
    else:
        lines.append("no sustained repetitive firing in this range")
    order = np.argsort(curve.currents, kind="stable")
    runs: list[list[int]] = []
    for i in order:
        if runs and curve.classes[runs[-1][-1]] == curve.classes[i]:
            runs[-1].append(int(i))
        else:
            runs.append([int(i)])
    for run in runs:
        kind, first, last = curve.classes[run[0]], curve.currents[run[0]], curve.currents[run[-1]]
        where = f"{first:g} uA/cm^2" if len(run) == 1 else f"{first:g} to {last:g} uA/cm^2"
        A, peak = curve.amplitudes[run], curve.peaks[run] + shift
        span = (lambda x: f"{x[0]:.1f}" if len(x) == 1 or abs(x[0] - x[-1]) < 0.05 else f"{x[0]:.1f} to {x[-1]:.1f}")
        if kind == "firing":
            rates = curve.rates[run]
            detail = f"{span(rates)} Hz, amplitude {span(A)} mV"
        elif kind.endswith("oscillation"):
            detail = (f"not crossing the threshold ({curve.threshold + shift:g} {scale}): "
                      f"{span(curve.frequencies[run])} Hz, amplitude {span(A)} mV, peaks {span(peak)} {scale}")
        elif kind == "onset spikes":
            counts = [len(curve.spikes[i]) for i in run]
            detail = (f"{min(counts)}{'' if min(counts) == max(counts) else f' to {max(counts)}'} spike(s) at the "
                      f"onset, then steady at {span(peak)} {scale}")
        else:
            detail = f"steady at {span(peak)} {scale}"
        lines.append(f"  {where}: {kind}, {detail}")
    return lines
