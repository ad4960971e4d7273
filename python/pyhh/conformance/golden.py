"""Spec §10.3: the golden data: case files, their traces, and the manifest.

`regenerate` runs every case in golden/cases through the reference, writes the
traces and the manifest, and reports what changed against what was there.
`load_manifest` checks the manifest's hashes before any comparison.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..atomic import read_regular, write_bytes, write_text
from ..limits import GOLDEN_ROW_BYTES, check_memory
from ..reference.errors import CaseFileError, NumericalInstabilityError
from ..reference.parameters import SPEC_VERSION
from ..reference.rates import temperature_factor
from ..reference.cable import columns as cable_columns
from ..reference.cable import run_cable
from ..reference.run import COLUMNS, run
from .casefile import load_cable_case, load_case
from .functions import FUNCTIONS_FILE, format_functions, parse_functions
from .trace import format_trace, parse_trace

def default_golden() -> Path:
    """The golden folder: the checkout's (python/pyhh/conformance/../../../golden) when pyhh
    runs from a checkout, else the copy an installed package carries (pyhh/data/golden)."""
    checkout = Path(__file__).resolve().parents[3] / "golden"
    if (checkout / MANIFEST).is_file():
        return checkout
    return Path(__file__).resolve().parents[1] / "data" / "golden"


MANIFEST = "MANIFEST.json"
DEFAULT_GOLDEN = default_golden()


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class GoldenCase:
    """One manifest entry: the case file, its trace file and the trace's spikes."""

    name: str
    case_path: Path
    trace_path: Path
    spikes: tuple[float, ...]


@dataclass(frozen=True)
class RejectCase:
    """A case file a port must reject (§11.5): exit status 2, and a message that contains
    `names` (the key at fault) when that is not None."""

    name: str
    path: Path
    names: str | None
    section: str
    why: str


@dataclass(frozen=True)
class UnstableCase:
    """A valid case whose run must stop under §8.3 (§11.5): exit status 3, and a message
    that names `step`, the step the reference stops at."""

    name: str
    path: Path
    step: int


def read_manifest(golden: Path = DEFAULT_GOLDEN) -> dict:
    """The manifest as parsed JSON, its spec version checked; errors name the file."""
    path = Path(golden) / MANIFEST
    try:
        manifest = json.loads(read_regular(path).decode("utf-8"))  # never waits on a FIFO or a device
    except OSError as e:
        raise CaseFileError(f"{path}: cannot read the manifest: {e.strerror or e}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise CaseFileError(f"{path}: not valid JSON: {e}") from None
    if not isinstance(manifest, dict):
        raise CaseFileError(f"{path}: the manifest must hold a JSON object")
    if manifest.get("spec_version") != SPEC_VERSION:
        raise CaseFileError(
            f"{path}: made under spec {manifest.get('spec_version')!r}, this is spec {SPEC_VERSION}; run `make golden`"
        )
    return manifest


def field(entry: object, key: str, where: str) -> object:
    """entry[key] of a manifest entry, or an error naming the manifest, the entry and the key."""
    if not isinstance(entry, dict) or key not in entry:
        raise CaseFileError(f"{where}: an entry lacks {key!r}")
    return entry[key]


def entries(manifest: dict, key: str, where: str) -> list:
    """The manifest's list `key` ([] where an older manifest has none but 'cases')."""
    value = manifest.get(key, [] if key != "cases" else None)
    if not isinstance(value, list):
        raise CaseFileError(f"{where}: {key!r} must be a list")
    return value


def check_file(file: Path, digest: object, where: str) -> None:
    """The file exists and has the manifest's SHA-256."""
    if not file.is_file():
        raise CaseFileError(f"{file}: listed in {where} but missing")
    if sha256(file.read_bytes()) != digest:
        raise CaseFileError(f"{file}: its sha256 does not match {where}; the file was changed or damaged")


def load_manifest(golden: Path = DEFAULT_GOLDEN, verify: bool = True) -> list[GoldenCase]:
    """The manifest's cases; with verify, every file of golden/ must exist, match its
    SHA-256 and be listed (the negative cases' files too)."""
    golden = Path(golden)
    where = str(golden / MANIFEST)
    manifest = read_manifest(golden)
    cases = []
    for entry in entries(manifest, "cases", where):
        case_path = golden / str(field(entry, "case", where))
        trace_path = golden / str(field(entry, "trace", where))
        if verify:
            check_file(case_path, field(entry, "case_sha256", where), where)
            check_file(trace_path, field(entry, "trace_sha256", where), where)
        cases.append(GoldenCase(str(field(entry, "name", where)), case_path, trace_path,
                                tuple(field(entry, "spikes", where))))
    if verify:
        functions = manifest.get("functions")
        if functions is not None:
            check_file(golden / str(field(functions, "file", where)), field(functions, "sha256", where), where)
        rejects, unstable = load_negative(golden)
        listed = {c.trace_path for c in cases} | {c.case_path for c in cases}
        listed |= {r.path for r in rejects} | {u.path for u in unstable}
        cable_cases, cable_rejects = load_cable(golden)
        listed |= {c.trace_path for c in cable_cases} | {c.case_path for c in cable_cases} | {r.path for r in cable_rejects}
        for folder in ("cases", "traces", "invalid", "unstable", "cable/cases", "cable/traces", "cable/invalid"):
            for file in sorted((golden / folder).glob("*")):
                if file not in listed:
                    raise CaseFileError(f"{file}: not listed in {where}")
    return cases


@dataclass(frozen=True)
class CableGoldenCase:
    """One cable case of the manifest (§13.11): its files, its trace's columns and each site's arrivals."""

    name: str
    case_path: Path
    trace_path: Path
    columns: tuple[str, ...]
    arrivals: tuple[tuple[float, ...], ...]


def reject_list(golden: Path, entries_: list, where: str) -> list[RejectCase]:
    """The RejectCase of each entry of a manifest's rejects list, its file's hash checked."""
    out = []
    for entry in entries_:
        path = golden / str(field(entry, "file", where))
        check_file(path, field(entry, "sha256", where), where)
        out.append(RejectCase(str(field(entry, "name", where)), path, field(entry, "names", where),
                              str(field(entry, "section", where)), str(field(entry, "why", where))))
    return out


def load_cable(golden: Path = DEFAULT_GOLDEN) -> tuple[list[CableGoldenCase], list[RejectCase]]:
    """The manifest's cable cases and cable negative cases (§13.10-13.11), every file's hash checked."""
    golden = Path(golden)
    where = str(golden / MANIFEST)
    section = read_manifest(golden).get("cable", {})
    if not isinstance(section, dict):
        raise CaseFileError(f"{where}: 'cable' must be an object")
    cases = []
    for entry in entries(section, "cases", where) if section else []:
        case_path = golden / str(field(entry, "case", where))
        trace_path = golden / str(field(entry, "trace", where))
        check_file(case_path, field(entry, "case_sha256", where), where)
        check_file(trace_path, field(entry, "trace_sha256", where), where)
        cases.append(CableGoldenCase(str(field(entry, "name", where)), case_path, trace_path,
                                     tuple(field(entry, "columns", where)),
                                     tuple(tuple(a) for a in field(entry, "arrivals", where))))
    return cases, reject_list(golden, entries(section, "rejects", where), where)


def load_negative(golden: Path = DEFAULT_GOLDEN) -> tuple[list[RejectCase], list[UnstableCase]]:
    """The negative cases of §11.5, their files' hashes checked."""
    golden = Path(golden)
    where = str(golden / MANIFEST)
    manifest = read_manifest(golden)
    rejects = reject_list(golden, entries(manifest, "rejects", where), where)
    unstable = []
    for entry in entries(manifest, "unstable", where):
        path = golden / str(field(entry, "case", where))
        check_file(path, field(entry, "case_sha256", where), where)
        unstable.append(UnstableCase(str(field(entry, "name", where)), path, int(field(entry, "step", where))))
    return rejects, unstable


def describe_trace_change(name: str, old: bytes, new: bytes) -> str:
    """How the new trace differs from the old one: "" if not at all."""
    if old == new:
        return ""
    a = parse_trace(old.decode(), f"old {name}")
    b = parse_trace(new.decode(), f"new {name}")
    if a.shape != b.shape:
        return f"CHANGED rows {len(a)} -> {len(b)}"
    diff = np.abs(a - b)
    row, col = np.argwhere(diff > 0)[0]
    largest = ", ".join(f"{c} {diff[:, j].max():.3g}" for j, c in enumerate(COLUMNS) if diff[:, j].max() > 0)
    return f"CHANGED from row {row} ({COLUMNS[col]}); largest |difference|: {largest}"


def describe_spike_change(old: list[float], new: list[float]) -> str:
    """How the every-step spike times of the manifest moved: "" if not at all."""
    if old == new:
        return ""
    if len(old) != len(new):
        return f"spike count CHANGED {len(old)} -> {len(new)}"
    return f"spike times CHANGED by up to {max(abs(a - b) for a, b in zip(old, new)):.3g} ms"


def describe_change(name: str, old: bytes | None, new: bytes, old_spikes: list[float] | None = None,
                    new_spikes: list[float] | None = None) -> str:
    """One line: how a case's trace and manifest spike times differ from what was there."""
    if old is None:
        return f"{name}: new"
    trace = describe_trace_change(name, old, new)
    spikes = "" if old_spikes is None else describe_spike_change(old_spikes, new_spikes or [])
    if not trace and not spikes:
        return f"{name}: unchanged"
    if not trace:
        return f"{name}: trace unchanged; {spikes}"
    return f"{name}: {trace}" + (f"; {spikes}" if spikes else "")


def previous_manifest(golden: Path) -> dict:
    """The manifest as it was before regeneration (unverified), or {} where there is none."""
    try:
        return json.loads((golden / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return {}


#: The authored list of the case files a port must reject (§11.5), with what each must name.
INVALID_INDEX = "invalid.json"


def reject_entries(golden: Path, index: str = INVALID_INDEX) -> list[dict]:
    """The manifest's "rejects": golden/invalid.json's list (or the cable's), each file's SHA-256 added."""
    index_path = golden / index
    if not index_path.is_file():
        return []
    index = json.loads(index_path.read_text(encoding="utf-8"))
    out = []
    for entry in index["cases"]:
        file = golden / entry["file"]
        if not file.is_file():
            raise CaseFileError(f"{file}: listed in {index_path} but missing")
        out.append({**entry, "sha256": sha256(file.read_bytes())})
    return out


def check_golden_memory(case_file: Path, case) -> None:
    """Refuse, naming the case file, a case whose rows and trace text the reference could not hold
    in the memory available now (pyhh.limits), before it runs."""
    check_memory(f"{case_file}: {case.n_rows} recorded rows", case.n_rows * GOLDEN_ROW_BYTES,
                 "keep fewer rows with a larger record_every")


def unstable_entries(golden: Path, report: list[str], before: dict) -> list[dict]:
    """The manifest's "unstable": each golden/unstable case run by the reference, the step it stops at."""
    out = []
    for case_file in sorted((golden / "unstable").glob("*.json")):
        case = load_case(case_file)
        check_golden_memory(case_file, case)
        try:
            run(case)
        except NumericalInstabilityError as e:
            out.append({"name": case.name, "case": f"unstable/{case_file.name}",
                        "case_sha256": sha256(case_file.read_bytes()), "step": e.step})
            old = {entry.get("name"): entry.get("step") for entry in before.get("unstable", [])}.get(case.name)
            report.append(f"{case.name}: unchanged" if old == e.step else
                          f"{case.name}: new, stops at step {e.step}" if old is None else
                          f"{case.name}: CHANGED, stops at step {e.step}, not {old}")
            continue
        raise CaseFileError(f"{case_file}: ran to the end, but golden/unstable holds runs that must stop")
    return out


def describe_functions_change(old: bytes | None, new: bytes) -> str:
    """How golden/functions.csv changed: unchanged, new, or in how many rows (and the first)."""
    if old == new:
        return "functions: unchanged"
    if old is None:
        return "functions: new"
    try:
        before = parse_functions(old.decode())
    except (CaseFileError, UnicodeDecodeError, ValueError):
        return "functions: CHANGED (the old file was not readable)"
    after = parse_functions(new.decode())
    if [(f, x) for f, x, _ in before] != [(f, x) for f, x, _ in after]:
        return f"functions: CHANGED arguments ({len(before)} rows before, {len(after)} now)"
    differ = [(f, x, a, b) for (f, x, a), (_, _, b) in zip(before, after) if a != b and not (a != a and b != b)]
    f, x, a, b = differ[0]
    return f"functions: CHANGED in {len(differ)} of {len(after)} rows, first {f}({x!r}): {a!r} -> {b!r}"


def regenerate_cable(golden: Path, out: Path, report: list[str], before: dict) -> dict:
    """§13.10-13.11: run every case of golden/cable/cases, write its trace into out/cable/traces,
    report what changed; the manifest's "cable" object (empty when there are no cable cases)."""
    case_files = sorted((golden / "cable" / "cases").glob("*.json"))
    if not case_files:
        return {}
    (out / "cable" / "traces").mkdir(parents=True, exist_ok=True)
    cases = [load_cable_case(case_file) for case_file in case_files]
    old_arrivals = {e["name"]: e.get("arrivals") for e in before.get("cable", {}).get("cases", [])}
    entries_ = []
    for case_file, case in zip(case_files, cases):
        if case.name != case_file.stem:
            raise CaseFileError(f"{case_file}: its name {case.name!r} must equal the file name {case_file.stem!r}")
        check_golden_memory(case_file, case)
    for case_file, case in zip(case_files, cases):
        record = run_cable(case)
        columns = cable_columns(case)
        text = format_trace(record.rows, columns).encode()
        old_path = golden / "cable" / "traces" / f"{case.name}.csv"
        old = old_path.read_bytes() if old_path.is_file() else None
        old_spikes = old_arrivals.get(case.name)
        line = (f"cable {case.name}: new" if old is None else f"cable {case.name}: unchanged"
                if old == text and old_spikes == record.arrivals else f"cable {case.name}: CHANGED")
        report.append(line)
        write_bytes(out / "cable" / "traces" / f"{case.name}.csv", text)
        entries_.append({
            "name": case.name, "case": f"cable/cases/{case_file.name}", "trace": f"cable/traces/{case.name}.csv",
            "case_sha256": sha256(case_file.read_bytes()), "trace_sha256": sha256(text), "columns": list(columns),
            "rows": len(record.rows), "phi": temperature_factor(case.temperature), "arrivals": record.arrivals,
        })
    known = {f"{e['name']}.csv" for e in entries_}
    for stale in sorted((out / "cable" / "traces").glob("*.csv")):
        if stale.name not in known:
            stale.unlink()
            report.append(f"cable {stale.stem}: REMOVED (no case file)")
    return {"cases": entries_, "rejects": reject_entries(golden, "cable/invalid.json")}


def regenerate(golden: Path = DEFAULT_GOLDEN, out: Path | None = None) -> list[str]:
    """Run every case of golden/cases, write traces and manifest into `out`, report changes."""
    golden = Path(golden)
    out = Path(out) if out is not None else golden
    (out / "traces").mkdir(parents=True, exist_ok=True)
    report, case_entries = [], []
    before = previous_manifest(golden)
    old_spikes = {entry["name"]: entry.get("spikes") for entry in before.get("cases", [])}
    if before and before.get("spec_version") != SPEC_VERSION:
        report.append(f"spec_version: {before.get('spec_version')} -> {SPEC_VERSION}")
    case_files = sorted((golden / "cases").glob("*.json"))
    if not case_files:
        raise CaseFileError(f"{golden / 'cases'}: no case files")
    cases = [load_case(case_file) for case_file in case_files]
    for case_file, case in zip(case_files, cases):  # every case sized before any runs (issue 25, item 4)
        if case.name != case_file.stem:
            raise CaseFileError(f"{case_file}: its name {case.name!r} must equal the file name {case_file.stem!r}")
        check_golden_memory(case_file, case)
    for case_file, case in zip(case_files, cases):
        record = run(case)
        text = format_trace(record.rows).encode()
        old_path = golden / "traces" / f"{case.name}.csv"
        report.append(describe_change(case.name, old_path.read_bytes() if old_path.is_file() else None, text,
                                      old_spikes.get(case.name), record.spikes))
        write_bytes(out / "traces" / f"{case.name}.csv", text)
        case_entries.append({
            "name": case.name,
            "case": f"cases/{case_file.name}",
            "trace": f"traces/{case.name}.csv",
            "case_sha256": sha256(case_file.read_bytes()),
            "trace_sha256": sha256(text),
            "rows": len(record.rows),
            "phi": temperature_factor(case.temperature),
            "spikes": record.spikes,
        })
    functions = format_functions()
    old_functions = golden / FUNCTIONS_FILE
    report.append(describe_functions_change(old_functions.read_bytes() if old_functions.is_file() else None, functions))
    write_bytes(out / FUNCTIONS_FILE, functions)
    rejects = reject_entries(golden)
    unstable = unstable_entries(golden, report, before)
    known = {f"{e['name']}.csv" for e in case_entries}
    for stale in sorted((out / "traces").glob("*.csv")):
        if stale.name not in known:
            stale.unlink()
            report.append(f"{stale.stem}: REMOVED (no case file)")
    manifest = {
        "spec_version": SPEC_VERSION,
        "columns": list(COLUMNS),
        "generated_by": "pyhh golden (the Python reference), see spec/SPEC.md §10.3",
        "cases": case_entries,
        "functions": {"file": FUNCTIONS_FILE, "sha256": sha256(functions), "rows": functions.count(b"\n") - 1},
        "rejects": rejects,
        "unstable": unstable,
    }
    cable = regenerate_cable(golden, out, report, before)
    if cable:
        manifest["cable"] = cable
    write_text(out / MANIFEST, json.dumps(manifest, indent=1) + "\n")
    return report
