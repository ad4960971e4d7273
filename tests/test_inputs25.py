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
from pyhh.experiments import clamp_family
from pyhh.fi import fi_curve
from pyhh.nmodl import export_nmodl, nmodl

HUGE = 10**400  # an int beyond the double range: float() raises OverflowError


@pytest.mark.parametrize("name, call", [
    ("dt", lambda: pyhh.simulate(None, steps=10, dt=HUGE)),
    ("V0", lambda: pyhh.simulate(None, steps=10, V0=HUGE)),
    ("temperature", lambda: pyhh.simulate(None, steps=10, temperature=HUGE)),
    ("g_K", lambda: pyhh.simulate(None, steps=10, params={"g_K": HUGE})),
    ("spike_threshold", lambda: pyhh.simulate(None, steps=10, spike_threshold=HUGE)),
    ("duration", lambda: pyhh.simulate(None, duration=HUGE)),
    ("pulse stop", lambda: pyhh.simulate([Pulse(0, HUGE, 1)], steps=10)),
    ("pulse amplitude", lambda: pyhh.simulate([Pulse(0, 1, HUGE)], steps=10)),
    ("dt", lambda: pyhh.simulate_batch(current=[0.0, 1.0], steps=10, dt=HUGE)),
    ("dt", lambda: fi_curve([0.0], dt=HUGE)),
    ("duration", lambda: fi_curve([0.0], duration=HUGE)),
    ("levels", lambda: clamp_family([0.0, HUGE])),
])
def test_an_integer_beyond_the_double_range_is_named(name, call):
    with pytest.raises(InvalidInputError, match=f"^{name}"):
        call()


def test_the_message_of_a_huge_integer_is_short():
    with pytest.raises(InvalidInputError) as e:
        pyhh.simulate(None, steps=10, dt=10**5000)  # str() of it would raise ValueError
    assert "beyond the range of a double" in str(e.value) and len(str(e.value)) < 200


@pytest.mark.parametrize("call, message", [
    (lambda: pyhh.simulate(None, steps=10, clamp="false"), "clamp must be True or False, got 'false'"),
    (lambda: pyhh.simulate(None, steps=10, absolute="no"), "absolute must be True or False, got 'no'"),
    (lambda: pyhh.simulate(None, steps=10, clamp=1), "clamp must be True or False, got 1"),
    (lambda: pyhh.simulate_batch(current=[0.0], steps=10, clamp="false"), "clamp must be True or False"),
    (lambda: pyhh.simulate_batch(current=[0.0], steps=10, absolute="no"), "absolute must be True or False"),
    (lambda: fi_curve([0.0], duration=10, transient=1, absolute="no"), "absolute must be True or False"),
    (lambda: clamp_family([0.0], absolute="no"), "absolute must be True or False"),
])
def test_a_switch_is_a_bool(call, message):
    with pytest.raises(InvalidInputError, match=message):
        call()


def test_a_saved_trace_takes_a_bool(tmp_path):
    result = pyhh.simulate(None, steps=10)
    with pytest.raises(InvalidInputError, match="absolute must be True or False"):
        result.to_csv(tmp_path / "x.csv", absolute="no")
    assert list(tmp_path.iterdir()) == []


def saved_trace(folder):
    path = folder / "t.csv"
    pyhh.simulate(None, steps=10).to_csv(path)
    return path, json.loads((folder / "t.csv.json").read_text())


def test_read_csv_refuses_a_column_named_twice(tmp_path):
    (tmp_path / "d.csv").write_text("t,V,V\n0,1,2\n")
    with pytest.raises(InvalidInputError, match="the column 'V' appears twice"):
        pyhh.read_csv(tmp_path / "d.csv")


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


def test_read_csv_reads_numbers_as_pyhh_writes_them(tmp_path):
    (tmp_path / "n.csv").write_text("t,V\n0,1_0\n")
    with pytest.raises(InvalidInputError, match="line 2, column 'V': '1_0' is not a number"):
        pyhh.read_csv(tmp_path / "n.csv")


@pytest.mark.parametrize("suffix, what", [
    ("NEURON", "an NMODL keyword"), ("SUFFIX", "an NMODL keyword"), ("v", "a name NEURON gives"),
    ("hh", "a name NEURON gives"), ("pas", "a name NEURON gives"), ("g_Na", "a name the mechanism uses"),
    ("rates", "a name the mechanism uses"),
])
def test_an_nmodl_suffix_that_clashes_is_refused(tmp_path, suffix, what):
    with pytest.raises(InvalidInputError, match=f"suffix '{suffix}' is {what}"):
        export_nmodl(tmp_path, suffix)
    assert list(tmp_path.iterdir()) == []
    assert "SUFFIX hhspec\n" in nmodl("hhspec")  # any other NEURON name still goes


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
