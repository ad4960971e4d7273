"""The frequency-current (F-I) curve: firing rate against constant current.

One call of the batch kernel runs the whole sweep (one neuron per current);
without the C backend each current runs on the reference instead.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Executor
from typing import Any

import numpy as np

from . import cbackend
from .api import simulate
from .batch import simulate_batch
from .errors import InvalidInputError
from .parameters import TEMPERATURE_DEFAULT, Parameters, check_real


@dataclasses.dataclass(frozen=True)
class FICurve:
    """currents (uA/cm^2); rates (Hz): 1000 / the mean interspike interval of
    the spikes after the transient (0 with fewer than two); spike_counts: the
    spikes after the transient; onset: the smallest current with a non-zero
    rate (sustained repetitive firing), or None."""

    currents: np.ndarray
    rates: np.ndarray
    spike_counts: np.ndarray
    duration: float
    transient: float

    @property
    def onset(self) -> float | None:
        """The smallest current with sustained firing (uA/cm^2), or None."""
        firing = np.flatnonzero(self.rates > 0)
        return float(self.currents[firing[0]]) if len(firing) else None


def fi_curve(
    currents: Sequence[float] | np.ndarray,
    *,
    duration: float = 500.0,
    transient: float = 100.0,
    dt: float = 0.01,
    method: str = "exp_euler",
    temperature: float = TEMPERATURE_DEFAULT,
    params: Parameters | Mapping[str, Any] | None = None,
    accuracy: str = "exact",
    threads: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FICurve:
    """Firing rate of the membrane at each constant current, from rest.

    Spikes before `transient` ms (the onset response) are not counted, so a
    current that fires once and falls silent has rate 0: the rate measures
    sustained repetitive firing, as 1000 / the mean interspike interval (ms).
    """
    currents = np.asarray(currents, dtype=np.float64)
    if currents.ndim != 1 or len(currents) == 0:
        raise InvalidInputError("currents must be a non-empty one-dimensional array")
    duration, transient = check_real("duration", duration), check_real("transient", transient)
    if not 0.0 <= transient < duration:
        raise InvalidInputError(f"transient = {transient!r} ms must lie in [0, duration = {duration!r} ms)")
    capacity = int(duration) + 1  # at most one spike per ms
    if cbackend.available():
        batch = simulate_batch(current=currents, duration=duration, dt=dt, method=method, temperature=temperature,
                               params=params, spike_capacity=capacity, accuracy=accuracy, threads=threads,
                               executor=executor, progress=progress)
        spikes = batch.spikes
    else:
        spikes = [simulate(float(I), duration=duration, dt=dt, method=method, temperature=temperature,
                           params=params, record_every=round(duration / dt)).spikes for I in currents]
    late = [s[s >= transient] for s in spikes]
    counts = np.array([len(s) for s in late], dtype=np.int64)
    rates = np.array([1000.0 / np.mean(np.diff(s)) if len(s) >= 2 else 0.0 for s in late])
    return FICurve(currents, rates, counts, duration, transient)
