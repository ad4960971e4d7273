"""Input handling at numpy speed (issue 15): a numeric stimulus array stays a
numpy array (checked vectorised, the reference's messages naming the first bad
index), gives the same doubles as the same values in a list, and the batch's
shared drive built for all steps at once equals the reference's drive(k)."""

from __future__ import annotations

import numpy as np
import pytest

import pyhh
from pyhh.batch import drive_array
from pyhh.reference.stimulus import StepPulse, Stimulus, drive


def test_a_numeric_waveform_stays_a_read_only_array_and_runs_as_the_list_does():
    waveform = np.linspace(0.0, 12.0, 3000).astype(np.float32)
    result = pyhh.simulate(waveform, dt=0.01, backend="c")
    kept = result.case.stimulus.waveform
    assert isinstance(kept, np.ndarray) and kept.dtype == np.float64 and not kept.flags.writeable
    waveform[0] = np.nan  # the caller's array may change afterwards: the case holds a copy
    assert np.isfinite(kept[0])
    as_list = pyhh.simulate([float(x) for x in kept], dt=0.01, backend="c")
    assert np.array_equal(result.table(), as_list.table())
    reference = pyhh.simulate(kept, dt=0.01, backend="python")
    assert np.array_equal(result.table(), reference.table())


@pytest.mark.parametrize("values, message", [
    (np.r_[np.zeros(99_999), np.inf], r"waveform\[99999\] = inf is not finite"),
    (np.array([0.0, np.nan, np.nan]), r"waveform\[1\] = nan is not finite"),
    (np.array([1, 2, 3], dtype=object), None),
    (np.array([True, False]), r"waveform\[0\] = True is not a number"),
    (np.array(["1", "2"]), r"waveform\[0\] = '1' is not a number"),
])
def test_a_bad_array_value_is_named_by_its_first_index(values, message):
    if message is None:
        assert pyhh.simulate(values).case.stimulus.waveform == (1.0, 2.0, 3.0)
        return
    with pytest.raises(pyhh.InvalidInputError, match=message):
        pyhh.simulate(values, backend="c")


def test_the_shared_batch_drive_is_the_reference_drive_of_every_step():
    rng = np.random.default_rng(3)
    stimulus = Stimulus((StepPulse(3, 10, 0.1), StepPulse(5, 20, 0.2), StepPulse(0, 4, 1e-17), StepPulse(25, 99, 0.3)),
                        tuple(rng.normal(size=30).tolist()))
    assert np.array_equal(drive_array(stimulus, 30), [drive(stimulus, k) for k in range(30)])
    pulses = Stimulus((StepPulse(3, 10, 0.1), StepPulse(5, 20, 0.2)))
    assert np.array_equal(drive_array(pulses, 30), [drive(pulses, k) for k in range(30)])
