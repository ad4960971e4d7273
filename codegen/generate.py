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
import math
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

#: §4.2: the C expression of each rate form, given the reduced voltage x.
FORMS = {
    "exponential": "{A} * exp({x})",
    "exp_linear": "{A} / exprel({x})",
    "sigmoid": "{A} / (exp({x}) + 1.0)",
}

#: The other two forms in the fast kernel, given E = exp(x).
FAST_FORMS = {
    "exponential": "{A} * {E}",
    "sigmoid": "{A} / ({E} + 1.0)",
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


def rate_forms(model: dict) -> list[tuple[str, dict]]:
    """§4.4's order: (name, form) for alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n."""
    return [(f"{which}_{gate}", model["gates"][gate][which]) for gate in ("m", "h", "n") for which in ("alpha", "beta")]


def rate_functions(model: dict) -> list[dict[str, str]]:
    """§4.3: name, form and C expression of each of the six rates."""
    return [
        {
            "name": name,
            "form": form["form"],
            "expression": FORMS[form["form"]].format(A=c_double(form["A"]), x=reduced_voltage(form["V_half"], form["s"])),
        }
        for name, form in rate_forms(model)
    ]


def fast_rate_plan(model: dict) -> tuple[list[str], list[dict[str, str]]]:
    """The fast kernel's rates with every exponential computed once.

    Two rates share an exponential when exp((Vh - V)/s) = exp((Vb - V)/s) *
    exp((Vh - Vb)/s) (the same scale s) or exp((Vh - V)/s) = exp((Vh - V)/(j s))^j
    (the same V_half, a scale j <= 4 times larger). The first exp_linear rate
    of a scale gets its own expm1; a later one derives expm1 from it, which
    cancels near its own singularity, so there it uses the series
    x / expm1(x) = 1 - x/2 + x^2/12 - x^4/720 + x^6/30240 (|x| < 0.01,
    truncation below 1e-22). Returns the C statements that compute the
    shared values, and each rate's expression.
    """
    lines: list[str] = []
    bases: list[tuple[str, float, float]] = []  # (C expression of exp(x), V_half, s)
    expressions: dict[str, str] = {}
    forms = rate_forms(model)

    def shared(V_half: float, s: float) -> str | None:
        for base, base_V_half, base_s in bases:
            if base_s == s:
                return f"{c_double(math.exp((V_half - base_V_half) / s))} * {base}"
            if base_V_half == V_half and base_s % s == 0 and base_s // s <= 4:
                return " * ".join([base] * int(base_s // s))
        return None

    for name, f in forms:
        if f["form"] != "exp_linear":
            continue
        x, em1, A = f"x_{name}", f"em1_{name}", c_double(f["A"])
        lines.append(f"double {x} = {reduced_voltage(f['V_half'], f['s'])};")
        E = shared(f["V_half"], f["s"])
        if E is None:
            lines.append(f"{x} = {x} == 0.0 ? 1e-300 : {x}; /* x / expm1(x) is 1 at 0 */")
            lines.append(f"double {em1} = fast_expm1({x});")
            bases.append((f"({em1} + 1.0)", f["V_half"], f["s"]))
            expressions[name] = f"{A} * {x} / {em1}"
        else:
            lines.append(f"double {em1} = {E} - 1.0;")
            expressions[name] = f"{A} * x_over_expm1({x}, {em1})"
    for name, f in sorted((nf for nf in forms if nf[1]["form"] != "exp_linear"), key=lambda nf: -nf[1]["s"]):
        E = shared(f["V_half"], f["s"])
        if E is None:
            E = f"e_{name}"
            lines.append(f"double {E} = fast_exp({reduced_voltage(f['V_half'], f['s'])});")
            bases.append((E, f["V_half"], f["s"]))
        expressions[name] = FAST_FORMS[f["form"]].format(A=c_double(f["A"]), E=E)
    return lines, [{"name": name, "expression": expressions[name]} for name, _ in forms]


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
        range_check(name, f"p->{name}", p["min"], p["max"], p.get("min_exclusive", False), p["unit"])
        for name, p in params.items()
    ]
    checks.append(range_check("temperature", "temperature", t["min"], t["max"], False, "degC"))
    checks.append(range_check("V0", "V0", s["V0_min"], s["V0_max"], False, "mV"))
    fast_lines, fast_rates = fast_rate_plan(model)
    return {
        "spec_version": model["spec"]["version"],
        "params": [{"name": n, "default": c_double(p["default"]), "unit": p["unit"], "doc": p["doc"]} for n, p in params.items()],
        "Q10": c_double(t["Q10"]),
        "T_base": c_double(t["T_base"]),
        "temperature_default": c_double(t["default"]),
        "V0_default": c_double(s["V0_default"]),
        "spike_threshold_default": c_double(s["spike_threshold_default"]),
        "V_rest_absolute": c_double(model["convention"]["V_rest_absolute"]),
        "rates_exact": rate_functions(model),
        "fast_rate_lines": fast_lines,
        "fast_rates": fast_rates,
        "fast_exp_count": sum("fast_exp" in line for line in fast_lines),  # fast_expm1 included
        "channels": channels(model),
        "dV_numerator": " - ".join(["I_stim"] + [f"I.I_{name}" for name in model["channels"]]),
        "ionic_sum": " + ".join(f"I.I_{name}" for name in model["channels"]),
        "range_checks": checks,
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
