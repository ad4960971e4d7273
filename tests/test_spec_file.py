"""The reference spells out the constants of spec/model.toml: prove they match."""

from __future__ import annotations

import math

import numpy as np
import pytest

import pyhh
from pyhh.conformance import grading as conformance
from pyhh.reference import checks, parameters, rates


def rate_from_spec(form: dict, V: float) -> float:
    """A rate evaluated straight from its model-file form (§4.2)."""
    x = (form["V_half"] - V) / form["s"]
    if form["form"] == "exponential":
        return form["A"] * rates.exp(x)
    if form["form"] == "exp_linear":
        return form["A"] / rates.exprel(x)
    if form["form"] == "sigmoid":
        return form["A"] / (rates.exp(x) + 1.0)
    raise AssertionError(f"unknown form {form['form']}")


VOLTAGES = sorted(
    {-200.0, -100.0, -12.0, -1e-9, 0.0, 1e-9, 10.0, 25.0, 30.0, 115.0, 500.0}
    | {float(v) for v in np.linspace(-150.0, 150.0, 601)}
    | {math.nextafter(10.0, 0.0), math.nextafter(10.0, 99.0), math.nextafter(25.0, 0.0), math.nextafter(25.0, 99.0)}
)


@pytest.mark.parametrize("gate", ["m", "h", "n"])
@pytest.mark.parametrize("which", ["alpha", "beta"])
def test_rates_equal_the_model_file_forms_bit_for_bit(model, gate, which):
    form = model["gates"][gate][which]
    reference = getattr(rates, f"{which}_{gate}")
    for V in VOLTAGES:
        assert reference(V) == rate_from_spec(form, V), (gate, which, V)


def test_parameter_defaults_and_ranges_match(model):
    spec = model["parameters"]
    assert list(spec) == list(parameters.PARAMETER_TABLE)
    for name, (default, low, high, low_excluded, unit) in parameters.PARAMETER_TABLE.items():
        entry = spec[name]
        assert (default, low, high, unit) == (entry["default"], entry["min"], entry["max"], entry["unit"]), name
        assert low_excluded == entry.get("min_exclusive", False), name
        assert getattr(pyhh.Parameters(), name) == default


def test_settings_match(model):
    t = model["temperature"]
    assert parameters.TEMPERATURE_DEFAULT == t["default"] == t["T_base"] == 6.3
    assert parameters.TEMPERATURE_RANGE == (t["min"], t["max"])
    assert rates.temperature_factor(t["T_base"] + 10.0) == pytest.approx(t["Q10"], rel=1e-15)
    s = model["settings"]
    assert parameters.V0_DEFAULT == s["V0_default"]
    assert parameters.V0_RANGE == (s["V0_min"], s["V0_max"])
    assert parameters.SPIKE_THRESHOLD_DEFAULT == s["spike_threshold_default"]
    from pyhh.compat import EULER_DT_WARNING

    assert EULER_DT_WARNING == s["euler_dt_warning"]
    assert parameters.V_REST_ABSOLUTE == model["convention"]["V_rest_absolute"]
    assert parameters.SPEC_VERSION == pyhh.SPEC_VERSION == model["spec"]["version"]
    assert list(pyhh.METHODS) == model["methods"]["names"]
    assert pyhh.DEFAULT_METHOD == model["methods"]["default"] == pyhh.Case().method
    assert parameters.DT_DEFAULT == s["dt_default"] == pyhh.Case().dt
    assert checks.MAX_INTEGER == s["max_integer"] == 2**53


def test_every_api_and_command_defaults_to_the_one_default_method(model):
    import inspect

    from pyhh.cli import build_parser

    default = model["methods"]["default"]
    for function in (pyhh.simulate, pyhh.simulate_batch, pyhh.fi_curve):
        assert inspect.signature(function).parameters["method"].default == default, function.__name__
    from pyhh.experiments import clamp_family

    assert inspect.signature(clamp_family).parameters["method"].default == default
    for command in ("run", "fi", "clamp"):
        assert build_parser().parse_args([command]).method == default, command


def test_temperature_factor_uses_q10_and_base(model):
    # phi = Q10^((T - T_base) / 10) to within 1 ulp; tests/test_exact_math.py measures how close
    t = model["temperature"]
    for T in (-40.0, 0.0, 6.3, 18.5, 37.0, 60.0):
        exact = t["Q10"] ** ((T - t["T_base"]) / 10.0)
        assert abs(rates.temperature_factor(T) - exact) <= math.ulp(exact), T
    assert rates.temperature_factor(t["T_base"]) == 1.0


def test_channels_match_the_conductances(model):
    # §5.1: G = g * gates, multiplied left to right in the model file's order.
    from pyhh.reference.currents import State, conductances

    y = State(0.0, 0.3, 0.7, 0.45)
    p = pyhh.Parameters()
    G = conductances(y, p)
    for channel, G_value in zip(("Na", "K", "L"), G):
        spec = model["channels"][channel]
        expected = getattr(p, spec["g"])
        for gate in spec["gates"]:
            expected = expected * getattr(y, gate)
        assert G_value == expected, channel


def test_conformance_tolerances_match(model):
    spec = model["conformance"]
    assert list(conformance.LEVELS) == spec["levels"]
    from pyhh.conformance import runner

    assert list(runner.ERROR_LEVELS) == spec["error_levels"]
    assert (runner.STATUS_REJECTED, runner.STATUS_UNSTABLE) == (spec["status_rejected"], spec["status_unstable"])
    assert spec["status_success"] == 0
    assert conformance.SPIKE_TIME_TOLERANCE == spec["spike_time_tolerance"]
    assert conformance.MANIFEST_SPIKE_TOLERANCE_FLOAT64 == spec["manifest_spike_tolerance_float64"]
    for level in ("float64", "float32"):
        assert conformance.TOLERANCES[level] == spec[level]
        assert list(spec[level]) == list(pyhh.COLUMNS)
