"""The C cable port (spec §13, c/hh_cable.c) against the golden cable cases: bit for bit through
cffi and through the example program hh_trace (the port protocol, §11.4), every negative case
rejected naming its key, bad input through the C API named before anything runs and never
written out of bounds, and simulate_cable's two backends against the golden data and physics."""

from __future__ import annotations

import math
import re
import subprocess
from pathlib import Path

import numpy as np
import pytest

import pyhh
from pyhh.cbackend import ffi, lib
from pyhh.cbackend.cable import c_cable_case, run_cable
from pyhh.cbackend.isa import isa_available
from pyhh.conformance.casefile import load_cable_case
from pyhh.conformance.golden import load_cable
from pyhh.conformance.runner import names_word
from pyhh.conformance.trace import parse_trace, read_trace
from pyhh.reference import cable as ref
from pyhh.reference.errors import InvalidInputError, NumericalInstabilityError

CASES, REJECTS = load_cable()
BY_NAME = {c.name: c for c in CASES}


def golden_trace(golden) -> np.ndarray:
    return np.asarray(parse_trace(golden.trace_path.read_text(), str(golden.trace_path), golden.columns))


def same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    return a.shape == b.shape and np.array_equal(a.view(np.int64), b.view(np.int64))


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_the_c_backend_is_exact_on_each_golden_cable_case(name):
    golden = BY_NAME[name]
    rows, arrivals = run_cable(load_cable_case(golden.case_path))
    assert same_bits(rows, golden_trace(golden))
    assert tuple(tuple(a) for a in arrivals) == golden.arrivals  # the manifest's, bit for bit


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_hh_trace_is_exact_on_each_golden_cable_case(c_programs, tmp_path, name):
    golden = BY_NAME[name]
    spikes = tmp_path / "arrivals.txt"
    done = subprocess.run([c_programs / "hh_trace_asan", "--spikes", spikes, golden.case_path],
                          capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    assert done.stdout.splitlines()[0] == ",".join(golden.columns)
    assert same_bits(np.asarray(parse_trace(done.stdout, "hh_trace", golden.columns)), golden_trace(golden))
    lines = spikes.read_text().split("\n")[:-1]  # one line per site, its arrivals separated by commas
    assert tuple(tuple(float(t) for t in line.split(",") if t) for line in lines) == golden.arrivals


@pytest.mark.parametrize("reject", REJECTS, ids=lambda r: r.name)
def test_hh_trace_rejects_each_negative_cable_case_naming_its_key(c_programs, reject):
    done = subprocess.run([c_programs / "hh_trace_asan", reject.path], capture_output=True, text=True)
    assert done.returncode == 2 and done.stdout == ""
    assert len([line for line in done.stderr.splitlines() if line.strip()]) == 1, done.stderr
    assert names_word(done.stderr, reject.names, reject.path), (reject.names, done.stderr)


def test_hh_trace_names_the_step_where_a_cable_leaves_the_finite_range(c_programs, tmp_path):
    case = tmp_path / "blow.json"
    case.write_text('{"name": "blow", "model": "cable", "dt": 0.01, "steps": 5, "nseg": 4, "sites": [2], "radius": 0.01,'
                    ' "length": 1.0, "stimulus": {"pulses": [{"node": 2, "start": 1, "stop": 5, "amplitude": 1e308}]}}')
    with pytest.raises(NumericalInstabilityError) as caught:
        ref.run_cable(load_cable_case(case))  # the reference says where
    done = subprocess.run([c_programs / "hh_trace_asan", case], capture_output=True, text=True)
    assert done.returncode == 3 and done.stdout == ""
    assert re.search(rf"\bstep {caught.value.step}\b", done.stderr), (caught.value.step, done.stderr)


def c_output(case, rows: int, columns: int, capacity: int = 4):
    """An hh_cable_output with a canary after each buffer; the buffers are returned to be checked."""
    rows_buf = np.full(rows * columns + 8, 7.0)
    arrivals = np.full(len(case.sites) * capacity + 8, 7.0)
    counts = np.full(len(case.sites) + 8, 7, dtype=np.int64)
    out = ffi.new("hh_cable_output *")
    out.rows = ffi.from_buffer("double[]", rows_buf, require_writable=True)
    out.rows_capacity = rows
    out.arrivals = ffi.from_buffer("double[]", arrivals, require_writable=True)
    out.arrivals_capacity = capacity
    out.n_arrivals = ffi.from_buffer("int64_t[]", counts, require_writable=True)
    return out, (rows_buf, arrivals, counts)


@pytest.mark.parametrize("field, value, named", [
    ("nseg", 0, "nseg"), ("nseg", 10**6 + 1, "nseg"), ("radius", 0.0, "radius"), ("R_i", math.inf, "R_i"),
    ("length", -1.0, "length"), ("record_gates", 2, "record_gates"), ("dt", 0.0, "dt"), ("steps", 0, "steps"),
    ("temperature", 99.0, "temperature"), ("n_sites", 0, "sites"), ("n_pulses", -1, "n_pulses"),
])
def test_the_c_api_names_a_bad_cable_value_before_anything_runs(field, value, named):
    keep: list = []
    case = ref.CableCase(dt=0.01, steps=20, nseg=10, length=2000.0, sites=(0, 5, 11),
                         pulses=(ref.CablePulse(0, 0, 5, 1000.0),))
    c = c_cable_case(case, keep)
    setattr(c, field, value)
    out, buffers = c_output(case, 20, 4)
    assert lib.hh_run_cable(c, out) == lib.HH_ERROR_INVALID
    assert names_word(ffi.string(out.message).decode(), named, Path("/nonexistent/x"))
    assert out.n_rows == 0 and all((b[:] == 7).all() for b in buffers[:2])  # nothing ran, nothing written


@pytest.mark.parametrize("site, node", [(12, 0), (-1, 0), (0, 12), (0, -1)])
def test_the_c_api_names_a_site_or_node_outside_the_cable(site, node):
    keep: list = []
    case = ref.CableCase(dt=0.01, steps=20, nseg=10, length=2000.0, sites=(0, 5), pulses=(ref.CablePulse(0, 0, 5, 1.0),))
    c = c_cable_case(case, keep)
    c.sites[0], c.pulses[0].node = site, node
    out, _ = c_output(case, 20, 3)
    assert lib.hh_run_cable(c, out) == lib.HH_ERROR_INVALID
    assert names_word(ffi.string(out.message).decode(), "sites" if site else "node", Path("/nonexistent/x"))


def test_the_c_api_never_writes_past_its_buffers():
    keep: list = []
    case = ref.CableCase(dt=0.025, steps=120, nseg=30, length=15000.0, sites=(0, 8, 15, 16, 23, 31), record_every=2,
                         pulses=(ref.CablePulse(0, 0, 8, 1e4), ref.CablePulse(31, 0, 8, 1e4)))
    c = c_cable_case(case, keep)
    out, _ = c_output(case, 59, 7)
    assert lib.hh_run_cable(c, out) == lib.HH_ERROR_CAPACITY  # one row short: refused before any step
    out, (rows, arrivals, counts) = c_output(case, 60, 7, capacity=0)
    out.arrivals = ffi.NULL
    assert lib.hh_run_cable(c, out) == lib.HH_SPIKES_TRUNCATED  # every row, the arrivals counted only
    assert (rows[60 * 7:] == 7.0).all() and (counts[6:] == 7).all() and list(counts[:6]) == [1] * 6
    assert lib.hh_run_cable(c, ffi.NULL) == lib.HH_ERROR_NULL and lib.hh_cable_columns(ffi.NULL) == -1
    out, _ = c_output(case, 60, 7)
    c.sites = ffi.NULL
    assert lib.hh_run_cable(c, out) == lib.HH_ERROR_NULL


def test_the_c_default_cable_case_is_the_model_files_axon():
    c = ffi.new("hh_cable_case *")
    lib.hh_default_cable_case(c)
    d = ref.CableCase()
    assert (c.radius, c.R_i, c.length, c.nseg, c.temperature) == (d.radius, d.R_i, d.length, d.nseg, d.temperature)
    assert lib.hh_check_cable_case(c, ffi.NULL, 0) == lib.HH_OK
    assert lib.hh_cable_work_bytes(0) == -1 and lib.hh_cable_work_bytes(10) > 12 * 8


def test_simulate_cable_gives_the_same_doubles_on_both_backends_and_the_golden_ones():
    golden = BY_NAME["cable_end_0"]
    case = load_cable_case(golden.case_path)
    pulses = [(p.node, p.start * case.dt, p.stop * case.dt, p.amplitude) for p in case.pulses]
    runs = [pyhh.simulate_cable(case.steps * case.dt, dt=case.dt, length=case.length, nseg=case.nseg,
                                stimulus=pulses, sites=case.sites, record_every=case.record_every, backend=b)
            for b in ("python", "c")]
    g = golden_trace(golden)
    for r in runs:
        assert same_bits(r.V, np.ascontiguousarray(g[:, 1:])) and same_bits(r.t, np.ascontiguousarray(g[:, 0]))
        assert tuple(tuple(a) for a in r.arrivals) == golden.arrivals
    assert runs[0].velocity == runs[1].velocity


def test_simulate_cable_on_hh_1952s_axon_gives_spec_13_12s_velocity():
    result = pyhh.simulate_cable(5.0, sites=[0, 250, 501])
    assert result.V.shape == (500, 3) and list(result.x) == [0.0, 24950.0, 50000.0]
    # §13.12: the default discretisation gives 18.706 m/s, 0.13 % below the converged 18.730 (independent:
    # a vectorised solver and Richardson extrapolation), and both are near HH's computed 18.8 m/s
    assert abs(result.velocity - 18.706) < 0.0005, result.velocity
    assert result.arrival(0) < result.arrival(250) < result.arrival(501)


@pytest.mark.parametrize("kwargs, named", [
    ({"nseg": 0}, "nseg"), ({"nseg": 10**9}, "nseg"), ({"dt": -1.0}, "dt"), ({"duration": 0.015}, "duration"),
    ({"sites": [5, 3]}, "sites"), ({"sites": [600]}, "sites"), ({"stimulus": [(600, 0.0, 0.1, 1.0)]}, "node"),
    ({"stimulus": [(0, 0.0, 0.1)]}, "stimulus"), ({"radius": 0.0}, "radius"), ({"R_i": float("nan")}, "R_i"),
    ({"backend": "js"}, "backend"), ({"record_gates": 1}, "record_gates"), ({"params": {"g_Q": 1.0}}, "g_Q"),
])
def test_simulate_cable_names_a_bad_value(kwargs, named):
    with pytest.raises(InvalidInputError) as caught:
        pyhh.simulate_cable(**kwargs)
    assert names_word(str(caught.value), named, Path("/nonexistent/x")), str(caught.value)


@pytest.mark.parametrize("isa", [isa for isa in ("portable", "avx2", "avx512") if isa_available(isa)])
def test_every_instruction_set_gives_the_golden_cable_traces_bit_for_bit(isa, monkeypatch):
    # The C cable's gate update is a vectorised loop compiled for each instruction set; forced
    # through PYHH_ISA, each gives every golden cable trace and its arrivals to the bit.
    from pyhh.axon import run_cable_case

    monkeypatch.setenv("PYHH_ISA", isa)
    for entry in load_cable()[0]:
        table, arrivals = run_cable_case(load_cable_case(entry.case_path), "c")
        assert np.array_equal(table, read_trace(entry.trace_path, entry.columns)), (isa, entry.name)
        assert tuple(tuple(a) for a in arrivals) == entry.arrivals, (isa, entry.name)
