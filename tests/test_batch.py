"""The batch kernel: exact mode is bit-identical to the single-neuron kernel and
the reference, fast mode stays within the float64 tolerance on the golden data,
results never depend on how the neurons are split, and bad input is named."""

from __future__ import annotations

import math
import tracemalloc
import warnings
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

import numpy as np
import pytest

import pyhh
from conftest import CASE_NAMES, EXPECTED_LEVEL, golden_case, golden_trace
from pyhh.conformance.grading import compare


def golden_batch(name: str, accuracy: str):
    """A golden case as a batch of one neuron (its stimulus shared)."""
    case = golden_case(name)
    with warnings.catch_warnings():  # pulse_after_end's pulse runs past the end on purpose
        warnings.simplefilter("ignore", pyhh.StimulusWarning)
        result = pyhh.simulate_batch(
            n=1, stimulus=case.stimulus, dt=case.dt, steps=case.steps, method=case.method,
            temperature=case.temperature, V0=case.V0, params=case.params, clamp=case.clamp,
            spike_threshold=case.spike_threshold, record_every=case.record_every, spike_capacity=100,
            accuracy=accuracy,
        )
    return case, result


@pytest.mark.parametrize("name", CASE_NAMES)
def test_exact_batch_reproduces_golden(name, reference):
    case, result = golden_batch(name, "exact")
    comparison = compare(result.traces[:, :, 0], golden_trace(name), case.spike_threshold, spikes=not case.clamp)
    assert comparison.level == EXPECTED_LEVEL
    assert np.array_equal(result.spikes[0], reference(name).spikes)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_fast_batch_is_within_the_float64_tolerance_of_golden(name, reference):
    case, result = golden_batch(name, "fast")
    comparison = compare(result.traces[:, :, 0], golden_trace(name), case.spike_threshold, spikes=not case.clamp)
    assert comparison.level in ("exact", "float64"), comparison
    spikes = reference(name).spikes
    assert len(result.spikes[0]) == len(spikes) and np.allclose(result.spikes[0], spikes, rtol=0, atol=1e-9)


@pytest.fixture(scope="module")
def varied():
    """300 neurons, each with its own current, parameters, temperature and V0."""
    rng = np.random.default_rng(7)
    n = 300
    return dict(
        current=rng.uniform(-5, 30, n),
        params={"g_Na": rng.uniform(80, 160, n), "g_K": rng.uniform(20, 50, n), "C_m": rng.uniform(0.5, 2, n),
                "E_L": 10.6},
        temperature=rng.uniform(0, 25, n),
        V0=rng.uniform(-10, 10, n),
    )


@pytest.mark.parametrize("method", pyhh.METHODS)
def test_exact_batch_equals_single_neuron_runs_bit_for_bit(varied, method):
    batch = pyhh.simulate_batch(**varied, duration=30.0, method=method, record_every=7, spike_capacity=50)
    for i in (0, 1, 150, 299):
        params = {name: (float(v[i]) if np.ndim(v) else v) for name, v in varied["params"].items()}
        for backend in ("c", "python"):
            single = pyhh.simulate(float(varied["current"][i]), duration=30.0, method=method, record_every=7,
                                   params=params, temperature=float(varied["temperature"][i]),
                                   V0=float(varied["V0"][i]), backend=backend)
            assert np.array_equal(batch.traces[:, :, i], single.table()), (i, backend)
            assert np.array_equal(batch.spikes[i], single.spikes)
            assert batch.spike_counts[i] == single.spike_count


@pytest.mark.parametrize("accuracy", ["exact", "fast"])
def test_results_do_not_depend_on_threads_or_executors(varied, accuracy):
    kwargs = dict(varied, duration=20.0, method="rk4", record_every=20, spike_capacity=20, accuracy=accuracy)
    one = pyhh.simulate_batch(**kwargs, threads=1)
    for other in (pyhh.simulate_batch(**kwargs, threads=2), pyhh.simulate_batch(**kwargs, threads=5)):
        assert np.array_equal(one.traces, other.traces) and np.array_equal(one.spike_counts, other.spike_counts)
    with ThreadPoolExecutor(3) as pool:
        other = pyhh.simulate_batch(**kwargs, executor=pool)
    assert np.array_equal(one.traces, other.traces)
    assert all(np.array_equal(a, b) for a, b in zip(one.spikes, other.spikes))


def test_a_process_pool_gives_the_same_results():
    currents = np.linspace(0, 20, 2500)  # three parts of at most 1024 neurons
    one = pyhh.simulate_batch(current=currents, duration=20.0, spike_capacity=10)
    with ProcessPoolExecutor(2) as pool:
        other = pyhh.simulate_batch(current=currents, duration=20.0, spike_capacity=10, executor=pool)
    assert np.array_equal(one.spike_counts, other.spike_counts)
    assert all(np.array_equal(a, b) for a, b in zip(one.spikes, other.spikes))


def test_per_neuron_waveforms_and_clamp():
    steps = 1500
    waveforms = np.zeros((3, steps))
    waveforms[0, 100:200] = 10.0
    waveforms[2, 100:1100] = 25.0
    batch = pyhh.simulate_batch(waveforms=waveforms, dt=0.01, record_every=1, spike_capacity=5)
    assert batch.spike_counts.tolist() == [1, 0, 1]
    single = pyhh.simulate(waveforms[2], dt=0.01, backend="python")
    assert np.array_equal(batch.traces[:, :, 2], single.table())
    clamped = pyhh.simulate_batch(waveforms=waveforms, dt=0.01, record_every=1, clamp=True)
    single = pyhh.simulate(waveforms[2], dt=0.01, clamp=True)
    assert np.array_equal(clamped.traces[:, :, 2], single.table())
    assert np.array_equal(clamped.column("V")[2], single.V)


def test_counts_only_allocates_nothing_of_order_neurons_times_steps():
    n, steps = 2000, 20000  # full traces would be 2000 x 20000 x 9 doubles = 2.9 GB
    tracemalloc.start()
    result = pyhh.simulate_batch(current=np.linspace(0, 20, n), steps=steps, accuracy="fast")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert result.spike_counts.sum() > 0
    assert peak < 2_000_000, peak


def test_firing_rates_are_spikes_per_second_over_the_run():
    batch = pyhh.simulate_batch(current=[0.0, 10.0], duration=100.0)
    assert batch.firing_rates.tolist() == [0.0, 70.0]  # 7 spikes in 0.1 s at 10 uA/cm^2


def test_the_spike_buffer_never_overflows_silently():
    with pytest.raises(pyhh.InvalidInputError, match="neuron 1 fired 7 spikes, more than spike_capacity = 3"):
        pyhh.simulate_batch(current=[0.0, 10.0], duration=100.0, spike_capacity=3)
    counts = pyhh.simulate_batch(current=[0.0, 10.0], duration=100.0).spike_counts
    assert counts.tolist() == [0, 7]


@pytest.mark.parametrize("accuracy", ["exact", "fast"])
def test_a_neuron_that_blows_up_is_named(accuracy):
    with pytest.raises(pyhh.NumericalInstabilityError) as info:
        pyhh.simulate_batch(current=[0.0, 10.0, 10.0], dt=0.1, duration=20.0, method="euler", accuracy=accuracy)
    assert info.value.neuron == 1 and info.value.step == 33


@pytest.mark.parametrize("kwargs, message", [
    ({"current": [1.0, 2.0], "n": 3}, "current must be a number or an array of 3 values"),
    ({"current": [1.0, math.nan]}, r"current\[1\] must be finite, got nan"),
    ({"n": 2, "params": {"g_K": [30.0, -1.0]}}, r"g_K\[1\] = -1.0 mS/cm\^2 is outside the accepted range"),
    ({"n": 2, "params": {"gK": 30.0}}, "unknown parameter 'gK'"),
    ({"n": 2, "temperature": [6.3, 99.0]}, r"temperature\[1\] = 99.0 degC"),
    ({"n": 2, "current": 1.0, "stimulus": 2.0}, "at most one of current, stimulus and waveforms"),
    ({"waveforms": np.zeros((2, 5)), "steps": 6}, r"waveforms has shape \(2, 5\), expected"),
    ({"waveforms": np.array([[0.0, math.inf]])}, r"waveforms\[0, 1\] = inf is not finite"),
    ({"n": 2, "method": "heun"}, "unknown method 'heun'"),
    ({"n": 2, "accuracy": "turbo"}, "unknown accuracy 'turbo'"),
    ({"n": 0}, "n = 0 must be at least 1"),
    ({"n": 2, "record_every": 5000}, "record_every = 5000 is larger than steps"),
    ({"n": 2, "dt": -1.0}, "dt = -1.0 ms must be greater than 0"),
    ({}, "give n, the number of neurons"),
    ({"n": 10**9, "current": 10.0}, "1000000000 neurons would need"),  # issue 17, row 2: before allocating
    ({"n": 2**53, "current": 10.0}, "neurons would need"),
])
def test_bad_batch_input_is_named(kwargs, message):
    if "waveforms" not in kwargs:
        kwargs.setdefault("duration", 10.0)
    with pytest.raises(pyhh.InvalidInputError, match=message):
        pyhh.simulate_batch(**kwargs)


def test_fi_curve_does_not_count_a_burst_that_falls_silent():
    # Just below the onset (6.265-6.275 uA/cm^2) the membrane fires a few spikes
    # after the transient and then stops (found by review).
    curve = pyhh.fi_curve([6.26, 6.28], duration=500.0, transient=100.0)
    assert curve.spike_counts[0] > 0 and curve.rates[0] == 0.0
    assert curve.rates[1] > 45.0 and curve.onset == 6.28


def test_fi_curve_onset_and_rates():
    curve = pyhh.fi_curve(np.arange(5.0, 12.01, 0.5), duration=600.0, transient=200.0, method="rk4")
    assert curve.onset == 6.5  # measured onset of sustained firing: between 6.26 and 6.28 uA/cm^2
    assert np.all(curve.rates[curve.currents < 6.26] == 0.0)
    firing = curve.rates[curve.currents >= 6.5]
    assert np.all(np.diff(firing) > 0) and 50.0 < firing[0] < 60.0  # type II: starts near 50 Hz, then rises


@pytest.mark.parametrize("kwargs, message", [  # issue 25, item 12: named as input, not as the run leaving the range
    ({"current": [0.0, 1e39]}, r"current\[1\] = 1e\+39 \(neuron 1\): float32 cannot hold it"),
    ({"n": 2, "params": {"C_m": [1.0, 1e-50]}}, r"C_m\[1\] = 1e-50 uF/cm\^2 \(neuron 1\): float32 cannot hold it, "
                                                r"it becomes 0"),
    ({"n": 1, "params": {"C_m": 1e-38}}, r"C_m\[0\] = 1e-38 .* becomes the subnormal"),
    ({"waveforms": np.array([[0.0] * 5, [0.0, 0.0, -4e38, 0.0, 0.0]])},
     r"waveforms\[1, 2\] = -4e\+38 \(neuron 1, step 2\): float32 cannot hold it"),
    ({"n": 2, "stimulus": [0.0, 0.0, 0.0, 1e39], "steps": 4}, r"the stimulus at step 3 = 1e\+39 \(every neuron\)"),
    ({"n": 2, "spike_threshold": 1e39}, r"spike_threshold = 1e\+39 \(every neuron\): float32 cannot hold it"),
    ({"n": 2, "dt": 1e39, "steps": 2}, r"dt = 1e\+39 \(every neuron\): float32 cannot hold it"),
])
def test_float32_refuses_what_float_cannot_hold(kwargs, message):
    if "waveforms" not in kwargs and "steps" not in kwargs:
        kwargs.setdefault("duration", 10.0)
    with pytest.raises(pyhh.InvalidInputError, match=message):
        pyhh.simulate_batch(**kwargs, accuracy="float32")
    try:
        pyhh.simulate_batch(**kwargs, accuracy="fast")  # float64 holds the value: the run may still blow up
    except pyhh.NumericalInstabilityError:
        pass


def test_float32_runs_what_underflows_to_a_harmless_zero():
    tiny = pyhh.simulate_batch(current=[1e-50, 10.0], params={"g_L": 1e-50}, duration=20.0, accuracy="float32")
    zero = pyhh.simulate_batch(current=[0.0, 10.0], params={"g_L": 0.0}, duration=20.0, accuracy="float32")
    assert np.array_equal(tiny.spike_counts, zero.spike_counts)
