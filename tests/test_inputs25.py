"""Issue 25, items 5 and 13: input that raised Python's own exceptions (OverflowError,
TypeError, RecursionError) or was accepted silently is refused with pyhh's error,
naming the value, before anything runs."""

from __future__ import annotations

import json
import shutil

import pytest

import pyhh
from pyhh import InvalidInputError, Pulse
from pyhh.conformance import update
from pyhh.nmodl import nmodl

HUGE = 10**400  # an int beyond the double range: float() raises OverflowError


# The reproducers that are a call with JSON values (an integer beyond the double range for dt, V0, temperature,
# g_K, spike_threshold, duration, batch dt, fi_curve's dt and duration, clamp_family's levels; a string or an
# int for a bool; read_csv of a column named twice or of 1_0; an NMODL suffix that clashes) are data:
# tests/attacks/api.json. Here: what needs objects of pyhh's, or checks more than a message.

@pytest.mark.parametrize("name, call", [
    ("pulse stop", lambda: pyhh.simulate([Pulse(0, HUGE, 1)], steps=10)),
    ("pulse amplitude", lambda: pyhh.simulate([Pulse(0, 1, HUGE)], steps=10)),
])
def test_an_integer_beyond_the_double_range_is_named(name, call):
    with pytest.raises(InvalidInputError, match=f"^{name}"):
        call()


def test_the_message_of_a_huge_integer_is_short():
    with pytest.raises(InvalidInputError) as e:
        pyhh.simulate(None, steps=10, dt=10**5000)  # str() of it would raise ValueError
    assert "beyond the range of a double" in str(e.value) and len(str(e.value)) < 200


def test_a_saved_trace_takes_a_bool(tmp_path):
    result = pyhh.simulate(None, steps=10)
    with pytest.raises(InvalidInputError, match="absolute must be True or False"):
        result.to_csv(tmp_path / "x.csv", absolute="no")
    assert list(tmp_path.iterdir()) == []


def saved_trace(folder):
    path = folder / "t.csv"
    pyhh.simulate(None, steps=10).to_csv(path)
    return path, json.loads((folder / "t.csv.json").read_text())


@pytest.mark.parametrize("columns, message", [
    (["t", "V"], '"columns" must be an object'),
    ({"t": 1}, '"columns" must be an object'),
    ({"t": "ms", "V": "mV"}, "its columns do not match t.csv's header: 9 columns in the CSV, 2 in the sidecar"),
    (None, '"columns" must be an object'),
])
def test_read_csv_refuses_a_sidecar_that_does_not_match(tmp_path, columns, message):
    path, sidecar = saved_trace(tmp_path)
    sidecar["columns"] = columns
    (tmp_path / "t.csv.json").write_text(json.dumps(sidecar))
    with pytest.raises(InvalidInputError, match=message):
        pyhh.read_csv(path)


def test_read_csv_refuses_a_renamed_column(tmp_path):
    path, sidecar = saved_trace(tmp_path)
    sidecar["columns"] = {("X" if name == "V" else name): unit for name, unit in sidecar["columns"].items()}
    (tmp_path / "t.csv.json").write_text(json.dumps(sidecar))
    with pytest.raises(InvalidInputError, match="the CSV's column 'V' where the sidecar has 'X'"):
        pyhh.read_csv(path)


def test_read_csv_refuses_a_deep_sidecar(tmp_path):
    path, sidecar = saved_trace(tmp_path)
    (tmp_path / "t.csv.json").write_text('{"format": "%s", "x": %s}' % (sidecar["format"], "[" * 100000 + "]" * 100000))
    with pytest.raises(InvalidInputError, match="nested too deeply"):
        pyhh.read_csv(path)


def test_read_csv_still_reads_a_csv_and_its_sidecar(tmp_path, monkeypatch):
    # Issue 25, item 6: read_csv refuses a FIFO, a device or a folder (tests/attacks/api.json); a CSV pyhh
    # wrote, and its sidecar, it still reads.
    from pyhh.cli import main

    monkeypatch.chdir(tmp_path)
    assert main(["run", "--duration", "5", "--csv", "x.csv"]) == 0
    saved = pyhh.read_csv(tmp_path / "x.csv")
    assert saved.units["t"] == "ms" and len(saved.columns["t"]) > 0


def test_the_default_nmodl_suffix_is_written():
    # The suffixes NEURON or nrnivmodl would refuse are refused (tests/attacks/api.json); any other goes.
    assert "SUFFIX hhspec\n" in nmodl("hhspec")


def small_regenerate(golden, new):
    """A stand-in for golden.regenerate (the real one runs every case): a trace and a manifest."""
    (new / "traces").mkdir(parents=True)
    (new / "traces" / "rest.csv").write_text("t\n0.0\n")
    (new / "MANIFEST.json").write_text("{}\n")
    return ["rest: new"]


def test_a_golden_out_that_fails_as_it_is_put_in_place_leaves_nothing(tmp_path, monkeypatch):
    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(update, "regenerate", small_regenerate)
    monkeypatch.setattr(update.os, "rename", no_space)  # the last step (the code before: copying file by file)
    monkeypatch.setattr(shutil, "copy2", no_space)
    with pytest.raises(OSError):
        update.update_golden(out=tmp_path / "new")
    assert list(tmp_path.iterdir()) == []  # no new/traces without its manifest, no temporary folder


def test_a_golden_out_goes_in_whole(tmp_path, monkeypatch):
    monkeypatch.setattr(update, "regenerate", small_regenerate)
    assert update.update_golden(out=tmp_path / "new") == ["rest: new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new"]
    assert (tmp_path / "new" / "traces" / "rest.csv").is_file() and (tmp_path / "new" / "MANIFEST.json").is_file()


def folder_holding(out, name, folder):
    """`out`, a folder whose `name` is a folder (folder=True) or a file."""
    (out / name).mkdir(parents=True) if folder else (out.mkdir(), (out / name).write_text(""))
    return out


@pytest.mark.parametrize("make, message", [
    (lambda out: folder_holding(out, "MANIFEST.json", True), "MANIFEST.json: exists and is a folder"),
    (lambda out: folder_holding(out, "functions.csv", True), "functions.csv: exists and is a folder"),
    (lambda out: folder_holding(out, "traces", False), "traces: exists and is not a folder"),
    (lambda out: (out.write_text(""), out)[1], "out: exists and is not a folder"),
    (lambda out: out / "missing" / "out", "the folder .*missing does not exist"),
])
def test_a_golden_out_that_cannot_take_the_set_is_refused_before_the_run(tmp_path, monkeypatch, make, message):
    out = make(tmp_path / "out")
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    monkeypatch.setattr(update, "regenerate", small_regenerate)
    with pytest.raises(InvalidInputError, match=message):
        update.update_golden(out=out)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
