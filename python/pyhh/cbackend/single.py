"""One validated Case through hh_run_isa (c/pyhh.c: the exact kernel on one
neuron): the C backend of pyhh.simulate.

numpy arrays go to C without copies (ffi.from_buffer) and cffi releases the GIL
for the duration of the call; a long call stops on Ctrl-C (cancel.py).
"""

from __future__ import annotations

import numpy as np

from ..reference.case import METHODS, MODES, Case
from ..reference.errors import InvalidInputError, NumericalInstabilityError
from ..reference.parameters import PARAMETER_TABLE
from ..reference.run import COLUMNS
from . import ffi, lib, require
from .cancel import interruptible, new_flag
from .isa import chosen_isa


def spike_buffer_size(case: Case) -> int:
    """Room for one spike per ms (no HH membrane fires faster), at most one per two
    steps, at most 2^20; a run with more spikes is repeated with the exact size."""
    return max(1, int(min(case.steps // 2 + 1, case.steps * case.dt + 16, 2**20)))  # steps * dt may be inf


def c_case(case: Case, keep: list) -> "ffi.CData":
    """The hh_case struct for `case`; buffers it points to are appended to `keep`."""
    c = ffi.new("hh_case *")
    c.method = METHODS.index(case.method)
    c.mode = MODES.index(case.mode)
    c.dt = case.dt
    c.steps = case.steps
    c.record_every = case.record_every
    c.temperature = case.temperature
    c.V0 = case.V0
    c.spike_threshold = case.spike_threshold
    for name in PARAMETER_TABLE:
        setattr(c.params, name, getattr(case.params, name))
    if case.stimulus.waveform is not None:
        waveform = np.asarray(case.stimulus.waveform, dtype=np.float64)
        keep.append(waveform)
        c.waveform = ffi.from_buffer("double[]", waveform)
        c.waveform_length = len(waveform)
    pulses = case.stimulus.pulses
    if pulses:
        array = ffi.new("hh_pulse[]", len(pulses))
        for j, pulse in enumerate(pulses):
            array[j].start, array[j].stop, array[j].amplitude = pulse.start, pulse.stop, pulse.amplitude
        keep.append(array)
        c.pulses = array
        c.n_pulses = len(pulses)
    return c


def run(case: Case) -> tuple[np.ndarray, np.ndarray]:
    """Run `case` in C: the (rows, 9) table and the spike times, as the reference returns them."""
    require("backend='c'")
    keep: list = []
    c = c_case(case, keep)
    rows = np.empty((case.n_rows, len(COLUMNS)), dtype=np.float64)
    capacity = spike_buffer_size(case)
    flag = new_flag()
    isa = chosen_isa()
    while True:
        spikes = np.empty(capacity, dtype=np.float64)
        out = ffi.new("hh_output *")
        out.rows = ffi.from_buffer("double[]", rows, require_writable=True)
        out.rows_capacity = len(rows)
        out.spikes = ffi.from_buffer("double[]", spikes, require_writable=True)
        out.spikes_capacity = capacity
        out.cancel = flag
        status = interruptible(lambda: lib.hh_run_isa(c, out, isa), flag, work=case.steps)
        if status != lib.HH_SPIKES_TRUNCATED:
            break
        capacity = out.n_spikes
    if status == lib.HH_ERROR_NONFINITE:
        raise NumericalInstabilityError(out.fail_step, out.fail_step * case.dt, tuple(out.fail_state), case.method, case.dt)
    if status != lib.HH_OK:
        raise InvalidInputError(ffi.string(out.message).decode())
    return rows, spikes[: out.n_spikes]
