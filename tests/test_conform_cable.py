"""`pyhh conform` on the cable of spec §13: the golden cable cases graded by §11's levels through
the port protocol of §11.4, the cable's negative cases graded as §11.5's, and a port without a
cable graded on the patch as before 3.1.0. The ports are the reference (tests/ports/cable_port.py)
and that port with one mistake each, so each grade below is one the grader must be able to give."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PORT = [sys.executable, str(ROOT / "tests" / "ports" / "cable_port.py")]
CABLE_CASES = ("cable_end_0", "cable_cold_variants", "cable_collision")


def conform(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyhh", "conform", *args], capture_output=True, text=True,
                          timeout=900, cwd=ROOT)


def cases(*names: str) -> list[str]:
    return [a for name in names for a in ("--case", name)]


def test_the_reference_reaches_exact_on_every_cable_case_and_rejects_every_negative_one():
    from pyhh.conformance.golden import load_cable

    cable, rejects = load_cable()
    assert len(cable) >= 6 and len(rejects) >= 19
    done = conform(*cases(*(c.name for c in cable), *(r.name for r in rejects)), "--", *PORT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"cable: {len(cable)} case(s): {len(cable)} exact. Cable conformance level: exact" in done.stdout
    assert (f"cable: {len(rejects)} negative case(s): {len(rejects)} strict. Cable error handling: strict"
            in done.stdout)


def test_a_port_without_a_cable_is_graded_on_the_patch_as_before(tmp_path):
    out = tmp_path / "grades.json"
    done = conform(*cases("rest", *CABLE_CASES, "cable_nseg_zero"), "--require", "exact", "--json", str(out),
                   "--", *PORT, "--patch-only")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "1 case(s): 1 exact. Conformance level: exact" in done.stdout
    assert f"cable: not supported (the port rejected all {len(CABLE_CASES)} cable case(s)" in done.stdout
    assert "cable_nseg_zero" not in done.stdout  # no cable, so its negative cases are not run
    grades = json.loads(out.read_text())
    assert grades["level"] == "exact" and grades["shortfalls"] == []
    assert grades["cable"]["supported"] is False and grades["cable"]["level"] is None
    assert sorted(grades["cable"]["rejected"]) == sorted(CABLE_CASES)


def test_require_cable_is_not_met_by_a_port_without_one():
    from pyhh.conformance.runner import REJECTED, Grades, Outcome, shortfalls

    rejected = [Outcome(name, REJECTED, "rejected it") for name in CABLE_CASES]
    assert shortfalls(Grades([Outcome("rest", "exact", "")], [], cable_unsupported=rejected), ["exact"]) == []
    assert shortfalls(Grades([Outcome("rest", "exact", "")], [], cable_unsupported=rejected), ["cable"]) == [
        "--require cable: the port rejected every cable case (it has no cable, spec §13)"]
    with_cable = Grades([Outcome("rest", "exact", "")], [], cable=[Outcome("cable_end_0", "float64", "")])
    assert shortfalls(with_cable, ["cable"]) == []
    assert shortfalls(with_cable, ["exact", "cable"]) == ["--require exact: the cable conformance level is float64"]


def test_a_perturbed_cable_trace_is_graded_below_exact(tmp_path):
    out = tmp_path / "grades.json"
    done = conform(*cases("rest", *CABLE_CASES), "--require", "exact", "--json", str(out), "--", *PORT, "--bug", "perturb")
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"Cable conformance level: float64" in done.stdout and "Conformance level: exact" in done.stdout
    assert "--require exact: the cable conformance level is float64" in done.stderr
    grades = json.loads(out.read_text())
    assert {c["level"] for c in grades["cable"]["cases"]} == {"float64"}
    # the departure is in the last site's V column, from row 1 on
    for case in grades["cable"]["cases"]:
        assert case["largest"]["t"] == 0.0 and case["first_departure"] is None  # within float64: no departure


def test_a_late_stimulus_is_caught_at_every_site():
    done = conform(*cases("cable_end_0", "cable_cold_variants"), "--", *PORT, "--bug", "slow")
    assert "Cable conformance level: spikes" in done.stdout or "Cable conformance level: fail" in done.stdout, done.stdout
    assert "cable_end_0                spikes   row 1, V_0" in done.stdout, done.stdout


def test_a_port_that_runs_some_cable_cases_fails_those_it_rejects():
    done = conform(*cases("cable_end_0", "cable_cold_variants"), "--", *PORT, "--bug", "reject-some")
    assert done.returncode == 1
    assert "cable: 2 case(s): 1 exact, 1 fail. Cable conformance level: fail" in done.stdout, done.stdout
    assert "a port that runs the cable must run every cable case" in done.stdout


def test_a_cable_port_without_input_checks_fails_the_cable_negative_cases():
    done = conform(*cases("cable_end_0", "cable_sites_empty", "cable_nseg_zero"), "--", *PORT, "--bug", "accept")
    assert done.returncode == 1
    assert "Cable conformance level: exact" in done.stdout
    assert "cable: 2 negative case(s): 2 fail. Cable error handling: fail" in done.stdout, done.stdout
    assert "--require" not in done.stderr


JS_PORT = ["node", str(ROOT / "js" / "hh_trace.mjs")]


def test_arrival_times_in_the_spike_file_are_graded(tmp_path):
    # §13.13: with {spikes}, a cable port writes each site's arrival times, a line per site; the
    # JavaScript port's equal the manifest's, and a port that moves one by 1e-6 ms or leaves a
    # site out fails the case.
    import shutil

    if shutil.which("node") is None:
        import pytest
        pytest.skip("node is not installed")
    names = cases("cable_end_0", "cable_repetitive")
    done = conform(*names, "--", *JS_PORT, "--spikes", "{spikes}")
    assert done.returncode == 0 and "cable: 2 case(s): 2 exact" in done.stdout, done.stdout + done.stderr
    for change, message in (("moved", "arrival times at its site 1 differ from the manifest's by up to 1e-06 ms"),
                            ("dropped", "its spike file has 2 lines, the case 3 sites")):
        wrapper = tmp_path / f"{change}.py"
        wrapper.write_text(
            "import subprocess, sys\n"
            f"status = subprocess.call({JS_PORT!r} + ['--spikes', sys.argv[1], sys.argv[2]])\n"
            "lines = open(sys.argv[1]).read().split('\\n')[:-1]\n"
            f"if {change == 'moved'!r}:\n"
            "    first = lines[0].split(',')\n"
            "    lines[0] = ','.join([repr(float(first[0]) + 1e-6)] + first[1:])\n"
            "else:\n"
            "    lines = lines[1:]\n"
            "open(sys.argv[1], 'w').write(''.join(line + '\\n' for line in lines))\n"
            "sys.exit(status)\n")
        done = conform(*cases("cable_repetitive"), "--", sys.executable, str(wrapper), "{spikes}", "{case}")
        assert done.returncode == 1 and message in done.stdout, done.stdout + done.stderr


def test_require_cable_on_the_command_line():
    # a patch-only port meets --require exact as before 3.1.0, and --require cable exits 1
    names = cases("rest", "cable_end_0")
    done = conform(*names, "--require", "exact", "--", *PORT, "--patch-only")
    assert done.returncode == 0, done.stdout + done.stderr
    done = conform(*names, "--require", "cable", "--", *PORT, "--patch-only")
    assert done.returncode == 1 and "--require cable: the port rejected every cable case" in done.stdout + done.stderr


def test_pyhh_trace_runs_cable_case_files_as_a_port():
    # §13.13: pyhh trace tells a cable case file from a patch's and is graded exact on every
    # cable case, its arrival times (--spikes) the manifest's, and strict on the cable's negative cases
    from pyhh.conformance.golden import load_cable

    cable, rejects = load_cable()
    done = conform(*cases(*(c.name for c in cable), *(r.name for r in rejects), "rest"), "--",
                   sys.executable, "-m", "pyhh", "trace", "--spikes", "{spikes}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"cable: {len(cable)} case(s): {len(cable)} exact. Cable conformance level: exact" in done.stdout
    assert f"{len(rejects)} strict. Cable error handling: strict" in done.stdout
