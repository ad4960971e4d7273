"""Issue 16 on the command line, end to end (subprocess): thresholds and classes on pyhh fi,
the onset bracket, spike and trace files with their sidecars, absolute voltages, warnings,
threads and the progress bar's silence off a terminal."""

from __future__ import annotations

import json

import numpy as np

import pyhh
from pyhh.files import sidecar_path
from test_cli import pyhh_cli


def sidecar(path):
    return json.loads(sidecar_path(path).read_text())


def test_fi_the_issues_case_without_a_threshold_option(tmp_path):
    csv = tmp_path / "fi.csv"
    done = pyhh_cli("fi", "--start", "0", "--stop", "200", "--step", "5", "--csv", str(csv))
    assert done.returncode == 0, done.stderr
    assert "90 to 150 uA/cm^2: sustained oscillation, not crossing the threshold (50 mV from rest)" in done.stdout
    assert "160 to 200 uA/cm^2: block" in done.stdout and "155 uA/cm^2: damped oscillation" in done.stdout
    saved = pyhh.read_csv(csv)
    at = {I: j for j, I in enumerate(saved["current"])}
    oscillating = pyhh.fi.CLASSES.index("sustained oscillation")
    for current, peak in ((100.0, 45.0), (150.0, 26.0)):  # the issue's peaks
        j = at[current]
        assert saved["class"][j] == oscillating and saved["rate"][j] == 0.0
        assert abs(saved["peak"][j] - peak) < 1.0 and saved["amplitude"][j] > 5.0
    assert done.stderr == ""  # no progress bar off a terminal


def test_fi_with_a_lower_threshold_counts_the_small_spikes(tmp_path):
    for args in (["--threshold", "20"], ["--threshold", "-45", "--absolute"]):
        spikes = tmp_path / "spikes.csv"
        done = pyhh_cli("fi", "--start", "100", "--stop", "150", "--step", "50", *args, "--spikes", str(spikes),
                        "--threads", "1")
        assert done.returncode == 0, done.stderr
        assert "100 to 150 uA/cm^2: firing" in done.stdout
        saved = pyhh.read_csv(spikes)
        assert saved.what == "spikes" and saved.metadata["spike_threshold"] == 20.0
        late = saved["spike_time"][(saved["current"] == 100.0) & (saved["spike_time"] > 100.0)]
        assert 50 < len(late) < 80  # ~147 Hz over 400 ms


def test_fi_onset_bracket_refined_on_request():
    done = pyhh_cli("fi", "--start", "5", "--stop", "8", "--step", "0.5")
    assert "onset of repetitive firing between 6 (does not fire) and 6.5 uA/cm^2 (fires)" in done.stdout
    done = pyhh_cli("fi", "--start", "5", "--stop", "8", "--step", "0.5", "--onset-tolerance", "0.01")
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("onset"))
    low, high = (float(x) for x in (line.split("between ")[1].split(" ")[0], line.split("and ")[1].split(" ")[0]))
    assert high - low <= 0.01 and 6.24 < low < high < 6.29 and "bisection to 0.01" in line


def test_run_spikes_file_absolute_inputs_and_the_neuron_habit_warning(tmp_path):
    spikes = tmp_path / "s.csv"
    done = pyhh_cli("run", "--spikes", str(spikes))
    assert done.returncode == 0 and done.stderr == ""
    printed = [float(x) for x in done.stdout.split(" at ")[1].split(" ms")[0].split(", ")]
    assert np.allclose(pyhh.read_csv(spikes)["spike_time"], printed, atol=5e-4)
    absolute = pyhh_cli("run", "--absolute", "--V0", "-65", "--threshold", "-15")
    assert absolute.returncode == 0 and absolute.stderr == ""
    assert absolute.stdout.splitlines()[0] == done.stdout.splitlines()[0]  # rest and 50 mV from rest
    habit = pyhh_cli("run", "--V0", "-65")
    assert habit.returncode == 0 and "pyhh run: warning: V0 = -65 mV is rest-relative" in habit.stderr


def test_run_warns_for_a_pulse_past_the_end_and_unphysiological_voltages():
    done = pyhh_cli("run", "--start", "10", "--stop", "150", "--duration", "100")
    assert done.returncode == 0 and "pyhh run: warning: pulse 0 runs to 150 ms, past the end" in done.stderr
    done = pyhh_cli("run", "--amplitude", "-80", "--duration", "100")
    assert done.returncode == 0 and "beyond any physiological range (-150 to 150 mV absolute)" in done.stderr


def test_clamp_traces_csv_absolute_levels_and_threads(tmp_path):
    traces, summary = tmp_path / "t.csv", tmp_path / "s.csv"
    done = pyhh_cli("clamp", "--absolute", "--start", "-45", "--stop", "35", "--step", "40", "--holding", "-65",
                    "--step-ms", "2", "--threads", "2", "--traces", str(traces), "--csv", str(summary))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("3 steps from -45 to 35 mV absolute")
    saved = pyhh.read_csv(traces)
    assert saved.what == "clamp_traces" and len(saved["t"]) == 3 * 200
    assert sorted(set(saved["level"])) == [20.0, 60.0, 100.0]  # stored from rest, as the sidecar says
    assert saved.units["level"] == "mV from rest" and saved.metadata["holding"] == 0.0
    inward = saved["I_Na"][saved["level"] == 60.0].min()
    assert inward < -500  # the sodium transient at +60 mV from rest
    assert pyhh.read_csv(summary)["peak_I_Na"][1] == inward


def test_every_csv_carries_units_parameters_method_dt_and_versions(tmp_path):
    files = {
        "run": (["run", "--csv"], "trace"),
        "fi": (["fi", "--start", "0", "--stop", "10", "--step", "10", "--duration", "200", "--csv"], "fi"),
        "clamp": (["clamp", "--start", "0", "--stop", "20", "--step", "20", "--csv"], "clamp"),
        "methods": (["methods", "--dt", "0.01", "0.02", "--duration", "10", "--csv"], "methods"),
    }
    for name, (args, what) in files.items():
        path = tmp_path / f"{name}.csv"
        done = pyhh_cli(*args, str(path), "--set", "g_K=30") if name != "methods" else pyhh_cli(*args, str(path))
        assert done.returncode == 0, (name, done.stderr)
        meta = sidecar(path)
        assert meta["what"] == what and meta["pyhh_version"] == pyhh.__version__, name
        assert meta["spec_version"] == pyhh.SPEC_VERSION, name
        header = path.read_text().splitlines()[0].split(",")
        assert set(meta["columns"]) == set(header), name  # a unit for every column
        if name != "methods":
            assert meta["dt"] == 0.01 and meta["method"] == "staggered_cn" and meta["parameters"]["g_K"] == 30.0


def test_trace_keeps_the_port_protocol_output(tmp_path):
    from conftest import GOLDEN

    out = tmp_path / "trace.csv"
    done = pyhh_cli("trace", str(GOLDEN / "cases" / "rest.json"), "--out", str(out))
    assert done.returncode == 0 and out.read_bytes() == (GOLDEN / "traces" / "rest.csv").read_bytes()
    assert not sidecar_path(out).exists()  # a port's output is its trace alone (spec §11.4)


def test_methods_writes_every_runs_spike_times(tmp_path):
    path = tmp_path / "spikes.csv"
    done = pyhh_cli("methods", "--dt", "0.01", "0.1", "--duration", "30", "--spikes", str(path))
    assert done.returncode == 0, done.stderr
    saved = pyhh.read_csv(path)
    reference = saved["spike_time"][saved["method"] == -1]
    assert len(reference) == 2 and "-1 the rk4 reference" in saved.units["method"]
    rk4 = list(pyhh.METHODS).index("rk4")
    at = (saved["method"] == rk4) & (saved["dt"] == 0.01)
    assert np.max(np.abs(saved["spike_time"][at] - reference)) < 1e-3  # rk4 at 0.01 ms: within 1 us
    assert not np.any((saved["method"] == rk4) & (saved["dt"] == 0.1))  # it blew up: no spikes


def test_fi_draws_a_progress_bar_with_the_time_left_on_a_terminal():
    import os
    import pty
    import select
    import subprocess
    import sys

    master, slave = pty.openpty()  # a terminal that reports no size, the hardest case for tqdm
    process = subprocess.Popen([sys.executable, "-m", "pyhh", "fi", "--start", "0", "--stop", "20", "--step", "1",
                                "--duration", "200"], stdout=subprocess.DEVNULL, stderr=slave)
    os.close(slave)
    screen = b""
    while select.select([master], [], [], 120)[0]:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the other end closed
            break
        if not chunk:
            break
        screen += chunk
    assert process.wait(timeout=120) == 0
    text = screen.decode(errors="replace")
    assert "fi: 100%|" in text and "21/21 [00:" in text and "current/s]" in text, text
