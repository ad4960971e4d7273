"""Progress of long sweeps on the command line: a tqdm bar with the time left.

tqdm (a dependency for this) draws the bar, its rate and its estimate of the time
left; on anything but a terminal (a pipe, a file, CI logs) nothing is drawn.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable
from typing import TextIO


def progress_bar(label: str, unit: str = "neuron", stream: TextIO | None = None) -> Callable[[int, int], None] | None:
    """A progress(done, total) callback drawing a bar on `stream` (stderr), or None when it is not a terminal."""
    stream = sys.stderr if stream is None else stream
    if not stream.isatty():
        return None
    from tqdm import tqdm

    bar = None

    def show(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            columns, rows = size(stream)
            bar = tqdm(total=total, desc=label, unit=unit, file=stream, ncols=columns, nrows=rows)
        bar.update(done - bar.n)
        if done >= total:
            bar.close()

    return show


def size(stream: TextIO) -> tuple[int, int]:
    """The terminal's columns and rows; 80 x 24 where it reports none (a terminal without a
    size reports 0 x 0, and tqdm would then hide its bar)."""
    try:
        columns, rows = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        columns = rows = 0
    return (columns if columns >= 20 else 80), (rows if rows >= 2 else 24)
