"""The pyhh command line, run end to end as a user would (subprocess)."""

from __future__ import annotations

import subprocess
import sys

import numpy as np

from conftest import GOLDEN
from pyhh.trace import read_trace


def pyhh_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pyhh", *args], capture_output=True, text=True, timeout=300)


def test_trace_writes_the_golden_trace(tmp_path):
    out = tmp_path / "trace.csv"
    done = pyhh_cli("trace", str(GOLDEN / "cases" / "clamp_at_25.json"), "--backend", "python", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert out.read_bytes() == (GOLDEN / "traces" / "clamp_at_25.csv").read_bytes()


def test_trace_to_standard_output():
    done = pyhh_cli("trace", str(GOLDEN / "cases" / "start_at_10.json"))
    assert done.returncode == 0
    assert done.stdout == (GOLDEN / "traces" / "start_at_10.csv").read_text()


def test_run_writes_csv_and_figure_and_reports_spikes(tmp_path):
    csv, png = tmp_path / "run.csv", tmp_path / "run.png"
    done = pyhh_cli("run", "--amplitude", "10", "--start", "10", "--stop", "60", "--duration", "70",
                    "--set", "g_K=36", "--csv", str(csv), "--plot", str(png))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("4 spike(s) in 70.0 ms")
    data = read_trace(csv)
    assert data.shape == (7000, 9) and np.all(data[1000:6000, 8] == 10.0)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_bad_arguments_exit_non_zero_with_a_clear_message(tmp_path):
    done = pyhh_cli("run", "--dt", "0")
    assert done.returncode == 2 and "dt = 0.0 ms must be greater than 0" in done.stderr
    done = pyhh_cli("run", "--set", "gK=3")
    assert done.returncode == 2 and "unknown parameter 'gK'" in done.stderr
    done = pyhh_cli("run", "--method", "heun")
    assert done.returncode == 2 and "invalid choice: 'heun'" in done.stderr
    bad = tmp_path / "bad.json"
    bad.write_text('{"name": "bad", "method": "euler", "dt": 0.01}')
    done = pyhh_cli("trace", str(bad))
    assert done.returncode == 2 and "bad.json: missing key 'steps'" in done.stderr
