"""The fast kernels (c/pyhh_fast.c in double, c/pyhh_fast32.c in float) on each
instruction set (AVX-512, AVX2 + FMA and the portable build, chosen at run
time) that this machine runs, forced through PYHH_ISA: "fast" is within the
float64 level of every golden case and counts the same spikes as the exact
kernel on a tenth of the bench's W2 population; "float32" is within the
float32 level and differs in spike count only for neurons at the firing onset."""

from __future__ import annotations

import numpy as np
import pytest

import pyhh
from conftest import CASE_NAMES, golden_case, golden_trace
from pyhh.cbackend.batch import ISAS, isa_available
from pyhh.conformance.grading import compare

RUNNABLE = [isa for isa in ISAS if isa_available(isa)]

#: W2 of bench/bench.py (neuron k at 20 k / 9999 uA/cm^2, 100 ms of forward Euler), every tenth neuron.
W2_CURRENTS = (20.0 * np.arange(10_000) / 9999)[::10]


def w2(accuracy: str) -> np.ndarray:
    return pyhh.simulate_batch(current=W2_CURRENTS, dt=0.01, steps=10_000, method="euler",
                               accuracy=accuracy).spike_counts


@pytest.fixture(scope="module")
def w2_exact() -> np.ndarray:
    return w2("exact")


def test_the_portable_kernel_is_always_there_and_an_unknown_isa_is_refused(monkeypatch):
    assert isa_available("portable") and isa_available("best")
    monkeypatch.setenv("PYHH_ISA", "sse9")
    with pytest.raises(pyhh.InvalidInputError, match="PYHH_ISA = 'sse9' is not one of best, portable"):
        pyhh.simulate_batch(current=1.0, n=1, steps=10, accuracy="fast")


#: The levels (spec §11.2) each accuracy must reach on every golden case.
ADMITTED = {"fast": ("exact", "float64"), "float32": ("exact", "float64", "float32")}


@pytest.mark.filterwarnings("ignore::pyhh.StimulusWarning")  # the golden case pulse_after_end, on purpose
@pytest.mark.parametrize("accuracy", ["fast", "float32"])
@pytest.mark.parametrize("isa", RUNNABLE)
def test_each_instruction_set_is_within_its_level_of_golden(isa, accuracy, monkeypatch):
    monkeypatch.setenv("PYHH_ISA", isa)
    for name in CASE_NAMES:
        case = golden_case(name)
        result = pyhh.simulate_batch(
            n=1, stimulus=case.stimulus, dt=case.dt, steps=case.steps, method=case.method,
            temperature=case.temperature, V0=case.V0, params=case.params, clamp=case.clamp,
            spike_threshold=case.spike_threshold, record_every=case.record_every, accuracy=accuracy,
        )
        comparison = compare(result.traces[:, :, 0], golden_trace(name), case.spike_threshold, spikes=not case.clamp)
        assert comparison.level in ADMITTED[accuracy], (name, comparison)


@pytest.mark.parametrize("isa", RUNNABLE)
def test_each_instruction_set_counts_the_w2_spikes_of_the_exact_kernel(isa, monkeypatch, w2_exact):
    monkeypatch.setenv("PYHH_ISA", isa)
    assert np.array_equal(w2("fast"), w2_exact)


@pytest.mark.parametrize("isa", RUNNABLE)
def test_float32_counts_differ_from_exact_only_at_the_firing_onset(isa, monkeypatch, w2_exact):
    monkeypatch.setenv("PYHH_ISA", isa)
    differ = np.flatnonzero(w2("float32") != w2_exact)
    # the onset: the neurons whose exact count is the lowest nonzero count, or their silent neighbours
    onset = np.flatnonzero(w2_exact > 0)[0]
    assert all(abs(int(i) - onset) <= 2 for i in differ), (differ, onset)
