"""Limits that keep a request from exhausting the machine, checked before anything runs."""

from __future__ import annotations

import os

from .reference.errors import ResourceLimitError


def physical_memory() -> int:
    """Bytes of physical memory, or 2^40 where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 2**40


def available_memory() -> int:
    """Bytes of memory available now (Linux's MemAvailable), else the physical memory."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return physical_memory()


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
