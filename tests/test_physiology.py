"""Known physical facts about the HH squid axon, checked on the reference."""

from __future__ import annotations

import numpy as np
import pytest

import pyhh
from pyhh import Pulse


def sustained_firing(I: float) -> bool:
    """Still firing in the last 100 ms of a 300 ms constant current."""
    result = pyhh.simulate(I, dt=0.02, duration=300.0, method="rk4", record_every=50)
    return bool(np.any(result.spikes > 200.0))


@pytest.mark.parametrize("method", pyhh.METHODS)
def test_rest_stays_put(method):
    result = pyhh.simulate(None, duration=100.0, method=method)
    assert np.max(np.abs(result.V)) < 1e-3
    assert result.spike_count == 0


def test_rest_is_near_the_ionic_balance():
    # E_L = 10.6 mV makes V = 0 (almost) an equilibrium: the ionic currents cancel.
    row = pyhh.simulate(None, steps=1).table()[0]
    assert abs(row[5] + row[6] + row[7]) < 1e-3


@pytest.mark.parametrize("E_L, rest", [(10.6, 0.00028), (10.613, 0.0036), (10.7, 0.026), (10.5989, 0.0)])
def test_the_resting_potentials_spec_2_2_states(E_L, rest):
    # spec §2.2: E_L = 10.6 rests at +0.00028 mV, HH's 10.613 at +0.0036 (the same side of 0),
    # NEURON's el_hh (10.7 here) at +0.026, and 10.5989 at 0 (within 1e-5 mV); after 2 s at rest
    V = pyhh.simulate(None, duration=2000.0, params={"E_L": E_L}, record_every=1000, backend="c").V[-1]
    assert abs(V - rest) < (1e-5 if rest == 0.0 else 0.01 * rest + 1e-6), V


def test_onset_of_repetitive_firing_at_6_3_degC():
    # Measured here: the smallest constant current (from rest) that gives sustained
    # firing lies between 6.2 and 6.3 uA/cm^2; the literature puts the onset of
    # periodic firing of the HH model near 6.2-6.3 (e.g. Rinzel & Miller 1980).
    assert not sustained_firing(6.2)
    assert sustained_firing(6.3)


def test_firing_rate_at_10_uA_is_about_68_hz():
    result = pyhh.simulate(10.0, duration=500.0, method="rk4", dt=0.01, record_every=100)
    intervals = np.diff(result.spikes[2:])
    assert 14.0 < intervals.mean() < 15.0  # 14.6 ms: about 68 Hz at 6.3 degC


def test_warm_axon_fires_faster():
    cold = pyhh.simulate(10.0, duration=100.0, method="rk4", record_every=10)
    warm = pyhh.simulate(10.0, duration=100.0, method="rk4", record_every=10, temperature=18.5)
    assert warm.spike_count > cold.spike_count


@pytest.mark.filterwarnings("ignore::pyhh.StimulusWarning")  # -30 uA/cm^2 takes V below -150 mV absolute, on purpose
@pytest.mark.parametrize("stimulus", [30.0, -30.0, 200.0])
def test_gates_stay_within_0_and_1_under_exp_euler(stimulus):
    result = pyhh.simulate(stimulus, dt=0.5, duration=200.0, method="exp_euler")
    for gate in (result.m, result.h, result.n):
        assert gate.min() >= 0.0 and gate.max() <= 1.0


def test_anode_break_excitation():
    result = pyhh.simulate(Pulse(5.0, 25.0, -5.0), duration=50.0)
    assert result.spike_count == 1
    assert result.spikes[0] > 25.0  # after the release, not during the pulse


def test_refractory_period():
    first = Pulse(5.0, 6.0, 10.0)
    assert pyhh.simulate([first, Pulse(13.0, 14.0, 10.0)], duration=40.0, method="rk4").spike_count == 1
    assert pyhh.simulate([first, Pulse(25.0, 26.0, 10.0)], duration=40.0, method="rk4").spike_count == 2


def test_threshold_of_a_1_ms_pulse():
    assert pyhh.simulate(Pulse(5.0, 6.0, 6.0), duration=30.0, method="rk4").spike_count == 0
    assert pyhh.simulate(Pulse(5.0, 6.0, 7.0), duration=30.0, method="rk4").spike_count == 1


def clamp_peak_I_Na(step_mV: float) -> float:
    result = pyhh.simulate(Pulse(1.0, 11.0, step_mV), duration=11.0, clamp=True, record_every=1)
    during = result.t >= 1.0
    I_Na = result.I_Na[during]
    return float(I_Na[np.argmax(np.abs(I_Na))])


def test_clamp_sodium_current_is_inward_and_reverses_near_E_Na():
    assert clamp_peak_I_Na(50.0) < -100.0
    assert clamp_peak_I_Na(130.0) > 0.0
    # The reversal lies at E_Na = 115 mV exactly: I_Na = G_Na (V - E_Na).
    assert abs(clamp_peak_I_Na(115.0)) < 1e-12


def test_clamp_potassium_current_is_outward_and_delayed():
    result = pyhh.simulate(Pulse(1.0, 11.0, 60.0), duration=11.0, clamp=True)
    I_K = result.I_K[result.t >= 1.0]
    assert I_K.min() >= 0.0
    assert np.argmax(I_K) > np.argmax(np.abs(result.I_Na[result.t >= 1.0]))


def test_clamp_current_balances_the_ionic_currents():
    result = pyhh.simulate(Pulse(1.0, 5.0, 40.0), duration=6.0, clamp=True)
    assert np.array_equal(result.I_stim, result.I_Na + result.I_K + result.I_L)
    assert np.all(result.V[(result.t >= 1.0) & (result.t < 5.0)] == 40.0)


def test_rates_are_continuous_through_the_removable_singularities():
    from pyhh.reference import rates

    for f, V, limit in ((rates.alpha_n, 10.0, 0.1), (rates.alpha_m, 25.0, 1.0)):
        assert f(V) == limit
        for eps in (1e-12, 1e-8, 1e-4):
            assert f(V - eps) == pytest.approx(limit, rel=1e-3) and f(V + eps) == pytest.approx(limit, rel=1e-3)
        assert f(V - 1e-4) > f(V) > f(V + 1e-4) or f(V - 1e-4) < f(V) < f(V + 1e-4)


def test_absolute_voltage_convention():
    result = pyhh.simulate(None, steps=10)
    assert np.all(result.V_absolute == result.V - 65.0)
