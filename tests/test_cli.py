"""The pyhh command line, run end to end as a user would (subprocess)."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys

import numpy as np
import pytest

from conftest import GOLDEN
from pyhh.conformance.trace import read_trace


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
    assert done.stdout.startswith("4 spike(s) in 70 ms")
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


def read_csv(path):
    import csv

    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], np.array(rows[1:], dtype=float)


def test_fi_is_zero_below_the_threshold_and_rises_above(tmp_path):
    csv_path, png = tmp_path / "fi.csv", tmp_path / "fi.png"
    done = pyhh_cli("fi", "--start", "4", "--stop", "12", "--step", "1", "--duration", "300", "--transient", "100",
                    "--csv", str(csv_path), "--plot", str(png))
    assert done.returncode == 0, done.stderr
    assert "onset of repetitive firing between 6 (does not fire) and 7 uA/cm^2 (fires)" in done.stdout
    assert done.stderr == ""  # no progress drawn when stderr is not a terminal
    header, data = read_csv(csv_path)
    assert header == ["current", "rate", "spikes_after_transient", "class", "amplitude", "peak", "frequency"]
    currents, rates = data[:, 0], data[:, 1]
    assert np.all(rates[currents < 6.2] == 0) and np.all(rates[currents >= 7] > 50)
    assert np.all(np.diff(rates[currents >= 7]) > 0)
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_clamp_sodium_peaks_inward_and_reverses_near_E_Na(tmp_path):
    csv_path = tmp_path / "clamp.csv"
    done = pyhh_cli("clamp", "--start", "0", "--stop", "140", "--step", "20", "--csv", str(csv_path),
                    "--plot", str(tmp_path / "clamp.png"))
    assert done.returncode == 0, done.stderr
    header, data = read_csv(csv_path)
    levels, peak_I_Na, steady_I_K = data.T
    assert header == ["level", "peak_I_Na", "steady_I_K"]
    assert peak_I_Na[(levels >= 20) & (levels <= 100)].max() < -100  # inward
    assert peak_I_Na[levels == 140][0] > 0  # beyond E_Na = 115, outward
    reversal = float(done.stdout.split("I_Na reverses at ")[1].split(" mV")[0])
    assert abs(reversal - 115.0) < 1.0
    assert np.all(np.diff(steady_I_K) > 0)


def test_methods_shows_each_order_cost_and_the_blow_ups(tmp_path):
    done = pyhh_cli("methods", "--dt", "0.005", "0.01", "0.02", "0.1", "--csv", str(tmp_path / "m.csv"),
                    "--plot", str(tmp_path / "m.png"))
    assert done.returncode == 0, done.stderr
    for which, expected in (("V", {"euler": 1, "rk4": 4, "staggered_cn": 2, "staggered_exp": 2}),
                            ("spike times", {"euler": 1, "exp_euler": 1, "staggered_cn": 2, "staggered_exp": 2})):
        summary = done.stdout.split(f"observed order ({which}): ")[1].splitlines()[0]
        orders = dict(part.split() for part in summary.split(", "))
        for method, order in expected.items():
            assert abs(float(orders[method]) - order) < 0.3, (which, method, orders)
    assert done.stdout.count("blew up") == 2  # euler and rk4 at dt = 0.1
    header, data = read_csv(tmp_path / "m.csv")
    assert header[:4] == ["dt", "euler_V_error", "euler_spike_error", "euler_cost"] and len(header) == 16
    assert np.isnan(data[-1, 1]) and np.all(data[:, header.index("staggered_cn_cost")] > 0)


def test_waveform_files_are_read_strictly(tmp_path):
    for content, message in [("1O\n2\n", "value 1 is '1O', not a number"), ("5 5 5\n", "'5 5 5', not a number"),
                             ("1,2,3\n", "'1,2,3', not a number")]:
        path = tmp_path / "w.csv"
        path.write_text(content)
        done = pyhh_cli("run", "--waveform", str(path))
        assert done.returncode == 2 and message in done.stderr, done.stderr
    path.write_bytes(bytes(range(256)))
    done = pyhh_cli("run", "--waveform", str(path))
    assert done.returncode == 2 and "not a text file" in done.stderr
    # issue 17, row 8: "nan" and "inf" are values (and not finite), never a header
    for content in ("nan\n1\n", "inf\n"):
        path.write_text(content)
        done = pyhh_cli("run", "--waveform", str(path))
        assert done.returncode == 2 and "waveform[0] = " in done.stderr and "is not finite" in done.stderr, done.stderr


def test_run_with_a_waveform_file_and_absolute_voltages(tmp_path):
    waveform = tmp_path / "w.csv"
    waveform.write_text("I_stim\n" + "\n".join(["0"] * 100 + ["10"] * 900) + "\n")
    out = tmp_path / "abs.csv"
    done = pyhh_cli("run", "--waveform", str(waveform), "--absolute", "--csv", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 spike(s) in 10 ms")
    lines = out.read_text().splitlines()
    assert lines[0] == "t,V_absolute,m,h,n,I_Na,I_K,I_L,I_stim" and float(lines[1].split(",")[1]) == -65.0


@pytest.mark.parametrize("args, message", [
    (["fi", "--step", "0"], "--step = 0.0 uA/cm^2 must be greater than 0"),
    (["fi", "--transient", "600"], "transient = 600.0 ms must lie in [0, duration = 500.0 ms)"),
    (["clamp", "--start", "50", "--stop", "10"], "--stop = 10 mV must be at least --start = 50 mV"),
    (["methods", "--dt", "0.03"], "dt = 0.03 ms must divide sample_every = 0.2 ms"),
    (["run", "--waveform", "/no/such/file"], "cannot read the waveform"),
    (["run", "--repeat", "0"], "--repeat = 0 must be at least 1"),
    (["fi", "--set", "C_m=0"], "C_m[0] = 0.0 uF/cm^2 is outside the accepted range"),
    (["clamp", "--dt", "nan"], "dt must be finite"),
    (["run", "--csv", "/no/such/folder/x.csv"], "/no/such/folder/x.csv: the folder /no/such/folder does not exist"),
    (["run", "--repeat", "3"], "repeated pulses would overlap"),
    (["run", "--repeat", "1000000000", "--period", "80"], "at most 2 pulses fit"),  # issue 17, row 5
    (["run", "--waveform", "/dev/null", "--amplitude", "5"], "drop --amplitude"),
    (["run", "--dt", "0.3"], "duration = 100.0 ms is not a whole number of steps of dt = 0.3 ms"),
    (["fi", "--start", "nan"], "--start must be finite"),
    (["fi", "--stop", "1e9", "--step", "1e-3"], "is too many"),
    (["methods", "--duration", "0.1"], "duration = 0.1 ms must be at least sample_every = 0.2 ms"),
    (["methods", "--dt", "0.0001"], "larger than the reference's dt"),
    (["conform", "--timeout", "0", "--", "true"], "--timeout = 0.0 s must be greater than 0"),
    # issue 17, rows 7 and 15: outputs are checked before anything runs, and a failed write names the file
    (["run", "--plot", "/tmp/out.xyz"], "the name must end in a figure format"),
    (["run", "--plot", "/tmp"], "/tmp: is a folder"),
    (["fi", "--csv", "/nonexistent/fi.csv"], "the folder /nonexistent does not exist"),
    (["clamp", "--plot", "/nonexistent/c.png"], "the folder /nonexistent does not exist"),
    (["run", "--csv", "/dev/full"], "--csv /dev/full: is a character device, not a regular file"),  # issue 25
    (["trace", "/dev/zero"], "/dev/zero: cannot read case file: not a regular file"),
])
def test_subcommands_reject_bad_arguments(args, message):
    done = pyhh_cli(*args)
    assert done.returncode == 2 and message in done.stderr, done.stderr


UNITS = ("ms", "mV", "uA/cm^2", "degC", "seconds")


def subcommand_parsers() -> dict[str, argparse.ArgumentParser]:
    from pyhh.cli import build_parser

    (sub,) = [a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def test_every_subcommand_is_listed():
    assert sorted(subcommand_parsers()) == sorted(["run", "fi", "clamp", "methods", "axon", "trace", "conform",
                                                   "golden", "export"])


@pytest.mark.parametrize("command", sorted(subcommand_parsers()))
def test_every_subcommand_has_help_with_units_and_defaults(command):
    done = pyhh_cli(command, "--help")
    assert done.returncode == 0 and done.stdout.startswith("usage: pyhh " + command), done.stdout[:200]
    parser = subcommand_parsers()[command]
    assert parser.description and parser.description.split()[0] in done.stdout  # it says what it does
    for action in parser._actions:
        if isinstance(action, argparse._HelpAction):
            continue
        assert action.help, f"{command} {action.dest} has no help"
        if action.type is float:
            assert any(unit in action.help for unit in UNITS), f"{command} {action.dest}: no unit in {action.help!r}"
        if action.option_strings and action.default not in (None, False, [], argparse.SUPPRESS):
            stated = re.search(r"\(default:? ([^;)]+)", action.help)
            assert stated, f"{command} {action.dest}: the default is not stated in {action.help!r}"
            if isinstance(action.default, (int, float)) and not isinstance(action.default, bool):
                assert float(stated.group(1)) == action.default, (command, action.dest)
            elif isinstance(action.default, str):
                assert stated.group(1) == action.default, (command, action.dest)


def test_the_figure_code_runs_in_quick_mode(tmp_path):
    # The same code as `make figures`, on small sweeps, so that it can never rot.
    import pyhh
    from pyhh import plotting
    from pyhh.experiments import clamp_family, method_errors

    result = pyhh.simulate(pyhh.Pulse(2.0, 8.0, 10.0), duration=10.0)
    paths = [
        plotting.demo_figure(result, tmp_path / "demo.png", absolute=True),
        plotting.fi_figure(pyhh.fi_curve([0.0, 8.0, 12.0], duration=60.0, transient=10.0), tmp_path / "fi.png"),
        plotting.clamp_figure(clamp_family([0.0, 60.0, 130.0], step_ms=2.0), tmp_path / "clamp.png"),
        plotting.methods_figure(method_errors([0.01, 0.02, 0.1], duration=5.0, reference_dt=0.002), tmp_path / "m.png"),
    ]
    for path in paths:
        assert path.read_bytes()[:4] == b"\x89PNG" and path.stat().st_size > 10_000


def test_export_writes_the_mechanism_under_its_suffix(tmp_path):
    done = pyhh_cli("export", "nmodl", "--suffix", "hhspec", "--out", str(tmp_path / "mech"))
    assert done.returncode == 0 and "wrote " in done.stdout, done.stderr
    text = (tmp_path / "mech" / "hhspec.mod").read_text()
    assert "    SUFFIX hhspec\n" in text and "GENERATED by codegen/generate.py" in text
    done = pyhh_cli("export", "nmodl", "--suffix", "9bad", "--out", str(tmp_path))
    assert done.returncode == 2 and "suffix must be a NEURON name" in done.stderr


@pytest.mark.parametrize("content, message", [
    (b"[" * 100000 + b"]" * 100000, "nested too deeply"),
    (b'{"name": "x", "method": "euler", "dt": 0.01, "steps": ' + b"9" * 5000 + b"}", "digits"),
    ('{"name": "x"}'.encode("utf-16"), "not UTF-8"),
])
def test_trace_refuses_hostile_files_by_name(tmp_path, content, message):
    # Issue 17, row 6: each of these was a traceback; both readers now refuse them with status 2.
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    done = pyhh_cli("trace", str(path))
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr, done.stderr[-500:]


def test_version_and_bare_pyhh_print_what_they_should():
    import pyhh

    done = pyhh_cli("--version")
    assert done.returncode == 0 and done.stdout.strip() == f"pyhh {pyhh.__version__} (spec {pyhh.SPEC_VERSION})"
    done = pyhh_cli()
    assert done.returncode == 0 and done.stdout.startswith("usage: pyhh") and "conform" in done.stdout


def test_run_reports_the_rate_while_firing():
    # 10 uA/cm^2 from 10 to 60 ms in a 70 ms run: 4 spikes, 14.7 ms apart, so 67.9 Hz while firing, 57.1 over the run.
    done = pyhh_cli("run", "--amplitude", "10", "--start", "10", "--stop", "60", "--duration", "70")
    assert done.returncode == 0
    assert "57.1 Hz over the run, 67.9 Hz while firing, mean interval 14.73 ms" in done.stdout


def test_every_command_defaults_to_the_same_backend():
    from pyhh.cli import DEFAULT_BACKEND

    defaults = {name: action.default for name, parser in subcommand_parsers().items() for action in parser._actions
                if action.dest == "backend"}
    assert set(defaults) == {"run", "methods", "axon", "trace"} and set(defaults.values()) == {DEFAULT_BACKEND}
