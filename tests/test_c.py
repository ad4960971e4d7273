"""The C port: generated from the spec, bit-identical to the reference, safe on bad input."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

import pyhh
from conftest import CASE_NAMES, EXPECTED_LEVEL, GOLDEN, golden_case, golden_trace
from pyhh import cbackend
from pyhh.conformance.grading import compare
from pyhh.conformance.trace import parse_trace


def test_the_extension_is_built():
    assert cbackend.available()


@pytest.mark.parametrize("name", CASE_NAMES)
def test_c_backend_reaches_the_expected_level_and_equals_the_reference(name, reference):
    case = golden_case(name)
    c = pyhh.run_case(case, "c")
    assert compare(c.table(), golden_trace(name), case.spike_threshold, spikes=not case.clamp).level == EXPECTED_LEVEL
    python = reference(name)
    assert np.array_equal(c.table(), python.table())
    assert c.spikes.tolist() == python.spikes.tolist()


@pytest.mark.parametrize("name", CASE_NAMES)
def test_example_program_reproduces_golden(c_programs, name):
    done = subprocess.run([c_programs / "hh_trace", GOLDEN / "cases" / f"{name}.json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert compare(parse_trace(done.stdout), golden_trace(name), 50.0, spikes=False).level == EXPECTED_LEVEL


def test_sanitized_example_runs_every_golden_case_clean(c_programs):
    for name in CASE_NAMES:
        done = subprocess.run([c_programs / "hh_trace_asan", GOLDEN / "cases" / f"{name}.json"], capture_output=True,
                              text=True)
        assert done.returncode == 0 and done.stderr == "", (name, done.stderr[-2000:])
        assert compare(parse_trace(done.stdout), golden_trace(name), 50.0, spikes=False).level == EXPECTED_LEVEL, name


def test_sanitized_c_api_bad_input_suite(c_programs):
    done = subprocess.run([c_programs / "test_c_api_asan"], capture_output=True, text=True)
    assert done.returncode == 0 and done.stdout.strip().endswith("passed, 0 failed"), done.stdout + done.stderr[-2000:]
    assert "runtime error" not in done.stderr and "AddressSanitizer" not in done.stderr


@pytest.mark.parametrize("content, message", [
    ('{"name": "x", "method": "euler", "dt": 0.01}', "missing key 'steps'"),
    ('{"name": "x", "method": "euler", "dt": 0.01, "steps": 5, "stpes": 1}', "unknown key 'stpes'"),
    ('{"name": "x", "method": "heun", "dt": 0.01, "steps": 5}', "unknown method"),
    ('{"name": "x", "method": "euler", "dt": 0.01, "steps": 5.0}', "'steps' must be an integer"),
    ('{"name": "x", "method": "euler", "dt": -1, "steps": 5}', "dt = -1 ms"),
    ('{"name": "x", "method": "euler", "dt": 0.01, "steps": 5, "parameters": {"gK": 1}}', "unknown parameter 'gK'"),
    ('{"name": "x", "method": "euler", "dt": 0.01, "steps": 5, "parameters": {"C_m": 0}}', "C_m = 0"),
    ('{"name": "x", "method": "euler", "dt": 0.01, "steps": 3, "stimulus": {"waveform": [1, 2]}}', "waveform has 2 values"),
    ('{"name": "x", "method": "euler", "dt": 0.01, "steps": 5, "stimulus": {"pulses": [{"start": 1}]}}', "a pulse needs"),
    ('{"name": "x", "method": "euler", ', "not valid JSON"),
    ('[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]', "nested too deeply"),
    ('{"name": "x", "method": "euler", "dt": 0.01, "steps": 5, "steps": 6}', "duplicate key"),
    ('{"name": "x", "method": "euler", "dt": 0.01, "steps": 90071992547409930}', "'steps' is larger than 2^53"),
])
def test_sanitized_example_rejects_bad_case_files(c_programs, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content)
    done = subprocess.run([c_programs / "hh_trace_asan", path], capture_output=True, text=True)
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert "Sanitizer" not in done.stderr and "runtime error" not in done.stderr


def test_example_program_reads_what_it_is_given_safely(c_programs, tmp_path):
    # A directory (ftell meant nothing there) and a NUL byte after the object are rejected;
    # a waveform of 80,000 values is read in linear time, even under the sanitizers.
    for path, message in ((tmp_path, "cannot read the case file"),):
        done = subprocess.run([c_programs / "hh_trace_asan", path], capture_output=True, text=True)
        assert done.returncode == 2 and message in done.stderr, done.stderr
    nul = tmp_path / "nul.json"
    nul.write_bytes(b'{"name": "x", "method": "euler", "dt": 0.01, "steps": 10}\x00')
    done = subprocess.run([c_programs / "hh_trace_asan", nul], capture_output=True, text=True)
    assert done.returncode == 2 and "a NUL byte" in done.stderr
    big = tmp_path / "big.json"
    big.write_text('{"name": "big", "method": "euler", "dt": 0.01, "steps": 80000, "record_every": 80000, '
                   '"stimulus": {"waveform": [' + ", ".join(["1.0"] * 80000) + "]}}")
    done = subprocess.run([c_programs / "hh_trace_asan", big], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.count("\n") == 2, done.stderr[-500:]


def test_example_program_reports_blow_up(c_programs, tmp_path):
    path = tmp_path / "blow.json"
    path.write_text('{"name": "blow", "method": "euler", "dt": 0.1, "steps": 100, '
                    '"stimulus": {"pulses": [{"start": 0, "stop": 100, "amplitude": 10}]}}')
    done = subprocess.run([c_programs / "hh_trace_asan", path], capture_output=True, text=True)
    assert done.returncode == 3 and "finite range at step 33" in done.stderr


@pytest.mark.parametrize("kwargs", [
    {"dt": 0.0}, {"dt": math.nan}, {"steps": 0}, {"method": "rk45"}, {"params": {"gK": 1}},
    {"params": {"C_m": -1.0}}, {"temperature": 1e9}, {"record_every": 50},
])
def test_python_api_gives_the_same_errors_for_both_backends(kwargs):
    errors = []
    for backend in ("python", "c"):
        with pytest.raises(pyhh.InvalidInputError) as info:
            pyhh.simulate(**({"stimulus": None, "steps": 10, "backend": backend} | kwargs))
        errors.append(str(info.value))
    assert errors[0] == errors[1]


def test_blow_up_is_the_same_error_on_both_backends():
    steps = []
    for backend in ("python", "c"):
        with pytest.raises(pyhh.NumericalInstabilityError) as info:
            pyhh.simulate(10.0, dt=0.1, duration=100.0, method="rk4", backend=backend)
        steps.append(info.value.step)
    assert steps[0] == steps[1] == 26


def c_output(rows_capacity=10, spikes_capacity=4):
    ffi = cbackend.ffi
    out = ffi.new("hh_output *")
    rows = np.full(rows_capacity * 9 + 2, -7.0)
    spikes = np.full(spikes_capacity + 2, -7.0)
    out.rows = ffi.from_buffer("double[]", rows, require_writable=True) + 1
    out.rows_capacity = rows_capacity
    out.spikes = ffi.from_buffer("double[]", spikes, require_writable=True) + 1
    out.spikes_capacity = spikes_capacity
    return out, rows, spikes


def test_c_api_rejects_bad_input_through_cffi():
    ffi, lib = cbackend.ffi, cbackend.lib
    case = ffi.new("hh_case *")
    lib.hh_default_case(case)
    case.steps = 10
    out, rows, spikes = c_output()
    assert lib.hh_run(case, out) == lib.HH_OK and out.n_rows == 10
    assert lib.hh_run(ffi.NULL, out) == lib.HH_ERROR_NULL
    assert lib.hh_run(case, ffi.NULL) == lib.HH_ERROR_NULL
    for field, value, status in [("dt", math.nan, lib.HH_ERROR_INVALID), ("dt", -0.01, lib.HH_ERROR_INVALID),
                                 ("steps", 11, lib.HH_ERROR_CAPACITY), ("n_pulses", 2, lib.HH_ERROR_NULL),
                                 ("waveform_length", 3, lib.HH_ERROR_NULL), ("V0", math.inf, lib.HH_ERROR_INVALID)]:
        lib.hh_default_case(case)
        case.steps = 10
        setattr(case, field, value)
        out, rows, spikes = c_output()
        assert lib.hh_run(case, out) == status, (field, value, ffi.string(out.message))
        assert rows[0] == rows[-1] == spikes[0] == spikes[-1] == -7.0  # nothing written outside
    lib.hh_default_case(case)
    case.steps = 10
    waveform = np.array([1.0] * 9 + [math.nan])
    case.waveform = ffi.from_buffer("double[]", waveform)
    case.waveform_length = 10
    out, _, _ = c_output()
    assert lib.hh_run(case, out) == lib.HH_ERROR_INVALID
    assert ffi.string(out.message).decode() == "stimulus waveform[9] = nan is not finite"


def test_the_gil_is_released_during_the_c_call():
    # The worker reads the main thread's counter just before and just after one
    # long hh_run. Were the GIL held during the call, the main thread could not
    # run in between (the switch interval is set far longer than the call), so
    # the counter could not move.
    import threading
    import time

    switch_interval = sys.getswitchinterval()
    sys.setswitchinterval(10.0)
    try:
        ffi, lib = cbackend.ffi, cbackend.lib
        case = pyhh.Case(method="rk4", dt=0.01, steps=2_000_000, record_every=2_000_000)
        keep: list = []
        c = cbackend.single.c_case(case, keep)
        rows = np.empty((1, 9))
        out = ffi.new("hh_output *")
        out.rows, out.rows_capacity = ffi.from_buffer("double[]", rows, require_writable=True), 1
        counter = [0]
        moved = []

        def work():
            start = counter[0]
            lib.hh_run(c, out)
            moved.append(counter[0] - start)

        thread = threading.Thread(target=work)
        thread.start()
        while thread.is_alive():
            counter[0] += 1
            if counter[0] % 1000 == 0:
                time.sleep(0)  # let the worker take the GIL back when its call returns
        thread.join()
    finally:
        sys.setswitchinterval(switch_interval)
    assert moved[0] > 0
