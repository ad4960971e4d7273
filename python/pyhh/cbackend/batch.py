"""Validated batch inputs through hh_run_batch (c/pyhh.c and its kernels): the
C side of pyhh.simulate_batch.

The neurons are split into parts of CHUNK (of THREAD_CHUNK on threads); the
parts run on threads of this process (cffi releases the GIL in C) or on any
concurrent.futures.Executor,
and write disjoint slices of the same output arrays, so the results never
depend on how the neurons are split. Ctrl-C stops a run in this process within
milliseconds (cancel.py). On an executor it cancels every part not yet started;
on a ProcessPoolExecutor or ThreadPoolExecutor the parts also watch a flag in a
file (cancel.shared_flag), so the running ones stop at their next check and the
ones already handed to a worker stop before their first step; simulate_batch
waits for those (milliseconds) and leaves the pool itself running. Other
executors (a dask client) cannot see the flag: their running parts finish.

The kernels run the widest instruction set the CPU has (AVX-512, AVX2 + FMA,
or the portable build); the environment variable PYHH_ISA (isa.py) forces one,
in every process that reads it, for tests and benchmarks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor, as_completed, wait
from typing import Any

import numpy as np

from ..reference.case import METHODS
from ..reference.errors import InvalidInputError
from ..reference.run import COLUMNS
from . import ffi, lib, require
from .cancel import interruptible, mapped_flag, new_flag, shared_flag
from .isa import ISAS, chosen_isa, isa_available  # noqa: F401 (ISAS and isa_available for callers)

#: Neurons per C call when the work is split: a multiple of the C kernel's HH_BLOCK.
CHUNK = 1024
#: Neurons per C call on threads: one HH_BLOCK, so that the threads finish within a
#: block's time of each other (with 1024, one thread idled for up to 5 % of a 10,000-neuron run).
THREAD_CHUNK = 256

#: progress(neurons done, n), called as parts finish.
Progress = Callable[[int, int], None]


@dataclasses.dataclass
class BatchInputs:
    """The validated inputs of one batch, as arrays the C kernel reads."""

    method: str
    clamp: bool
    dt: float
    steps: int
    record_every: int | None
    spike_threshold: float
    spike_capacity: int
    accuracy: str
    arrays: dict[str, np.ndarray]  # the parameters, temperature, V0: (n,) each
    drive_per_neuron: np.ndarray | None = None  # (n,)
    drive_shared: np.ndarray | None = None  # (steps,)
    drive_rows: np.ndarray | None = None  # (n, steps)

    @property
    def n(self) -> int:
        """The number of neurons."""
        return len(self.arrays["V0"])

    @property
    def rows(self) -> int | None:
        """Recorded rows per neuron (§8.2), or None without traces."""
        return None if self.record_every is None else -(-self.steps // self.record_every)

    def select(self, first: int, count: int) -> "BatchInputs":
        """The same batch restricted to neurons first .. first + count - 1."""
        part = slice(first, first + count)
        return dataclasses.replace(
            self,
            arrays={name: values[part] for name, values in self.arrays.items()},
            drive_per_neuron=None if self.drive_per_neuron is None else self.drive_per_neuron[part],
            drive_rows=None if self.drive_rows is None else self.drive_rows[part],
        )


def c_batch(inputs: BatchInputs, keep: list) -> Any:
    """The hh_batch struct; `keep` holds what its pointers point into."""
    b = ffi.new("hh_batch *")
    b.method = METHODS.index(inputs.method)
    b.mode = 1 if inputs.clamp else 0
    b.dt = inputs.dt
    b.steps = inputs.steps
    b.record_every = inputs.record_every or inputs.steps
    b.n = inputs.n
    b.spike_threshold = inputs.spike_threshold
    for name, values in inputs.arrays.items():
        values = np.ascontiguousarray(values)
        keep.append(values)
        setattr(b, name, ffi.from_buffer("double[]", values))
    for name in ("drive_per_neuron", "drive_shared", "drive_rows"):
        values = getattr(inputs, name)
        if values is not None:
            values = np.ascontiguousarray(values, dtype=np.float64)
            keep.append(values)
            setattr(b, name, ffi.from_buffer("double[]", values))
    return b


def new_outputs(inputs: BatchInputs) -> dict[str, np.ndarray | None]:
    """The arrays hh_run_batch writes: spike counts, fail steps, spike times, traces."""
    n = inputs.n
    return {
        "spike_counts": np.zeros(n, dtype=np.int64),
        "fail_steps": np.full(n, -1, dtype=np.int64),
        "spike_times": np.full(n * inputs.spike_capacity, np.nan) if inputs.spike_capacity else None,
        "traces": None if inputs.rows is None else np.zeros((inputs.rows, len(COLUMNS), n)),
    }


def run_range(inputs: BatchInputs, b: Any, outputs: dict[str, np.ndarray | None], first: int, count: int,
              flag: Any) -> None:
    """One C call for neurons first .. first + count - 1, writing into the shared outputs;
    it stops early, raising KeyboardInterrupt, once `flag` is set."""
    out = ffi.new("hh_batch_output *")
    out.cancel = flag
    out.spike_counts = ffi.from_buffer("int64_t[]", outputs["spike_counts"], require_writable=True)
    out.fail_steps = ffi.from_buffer("int64_t[]", outputs["fail_steps"], require_writable=True)
    if outputs["spike_times"] is not None:
        out.spike_times = ffi.from_buffer("double[]", outputs["spike_times"], require_writable=True)
        out.spike_capacity = inputs.spike_capacity
    if outputs["traces"] is not None:
        out.traces = ffi.from_buffer("double[]", outputs["traces"], require_writable=True)
        out.rows_capacity = outputs["traces"].shape[0]
    accuracy = {"exact": lib.HH_EXACT, "fast": lib.HH_FAST, "float32": lib.HH_FLOAT32}[inputs.accuracy]
    status = lib.hh_run_batch_isa(b, out, first, count, accuracy, chosen_isa())
    if status == lib.HH_CANCELLED:
        raise KeyboardInterrupt(ffi.string(out.message).decode())
    if status != lib.HH_OK:
        raise InvalidInputError(ffi.string(out.message).decode())


def run_here(inputs: BatchInputs, threads: int = 1, progress: Progress | None = None,
             flag: Any = None) -> dict[str, np.ndarray | None]:
    """Run a whole batch in this process, on `threads` threads, stopping once `flag` (a new one
    if None) is set."""
    require("simulate_batch")
    n = inputs.n
    outputs = new_outputs(inputs)
    keep: list = []
    b = c_batch(inputs, keep)
    chunk = CHUNK if threads <= 1 else THREAD_CHUNK
    ranges = [(first, min(chunk, n - first)) for first in range(0, n, chunk)]
    flag = new_flag() if flag is None else flag
    done = 0
    if threads <= 1 or len(ranges) == 1:
        for first, count in ranges:
            interruptible(lambda: run_range(inputs, b, outputs, first, count, flag), flag, work=count * inputs.steps)
            done += count
            if progress:
                progress(done, n)
        return outputs
    pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="pyhh-batch")
    try:
        futures = {pool.submit(run_range, inputs, b, outputs, first, count, flag): count for first, count in ranges}
        for future in as_completed(futures):
            future.result()
            done += futures[future]
            if progress:
                progress(done, n)
    except BaseException:  # Ctrl-C or an error: stop the parts still running, start no more
        flag[0] = 1
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
    return outputs


def run_part(inputs: BatchInputs, flag_path: str | None = None) -> dict[str, np.ndarray | None]:
    """A task for an Executor: run one part of a batch in whatever process gets it,
    watching the shared cancel flag at flag_path if given (cancel.shared_flag)."""
    if flag_path is None:
        return run_here(inputs, threads=1)
    with mapped_flag(flag_path) as flag:
        return run_here(inputs, threads=1, flag=flag)


def merge(parts: list[dict[str, np.ndarray | None]]) -> dict[str, np.ndarray | None]:
    """Outputs of consecutive neuron ranges, joined along the neuron axis."""
    merged = {}
    for key, axis in (("spike_counts", 0), ("fail_steps", 0), ("spike_times", 0), ("traces", 2)):
        merged[key] = None if parts[0][key] is None else np.concatenate([p[key] for p in parts], axis=axis)
    return merged


def run_on(executor: Executor, inputs: BatchInputs, progress: Progress | None = None) -> dict[str, np.ndarray | None]:
    """Run a batch as parts of CHUNK neurons submitted to `executor`, merged in order; the parts
    watch a shared cancel flag on a pool of this machine (ProcessPoolExecutor, ThreadPoolExecutor)."""
    if not isinstance(executor, (ProcessPoolExecutor, ThreadPoolExecutor)):
        return run_parts(executor, inputs, progress, None, None)
    with shared_flag() as (path, flag):
        return run_parts(executor, inputs, progress, path, flag)


def run_parts(executor: Executor, inputs: BatchInputs, progress: Progress | None, flag_path: str | None,
              flag: Any) -> dict[str, np.ndarray | None]:
    """run_on's parts, each given flag_path if not None; on Ctrl-C or an error, `flag` is set."""
    n = inputs.n
    extra = () if flag_path is None else (flag_path,)
    parts = [executor.submit(run_part, inputs.select(first, min(CHUNK, n - first)), *extra)
             for first in range(0, n, CHUNK)]
    results = []
    try:
        for j, part in enumerate(parts):
            results.append(part.result())
            if progress:
                progress(min((j + 1) * CHUNK, n), n)
    except BaseException:  # Ctrl-C or an error: the parts not yet started never start
        if flag is not None:
            flag[0] = 1  # the running parts stop at their next check, those handed to a worker at their first
        for part in parts:
            part.cancel()
        if flag is not None:
            wait([part for part in parts if not part.cancelled()])
        raise
    return merge(results)
