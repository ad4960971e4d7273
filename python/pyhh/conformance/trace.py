"""Spec §10.2: trace CSV files, the columns of §8.2 at full round-trip precision."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

import numpy as np

from ..atomic import read_regular, write_file
from ..reference.errors import CaseFileError
from ..reference.run import COLUMNS


#: §10.2: a value is a JSON number (RFC 8259): any such spelling, whichever language wrote it
#: (`1e-05`, `1e+21`, `-0`, `100`, `1.0000000000000001e-05`, `1.0E-5`), and no other (`+1`, `.5`, `1.`,
#: `1_0`, `inf`, `nan`, `0x1p-3`, spaces).
NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")

#: A number a person types (the command line, a waveform file, --set): every JSON number, and the
#: other decimal spellings of C's strtod (`+1`, `.5`, `1.`, `007`), in ASCII digits; `nan` and `inf`
#: are read too, so that the value's own check refuses them by name. Nothing else: not `1_0`, not
#: Arabic-Indic or full-width digits, not hexadecimal, not spaces (all of which float() takes).
DECIMAL = re.compile(r"[+-]?(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|nan|inf|infinity)", re.IGNORECASE)

#: A whole number a person types: ASCII digits with an optional sign (int() takes `1_0` and `٣`).
WHOLE = re.compile(r"[+-]?[0-9]+")


def parse_number(text: str) -> float:
    """§10.2: one value as a double; ValueError if it is not written as a JSON number."""
    if NUMBER.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not a JSON number")
    return float(text)


def parse_decimal(text: str) -> float:
    """A number a person typed (DECIMAL) as a double; ValueError naming it if it is not one."""
    if DECIMAL.fullmatch(text) is None:
        raise ValueError(f"{text!r} is not a number")
    return float(text)


#: Rows formatted at a time: a trace is written in pieces of this many rows, so that writing one
#: costs the text of one piece, whatever its length (issue 25, item 3).
CHUNK_ROWS = 4096


def column_rows(columns: Sequence[np.ndarray]) -> Iterator[list[float]]:
    """The rows of equal-length columns, one at a time, taken CHUNK_ROWS at a time (no copy of the whole)."""
    n = len(columns[0]) if len(columns) else 0
    for i in range(0, n, CHUNK_ROWS):
        yield from np.column_stack([c[i:i + CHUNK_ROWS] for c in columns]).tolist()


def trace_chunks(rows: Iterable[Sequence[float]], columns: Sequence[str] = COLUMNS) -> Iterator[str]:
    """The CSV text in pieces: the header line, then CHUNK_ROWS rows a piece, each value as repr(float)."""
    yield ",".join(columns) + "\n"
    rows = iter(rows)
    while chunk := list(itertools.islice(rows, CHUNK_ROWS)):
        yield "".join(",".join(repr(float(x)) for x in row) + "\n" for row in chunk)


def format_trace(rows: Iterable[Sequence[float]], columns: Sequence[str] = COLUMNS) -> str:
    """The CSV text: the header line (§10.2's columns, or a cable's of §13.11), then one line per row,
    each value as repr(float)."""
    return "".join(trace_chunks(rows, columns))


def write_trace(path: str | Path, rows: Iterable[Sequence[float]]) -> None:
    """Write rows to `path` as a trace CSV (LF line endings), piece by piece (trace_chunks) and
    atomically (pyhh.atomic); a failed write names the file and leaves the one it would replace as it was."""
    write_file(path, lambda f: f.writelines(trace_chunks(rows)))


def parse_trace(text: str, source: str = "trace", columns: Sequence[str] = COLUMNS) -> np.ndarray:
    """Parse trace CSV text into an array of shape (rows, 9); errors name `source`.

    §10.2 exactly: LF line endings, the last line too (no CR anywhere), the header
    `t,V,m,h,n,I_Na,I_K,I_L,I_stim` (or a cable's `columns`, §13.11) with nothing around its names,
    values as JSON numbers."""
    names = tuple(columns)
    if not text:
        raise CaseFileError(f"{source}: empty trace, expected the header {','.join(names)}")
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        raise CaseFileError(f"{source}: line {line} holds a CR (a CRLF line end?); spec §10.2: lines end with LF only")
    if not text.endswith("\n"):
        raise CaseFileError(f"{source}: the last line does not end with LF (spec §10.2: the last line too)")
    lines = text[:-1].split("\n")
    if lines[0] != ",".join(names):
        header = lines[0].split(",")
        missing = [c for c in names if c not in (name.strip() for name in header)]
        detail = f"missing column {missing[0]!r}" if missing else f"got {lines[0][:200]!r}"
        raise CaseFileError(f"{source}: header must be exactly {','.join(names)}, with no spaces "
                            f"(spec §10.2; {detail})")
    data = np.empty((len(lines) - 1, len(names)))
    for i, line in enumerate(lines[1:]):
        fields = line.split(",")
        if len(fields) != len(names):
            raise CaseFileError(f"{source}: line {i + 2} has {len(fields)} values, expected {len(names)}")
        for j, field in enumerate(fields):
            try:
                data[i, j] = parse_number(field)
            except ValueError:
                raise CaseFileError(f"{source}: line {i + 2}, column {names[j]}: {field!r} is not a number "
                                    f"(spec §10.2: a JSON number)") from None
            if not math.isfinite(data[i, j]):
                raise CaseFileError(f"{source}: line {i + 2}, column {names[j]}: {field!r} is not finite")
    return data


def read_trace(path: str | Path, columns: Sequence[str] = COLUMNS) -> np.ndarray:
    """Read a trace CSV file into an array of shape (rows, 9) (or of a cable's `columns`, §13.11)."""
    path = Path(path)
    try:
        text = read_regular(path).decode("utf-8")  # never waits on a FIFO or a device
        text = text.replace("\r\n", "\n").replace("\r", "\n")  # as read_text's universal newlines read it
    except OSError as e:
        raise CaseFileError(f"{path}: cannot read trace: {e.strerror or e}") from None
    return parse_trace(text, str(path), columns)
