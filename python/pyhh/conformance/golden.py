"""Spec §10.3: the golden data: case files, their traces, and the manifest.

`regenerate` runs every case in golden/cases through the reference, writes the
traces and the manifest, and reports what changed against what was there.
`load_manifest` checks the manifest's hashes before any comparison.
"""

from __future__ import annotations

import hashlib
import json
import platform
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..reference.errors import CaseFileError
from ..reference.parameters import SPEC_VERSION
from ..reference.rates import temperature_factor
from ..reference.run import COLUMNS, run
from .casefile import load_case
from .trace import format_trace, parse_trace

#: The golden folder of a source checkout (python/pyhh/conformance/../../../golden).
DEFAULT_GOLDEN = Path(__file__).resolve().parents[3] / "golden"
MANIFEST = "MANIFEST.json"


def sha256(data: bytes) -> str:
    """Hex SHA-256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def this_platform() -> dict[str, object]:
    """What decides the last bit of exp, expm1 and pow here: libc, machine, FMA (spec §11.1)."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            fma = any(line.startswith("flags") and " fma " in f" {line.split(':', 1)[1]} " for line in f)
    except OSError:
        fma = None
    libc = " ".join(platform.libc_ver()).strip() or platform.system()
    return {"machine": platform.machine(), "libc": libc, "fma": fma}


def made_on(golden: Path = DEFAULT_GOLDEN) -> dict[str, object]:
    """The platform the golden traces were made on, from the manifest."""
    return json.loads((Path(golden) / MANIFEST).read_text(encoding="utf-8"))["made_on"]


@dataclass(frozen=True)
class GoldenCase:
    """One manifest entry: the case file, its trace file and the trace's spikes."""

    name: str
    case_path: Path
    trace_path: Path
    spikes: tuple[float, ...]


def load_manifest(golden: Path = DEFAULT_GOLDEN, verify: bool = True) -> list[GoldenCase]:
    """The manifest's cases; with verify, every file must exist and match its sha256."""
    golden = Path(golden)
    path = golden / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except OSError as e:
        raise CaseFileError(f"{path}: cannot read the manifest: {e.strerror}") from None
    except json.JSONDecodeError as e:
        raise CaseFileError(f"{path}: not valid JSON: {e}") from None
    if manifest.get("spec_version") != SPEC_VERSION:
        raise CaseFileError(
            f"{path}: made under spec {manifest.get('spec_version')!r}, this is spec {SPEC_VERSION}; run `make golden`"
        )
    cases = []
    for entry in manifest["cases"]:
        case_path, trace_path = golden / entry["case"], golden / entry["trace"]
        if verify:
            for file, key in ((case_path, "case_sha256"), (trace_path, "trace_sha256")):
                if not file.is_file():
                    raise CaseFileError(f"{file}: listed in {path} but missing")
                if sha256(file.read_bytes()) != entry[key]:
                    raise CaseFileError(f"{file}: its sha256 does not match {path}; the file was changed or damaged")
        cases.append(GoldenCase(entry["name"], case_path, trace_path, tuple(entry["spikes"])))
    if verify:
        listed = {c.trace_path.name for c in cases} | {c.case_path.name for c in cases}
        for folder in ("cases", "traces"):
            for file in sorted((golden / folder).glob("*")):
                if file.name not in listed:
                    raise CaseFileError(f"{file}: not listed in {path}")
    return cases


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


def regenerate(golden: Path = DEFAULT_GOLDEN, out: Path | None = None) -> list[str]:
    """Run every case of golden/cases, write traces and manifest into `out`, report changes."""
    golden = Path(golden)
    out = Path(out) if out is not None else golden
    (out / "traces").mkdir(parents=True, exist_ok=True)
    report, entries = [], []
    before = previous_manifest(golden)
    old_spikes = {entry["name"]: entry.get("spikes") for entry in before.get("cases", [])}
    if before and before.get("spec_version") != SPEC_VERSION:
        report.append(f"spec_version: {before.get('spec_version')} -> {SPEC_VERSION}")
    case_files = sorted((golden / "cases").glob("*.json"))
    if not case_files:
        raise CaseFileError(f"{golden / 'cases'}: no case files")
    for case_file in case_files:
        case = load_case(case_file)
        if case.name != case_file.stem:
            raise CaseFileError(f"{case_file}: its name {case.name!r} must equal the file name {case_file.stem!r}")
        record = run(case)
        text = format_trace(record.rows).encode()
        old_path = golden / "traces" / f"{case.name}.csv"
        report.append(describe_change(case.name, old_path.read_bytes() if old_path.is_file() else None, text,
                                      old_spikes.get(case.name), record.spikes))
        (out / "traces" / f"{case.name}.csv").write_bytes(text)
        entries.append({
            "name": case.name,
            "case": f"cases/{case_file.name}",
            "trace": f"traces/{case.name}.csv",
            "case_sha256": sha256(case_file.read_bytes()),
            "trace_sha256": sha256(text),
            "rows": len(record.rows),
            "phi": temperature_factor(case.temperature),
            "spikes": record.spikes,
        })
    known = {f"{e['name']}.csv" for e in entries}
    for stale in sorted((out / "traces").glob("*.csv")):
        if stale.name not in known:
            stale.unlink()
            report.append(f"{stale.stem}: REMOVED (no case file)")
    manifest = {
        "spec_version": SPEC_VERSION,
        "columns": list(COLUMNS),
        "generated_by": "pyhh golden (the Python reference), see spec/SPEC.md §10.3",
        "made_on": this_platform(),
        "cases": entries,
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8", newline="\n")
    return report
