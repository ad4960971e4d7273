"""Property-based tests (hypothesis): random parameters, settings and stimuli
within the documented ranges give the same result from the Python reference,
the C kernel and the exact batch kernel, bit for bit, or the same error at the
same step; values outside the ranges are rejected alike by Python and by C.

`make test` runs a few hundred examples; `make fuzz` runs many more
(HYPOTHESIS_PROFILE=fuzz, see conftest.py).
"""

from __future__ import annotations

import json
import math
import subprocess

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import pyhh
from pyhh import cbackend
from pyhh.conformance.casefile import case_to_json
from pyhh.reference.parameters import PARAMETER_TABLE, TEMPERATURE_RANGE, V0_RANGE
from pyhh.conformance.trace import parse_trace

finite = dict(allow_nan=False, allow_infinity=False)


@st.composite
def cases(draw, max_steps: int = 300) -> pyhh.Case:
    """A valid case: any method and mode, parameters anywhere in their ranges
    (half the time near the defaults, where the model is well behaved)."""
    steps = draw(st.integers(1, max_steps))
    near_defaults = draw(st.booleans())
    params = {}
    for name, (default, low, high, low_excluded, _) in PARAMETER_TABLE.items():
        if draw(st.booleans()):
            if near_defaults:
                value = draw(st.floats(default - abs(default) * 0.5 - 1, default + abs(default) * 0.5 + 1, **finite))
                value = min(max(value, low), high)
            else:
                value = draw(st.floats(low, high, exclude_min=low_excluded, **finite))
            assume(not (low_excluded and value <= low))
            params[name] = value
    n_pulses = draw(st.integers(0, 3))
    pulses = tuple(
        pyhh.StepPulse(start, start + draw(st.integers(0, steps)), draw(st.floats(-50, 150, **finite)))
        for start in draw(st.lists(st.integers(0, steps), min_size=n_pulses, max_size=n_pulses))
    )
    waveform = None
    if draw(st.booleans()):
        waveform = tuple(draw(st.lists(st.floats(-30, 60, **finite), min_size=steps, max_size=steps)))
    return pyhh.Case(
        method=draw(st.sampled_from(pyhh.METHODS)),
        dt=draw(st.floats(1e-4, 0.2, **finite)),
        steps=steps,
        record_every=draw(st.integers(1, steps)),
        temperature=draw(st.floats(*TEMPERATURE_RANGE, **finite)),
        V0=draw(st.floats(-120.0, 150.0, **finite)) if near_defaults else draw(st.floats(*V0_RANGE, **finite)),
        params=pyhh.Parameters(**params),
        mode=draw(st.sampled_from(pyhh.MODES)),
        stimulus=pyhh.Stimulus(pulses, waveform),
        spike_threshold=draw(st.floats(-20, 120, **finite)),
    )


def outcome(run):
    """A run's table and spikes, or its error as (type, step)."""
    try:
        result = run()
    except pyhh.NumericalInstabilityError as e:
        return ("unstable", e.step)
    return (result.table(), result.spikes)


def same(a, b) -> bool:
    if isinstance(a[0], str) or isinstance(b[0], str):
        return a == b
    return np.array_equal(a[0], b[0]) and np.array_equal(a[1], b[1])


@given(cases())
def test_python_and_c_agree_bit_for_bit(case):
    assert same(outcome(lambda: pyhh.run_case(case, "python")), outcome(lambda: pyhh.run_case(case, "c")))


@pytest.mark.filterwarnings("ignore::pyhh.StimulusWarning")  # random pulses run past the end, on purpose
@pytest.mark.filterwarnings("ignore::pyhh.RestRelativeWarning")  # and a random V0 may sit near -65 mV
@given(cases(max_steps=150))
def test_the_exact_batch_agrees_with_the_single_neuron_kernel(case):
    single = outcome(lambda: pyhh.run_case(case, "c"))

    def batch():
        result = pyhh.simulate_batch(
            n=1, stimulus=case.stimulus, dt=case.dt, steps=case.steps, method=case.method,
            temperature=case.temperature, V0=case.V0, params=case.params, clamp=case.clamp,
            spike_threshold=case.spike_threshold, record_every=case.record_every, spike_capacity=case.steps,
        )
        return pyhh.Result.from_table(case, result.traces[:, :, 0].copy(), result.spikes[0])

    assert same(single, outcome(batch))


@given(cases(max_steps=200))
def test_results_are_finite_or_an_error(case):
    result = outcome(lambda: pyhh.run_case(case, "c"))
    if not isinstance(result[0], str):
        assert np.isfinite(result[0]).all() and np.isfinite(result[1]).all()
        assert result[0].shape == (case.n_rows, 9)


@given(cases(max_steps=100), st.sampled_from([*PARAMETER_TABLE, "temperature", "V0"]),
       st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.floats(-1e5, 1e5)))
def test_python_and_c_reject_the_same_values(case, name, value):
    """The C range checks are generated from spec/model.toml, the Python ones
    typed in the reference: they must accept and reject exactly the same values."""
    try:
        if name in PARAMETER_TABLE:
            pyhh.Parameters(**{name: value})
        else:
            pyhh.Case(**{name: value})
        python_accepts = True
    except pyhh.InvalidInputError:
        python_accepts = False
    keep: list = []
    c = cbackend.single.c_case(case, keep)
    if name in PARAMETER_TABLE:
        setattr(c.params, name, value)
    else:
        setattr(c, name, value)
    message = cbackend.ffi.new("char[256]")
    status = cbackend.lib.hh_check_case(c, message, 256)
    assert (status == cbackend.lib.HH_OK) == python_accepts, (name, value, cbackend.ffi.string(message))


@pytest.fixture(scope="module")
def hh_trace_asan(c_programs):
    return c_programs / "hh_trace_asan"


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=cases(max_steps=200))
def test_random_case_files_run_clean_under_the_sanitizers(case, hh_trace_asan, tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "case.json"
    path.write_text(json.dumps(case_to_json(case) | {"name": "case"}))
    done = subprocess.run([hh_trace_asan, path], capture_output=True, text=True)
    assert "Sanitizer" not in done.stderr and "runtime error" not in done.stderr, done.stderr[-3000:]
    expected = outcome(lambda: pyhh.run_case(case, "python"))
    if isinstance(expected[0], str):
        assert done.returncode == 3 and f"finite range at step {expected[1]}" in done.stderr
    else:
        assert done.returncode == 0, done.stderr
        assert np.array_equal(parse_trace(done.stdout), expected[0])


def test_a_long_run_records_only_what_it_keeps():
    import tracemalloc

    tracemalloc.start()
    result = pyhh.simulate(10.0, steps=10_000_000, dt=0.01, method="euler", record_every=10_000, backend="c")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert len(result.t) == 1000 and 6700 < result.spike_count < 6900  # 10^5 ms at about 68 Hz
    assert peak < 1_000_000, peak


def test_eight_threads_at_once_give_the_sequential_results():
    from concurrent.futures import ThreadPoolExecutor

    inputs = [(8.0 + i, pyhh.METHODS[i % 3]) for i in range(8)]
    run = lambda args: pyhh.simulate(args[0], duration=200.0, method=args[1], record_every=10, backend="c")  # noqa: E731
    sequential = [run(args) for args in inputs]
    with ThreadPoolExecutor(8) as pool:
        concurrent = list(pool.map(run, inputs))
    for a, b in zip(sequential, concurrent):
        assert np.array_equal(a.table(), b.table()) and np.array_equal(a.spikes, b.spikes)
    batches = [pyhh.simulate_batch(current=np.linspace(0, 20, 64) + i, duration=50.0, accuracy=acc, threads=1)
               for i, acc in enumerate(["exact", "fast"] * 4)]
    with ThreadPoolExecutor(8) as pool:
        again = list(pool.map(lambda i: pyhh.simulate_batch(current=np.linspace(0, 20, 64) + i, duration=50.0,
                                                             accuracy=["exact", "fast"][i % 2], threads=1), range(8)))
    for a, b in zip(batches, again):
        assert np.array_equal(a.spike_counts, b.spike_counts)


