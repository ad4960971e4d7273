"""Limits that keep a request from exhausting the machine, checked before anything runs."""

from __future__ import annotations

import os

from .reference.errors import InvalidInputError


def physical_memory() -> int:
    """Bytes of physical memory, or 2^40 where the system does not say."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 2**40


def check_memory(what: str, n_bytes: float, advice: str) -> None:
    """Refuse an output that could not fit in memory, naming it and what to change."""
    available = physical_memory()
    if n_bytes > available:
        raise InvalidInputError(
            f"{what} would need {n_bytes / 2**30:.3g} GiB, more than this machine's {available / 2**30:.3g} GiB; {advice}"
        )
