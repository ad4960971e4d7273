"""Shared fixtures: the golden folder, its manifest, and the spec's model file."""

from __future__ import annotations

import os
import sys
import tomllib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Property-based tests: a few hundred examples in `make test`, many more in `make fuzz`.
settings.register_profile("default", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("fuzz", max_examples=5000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "golden"
SPEC = ROOT / "spec"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ports


def same_platform_as_golden() -> bool:
    """The golden traces are bit-exact only where exp, expm1 and pow round as where they were made (spec §11.1)."""
    from pyhh.conformance.golden import made_on, this_platform

    return made_on(GOLDEN) == this_platform()


#: The level the reference and the C port must reach on every golden case here.
EXPECTED_LEVEL = "exact" if same_platform_as_golden() else "float64"


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
