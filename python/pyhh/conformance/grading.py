"""Spec §11: compare a port's trace with a golden trace and name the level it reaches.

Levels, strictest first: "exact" (bit for bit), "float64" and "float32" (every
column within that level's tolerance), "spikes" (same spikes, found by §9 on
the rows, each within SPIKE_TIME_TOLERANCE), else "fail".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from ..reference.run import COLUMNS, linear_crossing

#: §11.2: the largest accepted |port - golden| per column, by level.
TOLERANCES: dict[str, dict[str, float]] = {
    "float64": {"t": 1e-9, "V": 1e-8, "m": 1e-10, "h": 1e-10, "n": 1e-10,
                "I_Na": 1e-7, "I_K": 1e-7, "I_L": 1e-7, "I_stim": 1e-7},
    "float32": {"t": 1e-4, "V": 0.5, "m": 5e-3, "h": 5e-3, "n": 5e-3,
                "I_Na": 5.0, "I_K": 5.0, "I_L": 0.5, "I_stim": 0.5},
}
SPIKE_TIME_TOLERANCE = 0.05  # ms
#: §11.2: every-step spike times against the manifest's, at the float64 level (ms).
MANIFEST_SPIKE_TOLERANCE_FLOAT64 = 1e-9
LEVELS = ("exact", "float64", "float32", "spikes", "fail")


def trace_spikes(t: np.ndarray, V: np.ndarray, theta: float) -> list[float]:
    """§11.2: the upward crossings of theta between consecutive recorded rows, located
    by the straight line between them (§9 step 3: rows hold no drive between them)."""
    times = []
    for j in range(1, len(t)):
        if V[j - 1] < theta <= V[j]:
            times.append(linear_crossing(float(t[j - 1]), float(t[j]), float(V[j - 1]), float(V[j]), theta))
    return times


@dataclass(frozen=True)
class Comparison:
    """The level a trace reaches and where it departs from the golden one.

    first_departure: (row, column) of the first value outside the float64
    tolerance, or None. largest: the largest |difference| per column.
    """

    level: str
    first_departure: tuple[int, str] | None
    largest: dict[str, float]
    detail: str


def quantity(column: str) -> str:
    """§13.11: the quantity of a column, whose tolerance it takes: V_12 -> V, m_3 -> m, t -> t."""
    return column if column in TOLERANCES["float64"] else column.split("_")[0]


def within(diff: np.ndarray, level: str, columns: Sequence[str] = COLUMNS) -> np.ndarray:
    """Boolean (rows, columns): each difference within the level's tolerance."""
    return diff <= np.array([TOLERANCES[level][quantity(c)] for c in columns])


def compare(port: np.ndarray, golden: np.ndarray, spike_threshold: float, spikes: bool = True,
            columns: Sequence[str] = COLUMNS) -> Comparison:
    """Compare two (rows, columns) traces under §11.2 (a cable's columns by §13.11); spikes=False
    (clamp cases) skips the spikes level, which a cable applies to each of its V columns."""
    if port.shape != golden.shape:
        return Comparison("fail", None, {}, f"{port.shape[0]} rows, expected {golden.shape[0]}")
    with np.errstate(invalid="ignore"):
        diff = np.abs(port - golden)
    diff[np.isnan(diff)] = np.inf
    largest = {c: float(diff[:, j].max(initial=0.0)) for j, c in enumerate(columns)}
    bad = np.argwhere(~within(diff, "float64", columns))
    first = (int(bad[0][0]), columns[bad[0][1]]) if len(bad) else None
    if not np.isfinite(port).all():
        row, col = np.argwhere(~np.isfinite(port))[0]
        return Comparison("fail", first, largest, f"{port[row, col]} at row {row}, column {columns[col]}")
    if np.array_equal(port, golden):  # as doubles: -0.0 equals 0.0
        return Comparison("exact", None, largest, "bit for bit")
    for level in ("float64", "float32"):
        if within(diff, level, columns).all():
            return Comparison(level, first, largest, f"within the {level} tolerances")
    if not spikes:
        return Comparison("fail", first, largest, "outside the float32 tolerances")
    ours, theirs = [], []
    for j, c in enumerate(columns):
        if quantity(c) == "V":
            ours += trace_spikes(port[:, 0], port[:, j], spike_threshold)
            theirs += trace_spikes(golden[:, 0], golden[:, j], spike_threshold)
    if len(ours) != len(theirs):
        return Comparison("fail", first, largest, f"{len(ours)} spikes, expected {len(theirs)}")
    shift = max((abs(a - b) for a, b in zip(ours, theirs)), default=0.0)
    if shift <= SPIKE_TIME_TOLERANCE:
        return Comparison("spikes", first, largest, f"same {len(ours)} spikes, times within {shift:.2g} ms")
    return Comparison("fail", first, largest, f"spike times differ by up to {shift:.3g} ms")
