"""Issue 25, items 1 and 2: every file pyhh writes is saved whole or not at all (pyhh.atomic),
and a CSV's sidecar never replaces a file pyhh did not write.

A write fails midway in a child process whose file size is limited (RLIMIT_FSIZE, as
`prlimit --fsize` sets it): the file it would have replaced, and its sidecar, must be left
byte for byte, and no temporary file left in the folder."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import pyhh
from conftest import GOLDEN
from pyhh.conformance.trace import write_trace
from pyhh.reference.errors import InvalidInputError

CASE = GOLDEN / "cases" / "staggered_cn_dt_1.json"  # 200 rows, 9 spikes


def pyhh_child(*args: str, cwd: Path, size_limit: int | None = None, umask: int | None = None,
               stdout=subprocess.PIPE, code: str | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    """`python -m pyhh ARGS` (or `python -c CODE`) in `cwd`, with at most `size_limit` bytes in
    any file it writes and the given umask."""

    def limits() -> None:
        if size_limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (size_limit, size_limit))
        if umask is not None:
            os.umask(umask)

    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "pyhh", *args]
    return subprocess.run(command, cwd=cwd, stdout=stdout, stderr=subprocess.PIPE, text=True, timeout=timeout,
                          preexec_fn=limits, env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in `folder` (not below it) with its bytes."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def first_save(tmp_path: Path) -> dict[str, bytes]:
    """A short run saved as good.csv with its sidecar: what a failed save must leave alone."""
    done = pyhh_child("run", "--duration", "5", "--start", "1", "--stop", "4", "--csv", "good.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    before = snapshot(tmp_path)
    assert sorted(before) == ["good.csv", "good.csv.json"]
    return before


# Item 1: a failed save destroys the file it replaces.

def test_a_failed_csv_save_leaves_the_old_csv_and_sidecar(tmp_path):
    before = first_save(tmp_path)  # the reproducer
    done = pyhh_child("run", "--duration", "100", "--csv", "good.csv", cwd=tmp_path, size_limit=100_000)
    assert done.returncode == 2 and "good.csv: cannot write: File too large" in done.stderr, done.stderr
    assert snapshot(tmp_path) == before  # byte for byte, and no temporary file beside them


def test_a_failed_api_save_leaves_the_old_csv_and_sidecar(tmp_path):
    before = first_save(tmp_path)
    code = ("import pyhh\n"
            "try:\n"
            "    pyhh.simulate(10.0, duration=100.0).to_csv('good.csv')\n"
            "except pyhh.InvalidInputError as e:\n"
            "    print(e)\n")
    done = pyhh_child(cwd=tmp_path, size_limit=100_000, code=code)
    assert done.returncode == 0 and "good.csv: cannot write: File too large" in done.stdout, done.stderr
    assert snapshot(tmp_path) == before


@pytest.mark.parametrize("option", ["--out", "--spikes"])
def test_a_failed_trace_save_leaves_the_old_file(tmp_path, option):
    (tmp_path / "old.csv").write_bytes(b"the old file\n")
    done = pyhh_child("trace", str(CASE), option, "old.csv", cwd=tmp_path, size_limit=5)
    # spec §11.4: an output pyhh trace cannot write is status 1 (issue 25, item 13), as C's and JavaScript's
    assert done.returncode == 1 and "old.csv: cannot write: File too large" in done.stderr, done.stderr
    assert snapshot(tmp_path) == {"old.csv": b"the old file\n"}


def test_a_failed_nmodl_export_names_its_file_and_leaves_the_old_one(tmp_path):
    (tmp_path / "pyhh.mod").write_bytes(b"the old mechanism\n")
    done = pyhh_child("export", "nmodl", "--out", ".", cwd=tmp_path, size_limit=1000)
    assert done.returncode == 2 and "pyhh.mod: cannot write: File too large" in done.stderr, done.stderr
    assert snapshot(tmp_path) == {"pyhh.mod": b"the old mechanism\n"}


@pytest.mark.parametrize("name", ["fig.png", "fig.svg"])
def test_a_failed_figure_save_leaves_the_old_figure(tmp_path, name):
    (tmp_path / name).write_bytes(b"the old figure")
    done = pyhh_child("run", "--duration", "5", "--plot", name, cwd=tmp_path, size_limit=20_000)
    assert done.returncode == 2 and f"{name}: cannot write: File too large" in done.stderr, done.stderr
    assert snapshot(tmp_path) == {name: b"the old figure"}


def test_a_figure_keeps_the_format_of_its_suffix(tmp_path):
    done = pyhh_child("run", "--duration", "5", "--plot", "fig.svg", "--csv", "run.csv", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert b"<svg" in (tmp_path / "fig.svg").read_bytes()[:1000]
    assert sorted(snapshot(tmp_path)) == ["fig.svg", "run.csv", "run.csv.json"]


def test_a_failed_golden_run_leaves_the_old_trace_and_manifest(tmp_path):
    (tmp_path / "traces").mkdir()
    (tmp_path / "traces" / "anode_break.csv").write_bytes(b"the old trace\n")  # the first case, 148 kB
    (tmp_path / "MANIFEST.json").write_bytes(b"{}\n")
    done = pyhh_child("golden", "--out", str(tmp_path), cwd=tmp_path, size_limit=100_000)
    assert done.returncode == 2 and "anode_break.csv: cannot write: File too large" in done.stderr, done.stderr
    assert snapshot(tmp_path) == {"MANIFEST.json": b"{}\n"}
    assert snapshot(tmp_path / "traces") == {"anode_break.csv": b"the old trace\n"}


# Outputs that exist and are not regular files, refused before anything runs or is written.

def test_a_folder_in_the_sidecars_place_is_refused_before_the_csv_is_written(tmp_path):
    (tmp_path / "x.csv.json").mkdir()
    done = pyhh_child("run", "--duration", "5", "--csv", "x.csv", cwd=tmp_path)
    assert done.returncode == 2 and "x.csv.json exists and is a folder" in done.stderr, done.stderr
    assert done.stdout == "" and snapshot(tmp_path) == {}  # before the run, and no x.csv
    with pytest.raises(InvalidInputError, match=r"x\.csv\.json exists and is a folder"):
        pyhh.simulate(10.0, duration=5.0).to_csv(tmp_path / "x.csv")
    assert snapshot(tmp_path) == {}


@pytest.mark.parametrize("argv", [["run", "--duration", "5", "--csv", "{}"], ["run", "--duration", "5", "--plot", "{}.png"],
                                  ["fi", "--stop", "10", "--spikes", "{}"], ["clamp", "--traces", "{}"],
                                  ["trace", str(CASE), "--out", "{}"]])
def test_a_fifo_output_is_refused_without_waiting_on_it(tmp_path, argv):
    fifo = tmp_path / ("out.png" if "--plot" in argv else "out")
    os.mkfifo(fifo)
    done = pyhh_child(*[a.replace("{}", "out") for a in argv], cwd=tmp_path, timeout=30)  # opening it would hang
    status = 1 if argv[0] == "trace" else 2  # spec §11.4: pyhh trace's output it cannot write is status 1
    assert done.returncode == status and f"{fifo.name}: is a FIFO, not a regular file" in done.stderr, done.stderr
    assert done.stdout == "" and [p.name for p in tmp_path.iterdir()] == [fifo.name]


def test_a_fifo_in_the_sidecars_place_is_refused_without_waiting_on_it(tmp_path):
    os.mkfifo(tmp_path / "x.csv.json")
    done = pyhh_child("run", "--duration", "5", "--csv", "x.csv", cwd=tmp_path, timeout=30)
    assert done.returncode == 2 and "x.csv.json exists and is a FIFO" in done.stderr, done.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["x.csv.json"]


def test_a_device_is_refused(tmp_path):
    device = "/dev/full"
    done = pyhh_child("run", "--duration", "5", "--csv", device, cwd=tmp_path)
    assert done.returncode == 2 and f"--csv {device}: is a character device" in done.stderr, done.stderr
    assert done.stdout == "" and not Path(device + ".json").exists()
    with pytest.raises(InvalidInputError, match=f"{device}: is a character device"):
        pyhh.simulate(10.0, duration=5.0).spikes_to_csv(device)


def test_a_missing_folder_is_named_with_the_csv(tmp_path):
    with pytest.raises(InvalidInputError, match=r"no/x\.csv: the folder .*no does not exist"):
        pyhh.simulate(10.0, duration=5.0).to_csv(tmp_path / "no" / "x.csv")
    assert snapshot(tmp_path) == {}


@pytest.mark.parametrize("into", ["a pipe", "a regular file"])
def test_dev_stdout_is_refused_and_gets_no_sidecar(tmp_path, into):
    sidecar = Path("/dev/stdout.json")  # what the unfixed code made, when it could write in /dev
    there = sidecar.exists()
    out = open(tmp_path / "out.txt", "w") if into == "a regular file" else subprocess.PIPE
    try:
        done = pyhh_child("run", "--duration", "5", "--csv", "/dev/stdout", cwd=tmp_path, stdout=out)
        assert done.returncode == 2 and "--csv /dev/stdout: is a process's open stream" in done.stderr, done.stderr
        assert there or not sidecar.exists()
        printed = (tmp_path / "out.txt").read_text() if into == "a regular file" else done.stdout
        assert printed == ""  # refused before the run
    finally:
        if out is not subprocess.PIPE:
            out.close()
        if not there:
            sidecar.unlink(missing_ok=True)


# Item 2: the sidecar overwrites files nobody named.

def test_a_json_file_pyhh_did_not_write_is_never_replaced_by_a_sidecar(tmp_path):
    mine = b'{"mine": [1, 2, 3]}\n'
    (tmp_path / "results.json").write_bytes(mine)
    done = pyhh_child("run", "--duration", "5", "--csv", "results", cwd=tmp_path)
    assert done.returncode == 2 and "results.json exists and is not a pyhh sidecar" in done.stderr, done.stderr
    assert done.stdout == "" and snapshot(tmp_path) == {"results.json": mine}
    with pytest.raises(InvalidInputError, match="results.json exists and is not a pyhh sidecar"):
        pyhh.simulate(10.0, duration=5.0).to_csv(tmp_path / "results")
    with pytest.raises(InvalidInputError, match="results.json exists and is not a pyhh sidecar"):
        pyhh.simulate_batch(current=[0.0, 10.0], duration=5.0).to_csv(tmp_path / "results")
    with pytest.raises(InvalidInputError, match="results.json exists and is not a pyhh sidecar"):  # before b.csv
        pyhh.simulate_batch(current=[0.0, 10.0], duration=5.0, spike_capacity=4).to_csv(tmp_path / "b.csv",
                                                                                         tmp_path / "results")
    assert snapshot(tmp_path) == {"results.json": mine}
    (tmp_path / "empty.csv.json").write_bytes(b"")  # not pyhh's either
    with pytest.raises(InvalidInputError, match="empty.csv.json exists and is not a pyhh sidecar"):
        pyhh.simulate(10.0, duration=5.0).to_csv(tmp_path / "empty.csv")


# What a save must still do.

def test_a_save_writes_both_files_and_replaces_an_old_pair(tmp_path):
    first_save(tmp_path)
    result = pyhh.simulate(pyhh.Pulse(1.0, 4.0, 20.0), duration=8.0)
    assert result.to_csv(tmp_path / "good.csv") == tmp_path / "good.csv"  # over pyhh's own sidecar
    saved = pyhh.read_csv(tmp_path / "good.csv")
    assert np.array_equal(saved["V"], result.V) and saved.metadata["what"] == "trace" and saved.units["t"] == "ms"
    assert sorted(snapshot(tmp_path)) == ["good.csv", "good.csv.json"]
    done = pyhh_child("run", "--duration", "5", "--spikes", "s.csv", "--csv", "good.csv", cwd=tmp_path)
    assert done.returncode == 0 and "wrote good.csv" in done.stdout, done.stderr
    assert len(pyhh.read_csv(tmp_path / "good.csv")["t"]) == 500 and pyhh.read_csv(tmp_path / "s.csv").what == "spikes"
    assert sorted(snapshot(tmp_path)) == ["good.csv", "good.csv.json", "s.csv", "s.csv.json"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_new_files_have_the_permissions_the_umask_gives(tmp_path, umask):
    done = pyhh_child("run", "--duration", "5", "--csv", "run.csv", "--plot", "run.png", cwd=tmp_path, umask=umask)
    assert done.returncode == 0, done.stderr
    done = pyhh_child("trace", str(CASE), "--out", "trace.csv", cwd=tmp_path, umask=umask)
    assert done.returncode == 0, done.stderr
    for name in ("run.csv", "run.csv.json", "run.png", "trace.csv"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o666 & ~umask, name


def test_a_replaced_file_keeps_its_permissions(tmp_path):
    path = tmp_path / "trace.csv"
    path.write_bytes(b"old\n")
    path.chmod(0o640)
    write_trace(path, [[0.0] * 9])
    assert path.read_bytes().startswith(b"t,V,") and stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_pair_is_renamed_only_when_both_files_are_complete(tmp_path):
    from pyhh.atomic import write_files

    first, second = tmp_path / "a.csv", tmp_path / "a.csv.json"
    first.write_text("old a\n")
    second.write_text("old b\n")

    def half_then_interrupt(f):
        f.write("half of b")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):  # not an OSError: it goes through as it is
        write_files([(first, lambda f: f.write("new a\n")), (second, half_then_interrupt)])
    assert snapshot(tmp_path) == {"a.csv": b"old a\n", "a.csv.json": b"old b\n"}
    write_files([(first, lambda f: f.write("new a\n")), (second, lambda f: f.write("new b\n"))])
    assert snapshot(tmp_path) == {"a.csv": b"new a\n", "a.csv.json": b"new b\n"}
