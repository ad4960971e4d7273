"""Warnings (not errors) for input that is valid but probably not what was meant.

- RestRelativeWarning: a voltage given in one convention that looks like the
  other's default (spec §2.2): V0 (or a holding potential) near -65 mV in
  pyhh's rest-relative convention, the usual habit of NEURON users, who mean
  rest (in pyhh that is 65 mV below rest), or a spike threshold near -15 mV;
  and with absolute=True, V0 near 0 mV (65 mV above rest) or a threshold near
  50 mV (115 mV above rest, above any action potential's peak).
- StimulusWarning: a pulse that runs past the end of the run (its tail is
  never applied), or a stimulus that took V outside any physiological range.

The physiological bound: the most extreme reversal potentials of the ions cells
use are about -100 mV (E_K) and +130 mV (E_Ca), absolute; no membrane is
driven by its own channels beyond them, and lipid membranes break down
(electroporation) at a few hundred mV. V outside [-150, +150] mV absolute
(PHYSIOLOGICAL_V_ABSOLUTE) is beyond any physiological value: the model still
computes it, but it describes no living membrane.
"""

from __future__ import annotations

import warnings

import numpy as np

from .reference.checks import check_bool
from .reference.parameters import V_REST_ABSOLUTE


class PyhhWarning(UserWarning):
    """The base of pyhh's warnings."""


class RestRelativeWarning(PyhhWarning):
    """A voltage given in one convention (rest-relative or absolute) that looks like the other's default."""


class StimulusWarning(PyhhWarning):
    """A stimulus that runs past the end of the run, or takes V beyond physiology."""


#: Absolute membrane potentials (mV) beyond which no living membrane goes (see above).
PHYSIOLOGICAL_V_ABSOLUTE = (-150.0, 150.0)

#: A rest-relative voltage within this many mV of V_rest_absolute (-65) draws RestRelativeWarning.
REST_HABIT_MARGIN = 5.0


def to_rest_relative(V: float, absolute: bool) -> float:
    """A voltage as pyhh computes with it: rest-relative (spec §2.2)."""
    return V - V_REST_ABSOLUTE if check_bool("absolute", absolute) else V


def voltage_argument(name: str, value, default: float, absolute: bool, stacklevel: int = 3):
    """A voltage argument (V0, a holding potential, a spike threshold) as pyhh computes with it,
    rest-relative (spec §2.2): `default` (rest-relative) when value is None, whichever
    convention was asked for, so that the defaults mean the same membrane in both; otherwise
    value, converted from absolute when absolute is true (a number or an array, checked by the
    caller). Warns when a value given looks like the other convention's default: within
    REST_HABIT_MARGIN of default + V_REST_ABSOLUTE given rest-relative, or of default given
    absolute (for an array, the first such value)."""
    check_bool("absolute", absolute)
    if value is None:
        return default
    other = default if absolute else default + V_REST_ABSOLUTE
    near = np.abs(np.asarray(value, dtype=np.float64) - other) <= REST_HABIT_MARGIN
    if np.any(near):
        i = int(np.argmax(near.ravel()))
        given = float(np.ravel(value)[i])
        where = f"{name}[{i}]" if np.ndim(value) else name
        relative = given - V_REST_ABSOLUTE if absolute else given
        if absolute:
            advice = (f"it is {relative:g} mV from rest. For the default ({default + V_REST_ABSOLUTE:g} mV absolute) "
                      f"leave {name} out, or give rest-relative voltages without absolute=True (--absolute)")
        else:
            advice = (f"{given + V_REST_ABSOLUTE:g} mV absolute. For the default ({default:g} mV from rest) leave "
                      f"{name} out, or give absolute voltages with absolute=True (--absolute)")
        convention = "absolute" if absolute else "rest-relative"
        warnings.warn(f"{where} = {given:g} mV is {convention}, as asked: {advice}", RestRelativeWarning,
                      stacklevel=stacklevel)
    return to_rest_relative(value, absolute)


def warn_rest_habit(name: str, V: float, absolute: bool, stacklevel: int = 3) -> None:
    """Warn when a rest-relative V0 or holding potential is about -65 mV."""
    if not absolute and abs(V - V_REST_ABSOLUTE) <= REST_HABIT_MARGIN:
        warnings.warn(f"{name} = {V:g} mV is rest-relative in pyhh: {-V:g} mV below rest, "
                      f"{V + V_REST_ABSOLUTE:g} mV absolute. For rest give {name} = 0, or give absolute "
                      "voltages with absolute=True (--absolute)", RestRelativeWarning, stacklevel=stacklevel)


def warn_past_end(pulses, steps: int, dt: float, stacklevel: int = 3) -> None:
    """Warn for each pulse (StepPulse) whose stop lies beyond the last step."""
    for j, pulse in enumerate(pulses):
        if pulse.stop > steps and pulse.start < pulse.stop:
            warnings.warn(f"pulse {j} runs to {pulse.stop * dt:g} ms, past the end of the run at {steps * dt:g} ms; "
                          f"its last {(pulse.stop - max(pulse.start, steps)) * dt:g} ms are never applied",
                          StimulusWarning, stacklevel=stacklevel)


def warn_voltage_range(V: np.ndarray, t: np.ndarray | None = None, what: str = "the stimulus",
                       stacklevel: int = 3) -> None:
    """Warn when rest-relative V left the physiological range [-150, +150] mV absolute."""
    if V.size == 0:
        return
    low, high = (bound - V_REST_ABSOLUTE for bound in PHYSIOLOGICAL_V_ABSOLUTE)
    worst = int(np.argmax(np.abs(V - (low + high) / 2))) if np.isfinite(V).all() else None
    if worst is None:
        return
    value = float(V.flat[worst])
    if low <= value <= high:
        return
    when = f" at t = {float(t.flat[worst % t.size]):g} ms" if t is not None and t.size else ""
    warnings.warn(f"{what} took V to {value:g} mV from rest ({value + V_REST_ABSOLUTE:g} mV absolute){when}, "
                  f"beyond any physiological range ({PHYSIOLOGICAL_V_ABSOLUTE[0]:g} to "
                  f"{PHYSIOLOGICAL_V_ABSOLUTE[1]:g} mV absolute)", StimulusWarning, stacklevel=stacklevel)
