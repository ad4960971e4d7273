"""Issue 25, items 3 and 4: what a request costs in memory is counted before it runs, and outputs
are written a piece at a time, so that the count holds."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import pyhh
import pyhh.limits
from pyhh import InvalidInputError
from pyhh.limits import ROW_BYTES

#: Rows of the measured runs: enough that a cost per row shows above the noise, few enough to take a second.
ROWS = 500_000

#: Runs a command in a child and prints the child's peak resident memory in bytes (Linux: ru_maxrss is in KiB).
PEAK = ("import resource, subprocess, sys\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=True)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)")


def peak_memory(*args: str) -> int:
    """The peak resident memory of `python -m pyhh ARGS`, in bytes."""
    done = subprocess.run([sys.executable, "-c", PEAK, sys.executable, "-m", "pyhh", *args],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return int(done.stdout)


def case_file(tmp_path, steps: int):
    path = tmp_path / f"c{steps}.json"
    path.write_text(json.dumps({"name": f"c{steps}", "method": "exp_euler", "dt": 0.01, "steps": steps}))
    return str(path)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ru_maxrss in KiB, as Linux gives it")
@pytest.mark.parametrize("output", ["trace --out", "trace to standard output", "run --csv"])
def test_an_output_costs_no_more_memory_than_its_rows_are_counted(tmp_path, output):
    # Issue 25, item 3: 72 B a row were counted, but `trace --out` peaked at 819 B a row and `run --csv` at 433
    # (both formatted the whole text, or every value as a Python float, at once). Written a piece at a time,
    # the peak above that of a 1-row run stays within the rows' count (measured: 76 and 88 B a row).
    def command(steps: int) -> list[str]:
        if output.startswith("trace"):
            return ["trace", case_file(tmp_path, steps), "--backend", "c"] + (
                ["--out", str(tmp_path / "t.csv")] if output == "trace --out" else [])
        return ["run", "--duration", f"{steps * 0.01:.2f}", "--backend", "c", "--csv", str(tmp_path / "r.csv")]

    base = peak_memory(*command(1))
    grown = peak_memory(*command(ROWS)) - base
    assert grown <= ROWS * ROW_BYTES["c"], f"{grown / ROWS:.0f} B a row, {ROW_BYTES['c']} counted"
