"""Sweeps beyond one machine (issue 15): simulate_batch on a dask.distributed
cluster, two worker processes of a LocalCluster, gives the arrays of a run in
this process, reports its progress, and leaves no process behind."""

from __future__ import annotations

import logging
import subprocess
import sys

import numpy as np
import pytest
from distributed import Client, LocalCluster

import pyhh
from conftest import ROOT


@pytest.fixture(scope="module")
def client():
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None,
                      silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
        yield client
        workers = list(cluster.workers.values())
    assert all(w.status.name == "closed" for w in workers)  # closed with the cluster, no process left


@pytest.mark.parametrize("accuracy", ["exact", "float32"])
def test_a_batch_on_a_local_cluster_equals_a_run_here(client, accuracy):
    n = 2500  # three parts of 1024 neurons
    args = dict(current=np.linspace(0.0, 20.0, n), duration=40.0, accuracy=accuracy, spike_capacity=20,
                record_every=400, params={"g_K": np.linspace(30.0, 40.0, n)})
    seen = []
    remote = pyhh.simulate_batch(**args, executor=client, progress=lambda done, total: seen.append((done, total)))
    here = pyhh.simulate_batch(**args, threads=1)
    assert np.array_equal(remote.spike_counts, here.spike_counts) and remote.spike_counts.sum() > 0
    assert all(np.array_equal(a, b) for a, b in zip(remote.spikes, here.spikes))
    assert np.array_equal(remote.traces, here.traces)
    assert seen == [(1024, n), (2048, n), (n, n)]


def test_the_dask_example_runs():
    done = subprocess.run([sys.executable, str(ROOT / "examples" / "dask_sweep.py"), "local", "3000"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "3000 neurons: repetitive firing from" in done.stdout
    assert "3000 of 3000 neurons" in done.stderr
