"""Shared fixtures: the golden cases and traces, the reference's run of each
case (once per test run), the C programs, and the spec's model file."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, settings

# Property-based tests: a few hundred examples in `make test`, many more in `make fuzz`.
settings.register_profile("default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

#: What `make check` (and so CI) runs beyond `make test`, which sets PYHH_TESTS=core: NEURON,
#: the browser, a dask cluster, a wheel build and the property-based searches (their tools
#: come with the `check` extra or from Debian, and they take most of the suite's time); the
#: tests marked `check` in other files (the aarch64 cross builds) are left out by `-m "not check"`.
CHECK_ONLY_FILES = ["test_neuron.py", "test_web.py", "test_distributed.py", "test_packaging.py",
                    "test_properties.py", "test_fuzz_casefiles.py"]
collect_ignore = CHECK_ONLY_FILES if os.environ.get("PYHH_TESTS") == "core" else []

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "golden"
SPEC = ROOT / "spec"
BUILD = ROOT / "build" / "c"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ports

#: node, which runs the JavaScript port (js/), or None.
NODE = shutil.which("node")


def require_node() -> None:
    """node runs the port: skipped without it on a developer's machine, a failure under CI=true (.ci/run installs it)."""
    if NODE is None:
        if os.environ.get("CI") == "true":
            pytest.fail("node is not installed, and the JavaScript port's tests must run under CI")
        pytest.skip("node is not installed")


def python_reader(path, backend: str = "python") -> tuple[int, str, str]:
    """`pyhh trace PATH` in this process: its exit status, standard output and standard error."""
    import contextlib
    import io

    from pyhh.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["trace", "--backend", backend, str(path)])
    return status, out.getvalue(), err.getvalue()


#: Every golden case, by name (golden/cases/NAME.json, golden/traces/NAME.csv).
CASE_NAMES = sorted(p.stem for p in (GOLDEN / "cases").glob("*.json"))


def golden_case(name: str):
    """The golden case NAME as a pyhh.Case."""
    from pyhh import load_case

    return load_case(GOLDEN / "cases" / f"{name}.json")


def golden_trace(name: str) -> np.ndarray:
    """The golden trace NAME as a (rows, 9) array."""
    from pyhh.conformance.trace import read_trace

    return read_trace(GOLDEN / "traces" / f"{name}.csv")


#: The level the reference, the C port and the JavaScript port reach on every golden case, on
#: every CPU and with every C library: the spec defines its own exp, expm1 and power (§4.1, §11.1).
EXPECTED_LEVEL = "exact"


@pytest.fixture(scope="session")
def model() -> dict:
    """spec/model.toml, parsed."""
    with open(SPEC / "model.toml", "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="session", autouse=True)
def manifest():
    """The golden manifest, its hashes checked before any test compares anything
    (a damaged, missing or unlisted file fails here, naming the file)."""
    from pyhh.conformance.golden import load_manifest

    return load_manifest(GOLDEN)


@pytest.fixture(scope="session")
def reference():
    """reference(NAME): the Python reference's Result for golden case NAME, run
    once per test run however many tests compare against it."""
    import pyhh

    results: dict = {}

    def result(name: str):
        if name not in results:
            results[name] = pyhh.run_case(golden_case(name), "python")
        return results[name]

    return result


@pytest.fixture(scope="session")
def c_programs() -> Path:
    """build/c with the example program and the sanitizer builds, made with the Makefile's own flags."""
    targets = ["build/c/hh_trace", "build/c/hh_trace_asan", "build/c/test_c_api_asan"]
    done = subprocess.run(["make", "-s", *targets], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    return BUILD
