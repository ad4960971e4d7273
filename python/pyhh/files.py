"""The CSV files pyhh writes for people (traces, sweeps, spike times) and reads back.

One scheme everywhere: the CSV holds only a header line of column names and
rows of numbers at full round-trip precision (repr of a double), so that any
CSV reader (numpy, pandas, a spreadsheet) opens it as it is; everything else
is in a JSON sidecar beside it, NAME.csv.json:

    {"format": "pyhh-csv", "format_version": 1, "what": "trace",
     "pyhh_version": "...", "spec_version": "...",
     "columns": {"t": "ms", "V": "mV from rest", ...},   # every column's unit
     "method": "staggered_cn", "dt": 0.01, "temperature": 6.3,
     "parameters": {"C_m": 1.0, ...}, ...}                # what produced the rows

Why a sidecar and not header comment lines: a trace CSV of `pyhh run --csv`
stays byte for byte the trace format of spec §10.2, which the conformance kit
and every port read; comment lines would make it a different format. The port
protocol itself (`pyhh trace`, spec §11.4) writes no sidecar: a port's output is
its trace and nothing else, and `pyhh trace` answers as a port does.

`read_csv(path)` reads a file and its sidecar back into a `SavedTable`.
"""

from __future__ import annotations

import csv
import dataclasses
import json
import math
import os
import re
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .atomic import check_target, file_kind, read_regular, write_files
from .conformance.trace import CHUNK_ROWS, parse_decimal
from .reference.errors import InvalidInputError

#: The sidecar's format name and version (bumped when its keys change meaning).
FORMAT = "pyhh-csv"
FORMAT_VERSION = 1

#: How every sidecar write_csv writes begins (its first key is "format"), and how many bytes
#: is_sidecar reads to see it.
SIDECAR_MARK = re.compile(rb'\s*\{\s*"format"\s*:\s*"' + FORMAT.encode() + rb'"\s*[,}]')
SIDECAR_PROBE = 256


def sidecar_path(path: str | Path) -> Path:
    """Where a CSV's metadata goes: NAME.csv -> NAME.csv.json."""
    path = Path(path)
    return path.with_name(path.name + ".json")


def is_sidecar(path: str | Path) -> bool:
    """Whether `path` is a regular file that begins as the sidecars write_csv writes do,
    {"format": "pyhh-csv", ... (its first SIDECAR_PROBE bytes read; a FIFO is not waited on)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return False
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            return False
        return SIDECAR_MARK.match(f.read(SIDECAR_PROBE)) is not None


def check_sidecar(path: str | Path) -> None:
    """Refuse to save a CSV as `path` when its sidecar's place holds something else: a file
    pyhh did not write (so that `--csv results` never replaces someone's results.json), or
    what is not a regular file. The InvalidInputError names both files."""
    sidecar = sidecar_path(path)
    try:
        mode = os.stat(sidecar).st_mode
    except FileNotFoundError:
        return
    except OSError as e:
        raise InvalidInputError(f"{sidecar}: cannot write: {e.strerror}") from None
    if not stat.S_ISREG(mode):
        problem = f"is {file_kind(mode)}, not a regular file"
    elif not is_sidecar(sidecar):
        problem = f'is not a pyhh sidecar (it does not begin {{"format": "{FORMAT}")'
    else:
        return
    raise InvalidInputError(f"{sidecar} exists and {problem}: the sidecar of {Path(path)} would replace it; "
                            "move it away or choose another name")


def check_csv(path: str | Path) -> None:
    """Refuse, naming the file, to save a CSV as `path` if `path` exists and is not a regular
    file (pyhh.atomic.check_target) or its sidecar's place holds something else (check_sidecar)."""
    check_target(path)
    check_sidecar(path)


def provenance() -> dict[str, str]:
    """The pyhh and spec versions that wrote a file."""
    from . import SPEC_VERSION, __version__

    return {"pyhh_version": __version__, "spec_version": SPEC_VERSION}


def model_metadata(method: str, dt: float, temperature: Any, params: Any, **more: Any) -> dict[str, Any]:
    """The settings every simulated file records: the pyhh and spec versions, method, dt (ms),
    temperature (degC), the §3.1 parameters (each a number, or a list of per-neuron values) and
    anything more (also what to_dataframe puts in .attrs)."""
    from .reference.parameters import PARAMETER_TABLE, parameter_overrides

    overrides = parameter_overrides(params)
    parameters = {name: jsonable(overrides.get(name, default)) for name, (default, *_) in PARAMETER_TABLE.items()}
    units = {name: unit for name, (*_, unit) in PARAMETER_TABLE.items()}
    return {**provenance(), "method": method, "dt": float(dt), "dt_unit": "ms", "temperature": jsonable(temperature),
            "temperature_unit": "degC", "parameters": parameters, "parameter_units": units,
            **{key: jsonable(value) for key, value in more.items()}}


def jsonable(value: Any) -> Any:
    """numpy scalars and arrays as plain JSON values (non-finite numbers as strings)."""
    if isinstance(value, np.ndarray):
        return [jsonable(x) for x in value.tolist()]
    if isinstance(value, (list, tuple)):
        return [jsonable(x) for x in value]
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


def write_csv(path: str | Path, columns: Mapping[str, Sequence[float] | np.ndarray], units: Mapping[str, str],
              what: str, metadata: Mapping[str, Any]) -> Path:
    """Write equal-length numeric columns as NAME.csv and their units and provenance as
    NAME.csv.json, together and atomically (pyhh.atomic); returns the CSV's path.

    Refused before anything is written, with an InvalidInputError naming the file: a CSV or
    sidecar path that exists and is not a regular file, and a sidecar path that holds a file
    pyhh did not write (check_sidecar). A failed write names its file and leaves both files
    as they were.

    Both files are written in full and flushed first; then the sidecar is renamed into
    place, and the CSV right after it. The CSV, the file people name and look for, is the
    commit: whoever sees the new CSV finds its new sidecar beside it. Only a crash in the
    moment between the two renames leaves them unmatched: the new sidecar beside the old CSV
    or, on a first save, a sidecar without its CSV, which read_csv refuses to read (the other
    order would leave a CSV that reads back without its units and settings)."""
    path = Path(path)
    names = list(columns)
    missing = [name for name in names if name not in units]
    if missing:
        raise ValueError(f"no unit for column {missing[0]!r}")  # a programming error, not user input
    arrays = [np.asarray(columns[name], dtype=np.float64) for name in names]
    if len({len(a) for a in arrays}) > 1:
        raise ValueError("columns of different lengths")
    # "format" first: it is the mark is_sidecar looks for
    sidecar = {"format": FORMAT, "format_version": FORMAT_VERSION, "what": what, **provenance(),
               "columns": {name: units[name] for name in names}, **jsonable(dict(metadata))}
    check_csv(path)

    def write_sidecar(f) -> None:
        json.dump(sidecar, f, indent=1, ensure_ascii=False)
        f.write("\n")

    def write_rows(f) -> None:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(names)
        for i in range(0, len(arrays[0]) if arrays else 0, CHUNK_ROWS):  # a piece at a time: no copy of the whole
            writer.writerows([repr(x) for x in row] for row in np.column_stack([a[i:i + CHUNK_ROWS] for a in arrays]).tolist())

    write_files([(sidecar_path(path), write_sidecar), (path, write_rows)])  # the CSV last (see above)
    return path


@dataclasses.dataclass(frozen=True)
class SavedTable:
    """A CSV that pyhh wrote, read back: columns (name -> float64 array, in file order),
    units (name -> unit), and metadata (the sidecar's other keys: what, method, dt, ...)."""

    columns: dict[str, np.ndarray]
    units: dict[str, str]
    metadata: dict[str, Any]

    def __getitem__(self, name: str) -> np.ndarray:
        return self.columns[name]

    @property
    def what(self) -> str:
        """What the file holds: trace, fi, clamp, clamp_traces, spikes, batch, methods."""
        return self.metadata.get("what", "")

    def to_dataframe(self):
        """The columns as a pandas DataFrame (needs pandas), the metadata in .attrs."""
        pd = require_pandas()
        frame = pd.DataFrame(self.columns)
        frame.attrs.update(self.metadata, units=self.units)
        return frame


def read_csv(path: str | Path) -> SavedTable:
    """Read a CSV written by pyhh and its NAME.csv.json sidecar (units, parameters, method,
    dt, versions). A CSV without a sidecar is read too, with empty units and metadata. Neither
    file is waited on: a FIFO or a device is refused, naming it (pyhh.atomic.read_regular)."""
    path = Path(path)
    try:
        text = read_regular(path).decode("utf-8")  # never waits on a FIFO or a device
    except OSError as e:
        raise InvalidInputError(f"{path}: cannot read: {e.strerror or e}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: not a text file") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise InvalidInputError(f"{path}: empty file, expected a header line of column names")
    names = rows[0]
    twice = next((name for j, name in enumerate(names) if name in names[:j]), None)
    if twice is not None:  # a dict of columns would keep only the last one
        raise InvalidInputError(f"{path}: the column {twice!r} appears twice in the header")
    data = np.empty((len(rows) - 1, len(names)))
    for i, row in enumerate(rows[1:]):
        if len(row) != len(names):
            raise InvalidInputError(f"{path}: line {i + 2} has {len(row)} values, expected {len(names)}")
        for j, x in enumerate(row):
            try:
                data[i, j] = parse_decimal(x)
            except ValueError:
                raise InvalidInputError(f"{path}: line {i + 2}, column {names[j]!r}: {x!r:.40} is not a number") from None
    metadata: dict[str, Any] = {}
    units: dict[str, str] = {}
    sidecar = sidecar_path(path)
    if sidecar.exists():
        metadata = read_sidecar(sidecar)
        units = metadata.pop("columns")
        if list(units) != names:
            differ = next((f"the CSV's column {a!r} where the sidecar has {b!r}" for a, b in zip(names, units) if a != b),
                          f"{len(names)} columns in the CSV, {len(units)} in the sidecar")
            raise InvalidInputError(f"{sidecar}: its columns do not match {path.name}'s header: {differ}")
    return SavedTable({name: data[:, j] for j, name in enumerate(names)}, units, metadata)


def read_sidecar(sidecar: Path) -> dict[str, Any]:
    """A pyhh sidecar: a JSON object with "format": FORMAT and "columns", an object of units (strings)."""
    try:
        metadata = json.loads(read_regular(sidecar).decode("utf-8"))  # never waits on a FIFO or a device
    except RecursionError:  # Python's json recurses: thousands of arrays open at once
        raise InvalidInputError(f"{sidecar}: cannot read the metadata: nested too deeply") from None
    except OSError as e:
        raise InvalidInputError(f"{sidecar}: cannot read the metadata: {e.strerror or e}") from None
    except ValueError as e:
        raise InvalidInputError(f"{sidecar}: cannot read the metadata: {e}") from None
    if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
        raise InvalidInputError(f"{sidecar}: not a pyhh metadata file (no \"format\": \"{FORMAT}\")")
    units = metadata.get("columns")
    if not isinstance(units, dict) or not all(isinstance(unit, str) for unit in units.values()):
        raise InvalidInputError(f"{sidecar}: \"columns\" must be an object of column names and units, "
                                f"got {units!r:.60}")
    return metadata


def require_pandas():
    """pandas, or an ImportError that says how to get it."""
    try:
        import pandas
    except ImportError:
        raise ImportError("to_dataframe() needs pandas, an optional dependency of pyhh: "
                          "pip install 'pyhh[pandas]' (or pip install pandas)") from None
    return pandas


def spike_columns(spikes: Sequence[np.ndarray], labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Spike trains in long form: one row per spike, (label of its train, time)."""
    label = np.concatenate([np.full(len(s), x, dtype=np.float64) for s, x in zip(spikes, labels)]) if spikes else []
    times = np.concatenate([np.asarray(s, dtype=np.float64) for s in spikes]) if spikes else []
    return np.asarray(label, dtype=np.float64), np.asarray(times, dtype=np.float64)
