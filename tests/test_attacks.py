"""The attack corpus (tests/attacks, issues 17 and 25): hostile case files through every
reader, Python's (`pyhh trace`, with either backend), C's (`hh_trace`, plain
and under AddressSanitizer and UndefinedBehaviorSanitizer) and JavaScript's
(`node js/hh_trace.mjs`), which must agree on every file; and every reproducer
that is data, hostile command lines (cli.json) and calls of the Python API
(api.json), which must fail cleanly, leaving no file.

An entry marked `child` runs in a child process under a hang guard: what it names
(a FIFO, a device) would block a reader that opened it, waiting for a writer
forever, and the guard turns that into a failure. The guard is not a timing
assertion: a refusal takes well under a second, the guard is HANG_GUARD.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import pyhh.limits
from conftest import GOLDEN, NODE, ROOT, python_reader, require_node
from pyhh.cli import main
from pyhh.conformance.grading import compare
from pyhh.conformance.trace import parse_trace

CORPUS = ROOT / "tests" / "attacks"
CASES = json.loads((CORPUS / "cases.json").read_text())["cases"]
INVOCATIONS = json.loads((CORPUS / "cli.json").read_text())["invocations"]
CALLS = json.loads((CORPUS / "api.json").read_text())["invocations"]
HANG_GUARD = 30  # seconds
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


def placed(value, tmp_path):
    """`value` (a JSON value) with {corpus}, {golden} and {tmp} in its strings put in place."""
    if isinstance(value, str):
        return value.replace("{corpus}", str(CORPUS)).replace("{golden}", str(GOLDEN)).replace("{tmp}", str(tmp_path))
    if isinstance(value, list):
        return [placed(v, tmp_path) for v in value]
    if isinstance(value, dict):
        return {k: placed(v, tmp_path) for k, v in value.items()}
    return value


def under(folder) -> list[str]:
    """Every path under `folder`, relative to it."""
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*"))


def make(setup: list[dict], capsys) -> None:
    """An entry's `setup`, in the working folder, in order."""
    for step in setup:
        if "fifo" in step:
            os.mkfifo(step["fifo"])
        elif "file" in step:
            os.makedirs(os.path.dirname(step["file"]) or ".", exist_ok=True)
            with open(step["file"], "w", encoding="utf-8", newline="") as file:
                file.write(step["text"])
        elif "run" in step:
            assert main(step["run"]) == 0, capsys.readouterr().err
        else:
            os.unlink(step["remove"])
    capsys.readouterr()


def in_child(command: list[str], what: str) -> subprocess.CompletedProcess:
    """`python COMMAND` in the working folder, stopped by the hang guard."""
    try:
        return subprocess.run([sys.executable, *command], capture_output=True, text=True, timeout=HANG_GUARD,
                              stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    except subprocess.TimeoutExpired:
        pytest.fail(f"{what}: still running after {HANG_GUARD} s: it waited on a FIFO or read a device")


def command_line(entry: dict, capsys) -> tuple[int, str, str]:
    """Run an entry's `argv`: (status, standard output, standard error)."""
    if entry.get("child"):
        done = in_child(["-m", "pyhh", *entry["argv"]], " ".join(entry["argv"]))
        return done.returncode, done.stdout, done.stderr
    try:
        status = main(entry["argv"])
    except SystemExit as e:  # argparse's own errors
        status = e.code
    out, err = capsys.readouterr()
    return status, out, err


def call(entry: dict) -> dict:
    """Run an entry's `call`: what it raised (tests/attacks/call.py)."""
    if entry.get("child"):
        done = in_child([str(CORPUS / "call.py"), json.dumps(entry)], entry["call"])
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    sys.path.insert(0, str(CORPUS))
    try:
        from call import outcome
    finally:
        sys.path.remove(str(CORPUS))
    return outcome(entry["call"], entry["args"], entry["kwargs"])


def entry_id(entry: dict) -> str:
    words = entry["argv"] if "argv" in entry else [entry["call"], *map(str, entry["args"]), *entry["kwargs"]]
    return " ".join(words)[:60]


@pytest.mark.parametrize("entry", INVOCATIONS + CALLS, ids=[entry_id(e) for e in INVOCATIONS + CALLS])
def test_every_reproducer_fails_cleanly(entry, tmp_path, monkeypatch, capsys):
    entry = placed(entry, tmp_path)
    monkeypatch.chdir(tmp_path)
    make(entry.get("setup", []), capsys)
    made = under(tmp_path)
    if "available_memory" in entry:
        assert not entry.get("child"), "a child's memory is its own"
        monkeypatch.setattr(pyhh.limits, "available_memory", lambda: entry["available_memory"])
    if "argv" in entry:
        status, out, err = command_line(entry, capsys)
        assert status == entry["status"], err
        assert entry["stderr"] in err, err
        assert "Traceback" not in err, err
        if "stdout" in entry:
            assert out == entry["stdout"]
        for text in entry.get("stderr_lacks", []):
            assert text not in err, err
    else:
        raised = call(entry)
        assert raised["raises"] == entry["raises"], raised
        assert re.search(entry["match"], raised["message"]), raised
    assert under(tmp_path) == sorted(entry.get("leaves", made)), "a rejected command wrote a file, or removed one"
