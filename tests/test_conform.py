"""`pyhh conform`, the conformance kit, end to end: it grades real ports right,
catches broken ones with a message a porter understands, and never hangs."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import CASE_NAMES, EXPECTED_LEVEL, ROOT

PORT = [sys.executable, str(ROOT / "tests" / "ports" / "reordered.py")]


def conform(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyhh", "conform", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def hh_trace(c_programs):
    return str(c_programs / "hh_trace")


def test_the_c_example_program_conforms(hh_trace):
    done = conform("--", hh_trace)
    assert done.returncode == 0, done.stdout
    n = len(CASE_NAMES)
    assert done.stdout.strip().endswith(f"{n} case(s): {n} {EXPECTED_LEVEL}. Conformance level: {EXPECTED_LEVEL}")


def test_placeholders_for_the_case_and_the_output_file(hh_trace):
    done = conform("--case", "rest", "--", "sh", "-c", f'"{hh_trace}" "$1" "$2"', "sh", "{case}", "{out}")
    assert done.returncode == 0 and f"Conformance level: {EXPECTED_LEVEL}" in done.stdout, done.stdout + done.stderr


def test_a_reordered_float64_port_is_graded_float64():
    done = conform("--method", "rk4", "--", *PORT)
    assert done.returncode == 0
    assert done.stdout.strip().endswith("Conformance level: float64")


def test_a_float32_port_is_graded_float32():
    done = conform("--case", "waveform", "--case", "subthreshold_pulse", "--", *PORT, "float32")
    assert done.returncode == 0 and done.stdout.strip().endswith("Conformance level: float32"), done.stdout


def test_textbook_rates_fail_at_the_singular_voltages():
    done = conform("--case", "start_at_10", "--case", "clamp_at_25", "--case", "rest", "--", *PORT, "--bug", "raw-rates")
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert any(line.startswith("start_at_10") and "fail" in line for line in lines)
    assert "where alpha_n is 0/0 in the raw formula" in done.stdout
    assert "alpha_m's removable singularity" in done.stdout
    assert any(line.startswith("rest") and "float64" in line for line in lines)


@pytest.mark.parametrize("bug, case", [
    ("no-C_m", "membrane_variants"), ("clamp-at-u", "clamp_holding"),
    ("pulses-or-wave", "exp_euler_variants"), ("floor-rows", "rk4_cold"),
    ("half-step-gates", "staggered_cn_clamp"), ("half-step-gates", "staggered_exp_clamp"),
])
def test_each_classic_bug_fails_a_golden_case(bug, case):
    # Every spec rule a port could get wrong changes some golden trace
    # (the spike threshold changes no trace, only spike times).
    done = conform("--case", case, "--", *PORT, "--bug", bug)
    assert done.returncode == 1 and "fail" in done.stdout.splitlines()[1], done.stdout


def test_recording_one_step_late_is_diagnosed():
    done = conform("--case", "rest", "--case", "clamp_at_25", "--", *PORT, "--bug", "late-rows")
    assert done.returncode == 1
    assert "row 0 holds the state after the first step" in done.stdout
    assert "pyHH stored the state one step late" in done.stdout


def write_script(tmp_path, body: str) -> list[str]:
    script = tmp_path / "impl.py"
    script.write_text("import sys\n" + body)
    return [sys.executable, str(script)]


@pytest.mark.parametrize("body, message", [
    ("print('t,V,m,h,n,I_Na,I_L,I_stim')", "missing column 'I_K'"),
    ("print('t,V,m,h,n,I_Na,I_K,I_L,I_stim')\nprint('0,0,0,0,0,0,0,0,0')", "1 rows, expected 500"),
    ("print('t,V,m,h,n,I_Na,I_K,I_L,I_stim')\nprint('0,0,0,0,0,0,0,0')", "line 2 has 8 values, expected 9"),
    ("print('t,V,m,h,n,I_Na,I_K,I_L,I_stim')\nprint('0,x,0,0,0,0,0,0,0')", "line 2, column V: 'x' is not a number"),
    ("sys.stderr.write('segfault-ish\\n'); sys.exit(139)", "exited with status 139: segfault-ish"),
    ("", "empty trace"),
])
def test_broken_output_is_reported_clearly(tmp_path, body, message):
    done = conform("--case", "rest", "--", *write_script(tmp_path, body))
    assert done.returncode == 1 and message in done.stdout, done.stdout


def test_a_hanging_implementation_is_killed(tmp_path):
    done = conform("--case", "rest", "--timeout", "1", "--", *write_script(tmp_path, "import time\ntime.sleep(60)"),
                   timeout=30)
    assert done.returncode == 1 and "timed out after 1 s (killed)" in done.stdout


def test_a_missing_command_and_bad_selections(tmp_path):
    done = conform("--case", "rest", "--", str(tmp_path / "no-such-port"))
    assert done.returncode == 1 and "cannot start" in done.stdout
    done = conform("--case", "nope", "--", "true")
    assert done.returncode == 2 and "unknown case 'nope'" in done.stderr
    done = conform()
    assert done.returncode == 2 and "give the implementation's command after --" in done.stderr
