"""Limits that keep a request from exhausting the machine, checked before anything runs."""

from __future__ import annotations

import math
import os

from .reference.errors import ResourceLimitError


def physical_memory() -> int:
    """Bytes of physical memory, or 2^40 where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 2**40


def available_memory() -> int:
    """Bytes of memory available now (Linux's MemAvailable, else the physical memory), and no more
    than the address space this process may still take under its limit (ulimit -v, prlimit --as)."""
    available = meminfo("/proc/meminfo", "MemAvailable:")
    available = physical_memory() if available is None else available
    return min(available, address_space_left())


def address_space_left() -> float:
    """Bytes of address space left under RLIMIT_AS (its soft limit less Linux's VmSize), or infinity."""
    try:
        import resource

        limit = resource.getrlimit(resource.RLIMIT_AS)[0]
    except (ImportError, AttributeError, OSError, ValueError):
        return math.inf
    if limit == resource.RLIM_INFINITY:
        return math.inf
    used = meminfo("/proc/self/status", "VmSize:")
    return max(0, limit - (used or 0))


def meminfo(path: str, key: str) -> int | None:
    """A "KEY: N kB" line of a /proc file, in bytes, or None."""
    try:
        with open(path, encoding="ascii") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


#: Bytes a recorded row costs a run and its output (issue 25, item 3: measured, not assumed), by backend.
#: The outputs are written a piece at a time (pyhh.conformance.trace.trace_chunks), so what remains per row
#: is the run's own: on C the (rows, 9) float64 table (72 B) and the voltage-range check's temporaries
#: (16 B), measured at 88 B a row for `run --csv` and 76 for `trace --out` (peak RSS less a 1-row run,
#: 1e6 and 3e6 rows), plus 8 for --absolute's V_absolute column; on Python also the reference's list of
#: tuples of floats, measured at 451 B a row (1e6 rows, trace and run --csv alike).
ROW_BYTES = {"c": 104, "python": 480}

#: Bytes a waveform value costs beyond the caller's array: its checked float64 copy (8 B), and on the
#: Python backend the reference's tuple of floats and the list it is made from, measured at 65 B a value
#: (peak RSS of simulate with a 1e6-value waveform, less an empty run).
WAVEFORM_BYTES = {"c": 8, "python": 72}

#: Bytes a row costs `pyhh golden`: the reference's rows, the trace text and its UTF-8 bytes (both kept, to
#: compare with the old trace), measured at 679 B a row (peak RSS of regenerate with a 3e5-row case).
GOLDEN_ROW_BYTES = 720

#: Bytes a pulse of `pyhh run --repeat` costs: the Pulse, its StepPulse and their places in lists, measured
#: at 321 B a pulse (tracemalloc's peak over making 2e5 pulses and their Stimulus).
PULSE_BYTES = 400

#: The share of the available memory one request may ask for: the rest is left for everything else.
MEMORY_MARGIN = 0.8


def check_memory(what: str, n_bytes: float, advice: str) -> None:
    """Refuse an output that could not fit in the memory available now (with a margin),
    naming it and what to change, before anything is allocated."""
    available = available_memory()
    if n_bytes > MEMORY_MARGIN * available:
        raise ResourceLimitError(
            f"{what} would need {n_bytes / 2**30:.3g} GiB, more than {MEMORY_MARGIN:.0%} of the "
            f"{available / 2**30:.3g} GiB available now; {advice}"
        )
