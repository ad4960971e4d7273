"""The JavaScript port (js/): graded by `pyhh conform` through the port protocol
(spec §11.4) on every golden case, its spike times and every negative case; its
command's own exit statuses; and its JSON reader against the Python one."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import CASE_NAMES, GOLDEN, NODE, ROOT, require_node

HH_TRACE = ROOT / "js" / "hh_trace.mjs"


@pytest.fixture(autouse=True)
def node():
    require_node()


@pytest.fixture(scope="module")
def graded():
    """`pyhh conform -- node js/hh_trace.mjs --spikes {spikes} {case}` on everything, once."""
    require_node()
    from pyhh.conformance.runner import conform

    return conform([NODE, str(HH_TRACE), "--spikes", "{spikes}", "{case}"])


def test_conform_grades_every_golden_case_exact(graded):
    # bit for bit: the port computes the spec's own exp, expm1 and power (§4.1), not Math.exp's;
    # given {spikes}, conform also grades a case `fail` whose every-step spike times are off (§11.2)
    levels = {o.case: o.level for o in graded.outcomes}
    assert sorted(levels) == CASE_NAMES
    assert all(level == "exact" for level in levels.values()), levels
    assert graded.level == "exact"


def test_every_negative_case_is_strict(graded):
    names = {o.case for o in graded.errors}
    assert len(names) == len(json.loads((GOLDEN / "invalid.json").read_text())["cases"]) + len(
        list((GOLDEN / "unstable").glob("*.json")))
    assert all(o.level == "strict" for o in graded.errors), [o for o in graded.errors if o.level != "strict"]


def test_the_command_line_through_the_cli():
    done = subprocess.run([sys.executable, "-m", "pyhh", "conform", "--case", "single_spike", "--case", "dt_zero",
                           "--", NODE, str(HH_TRACE)], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Conformance level: " in done.stdout and "Error handling: strict" in done.stdout


def trace(*args, cwd=ROOT):
    return subprocess.run([NODE, str(HH_TRACE), *map(str, args)], capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("args", [[], ["--spikes"], ["a.json", "b.csv", "c"], ["--frobnicate", "a.json"]])
def test_a_command_line_it_does_not_understand_is_status_2(args):
    done = trace(*args)
    assert done.returncode == 2 and "usage" in done.stderr and done.stdout == ""


def test_unreadable_case_files_are_status_2(tmp_path):
    for path in (tmp_path / "missing.json", tmp_path):
        done = trace(path)
        assert done.returncode == 2 and "cannot read" in done.stderr and done.stdout == "", done.stderr


def test_an_output_it_cannot_write_is_status_1(tmp_path):
    done = trace(GOLDEN / "cases" / "rest.json", tmp_path / "no" / "such" / "folder.csv")
    assert done.returncode == 1 and "cannot write" in done.stderr


def test_the_trace_goes_to_out_and_the_spikes_to_their_file(tmp_path, manifest):
    out, spikes = tmp_path / "t.csv", tmp_path / "s.txt"
    done = trace("--spikes", spikes, GOLDEN / "cases" / "single_spike.json", out)
    assert done.returncode == 0 and done.stdout == "" and done.stderr == ""
    assert out.read_text().splitlines()[0] == "t,V,m,h,n,I_Na,I_K,I_L,I_stim"
    expected = next(entry.spikes for entry in manifest if entry.name == "single_spike")
    assert [float(t) for t in spikes.read_text().split()] == pytest.approx(list(expected), abs=1e-9)


@pytest.mark.parametrize("text, names", [
    ('{"name": "x", "method": "rk4", "dt": 0.01, "steps": 10, "__proto__": 1}', "__proto__"),
    ('{"name": "x", "method": "rk4", "dt": 0.01, "steps": 10, "parameters": {"constructor": 1}}', "constructor"),
    ('{"name": "x", "method": "rk4", "dt": 0.01, "steps": 10, "stimulus": {"pulses": [{"start": 0, "stop": 1}]}}',
     "amplitude"),
    ('{"name": "x", "method": "rk4", "dt": 0.01, "steps": 10}   x', None),
    ('{"name": "x", "method": "rk4", "dt": -0, "steps": 10}', "dt"),
    ('{"name": "x", "method": "rk4", "dt": 0.01, "steps": 10, "V0": 1E+400}', "V0"),
    ("[" * 100 + "]" * 100, None),
])
def test_the_reader_rejects_what_the_python_reader_rejects(tmp_path, text, names):
    from pyhh.conformance.casefile import load_case
    from pyhh.reference.errors import CaseFileError

    path = tmp_path / "case.json"
    path.write_text(text)
    with pytest.raises(CaseFileError):
        load_case(path)
    done = trace(path)
    assert done.returncode == 2 and done.stdout == "", done.stderr
    if names is not None:
        assert f"'{names}'" in done.stderr or f"{names} =" in done.stderr, done.stderr


def test_the_reader_rejects_a_lone_surrogate_as_the_c_reader_does(tmp_path):
    # "\ud800" is no Unicode text (RFC 8259 §8.2 leaves it to the reader); c/hh_trace.c rejects it
    # too, while Python's json module accepts it.
    path = tmp_path / "case.json"
    path.write_text('{"name": "x\\ud800", "method": "rk4", "dt": 0.01, "steps": 10}')
    done = trace(path)
    assert done.returncode == 2 and "surrogate" in done.stderr


def test_the_reader_accepts_what_the_python_reader_accepts(tmp_path):
    # escapes, a surrogate pair, exponents, integers written as numbers, white space everywhere
    text = ('\r\n{ "name" : "\\u00e9\\ud83d\\ude00\\n\\"", "method":"euler", "dt": 1E-2, "steps" :5,'
            ' "temperature": 6, "parameters": {"g_K": 36}, "stimulus": {"pulses": [], "waveform": [0, 1e0, -2.5, 0, 0]}}\t')
    path = tmp_path / "case.json"
    path.write_text(text)
    from pyhh.conformance.casefile import load_case
    from pyhh.conformance.grading import compare
    from pyhh.conformance.trace import parse_trace
    from pyhh.reference.run import run

    done = trace(path)
    assert done.returncode == 0, done.stderr
    golden = run(load_case(path)).rows
    import numpy as np

    assert compare(parse_trace(done.stdout), np.array(golden), 50.0, spikes=False).level in ("exact", "float64")


def test_the_trace_is_written_in_pieces_never_as_one_string():
    # V8's strings stop at 2^29 - 24 characters: a valid run of 4,000,000 rows (604 MB of trace, 8 s) was
    # refused with "output: cannot write: Invalid string length" while C wrote it. hh_trace.mjs writes
    # trace_pieces one by one; their rows, joined, are trace_text's.
    script = """
import { trace_pieces, trace_text } from "./js/trace.mjs";
import { run } from "./js/pyhh.mjs";
const result = run({ name: "x", method: "euler", dt: 0.01, steps: 25000 });
const pieces = Array.from(trace_pieces(result));
const lines = pieces.map((piece) => piece.split("\\n").length - 1);
console.log(JSON.stringify({ lines, same: pieces.join("") === trace_text(result) }));
"""
    done = subprocess.run([NODE, "--input-type=module", "-e", script], capture_output=True, text=True, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"lines": [10000, 10000, 5001], "same": True}
    assert "trace_text" not in HH_TRACE.read_text()


def test_a_run_too_large_for_memory_is_one_line_and_status_1(tmp_path):
    # §11.4: the port's own trouble; the rows are sized before the run (a typed array too long, or not allocated).
    for steps in (9007199254740991, 450_000_000):
        path = tmp_path / "big.json"
        path.write_text(f'{{"name": "x", "method": "euler", "dt": 1e-9, "steps": {steps}}}')
        done = trace(path)
        assert done.returncode == 1 and done.stdout == "" and done.stderr.count("\n") == 1, done.stderr
        assert "out of memory" in done.stderr and "    at " not in done.stderr, done.stderr


def test_every_golden_cable_case_is_exact(graded):
    # spec §13: js/cable.mjs keeps the reference's operation order (§13.3-§13.6), so bit for bit
    from pyhh.conformance.golden import load_cable

    cable, rejects = load_cable()
    levels = {o.case: o.level for o in graded.cable}
    assert sorted(levels) == sorted(c.name for c in cable) and len(levels) >= 6
    assert all(level == "exact" for level in levels.values()), levels
    assert not graded.cable_unsupported and graded.cable_level == "exact"
    assert sorted(o.case for o in graded.cable_errors) == sorted(r.name for r in rejects)
    assert all(o.level == "strict" for o in graded.cable_errors), [o for o in graded.cable_errors if o.level != "strict"]


def test_the_cable_arrival_times_are_the_manifests(node, tmp_path):
    # §13.8: every site's arrivals, bit for bit, against the golden manifest's
    from pyhh.conformance.golden import load_cable

    script = tmp_path / "arrivals.mjs"
    script.write_text(f"import {{ readFileSync }} from 'node:fs';\n"
                      f"import {{ run_cable }} from '{(ROOT / 'js' / 'cable.mjs').as_uri()}';\n"
                      f"import {{ read_case_bytes }} from '{(ROOT / 'js' / 'case_file.mjs').as_uri()}';\n"
                      "const out = process.argv.slice(2).map((f) => run_cable(read_case_bytes(readFileSync(f))).arrivals);\n"
                      "console.log(JSON.stringify(out.map((a) => a.map((s) => s.map((t) => t.toString())))));\n")
    cable, _ = load_cable()
    done = subprocess.run([NODE, str(script), *(str(c.case_path) for c in cable)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    got = [[[float(t) for t in site] for site in case] for case in json.loads(done.stdout)]
    assert got == [[list(site) for site in c.arrivals] for c in cable]
    assert sum(len(site) for case in got for site in case) > 10  # not vacuous: the waves arrive
