"""The attack corpus (tests/attacks, issue 17): hostile case files through every
reader, Python's (`pyhh trace`, with either backend), C's (`hh_trace`, plain
and under AddressSanitizer and UndefinedBehaviorSanitizer) and JavaScript's
(`node js/hh_trace.mjs`), which must agree on every file; and hostile command
lines, which must fail cleanly.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import NODE, ROOT, python_reader, require_node
from pyhh.cli import main
from pyhh.conformance.grading import compare
from pyhh.conformance.trace import parse_trace

CORPUS = ROOT / "tests" / "attacks"
CASES = json.loads((CORPUS / "cases.json").read_text())["cases"]
INVOCATIONS = json.loads((CORPUS / "cli.json").read_text())["invocations"]
STATUS = {"accept": 0, "reject": 2, "unstable": 3}


def test_the_corpus_is_what_its_script_writes():
    sys.path.insert(0, str(CORPUS))
    try:
        import make_corpus
    finally:
        sys.path.remove(str(CORPUS))
    for path, data in make_corpus.files().items():
        assert path.read_bytes() == data, f"{path} is stale: run tests/attacks/make_corpus.py"
    assert sorted(p.name for p in (CORPUS / "cases").iterdir()) == sorted(f"{e['name']}.json" for e in CASES)


@pytest.mark.parametrize("entry", CASES, ids=[e["name"] for e in CASES])
def test_both_readers_agree_on_every_hostile_case_file(entry, c_programs):
    path = CORPUS / entry["file"]
    expected = STATUS[entry["expect"]]
    outcomes = {backend: python_reader(path, backend) for backend in ("python", "c")}
    require_node()
    commands = {program: [c_programs / program] for program in ("hh_trace", "hh_trace_asan")}
    commands["node"] = [NODE, ROOT / "js" / "hh_trace.mjs"]
    for program, command in commands.items():
        done = subprocess.run([*command, path], capture_output=True, text=True, errors="replace", timeout=120)
        assert "Sanitizer" not in done.stderr and "runtime error" not in done.stderr, done.stderr[-2000:]
        outcomes[program] = (done.returncode, done.stdout, done.stderr)
    for reader, (status, out, err) in outcomes.items():
        assert status == expected, (reader, err[-500:])
        assert "Traceback" not in err
        if entry["names"] is not None:
            assert entry["names"] in err, (reader, err)
    if expected == 0:  # the same trace from every reader: C's value for value, JavaScript's at float64
        traces = {reader: parse_trace(out) for reader, (_, out, _) in outcomes.items()}
        first = traces.pop("python")
        assert compare(traces.pop("node"), first, 50.0, spikes=False).level in ("exact", "float64")
        for reader, trace in traces.items():
            assert np.array_equal(trace, first), reader


def test_the_corpus_covers_every_row_of_the_issue_about_case_files():
    rows = {e["row"] for e in CASES} | {e["row"] for e in INVOCATIONS}
    assert {1, 3, 5, 6, 7, 8, 9, 12, 13, 14, 15} <= rows
    assert {e["expect"] for e in CASES} == set(STATUS)


@pytest.mark.parametrize("entry", INVOCATIONS, ids=[" ".join(e["argv"])[:60] for e in INVOCATIONS])
def test_hostile_command_lines_fail_cleanly(entry, tmp_path, capsys):
    argv = [arg.replace("{corpus}", str(CORPUS)).replace("{tmp}", str(tmp_path)) for arg in entry["argv"]]
    try:
        status = main(argv)
    except SystemExit as e:  # argparse's own errors
        status = e.code
    err = capsys.readouterr().err
    assert status == entry["status"] and entry["stderr"] in err, err
    assert list(tmp_path.iterdir()) == [], "a rejected command wrote a file"
