"""One validated CableCase through hh_run_cable (c/hh_cable.c): the C backend of pyhh.simulate_cable.

The rows go to a numpy array without copies; cffi releases the GIL for the call, and a long
run stops on Ctrl-C (cancel.py). The result is the reference's (run_cable's) bit for bit.
"""

from __future__ import annotations

import numpy as np

from ..reference.cable import CableCase, columns
from ..reference.errors import InvalidInputError, NumericalInstabilityError, ResourceLimitError
from ..reference.parameters import PARAMETER_TABLE
from . import ffi, lib, require
from .cancel import interruptible, new_flag
from .isa import chosen_isa


def arrival_buffer_size(case: CableCase) -> int:
    """Room for one arrival per ms at each site (no HH membrane fires faster), at most one per two
    steps, at most 2^16; a run with more is repeated with the exact size."""
    return max(1, int(min(case.steps // 2 + 1, case.steps * case.dt + 16, 2**16)))


def c_cable_case(case: CableCase, keep: list) -> "ffi.CData":
    """The hh_cable_case struct for `case`; the arrays it points to are appended to `keep`."""
    c = ffi.new("hh_cable_case *")
    c.dt, c.steps, c.record_every = case.dt, case.steps, case.record_every
    c.temperature, c.V0, c.spike_threshold = case.temperature, case.V0, case.spike_threshold
    for name in PARAMETER_TABLE:
        setattr(c.params, name, getattr(case.params, name))
    c.radius, c.R_i, c.length, c.nseg = case.radius, case.R_i, case.length, case.nseg
    sites = ffi.new("int64_t[]", list(case.sites))
    keep.append(sites)
    c.sites, c.n_sites = sites, len(case.sites)
    if case.pulses:
        pulses = ffi.new("hh_cable_pulse[]", len(case.pulses))
        for j, p in enumerate(case.pulses):
            pulses[j].node, pulses[j].start, pulses[j].stop, pulses[j].amplitude = p.node, p.start, p.stop, p.amplitude
        keep.append(pulses)
        c.pulses, c.n_pulses = pulses, len(case.pulses)
    c.record_gates = int(case.record_gates)
    c.isa = chosen_isa()  # the gate update's instruction set: the widest, or PYHH_ISA's
    return c


def run_cable(case: CableCase) -> tuple[np.ndarray, list[list[float]]]:
    """Run `case` in C: the (rows, columns) table of §13.11 and each site's arrival times (§13.8)."""
    require("backend='c'")
    keep: list = []
    c = c_cable_case(case, keep)
    rows = np.empty((case.n_rows, len(columns(case))), dtype=np.float64)
    counts = np.zeros(len(case.sites), dtype=np.int64)
    capacity = arrival_buffer_size(case)
    flag = new_flag()
    while True:
        arrivals = np.empty((len(case.sites), capacity), dtype=np.float64)
        out = ffi.new("hh_cable_output *")
        out.rows = ffi.from_buffer("double[]", rows, require_writable=True)
        out.rows_capacity = len(rows)
        out.arrivals = ffi.from_buffer("double[]", arrivals, require_writable=True)
        out.arrivals_capacity = capacity
        out.n_arrivals = ffi.from_buffer("int64_t[]", counts, require_writable=True)
        out.cancel = flag
        status = interruptible(lambda: lib.hh_run_cable(c, out), flag, work=case.steps * case.nseg)
        if status != lib.HH_SPIKES_TRUNCATED:
            break
        capacity = int(counts.max())
    if status == lib.HH_ERROR_NONFINITE:
        raise NumericalInstabilityError(out.fail_step, out.fail_step * case.dt, None, "staggered_cn", case.dt,
                                        where="cable")
    if status == lib.HH_ERROR_MEMORY:
        raise ResourceLimitError(ffi.string(out.message).decode())
    if status != lib.HH_OK:
        raise InvalidInputError(ffi.string(out.message).decode())
    return rows, [arrivals[s, : counts[s]].tolist() for s in range(len(case.sites))]
