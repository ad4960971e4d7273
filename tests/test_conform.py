"""`pyhh conform`, the conformance kit, end to end: it grades real ports right,
catches broken ones with a message a porter understands, and never hangs."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import CASE_NAMES, EXPECTED_LEVEL, ROOT

PORT = [sys.executable, str(ROOT / "tests" / "ports" / "reordered.py")]


def conform(*args: str, timeout: float = 600) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyhh", "conform", *args], capture_output=True, text=True,
                          timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def hh_trace(c_programs):
    return str(c_programs / "hh_trace")


def summary(done, what: str) -> str:
    """The report's line that ends with `what: LEVEL`."""
    (line,) = [line for line in done.stdout.splitlines() if f"{what}: " in line and not line.startswith(" ")]
    return line


def test_the_c_example_program_conforms(c_programs, manifest):
    # Its sanitizer build, reporting its spike times too: every trace, every spike time (against the
    # manifest's), every negative case, with no sanitizer error (a report would fail the case).
    from pyhh.conformance.golden import load_negative

    done = conform("--", str(c_programs / "hh_trace_asan"), "--spikes", "{spikes}", "{case}")
    assert done.returncode == 0, done.stdout
    n, negative = len(CASE_NAMES), sum(map(len, load_negative(ROOT / "golden")))
    assert summary(done, "Conformance level").endswith(f"{n} case(s): {n} {EXPECTED_LEVEL}. Conformance level: "
                                                        f"{EXPECTED_LEVEL}")
    assert summary(done, "Error handling").endswith(f"{negative} negative case(s): {negative} strict. Error handling: strict")


def test_the_python_reader_passes_every_negative_case(capsys):
    # pyhh trace, in this process (the subprocess protocol is the C program's test above): status 2
    # naming the key for every file to reject, status 3 naming the step for every run that must stop.
    from pyhh.cli import main
    from pyhh.conformance.golden import load_negative
    from pyhh.conformance.runner import crash_instead_of_rejection, names_word

    rejects, unstable = load_negative(ROOT / "golden")
    assert len(rejects) >= 30 and len(unstable) >= len(set(__import__("pyhh").METHODS))
    for entry in rejects:
        assert main(["trace", str(entry.path)]) == 2, entry.name
        message = capsys.readouterr().err
        assert crash_instead_of_rejection(message) == "", (entry.name, message)
        assert entry.names is None or names_word(message, entry.names, entry.path), (entry.name, message)
    for entry in unstable:
        assert main(["trace", str(entry.path)]) == 3, entry.name
        assert f"step {entry.step}" in capsys.readouterr().err, entry.name


def test_placeholders_for_the_case_and_the_output_file(hh_trace):
    done = conform("--case", "rest", "--", "sh", "-c", f'"{hh_trace}" "$1" "$2"', "sh", "{case}", "{out}")
    assert done.returncode == 0 and f"Conformance level: {EXPECTED_LEVEL}" in done.stdout, done.stdout + done.stderr


def test_a_reordered_float64_port_is_graded_float64():
    done = conform("--method", "rk4", "--", *PORT)
    assert done.returncode == 0
    assert summary(done, "Conformance level").endswith("Conformance level: float64")


def test_a_float32_port_is_graded_float32():
    done = conform("--case", "waveform", "--case", "subthreshold_pulse", "--", *PORT, "float32")
    assert done.returncode == 0 and summary(done, "Conformance level").endswith("Conformance level: float32"), done.stdout


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


@pytest.mark.parametrize("change, message", [
    ("text.replace('\\n', '\\r\\n')", "line 1 holds a CR (a CRLF line end?)"),
    ("text.replace(',', ', ', 8)", "header must be exactly t,V,m,h,n,I_Na,I_K,I_L,I_stim, with no spaces"),
    ("text[:-1]", "the last line does not end with LF"),
    ("text.replace('\\n0.0,', '\\n0_0.0,', 1)", "line 2, column t: '0_0.0' is not a number"),
])
def test_a_right_trace_outside_the_grammar_of_10_2_fails(tmp_path, change, message):
    # Issue 25, item 8: the golden values, but CRLF line ends, a header with spaces or no LF after
    # the last line were graded exact; §10.2 allows none of them (`0_0.0` was refused already).
    script = write_script(tmp_path, "import subprocess\n"
                          "text = subprocess.run([sys.executable, '-m', 'pyhh', 'trace', sys.argv[-1]], "
                          "capture_output=True, text=True, check=True).stdout\n"
                          f"sys.stdout.write({change})")
    done = conform("--case", "rest", "--", *script)
    assert done.returncode == 1 and message in done.stdout, done.stdout


def test_a_hanging_implementation_is_killed(tmp_path):
    done = conform("--case", "rest", "--timeout", "1", "--", *write_script(tmp_path, "import time\ntime.sleep(60)"),
                   timeout=30)
    assert done.returncode == 1 and "timed out after 1 s (killed)" in done.stdout


def test_a_missing_command_and_bad_selections(tmp_path):
    done = conform("--case", "rest", "--", str(tmp_path / "no-such-port"))
    assert done.returncode == 2 and "cannot start" in done.stderr and "no such program" in done.stderr
    done = conform("--method", "rk4", "--case", "rest", "--", "true")  # rest is an euler case: nothing left
    assert done.returncode == 2 and "no golden case matches the selection" in done.stderr
    done = conform("--case", "nope", "--", "true")
    assert done.returncode == 2 and "unknown case 'nope'" in done.stderr
    done = conform()
    assert done.returncode == 2 and "give the implementation's command after --" in done.stderr


def test_a_wrong_rate_is_hinted_at_its_gate():
    # A typo in beta_n moves row 0's n only: the hint names n's rates, not "the initial state".
    done = conform("--case", "rest", "--", *PORT, "--bug", "beta-n")
    assert summary(done, "Conformance level").endswith("Conformance level: spikes")  # no spike, but far off
    assert "row 0's n is not its steady state at V0 while V is right: check alpha_n and beta_n" in done.stdout


def test_the_first_departure_shows_both_values():
    done = conform("--case", "rest", "--", *PORT, "--bug", "beta-n")
    assert "first departure: row 0 (t = 0 ms), column n: port " in done.stdout and ", golden 0.3176769" in done.stdout


def test_a_port_without_input_checks_is_not_clean():
    # The reordered port reads any JSON it can and never checks a value.
    done = conform("--timeout", "10", "--case", "repetitive_rk4", "--case", "dt_zero", "--case", "unknown_key",
                   "--case", "record_every_above_steps", "--case", "rk4_dt_0_1", "--", *PORT)
    assert done.returncode == 1
    assert summary(done, "Conformance level").endswith("Conformance level: float64")
    assert summary(done, "Error handling").endswith("Error handling: fail")
    assert any(line.startswith("dt_zero") and "accepted a file it must reject" in line for line in done.stdout.splitlines())


def test_a_port_with_the_wrong_exit_status_fails_the_negative_cases(tmp_path, hh_trace):
    script = write_script(tmp_path, "import subprocess\n"
                          f"status = subprocess.run([{hh_trace!r}, sys.argv[-1]]).returncode\n"
                          "sys.exit(1 if status == 2 else status)")
    done = conform("--case", "steps_zero", "--case", "rest", "--", *script)
    assert done.returncode == 1
    assert any(line.startswith("steps_zero") and "exited with status 1, not 2" in line for line in done.stdout.splitlines())


def test_a_port_that_crashes_on_malformed_json_fails(tmp_path):
    script = write_script(tmp_path, "import json\njson.load(open(sys.argv[-1]))\nprint('t,V,m,h,n,I_Na,I_K,I_L,I_stim')")
    done = conform("--case", "malformed_json", "--", *script)
    assert done.returncode == 1 and "malformed_json" in done.stdout and "exited with status 1" in done.stdout


def test_a_port_that_rejects_without_naming_the_key_is_graded_rejects(tmp_path):
    script = write_script(tmp_path, "sys.stderr.write('bad input\\n'); sys.exit(2)")
    done = conform("--case", "unknown_parameter", "--case", "malformed_json", "--", *script)
    assert done.returncode == 0  # not a failure, but not strict
    assert summary(done, "Error handling").endswith("1 strict, 1 rejects. Error handling: rejects")
    assert "does not name 'gK'" in done.stdout


def test_naming_the_file_is_not_naming_the_key(tmp_path):
    # The negative files are named after their keys; a port that only echoes the path names nothing,
    # and "step 1000000" is not "step 1".
    script = write_script(tmp_path, "print(sys.argv[-1] + ': rejected', file=sys.stderr)\n"
                          "sys.exit(3 if 'dt_1e308' in sys.argv[-1] else 2)")
    done = conform("--case", "dt_zero", "--case", "staggered_cn_dt_1e308", "--", *script)
    assert "does not name 'dt'" in done.stdout and "does not name step 1" in done.stdout
    script = write_script(tmp_path, "print('left the finite range at step 1000000', file=sys.stderr); sys.exit(3)")
    done = conform("--case", "staggered_cn_dt_1e308", "--", *script)
    assert "does not name step 1" in done.stdout


def test_a_partial_trace_on_an_error_is_not_strict(tmp_path, hh_trace):
    script = write_script(tmp_path, "import subprocess\n"
                          f"done = subprocess.run([{hh_trace!r}, sys.argv[-1]], capture_output=True, text=True)\n"
                          "print('t,V,m,h,n,I_Na,I_K,I_L,I_stim'); sys.stderr.write(done.stderr); sys.exit(done.returncode)")
    done = conform("--case", "dt_zero", "--case", "rk4_dt_0_1", "--", *script)
    assert done.stdout.count("wrote to standard output (spec §11.4: no trace)") == 2


def test_reported_spike_times_are_checked_against_the_manifest(hh_trace, tmp_path):
    ok = conform("--case", "single_spike", "--", sys.executable, "-m", "pyhh", "trace", "--spikes", "{spikes}", "{case}")
    assert ok.returncode == 0 and "Conformance level: " in ok.stdout, ok.stdout + ok.stderr
    late = write_script(tmp_path, "import subprocess\n"
                        f"subprocess.run([{hh_trace!r}, sys.argv[-1]])\n"
                        "open(sys.argv[-2], 'w').write('12.0\\n')")
    done = conform("--case", "single_spike", "--", *late, "{spikes}", "{case}")
    assert done.returncode == 1 and "its every-step spike times differ from the manifest's" in done.stdout


def test_a_port_that_floods_its_output_is_stopped(tmp_path, monkeypatch):
    # Issue 17, row 10: `yes` as a port was buffered until the runner ran out of memory.
    from pyhh.conformance import execution as runner

    monkeypatch.setattr(runner, "MAX_OUTPUT", 2**20)
    execution = runner.execute(["yes"], ROOT / "golden" / "cases" / "rest.json", timeout=30)
    assert execution.status is None and execution.problem == "wrote more than 1 MiB to standard output (killed)"
    script = write_script(tmp_path, "sys.stdout.buffer.write(bytes(range(256)) * 4); sys.exit(2)")
    execution = runner.execute(script, ROOT / "golden" / "cases" / "rest.json", timeout=30)
    assert execution.status == 2 and "\ufffd" in execution.stdout  # not UTF-8: replaced, not a traceback


GO_PANIC = """panic: runtime error: index out of range [3] with length 3

goroutine 1 [running]:
main.readCase(...)
\t/home/porter/hh/main.go:41
main.main()
\t/home/porter/hh/main.go:12 +0x1d
"""
PYTHON_TRACEBACK = """Traceback (most recent call last):
  File "/home/porter/hh.py", line 9, in <module>
    steps = case["steps"]
KeyError: 'steps'
"""


@pytest.mark.parametrize("stderr, why", [
    (GO_PANIC, "a crash report, not a rejection: panic: runtime error"),
    ("fatal error: runtime: out of memory\n\ngoroutine 1 [running]:\n", "a crash report, not a rejection: fatal error"),
    ("panic: steps\n", "a crash report, not a rejection: panic: steps"),  # names the key, but on a panic's line
    (PYTHON_TRACEBACK, "a crash report, not a rejection: Traceback (most recent call last):"),
    ("case.json: 'steps' must be an integer\nusage: port CASE\n", "wrote 2 non-blank lines to standard error"),
    ("", "wrote 0 non-blank lines to standard error"),
])
def test_status_2_from_a_crash_is_graded_fail_not_rejects(tmp_path, stderr, why):
    # Issue 27: Go's runtime exits with status 2 on a panic or a fatal error (out of memory too), as a
    # rejection does; a rejection is one line (spec §11.4), so these are crashes.
    script = write_script(tmp_path, f"sys.stderr.write({stderr!r}); sys.exit(2)")
    done = conform("--case", "steps_fraction", "--case", "malformed_json", "--", *script)
    assert done.returncode == 1 and summary(done, "Error handling").endswith("2 fail. Error handling: fail"), done.stdout
    lines = [line for line in done.stdout.splitlines() if line.startswith(("steps_fraction", "malformed_json"))]
    assert len(lines) == 2 and all(" fail " in line and why in line for line in lines), done.stdout


def test_one_line_with_blank_lines_around_it_is_a_rejection(tmp_path):
    script = write_script(tmp_path, "sys.stderr.write('\\n  \\ncase.json: \\'steps\\' must be an integer\\r\\n\\n'); sys.exit(2)")
    done = conform("--case", "steps_fraction", "--", *script)
    assert done.returncode == 0 and summary(done, "Error handling").endswith("1 strict. Error handling: strict"), done.stdout


@pytest.mark.parametrize("message, word, named", [
    ("case.json: 'steps' must be an integer", "steps", True),
    ("steps = 0 must be at least 1", "steps", True),
    ("stimulus.pulses[0]: not an object", "pulses", True),  # a dot or a bracket beside it is no letter
    ("(steps)", "steps", True),
    ("steps2 is unknown", "steps", False),
    ("my_steps is unknown", "steps", False),  # the underscore continues a word
    ("'record_every' is too large", "every", False),
    ("'stepsé' is unknown", "steps", True),  # only ASCII letters, digits and _ continue a word
    ("unknown key ''", "", True),
    ('unknown key ""', "", True),
    ("unknown key", "", False),
    ("left the finite range at step 33.", "step 33", True),
    ("left the finite range at step 330", "step 33", False),
])
def test_a_word_of_its_own_is_what_spec_11_4_defines(message, word, named):
    from pyhh.conformance.runner import names_word

    assert names_word(message, word, ROOT / "golden" / "invalid" / "steps_zero.json") is named


def test_the_case_file_path_is_not_a_name():
    from pyhh.conformance.runner import names_word

    path = ROOT / "golden" / "invalid" / "steps_zero.json"
    assert not names_word(f"{path}: rejected", "steps", path)
    assert not names_word("steps_zero.json: rejected", "steps", path)


def test_require_makes_a_port_below_the_level_exit_1_for_ci(tmp_path):
    # Issue 24, item 5: the reordered port is float64, and exits 0 unless a level is required.
    below = conform("--case", "rest", "--require", "exact", "--", *PORT)
    assert below.returncode == 1 and "--require exact: the conformance level is float64" in below.stderr
    met = conform("--case", "rest", "--require", "float64", "--", *PORT)
    assert met.returncode == 0, met.stderr
    # the error-handling level too: the reordered port checks no input, so rejects nothing
    errors = conform("--case", "dt_zero", "--errors", "--require", "rejects", "--", *PORT)
    assert errors.returncode == 1 and "--require rejects: the error handling is fail" in errors.stderr
    # a level that was not graded is not met
    missing = conform("--case", "rest", "--require", "strict", "--", *PORT)
    assert missing.returncode == 1 and "the error handling was not graded" in missing.stderr
    assert conform("--require", "fail", "--", *PORT).returncode == 2  # not a level one can require


def test_json_gives_every_grade_as_data(tmp_path, hh_trace):
    import json

    out = tmp_path / "grades.json"
    done = conform("--case", "rest", "--case", "dt_zero", "--require", "exact", "--json", str(out), "--",
                   *PORT)
    grades = json.loads(out.read_text())
    assert done.returncode == 1 and grades["level"] == "float64" and grades["error_level"] == "fail"
    assert grades["shortfalls"] == ["--require exact: the conformance level is float64"]
    (case,) = grades["cases"]
    assert case["case"] == "rest" and case["level"] == "float64" and case["largest"]["V"] > 0
    assert [n["case"] for n in grades["negative_cases"]] == ["dt_zero"]
    exact = conform("--case", "rest", "--json", str(out), "--", hh_trace)
    assert exact.returncode == 0 and json.loads(out.read_text())["cases"][0]["level"] == "exact"


def stat_fields(pid: int) -> list[str]:
    """The fields of /proc/PID/stat after the process's name (its state, its parent, ...); [] if there is
    no such process, not even a zombie."""
    try:
        return open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return []


def gone(pid: int) -> bool:
    """The process `pid` has ended (a zombie waiting for its parent, init, has ended too)."""
    return stat_fields(pid)[:1] in ([], ["Z"])


needs_proc = pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc")


@needs_proc
def test_what_a_port_leaves_running_is_killed_and_does_not_change_its_grade(tmp_path, hh_trace):
    # Issue 25, item 8: a port that left `sleep 600` behind was graded exact, and the sleep kept running.
    pid_file = tmp_path / "pid"
    port = ["sh", "-c", f'sleep 600 & echo $! > "{pid_file}"; exec "{hh_trace}" "$1"', "sh", "{case}"]
    done = conform("--case", "rest", "--", *port)
    assert done.returncode == 0 and f"Conformance level: {EXPECTED_LEVEL}" in done.stdout, done.stdout
    assert gone(int(pid_file.read_text()))


def still_there(pid: int) -> str:
    """What is left of process `pid`: its state letter (R, S, ... or Z, a zombie nobody reaped), or "" if
    there is no such process at all."""
    return (stat_fields(pid) or [""])[0]


def children_of(parent: int) -> set[int]:
    """The processes whose parent is `parent`, zombies included."""
    return {int(name) for name in filter(str.isdigit, os.listdir("/proc")) if stat_fields(int(name))[1:2] == [str(parent)]}


#: The start of a hostile port (after write_script's `import sys`): leave(how) forks a process that `how`
#: runs, and appends to the file PIDS the pid of every process it left, once each is out of the port's
#: session. The port then runs hh_trace (exec: the children it never waited for become hh_trace's, and are
#: orphaned when it exits).
LEAVES = r"""import os
def leave(how):
    r, w = os.pipe()  # closed on exec: read to its end, once every process holding it wrote its pid
    if os.fork() == 0:
        os.close(r)
        how(w)
        os._exit(0)  # a zombie: the port never waits for it
    os.close(w)
    text = b''
    while chunk := os.read(r, 100):
        text += chunk
    open(PIDS, 'a').write(text.decode())
def sleeper(w):  # a session of its own, then `sleep 600`
    os.setsid()
    os.write(w, b'%d\n' % os.getpid())
    os.execvp('sleep', ['sleep', '600'])
def daemon(w):  # a daemon's double fork: a session of its own, a sleeper of its own, and exit
    os.setsid()
    os.write(w, b'%d\n' % os.getpid())
    if os.fork() == 0:
        sleeper(w)
"""


@needs_proc
@pytest.mark.parametrize("leaves", ["leave(sleeper)", "leave(daemon)\nleave(daemon)"])
def test_what_a_port_leaves_in_a_session_of_its_own_is_killed_and_reaped(tmp_path, hh_trace, leaves):
    # Issue 25, item 8: a port's child that calls setsid() escaped the kill of the port's process group (a
    # `setsid sleep 600`, a daemon's double fork), and the children it never waited for were left to init,
    # which may never reap them: zombies. Now nothing the port started remains, not even a zombie.
    pids = tmp_path / "pids"
    script = write_script(tmp_path, f"PIDS = {str(pids)!r}\n{LEAVES}{leaves}\n"
                          f"os.execv({hh_trace!r}, [{hh_trace!r}, sys.argv[-1]])")
    done = conform("--case", "rest", "--", *script, "{case}", timeout=120)
    assert done.returncode == 0 and f"Conformance level: {EXPECTED_LEVEL}" in done.stdout, done.stdout + done.stderr
    left = [int(pid) for pid in pids.read_text().split()]
    assert len(left) == (1 if leaves == "leave(sleeper)" else 4)  # the sleepers, and the daemons' first forks
    assert {pid: still_there(pid) for pid in left} == {pid: "" for pid in left}


@needs_proc
def test_the_grader_is_left_with_no_child_and_no_zombie(tmp_path, hh_trace):
    # The same port, graded in this process: the grader reaps the supervisor it started for the port, and
    # nothing the port started becomes the grader's (it is no subreaper: the supervisor is).
    from pyhh.conformance.execution import execute

    pids, before = tmp_path / "pids", children_of(os.getpid())
    script = write_script(tmp_path, f"PIDS = {str(pids)!r}\n{LEAVES}leave(sleeper)\nleave(daemon)\n"
                          f"os.execv({hh_trace!r}, [{hh_trace!r}, sys.argv[-1]])")
    done = execute([*script, "{case}"], ROOT / "golden" / "cases" / "rest.json", timeout=60)
    assert done.status == 0 and done.problem == "" and done.stdout.startswith("t,V,"), done
    left = [int(pid) for pid in pids.read_text().split()]
    assert len(left) == 3 and {pid: still_there(pid) for pid in left} == {pid: "" for pid in left}
    assert children_of(os.getpid()) <= before  # (pytest's own, if any, were there before)


def test_a_port_that_kills_its_supervisor_fails_its_case(tmp_path, hh_trace):
    # The supervisor is the port's parent: a port can SIGKILL it (nothing else it does reaches it: the port
    # has a process group of its own). The case fails, the grader goes on, and the port's group is killed.
    pid_file = tmp_path / "pid"
    port = ["sh", "-c", f'sleep 600 & echo $! > "{pid_file}"; kill -9 $PPID; exec "{hh_trace}" "$1"', "sh", "{case}"]
    done = conform("--case", "rest", "--case", "single_spike", "--", *port, timeout=120)
    assert done.returncode == 1 and done.stdout.count("the port's supervisor was stopped before it could end the port") == 2
    assert "Traceback" not in done.stderr
    assert gone(int(pid_file.read_text()))


@needs_proc
def test_ctrl_c_kills_the_port_it_was_grading(tmp_path):
    # Issue 25, item 8: Ctrl-C of pyhh conform exited 130 and left the port (in its own session) running.
    pid_file = tmp_path / "pid"
    port = write_script(tmp_path, f"import os, time\nopen({str(pid_file)!r}, 'w').write(str(os.getpid()))\n"
                        "time.sleep(600)")
    grader = subprocess.Popen([sys.executable, "-m", "pyhh", "conform", "--case", "rest", "--", *port], cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if pid_file.exists() and pid_file.read_text():
                break
            time.sleep(0.05)
        grader.send_signal(signal.SIGINT)
        assert grader.wait(timeout=30) == 130
    finally:
        grader.kill()
    assert gone(int(pid_file.read_text()))


@pytest.mark.parametrize("body, message", [
    ("open(sys.argv[-2], 'w').truncate(100 * 2**30)", "MiB to {out}"),
    ("os.ftruncate(1, 100 * 2**30)", "MiB to standard output"),
    ("os.mkfifo(sys.argv[-2])", "{out} is not a regular file (a folder, a FIFO or a device)"),
    ("os.mkdir(sys.argv[-2])", "{out} is not a regular file (a folder, a FIFO or a device)"),
    ("os.symlink('/proc/self/mem', sys.argv[-2])", "cannot read {out}: Input/output error"),  # unreadable, even by root
])
def test_what_a_port_does_to_its_files_fails_its_case_and_grading_goes_on(tmp_path, body, message):
    # Issue 25, item 8: `truncate -s 100G {out}` (sparse: no disk) stopped the grader; so did a
    # file it cannot read. Each case fails, and the next one is graded.
    script = write_script(tmp_path, f"import os\n{body}")
    done = conform("--case", "rest", "--case", "single_spike", "--timeout", "10", "--", *script, "{out}", "{case}",
                   timeout=60)
    assert done.returncode == 1 and done.stdout.count(message) == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr


def test_the_temporary_folder_is_removed_whatever_the_port_made_of_it(tmp_path):
    # Issue 25, item 8: 1,500 nested folders raised RecursionError and left the folder behind; a
    # folder made unreadable, or replaced by a file, must be removed too (as root, chmod 0 binds nobody).
    where = tmp_path / "where"
    script = write_script(tmp_path, "import os\n"
                          "folder = os.path.dirname(sys.argv[-2])\n"
                          f"open({str(where)!r}, 'a').write(folder + '\\n')\n"
                          "os.chdir(folder)\n"
                          "for _ in range(1500):\n    os.mkdir('d'); os.chdir('d')\n"
                          "os.symlink('/', 'root'); os.chmod(folder, 0)\n"
                          "if sys.argv[-1].endswith('single_spike.json'):\n"
                          "    os.chmod(folder, 0o700); os.rename(folder, folder + '.moved'); open(folder, 'w').close()\n")
    done = conform("--case", "rest", "--case", "single_spike", "--", *script, "{out}", "{case}", timeout=60)
    assert done.returncode == 1 and "wrote no file to {out}" in done.stdout, done.stdout + done.stderr
    assert "cannot read {out}: Not a directory" in done.stdout, done.stdout
    assert "Traceback" not in done.stderr
    folders = where.read_text().split()
    assert len(folders) == 2 and not any(os.path.lexists(folder) for folder in folders)
    assert (ROOT / "python").is_dir()  # the port's link to / was removed, not followed
    from pyhh.conformance.execution import remove_tree

    remove_tree(folders[1] + ".moved")  # the port's own doing, outside the grader's folder
    assert not os.path.lexists(folders[1] + ".moved")
