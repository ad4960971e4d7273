"""Shared fixtures: the golden folder, its manifest, and the spec's model file."""

from __future__ import annotations

import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "golden"
SPEC = ROOT / "spec"
sys.path.insert(0, str(Path(__file__).resolve().parent))  # tests/ports


@pytest.fixture(scope="session")
def model() -> dict:
    """spec/model.toml, parsed."""
    with open(SPEC / "model.toml", "rb") as f:
        return tomllib.load(f)


@pytest.fixture(scope="session")
def manifest():
    from pyhh.golden import load_manifest

    return load_manifest(GOLDEN)
