"""Issue 24, item 1: every entry point means the same membrane in both voltage conventions
(spec §2.2). Its defaults (V0 at rest, the spike threshold 50 mV above it, a holding
potential at rest) follow the convention asked for, and a value that only makes sense in the
other convention warns. absolute=True used to read the rest-relative defaults as absolute
voltages: the run started 65 mV above rest with its threshold 115 mV above it, and reported no
spike at all (a silent wrong result)."""

from __future__ import annotations

import subprocess
import sys
import warnings

import numpy as np
import pytest

import pyhh

REST = pyhh.V_REST_ABSOLUTE
PULSE = pyhh.Pulse(10.0, 90.0, 10.0)


@pytest.fixture(autouse=True)
def no_stray_warnings():
    """A run in either convention with its defaults draws no warning."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


def test_simulate_gives_the_same_run_in_both_conventions():
    relative = pyhh.simulate(PULSE, duration=100.0)
    absolute = pyhh.simulate(PULSE, duration=100.0, absolute=True)
    assert len(relative.spikes) == 6  # 10 uA/cm^2 for 80 ms fires repetitively (HH 1952)
    assert np.array_equal(relative.V, absolute.V) and np.array_equal(relative.spikes, absolute.spikes)
    # the second reproducer: V0 = -70 mV absolute is -5 mV from rest
    assert np.array_equal(pyhh.simulate(PULSE, duration=100.0, V0=-70.0, absolute=True).spikes,
                          pyhh.simulate(PULSE, duration=100.0, V0=-5.0).spikes)
    assert len(pyhh.simulate(PULSE, duration=100.0, V0=-5.0).spikes) == 6


@pytest.mark.parametrize("accuracy", ["exact", "fast"])
def test_simulate_batch_gives_the_same_spikes_in_both_conventions(accuracy):
    relative = pyhh.simulate_batch(current=[10.0, 20.0], duration=100.0, accuracy=accuracy)
    absolute = pyhh.simulate_batch(current=[10.0, 20.0], duration=100.0, accuracy=accuracy, absolute=True)
    assert np.all(relative.spike_counts > 5)
    assert np.array_equal(relative.spike_counts, absolute.spike_counts)


def test_fi_curve_gives_the_same_rates_and_classes_in_both_conventions():
    relative = pyhh.fi_curve([5.0, 10.0, 20.0], duration=300.0)
    absolute = pyhh.fi_curve([5.0, 10.0, 20.0], duration=300.0, absolute=True)
    assert relative.rates[1] > 0 and relative.rates[2] > relative.rates[1]  # the rate rises with current
    assert np.array_equal(relative.rates, absolute.rates)
    assert list(relative.classes) == list(absolute.classes)


def test_the_clamp_family_holds_at_rest_in_both_conventions():
    from pyhh.experiments import clamp_family

    relative = clamp_family([-20.0, 40.0], step_ms=5.0)
    absolute = clamp_family([-20.0 + REST, 40.0 + REST], step_ms=5.0, absolute=True)
    assert np.array_equal(relative.levels, absolute.levels)
    assert np.array_equal(relative.peak_I_Na, absolute.peak_I_Na)
    assert relative.peak_I_Na[1] < 0  # a step to 40 mV above rest draws an inward sodium current


def spikes_printed(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "pyhh", "run", "--duration", "100", "--start", "10", "--stop", "90",
                           "--amplitude", "10", *args], capture_output=True, text=True)
    assert done.returncode == 0 and "warning" not in done.stderr, done.stderr
    return next(line for line in done.stdout.splitlines() if "spike" in line)


def test_the_command_line_gives_the_same_spikes_in_both_conventions():
    assert spikes_printed() == spikes_printed("--absolute")
    assert spikes_printed("--V0", "-5") == spikes_printed("--absolute", "--V0", "-70")
    assert "6 spike" in spikes_printed()


@pytest.mark.parametrize("call, match", [
    (lambda: pyhh.simulate(duration=1.0, V0=0.0, absolute=True), r"V0 = 0 mV is absolute.*65 mV from rest"),
    (lambda: pyhh.simulate(duration=1.0, spike_threshold=50.0, absolute=True), "spike_threshold = 50 mV is absolute"),
    (lambda: pyhh.simulate(duration=1.0, spike_threshold=-15.0), "spike_threshold = -15 mV is rest-relative"),
    (lambda: pyhh.simulate(duration=1.0, V0=-65.0), "V0 = -65 mV is rest-relative"),
    (lambda: pyhh.simulate_batch(current=0.0, V0=[-65.0, 2.0], duration=1.0, absolute=True),
     r"V0\[1\] = 2 mV is absolute"),
    (lambda: pyhh.fi_curve([1.0], duration=50.0, transient=10.0, threshold=48.0, absolute=True),
     "threshold = 48 mV is absolute"),
])
def test_a_value_that_belongs_to_the_other_convention_warns(call, match):
    with pytest.warns(pyhh.RestRelativeWarning, match=match):
        call()


def test_the_values_of_the_convention_asked_for_do_not_warn():
    pyhh.simulate(duration=1.0, V0=-65.0, spike_threshold=-15.0, absolute=True)
    pyhh.simulate(duration=1.0, V0=0.0, spike_threshold=50.0)
    pyhh.simulate_batch(current=0.0, V0=[-65.0, -60.0], duration=1.0, absolute=True)
