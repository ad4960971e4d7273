"""The golden cable cases (spec §13.10-13.11): the manifest lists them, the reference reaches
`exact` on every one by §11's grading, the grading sees a port that departs, every negative
case is rejected naming its key, and the golden traces hold what physics says they must."""

from __future__ import annotations

import numpy as np
import pytest

from pyhh.conformance.casefile import load_cable_case
from pyhh.conformance.golden import load_cable, load_manifest
from pyhh.conformance.grading import compare
from pyhh.conformance.runner import names_word
from pyhh.conformance.trace import format_trace, parse_trace
from pyhh.reference.cable import columns, run_cable
from pyhh.reference.errors import CaseFileError

CASES, REJECTS = load_cable()
BY_NAME = {c.name: c for c in CASES}


def golden_trace(case):
    return parse_trace(case.trace_path.read_text(), str(case.trace_path), case.columns)


def test_the_manifest_lists_every_cable_file_and_its_hashes_hold():
    load_manifest(verify=True)  # raises for a cable file unlisted or changed
    assert {"cable_end_0", "cable_end_far", "cable_mid_axon", "cable_collision", "cable_subthreshold",
            "cable_end_odd_pulse", "cable_one_segment", "cable_repetitive"} <= set(BY_NAME)
    assert len(REJECTS) >= 22


def test_the_cases_a_review_found_untested_are_there():
    # An end node recorded every step after a pulse of an odd number of steps (its V alternates,
    # §13.5: only this shows the end coupling c_e), one segment (c_left = c_right = c_e), and a
    # site crossing many times (repetitive firing).
    odd = load_cable_case(BY_NAME["cable_end_odd_pulse"].case_path)
    assert odd.record_every == 1 and 0 in odd.sites and any((p.stop - p.start) % 2 for p in odd.pulses)
    assert load_cable_case(BY_NAME["cable_one_segment"].case_path).nseg == 1
    assert all(len(site) >= 5 for site in BY_NAME["cable_repetitive"].arrivals)


@pytest.mark.parametrize("name", sorted(BY_NAME))
def test_the_reference_is_exact_on_each_cable_case(name):
    golden = BY_NAME[name]
    case = load_cable_case(golden.case_path)
    record = run_cable(case)
    assert columns(case) == golden.columns
    ours = parse_trace(format_trace(record.rows, golden.columns), "ours", golden.columns)
    result = compare(ours, golden_trace(golden), case.spike_threshold, columns=golden.columns)
    assert result.level == "exact", result
    assert tuple(tuple(a) for a in record.arrivals) == golden.arrivals


def test_the_grading_sees_a_cable_port_that_departs():
    golden = BY_NAME["cable_end_far"]
    g = golden_trace(golden)
    theta = load_cable_case(golden.case_path).spike_threshold
    c = list(golden.columns)
    assert compare(g.copy(), g, theta, columns=c).level == "exact"
    off = g.copy()
    off[:, c.index("V_15")] += 5e-9  # within V's float64 tolerance
    assert compare(off, g, theta, columns=c).level == "float64"
    off[:, c.index("m_15")] += 1e-9  # beyond m's float64 tolerance (1e-10), within float32's
    result = compare(off, g, theta, columns=c)
    assert result.level == "float32" and result.first_departure == (0, "m_15")
    late = g.copy()
    late[1:, 1:] = g[:-1, 1:]  # every row one step late: the arrivals move by a row
    assert compare(late, g, theta, columns=c).level in ("spikes", "fail")
    silent = g.copy()
    silent[:, c.index("V_1")] = 0.0  # a site where the action potential never arrives
    assert compare(silent, g, theta, columns=c).level == "fail"


@pytest.mark.parametrize("reject", REJECTS, ids=lambda r: r.name)
def test_each_cable_negative_case_is_rejected_naming_its_key(reject):
    with pytest.raises(CaseFileError) as caught:
        load_cable_case(reject.path)
    assert names_word(str(caught.value), reject.names, reject.path), (reject.names, str(caught.value))


def test_the_golden_cable_traces_hold_what_physics_says():
    # mirror images: stimulated at either end, a site's arrival equals its mirror site's
    near, far = BY_NAME["cable_end_0"], BY_NAME["cable_end_far"]
    first = dict(zip(near.columns[1:], (a[0] for a in near.arrivals)))
    mirror = dict(zip(far.columns[1:], (a[0] for a in far.arrivals)))
    assert abs(first["V_1"] - mirror["V_30"]) < 1e-9 and abs(first["V_30"] - mirror["V_1"]) < 1e-9
    # it travels: later at every site further from the stimulus, and near HH's 18.8 m/s on these 500 um segments
    times = [a[0] for a in near.arrivals[1:5]]
    assert times == sorted(times)
    v = (10 * 500.0 * 1e-3) / (first["V_20"] - first["V_10"])
    assert 17.0 < v < 20.5, v
    # a collision: one arrival at every site, none reflected, symmetric about the middle
    collision = [a for a in BY_NAME["cable_collision"].arrivals]
    assert [len(a) for a in collision] == [1] * 6
    assert abs(collision[2][0] - collision[3][0]) < 1e-9
    # below threshold: no arrival anywhere, and the depolarisation decays along the axon
    sub = BY_NAME["cable_subthreshold"]
    assert all(len(a) == 0 for a in sub.arrivals)
    peaks = golden_trace(sub)[:, 2:].max(axis=0)  # the centre sites 1, 5, 15 and the far end
    assert all(np.diff(peaks) < 0) and 0.5 < peaks[0] < 50.0
