"""Bad input gives a clear error that names the bad value, before anything runs."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import pyhh
from pyhh import CaseFileError, InvalidInputError, NumericalInstabilityError, Pulse, StepPulse
from pyhh.conformance.casefile import case_from_json, load_case


@pytest.mark.parametrize("kwargs, message", [
    ({"dt": 0.0}, "dt = 0.0 ms must be greater than 0"),
    ({"dt": -0.01}, "dt = -0.01"),
    ({"dt": math.nan}, "dt must be finite, got nan"),
    ({"dt": math.inf}, "dt must be finite"),
    ({"dt": "0.01"}, "dt must be a real number"),
    ({"steps": 0}, "steps = 0 must be at least 1"),
    ({"steps": -5}, "steps = -5"),
    ({"steps": 10.5}, "steps must be a whole number, got 10.5"),
    ({"steps": 10, "duration": 1.0}, "steps or duration, not both"),
    ({"duration": 0.001}, "shorter than one step"),
    ({"steps": 10, "method": "rk45"}, "unknown method 'rk45'; the methods are euler, exp_euler, rk4"),
    ({"steps": 10, "params": {"gK": 30}}, "unknown parameter 'gK'"),
    ({"steps": 10, "params": {"C_m": 0.0}}, r"C_m = 0.0 uF/cm\^2 is outside the accepted range \(0.0"),
    ({"steps": 10, "params": {"C_m": -1.0}}, "C_m = -1.0"),
    ({"steps": 10, "params": {"g_K": -1.0}}, "g_K = -1.0"),
    ({"steps": 10, "params": {"E_Na": math.nan}}, "E_Na must be finite"),
    ({"steps": 10, "temperature": 100.0}, "temperature = 100.0 degC is outside"),
    ({"steps": 10, "V0": math.inf}, "V0 must be finite"),
    ({"steps": 10, "record_every": 0}, "record_every = 0 must be at least 1"),
    ({"steps": 10, "record_every": 11}, "record_every = 11 is larger than steps = 10"),
    ({"steps": 10, "backend": "fortran"}, "unknown backend 'fortran'"),
    ({"steps": 10, "spike_threshold": math.nan}, "spike_threshold must be finite"),
])
def test_bad_arguments_are_named(kwargs, message):
    with pytest.raises(InvalidInputError, match=message):
        pyhh.simulate(**({"stimulus": None} | kwargs))


@pytest.mark.parametrize("stimulus, message", [
    (np.array([1.0, math.nan, 2.0]), r"waveform\[1\] = nan is not finite"),
    ([0.0, 0.0, math.inf], r"waveform\[2\] = inf is not finite"),
    (["a", 1.0], r"waveform\[0\] = 'a' is not a number"),
    (np.zeros((2, 3)), "one-dimensional"),
    ([[1.0, 2.0], [3.0]], "one-dimensional"),
    (math.nan, "stimulus must be finite"),
    ({"amplitude": 1}, "stimulus must be a number, an array"),
    (Pulse(-1.0, 2.0, 1.0), "0 <= start <= stop"),
    (Pulse(5.0, 2.0, 1.0), "0 <= start <= stop"),
    (Pulse(1.0, 2.0, math.inf), "pulse amplitude must be finite"),
])
def test_bad_stimuli_are_named(stimulus, message):
    with pytest.raises(InvalidInputError, match=message):
        pyhh.simulate(stimulus, steps=3 if not isinstance(stimulus, Pulse) else 100)


def test_a_step_pulse_drives_exactly_its_steps():
    # the good stimulus beside the bad ones: steps 0 <= k < 5 get the amplitude (§6.2)
    result = pyhh.simulate(StepPulse(0, 5, 1.0), steps=10)
    assert result.I_stim.tolist() == [1.0] * 5 + [0.0] * 5


def test_waveform_length_must_match_steps():
    with pytest.raises(InvalidInputError, match="waveform has 3 values but the run has 5 steps"):
        pyhh.simulate([1.0, 2.0, 3.0], steps=5)


def test_step_pulse_checks():
    with pytest.raises(InvalidInputError, match="pulse start must be a whole number"):
        StepPulse(0.5, 3, 1.0)
    with pytest.raises(InvalidInputError, match="stop = 2 must be >= its start = 3"):
        StepPulse(3, 2, 1.0)


def test_forward_euler_blow_up_is_reported_with_its_step():
    with pytest.raises(NumericalInstabilityError) as info:
        pyhh.simulate(10.0, dt=0.1, duration=100.0, method="euler")
    error = info.value
    assert error.step == 33 and error.t == pytest.approx(3.3)
    assert not all(math.isfinite(x) for x in error.state)
    assert "step 33" in str(error) and "euler" in str(error)


def test_absurd_parameters_blow_up_cleanly():
    with pytest.raises(NumericalInstabilityError):
        pyhh.simulate(1e6, dt=0.05, steps=1000, method="rk4", params={"C_m": 1e-3})


GOOD = {"name": "x", "method": "euler", "dt": 0.01, "steps": 10}


@pytest.mark.parametrize("change, message", [
    ({"method": None}, "missing key 'method'"),
    ({"steps": None}, "missing key 'steps'"),
    ({"stpes": 10}, "unknown key 'stpes'"),
    ({"dt": "0.01"}, "'dt' must be a number, got '0.01'"),
    ({"steps": 10.0}, "'steps' must be an integer, got 10.0"),
    ({"steps": True}, "'steps' must be an integer, got True"),
    ({"record_every": 20}, "record_every = 20 is larger than steps = 10"),
    ({"parameters": {"gNa": 1}}, "unknown parameter 'gNa'"),
    ({"parameters": {"g_Na": -1}}, "g_Na = -1.0"),
    ({"parameters": []}, "'parameters' must be an object"),
    ({"mode": "Clamp"}, "unknown mode 'Clamp'"),
    ({"stimulus": {"pulse": []}}, "stimulus: unknown key 'pulse'"),
    ({"stimulus": {"pulses": [{"start": 0, "stop": 5}]}}, r"pulses\[0\]: missing key 'amplitude'"),
    ({"stimulus": {"pulses": [{"start": 0.5, "stop": 5, "amplitude": 1}]}}, "'start' must be an integer"),
    ({"stimulus": {"pulses": [{"start": 6, "stop": 5, "amplitude": 1}]}}, "stop = 5 must be >= its start = 6"),
    ({"stimulus": {"waveform": [1.0, 2.0]}}, "waveform has 2 values but the run has 10 steps"),
    ({"stimulus": {"waveform": [1.0] * 9 + ["x"]}}, r"'waveform\[9\]' must be a number"),
    ({"temperature": -300}, "temperature = -300.0 degC is outside"),
    ({"dt": 0}, "dt = 0.0 ms must be greater than 0"),
])
def test_malformed_case_files_are_named(change, message):
    obj = {k: v for k, v in (GOOD | change).items() if v is not None}
    with pytest.raises(CaseFileError, match=message):
        case_from_json(obj, "bad.json")


def test_duplicate_keys_and_huge_integers_are_rejected(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"name": "dup", "method": "euler", "dt": 0.01, "steps": 5, "steps": 6}')
    with pytest.raises(CaseFileError, match="dup.json: duplicate key 'steps'"):
        load_case(path)
    with pytest.raises(CaseFileError, match="larger than 2\\^53"):
        case_from_json(GOOD | {"steps": 2**60}, "big.json")


def test_case_file_errors_name_the_file(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(CaseFileError, match="broken.json: not valid JSON"):
        load_case(path)
    with pytest.raises(CaseFileError, match="missing.json: cannot read"):
        load_case(tmp_path / "missing.json")
    path.write_text(json.dumps([1, 2]))
    with pytest.raises(CaseFileError, match="must hold a JSON object"):
        load_case(path)


def test_errors_come_before_any_step(monkeypatch):
    import pyhh.reference.run

    monkeypatch.setattr(pyhh.reference.run, "initial_state", lambda *a: pytest.fail("a step ran"))
    with pytest.raises(InvalidInputError):
        pyhh.simulate([1.0, math.nan], steps=2)


@pytest.mark.parametrize("backend", ["python", "c"])
def test_a_recorded_current_that_overflows_is_an_error(backend):
    # Forward Euler under clamp at -80 mV, dt = 0.1 ms: every state stays finite
    # (m grows to about 1e147) but G_Na = g_Na m^3 h overflows, so the recorded
    # I_Na would be infinite (found by review; spec §8.3).
    with pytest.raises(NumericalInstabilityError) as info:
        pyhh.simulate(StepPulse(0, 100, -80.0), dt=0.1, steps=100, method="euler", clamp=True, backend=backend)
    assert 0 < info.value.step < 100
    assert all(math.isfinite(x) for x in info.value.state)


@pytest.mark.parametrize("make, message", [
    (lambda: pyhh.simulate([10**400] * 10), r"waveform\[0\] = 1000.* is not finite"),
    (lambda: pyhh.simulate_batch(current=[10**400, 1, 1], duration=1.0), "current must be real numbers"),
    (lambda: pyhh.Stimulus(pulses=None), "pulses must be a list of StepPulse"),
    (lambda: pyhh.simulate(None, steps=3, backend=["c"]), r"unknown backend \['c'\]"),
    (lambda: pyhh.simulate(["1", "2", "3"]), r"waveform\[0\] = '1' is not a number"),
    (lambda: pyhh.simulate([True, False, True]), r"waveform\[0\] = True is not a number"),
    (lambda: pyhh.simulate_batch(current=["1", "2"], duration=1.0), "current must be real numbers"),
    (lambda: pyhh.simulate_batch(current=np.array([True, False]), duration=1.0), "current must be real numbers"),
    (lambda: pyhh.simulate(np.ma.masked_array([1.0, 2.0], mask=[0, 1])), "masked array"),
    (lambda: pyhh.simulate_batch(waveforms=np.ma.masked_array(np.zeros((2, 3)), mask=False)), "waveforms must be real"),
])
def test_hostile_values_get_a_named_error_not_a_traceback(make, message):
    # Issue 17, rows 13 and 14: overflowing integers, strings, booleans and masks are refused by name.
    with pytest.raises(InvalidInputError, match=message):
        make()


@pytest.mark.parametrize("method", pyhh.METHODS)
def test_a_step_of_1e308_gives_the_same_outcome_on_both_backends(method):
    # Issue 17, row 1: the C backend's spike buffer sizing overflowed on steps * dt = inf.
    outcomes = []
    for backend in ("python", "c"):
        try:
            outcomes.append(pyhh.simulate(1.0, dt=1e308, steps=1, method=method, backend=backend).table().tolist())
        except NumericalInstabilityError as e:
            outcomes.append(e.step)
    assert outcomes[0] == outcomes[1]


@pytest.mark.parametrize("dt, steps", [(1e308, 2), (1e300, 2**53), (2.0**1023, 2)])
def test_a_time_beyond_the_largest_double_is_rejected_naming_dt(dt, steps):
    # Issue 27: at dt = 1e308, t = k * dt is infinite from k = 2 while the state may stay finite;
    # spec §8.4 rejects steps * dt that is not finite, before anything runs, on every path.
    messages = []
    for backend in ("python", "c"):
        with pytest.raises(InvalidInputError) as info:
            pyhh.simulate(None, dt=dt, steps=steps, record_every=steps, backend=backend)
        messages.append(str(info.value))
    with pytest.raises(InvalidInputError) as info:
        pyhh.simulate_batch(current=[1.0, 2.0], dt=dt, steps=steps, record_every=steps)
    messages.append(str(info.value))
    assert len(set(messages)) == 1 and messages[0].startswith(f"dt = {dt!r} ms is too large for steps = {steps}")
    assert pyhh.simulate(None, dt=1e308, steps=1).t.tolist() == [0.0]  # steps * dt = 1e308 is finite


def test_a_run_is_sized_against_the_memory_available_now(monkeypatch):
    # Issue 17, row 3: 3e8 rows of 72 bytes (21.6 GB; 104 counted since issue 25) were accepted because they fit in the total memory;
    # the check now takes the memory available now (here said to be 16 GiB of a larger machine), with a margin.
    import pyhh.limits

    monkeypatch.setattr(pyhh.limits, "available_memory", lambda: 16 * 2**30)
    with pytest.raises(InvalidInputError, match="recorded rows would need 29.1 GiB, more than 80% of the 16 GiB"):
        pyhh.simulate(10.0, dt=0.01, steps=300_000_000, record_every=1, backend="c")
    assert 0 < pyhh.limits.MEMORY_MARGIN < 1
