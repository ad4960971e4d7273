"""Render every generated target from spec/model.toml: the C port's model
(c/pyhh.h, c/hh_model_tables.h, c/hh_model.h, c/hh_model_fast.h,
c/hh_model_float32.h, c/hh_exp_constants.h), the NEURON mechanism
(python/pyhh/nmodl/pyhh.mod) and the JavaScript port (js/pyhh.mjs, with
js/spec_methods.mjs, the methods' steps of SPEC.md §7 for the web page's step
panel).

    python codegen/generate.py            # write c/, js/ and the NEURON mechanism
    python codegen/generate.py --check    # exit 1 if any is not what would be written

What comes from where. This script reads the model file and computes every C
snippet that depends on the model: the literal of each constant, each rate's
expression from its form (§4.2), the state's fields (V and the gates), each
channel's conductance product and current, the sums of the currents and of
the conductances, the parameter fields and their defaults, the accepted
ranges, the methods' enum, and the fast kernel's plan of shared exponentials.
The templates only place those snippets: no constant of the model and no
gate, channel or channel parameter is named in a template
(tests/test_codegen.py checks both). What the templates do hold is what the
spec states for every model of this shape: the gate equation (§5.4), the
membrane equation (§5.3, with V and C_m), the methods' steps (§7), the
recording and the spike rule (§8.2, §9), and the public C API.

C: model generated, engine written by hand. The generated headers hold only
what the model decides: hh_model_tables.h its parameters, state variables,
methods, ranges and defaults as X-macro tables; hh_model.h its types and one
function per spec step, in the spec's operation order, rendered from the
jinja2 macro of model.c.j2 once per kernel (hh_model.h with the spec's exp for
the exact kernel, hh_model_fast.h and hh_model_float32.h with the vectorisable
one of c/hh_fast_math.h). The engine is plain C that a reader can open,
compile and step through: c/pyhh.c (checks, defaults, hh_run, hh_run_batch)
and c/hh_core.h (the run loop of §8.1, written once and compiled with each
model header by c/pyhh_exact.c, c/pyhh_fast.c and c/pyhh_fast32.c). Every file
is compiled with -Wall -Wextra -pedantic -Werror and run under the sanitizers
by the tests.

The JavaScript port is a second language from the same snippets (in
JavaScript's syntax, js_context): one ES module, js/pyhh.mjs, with the model,
the methods, the run and the checks, which node (js/hh_trace.mjs) and the web
page (web/) both import. Its step panel shows each method's steps as SPEC.md
words them; js/spec_methods.mjs carries that text, cut from SPEC.md §7 here, so
that the page cannot drift from the spec either.
"""

from __future__ import annotations

import argparse
import difflib
import json
import math
import re
import sys
import tomllib
from pathlib import Path

import jinja2

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "spec" / "model.toml"
SPEC = ROOT / "spec" / "SPEC.md"
TEMPLATES = Path(__file__).resolve().parent / "templates"
#: (template, kernel) of each generated file: the model functions are rendered for each kernel.
OUTPUTS = {
    ROOT / "c" / "pyhh.h": ("pyhh.h.j2", "exact"),
    ROOT / "c" / "hh_exp_constants.h": ("hh_exp_constants.h.j2", "exact"),
    ROOT / "c" / "hh_model_tables.h": ("hh_model_tables.h.j2", "exact"),
    ROOT / "c" / "hh_model.h": ("hh_model.h.j2", "exact"),
    ROOT / "c" / "hh_model_fast.h": ("hh_model.h.j2", "fast"),
    ROOT / "c" / "hh_model_float32.h": ("hh_model.h.j2", "float32"),
    ROOT / "python" / "pyhh" / "nmodl" / "pyhh.mod": ("pyhh.mod.j2", "exact"),
    ROOT / "js" / "pyhh.mjs": ("pyhh.mjs.j2", "exact"),
    ROOT / "js" / "exp_constants.mjs": ("exp_constants.mjs.j2", "exact"),
    ROOT / "js" / "spec_methods.mjs": ("spec_methods.mjs.j2", "exact"),
    ROOT / "js" / "cable_constants.mjs": ("cable_constants.mjs.j2", "exact"),
}

#: What a kernel changes in the model functions: the C type, the suffix of literals and of the
#: float versions of hh_fast_math.h's functions, the parameters' struct, the names of exp and
#: exprel, the header's include guard, and the argument the fast exprel uses at 0 (a normal
#: number of the type).
PRECISIONS = {
    "exact": {"real": "double", "f": "", "params_type": "hh_params", "kernel": "exact", "exp_name": "hh_exp",
              "exprel": "hh_exprel", "guard": "HH_MODEL_H", "tiny": "1e-300"},
    "fast": {"real": "double", "f": "", "params_type": "hh_params", "kernel": "fast", "exp_name": "fast_exp",
             "exprel": "exprel", "guard": "HH_MODEL_FAST_H", "tiny": "1e-300"},
    "float32": {"real": "float", "f": "f", "params_type": "hh_params32", "kernel": "float32", "exp_name": "fast_expf",
                "exprel": "exprelf", "guard": "HH_MODEL_FLOAT32_H", "tiny": "1e-20f"},
}

#: The NMODL mechanism's SUFFIX in the committed file; `pyhh export nmodl` replaces it.
NMODL_SUFFIX = "pyhh"

#: §4.2: the C expression of each rate form, given the reduced voltage x and the name of exp
#: (the spec's own: hh_exp in the C port, exp of js/exact_math.mjs in JavaScript; NEURON's exp
#: in the NMODL mechanism).
FORMS = {
    "exponential": "{A} * {exp}({x})",
    "exp_linear": "{A} / {exprel}({x})",
    "sigmoid": "{A} / ({exp}({x}) + 1.0)",
}

#: The other two forms in the fast kernel, given E = exp(x).
FAST_FORMS = {
    "exponential": "{A} * {E}",
    "sigmoid": "{A} / ({E} + 1.0{f})",
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


def fast_reduced_voltage(V_half: float, s: float, f: str = "") -> str:
    """x = (V_half - V) / s as the fast kernel computes it: times 1 / s (one rounding more, no division)."""
    scale = c_double(1.0 / s) + f
    if V_half == 0.0:
        return f"V * -{scale}"
    return f"({c_double(V_half)}{f} - V) * {scale}"


def rate_forms(model: dict) -> list[tuple[str, dict]]:
    """§4.4's order: (name, form) for alpha_m, beta_m, alpha_h, beta_h, alpha_n, beta_n."""
    return [(f"{which}_{gate}", model["gates"][gate][which]) for gate in model["gates"] for which in ("alpha", "beta")]


def rate_functions(model: dict, exp: str, exprel: str = "exprel") -> list[dict[str, str]]:
    """§4.3: name, form and C expression of each of the six rates, with `exp` and `exprel` the names of
    §4.1's exp and exprel."""
    return [
        {
            "name": name,
            "form": form["form"],
            "expression": FORMS[form["form"]].format(A=c_double(form["A"]), x=reduced_voltage(form["V_half"], form["s"]),
                                                     exp=exp, exprel=exprel),
        }
        for name, form in rate_forms(model)
    ]


def fast_rate_plan(model: dict, precision: str = "exact") -> tuple[list[str], list[dict[str, str]]]:
    """The fast kernel's rates with every exponential computed once.

    Two rates share an exponential when exp((Vh - V)/s) = exp((Vb - V)/s) *
    exp((Vh - Vb)/s) (the same scale s) or exp((Vh - V)/s) = exp((Vh - V)/(j s))^j
    (the same V_half, a scale j <= 4 times larger). The first exp_linear rate
    of a scale gets its own expm1; a later one derives expm1 from it, which
    cancels near its own singularity, so there it uses the series
    x / expm1(x) = 1 - x/2 + x^2/12 - x^4/720 + x^6/30240 (|x| < 0.01,
    truncation below 1e-22). Returns the C statements that compute the
    shared values, and each rate's expression, in `precision` (PRECISIONS).
    """
    real, f, tiny = (PRECISIONS[precision][key] for key in ("real", "f", "tiny"))
    lines: list[str] = []
    bases: list[tuple[str, float, float]] = []  # (C expression of exp(x), V_half, s)
    expressions: dict[str, str] = {}
    forms = rate_forms(model)

    def shared(V_half: float, s: float) -> str | None:
        for base, base_V_half, base_s in bases:
            if base_s == s:
                return f"{c_double(math.exp((V_half - base_V_half) / s))}{f} * {base}"
            if base_V_half == V_half and base_s % s == 0 and base_s // s <= 4:
                return " * ".join([base] * int(base_s // s))
        return None

    for name, form in forms:
        if form["form"] != "exp_linear":
            continue
        x, em1, A = f"x_{name}", f"em1_{name}", c_double(form["A"]) + f
        lines.append(f"{real} {x} = {fast_reduced_voltage(form['V_half'], form['s'], f)};")
        E = shared(form["V_half"], form["s"])
        if E is None:
            lines.append(f"{x} = {x} == 0.0{f} ? {tiny} : {x}; /* x / expm1(x) is 1 at 0 */")
            lines.append(f"{real} {em1} = fast_expm1{f}({x});")
            bases.append((f"({em1} + 1.0{f})", form["V_half"], form["s"]))
            expressions[name] = f"{A} * {x} / {em1}"
        else:
            lines.append(f"{real} {em1} = {E} - 1.0{f};")
            expressions[name] = f"{A} * x_over_expm1{f}({x}, {em1})"
    for name, form in sorted((nf for nf in forms if nf[1]["form"] != "exp_linear"), key=lambda nf: -nf[1]["s"]):
        E = shared(form["V_half"], form["s"])
        if E is None:
            E = f"e_{name}"
            lines.append(f"{real} {E} = fast_exp{f}({fast_reduced_voltage(form['V_half'], form['s'], f)});")
            bases.append((E, form["V_half"], form["s"]))
        expressions[name] = FAST_FORMS[form["form"]].format(A=c_double(form["A"]) + f, E=E, f=f)
    return lines, [{"name": name, "expression": expressions[name]} for name, _ in forms]


def left_to_right(operator: str, terms: list[str]) -> str:
    """terms joined by operator with the spec's explicit parentheses: ((a - b) - c) - d."""
    expression = terms[0]
    for term in terms[1:]:
        expression = f"({expression}) {operator} {term}" if " " in expression else f"{expression} {operator} {term}"
    return expression


def pairwise_sum(terms: list[str]) -> str:
    """terms summed in pairs, (a + b) + (c + d), so that the additions do not wait on each other."""
    while len(terms) > 2:
        terms = [f"({' + '.join(terms[i:i + 2])})" if i + 1 < len(terms) else terms[i] for i in range(0, len(terms), 2)]
    return " + ".join(terms)


def channels(model: dict) -> list[dict[str, str]]:
    """§5.1-5.2: each channel's conductance product (left to right) and reversal potential."""
    return [
        {"G": f"G_{name}", "I": f"I_{name}", "E": channel["E"],
         "product": left_to_right("*", [f"p->{channel['g']}", *(f"y.{gate}" for gate in channel["gates"])])}
        for name, channel in model["channels"].items()
    ]


def range_check(name: str, value: str, low: float, high: float, low_excluded: bool, unit: str) -> dict[str, str]:
    """§8.4: one row of hh_model_tables.h's HH_RANGES: a value's name, its C expression, its accepted
    range and its unit (the engine words the messages as pyhh/reference/checks.py does)."""
    return {"name": name, "value": value, "low": c_double(low), "low_excluded": int(bool(low_excluded)),
            "high": c_double(high), "unit": unit}


#: §4.1: the C macro of each scalar constant of the model file's [exp] table, and what it is.
EXP_SCALARS = {
    "x_over": ("HH_EXP_X_OVER", "§4.1.3-4.1.4: above it, exp and expm1 are +inf."),
    "x_under": ("HH_EXP_X_UNDER", "§4.1.3: below it, exp is +0."),
    "expm1_x_min": ("HH_EXPM1_X_MIN", "§4.1.4: below it, expm1 is -1."),
    "expm1_series_max": ("HH_EXPM1_SERIES_MAX", "§4.1.4: expm1 by its series where |x| is at most this."),
    "shifter": ("HH_EXP_SHIFTER", "§4.1.1: 1.5 * 2^52: (z + it) - it rounds z to an integer."),
    "splitter": ("HH_EXP_SPLITTER", "§4.1.1: 2^27 + 1, Veltkamp's splitter."),
    "inv_ln2_n": ("HH_EXP_INV_LN2_N", "§4.1.2: N / ln 2."),
    "ln2_n_hi": ("HH_EXP_LN2_N_HI", "§4.1.2: ln 2 / N to 36 bits."),
    "ln2_n_lo": ("HH_EXP_LN2_N_LO", "§4.1.2: the rest of ln 2 / N."),
}


def exact_constant(value: float, hex_text: str) -> dict[str, str]:
    """One constant of §4.1 as the model file writes it twice: its decimal and its hexadecimal
    float, which must be the same double; the C literal is the hexadecimal one (C99)."""
    if float.fromhex(hex_text) != value:
        raise ValueError(f"model.toml: {hex_text} is not the double {value!r}")
    return {"value": "%.17g" % value, "hex": float(value).hex() if value >= 0 else f"({float(value).hex()})",
            "js": c_double(value)}


def exp_context(model: dict) -> dict:
    """§4.1: the constants of exp and expm1 (the model file's [exp]) as the templates place them."""
    e = model["exp"]
    lists = {name: [exact_constant(v, h) for v, h in zip(e[name], e[name + "_hex"], strict=True)]
             for name in ("exp_poly", "expm1_poly", "table_hi", "table_lo")}
    return {
        "table_size": e["table_size"],
        "scalars": [{"name": key, "macro": macro, "js_name": key.upper(), "doc": doc,
                     **exact_constant(e[key]["value"], e[key]["hex"])}
                    for key, (macro, doc) in EXP_SCALARS.items()],
        "exp_poly": lists["exp_poly"],
        "expm1_poly": lists["expm1_poly"],
        # the tables as C's hexadecimal literals and as JavaScript's decimals, in rows of 3 by the templates
        **{name: [c["hex"] for c in lists[name]] for name in ("table_hi", "table_lo")},
        **{name + "_js": [c["js"] for c in lists[name]] for name in ("table_hi", "table_lo")},
    }


def c_integer(value: int) -> str:
    """An int64_t constant: a power of two as a shift, so that 2^53 reads as 2^53."""
    if value > 0 and value & (value - 1) == 0:
        return f"((int64_t)1 << {value.bit_length() - 1})"
    return f"INT64_C({value})"


def context(model: dict, precision: str = "exact") -> dict:
    """Everything the templates place, computed from the model file, for a precision (PRECISIONS)."""
    params = model["parameters"]
    t = model["temperature"]
    s = model["settings"]
    gates = list(model["gates"])
    state = ["V", *gates]
    chans = channels(model)
    checks = [
        range_check(name, f"p->{name}", p["min"], p["max"], p.get("min_exclusive", False), p["unit"])
        for name, p in params.items()
    ]
    checks.append(range_check("temperature", "temperature", t["min"], t["max"], False, "degC"))
    checks.append(range_check("V0", "V0", s["V0_min"], s["V0_max"], False, "mV"))
    fast_lines, fast_rates = fast_rate_plan(model, precision)
    methods = model["methods"]["names"]
    ionic_sum = left_to_right("+", [f"I.{ch['I']}" for ch in chans])
    columns = ["t", *state, *(ch["I"] for ch in chans), "I_stim"]
    recorded = ["(double)k * dt", *(f"y.{x}" for x in state), *(f"I.{ch['I']}" for ch in chans),
                f"clamp ? {ionic_sum} : u"]
    return PRECISIONS[precision] | cable_context(model) | {
        "spec_version": model["spec"]["version"],
        "params": [{"name": n, "default": c_double(p["default"]), "unit": p["unit"], "doc": p["doc"]} for n, p in params.items()],
        "Q10": c_double(t["Q10"]),
        "ln_Q10_hi": exact_constant(t["ln_Q10_hi"]["value"], t["ln_Q10_hi"]["hex"]),
        "ln_Q10_lo": exact_constant(t["ln_Q10_lo"]["value"], t["ln_Q10_lo"]["hex"]),
        "exp": exp_context(model),
        "T_base": c_double(t["T_base"]),
        "temperature_default": c_double(t["default"]),
        "V0_default": c_double(s["V0_default"]),
        "dt_default": c_double(s["dt_default"]),
        "spike_threshold_default": c_double(s["spike_threshold_default"]),
        "max_integer": c_integer(s["max_integer"]),
        "V_rest_absolute": c_double(model["convention"]["V_rest_absolute"]),
        "rates_exact": rate_functions(model, "hh_exp", "hh_exprel"),
        "rate_names": [name for name, _ in rate_forms(model)],
        "fast_rate_lines": fast_lines,
        "fast_rates": fast_rates,
        "fast_exp_count": sum("fast_exp" in line for line in fast_lines),  # fast_expm1 included
        "gates": gates,
        "state": state,
        "state_list": ", ".join(state),
        "derivative_list": ", ".join(f"d{x}/dt" for x in state),
        "finite_state": " && ".join(f"isfinite(y.{x})" for x in state),
        "state_sum": pairwise_sum([f"y.{x}" for x in state]),
        "channels": chans,
        "G_total": left_to_right("+", [f"G.{ch['G']}" for ch in chans]),
        "dV_numerator": left_to_right("-", ["I_stim", *(f"I.{ch['I']}" for ch in chans)]),
        "ionic_sum": ionic_sum,
        "membrane_equation": " - ".join(["I_stim", *(ch["I"] for ch in chans)]),
        "columns": columns,
        "recorded": recorded,
        "ranges": checks,
        "batch_arrays": [*params, "temperature", "V0"],
        "methods": [{"name": m, "enum": f"HH_{m.upper()}"} for m in methods],
        "method_names": ", ".join(f'"{m}"' for m in methods),
        "staggered_test": " || ".join(f"(method) == HH_{m.upper()}" for m in model["methods"]["staggered"]),
        "spike_bisections": s["spike_bisections"],
        "method_list": ", ".join(methods),
        "default_method": f"HH_{model['methods']['default'].upper()}",
    }


def cable_geometry(cable: dict) -> list[dict]:
    """§13.1: each geometry value of the model file's [cable] table (radius, R_i, length): its
    name, default and accepted range as literals (C's and JavaScript's are the same), its unit
    and doc; `excluded` says whether the minimum itself is refused."""
    return [{"name": name, "default": c_double(g["default"]), "min": c_double(g["min"]), "max": c_double(g["max"]),
             "excluded": bool(g.get("min_exclusive", False)), "unit": g["unit"], "doc": g["doc"]}
            for name, g in cable.items() if isinstance(g, dict)]


def cable_context(model: dict) -> dict:
    """§13: the cable's constants (the model file's [cable] table) as the C port places them: its
    geometry's defaults and accepted ranges, the segments' default and largest count, its default
    temperature, pi and the unit conversions of §13.3."""
    c = model["cable"]
    geometry = [{"name": g["name"], "default": g["default"], "low": g["min"], "low_excluded": int(g["excluded"]),
                 "high": g["max"], "unit": g["unit"], "doc": g["doc"]} for g in cable_geometry(c)]
    return {
        "cable_geometry": geometry,
        "cable_nseg_default": c_integer(c["nseg_default"]),
        "cable_nseg_max": c_integer(c["nseg_max"]),
        "cable_temperature_default": c_double(c["temperature_default"]),
        "cable_pi": c_double(c["pi"]),
        "cable_um_to_cm": c_double(c["um_to_cm"]),
        "cable_nA_to_uA": c_double(c["nA_to_uA"]),
        "cable_mS_per_S": c_double(c["mS_per_S"]),
    }


def nmodl_context(model: dict) -> dict:
    """What the NMODL template places: the channels' parameters (C_m is NEURON's cm),
    currents and conductance products, and each gate's rate expressions (§4.3)."""
    params = model["parameters"]
    rates = {r["name"]: r["expression"] for r in rate_functions(model, "exp")}
    channel_params = [name for ch in model["channels"].values() for name in (ch["g"], ch["E"])]
    nmodl_channels = [
        {"i": f"i_{name}", "E": ch["E"], "product": left_to_right("*", [ch["g"], *ch["gates"]])}
        for name, ch in model["channels"].items()
    ]
    return {
        "nmodl_suffix": NMODL_SUFFIX,
        "nmodl_parameters": [{"name": n, "default": c_double(params[n]["default"]), "unit": params[n]["unit"].replace("^", ""),
                              "doc": params[n]["doc"]} for n in params if n in channel_params],
        "nmodl_range": ", ".join([*(n for n in params if n in channel_params), "V_rest",
                                  *(ch["i"] for ch in nmodl_channels)]),
        "nmodl_channels": nmodl_channels,
        "nmodl_currents": ", ".join(ch["i"] for ch in nmodl_channels),
        "nmodl_gates": [{"name": x, "alpha": rates[f"alpha_{x}"], "beta": rates[f"beta_{x}"]} for x in model["gates"]],
    }


def js_string_list(names) -> str:
    """A JavaScript array's items: "a", "b"."""
    return ", ".join(f'"{name}"' for name in names)


def method_sections(spec_text: str, model: dict) -> list[dict[str, str]]:
    """§7.1-7.5 as the page's step panel shows them: each method's section of SPEC.md,
    from its heading to the paragraph on its order of accuracy (which ends the steps)."""
    sections = []
    for name in model["methods"]["names"]:
        match = re.search(rf"^### (7\.\d) `{name}`: (.*)$", spec_text, flags=re.M)
        if match is None:
            raise ValueError(f"SPEC.md has no section for method {name!r}")
        body = spec_text[match.end():].split("\n### ", 1)[0]
        paragraphs = []
        for paragraph in body.strip().split("\n\n"):
            if re.match(r"(First|Second|Fourth) order", paragraph):
                break
            paragraphs.append(paragraph)
        sections.append({"name": name, "section": "§" + match.group(1), "title": match.group(2),
                         "text": json.dumps("\n\n".join(paragraphs), ensure_ascii=False)})
    return sections


def js_context(model: dict, spec_text: str) -> dict:
    """What the JavaScript templates place (js/pyhh.mjs, js/spec_methods.mjs): the same
    snippets as the C context, in JavaScript's syntax."""
    params = model["parameters"]
    s = model["settings"]
    t = model["temperature"]
    chans = [
        {"G": f"G_{name}", "I": f"I_{name}", "E": channel["E"],
         "product": left_to_right("*", [f"p.{channel['g']}", *(f"y.{gate}" for gate in channel["gates"])])}
        for name, channel in model["channels"].items()
    ]
    state = ["V", *model["gates"]]
    ionic_sum = left_to_right("+", [f"I.{ch['I']}" for ch in chans])
    return {
        "js_columns": js_string_list(["t", *state, *(ch["I"] for ch in chans), "I_stim"]),
        "js_state": js_string_list(state),
        "js_gates": js_string_list(model["gates"]),
        "js_methods": js_string_list(model["methods"]["names"]),
        "js_staggered": js_string_list(model["methods"]["staggered"]),
        "js_default_method": model["methods"]["default"],
        "js_params": [{"name": n, "default": c_double(p["default"]), "min": c_double(p["min"]), "max": c_double(p["max"]),
                       "min_exclusive": "true" if p.get("min_exclusive", False) else "false", "unit": p["unit"],
                       "doc": p["doc"]} for n, p in params.items()],
        "js_temperature_min": c_double(t["min"]),
        "js_temperature_max": c_double(t["max"]),
        "js_V0_min": c_double(s["V0_min"]),
        "js_V0_max": c_double(s["V0_max"]),
        "js_max_integer": f"2 ** {s['max_integer'].bit_length() - 1}" if s["max_integer"] & (s["max_integer"] - 1) == 0
                          else str(s["max_integer"]),
        "js_rates": rate_functions(model, "exp"),  # the spec's exp of js/exact_math.mjs; the syntax is C's
        "js_channels": chans,
        "js_recorded": ["k * dt", *(f"y.{x}" for x in state), *(f"I.{ch['I']}" for ch in chans),
                        f"clamp ? {ionic_sum} : u"],
        "js_finite_state": " && ".join(f"Number.isFinite(y.{x})" for x in state),
        "js_method_sections": method_sections(spec_text, model),
        "cable": js_cable_context(model["cable"]),
    }


def js_cable_context(cable: dict) -> dict:
    """§13: the model file's [cable] table as JavaScript places it: its numbers, and the geometry's ranges."""
    out = {name: c_double(value) if isinstance(value, float) else str(value)
           for name, value in cable.items() if not isinstance(value, dict)}
    out["geometry"] = [g | {"min_exclusive": "true" if g["excluded"] else "false"} for g in cable_geometry(cable)]
    return out


def environment() -> jinja2.Environment:
    """The templates' jinja2 environment: undefined names are errors, blocks leave no blank lines."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render() -> dict[Path, str]:
    """The text of every generated file."""
    with open(MODEL, "rb") as f:
        model = tomllib.load(f)
    env = environment()
    shared = nmodl_context(model) | js_context(model, SPEC.read_text())
    return {path: env.get_template(name).render(context(model, precision) | shared)
            for path, (name, precision) in OUTPUTS.items()}


#: How many lines of each generated file's diff `make codegen` prints.
DIFF_LINES = 24


def what_changed(path: Path, current: str, text: str) -> str:
    """The generated file's change for the maintainer: its changed lines (at most DIFF_LINES of the diff)."""
    diff = [line for line in difflib.unified_diff(current.splitlines(), text.splitlines(), lineterm="", n=0)
            if not line.startswith(("---", "+++"))]
    changed = sum(line[:1] in "+-" and not line.startswith("@@") for line in diff)
    shown = "\n".join(f"    {line}" for line in diff[:DIFF_LINES])
    more = f"\n    ... and {len(diff) - DIFF_LINES} more lines of diff" if len(diff) > DIFF_LINES else ""
    return f"wrote {path.relative_to(ROOT)}: {changed} line(s) changed\n{shown}{more}"


def disagreements() -> list[str]:
    """Where spec/model.toml and the reference's copies of its constants differ (pyhh.conformance.model_file)."""
    sys.path.insert(0, str(ROOT / "python"))  # this checkout's pyhh, whichever is installed
    from pyhh.conformance.model_file import disagreements as compare

    return compare(spec=ROOT / "spec")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report whether the generated files are up to date")
    args = parser.parse_args(argv)
    wrong = disagreements()
    if wrong:
        print("spec/model.toml and the reference disagree; nothing was written:", file=sys.stderr)
        for line in wrong:
            print(f"  {line}", file=sys.stderr)
        print("Make them agree (the model file is where a constant is defined), then run `make codegen` again.",
              file=sys.stderr)
        return 1
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
            print(what_changed(path, current, text))
    if args.check and stale:
        print(f"{stale} generated file(s) out of date: run `make codegen`", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
