"""Spec §3: the model parameters, their defaults and accepted ranges.

The values are spelled out here for the reader; spec/model.toml is where they
are defined, and tests/test_spec_file.py proves the two agree.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from .checks import check_names, check_range
from .errors import InvalidInputError

#: §12: the version of the spec this reference implements.
SPEC_VERSION = "3.1.0"

#: §2.2: add this to a rest-relative voltage to get NEURON's absolute convention.
V_REST_ABSOLUTE = -65.0

#: §3.1: name -> (default, minimum, maximum, minimum excluded?, unit).
PARAMETER_TABLE: dict[str, tuple[float, float, float, bool, str]] = {
    "C_m": (1.0, 0.0, 1.0e3, True, "uF/cm^2"),
    "g_Na": (120.0, 0.0, 1.0e4, False, "mS/cm^2"),
    "g_K": (36.0, 0.0, 1.0e4, False, "mS/cm^2"),
    "g_L": (0.3, 0.0, 1.0e4, False, "mS/cm^2"),
    "E_Na": (115.0, -1.0e3, 1.0e3, False, "mV"),
    "E_K": (-12.0, -1.0e3, 1.0e3, False, "mV"),
    "E_L": (10.6, -1.0e3, 1.0e3, False, "mV"),
}

#: §3.2: default temperature (degC) and the accepted range.
TEMPERATURE_DEFAULT = 6.3
TEMPERATURE_RANGE = (-40.0, 60.0)

#: §6.1 and §9: default initial voltage and spike threshold (mV, rest-relative).
V0_DEFAULT = 0.0
V0_RANGE = (-1.0e3, 1.0e3)
SPIKE_THRESHOLD_DEFAULT = 50.0

#: §9: halvings of the step when a spike time is located on the cubic through V and dV/dt.
SPIKE_BISECTIONS = 50

#: The default time step (ms) of every API and command (spec/model.toml: dt_default; not part of conformance).
DT_DEFAULT = 0.01


@dataclasses.dataclass(frozen=True)
class Parameters:
    """The membrane's constants (§3.1); every field is validated on creation.

    Attributes (HH 1952 values by default):
        C_m: membrane capacitance, uF/cm^2 (1.0).
        g_Na, g_K, g_L: maximal conductances, mS/cm^2 (120, 36, 0.3).
        E_Na, E_K, E_L: reversal potentials, mV from rest (115, -12, 10.6).
    """

    C_m: float = 1.0
    g_Na: float = 120.0
    g_K: float = 36.0
    g_L: float = 0.3
    E_Na: float = 115.0
    E_K: float = -12.0
    E_L: float = 10.6

    def __post_init__(self) -> None:
        for name, (_, low, high, low_excluded, unit) in PARAMETER_TABLE.items():
            value = check_range(name, getattr(self, name), low, high, low_excluded, unit)
            object.__setattr__(self, name, value)

    @classmethod
    def from_overrides(cls, overrides: "Parameters | Mapping[str, Any] | None") -> "Parameters":
        """Defaults with `overrides` applied; an unknown name is an error, never ignored."""
        if isinstance(overrides, Parameters):
            return overrides
        return cls(**parameter_overrides(overrides))

    def overrides(self) -> dict[str, float]:
        """The fields that differ from the defaults, in the spec's order."""
        return {
            name: getattr(self, name)
            for name, (default, *_) in PARAMETER_TABLE.items()
            if getattr(self, name) != default
        }


def parameter_overrides(params: "Parameters | Mapping[str, Any] | None") -> dict[str, Any]:
    """§3.1: parameters given as a Parameters, a mapping of overrides by name, or None,
    as a dict of overrides (values unchecked); an unknown name is an error."""
    if params is None:
        return {}
    if isinstance(params, Parameters):
        return dataclasses.asdict(params)
    if not isinstance(params, Mapping):
        raise InvalidInputError(f"params must be a pyhh.Parameters or a mapping such as {{'g_K': 30}}, got {params!r:.80}")
    overrides = dict(params)
    check_names("parameter", overrides, PARAMETER_TABLE)
    return overrides
