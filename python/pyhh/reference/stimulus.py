"""Spec §6.2: the drive u_k applied during step k, from pulses and/or a waveform.

Everything is stated in step indices, so that no implementation ever compares
floating-point times: pulse j is on during step k when start_j <= k < stop_j.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from typing import Any

from .checks import check_integer, check_real
from .errors import InvalidInputError


@dataclasses.dataclass(frozen=True)
class StepPulse:
    """§6.2: a rectangular pulse on during steps start <= k < stop (step indices).

    amplitude is in uA/cm^2 in current mode and in mV (added to V0) in clamp mode.
    """

    start: int
    stop: int
    amplitude: float

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", check_integer("pulse start", self.start, minimum=0))
        object.__setattr__(self, "stop", check_integer("pulse stop", self.stop, minimum=0))
        if self.stop < self.start:
            raise InvalidInputError(f"pulse stop = {self.stop} must be >= its start = {self.start}")
        object.__setattr__(self, "amplitude", check_real("pulse amplitude", self.amplitude))


@dataclasses.dataclass(frozen=True)
class Stimulus:
    """§6.2: the drive: an optional waveform (one value per step) plus pulses."""

    pulses: tuple[StepPulse, ...] = ()
    waveform: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        if isinstance(self.pulses, (str, bytes)) or not isinstance(self.pulses, (list, tuple)):
            raise InvalidInputError(f"pulses must be a list of StepPulse, got {self.pulses!r:.80}")
        pulses = tuple(self.pulses)
        for j, pulse in enumerate(pulses):
            if not isinstance(pulse, StepPulse):
                raise InvalidInputError(f"pulse {j} must be a StepPulse, got {pulse!r}")
        object.__setattr__(self, "pulses", pulses)
        if self.waveform is not None:
            object.__setattr__(self, "waveform", waveform_values(self.waveform))

    def check_length(self, steps: int) -> None:
        """§8.4: a waveform must give exactly one value per step."""
        if self.waveform is not None and len(self.waveform) != steps:
            raise InvalidInputError(
                f"the stimulus waveform has {len(self.waveform)} values but the run has {steps} steps; "
                "give exactly one value per step"
            )


def waveform_values(values: Sequence[Any]) -> tuple[float, ...]:
    """§8.4: the waveform as floats; a NaN or infinity is an error naming its index."""
    out = []
    for k, value in enumerate(values):
        if isinstance(value, (str, bytes, bool)):  # float("1") and float(True) would accept them
            raise InvalidInputError(f"stimulus waveform[{k}] = {value!r} is not a number")
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise InvalidInputError(f"stimulus waveform[{k}] = {value!r} is not a number") from None
        except OverflowError:  # an integer beyond the largest double
            raise InvalidInputError(f"stimulus waveform[{k}] = {value!r:.40} is not finite") from None
        if not math.isfinite(x):
            raise InvalidInputError(f"stimulus waveform[{k}] = {x!r} is not finite")
        out.append(x)
    return tuple(out)


def drive(stimulus: Stimulus, k: int) -> float:
    """§6.2: u_k = w_k (or 0) plus each pulse on at step k, added in listed order."""
    u = stimulus.waveform[k] if stimulus.waveform is not None else 0.0
    for pulse in stimulus.pulses:
        if pulse.start <= k < pulse.stop:
            u = u + pulse.amplitude
    return u
