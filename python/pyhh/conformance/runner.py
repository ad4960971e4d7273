"""`pyhh conform -- COMMAND...`: run an implementation on the golden cases and grade it.

The protocol is spec §11.4: the command is run once per case with the case
file's path appended (or substituted for a `{case}` argument); it writes the
trace CSV to standard output (or to the path substituted for `{out}`), and,
given `{spikes}`, its every-step spike times to that path. Each trace is
compared with the golden one under spec §11.2. The negative cases of §11.5
(files to reject, runs that must stop) are graded apart: exit status 2 with one
line naming the key at fault (more lines, or a crash report, is a crash), exit
status 3 naming the step.
"""

from __future__ import annotations

import dataclasses
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..reference.case import Case
from ..reference.errors import CaseFileError, PyhhError
from ..reference.parameters import SPEC_VERSION
from ..reference.run import COLUMNS, run
from ..reference.stimulus import Stimulus
from .casefile import load_cable_case, load_case
from .execution import MAX_OUTPUT, Execution, execute  # noqa: F401 (the port protocol's runner)
from .golden import (DEFAULT_GOLDEN, CableGoldenCase, GoldenCase, RejectCase, UnstableCase, load_cable, load_manifest,
                     load_negative)
from .grading import LEVELS, MANIFEST_SPIKE_TOLERANCE_FLOAT64, SPIKE_TIME_TOLERANCE, TOLERANCES, Comparison, compare
from .trace import parse_number, parse_trace, read_trace

#: §11.5: the error-handling levels, strictest first.
ERROR_LEVELS = ("strict", "rejects", "fail")

#: §11.4: the exit statuses of the port protocol.
STATUS_REJECTED, STATUS_UNSTABLE = 2, 3

#: A cable case the port rejected as §11.4 rejects a file (§13): no cable, when it rejects every one.
REJECTED = "rejected"

#: --require cable: the port must run the cable cases of §13 (not reject them as a patch-only port does).
REQUIRE_CABLE = "cable"


@dataclass(frozen=True)
class Outcome:
    """The grade of one case: its level, where it departs, and a porter's hint."""

    case: str
    level: str
    detail: str
    comparison: Comparison | None = None
    hint: str = ""
    departure: str = ""


@dataclass(frozen=True)
class ErrorOutcome:
    """The grade of one negative case (§11.5)."""

    case: str
    level: str
    detail: str


def first_two_states(case: Case) -> np.ndarray:
    """The reference's rows of steps 0 and 1 (record_every 1), to diagnose row 0."""
    steps = min(case.steps, 2)
    waveform = case.stimulus.waveform[:steps] if case.stimulus.waveform is not None else None
    short = dataclasses.replace(case, steps=steps, record_every=1,
                                stimulus=Stimulus(case.stimulus.pulses, waveform))
    return np.array(run(short).rows)


def hint_for(case: Case, comparison: Comparison, port: np.ndarray) -> str:
    """A pointer into the spec where the evidence points to one mistake, or ""."""
    if comparison.first_departure is None:
        return ""
    row, column = comparison.first_departure
    if column == "t":
        return "t is k * dt, one multiplication, never a running sum (spec §8.2)"
    if row != 0:
        return ""
    reference = first_two_states(case)
    if len(reference) == 2 and column in ("V", "m", "h", "n"):
        now, after = (float(np.abs(port[0, 1:5] - reference[j, 1:5]).max()) for j in (0, 1))
        if after < now:
            return ("row 0 holds the state after the first step: record each row before stepping "
                    "(spec §8.2; pyHH stored the state one step late)")
    off = np.abs(port[0, 1:5] - reference[0, 1:5]) > np.array([TOLERANCES["float32"][c] for c in ("V", "m", "h", "n")])
    if off[0]:
        return "row 0's V must be V0 (V0 + u_0 in clamp mode) (spec §6.1, §6.3, §8.2)"
    gates = [gate for gate, bad in zip("mhn", off[1:]) if bad]
    if len(gates) == 1:
        gate = gates[0]
        return (f"row 0's {gate} is not its steady state at V0 while V is right: check alpha_{gate} and "
                f"beta_{gate} (spec §4.3) and x_inf (§4.5)")
    if len(gates) > 1:
        return "row 0 must be the initial state, every gate at its steady state at V0 (spec §6.1, §8.2)"
    if column == "I_stim":
        return "I_stim is the drive of step k, or the clamp current in clamp mode (spec §6.2, §6.3)"
    if column in ("I_Na", "I_K", "I_L"):
        return f"row 0's state is right but {column} is not: check the conductances and currents (spec §5.1-5.2)"
    return ""


def describe_departure(comparison: Comparison, port: np.ndarray, golden: np.ndarray,
                       columns: tuple[str, ...] = COLUMNS) -> str:
    """The first value outside the float64 tolerance: row, t, column, both values, their difference."""
    if comparison.first_departure is None:
        return ""
    row, column = comparison.first_departure
    j = columns.index(column)
    ours, theirs = float(port[row, j]), float(golden[row, j])
    return (f"first departure: row {row} (t = {float(golden[row, 0]):g} ms), column {column}: "
            f"port {ours!r}, golden {theirs!r}, difference {ours - theirs:.3g}")


def check_spikes(execution: Execution, entry: GoldenCase, level: str) -> str:
    """§11.2: a port's every-step spike times (given {spikes}) against the manifest's: "" if they
    agree at the level its trace reached, else what is wrong."""
    if execution.spikes_problem:
        return execution.spikes_problem
    if execution.spikes is None:
        return ""
    try:
        times = [parse_number(line) for line in execution.spikes.split()]
    except ValueError:
        return "its spike file holds something that is not a number as §10.2 writes one (spec §11.4)"
    if len(times) != len(entry.spikes):
        return f"it reports {len(times)} spikes after every step, the manifest {len(entry.spikes)}"
    tolerance = MANIFEST_SPIKE_TOLERANCE_FLOAT64 if level in ("exact", "float64") else SPIKE_TIME_TOLERANCE
    shift = max((abs(a - b) for a, b in zip(times, entry.spikes)), default=0.0)
    if shift > tolerance:
        return f"its every-step spike times differ from the manifest's by up to {shift:.3g} ms (at most {tolerance:g})"
    return ""


def check_arrivals(execution: Execution, entry: CableGoldenCase, level: str) -> str:
    """§13.13: a cable port's arrival times (given {spikes}: a line per site, the times separated
    by commas) against the manifest's: "" if they agree at the level its trace reached, else what
    is wrong."""
    if execution.spikes_problem:
        return execution.spikes_problem
    if execution.spikes is None:
        return ""
    lines = execution.spikes.split("\n")
    if lines[-1] == "":
        lines.pop()
    if len(lines) != len(entry.arrivals):
        return f"its spike file has {len(lines)} lines, the case {len(entry.arrivals)} sites (spec §13.13)"
    try:
        sites = [[parse_number(t) for t in line.split(",")] if line else [] for line in lines]
    except ValueError:
        return "its spike file holds something that is not a number as §10.2 writes one (spec §13.13)"
    tolerance = MANIFEST_SPIKE_TOLERANCE_FLOAT64 if level in ("exact", "float64") else SPIKE_TIME_TOLERANCE
    for column, (times, expected) in enumerate(zip(sites, entry.arrivals)):
        if len(times) != len(expected):
            return f"it reports {len(times)} arrivals at its site {column + 1}, the manifest {len(expected)}"
        shift = max((abs(a - b) for a, b in zip(times, expected)), default=0.0)
        if shift > tolerance:
            return (f"its arrival times at its site {column + 1} differ from the manifest's by up to "
                    f"{shift:.3g} ms (at most {tolerance:g})")
    return ""


#: A port's trace may be this many times the size of the golden one (other spellings of the
#: same numbers are longer, `1.0000000000000001e-05` for `1e-05`), plus TRACE_SLACK bytes.
TRACE_SIZE_FACTOR, TRACE_SLACK = 16, 2**16


def trace_limit(entry: GoldenCase) -> int:
    """The most a port may write as the trace of `entry` (and as its spike times)."""
    return TRACE_SIZE_FACTOR * entry.trace_path.stat().st_size + TRACE_SLACK


def port_trace(execution: Execution, command: list[str], columns: tuple[str, ...] = COLUMNS,
               description: str = "") -> tuple[np.ndarray | None, Outcome | None]:
    """§11.4: the trace a port wrote (to standard output or {out}) as an array of `columns`, or,
    when there is none to grade, the failing Outcome (its case name left empty)."""
    if execution.problem:
        return None, Outcome("", "fail", execution.problem, hint=f"this case: {description}")
    if execution.status != 0:
        return None, Outcome("", "fail", f"exited with status {execution.status}: {execution.last_error_line}",
                             hint=f"this case: {description}")
    to_out = any("{out}" in a for a in command)
    text = execution.out if to_out else execution.stdout
    if to_out and execution.out_problem:
        return None, Outcome("", "fail", execution.out_problem, hint="the port protocol is spec §11.4")
    if text is None:
        return None, Outcome("", "fail", "wrote no file to {out}")
    try:
        return parse_trace(text, "its output", columns), None
    except CaseFileError as e:
        return None, Outcome("", "fail", str(e), hint="the trace format is spec §10.2")


def grade(entry: GoldenCase, command: list[str], timeout: float) -> Outcome:
    """Run one golden case and compare the trace (and, if reported, the spike times)."""
    case = load_case(entry.case_path)
    execution = execute(command, entry.case_path, timeout, trace_limit(entry))
    port, failed = port_trace(execution, command, COLUMNS, case.description)
    if failed is not None:
        return dataclasses.replace(failed, case=entry.name)
    golden = read_trace(entry.trace_path)
    comparison = compare(port, golden, case.spike_threshold, spikes=not case.clamp)
    departure = describe_departure(comparison, port, golden)
    hint = hint_for(case, comparison, port) if comparison.level not in ("exact", "float64") else ""
    if comparison.level == "fail" and not hint:
        hint = f"this case: {case.description}"
    spike_problem = check_spikes(execution, entry, comparison.level)
    if spike_problem:
        return Outcome(entry.name, "fail", spike_problem, comparison, "spike detection is spec §9", departure)
    return Outcome(entry.name, comparison.level, comparison.detail, comparison, hint, departure)


def grade_cable(entry: CableGoldenCase, command: list[str], timeout: float) -> Outcome:
    """§13.11: run one golden cable case and compare its trace, column by column, by §11's levels.
    A port that rejects the file (status 2, one line) is graded `rejected`: conform() decides
    whether that means the port has no cable (every cable case rejected) or fails this case.
    Given {spikes}, the port's arrival times are checked against the manifest's (§13.13)."""
    case = load_cable_case(entry.case_path)
    execution = execute(command, entry.case_path, timeout, trace_limit(entry))
    if (execution.status == STATUS_REJECTED and not execution.problem
            and not crash_instead_of_rejection(execution.stderr)):
        return Outcome(entry.name, REJECTED, f"rejected it: {execution.last_error_line}")
    port, failed = port_trace(execution, command, entry.columns, case.description)
    if failed is not None:
        return dataclasses.replace(failed, case=entry.name)
    golden = read_trace(entry.trace_path, entry.columns)
    comparison = compare(port, golden, case.spike_threshold, columns=entry.columns)
    departure = describe_departure(comparison, port, golden, entry.columns)
    hint = f"this case: {case.description}" if comparison.level == "fail" else ""
    arrival_problem = check_arrivals(execution, entry, comparison.level)
    if arrival_problem:
        return Outcome(entry.name, "fail", arrival_problem, comparison, "arrival times are spec §13.8", departure)
    return Outcome(entry.name, comparison.level, comparison.detail, comparison, hint, departure)


#: §11.4: the characters that continue a word: a name is named only where neither of its neighbours is one.
WORD_CHARACTER = "A-Za-z0-9_"


def names_word(message: str, word: str, case_path: Path) -> bool:
    """§11.4: the message names `word` as a word of its own: with no ASCII letter, digit or
    underscore right before or after it (`'steps'` and `steps =` name steps, `stimulus.pulses[0]`
    names pulses; `steps2` and `my_steps` do not name steps), and not inside the case file's path (the negative files are
    named after their keys). The empty key is named by a pair of quotes, `''` or `""`."""
    message = message.replace(str(case_path), "").replace(case_path.name, "")
    if word == "":
        return "''" in message or '""' in message
    pattern = rf"(?<![{WORD_CHARACTER}]){re.escape(word)}(?![{WORD_CHARACTER}])"
    return re.search(pattern, message) is not None


#: §11.4: lines that begin a runtime's crash report, never a rejection: Go's panic and fatal
#: error (both exit with status 2), and Python's traceback.
CRASH_REPORT = re.compile(r"(panic:|fatal error:|goroutine |Traceback \(most recent call last\):)")


def crash_instead_of_rejection(stderr: str) -> str:
    """§11.4: "" if standard error is a rejection's message (exactly one non-blank line, lines
    ending at LF, none of them the start of a crash report), else why a status 2 with it is read
    as a crash."""
    lines = [line for line in stderr.split("\n") if line.strip()]
    crash = next((line for line in lines if CRASH_REPORT.match(line.lstrip())), None)
    if crash is not None:
        return f"exited with status 2, but its standard error is a crash report, not a rejection: {crash.strip()[:120]}"
    if len(lines) != 1:
        return (f"exited with status 2, but wrote {len(lines)} non-blank lines to standard error, not the one line "
                f"of a rejection: a crash? (spec §11.4)")
    return ""


def grade_reject(entry: RejectCase, command: list[str], timeout: float) -> ErrorOutcome:
    """§11.5: the port must exit with status 2 and name the key at fault."""
    execution = execute(command, entry.path, timeout)
    if execution.problem:
        return ErrorOutcome(entry.name, "fail", execution.problem)
    if execution.status == 0:
        return ErrorOutcome(entry.name, "fail", f"accepted a file it must reject ({entry.section}: {entry.why})")
    if execution.status != STATUS_REJECTED:
        return ErrorOutcome(entry.name, "fail", f"exited with status {execution.status}, not {STATUS_REJECTED} "
                            f"(spec §11.4): {execution.last_error_line}")
    crash = crash_instead_of_rejection(execution.stderr)
    if crash:
        return ErrorOutcome(entry.name, "fail", crash)
    if execution.stdout.strip():
        return ErrorOutcome(entry.name, "rejects", "rejected it, but wrote to standard output (spec §11.4: no trace)")
    if entry.names is not None and not names_word(execution.stderr, entry.names, entry.path):
        return ErrorOutcome(entry.name, "rejects", f"rejected it, but the message does not name {entry.names!r}: "
                            f"{execution.last_error_line}")
    return ErrorOutcome(entry.name, "strict", "rejected" + (f", naming {entry.names!r}" if entry.names is not None else ""))


def grade_unstable(entry: UnstableCase, command: list[str], timeout: float) -> ErrorOutcome:
    """§11.5: the run must stop with status 3, naming the step where it left the finite range."""
    execution = execute(command, entry.path, timeout)
    if execution.problem:
        return ErrorOutcome(entry.name, "fail", execution.problem)
    if execution.status != STATUS_UNSTABLE:
        what = "ran to the end" if execution.status == 0 else f"exited with status {execution.status}"
        return ErrorOutcome(entry.name, "fail", f"{what}; it must stop at step {entry.step} with status "
                            f"{STATUS_UNSTABLE} (spec §8.3, §11.4)")
    if execution.stdout.strip():
        return ErrorOutcome(entry.name, "rejects", "stopped, but wrote to standard output (spec §11.4: no trace)")
    if not names_word(execution.stderr, f"step {entry.step}", entry.path):
        return ErrorOutcome(entry.name, "rejects", f"stopped, but the message does not name step {entry.step}: "
                            f"{execution.last_error_line}")
    return ErrorOutcome(entry.name, "strict", f"stopped at step {entry.step}")


@dataclass(frozen=True)
class Selection:
    """The golden cases to grade: with traces, to reject, that must stop; and the cable's (§13)."""

    cases: list[GoldenCase]
    rejects: list[RejectCase]
    unstable: list[UnstableCase]
    cable: list[CableGoldenCase] = dataclasses.field(default_factory=list)
    cable_rejects: list[RejectCase] = dataclasses.field(default_factory=list)

    @property
    def negative(self) -> bool:
        return bool(self.rejects or self.unstable or self.cable_rejects)


def select(golden: Path, cases: list[str] | None, methods: list[str] | None, errors: bool | None = None) -> Selection:
    """The golden cases (hashes checked), narrowed by name (--case) and method (--method).

    The negative cases: with errors=False none; with errors=True all (those named, if
    --case names any; unstable runs of the chosen methods); by default all when
    nothing narrows the selection, else only those --case names. The cable's cases (§13)
    and its negative cases follow the same rules; a cable case has no method, so --method
    leaves out every cable case that --case does not name.
    """
    entries = load_manifest(golden)
    rejects, unstable = load_negative(golden)
    cable, cable_rejects = load_cable(golden)
    named = set(cases or [])
    if named:
        known = ({e.name for e in entries} | {r.name for r in rejects} | {u.name for u in unstable}
                 | {c.name for c in cable} | {r.name for r in cable_rejects})
        unknown = sorted(named - known)
        if unknown:
            raise CaseFileError(f"unknown case {unknown[0]!r}; see {golden / 'cases'}, {golden / 'invalid'}, "
                                f"{golden / 'unstable'}, {golden / 'cable' / 'cases'} and {golden / 'cable' / 'invalid'}")
        entries = [e for e in entries if e.name in named]
        cable = [c for c in cable if c.name in named]
    elif methods:
        cable = []
    if methods:
        entries = [e for e in entries if load_case(e.case_path).method in methods]
    if errors is False:
        rejects, unstable, cable_rejects = [], [], []
    elif named:
        rejects, unstable = [r for r in rejects if r.name in named], [u for u in unstable if u.name in named]
        cable_rejects = [r for r in cable_rejects if r.name in named]
    elif methods and errors is None:
        rejects, unstable, cable_rejects = [], [], []
    if methods:
        unstable = [u for u in unstable if load_case(u.path).method in methods]
    selection = Selection(entries, rejects, unstable, cable, cable_rejects)
    if not selection.cases and not selection.negative and not selection.cable:
        raise CaseFileError("no golden case matches the selection (--case, --method); nothing to grade")
    return selection


def worst(levels: list[str], order: tuple[str, ...]) -> str | None:
    """The worst of `levels` in `order` (strictest first), None if there is none."""
    return order[max(order.index(level) for level in levels)] if levels else None


@dataclass(frozen=True)
class Grades:
    """Every outcome of one conform run; the cable's (§13) apart: `cable` is empty when the port
    has no cable (it rejected every cable case) or none was selected, `cable_unsupported` says
    which cable cases it rejected in the first case."""

    outcomes: list[Outcome]
    errors: list[ErrorOutcome]
    cable: list[Outcome] = dataclasses.field(default_factory=list)
    cable_errors: list[ErrorOutcome] = dataclasses.field(default_factory=list)
    cable_unsupported: list[Outcome] = dataclasses.field(default_factory=list)

    @property
    def level(self) -> str | None:
        """§11.1: the numeric level, the worst over the cases with traces (None if none was graded)."""
        return worst([o.level for o in self.outcomes], LEVELS)

    @property
    def error_level(self) -> str | None:
        """§11.5: the error-handling level (None if no negative case was graded)."""
        return worst([o.level for o in self.errors], ERROR_LEVELS)

    @property
    def cable_level(self) -> str | None:
        """§13.11 with §11.1: the cable's numeric level (None if no cable case was graded)."""
        return worst([o.level for o in self.cable], LEVELS)

    @property
    def cable_error_level(self) -> str | None:
        """§13.10 with §11.5: the cable's error-handling level (None if not graded)."""
        return worst([o.level for o in self.cable_errors], ERROR_LEVELS)

    @property
    def failed(self) -> bool:
        return "fail" in (self.level, self.error_level, self.cable_level, self.cable_error_level)


def shortfalls(grades: Grades, required: list[str]) -> list[str]:
    """Why the grades fall below the levels required (each a numeric level of LEVELS, an
    error-handling level of ERROR_LEVELS, or REQUIRE_CABLE); empty when every requirement is met.

    A numeric or error-handling level is required of the patch's grades and, where the port
    runs the cable (§13), of the cable's too: a port without a cable meets them as before
    3.1.0 did; `cable` requires that the port run the cable cases."""
    reasons = []
    for level in required:
        if level == REQUIRE_CABLE:
            if grades.cable_unsupported:
                reasons.append(f"--require {level}: the port rejected every cable case (it has no cable, spec §13)")
            elif not grades.cable:
                reasons.append(f"--require {level}: no cable case was run")
            continue
        order, what, got, cable_got = ((LEVELS, "conformance level", grades.level, grades.cable_level)
                                       if level in LEVELS else
                                       (ERROR_LEVELS, "error handling", grades.error_level, grades.cable_error_level))
        if got is None and cable_got is None:
            reasons.append(f"--require {level}: the {what} was not graded (no such case was run)")
        for prefix, value in (("", got), ("cable ", cable_got)):
            if value is not None and order.index(value) > order.index(level):
                reasons.append(f"--require {level}: the {prefix}{what} is {value}")
    return reasons


def outcome_json(o: Outcome) -> dict:
    """One graded case as data: its level and what the report says of it."""
    c = o.comparison
    return {"case": o.case, "level": o.level, "detail": o.detail, "hint": o.hint, "departure": o.departure,
            "first_departure": list(c.first_departure) if c and c.first_departure else None,
            "largest": {k: (float(v) if np.isfinite(v) else None) for k, v in c.largest.items()} if c else None}


def as_json(grades: Grades, command: list[str], required: list[str]) -> dict:
    """The grades as data (pyhh conform --json): every case's level and what the report says of it."""
    def negative(errors: list[ErrorOutcome]) -> list[dict]:
        return [{"case": e.case, "level": e.level, "detail": e.detail} for e in errors]

    return {"spec_version": SPEC_VERSION, "command": command, "level": grades.level,
            "error_level": grades.error_level, "required": required, "shortfalls": shortfalls(grades, required),
            "cases": [outcome_json(o) for o in grades.outcomes], "negative_cases": negative(grades.errors),
            "cable": {"supported": not grades.cable_unsupported, "level": grades.cable_level,
                      "error_level": grades.cable_error_level, "cases": [outcome_json(o) for o in grades.cable],
                      "rejected": [o.case for o in grades.cable_unsupported],
                      "negative_cases": negative(grades.cable_errors)}}


def counts(levels: list[str], order: tuple[str, ...]) -> str:
    return ", ".join(f"{levels.count(level)} {level}" for level in order if level in levels)


def case_table(outcomes: list[Outcome], title: str) -> list[str]:
    """The table of graded cases: level, first departure, largest differences, and what went wrong."""
    lines = [f"{title:26} {'level':8} {'first departure':22} largest |port - golden| per column"]
    for o in outcomes:
        c = o.comparison
        where = f"row {c.first_departure[0]}, {c.first_departure[1]}" if c and c.first_departure else "-"
        largest = " ".join(f"{k}={v:.1e}" for k, v in c.largest.items() if v > 0) if c else ""
        lines.append(f"{o.case:26} {o.level:8} {where:22} {largest or ('0' if c else '')}")
        if o.level == "fail" or (c and c.level not in ("exact", "float64")):
            lines.append(f"{'':26} {o.detail}")
            if o.departure:
                lines.append(f"{'':26} {o.departure}")
        if o.hint:
            lines.append(f"{'':26} hint: {o.hint}")
    return lines


def negative_table(errors: list[ErrorOutcome], title: str) -> list[str]:
    """The table of negative cases: level and what the port did."""
    return [f"{title:26} {'level':8} what the port did (spec §11.5)"] + [f"{e.case:26} {e.level:8} {e.detail}" for e in errors]


def report(grades: Grades) -> str:
    """The tables a porter reads: level, first departure, largest differences; then the negative
    cases; then the cable's (§13), whose levels are reported on lines of their own."""
    lines = []
    if grades.outcomes:
        lines += case_table(grades.outcomes, "case")
    if grades.errors:
        lines += negative_table(grades.errors, "negative case")
    if grades.cable:
        lines += case_table(grades.cable, "cable case")
    if grades.cable_errors:
        lines += negative_table(grades.cable_errors, "cable negative case")
    if grades.outcomes:
        lines.append(f"{len(grades.outcomes)} case(s): {counts([o.level for o in grades.outcomes], LEVELS)}. "
                     f"Conformance level: {grades.level}")
    lines.append(f"{len(grades.errors)} negative case(s): {counts([e.level for e in grades.errors], ERROR_LEVELS)}. "
                 f"Error handling: {grades.error_level}" if grades.errors else
                 "Error handling: not graded (the negative cases run when the whole suite does, or with --errors)")
    if grades.cable_unsupported:
        lines.append(f"cable: not supported (the port rejected all {len(grades.cable_unsupported)} cable case(s), "
                     f"as a port without spec §13 does; its cable negative cases were not run)")
    elif grades.cable:
        lines.append(f"cable: {len(grades.cable)} case(s): {counts([o.level for o in grades.cable], LEVELS)}. "
                     f"Cable conformance level: {grades.cable_level}")
    if grades.cable_errors:
        lines.append(f"cable: {len(grades.cable_errors)} negative case(s): "
                     f"{counts([e.level for e in grades.cable_errors], ERROR_LEVELS)}. "
                     f"Cable error handling: {grades.cable_error_level}")
    return "\n".join(lines)


def check_command(command: list[str]) -> None:
    """The command's program exists: else a clear error before any case runs."""
    if not command:
        raise PyhhError("give the implementation's command after --, e.g. pyhh conform -- ./my_port")
    program = command[0]
    if shutil.which(program) is None and not (os.sep in program and Path(program).is_file()):
        raise PyhhError(f"cannot start {program!r}: no such program (give its path, or put it on PATH)")


def grade_cable_suite(selection: Selection, command: list[str], timeout: float
                      ) -> tuple[list[Outcome], list[ErrorOutcome], list[Outcome]]:
    """§13: the cable's cases, then, unless the port has no cable, its negative cases. A port
    that rejects every cable case (status 2, one line) has no cable: it is graded on the patch
    alone, as before spec 3.1.0, and the cable is reported as not supported. A port that runs
    some fails those it rejects."""
    outcomes = [grade_cable(entry, command, timeout) for entry in selection.cable]
    if outcomes and all(o.level == REJECTED for o in outcomes):
        return [], [], outcomes
    outcomes = [dataclasses.replace(o, level="fail", detail=f"{o.detail}; a port that runs the cable must run "
                                    "every cable case (spec §13.10)") if o.level == REJECTED else o for o in outcomes]
    return outcomes, [grade_reject(entry, command, timeout) for entry in selection.cable_rejects], []


def conform(command: list[str], golden: Path = DEFAULT_GOLDEN, cases: list[str] | None = None,
            methods: list[str] | None = None, timeout: float = 60.0, errors: bool | None = None) -> Grades:
    """Grade `command` on the selected golden cases and, unless narrowed away, the negative ones;
    then on the cable's (grade_cable_suite)."""
    check_command(command)
    selection = select(golden, cases, methods, errors)
    outcomes = [grade(entry, command, timeout) for entry in selection.cases]
    negative = [grade_reject(entry, command, timeout) for entry in selection.rejects]
    negative += [grade_unstable(entry, command, timeout) for entry in selection.unstable]
    return Grades(outcomes, negative, *grade_cable_suite(selection, command, timeout))
