"""`pyhh conform -- COMMAND...`: run an implementation on the golden cases and grade it.

The protocol (spec/PORTING.md): the command is run once per case with the case
file's path appended (or substituted for a `{case}` argument); it writes the
trace CSV to standard output (or to the path substituted for `{out}`). Each
trace is compared with the golden one under spec §11.2.
"""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..reference.case import Case
from ..reference.errors import CaseFileError
from ..reference.run import run
from ..reference.stimulus import Stimulus
from .casefile import load_case
from .golden import DEFAULT_GOLDEN, GoldenCase, load_manifest
from .grading import LEVELS, TOLERANCES, Comparison, compare
from .trace import parse_trace, read_trace


@dataclass(frozen=True)
class Outcome:
    """The grade of one case: its level, where it departs, and a porter's hint."""

    case: str
    level: str
    detail: str
    comparison: Comparison | None = None
    hint: str = ""


def run_command(command: list[str], case_path: Path, timeout: float) -> tuple[str | None, str]:
    """Run the implementation on one case: (trace text or None, what went wrong)."""
    with tempfile.TemporaryDirectory() as tmp:
        out_path = Path(tmp) / "trace.csv"
        args = [a.replace("{case}", str(case_path)).replace("{out}", str(out_path)) for a in command]
        if not any("{case}" in a for a in command):
            args.append(str(case_path))
        try:
            process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
                                       text=True, start_new_session=True)
        except OSError as e:
            return None, f"cannot start {args[0]!r}: {e.strerror}"
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            return None, f"timed out after {timeout:g} s (killed)"
        if process.returncode != 0:
            last = stderr.strip().splitlines()[-1] if stderr.strip() else "no message"
            return None, f"exited with status {process.returncode}: {last}"
        if any("{out}" in a for a in command):
            if not out_path.exists():
                return None, "wrote no file to {out}"
            return out_path.read_text(), ""
        return stdout, ""


def first_two_states(case: Case) -> np.ndarray:
    """The reference's rows of steps 0 and 1 (record_every 1), to diagnose row 0."""
    steps = min(case.steps, 2)
    waveform = case.stimulus.waveform[:steps] if case.stimulus.waveform is not None else None
    short = dataclasses.replace(case, steps=steps, record_every=1,
                                stimulus=Stimulus(case.stimulus.pulses, waveform))
    return np.array(run(short).rows)


def hint_for(case: Case, comparison: Comparison, port: np.ndarray) -> str:
    """A pointer into the spec for the commonest porting mistakes, or ""."""
    if comparison.first_departure is None:
        return ""
    row, column = comparison.first_departure
    if column == "t":
        return "t is k * dt, one multiplication, never a running sum (spec §8.2)"
    if row == 0 and column in ("V", "m", "h", "n"):
        reference = first_two_states(case)
        if len(reference) == 2:
            now, after = (float(np.abs(port[0, 1:5] - reference[j, 1:5]).max()) for j in (0, 1))
            if after < now:
                return ("row 0 holds the state after the first step: record each row before stepping "
                        "(spec §8.2; pyHH stored the state one step late)")
        tolerance = np.array([TOLERANCES["float32"][c] for c in ("V", "m", "h", "n")])
        if np.any(np.abs(port[0, 1:5] - reference[0, 1:5]) > tolerance):
            return "row 0 must be the initial state, every gate at its steady state at V0 (spec §6.1, §8.2)"
    if row == 0 and column == "I_stim":
        return "I_stim is the drive of step k, or the clamp current in clamp mode (spec §6.2, §6.3)"
    return ""


def grade(entry: GoldenCase, command: list[str], timeout: float) -> Outcome:
    """Run one golden case and compare the trace."""
    case = load_case(entry.case_path)
    text, problem = run_command(command, entry.case_path, timeout)
    if text is None:
        return Outcome(entry.name, "fail", problem, hint=f"this case: {case.description}")
    try:
        port = parse_trace(text, "its output")
    except CaseFileError as e:
        return Outcome(entry.name, "fail", str(e), hint="the trace format is spec §10.2")
    golden = read_trace(entry.trace_path)
    comparison = compare(port, golden, case.spike_threshold, spikes=not case.clamp)
    hint = hint_for(case, comparison, port) if comparison.level not in ("exact", "float64") else ""
    if comparison.level == "fail" and not hint:
        hint = f"this case: {case.description}"
    return Outcome(entry.name, comparison.level, comparison.detail, comparison, hint)


def select(golden: Path, cases: list[str] | None, methods: list[str] | None) -> list[GoldenCase]:
    """The manifest's cases (hashes checked), narrowed by name and method."""
    entries = load_manifest(golden)
    if cases:
        unknown = sorted(set(cases) - {e.name for e in entries})
        if unknown:
            raise CaseFileError(f"unknown case {unknown[0]!r}; see {golden / 'cases'}")
        entries = [e for e in entries if e.name in cases]
    if methods:
        entries = [e for e in entries if load_case(e.case_path).method in methods]
    return entries


def report(outcomes: list[Outcome]) -> str:
    """The table a porter reads: level, first departure, largest differences."""
    lines = [f"{'case':22} {'level':8} {'first departure':22} largest |port - golden| per column"]
    for o in outcomes:
        c = o.comparison
        where = f"row {c.first_departure[0]}, {c.first_departure[1]}" if c and c.first_departure else "-"
        largest = " ".join(f"{k}={v:.1e}" for k, v in c.largest.items() if v > 0) if c else ""
        lines.append(f"{o.case:22} {o.level:8} {where:22} {largest or ('0' if c else '')}")
        if o.level == "fail" or (c and c.level not in ("exact", "float64")):
            lines.append(f"{'':22} {o.detail}")
        if o.hint:
            lines.append(f"{'':22} hint: {o.hint}")
    worst = max((LEVELS.index(o.level) for o in outcomes), default=0)
    counts = ", ".join(f"{sum(o.level == level for o in outcomes)} {level}" for level in LEVELS
                       if any(o.level == level for o in outcomes))
    lines.append(f"{len(outcomes)} case(s): {counts}. Conformance level: {LEVELS[worst]}")
    return "\n".join(lines)


def conform(command: list[str], golden: Path = DEFAULT_GOLDEN, cases: list[str] | None = None,
            methods: list[str] | None = None, timeout: float = 60.0) -> list[Outcome]:
    """Grade `command` on the selected golden cases."""
    return [grade(entry, command, timeout) for entry in select(golden, cases, methods)]

