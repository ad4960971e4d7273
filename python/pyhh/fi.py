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
from .batch import real_array, simulate_batch
from .reference.case import DEFAULT_METHOD
from .reference.checks import check_real
from .reference.errors import InvalidInputError, NumericalInstabilityError
from .reference.parameters import DT_DEFAULT, TEMPERATURE_DEFAULT, Parameters


@dataclasses.dataclass(frozen=True)
class FICurve:
    """currents (uA/cm^2); rates (Hz): 1000 / the mean interspike interval of
    the spikes after the transient, when the firing is sustained, else 0;
    spike_counts: the spikes after the transient; onset: the smallest current
    with a non-zero rate (sustained repetitive firing), or None."""

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


def sustained_rate(spikes: np.ndarray, duration: float) -> float:
    """1000 / mean interspike interval (Hz) if the spikes go on to the end of the run, else 0."""
    if len(spikes) < 2:
        return 0.0
    interval = float(np.mean(np.diff(spikes)))
    return 1000.0 / interval if spikes[-1] >= duration - 2.0 * interval else 0.0


def fi_curve(
    currents: Sequence[float] | np.ndarray,
    *,
    duration: float = 500.0,
    transient: float = 100.0,
    dt: float = DT_DEFAULT,
    method: str = DEFAULT_METHOD,
    temperature: float = TEMPERATURE_DEFAULT,
    params: Parameters | Mapping[str, Any] | None = None,
    accuracy: str = "exact",
    threads: int | None = None,
    executor: Executor | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> FICurve:
    """Firing rate of the membrane at each constant current, from rest.

    The rate measures sustained repetitive firing: spikes before `transient`
    ms (the onset response) are not counted, and firing counts as sustained
    only with at least two spikes after the transient, the last of them within
    two mean interspike intervals of the end of the run. A current that fires a
    burst and falls silent has rate 0. The rate is 1000 / the mean interval (ms).
    """
    currents = real_array("currents", currents)
    if currents.ndim != 1 or len(currents) == 0:
        raise InvalidInputError("currents must be a non-empty one-dimensional array")
    duration, transient = check_real("duration", duration), check_real("transient", transient)
    if not 0.0 <= transient < duration:
        raise InvalidInputError(f"transient = {transient!r} ms must lie in [0, duration = {duration!r} ms)")
    capacity = min(int(duration) + 1, 2**16)  # no HH membrane fires faster than once per ms
    if cbackend.available():
        try:
            batch = simulate_batch(current=currents, duration=duration, dt=dt, method=method, temperature=temperature,
                                   params=params, spike_capacity=capacity, accuracy=accuracy, threads=threads,
                                   executor=executor, progress=progress)
        except NumericalInstabilityError as e:  # name the current, not the neuron
            raise NumericalInstabilityError(e.step, e.t, None, method, e.dt, neuron=e.neuron,
                                            where=f"at {currents[e.neuron]:g} uA/cm^2") from None
        spikes = batch.spikes
    else:
        spikes = [simulate(float(I), duration=duration, dt=dt, method=method, temperature=temperature,
                           params=params, record_every=round(duration / dt)).spikes for I in currents]
    late = [s[s >= transient] for s in spikes]
    counts = np.array([len(s) for s in late], dtype=np.int64)
    rates = np.array([sustained_rate(s, duration) for s in late])
    return FICurve(currents, rates, counts, duration, transient)
