"""A sweep on a dask.distributed cluster: the f-I curve of 20,000 neurons.

    python examples/dask_sweep.py [SCHEDULER] [NEURONS]

SCHEDULER is a dask scheduler's address (tcp://host:8786) to run on a real
cluster; without one (or with "local") the example starts a LocalCluster of two
worker processes on this machine. pyhh.simulate_batch sends parts of 1024
neurons to the cluster through its Client (any concurrent.futures-style
executor works) and merges them in order, so the result is the same array as
a run on this machine; progress(done, n) reports each part as it comes back.
Every worker needs pyhh installed (the same version).
"""

from __future__ import annotations

import sys

import numpy as np
from distributed import Client, LocalCluster

import pyhh


def sweep(client: Client, n: int) -> pyhh.BatchResult:
    """n neurons from 0 to 20 uA/cm^2, 500 ms each, float64 fast mode, on the cluster."""
    def progress(done: int, total: int) -> None:
        print(f"\r{done} of {total} neurons", end="", file=sys.stderr, flush=True)

    result = pyhh.simulate_batch(current=np.linspace(0.0, 20.0, n), duration=500.0, accuracy="fast",
                                 executor=client, progress=progress)
    print(file=sys.stderr)
    return result


def main(argv: list[str]) -> int:
    address = argv[1] if len(argv) > 1 and argv[1] != "local" else None
    n = int(argv[2]) if len(argv) > 2 else 20_000
    if address is None:
        with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            result = sweep(client, n)
    else:
        with Client(address) as client:
            result = sweep(client, n)
    currents = np.linspace(0.0, 20.0, n)
    onset = currents[np.argmax(result.spike_counts > 2)]
    print(f"{n} neurons: repetitive firing from {onset:.3f} uA/cm^2; "
          f"at 20 uA/cm^2 {result.firing_rates[-1]:.1f} Hz")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
