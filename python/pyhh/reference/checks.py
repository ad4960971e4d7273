"""Spec §8.4: the input checks, one function and one message per rule.

Every layer of pyhh (the reference, the API, the batch kernel's inputs, the
case-file reader, the command line) checks its input through these functions,
so that a rule is stated once and reads the same wherever it fires. The C
port's messages (codegen/generate.py) use the same words; a test compares them.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

from .errors import InvalidInputError

#: §8.4, §10.1: step counts, step indices and case-file integers go up to 2^53,
#: so that every k and k * dt is exact in a double (spec/model.toml: max_integer).
MAX_INTEGER = 2**53


def show_integer(value: int) -> str:
    """An integer as a message shows it: in full up to 40 digits, else its first digits and its length
    (str() of more than 4,300 digits raises ValueError)."""
    try:
        text = str(abs(int(value)))
    except ValueError:
        return f"{'-' if value < 0 else ''}an integer of more than 4300 digits"
    sign = "-" if value < 0 else ""
    return f"{sign}{text}" if len(text) <= 40 else f"{sign}{text[:6]}... (an integer of {len(text)} digits)"


def check_real(name: str, value: Any) -> float:
    """§8.4: a finite real number, as a float; else an error naming `name` (an integer or fraction
    beyond the range of a double is one too, not an OverflowError)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidInputError(f"{name} must be a real number, got {value!r:.200}")
    try:
        x = float(value)
    except OverflowError:
        shown = show_integer(value) if isinstance(value, numbers.Integral) else f"{value!r:.60}"
        raise InvalidInputError(f"{name} = {shown} is beyond the range of a double (about 1.8e308)") from None
    if not math.isfinite(x):
        raise InvalidInputError(f"{name} must be finite, got {x!r}")
    return x


def check_bool(name: str, value: Any) -> bool:
    """A switch (clamp, absolute): True or False (a NumPy bool too), never a string such as 'false'
    or a number, whose truth would be taken silently."""
    numpy_bool = type(value).__module__ == "numpy" and type(value).__name__ in ("bool_", "bool")
    if not (isinstance(value, bool) or numpy_bool):
        raise InvalidInputError(f"{name} must be True or False, got {value!r:.80}")
    return bool(value)


def check_range(name: str, value: Any, low: float, high: float, low_excluded: bool = False, unit: str = "") -> float:
    """§8.4: a finite number inside [low, high] (or (low, high] with low_excluded), as a float."""
    x = check_real(name, value)
    too_low = x <= low if low_excluded else x < low
    if too_low or x > high:
        bracket = "(" if low_excluded else "["
        unit_text = f" {unit}" if unit else ""
        raise InvalidInputError(
            f"{name} = {x!r}{unit_text} is outside the accepted range {bracket}{float(low)!r}, {float(high)!r}]"
        )
    return x


def check_positive(name: str, value: Any, unit: str = "ms") -> float:
    """§8.4: a finite number greater than 0 (dt, a duration, a timeout), as a float."""
    x = check_real(name, value)
    if x <= 0.0:
        raise InvalidInputError(f"{name} = {x!r} {unit} must be greater than 0")
    return x


def check_integer(name: str, value: Any, minimum: int = 1) -> int:
    """§8.4: a whole number from `minimum` to 2^53 (a count or a step index), as an int."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidInputError(f"{name} must be a whole number, got {value!r}")
    if value < minimum:
        raise InvalidInputError(f"{name} = {show_integer(value)} must be at least {minimum}")
    if value > MAX_INTEGER:
        raise InvalidInputError(f"{name} = {show_integer(value)} is larger than 2^53")
    return int(value)


def check_last_time(dt: float, steps: int) -> None:
    """§8.4: steps * dt, the time of the state after the last step, is a finite double (then every
    t_k = k * dt of the run is); else an error naming dt."""
    if not math.isfinite(steps * dt):
        raise InvalidInputError(f"dt = {dt!r} ms is too large for steps = {steps}: steps * dt = {steps * dt!r} ms "
                                f"is not finite")


def check_at_most(name: str, value: int, limit_name: str, limit: int) -> int:
    """§8.4: value <= limit, for a whole number bounded by another (record_every by steps)."""
    if value > limit:
        raise InvalidInputError(f"{name} = {value} is larger than {limit_name} = {limit}; it must be at most {limit_name}")
    return value


def check_choice(what: str, value: Any, choices: Iterable[str], plural: str | None = None) -> str:
    """§8.4: one of the named choices (a method, a mode, a backend, a parameter name)."""
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise InvalidInputError(f"unknown {what} {value!r}; the {plural or what + 's'} are {', '.join(choices)}")
    return value


def check_names(what: str, names: Iterable[Any], choices: Iterable[str]) -> None:
    """§3.1: every name is one of the choices (the keys of a parameter mapping); the first unknown one is named."""
    choices = tuple(choices)
    for name in sorted(names, key=str):
        check_choice(what, name, choices)
