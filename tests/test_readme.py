"""README's code works as written and does what its comments promise: every
Python block runs and its promised outputs are checked; the C example compiles,
runs and prints the promised spikes."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pytest

import pyhh

from conftest import ROOT

README = (ROOT / "README.md").read_text()


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", README, flags=re.S)


def promised(code: str, pattern: str, groups: int = 1):
    """The value a README comment promises, found by `pattern` (one group, or a tuple of `groups`)."""
    match = re.search(pattern, code)
    assert match, f"README no longer promises {pattern!r}"
    return match.group(1) if groups == 1 else match.groups()


def check_quickstart(code: str, ns: dict) -> None:
    result, warm, clamp = ns["result"], ns["warm"], ns["clamp"]
    assert result.spike_count == int(promised(code, r"# (\d+) spikes, times in ms"))
    assert np.all((result.spikes > 10.0) & (result.spikes < 90.0))  # during the pulse
    assert np.array_equal(result.V_absolute, result.V - 65.0)  # "result.V_absolute is V - 65"
    assert result.V.max() > 90.0  # mV from rest: action potentials peak near 100
    assert warm.case.temperature == 18.5 and warm.case.params.g_K == 30.0 and warm.case.method == "rk4"
    assert clamp.case.clamp and clamp.I_Na.min() < -100.0  # "the inward sodium current"


def check_cable(code: str, ns: dict) -> None:
    r, small = ns["r"], ns["small"]
    assert f"{r.velocity:.3f}" == promised(code, r"# ([0-9.]+) m/s")  # spec §13.12's 18.706
    assert r.V.shape == (500, 502) and r.x[-1] == 50000.0 and 0.0 < r.arrival(250) < 5.0
    assert small.gates["m"].shape == (200, 3) and small.case.record_gates


def check_batch(code: str, ns: dict) -> None:
    sweep, curve = ns["sweep"], ns["curve"]
    assert sweep.n == 10_000 and sweep.spike_counts[0] == 0 and sweep.spike_counts[-1] > 5
    assert curve.onset == float(promised(code, r"print\(curve\.onset\)\s+# ([\d.]+):"))


def check_pyhh(code: str, ns: dict) -> None:
    sim = ns["sim"]
    for name in promised(code, r"# (sim\.times.*)").replace("sim.", "").split(", "):
        assert len(getattr(sim, name)) == 20_000, name
    assert sim.Vm.max() > 50.0  # the 50 uA/cm^2 pulse fires


def check_saving(code: str, ns: dict) -> None:
    run, saved = ns["run"], ns["saved"]
    # rest (V0 = -65 absolute) and the 50 mV-from-rest threshold: the quickstart's 6 spikes
    reference = pyhh.simulate(pyhh.Pulse(10.0, 90.0, 10.0), duration=100.0)
    assert np.array_equal(run.spikes, reference.spikes) and run.spike_count == 6
    units, dt, version = promised(code, r"# (mV from rest) (\S+) (\S+)\n", groups=3)
    assert (saved.units["V"], saved.metadata["dt"], saved.metadata["spec_version"]) == (units, float(dt), version)
    assert version == pyhh.SPEC_VERSION and np.array_equal(saved["V"], run.V)
    assert np.array_equal(pyhh.read_csv("spikes.csv")["spike_time"], run.spikes)
    assert len(ns["frame"]) == 10_000


def check_fi_classes(code: str, ns: dict) -> None:
    curve, low = ns["curve"], ns["low"]
    bracket = tuple(float(x) for x in promised(code, r"# \(([\d.]+), ([\d.]+)\): last silent", groups=2))
    assert curve.onset_bracket == bracket
    assert 6.24 < bracket[0] < bracket[1] < 6.29 and bracket[1] - bracket[0] <= 0.01  # rk4: 6.26 to 6.28
    assert curve.currents[20] == 100.0 and curve.classes[20] == "sustained oscillation"
    assert abs(curve.peaks[20] - 45.0) < 0.5 and abs(curve.amplitudes[20] - 40.0) < 1.0  # the 45 mV
    assert low.classes == ("firing", "firing") and abs(low.rates[0] - 147) < 1 and abs(low.rates[1] - 168) < 1
    assert pyhh.read_csv("fi.csv").what == "fi"


def check_cffi(code: str, ns: dict) -> None:
    rows, spikes, out = ns["rows"], ns["spikes"], ns["out"]
    drive = np.zeros(5000)
    drive[1000:4000] = 10.0
    reference = pyhh.simulate(drive, method="rk4")  # the Python reference, the same case
    assert out.n_spikes == int(promised(code, r"# (\d+) spikes, ms")) == reference.spike_count
    assert np.array_equal(spikes[:out.n_spikes], reference.spikes) and np.array_equal(rows, reference.table())


def check_cluster(code: str, ns: dict) -> None:
    remote, here = ns["remote"], ns["here"]
    assert remote.n == 5000 and remote.spike_counts.sum() > 0
    assert np.array_equal(remote.spike_counts, here.spike_counts)  # "True: the arrays of a run here"


#: Each README block, known by a line it contains, and the check of its promises.
CHECKS = {
    "spike_threshold=-15.0, absolute=True": check_saving,
    "curve = pyhh.fi_curve(np.arange(0.0, 200.01, 5.0)": check_fi_classes,
    'case = ffi.new("hh_case *")': check_cffi,
    "# 10 uA/cm^2 from 10 ms to 90 ms": check_quickstart,
    "sweep = pyhh.simulate_batch(": check_batch,
    "r = pyhh.simulate_cable(5.0)": check_cable,
    "sim = pyhh.Simulation(model)": check_pyhh,
    "executor=client, progress=": check_cluster,
}


def check_for(code: str):
    matches = [check for key, check in CHECKS.items() if key in code]
    assert len(matches) == 1, f"a README block has no check of its promises: {code[:80]!r}"
    return matches[0]


def python_blocks() -> list:
    """README's Python blocks; the one on a dask cluster runs in make check only (the check extra)."""
    return [pytest.param(code, marks=pytest.mark.check) if "LocalCluster" in code else code for code in blocks("python")]


@pytest.mark.parametrize("code", python_blocks(), ids=lambda code: code.splitlines()[0][:40])
def test_python_blocks_run_and_keep_their_promises(code, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    check = check_for(code)
    namespace: dict = {"__name__": "__main__"}
    exec(compile(code, "README.md", "exec"), namespace)
    check(code, namespace)


def test_c_example_compiles_and_prints_spikes(tmp_path):
    from pyhh.cbackend.build import SOURCES
    (code,) = [b for b in blocks("c") if "int main" in b]
    (command,) = [line for b in blocks("sh") for line in b.splitlines() if "minimal.c" in line]
    assert all(f"c/{name}" in command for name in SOURCES), command  # README's command names every source
    source = tmp_path / "minimal.c"
    source.write_text(code)
    build = subprocess.run(["cc", "-std=c99", "-Wall", "-Wextra", "-pedantic", "-Werror", "-O2", "-ffp-contract=off",
                            f"-I{ROOT / 'c'}", str(source), *(str(ROOT / "c" / name) for name in SOURCES), "-lm", "-o", str(tmp_path / "minimal")],
                           capture_output=True, text=True)
    assert build.returncode == 0, build.stderr
    run = subprocess.run([str(tmp_path / "minimal")], capture_output=True, text=True)
    assert run.returncode == 0
    assert run.stdout.count("spike at") == 4  # 10 uA/cm^2 for 50 ms


@pytest.mark.check
def test_the_cluster_block_runs_as_a_script(tmp_path):
    # Issue 24, item 9: copied into a file and run, the block must work (a LocalCluster's worker
    # processes import the script, which without the __main__ guard starts a cluster of its own).
    (code,) = [b for b in blocks("python") if "executor=client, progress=" in b]
    script = tmp_path / "cluster.py"
    script.write_text(code)
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, cwd=tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.splitlines()[-1] == "True"


def test_the_headline_speeds_are_the_performance_tables():
    # Issue 24, item 9: the speeds the introduction quotes are the measured ones of the table below.
    headline = README[README.index("**run HH fast from Python**"):README.index("pyhh grew out of")]
    table = README[README.index("| workload | implementation | time | vs Python reference |"):]
    table = table[:table.index("\n\n")]
    quoted = re.findall(r"in ([\d.]+ (?:ms|s))\b", headline)
    assert len(quoted) == 3, headline
    for value in quoted:
        assert f"| {value} |" in table or f" {value} /" in table or f"/ {value} |" in table, value


def test_the_two_commands_are_there():
    assert "make demo" in README and "make test" in README
