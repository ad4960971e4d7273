"""Ctrl-C stops a long C run (issue 17, row 4): the C runs watch a cancel flag,
Python sets it on KeyboardInterrupt, and no thread is left running.

Each run below would take a minute or more (most of them hours) if the
interrupt were ignored. Measured on a
2-core Xeon: the CLI exits 0.03 to 0.05 s after SIGINT. The tests allow
STOP_WITHIN seconds, far below the uninterrupted run time, so that a loaded
machine cannot fail them while an ignored Ctrl-C always does.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

import pyhh
from conftest import ROOT
from pyhh.cbackend import ffi, lib

#: Seconds a run may take to stop after SIGINT (an ignored one takes hours).
STOP_WITHIN = 5.0

#: Hours of simulated work at any speed: 10^10 steps of one neuron.
LONG_MS = 1e8


def c_case(steps: int):
    c = ffi.new("hh_case *")
    lib.hh_default_case(c)
    c.steps = steps
    c.record_every = steps
    return c


def test_a_set_flag_stops_hh_run_before_its_first_step():
    c = c_case(10**9)
    rows = np.zeros((1, 9))
    out = ffi.new("hh_output *")
    out.rows = ffi.from_buffer("double[]", rows, require_writable=True)
    out.rows_capacity = 1
    flag = ffi.new("int *", 1)
    out.cancel = flag
    assert lib.hh_run(c, out) == lib.HH_CANCELLED
    assert out.n_rows == 0
    assert ffi.string(out.message) == b"cancelled before step 0"


@pytest.mark.parametrize("accuracy", ["HH_EXACT", "HH_FAST", "HH_FLOAT32"])
def test_a_set_flag_stops_hh_run_batch(accuracy):
    n = 300  # two blocks
    arrays = {name: np.full(n, getattr(pyhh.Parameters(), name)) for name in pyhh.Parameters.__dataclass_fields__}
    arrays["temperature"] = np.full(n, 6.3)
    arrays["V0"] = np.zeros(n)
    b = ffi.new("hh_batch *")
    b.method, b.mode, b.dt, b.steps, b.record_every, b.n, b.spike_threshold = 3, 0, 0.01, 10**9, 10**9, n, 50.0
    for name, values in arrays.items():
        setattr(b, name, ffi.from_buffer("double[]", values))
    counts, fails = np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64)
    out = ffi.new("hh_batch_output *")
    out.spike_counts = ffi.from_buffer("int64_t[]", counts, require_writable=True)
    out.fail_steps = ffi.from_buffer("int64_t[]", fails, require_writable=True)
    out.cancel = ffi.new("int *", 1)
    assert lib.hh_run_batch(b, out, 0, n, getattr(lib, accuracy)) == lib.HH_CANCELLED
    assert ffi.string(out.message) == b"cancelled in neurons 0 .. 255"


def interrupt_after(seconds: float) -> threading.Timer:
    """SIGINT to this process after `seconds`, as Ctrl-C would send it."""
    timer = threading.Timer(seconds, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    return timer


def pyhh_threads() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("pyhh")]


@pytest.mark.parametrize(
    "run",
    [
        pytest.param(lambda: pyhh.simulate(10.0, duration=LONG_MS, record_every=10**9, backend="c"), id="simulate"),
        pytest.param(lambda: pyhh.simulate_batch(n=2048, current=10.0, duration=LONG_MS / 1000), id="batch"),
        pytest.param(lambda: pyhh.simulate_batch(n=4096, current=10.0, duration=LONG_MS / 1000, threads=2),
                     id="batch-threads"),
        pytest.param(lambda: pyhh.simulate_batch(n=4096, current=10.0, duration=LONG_MS / 1000, threads=2,
                                                 accuracy="fast"), id="batch-fast"),
    ],
)
def test_ctrl_c_stops_a_long_run_and_leaves_no_thread(run):
    timer = interrupt_after(0.5)
    started = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        run()
    timer.join()
    assert time.monotonic() - started < 0.5 + STOP_WITHIN
    assert pyhh_threads() == []


def test_a_run_from_another_thread_is_not_affected():
    """Only the main thread gets signals; elsewhere the call is made directly and
    gives the same answer as in the main thread."""
    here = pyhh.simulate(10.0, duration=50.0, backend="c")
    result = {}
    worker = threading.Thread(target=lambda: result.update(r=pyhh.simulate(10.0, duration=50.0, backend="c")))
    worker.start()
    worker.join()
    assert np.array_equal(result["r"].table(), here.table())


@pytest.mark.parametrize(
    "argv",
    [
        ["run", "--duration", "1e8", "--record-every", "1000000000"],
        ["fi", "--duration", "2e5", "--dt", "0.001", "--start", "5", "--stop", "6", "--step", "1"],  # a minute
    ],
    ids=["run", "fi"],
)
def test_ctrl_c_on_the_command_line_exits_130(argv):
    process = subprocess.Popen([sys.executable, "-m", "pyhh", *argv], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    time.sleep(2.0)  # past start-up, inside the C call
    assert process.poll() is None
    sent = time.monotonic()
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=STOP_WITHIN)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail(f"pyhh {argv[0]} still running {STOP_WITHIN} s after SIGINT")
    assert process.returncode == 130, err
    assert f"pyhh {argv[0]}: interrupted" in err
    assert time.monotonic() - sent < STOP_WITHIN


#: A batch on a pool of two processes (issue 25, item 9): 16 parts of 1024 neurons, each
#: seconds of work. Every part logs its start, and its end if it ran to completion, noting
#: whether it started after the test's marker file (made just before SIGINT).
POOL_CHILD = """
import os, sys
from concurrent.futures import ProcessPoolExecutor
import pyhh
from pyhh.cbackend import batch

log, marker = sys.argv[1], sys.argv[2]
run_part = batch.run_part

def logged_part(*args):
    after = os.path.exists(marker)
    result = run_part(*args)
    with open(log, "a") as file:
        file.write(f"completed {'after' if after else 'before'}\\n")
    return result

batch.run_part = logged_part  # the workers are forked with it
try:
    with ProcessPoolExecutor(2) as pool:
        pyhh.simulate_batch(n=16 * 1024, current=10.0, steps=50_000, executor=pool,
                            progress=lambda done, n: print("progress", done, flush=True))
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(130)
"""


@pytest.mark.parametrize("group", [False, True], ids=["child", "process-group"])
def test_ctrl_c_stops_a_batch_on_a_process_pool(tmp_path, group):
    """Before, the parts already handed to the pool's workers ran to the end after Ctrl-C
    (20 s and more); now the running parts stop and the queued ones never run."""
    log, marker = tmp_path / "parts.log", tmp_path / "interrupted"
    process = subprocess.Popen([sys.executable, "-c", POOL_CHILD, str(log), str(marker)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=group)
    time.sleep(2.0)  # past start-up, the workers inside their first parts
    assert process.poll() is None
    marker.touch()
    if group:
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C in a terminal: the workers get it too
    else:
        process.send_signal(signal.SIGINT)
    try:
        out, err = process.communicate(timeout=120.0)  # a hang guard: 16 parts run to the end within it
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        pytest.fail("still running 120 s after SIGINT")
    assert process.returncode == 130, err
    assert "interrupted" in out
    completed = log.read_text().split("\n")[:-1] if log.exists() else []
    reported = out.count("progress")
    assert completed.count("completed after") == 0, (completed, err)  # no part started after Ctrl-C ran
    assert len(completed) <= reported + 2, (completed, out)  # at most the two running then could finish
