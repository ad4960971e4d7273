"""spec/model.toml against the code that spells its constants out for readability.

Every constant of the model lives in spec/model.toml; the reference (and the grader's
tolerances) write the same values out so that a porter can read them beside the spec.
`disagreements` lists every place where the two differ, each naming the constant, both
values and both files, so that `make golden` and `make codegen` refuse at once after a
change made in one place only (rather than reporting every trace "unchanged", or
failing dozens of tests with the one cause buried among them). tests/test_spec_file.py
runs it and shows that it sees a change of each kind.
"""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path
from typing import Any

from ..reference import cable, checks, currents, exponential, parameters, rates
from ..reference.case import DEFAULT_METHOD, METHODS, STAGGERED
from . import grading

#: The checkout's spec/ (or, installed, the copy the package carries).
SPEC = Path(__file__).resolve().parents[3] / "spec"
if not (SPEC / "model.toml").is_file():
    SPEC = Path(__file__).resolve().parents[1] / "data" / "spec"

#: Where each module of the code keeps its copy, as a maintainer would open it.
FILES = {module: f"python/pyhh/{module.__name__.removeprefix('pyhh.').replace('.', '/')}.py"
         for module in (cable, checks, exponential, parameters, rates, grading)}

#: Voltages at which each rate of the reference is compared with its form in the model file.
VOLTAGES = (-200.0, -100.0, -12.0, -1e-9, 0.0, 1e-9, 10.0, 25.0, 30.0, 60.0, 115.0, 500.0,
            math.nextafter(10.0, 0.0), math.nextafter(25.0, 99.0))


def load_model(spec: Path = SPEC) -> dict:
    """spec/model.toml, parsed."""
    with open(Path(spec) / "model.toml", "rb") as f:
        return tomllib.load(f)


def spec_header_version(spec: Path = SPEC) -> str | None:
    """The version SPEC.md's first lines state ("Spec version **X**")."""
    match = re.search(r"Spec version \*\*([^*]+)\*\*", (Path(spec) / "SPEC.md").read_text(encoding="utf-8")[:2000])
    return match.group(1) if match else None


class Comparison:
    """Collects the disagreements between the model file and one copy in the code."""

    def __init__(self) -> None:
        self.found: list[str] = []

    def same(self, what: str, in_model: Any, in_code: Any, where: str) -> None:
        """One constant: the model file's value against the code's copy in `where`."""
        if in_model != in_code:
            self.found.append(f"{what}: spec/model.toml says {in_model!r}, {where} says {in_code!r}")


def rate_from_form(form: dict, V: float) -> float:
    """A rate evaluated from its model-file form (§4.2), with the reference's exp and exprel."""
    x = (form["V_half"] - V) / form["s"]
    if form["form"] == "exponential":
        return form["A"] * exponential.exp(x)
    if form["form"] == "exp_linear":
        return form["A"] / rates.exprel(x)
    if form["form"] == "sigmoid":
        return form["A"] / (exponential.exp(x) + 1.0)
    raise ValueError(f"unknown rate form {form['form']!r}")


def disagreements(model: dict | None = None, spec: Path = SPEC) -> list[str]:
    """Every constant whose value in spec/model.toml differs from the code's copy (empty if none)."""
    model = load_model(spec) if model is None else model
    c = Comparison()
    version = model["spec"]["version"]
    c.same("the spec version", version, parameters.SPEC_VERSION, f"{FILES[parameters]} (SPEC_VERSION)")
    c.same("the spec version", version, spec_header_version(spec), "spec/SPEC.md (its first lines)")
    # §3.1: the parameters, in the table and as the Parameters dataclass's defaults
    c.same("the parameters", list(model["parameters"]), list(parameters.PARAMETER_TABLE), FILES[parameters])
    defaults = parameters.Parameters()
    for name, entry in model["parameters"].items():
        if name not in parameters.PARAMETER_TABLE:
            continue
        default, low, high, low_excluded, unit = parameters.PARAMETER_TABLE[name]
        where = f"{FILES[parameters]} (PARAMETER_TABLE)"
        c.same(f"{name} default", entry["default"], default, where)
        c.same(f"{name} default", entry["default"], getattr(defaults, name, None), f"{FILES[parameters]} (class Parameters)")
        c.same(f"{name} min", entry["min"], low, where)
        c.same(f"{name} max", entry["max"], high, where)
        c.same(f"{name} min_exclusive", entry.get("min_exclusive", False), low_excluded, where)
        c.same(f"{name} unit", entry["unit"], unit, where)
    # §3.2, §6.1, §9 and the settings
    t, s = model["temperature"], model["settings"]
    c.same("temperature default", t["default"], parameters.TEMPERATURE_DEFAULT, FILES[parameters])
    c.same("temperature range", (t["min"], t["max"]), parameters.TEMPERATURE_RANGE, FILES[parameters])
    c.same("T_base", t["T_base"], rates.T_BASE, FILES[rates])
    c.same("Q10", t["Q10"], rates.Q10, FILES[rates])
    c.same("ln_Q10_hi", t["ln_Q10_hi"]["value"], rates.LN_Q10_HI, FILES[rates])
    c.same("ln_Q10_lo", t["ln_Q10_lo"]["value"], rates.LN_Q10_LO, FILES[rates])
    c.same("V0_default", s["V0_default"], parameters.V0_DEFAULT, FILES[parameters])
    c.same("V0 range", (s["V0_min"], s["V0_max"]), parameters.V0_RANGE, FILES[parameters])
    c.same("spike_threshold_default", s["spike_threshold_default"], parameters.SPIKE_THRESHOLD_DEFAULT, FILES[parameters])
    c.same("spike_bisections", s["spike_bisections"], parameters.SPIKE_BISECTIONS, FILES[parameters])
    c.same("dt_default", s["dt_default"], parameters.DT_DEFAULT, FILES[parameters])
    c.same("max_integer", s["max_integer"], checks.MAX_INTEGER, FILES[checks])
    c.same("V_rest_absolute", model["convention"]["V_rest_absolute"], parameters.V_REST_ABSOLUTE, FILES[parameters])
    # §4: each rate of the reference against its form, at voltages across every branch
    for gate, pair in model["gates"].items():
        for which in ("alpha", "beta"):
            name = f"{which}_{gate}"
            function = getattr(rates, name, None)
            if function is None:
                c.found.append(f"{name}: spec/model.toml has it, {FILES[rates]} has no function {name}")
                continue
            for V in VOLTAGES:
                if function(V) != rate_from_form(pair[which], V):
                    c.found.append(f"{name}: spec/model.toml's form {pair[which]} gives {rate_from_form(pair[which], V)!r} "
                                   f"at V = {V!r}, {FILES[rates]} gives {function(V)!r}")
                    break
    # §5.1: each channel's conductance product, on a state where every gate differs
    y = currents.State(0.0, 0.3, 0.7, 0.45)
    for (name, channel), G in zip(model["channels"].items(), currents.conductances(y, defaults)):
        expected = model["parameters"][channel["g"]]["default"]
        for gate in channel["gates"]:
            expected = expected * getattr(y, gate)
        c.same(f"the conductance G_{name}", expected, G, "python/pyhh/reference/currents.py (conductances)")
    # §4.1: the constants of exp and expm1
    e = model["exp"]
    c.same("exp table_size", e["table_size"], exponential.N, FILES[exponential])
    for key in ("x_over", "x_under", "expm1_x_min", "expm1_series_max", "shifter", "splitter", "inv_ln2_n",
                "ln2_n_hi", "ln2_n_lo"):
        c.same(f"exp {key}", e[key]["value"], getattr(exponential, key.upper()), FILES[exponential])
    c.same("exp exp_poly", e["exp_poly"], [exponential.C2, exponential.C3, exponential.C4, exponential.C5,
                                           exponential.C6], FILES[exponential])
    c.same("exp expm1_poly", e["expm1_poly"], [getattr(exponential, f"D{k}", None) for k in range(3, 3 + len(e["expm1_poly"]))],
           FILES[exponential])
    c.same("exp table_hi", e["table_hi"], list(exponential.TABLE_HI), FILES[exponential])
    c.same("exp table_lo", e["table_lo"], list(exponential.TABLE_LO), FILES[exponential])
    # §7: the methods
    m = model["methods"]
    c.same("the methods", m["names"], list(METHODS), "python/pyhh/reference/case.py")
    c.same("the staggered methods", m["staggered"], list(STAGGERED), "python/pyhh/reference/case.py")
    c.same("the default method", m["default"], DEFAULT_METHOD, "python/pyhh/reference/case.py")
    # §11: the grader's levels and tolerances
    k = model["conformance"]
    c.same("the conformance levels", k["levels"], list(grading.LEVELS), FILES[grading])
    c.same("spike_time_tolerance", k["spike_time_tolerance"], grading.SPIKE_TIME_TOLERANCE, FILES[grading])
    c.same("manifest_spike_tolerance_float64", k["manifest_spike_tolerance_float64"],
           grading.MANIFEST_SPIKE_TOLERANCE_FLOAT64, FILES[grading])
    for level in ("float64", "float32"):
        c.same(f"the {level} tolerances", k[level], grading.TOLERANCES[level], FILES[grading])
    cable_constants(model["cable"], c)
    return c.found


def cable_constants(table: dict, c: Comparison) -> None:
    """§13: the cable's geometry, its ranges and the discretisation's constants."""
    where = f"{FILES[cable]} (CABLE_TABLE)"
    c.same("the cable's geometry", [k for k, v in table.items() if isinstance(v, dict)], list(cable.CABLE_TABLE), where)
    for name, (default, low, high, unit) in cable.CABLE_TABLE.items():
        entry = table.get(name, {})
        c.same(f"cable {name}", (entry.get("default"), entry.get("min"), entry.get("max"), entry.get("min_exclusive"),
                                 entry.get("unit")), (default, low, high, True, unit), where)
    for key, value in (("temperature_default", cable.CABLE_TEMPERATURE_DEFAULT), ("nseg_default", cable.NSEG_DEFAULT),
                       ("nseg_max", cable.NSEG_MAX), ("pi", cable.PI), ("um_to_cm", cable.UM_TO_CM),
                       ("nA_to_uA", cable.NA_TO_UA), ("mS_per_S", cable.MS_PER_S)):
        c.same(f"cable {key}", table[key], value, FILES[cable])
