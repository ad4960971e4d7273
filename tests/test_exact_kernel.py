"""The exact kernel (issue 23): one run loop in C (c/hh_core.h), vectorised on
every instruction set this machine runs, and still the reference's doubles in
every lane.

Each instruction set is forced through PYHH_ISA. What the kernel is compared
with is never its own output in the same run: golden/ (made by the Python
reference), the Python reference itself, or hh_run on another instruction set
(the portable build, which the compiler does not vectorise the same way).
"""

from __future__ import annotations

import numpy as np
import pytest

import pyhh
from conftest import CASE_NAMES, golden_case, golden_trace
from pyhh.cbackend.isa import ISAS, isa_available
from pyhh.conformance.golden import load_manifest

RUNNABLE = [isa for isa in ISAS[1:] if isa_available(isa)]

#: W2 of bench/bench.py: neuron k of 10,000 at 20 k / 9999 uA/cm^2.
W2_CURRENTS = 20.0 * np.arange(10_000) / 9999


def batch_of(case, n: int, **overrides) -> pyhh.BatchResult:
    """Golden case `case` as a batch of n neurons, exact."""
    kwargs = dict(n=n, stimulus=case.stimulus, dt=case.dt, steps=case.steps, method=case.method,
                  temperature=case.temperature, V0=case.V0, params=case.params, clamp=case.clamp,
                  spike_threshold=case.spike_threshold, record_every=case.record_every, accuracy="exact",
                  spike_capacity=64)
    return pyhh.simulate_batch(**(kwargs | overrides))


@pytest.mark.filterwarnings("ignore::pyhh.StimulusWarning")  # the golden case pulse_after_end, on purpose
@pytest.mark.parametrize("isa", RUNNABLE)
def test_every_instruction_set_gives_golden_bit_for_bit(isa, monkeypatch):
    # hh_run (a block of one) and a batch of 17 (two full AVX-512 vectors and one more lane)
    monkeypatch.setenv("PYHH_ISA", isa)
    spikes = {entry.name: list(entry.spikes) for entry in load_manifest()}
    for name in CASE_NAMES:
        case = golden_case(name)
        expected = golden_trace(name)
        single = pyhh.run_case(case, "c")
        assert np.array_equal(single.table(), expected), (isa, name)
        assert single.spikes.tolist() == spikes[name], (isa, name)
        batch = batch_of(case, 17)
        for i in range(17):
            assert np.array_equal(batch.traces[:, :, i], expected), (isa, name, i)
            if not case.clamp:
                assert batch.spikes[i].tolist() == spikes[name], (isa, name, i)


@pytest.fixture(scope="module")
def w2_every_100th_neuron_by_hh_run() -> dict[int, pyhh.Result]:
    """hh_run of every 100th W2 neuron (all columns, 100 ms of forward Euler) on the portable build."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYHH_ISA", "portable")
        return {i: pyhh.simulate(float(W2_CURRENTS[i]), dt=0.01, steps=10_000, method="euler", backend="c")
                for i in range(0, 10_000, 100)}


@pytest.mark.parametrize("isa", RUNNABLE)
def test_every_instruction_set_gives_full_w2_traces_equal_to_hh_run(isa, w2_every_100th_neuron_by_hh_run,
                                                                    monkeypatch):
    # Every 100th neuron of W2 in one batch of 100 neurons, all columns, against hh_run on the
    # portable build; the neurons differ, so a lane that took another's value would show.
    monkeypatch.setenv("PYHH_ISA", isa)
    neurons = sorted(w2_every_100th_neuron_by_hh_run)
    batch = pyhh.simulate_batch(current=W2_CURRENTS[neurons], dt=0.01, steps=10_000, method="euler",
                                record_every=1, spike_capacity=64, accuracy="exact")
    for column, i in enumerate(neurons):
        single = w2_every_100th_neuron_by_hh_run[i]
        assert np.array_equal(batch.traces[:, :, column], single.table()), (isa, i)
        assert batch.spikes[column].tolist() == single.spikes.tolist(), (isa, i)


def test_w2_neurons_equal_the_python_reference(w2_every_100th_neuron_by_hh_run):
    # The independent side of the check above: the Python reference, for a few of the neurons
    # (from silent to the fastest), a tenth of the run each.
    for i in (0, 2500, 5000, 9900):
        reference = pyhh.simulate(float(W2_CURRENTS[i]), dt=0.01, steps=1_000, method="euler", backend="python")
        c = w2_every_100th_neuron_by_hh_run[i]
        assert np.array_equal(c.table()[:1_000], reference.table()), i


@pytest.fixture(scope="module")
def varied_neurons() -> dict:
    """257 neurons that differ in every parameter, the temperature, V0 and the drive."""
    rng = np.random.default_rng(23)
    n = 257
    return dict(
        current=rng.uniform(-5, 40, n),
        params={"g_Na": rng.uniform(80, 160, n), "g_K": rng.uniform(20, 50, n), "C_m": rng.uniform(0.5, 2, n),
                "E_L": rng.uniform(5, 15, n)},
        temperature=rng.uniform(0, 25, n),
        V0=rng.uniform(-10, 30, n),
    )


def neuron(varied: dict, i: int) -> dict:
    """Neuron i of `varied` as pyhh.simulate's arguments."""
    return dict(params={name: float(values[i]) for name, values in varied["params"].items()},
                temperature=float(varied["temperature"][i]), V0=float(varied["V0"][i]))


def subset(varied: dict, n: int) -> dict:
    """The first n neurons of `varied`."""
    return dict(current=varied["current"][:n], params={k: v[:n] for k, v in varied["params"].items()},
                temperature=varied["temperature"][:n], V0=varied["V0"][:n])


@pytest.mark.parametrize("method", pyhh.METHODS)
@pytest.mark.parametrize("n", [1, 7, 255, 257])
def test_odd_neuron_counts_equal_hh_run_on_every_instruction_set(n, method, varied_neurons, monkeypatch):
    # 255 and 257 neurons end a block of HH_BLOCK = 256 one short and one over; 1 and 7 fill no vector.
    expected = {}
    monkeypatch.setenv("PYHH_ISA", "portable")
    for i in {0, n // 2, n - 1}:
        expected[i] = pyhh.simulate(float(varied_neurons["current"][i]), duration=15.0, method=method,
                                    record_every=3, backend="c", **neuron(varied_neurons, i))
    for isa in RUNNABLE:
        monkeypatch.setenv("PYHH_ISA", isa)
        batch = pyhh.simulate_batch(**subset(varied_neurons, n), duration=15.0, method=method, record_every=3,
                                    spike_capacity=20, accuracy="exact")
        for i, single in expected.items():
            assert np.array_equal(batch.traces[:, :, i], single.table()), (isa, n, method, i)
            assert batch.spikes[i].tolist() == single.spikes.tolist(), (isa, n, method, i)


@pytest.mark.parametrize("isa", RUNNABLE)
def test_a_neuron_that_leaves_the_finite_range_is_named_with_the_reference_step(isa, monkeypatch):
    # forward Euler at dt = 0.1 ms blows up for neuron 1 (10 uA/cm^2), at the step the reference names
    with pytest.raises(pyhh.NumericalInstabilityError) as reference:
        pyhh.simulate(10.0, dt=0.1, duration=20.0, method="euler", backend="python")
    monkeypatch.setenv("PYHH_ISA", isa)
    with pytest.raises(pyhh.NumericalInstabilityError) as single:
        pyhh.simulate(10.0, dt=0.1, duration=20.0, method="euler", backend="c")
    with pytest.raises(pyhh.NumericalInstabilityError) as batch:
        pyhh.simulate_batch(current=[0.0, 10.0, 0.0] * 6, dt=0.1, duration=20.0, method="euler", accuracy="exact")
    assert single.value.step == batch.value.step == reference.value.step
    assert single.value.state == reference.value.state
    assert batch.value.neuron == 1
