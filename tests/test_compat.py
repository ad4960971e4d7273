"""pyHH users' code runs on pyhh.HHModel and pyhh.Simulation, with pyHH's bugs fixed."""

from __future__ import annotations

import numpy as np
import pytest

import pyhh
from conftest import GOLDEN
from pyhh.conformance.trace import read_trace


def test_concept4_style_loop_matches_the_golden_trace(tmp_path):
    # pyHH's dev/concept4: a square pulse of 20 uA/cm^2 during steps 1200-3800 at
    # dt = 0.05 ms, Iterate() once per step, reading Vm after each step.
    hh = pyhh.HHModel()
    stim = np.zeros(5000)
    stim[1200:3800] = 20
    voltages = np.empty(len(stim))
    for i in range(len(stim)):
        hh.Iterate(stimulusCurrent=stim[i], deltaTms=0.05)
        voltages[i] = hh.Vm
    golden = read_trace(GOLDEN / "traces" / "pyhh_concept4.csv")
    # voltages[i] is the state after step i, i.e. V at t_(i+1); golden keeps every 5th row.
    assert np.array_equal(voltages[4:-1:5], golden[1:, 1])

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax1, ax2) = plt.subplots(2, 1, sharex=True)
    ax1.plot(np.arange(5000) * 0.05, voltages - 70, "b")
    ax1.set_title("Hodgkin-Huxley Spiking Neuron Model", fontsize=16)
    ax2.plot(np.arange(5000) * 0.05, stim, "r")
    fig.savefig(tmp_path / "concept4.png")
    assert (tmp_path / "concept4.png").stat().st_size > 1000


def test_demo_style_simulation_matches_the_golden_trace():
    # pyHH's tests/demo: g_Na 100, g_K 5, E_K -35; 50 uA/cm^2 during steps 7000-13000.
    model = pyhh.HHModel()
    model.gNa, model.gK, model.EK = 100, 5, -35
    stim = np.zeros(20000)
    stim[7000:13000] = 50
    sim = pyhh.Simulation(model)
    sim.Run(stimulusWaveform=stim, stepSizeMs=0.01)
    golden = read_trace(GOLDEN / "traces" / "pyhh_demo.csv")[:, :8]
    ours = np.column_stack([sim.times, sim.Vm, sim.StateM, sim.StateH, sim.StateN, sim.INa, sim.IK, sim.IKleak])
    assert np.array_equal(ours[::20], golden)


def test_each_model_has_its_own_gates():
    a, b = pyhh.HHModel(), pyhh.HHModel()
    assert a.m is not b.m and a.h is not b.h and a.n is not b.n
    before = (b.m.state, b.h.state, b.n.state)
    for _ in range(100):
        a.iterate(50.0, 0.01)
    assert (b.m.state, b.h.state, b.n.state) == before
    assert a.m.state != before[0]


def test_all_three_gates_start_at_steady_state():
    model = pyhh.HHModel()
    r = pyhh.reference.rates.rates(0.0, 1.0)
    assert model.m.state == r.alpha_m / (r.alpha_m + r.beta_m)
    assert model.h.state == r.alpha_h / (r.alpha_h + r.beta_h) == pytest.approx(0.596, abs=1e-3)
    assert model.n.state == r.alpha_n / (r.alpha_n + r.beta_n)


@pytest.mark.parametrize("V", [10.0, 25.0])
def test_no_division_by_zero_at_the_singular_voltages(V):
    model = pyhh.HHModel(startingVoltage=V)
    model.iterate(0.0, 0.01)
    assert np.isfinite([model.Vm, model.m.state, model.h.state, model.n.state]).all()


def test_large_step_warns_like_pyhh():
    sim = pyhh.Simulation(pyhh.HHModel())
    with pytest.warns(UserWarning, match="step size 0.1 ms is large"):
        sim.Run(np.zeros(10), stepSizeMs=0.1)
    assert len(sim.times) == 10 and sim.times[1] == 0.1


def test_constructor_parameters_and_bad_values():
    model = pyhh.HHModel(gNa=100, gK=5, EK=-35)
    assert model.parameters() == pyhh.Parameters(g_Na=100, g_K=5, E_K=-35)
    with pytest.raises(pyhh.InvalidInputError, match="deltaTms = 0.0"):
        model.iterate(0.0, 0.0)
    model.Cm = -1
    with pytest.raises(pyhh.InvalidInputError, match="C_m = -1.0"):
        model.iterate(0.0, 0.01)
