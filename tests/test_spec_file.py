"""The reference spells out the constants of spec/model.toml: prove they match."""

from __future__ import annotations

import copy
import math

import pytest

import pyhh
from pyhh.conformance.model_file import disagreements
from pyhh.reference import rates


def test_the_model_file_and_the_code_agree():
    # one rule, pyhh.conformance.model_file, which make golden and make codegen also run
    assert disagreements() == []


def changed(model: dict, *path_and_value):
    """A copy of the model with one value replaced: path_and_value = (key, key, ..., new value)."""
    other = copy.deepcopy(model)
    *keys, last, value = path_and_value
    node = other
    for key in keys:
        node = node[key]
    node[last] = value
    return other


@pytest.mark.parametrize("path_and_value, names", [
    (("parameters", "E_L", "default", 10.613), "E_L default: spec/model.toml says 10.613"),
    (("parameters", "g_K", "max", 2e4), "g_K max: spec/model.toml says 20000.0"),
    (("parameters", "C_m", "min_exclusive", False), "C_m min_exclusive"),
    (("temperature", "Q10", 3.1), "Q10: spec/model.toml says 3.1"),
    (("temperature", "ln_Q10_lo", "value", 1e-8), "ln_Q10_lo"),
    (("settings", "spike_bisections", 40), "spike_bisections"),
    (("settings", "V0_max", 500.0), "V0 range"),
    (("convention", "V_rest_absolute", -70.0), "V_rest_absolute"),
    (("gates", "m", "alpha", "A", 1.1), "alpha_m: spec/model.toml's form"),
    (("gates", "h", "beta", "V_half", 31.0), "beta_h: spec/model.toml's form"),
    (("gates", "n", "beta", "form", "sigmoid"), "beta_n: spec/model.toml's form"),
    (("channels", "K", "gates", ["n", "n", "n"]), "the conductance G_K"),
    (("exp", "ln2_n_lo", "value", 2.5e-14), "exp ln2_n_lo"),
    (("exp", "expm1_series_max", "value", 0.125), "exp expm1_series_max"),
    (("exp", "table_lo", [0.0] * 64), "exp table_lo"),
    (("methods", "default", "rk4"), "the default method"),
    (("conformance", "float64", "V", 1e-9), "the float64 tolerances"),
    (("spec", "version", "3.2.0"), "the spec version: spec/model.toml says '3.2.0'"),
    (("cable", "radius", "default", 240.0), "cable radius: spec/model.toml says (240.0,"),
    (("cable", "R_i", "min_exclusive", False), "cable R_i: spec/model.toml says"),
    (("cable", "length", "max", 1e9), "cable length: spec/model.toml says"),
    (("cable", "nseg_default", 400), "cable nseg_default: spec/model.toml says 400"),
    (("cable", "temperature_default", 6.3), "cable temperature_default"),
    (("cable", "pi", 3.14159), "cable pi"),
    (("cable", "um_to_cm", 1e-3), "cable um_to_cm"),
])
def test_a_change_in_one_place_only_is_named(model, path_and_value, names):
    found = disagreements(changed(model, *path_and_value))
    assert any(line.startswith(names) for line in found), found
    assert all("spec/model.toml" in line and ("python/pyhh/" in line or "spec/SPEC.md" in line) for line in found)


def test_a_version_in_spec_md_alone_is_named(tmp_path):
    import shutil

    from pyhh.conformance.model_file import SPEC

    shutil.copytree(SPEC, tmp_path / "spec")
    text = (tmp_path / "spec" / "SPEC.md").read_text()
    (tmp_path / "spec" / "SPEC.md").write_text(text.replace(f"Spec version **{pyhh.SPEC_VERSION}**", "Spec version **9.9.9**", 1))
    assert disagreements(spec=tmp_path / "spec") == [
        f"the spec version: spec/model.toml says '{pyhh.SPEC_VERSION}', spec/SPEC.md (its first lines) says '9.9.9'"]


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


def test_the_grader_s_levels_and_statuses_match(model):
    spec = model["conformance"]
    from pyhh.conformance import runner

    assert list(runner.ERROR_LEVELS) == spec["error_levels"]
    assert (runner.STATUS_REJECTED, runner.STATUS_UNSTABLE) == (spec["status_rejected"], spec["status_unstable"])
    assert spec["status_success"] == 0
    for level in ("float64", "float32"):
        assert list(spec[level]) == list(pyhh.COLUMNS)
