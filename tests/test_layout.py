"""The layout shows the architecture: pyhh/reference is the spec in code and
needs nothing but the standard library; its § table names real functions that
cite their sections; the public names stay importable from pyhh."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys

import pytest

import pyhh
import pyhh.reference
from conftest import GOLDEN, ROOT, golden_trace

REFERENCE = ROOT / "python" / "pyhh" / "reference"


def imports(path) -> list[tuple[str, int]]:
    """(module, relative level) of every import in a file."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, 0) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            found.append((node.module or "", node.level))
    return found


@pytest.mark.parametrize("path", sorted(REFERENCE.glob("*.py")), ids=lambda p: p.name)
def test_the_reference_imports_only_the_standard_library_and_itself(path):
    for module, level in imports(path):
        if level == 0:
            assert module.split(".")[0] in sys.stdlib_module_names, f"{path.name} imports {module}"
        else:
            assert level == 1, f"{path.name} imports from outside pyhh/reference: {'.' * level}{module}"


def test_a_copy_of_the_reference_runs_a_golden_case_with_nothing_else_installed(tmp_path):
    # The folder alone, under another name, with numpy and pyhh made unimportable.
    shutil.copytree(REFERENCE, tmp_path / "hhref")
    script = (
        "import sys, json\n"
        "sys.path.insert(0, '.')\n"
        "sys.modules['numpy'] = None\n"
        "sys.modules['pyhh'] = None\n"
        "from hhref.case import Case\n"
        "from hhref.parameters import Parameters\n"
        "from hhref.run import run\n"
        "from hhref.stimulus import Stimulus, StepPulse\n"
        f"c = json.load(open({str(GOLDEN / 'cases' / 'single_spike.json')!r}))\n"
        "pulses = tuple(StepPulse(**p) for p in c['stimulus']['pulses'])\n"
        "case = Case(method=c['method'], dt=c['dt'], steps=c['steps'], record_every=c.get('record_every', 1),\n"
        "            params=Parameters(**c.get('parameters', {})), stimulus=Stimulus(pulses))\n"
        "print(json.dumps(run(case).rows))\n"
    )
    done = subprocess.run([sys.executable, "-I", "-c", script], cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    import json

    assert json.loads(done.stdout) == golden_trace("single_spike").tolist()


def section_table() -> list[tuple[str, list[str]]]:
    """(section, [module.name, ...]) for each row of the table in the reference's docstring."""
    rows = []
    for line in pyhh.reference.__doc__.splitlines():
        match = re.match(r"\s+(\d+(?:\.\d+)*)\s{2,}.+?\s{2,}(\w+\.\w+(?:, \w+\.\w+)*)$", line)
        if match:
            rows.append((match.group(1), match.group(2).split(", ")))
    return rows


def test_the_section_table_names_real_functions_that_cite_their_section():
    import importlib

    rows = section_table()
    assert len(rows) >= 20
    for section, names in rows:
        for name in names:
            module, attribute = name.split(".")
            thing = getattr(importlib.import_module(f"pyhh.reference.{module}"), attribute)
            if callable(thing) and not isinstance(thing, type):
                assert (thing.__doc__ or "").startswith(f"§{section}"), f"{name} does not cite §{section}"


def test_every_reference_step_function_is_in_the_table():
    import inspect

    listed = {name for _, names in section_table() for name in names}
    for module in ("parameters", "exponential", "rates", "currents", "stimulus", "methods", "run", "case", "checks",
                   "cable"):
        mod = __import__(f"pyhh.reference.{module}", fromlist=["_"])
        for name, thing in vars(mod).items():
            if inspect.isfunction(thing) and thing.__module__ == mod.__name__ and (thing.__doc__ or "").startswith("§"):
                section = thing.__doc__.split(":")[0].split()[0]
                assert f"{module}.{name}" in listed, f"{module}.{name} ({section}) is missing from the table"


def test_the_public_names_are_importable_from_pyhh():
    for name in pyhh.__all__:
        assert getattr(pyhh, name) is not None, name
    assert {"simulate", "simulate_batch", "fi_curve", "run_case", "load_case", "Case", "Result", "Pulse",
            "HHModel", "Simulation", "InvalidInputError", "NumericalInstabilityError"} <= set(pyhh.__all__)
