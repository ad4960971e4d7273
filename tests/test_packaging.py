"""An installed pyhh (a wheel, outside the checkout) carries the golden data and the spec
with it, and `pyhh conform` works there on the same hashes (the checkout's copies are the
only source: the wheel copies them at build time)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import zipfile

import pytest

from conftest import GOLDEN, ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory, c_programs):
    """The wheel built from this checkout, installed into a folder of its own."""
    wheels, site = tmp_path_factory.mktemp("wheels"), tmp_path_factory.mktemp("site")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(wheels)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    (wheel,) = wheels.glob("pyhh-*.whl")
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return wheel, site


def test_the_wheel_carries_golden_spec_and_the_mechanism(installed):
    wheel, _ = installed
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in sorted(GOLDEN.rglob("*")):
        if path.is_file():
            packed = f"pyhh/data/golden/{path.relative_to(GOLDEN).as_posix()}"
            assert packed in names, packed
            assert hashlib.sha256(zipfile.ZipFile(wheel).read(packed)).digest() == hashlib.sha256(path.read_bytes()).digest()
    assert {"pyhh/data/spec/SPEC.md", "pyhh/data/spec/model.toml", "pyhh/nmodl/pyhh.mod"} <= names


def test_conform_runs_outside_the_checkout(installed, c_programs, tmp_path):
    _, site = installed
    env = dict(os.environ, PYTHONPATH=str(site))
    where = subprocess.run([sys.executable, "-c", "import pyhh.conformance.golden as g; print(g.DEFAULT_GOLDEN)"],
                           cwd=tmp_path, env=env, capture_output=True, text=True)
    assert where.stdout.strip() == str(site / "pyhh" / "data" / "golden"), where.stdout + where.stderr
    done = subprocess.run([sys.executable, "-m", "pyhh", "conform", "--", str(c_programs / "hh_trace")],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert "Error handling: strict" in done.stdout and "Conformance level: " in done.stdout
