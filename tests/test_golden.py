"""Conformance of the Python reference against golden/, and golden/'s own integrity."""

from __future__ import annotations

import json
import math
import shutil

import numpy as np
import pytest

from conftest import CASE_NAMES, EXPECTED_LEVEL, GOLDEN, golden_case, golden_trace
import pyhh
from pyhh import CaseFileError, load_case
from pyhh.conformance.golden import load_manifest, regenerate
from pyhh.conformance.grading import compare
from pyhh.conformance.trace import read_trace


@pytest.mark.parametrize("name", CASE_NAMES)
def test_reference_reaches_the_expected_level_on_every_golden_case(name, reference):
    # exact (bit for bit) on every platform (spec §11.1)
    case = golden_case(name)
    comparison = compare(reference(name).table(), golden_trace(name), case.spike_threshold, spikes=not case.clamp)
    assert comparison.level == EXPECTED_LEVEL, comparison


def test_manifest_lists_every_case_with_its_spikes(manifest, reference):
    assert sorted(entry.name for entry in manifest) == CASE_NAMES
    for entry in manifest:
        result = reference(entry.name)
        assert result.spikes.tolist() == list(entry.spikes), entry.name


def test_manifest_row_counts(manifest):
    rows = {entry["name"]: entry["rows"] for entry in json.loads((GOLDEN / "MANIFEST.json").read_text())["cases"]}
    for entry in manifest:
        assert rows[entry.name] == load_case(entry.case_path).n_rows == len(read_trace(entry.trace_path)), entry.name


def test_golden_covers_the_required_protocols(manifest):
    cases = {entry.name: load_case(entry.case_path) for entry in manifest}
    assert {c.method for c in cases.values()} == set(pyhh.METHODS)
    for method in pyhh.STAGGERED:  # the new methods' cases, as the numerics issue asked
        mine = [c for c in cases.values() if c.method == method]
        assert {0.01, 0.1, 1.0} <= {c.dt for c in mine}
        assert any(c.clamp for c in mine) and any(c.temperature == 18.5 for c in mine)
        assert any(c.stimulus.waveform is not None for c in mine)
        assert any(p.amplitude < 0 for c in mine for p in c.stimulus.pulses)  # anode break
    assert {"clamp", "current"} == {c.mode for c in cases.values()}
    assert any(c.V0 == 10.0 for c in cases.values()) and any(c.V0 == 25.0 for c in cases.values())
    clamp_levels = {c.V0 + p.amplitude for c in cases.values() if c.clamp for p in c.stimulus.pulses}
    assert {10.0, 25.0} <= clamp_levels
    assert any(c.temperature != 6.3 for c in cases.values())
    assert any(c.stimulus.waveform is not None for c in cases.values())
    assert sum(p.stat().st_size for p in GOLDEN.rglob("*") if p.is_file()) < 5_000_000


def test_regeneration_is_byte_identical(tmp_path):
    # The committed traces and manifest are what the reference makes today.
    report = regenerate(GOLDEN, tmp_path)
    assert all(line.endswith(": unchanged") for line in report), report
    assert (tmp_path / "MANIFEST.json").read_bytes() == (GOLDEN / "MANIFEST.json").read_bytes()
    for trace in (GOLDEN / "traces").glob("*.csv"):
        assert (tmp_path / "traces" / trace.name).read_bytes() == trace.read_bytes(), trace.name


def test_regeneration_reports_what_changed(tmp_path):
    golden = tmp_path / "golden"
    shutil.copytree(GOLDEN, golden)
    for folder, suffix in (("cases", ".json"), ("traces", ".csv")):  # two cases are enough here
        for file in (golden / folder).glob(f"*{suffix}"):
            if file.stem not in ("rest", "single_spike"):
                file.unlink()
    case_path = golden / "cases" / "rest.json"
    case = json.loads(case_path.read_text())
    case["V0"] = 1.0
    case_path.write_text(json.dumps(case))
    manifest = json.loads((golden / "MANIFEST.json").read_text())
    for entry in manifest["cases"]:  # as if the spike rule had moved single_spike's spike by 1e-3 ms
        if entry["name"] == "single_spike":
            entry["spikes"] = [t - 1e-3 for t in entry["spikes"]]
    (golden / "MANIFEST.json").write_text(json.dumps(manifest))
    report = regenerate(golden)
    changed = [line for line in report if "CHANGED" in line]
    assert len(changed) == 2 and changed[0].startswith("rest: CHANGED from row 0 (V)"), report
    assert changed[1].startswith("single_spike: trace unchanged; spike times CHANGED by up to 0.001 ms"), report
    assert load_manifest(golden)  # the new manifest verifies


@pytest.mark.parametrize("damage", ["truncate", "edit", "delete", "extra"])
def test_damaged_golden_data_is_named(tmp_path, damage):
    golden = tmp_path / "golden"
    shutil.copytree(GOLDEN, golden)
    trace = golden / "traces" / "rest.csv"
    if damage == "truncate":
        trace.write_bytes(trace.read_bytes()[:1000])
    elif damage == "edit":
        trace.write_text(trace.read_text().replace("0.0,", "0.5,", 1))
    elif damage == "delete":
        trace.unlink()
    else:
        (golden / "traces" / "stray.csv").write_text("t\n")
        trace = golden / "traces" / "stray.csv"
    with pytest.raises(CaseFileError, match=trace.name):
        load_manifest(golden)


def test_trace_files_round_trip_every_value():
    # repr() is the shortest text that parses back to the same double.
    data = read_trace(GOLDEN / "traces" / "repetitive_rk4.csv")
    lines = (GOLDEN / "traces" / "repetitive_rk4.csv").read_text().splitlines()
    assert lines[0] == "t,V,m,h,n,I_Na,I_K,I_L,I_stim"
    for line, row in zip(lines[1:50], data):
        assert [float(x) for x in line.split(",")] == row.tolist()
        assert line == ",".join(repr(float(x)) for x in row)
    assert np.isfinite(data).all()


def test_the_trace_reader_takes_any_json_number_and_nothing_else():
    # Spec §10.2: Go's, JavaScript's and Java's shortest forms are as valid as Python's and C's.
    from pyhh.conformance.trace import parse_trace

    header = "t,V,m,h,n,I_Na,I_K,I_L,I_stim\n"
    good = ["1e-05", "1e+21", "-0", "100", "0.00001", "1e-7", "1.0E-5", "100.0", "1.0000000000000001e-05", "0"]
    values = [1e-05, 1e21, -0.0, 100.0, 1e-05, 1e-7, 1e-05, 100.0, 1.0000000000000001e-05]
    data = parse_trace(header + ",".join(good[:9]) + "\n" + ",".join(good[1:]) + "\n")
    assert data[0].tolist() == values and data[1].tolist() == values[1:] + [0.0]
    assert math.copysign(1.0, data[0, 2]) == -1.0
    for bad in ["+1", ".5", "1.", "1_0", "01", "1e", "Infinity", "inf", "nan", "0x10", " 1", "1 ", "１", "1e999"]:
        with pytest.raises(CaseFileError, match="column I_stim"):
            parse_trace(header + "0,0,0,0,0,0,0,0," + bad + "\n")


def test_golden_covers_the_rules_an_independent_port_found_unchecked(manifest):
    # issue 12's list: clamp from u_0 != 0 and by a waveform, record_every = steps, a pulse after
    # the last step, a spike exactly at the threshold value (counted once, at t_(k+1)).
    cases = {entry.name: load_case(entry.case_path) for entry in manifest}
    assert any(c.clamp and c.stimulus.waveform is not None for c in cases.values())
    assert any(c.clamp and (c.stimulus.waveform or [0.0])[0] + sum(p.amplitude for p in c.stimulus.pulses
                                                                     if p.start == 0) != 0 for c in cases.values())
    assert any(c.record_every == c.steps for c in cases.values())
    assert any(p.start >= c.steps for c in cases.values() for p in c.stimulus.pulses)
    spikes = {entry.name: entry.spikes for entry in manifest}
    exact = cases["spike_at_threshold"]
    V = golden_trace("spike_at_threshold")[:, 1]
    assert exact.spike_threshold in V and len(spikes["spike_at_threshold"]) == 1


def test_golden_holds_the_negative_cases_for_every_rule_and_method():
    from pyhh.conformance.golden import load_negative

    rejects, unstable = load_negative(GOLDEN)
    assert len(rejects) >= 30
    named = {r.names for r in rejects}
    for key in ("name", "description", "method", "dt", "steps", "record_every", "temperature", "V0", "parameters",
                "mode", "stimulus", "pulses", "pulse", "waveform", "start", "stop", "amplitude", "spike_threshold",
                *pyhh.Parameters().__dataclass_fields__):
        assert key in named, key
    assert None in named  # and the JSON-text rules, which name no key
    assert "" in named  # and the empty key (issue 27)
    by_name = {r.name: r for r in rejects}
    assert by_name["pulse_not_object"].names == "pulses"  # an item of an array: the array's key (§10.1)
    assert {by_name[n].names for n in ("time_overflow", "time_overflow_unrecorded")} == {"dt"}
    assert by_name["nested_100000"].path.read_text().count("[") == 100_000
    assert {load_case(u.path).method for u in unstable} == set(pyhh.METHODS)
