"""pyhh axon (spec §13): the velocity on HH 1952's axon next to HH's and the measured one, the CSV
through pyhh's atomic saves equal to simulate_cable's V, and bad values refused with status 2."""

from __future__ import annotations

import numpy as np
import pytest

import pyhh
from pyhh.cli import main


def test_axon_prints_spec_13_12s_velocity_beside_hh_1952s(capsys):
    assert main(["axon", "--duration", "4"]) == 0
    out = capsys.readouterr().out
    # §13.12 (an independent vectorised solver): 18.706 m/s on the default discretisation
    assert "conduction velocity 18.706 m/s" in out and "18.8 m/s" in out and "21.2 m/s" in out


def test_axon_writes_the_space_time_csv(tmp_path, capsys):
    path = tmp_path / "axon.csv"
    args = ["axon", "--duration", "1", "--nseg", "20", "--length", "4000", "--record-every", "5", "--csv", str(path)]
    assert main(args) == 0
    table = pyhh.read_csv(path)
    expected = pyhh.simulate_cable(1.0, nseg=20, length=4000.0, record_every=5)
    assert np.array_equal(table["V_10"], expected.V[:, 10]) and np.array_equal(table["t"], expected.t)
    assert table.metadata["velocity"] == expected.velocity and table.metadata["nseg"] == 20


@pytest.mark.parametrize("args, named", [
    (["--nseg", "0"], "nseg"), (["--dt", "-1"], "dt"), (["--radius", "0"], "radius"), (["--R-i", "nan"], "R_i"),
    (["--duration", "0.015"], "duration"), (["--temperature", "99"], "temperature"), (["--set", "g_Q=1"], "g_Q"),
    (["--plot", "x.unknown"], "--plot"), (["--csv", "/nonexistent/folder/x.csv"], "--csv"),
    (["--record-every", "0"], "record_every"), (["--nseg", "1.5"], "1.5"),
])
def test_axon_refuses_a_bad_value_with_status_2(args, named, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    try:
        status = main(["axon", *args])
    except SystemExit as e:  # argparse's own refusals (an option's type)
        status = e.code
    err = capsys.readouterr().err
    assert status == 2 and named in err, err
    assert not list(tmp_path.iterdir())  # nothing written
