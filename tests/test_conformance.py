"""The comparison procedure of spec §11 on real ports: it admits correct ports
at the right level and catches broken ones."""

from __future__ import annotations

import json

import numpy as np
import pytest

from conftest import CASE_NAMES, GOLDEN, golden_trace
from ports.reordered import simulate as reordered
from pyhh.conformance.grading import compare


def golden_of(name):
    """The case file as parsed JSON (what an independent port reads) and its golden trace."""
    return json.loads((GOLDEN / "cases" / f"{name}.json").read_text()), golden_trace(name)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_a_reordered_float64_port_reaches_float64(name):
    case, golden = golden_of(name)
    rows, _ = reordered(case, np.float64)
    assert compare(rows, golden, 50.0).level == "float64"


@pytest.mark.parametrize("name", ["repetitive_rk4", "single_spike", "clamp_family", "pyhh_demo", "waveform"])
def test_a_float32_port_reaches_float32(name):
    case, golden = golden_of(name)
    rows, _ = reordered(case, np.float32)
    assert compare(rows, golden, 50.0).level == "float32"


def test_recording_off_by_one_step_fails(reference):
    # pyHH's bug: the state after step k stored under t_k.
    golden = golden_trace("repetitive_euler")
    shifted = golden.copy()
    shifted[:-1, 1:5] = reference("repetitive_euler").table()[1:, 1:5]  # every 10th row: off by 10 steps here
    result = compare(shifted, golden, 50.0)
    assert result.level != "exact" and result.level != "float64"
    assert result.first_departure[0] == 0


def test_nan_and_wrong_row_counts_fail():
    _, golden = golden_of("start_at_10")
    broken = golden.copy()
    broken[0, 4] = np.nan  # alpha_n = 0/0 at V = 10 without exprel
    assert compare(broken, golden, 50.0).level == "fail"
    assert compare(golden[:-1], golden, 50.0).level == "fail"


def test_spike_level_for_a_slightly_late_port():
    _, golden = golden_of("repetitive_rk4")
    late = golden.copy()
    late[1:, 1:] = golden[:-1, 1:]  # one recorded row (0.1 ms) late: same spikes, 0.1 ms off
    assert compare(late, golden, 50.0).level == "fail"
    _, golden = golden_of("single_spike")
    nudged = golden.copy()
    nudged[:, 1] += 0.6  # 0.6 mV off everywhere: beyond float32, same spike within 0.05 ms
    result = compare(nudged, golden, 50.0)
    assert result.level == "spikes", result
