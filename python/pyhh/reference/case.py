"""Spec §6 and §10: a case, everything that defines one simulation, and its checks.

A Case is what both backends run. Building one validates every field, so a bad
value is reported, by name, before any step of any backend runs.
"""

from __future__ import annotations

import dataclasses

from .checks import (
    check_at_most,
    check_choice,
    check_integer,
    check_last_time,
    check_positive,
    check_range,
    check_real,
)
from .errors import InvalidInputError
from .parameters import (
    DT_DEFAULT,
    SPIKE_THRESHOLD_DEFAULT,
    TEMPERATURE_DEFAULT,
    TEMPERATURE_RANGE,
    V0_DEFAULT,
    V0_RANGE,
    Parameters,
)
from .stimulus import Stimulus

#: §7: the integration methods, in the spec's order.
METHODS = ("euler", "exp_euler", "rk4", "staggered_cn", "staggered_exp")

#: §7.4: the methods whose gates live at half steps.
STAGGERED = ("staggered_cn", "staggered_exp")

#: §7.6: the method of every API and command when none is named (spec/model.toml: [methods] default).
DEFAULT_METHOD = "staggered_cn"

#: §6.3: what the drive means: an injected current, or a voltage command.
MODES = ("current", "clamp")


def check_run(case: object) -> None:
    """§8.4: the fields a patch case and a cable case (§13.10) share: dt, steps, record_every,
    temperature, V0, the spike threshold and the membrane's parameters, each checked and stored."""
    set_ = object.__setattr__
    set_(case, "dt", check_positive("dt", case.dt))
    set_(case, "steps", check_integer("steps", case.steps))
    check_last_time(case.dt, case.steps)
    set_(case, "record_every", check_integer("record_every", case.record_every))
    check_at_most("record_every", case.record_every, "steps", case.steps)
    set_(case, "temperature", check_range("temperature", case.temperature, *TEMPERATURE_RANGE, unit="degC"))
    set_(case, "V0", check_range("V0", case.V0, *V0_RANGE, unit="mV"))
    set_(case, "spike_threshold", check_real("spike_threshold", case.spike_threshold))
    if not isinstance(case.params, Parameters):
        raise InvalidInputError(f"params must be a pyhh.Parameters, got {case.params!r}")


@dataclasses.dataclass(frozen=True)
class Case:
    """One simulation, as a golden case file states it (§10.1).

    Attributes:
        method: "euler", "exp_euler", "rk4", "staggered_cn" (the default) or "staggered_exp" (§7).
        dt: time step, ms (> 0).
        steps: number of steps (>= 1); the run covers t = 0 .. steps * dt.
        record_every: keep the rows of steps 0, r, 2r, ... (§8.2).
        temperature: degC (§3.2).
        V0: initial (current mode) or holding (clamp mode) voltage, mV from rest.
        params: the membrane's constants (§3.1).
        mode: "current" (the drive is I_stim) or "clamp" (V = V0 + drive) (§6.3).
        stimulus: the drive, in step indices (§6.2).
        spike_threshold: mV from rest (§9).
    """

    method: str = DEFAULT_METHOD
    dt: float = DT_DEFAULT
    steps: int = 1
    record_every: int = 1
    temperature: float = TEMPERATURE_DEFAULT
    V0: float = V0_DEFAULT
    params: Parameters = dataclasses.field(default_factory=Parameters)
    mode: str = "current"
    stimulus: Stimulus = dataclasses.field(default_factory=Stimulus)
    spike_threshold: float = SPIKE_THRESHOLD_DEFAULT
    name: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        check_choice("method", self.method, METHODS)
        check_choice("mode", self.mode, MODES)
        check_run(self)
        if not isinstance(self.stimulus, Stimulus):
            raise InvalidInputError(f"stimulus must be a pyhh.Stimulus, got {self.stimulus!r}")
        self.stimulus.check_length(self.steps)

    @property
    def clamp(self) -> bool:
        """True in voltage-clamp mode (§6.3)."""
        return self.mode == "clamp"

    @property
    def n_rows(self) -> int:
        """§8.2: the number of recorded rows, ceil(steps / record_every)."""
        return (self.steps + self.record_every - 1) // self.record_every
