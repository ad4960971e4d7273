"""Issue 24, item 2: the maintainer's walk of README ("Changing the spec") on a copy of the
repository: change E_L in spec/model.toml alone, then in the reference, then the version, and
run `make golden` after each step. It must refuse at once while the two disagree (naming the
constant, both values and both files), refuse a changed trace under the same major version,
leave golden/ and the generated code as they were when it refuses, and then regenerate both,
saying what changed."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT


def digest(folder: Path) -> str:
    """One hash of every file below folder."""
    h = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        h.update(str(path.relative_to(folder)).encode() + path.read_bytes())
    return h.hexdigest()


@pytest.fixture
def repo(tmp_path) -> Path:
    """A copy of the checkout's files (tracked, and new ones not ignored), without build output."""
    listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"], cwd=ROOT,
                            capture_output=True, check=True).stdout.decode().split("\0")
    copy = tmp_path / "repo"
    for name in filter(None, listed):
        source = ROOT / name
        if source.is_file():
            (copy / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, copy / name)
    return copy


def make_golden(repo: Path) -> subprocess.CompletedProcess:
    """`make golden` in the copy, with this virtual environment and the copy's pyhh."""
    env = os.environ | {"PYTHONPATH": str(repo / "python")}
    return subprocess.run(["make", "-s", "golden", f"VENV={sys.prefix}", "READY=", "TESTS_READY="], cwd=repo, env=env,
                          capture_output=True, text=True, timeout=600)


def replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert text.count(old) == 1, (path, old)
    path.write_text(text.replace(old, new))


def test_the_walk_of_readme_changing_e_l(repo):
    untouched = digest(repo / "golden") + digest(repo / "c") + digest(repo / "js")
    # 1. the model file alone
    replace(repo / "spec" / "model.toml", "default = 10.6\n", "default = 10.613\n")
    done = make_golden(repo)
    assert done.returncode != 0
    for where in ("PARAMETER_TABLE", "class Parameters"):
        assert (f"E_L default: spec/model.toml says 10.613, python/pyhh/reference/parameters.py ({where}) says 10.6"
                in done.stderr), done.stderr
    assert digest(repo / "golden") + digest(repo / "c") + digest(repo / "js") == untouched
    # 2. the reference too: the traces change under 3.x, which spec §12 makes a major version
    parameters = repo / "python" / "pyhh" / "reference" / "parameters.py"
    replace(parameters, '"E_L": (10.6,', '"E_L": (10.613,')
    replace(parameters, "E_L: float = 10.6\n", "E_L: float = 10.613\n")
    done = make_golden(repo)
    assert done.returncode != 0 and "spec §12 needs a new major version" in done.stderr, done.stderr
    assert "Set the version to 4.0.0" in done.stderr and "rest: CHANGED" in done.stderr
    assert digest(repo / "golden") + digest(repo / "c") + digest(repo / "js") == untouched
    # 3. the version, in its three places; 4. one command
    replace(repo / "spec" / "model.toml", 'version = "3.1.0"', 'version = "4.0.0"')
    replace(repo / "spec" / "SPEC.md", "Spec version **3.1.0**", "Spec version **4.0.0**")
    replace(parameters, 'SPEC_VERSION = "3.1.0"', 'SPEC_VERSION = "4.0.0"')
    done = make_golden(repo)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "spec_version: 3.1.0 -> 4.0.0" in done.stdout and "rest: CHANGED from row 0" in done.stdout
    assert "clamp_at_10: CHANGED" in done.stdout and "functions: unchanged" in done.stdout
    assert "wrote c/hh_model_tables.h:" in done.stdout and "10.613" in done.stdout  # the generated files' changed lines
    assert "X(E_L, 10.613)" in (repo / "c" / "hh_model_tables.h").read_text()
    # the new golden data: version 4.0.0, its hashes good, and I_L = g_L (V - E_L) at rest with the new E_L
    check = subprocess.run([sys.executable, "-c", "from pyhh.conformance.golden import load_manifest; load_manifest()"],
                           cwd=repo, env=os.environ | {"PYTHONPATH": str(repo / "python")}, capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    row = (repo / "golden" / "traces" / "rest.csv").read_text().splitlines()[1].split(",")
    assert float(row[7]) == 0.3 * (0.0 - 10.613)
    # a second run finds nothing to do
    again = make_golden(repo)
    assert again.returncode == 0 and "CHANGED" not in again.stdout and "wrote" not in again.stdout
