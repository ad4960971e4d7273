"""Render the C port (c/pyhh.h, c/pyhh.c) from spec/model.toml and the templates.

All the logic lives here: this script turns the model file into ready C
snippets (literals, rate expressions, conductance products, range checks), so
that the templates only place them. No constant or formula is typed into a
template.

    python codegen/generate.py            # write c/
    python codegen/generate.py --check    # exit 1 if c/ is not what would be written
"""

from __future__ import annotations

import argparse
import difflib
import sys
import tomllib
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "spec" / "model.toml"
TEMPLATES = Path(__file__).resolve().parent / "templates"
OUTPUTS = {
    "pyhh.h.j2": ROOT / "c" / "pyhh.h",
    "pyhh.c.j2": ROOT / "c" / "pyhh.c",
    "pyhh_fast.c.j2": ROOT / "c" / "pyhh_fast.c",
}

#: §4.2: the C expression of each rate form, given the reduced voltage x and the exp function.
FORMS = {
    "exponential": "{A} * {exp}({x})",
    "exp_linear": "{A} / exprel({x})",
    "sigmoid": "{A} / ({exp}({x}) + 1.0)",
}


def c_double(value: float) -> str:
    """A C double literal that reads back as exactly `value` (repr is the shortest such)."""
    text = repr(float(value))
    if text in ("inf", "-inf", "nan"):
        raise ValueError(f"{value!r} has no C literal")
    return text


def reduced_voltage(V_half: float, s: float) -> str:
    """§4.2: x = (V_half - V) / s, written -V / s when V_half is 0 (the same double)."""
    if V_half == 0.0:
        return f"-V / {c_double(s)}"
    return f"({c_double(V_half)} - V) / {c_double(s)}"


def rate_functions(model: dict, exp: str) -> list[dict[str, str]]:
    """§4.3: name, form and C expression of each of the six rates, in §4.4's order."""
    rates = []
    for gate in ("m", "h", "n"):
        for which in ("alpha", "beta"):
            form = model["gates"][gate][which]
            x = reduced_voltage(form["V_half"], form["s"])
            rates.append({
                "name": f"{which}_{gate}",
                "form": form["form"],
                "expression": FORMS[form["form"]].format(A=c_double(form["A"]), x=x, exp=exp),
            })
    return rates


def channels(model: dict) -> list[dict[str, str]]:
    """§5.1-5.2: each channel's conductance product and reversal potential."""
    out = []
    for name, channel in model["channels"].items():
        factors = [f"p->{channel['g']}"] + [f"y.{gate}" for gate in channel["gates"]]
        out.append({"G": f"G_{name}", "I": f"I_{name}", "E": channel["E"], "product": " * ".join(factors)})
    return out


def range_check(name: str, value: str, low: float, high: float, low_excluded: bool, unit: str) -> dict[str, str]:
    """§8.4: one accepted-range test on the C expression `value`, and its message."""
    low_test = "<=" if low_excluded else "<"
    bracket = "(" if low_excluded else "["
    return {
        "value": value,
        "fails": f"!isfinite({value}) || {value} {low_test} {c_double(low)} || {value} > {c_double(high)}",
        "message": f"{name} = %.17g {unit} is not finite or outside the accepted range {bracket}{low:g}, {high:g}]",
    }


def context(model: dict) -> dict:
    """Everything the templates place, computed from the model file."""
    params = model["parameters"]
    t = model["temperature"]
    s = model["settings"]
    checks = [
        range_check(name, f"c->params.{name}", p["min"], p["max"], p.get("min_exclusive", False), p["unit"])
        for name, p in params.items()
    ]
    checks.append(range_check("temperature", "c->temperature", t["min"], t["max"], False, "degC"))
    checks.append(range_check("V0", "c->V0", s["V0_min"], s["V0_max"], False, "mV"))
    batch_checks = [
        range_check(name, f"b->{name}[i]", p["min"], p["max"], p.get("min_exclusive", False), p["unit"])
        for name, p in params.items()
    ]
    batch_checks.append(range_check("temperature", "b->temperature[i]", t["min"], t["max"], False, "degC"))
    batch_checks.append(range_check("V0", "b->V0[i]", s["V0_min"], s["V0_max"], False, "mV"))
    return {
        "spec_version": model["spec"]["version"],
        "params": [{"name": n, "default": c_double(p["default"]), "unit": p["unit"], "doc": p["doc"]} for n, p in params.items()],
        "Q10": c_double(t["Q10"]),
        "T_base": c_double(t["T_base"]),
        "temperature_default": c_double(t["default"]),
        "V0_default": c_double(s["V0_default"]),
        "spike_threshold_default": c_double(s["spike_threshold_default"]),
        "V_rest_absolute": c_double(model["convention"]["V_rest_absolute"]),
        "rates_exact": rate_functions(model, "exp"),
        "rates_fast": rate_functions(model, "fast_exp"),
        "channels": channels(model),
        "dV_numerator": " - ".join(["I_stim"] + [f"I.I_{name}" for name in model["channels"]]),
        "ionic_sum": " + ".join(f"I.I_{name}" for name in model["channels"]),
        "range_checks": checks,
        "batch_range_checks": batch_checks,
        "batch_arrays": [*params, "temperature", "V0"],
        "methods": [{"name": m, "enum": f"HH_{m.upper()}"} for m in model["methods"]["names"]],
    }


def render() -> dict[Path, str]:
    """The text of every generated file."""
    with open(MODEL, "rb") as f:
        model = tomllib.load(f)
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    ctx = context(model)
    return {path: env.get_template(name).render(ctx) for name, path in OUTPUTS.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether c/ is up to date")
    args = parser.parse_args(argv)
    stale = 0
    for path, text in render().items():
        current = path.read_text() if path.exists() else ""
        if current == text:
            continue
        if args.check:
            stale += 1
            diff = difflib.unified_diff(current.splitlines(), text.splitlines(), str(path), "generated", lineterm="")
            print("\n".join(list(diff)[:40]))
        else:
            path.write_text(text)
            print(f"wrote {path.relative_to(ROOT)}")
    if args.check and stale:
        print(f"{stale} generated file(s) out of date: run `make codegen`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
