"""Issue 25, item 6: special files hang. A FIFO (or a device) named as an output or as a file
to read is refused at once, with a message that names it and says what it is, never "None".

Every command runs in a child process with a hang guard (`timeout`): if pyhh opened the FIFO
it would wait for a writer forever, and the guard turns that into a failure. The guard is
not a timing assertion: a refusal takes well under a second, the guard is 30 s.

The outputs (`run --csv`, `--spikes`, `--plot`, `clamp --traces`, `trace --out`, `--spikes`)
were already refused before anything runs (pyhh.atomic.check_target): their tests are guards.
read_csv, on a FIFO CSV or sidecar, waited for a writer until this item's change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import GOLDEN

CASE = GOLDEN / "cases" / "staggered_cn_dt_1.json"
HANG_GUARD = 30  # seconds; a refusal is immediate, a FIFO opened for reading waits forever


def child(*args: str, cwd: Path, code: str | None = None) -> subprocess.CompletedProcess:
    """`python -m pyhh ARGS` (or `python -c CODE ARGS`) in `cwd`, stopped by the hang guard."""
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "pyhh", *args]
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=HANG_GUARD,
                              stdin=subprocess.DEVNULL, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    except subprocess.TimeoutExpired:
        pytest.fail(f"{' '.join(args) or code}: still running after {HANG_GUARD} s: it waited on the FIFO or read the device")


def only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


# Outputs: refused before anything runs (guards; already fixed by pyhh.atomic).
@pytest.mark.parametrize("argv", [
    ["run", "--duration", "5", "--csv", "out"],
    ["run", "--duration", "5", "--spikes", "out"],
    ["clamp", "--start", "0", "--stop", "10", "--step-ms", "2", "--traces", "out"],
    ["trace", str(CASE), "--out", "out"],
    ["trace", str(CASE), "--spikes", "out"],
])
def test_a_fifo_output_is_refused_naming_it(tmp_path, argv):
    os.mkfifo(tmp_path / "out")
    done = child(*argv, cwd=tmp_path)
    status = 1 if argv[0] == "trace" else 2  # spec §11.4: pyhh trace's output it cannot write is status 1
    assert done.returncode == status, done.stderr
    assert f"{argv[-2]} out: is a FIFO, not a regular file" in done.stderr, done.stderr
    assert done.stdout == "" and only(tmp_path) == ["out"]


@pytest.mark.parametrize("command", [["run", "--duration", "5"], ["clamp", "--start", "0", "--stop", "10", "--step-ms", "2"]])
def test_a_fifo_figure_is_refused_naming_it_and_why(tmp_path, command):
    os.mkfifo(tmp_path / "fifo.png")
    done = child(*command, "--plot", "fifo.png", cwd=tmp_path)
    assert done.returncode == 2 and "--plot fifo.png: is a FIFO, not a regular file" in done.stderr, done.stderr
    assert "None" not in done.stderr and only(tmp_path) == ["fifo.png"]


# Inputs: read_csv and the other readers of a file a person names.
READ_CSV = "import sys, pyhh\ntry:\n    pyhh.read_csv(sys.argv[1])\nexcept Exception as e:\n    sys.exit(f'{type(e).__name__}: {e}')"


def saved_csv(tmp_path: Path) -> Path:
    """A CSV pyhh wrote, x.csv, without its sidecar."""
    done = child("run", "--duration", "5", "--csv", "x.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (tmp_path / "x.csv.json").unlink()
    return tmp_path / "x.csv"


def test_read_csv_refuses_a_fifo_sidecar(tmp_path):
    saved_csv(tmp_path)
    os.mkfifo(tmp_path / "x.csv.json")
    done = child("x.csv", cwd=tmp_path, code=READ_CSV)
    assert done.returncode == 1, done.stderr
    assert "InvalidInputError: x.csv.json: cannot read the metadata: is a FIFO, not a regular file" in done.stderr


def test_read_csv_refuses_a_fifo_csv(tmp_path):
    os.mkfifo(tmp_path / "x.csv")
    done = child("x.csv", cwd=tmp_path, code=READ_CSV)
    assert done.returncode == 1 and "InvalidInputError: x.csv: cannot read: is a FIFO, not a regular file" in done.stderr


@pytest.mark.parametrize("path, kind", [("/dev/zero", "is a character device"), (".", "is a folder")])
def test_read_csv_refuses_a_device_or_a_folder(tmp_path, path, kind):
    done = child(path, cwd=tmp_path, code=READ_CSV)
    assert done.returncode == 1 and f"InvalidInputError: {path}: cannot read: {kind}, not a regular file" in done.stderr


def test_read_csv_still_reads_a_csv_and_its_sidecar(tmp_path):
    import pyhh

    done = child("run", "--duration", "5", "--csv", "x.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    saved = pyhh.read_csv(tmp_path / "x.csv")
    assert saved.units["t"] == "ms" and len(saved.columns["t"]) > 0


@pytest.mark.parametrize("path, kind", [("fifo", "is a FIFO"), ("/dev/zero", "is a character device")])
def test_a_waveform_that_is_a_fifo_or_a_device_is_refused(tmp_path, path, kind):
    os.mkfifo(tmp_path / "fifo")
    done = child("run", "--waveform", path, cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert f"{path}: cannot read the waveform: {kind}, not a regular file" in done.stderr, done.stderr


def test_a_fifo_golden_trace_or_manifest_is_refused(tmp_path):
    os.mkfifo(tmp_path / "trace.csv")
    os.mkfifo(tmp_path / "MANIFEST.json")
    done = child("trace.csv", cwd=tmp_path, code="import sys\nfrom pyhh.conformance.trace import read_trace\n"
                 "try:\n    read_trace(sys.argv[1])\nexcept Exception as e:\n    sys.exit(str(e))")
    assert done.returncode == 1 and "trace.csv: cannot read trace: is a FIFO, not a regular file" in done.stderr
    done = child(".", cwd=tmp_path, code="import sys\nfrom pyhh.conformance.golden import read_manifest\n"
                 "try:\n    read_manifest(sys.argv[1])\nexcept Exception as e:\n    sys.exit(str(e))")
    assert done.returncode == 1 and "MANIFEST.json: cannot read the manifest: is a FIFO, not a regular file" in done.stderr
