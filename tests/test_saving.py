"""Issue 16 in the API: files with their sidecar read back, DataFrames, absolute voltages,
warnings, the F-I classification and the onset bracket."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest

import pyhh
from pyhh.conformance.trace import read_trace
from pyhh.files import sidecar_path


def test_a_trace_csv_reads_back_with_its_units_and_settings(tmp_path):
    result = pyhh.simulate(pyhh.Pulse(2.0, 12.0, 10.0), duration=20.0, dt=0.02, method="rk4", temperature=10.0,
                           params={"g_K": 30.0}, backend="c")
    path = result.to_csv(tmp_path / "run.csv")
    saved = pyhh.read_csv(path)
    assert saved.what == "trace" and list(saved.columns) == list(pyhh.COLUMNS)
    for name in pyhh.COLUMNS:
        assert np.array_equal(saved[name], getattr(result, name)), name  # full precision
    assert saved.units["t"] == "ms" and saved.units["V"] == "mV from rest" and saved.units["I_Na"] == "uA/cm^2"
    meta = saved.metadata
    assert (meta["method"], meta["dt"], meta["temperature"], meta["parameters"]["g_K"]) == ("rk4", 0.02, 10.0, 30.0)
    assert meta["parameters"]["g_Na"] == 120.0 and meta["pyhh_version"] == pyhh.__version__
    assert meta["spec_version"] == pyhh.SPEC_VERSION
    # the CSV itself is still the trace format of spec §10.2, which the conformance kit reads
    assert read_trace(path).shape == (1000, 9)


def test_absolute_csv_and_spikes_file(tmp_path):
    result = pyhh.simulate(10.0, duration=30.0)
    saved = pyhh.read_csv(result.to_csv(tmp_path / "abs.csv", absolute=True))
    assert saved["V_absolute"][0] == -65.0 and saved.units["V_absolute"] == "mV absolute"
    spikes = pyhh.read_csv(result.spikes_to_csv(tmp_path / "spikes.csv"))
    assert spikes.what == "spikes" and np.array_equal(spikes["spike_time"], result.spikes) and len(result.spikes) == 2


def test_batch_fi_and_clamp_write_and_read_back(tmp_path):
    batch = pyhh.simulate_batch(current=[0.0, 10.0], duration=20.0, spike_capacity=8, record_every=100)
    saved = pyhh.read_csv(batch.to_csv(tmp_path / "b.csv", tmp_path / "bs.csv"))
    assert saved.what == "batch_traces" and len(saved["t"]) == 2 * 20 and saved.metadata["steps"] == 2000
    spikes = pyhh.read_csv(tmp_path / "bs.csv")
    assert np.array_equal(spikes["spike_time"][spikes["neuron"] == 1], batch.spikes[1])
    counts = pyhh.simulate_batch(current=np.array([0.0, 10.0]), duration=20.0, temperature=[6.3, 10.0])
    saved = pyhh.read_csv(counts.to_csv(tmp_path / "c.csv"))
    assert saved.what == "batch" and saved.metadata["temperature"] == [6.3, 10.0]  # per neuron, as given
    curve = pyhh.fi_curve([0.0, 10.0, 200.0], duration=200.0, transient=50.0)
    saved = pyhh.read_csv(curve.to_csv(tmp_path / "fi.csv"))
    assert saved["class"].tolist() == [0.0, 1.0, 4.0] and "4 block" in saved.units["class"]
    assert saved.metadata["spike_threshold"] == 50.0 and "classification_rule" in saved.metadata
    from pyhh.experiments import clamp_family

    family = clamp_family([20.0, 60.0], step_ms=2.0)
    traces = pyhh.read_csv(family.traces_to_csv(tmp_path / "ct.csv"))
    assert len(traces["t"]) == 2 * 200 and traces.metadata["mode"] == "clamp"


def test_to_dataframe_and_the_message_without_pandas(monkeypatch):
    pd = pytest.importorskip("pandas")
    result = pyhh.simulate(10.0, duration=5.0)
    frame = result.to_dataframe()
    assert isinstance(frame, pd.DataFrame) and list(frame.columns) == list(pyhh.COLUMNS) and len(frame) == 500
    assert frame.attrs["dt"] == 0.01 and frame.attrs["units"]["V"] == "mV from rest"
    batch = pyhh.simulate_batch(current=[0.0, 10.0], duration=5.0, record_every=10).to_dataframe()
    assert batch["neuron"].tolist() == [0] * 50 + [1] * 50
    curve = pyhh.fi_curve([0.0, 10.0], duration=200.0, transient=50.0).to_dataframe()
    assert curve["class"].tolist() == ["silent", "firing"]
    monkeypatch.setitem(sys.modules, "pandas", None)  # as if it were not installed
    with pytest.raises(ImportError, match=r"pip install 'pyhh\[pandas\]'"):
        result.to_dataframe()


def test_absolute_voltages_are_the_rest_relative_ones_shifted_by_the_spec_rest():
    rest = pyhh.V_REST_ABSOLUTE
    relative = pyhh.simulate(10.0, duration=30.0, V0=5.0, spike_threshold=20.0)
    absolute = pyhh.simulate(10.0, duration=30.0, V0=5.0 + rest, spike_threshold=20.0 + rest, absolute=True)
    assert np.array_equal(relative.V, absolute.V) and np.array_equal(relative.spikes, absolute.spikes)
    batch = pyhh.simulate_batch(current=[10.0], duration=30.0, V0=5.0 + rest, spike_threshold=20.0 + rest,
                                absolute=True, spike_capacity=10)
    assert np.array_equal(batch.spikes[0], relative.spikes)


def test_warnings_for_the_neuron_habit_pulses_past_the_end_and_unphysiological_voltages():
    with pytest.warns(pyhh.RestRelativeWarning, match="V0 = -65 mV is rest-relative"):
        pyhh.simulate(duration=1.0, V0=-65.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pyhh.simulate(duration=1.0, V0=-65.0, absolute=True)  # rest, no warning
        pyhh.simulate(pyhh.Pulse(1.0, 2.0, 10.0), duration=5.0)
    with pytest.warns(pyhh.RestRelativeWarning, match=r"V0\[1\] = -64 mV is rest-relative"):
        pyhh.simulate_batch(current=0.0, V0=[0.0, -64.0], duration=1.0)
    with pytest.warns(pyhh.StimulusWarning, match="runs to 8 ms, past the end of the run at 5 ms"):
        pyhh.simulate(pyhh.Pulse(1.0, 8.0, 10.0), duration=5.0)
    with pytest.warns(pyhh.StimulusWarning, match="runs to 8 ms, past the end of the run at 5 ms") as caught:
        pyhh.simulate_batch(n=2, stimulus=pyhh.Pulse(1.0, 8.0, 10.0), duration=5.0)
    assert caught[0].filename == __file__  # the warning points at the caller's line
    # -60 uA/cm^2 drives V towards E_L + I / g_L, far below -150 mV absolute
    with pytest.warns(pyhh.StimulusWarning, match="beyond any physiological range"):
        pyhh.simulate(-60.0, duration=20.0)
    with pytest.warns(pyhh.StimulusWarning, match="clamp command took V to 300"):
        pyhh.simulate(300.0, duration=1.0, clamp=True)


# The case: above 90 uA/cm^2 the membrane oscillates with peaks of 45 mV at 100 and
# 26 mV at 150 (mV from rest), below the default 50 mV threshold.
def test_fi_classifies_the_oscillation_below_threshold_and_counts_it_with_a_lower_one():
    default = pyhh.fi_curve([0.0, 20.0, 100.0, 150.0, 200.0])
    assert default.classes == ("silent", "firing", "sustained oscillation", "sustained oscillation", "block")
    assert np.all(default.rates[2:] == 0.0)
    assert abs(default.peaks[2] - 45.0) < 1.0 and abs(default.peaks[3] - 26.0) < 1.0
    assert default.amplitudes[2] > 30.0 and default.amplitudes[3] > 5.0  # well above the 1 mV floor
    assert default.amplitudes[0] == 0.0 and default.amplitudes[4] < 0.1  # steady states
    lower = pyhh.fi_curve([100.0, 150.0], threshold=20.0)
    assert lower.classes == ("firing", "firing") and np.all(lower.rates > 100.0)
    same = pyhh.fi_curve([100.0, 150.0], threshold=20.0 + pyhh.V_REST_ABSOLUTE, absolute=True)
    assert np.array_equal(same.rates, lower.rates)


def test_fi_gives_the_oscillation_its_frequency_and_the_onset_spikes_their_class():
    # Issue 24, item 8. Below the 50 mV threshold the 100 and 150 uA/cm^2 cycles count no spikes,
    # yet they are the cycles that a 20 mV threshold counts as firing: the frequency of V's
    # maxima must be that rate (an independent measurement: spike times against V's maxima).
    default = pyhh.fi_curve([1.0, 3.0, 10.0, 100.0, 150.0, 200.0])
    lower = pyhh.fi_curve([100.0, 150.0], threshold=20.0)
    assert default.classes == ("silent", "onset spikes", "firing", "sustained oscillation", "sustained oscillation",
                               "block")
    assert np.allclose(default.frequencies[3:5], lower.rates, rtol=2e-3)
    assert abs(default.frequencies[2] - default.rates[2]) < 0.1  # firing: V's cycle is the spike rate
    assert default.frequencies[0] == default.frequencies[1] == default.frequencies[5] == 0.0  # steady states
    assert len(default.spikes[1]) == 1 and default.rates[1] == 0.0  # 3 uA/cm^2: one spike, then rest
    saved = pyhh.read_csv(default.to_csv(Path(tempfile.mkdtemp()) / "fi.csv"))
    assert np.array_equal(saved["frequency"], default.frequencies)
    assert "5 onset spikes" in saved.units["class"] and "4 block" in saved.units["class"]  # old codes kept


def test_fi_sees_a_damped_oscillation_decay():
    # just above the upper bifurcation (~154 uA/cm^2) the oscillation dies away
    curve = pyhh.fi_curve([155.0])
    assert curve.classes == ("damped oscillation",) and 1.0 < curve.amplitudes[0] < 5.0


def test_onset_bracket_and_its_refinement():
    curve = pyhh.fi_curve(np.arange(5.0, 8.01, 0.5), duration=500.0, transient=100.0)
    assert curve.onset_bracket == (6.0, 6.5) and curve.onset == 6.5
    refined = pyhh.fi_curve(np.arange(5.0, 8.01, 0.5), onset_tolerance=0.01)
    low, high = refined.onset_bracket
    # measured independently with rk4 (tests/test_batch.py): sustained firing starts between 6.26 and 6.28
    assert high - low <= 0.01 and 6.24 < low < high < 6.29
    assert pyhh.fi_curve([10.0, 20.0]).onset_bracket is None  # fires from the first current
    with pytest.raises(pyhh.InvalidInputError, match="too short to classify the membrane"):
        pyhh.fi_curve([5.0], duration=100.0, transient=99.9)
    with pytest.raises(pyhh.InvalidInputError, match="onset_tolerance = 0.0 uA/cm\\^2 must be greater than 0"):
        pyhh.fi_curve([5.0, 7.0], onset_tolerance=0.0)


def test_progress_bar_draws_the_time_left_on_a_terminal_only():
    from pyhh.progress import progress_bar

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert progress_bar("fi", stream=io.StringIO()) is None
    screen = Terminal()
    show = progress_bar("fi", "current", stream=screen)
    for done in (10, 50, 100):
        show(done, 100)
    assert "fi: 100%" in screen.getvalue() and "100/100" in screen.getvalue() and "<" in screen.getvalue()


def test_sidecar_is_json_beside_the_csv(tmp_path):
    path = pyhh.simulate(duration=1.0).to_csv(tmp_path / "x.csv")
    meta = json.loads(sidecar_path(path).read_text())
    assert sidecar_path(path).name == "x.csv.json" and meta["format"] == "pyhh-csv"


def test_a_saved_run_reads_back_as_the_result_it_was_and_reruns(tmp_path):
    # Issue 24, item 7: the sidecar holds the stimulus protocol and the whole case (as a case file,
    # spec §10.1) and the spike times; pyhh.read_result gives the Result back, and its case reruns.
    waveform = np.zeros(3000)
    waveform[500:2500] = 8.0
    result = pyhh.simulate([pyhh.Pulse(5.0, 7.0, 15.0)], steps=3000, method="rk4", temperature=10.0,
                           params={"g_K": 30.0}, record_every=3)
    again = pyhh.read_result(result.to_csv(tmp_path / "run.csv"))
    assert again.case == result.case and np.array_equal(again.table(), result.table())
    assert np.array_equal(again.spikes, result.spikes) and again.spike_count > 0
    rerun = pyhh.run_case(again.case)
    assert np.array_equal(rerun.table(), result.table()) and np.array_equal(rerun.spikes, result.spikes)
    sidecar = json.loads((tmp_path / "run.csv.json").read_text())
    assert sidecar["case"]["stimulus"]["pulses"] == [{"start": 500, "stop": 700, "amplitude": 15.0}]
    # a waveform too, and the API's frame carries the versions
    shaped = pyhh.simulate(waveform, method="euler")
    assert np.array_equal(pyhh.read_result(shaped.to_csv(tmp_path / "w.csv")).case.stimulus.waveform, waveform)
    pd = pytest.importorskip("pandas")
    attrs = shaped.to_dataframe().attrs
    assert attrs["spec_version"] == pyhh.SPEC_VERSION and attrs["pyhh_version"] == pyhh.__version__
    assert isinstance(shaped.to_dataframe(), pd.DataFrame)


def test_an_absolute_save_says_so_and_reads_back(tmp_path):
    # Issue 24, item 7: pyhh run --absolute --csv wrote "rest-relative" and V0 0.0 beside V_absolute
    done = subprocess.run([sys.executable, "-m", "pyhh", "run", "--absolute", "--duration", "30",
                           "--csv", str(tmp_path / "a.csv")], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    sidecar = json.loads((tmp_path / "a.csv.json").read_text())
    assert sidecar["voltage_convention"].startswith("absolute") and sidecar["V0"] == -65.0
    assert sidecar["spike_threshold"] == -15.0 and sidecar["case"]["V0"] == 0.0  # the case stays rest-relative
    again = pyhh.read_result(tmp_path / "a.csv")
    same = pyhh.run_case(again.case)
    assert np.allclose(again.V, same.V, rtol=0, atol=1e-13) and np.array_equal(again.spikes, same.spikes)
    with pytest.raises(pyhh.InvalidInputError, match="not a trace that Result.to_csv wrote"):
        pyhh.read_result(pyhh.fi_curve([0.0], duration=50.0, transient=10.0).to_csv(tmp_path / "fi.csv"))
