"""The fast kernel's instruction sets (c/pyhh_fast.c: AVX-512, AVX2 + FMA and the
portable build, chosen at run time): each one this machine runs, forced through
PYHH_ISA, is within the float64 level of every golden case and counts the same
spikes as the exact kernel on a tenth of the bench's W2 population."""

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


@pytest.mark.parametrize("isa", RUNNABLE)
def test_each_instruction_set_is_within_the_float64_level_of_golden(isa, monkeypatch):
    monkeypatch.setenv("PYHH_ISA", isa)
    for name in CASE_NAMES:
        case = golden_case(name)
        result = pyhh.simulate_batch(
            n=1, stimulus=case.stimulus, dt=case.dt, steps=case.steps, method=case.method,
            temperature=case.temperature, V0=case.V0, params=case.params, clamp=case.clamp,
            spike_threshold=case.spike_threshold, record_every=case.record_every, accuracy="fast",
        )
        comparison = compare(result.traces[:, :, 0], golden_trace(name), case.spike_threshold, spikes=not case.clamp)
        assert comparison.level in ("exact", "float64"), (name, comparison)


@pytest.mark.parametrize("isa", RUNNABLE)
def test_each_instruction_set_counts_the_w2_spikes_of_the_exact_kernel(isa, monkeypatch, w2_exact):
    monkeypatch.setenv("PYHH_ISA", isa)
    assert np.array_equal(w2("fast"), w2_exact)
