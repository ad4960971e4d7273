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
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .reference.errors import InvalidInputError

#: The sidecar's format name and version (bumped when its keys change meaning).
FORMAT = "pyhh-csv"
FORMAT_VERSION = 1


def sidecar_path(path: str | Path) -> Path:
    """Where a CSV's metadata goes: NAME.csv -> NAME.csv.json."""
    path = Path(path)
    return path.with_name(path.name + ".json")


def provenance() -> dict[str, str]:
    """The pyhh and spec versions that wrote a file."""
    from . import SPEC_VERSION, __version__

    return {"pyhh_version": __version__, "spec_version": SPEC_VERSION}


def model_metadata(method: str, dt: float, temperature: Any, params: Any, **more: Any) -> dict[str, Any]:
    """The settings every simulated file records: method, dt (ms), temperature (degC), the
    §3.1 parameters (each a number, or a list of per-neuron values) and anything more."""
    from .reference.parameters import PARAMETER_TABLE, parameter_overrides

    overrides = parameter_overrides(params)
    parameters = {name: jsonable(overrides.get(name, default)) for name, (default, *_) in PARAMETER_TABLE.items()}
    units = {name: unit for name, (*_, unit) in PARAMETER_TABLE.items()}
    return {"method": method, "dt": float(dt), "dt_unit": "ms", "temperature": jsonable(temperature),
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
    NAME.csv.json; a failed write names its file. Returns the CSV's path."""
    path = Path(path)
    names = list(columns)
    missing = [name for name in names if name not in units]
    if missing:
        raise ValueError(f"no unit for column {missing[0]!r}")  # a programming error, not user input
    arrays = [np.asarray(columns[name], dtype=np.float64) for name in names]
    if len({len(a) for a in arrays}) > 1:
        raise ValueError("columns of different lengths")
    sidecar = {"format": FORMAT, "format_version": FORMAT_VERSION, "what": what, **provenance(),
               "columns": {name: units[name] for name in names}, **jsonable(dict(metadata))}
    try:
        with open(path, "w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(names)
            for row in zip(*(a.tolist() for a in arrays)):
                writer.writerow([repr(x) for x in row])
        with open(sidecar_path(path), "w", encoding="utf-8") as f:
            json.dump(sidecar, f, indent=1, ensure_ascii=False)
            f.write("\n")
    except OSError as e:
        raise InvalidInputError(f"{e.filename or path}: cannot write: {e.strerror}") from None
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
    dt, versions). A CSV without a sidecar is read too, with empty units and metadata."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise InvalidInputError(f"{path}: cannot read: {e.strerror}") from None
    except UnicodeDecodeError:
        raise InvalidInputError(f"{path}: not a text file") from None
    rows = list(csv.reader(text.splitlines()))
    if not rows:
        raise InvalidInputError(f"{path}: empty file, expected a header line of column names")
    names = rows[0]
    data = np.empty((len(rows) - 1, len(names)))
    for i, row in enumerate(rows[1:]):
        if len(row) != len(names):
            raise InvalidInputError(f"{path}: line {i + 2} has {len(row)} values, expected {len(names)}")
        try:
            data[i] = [float(x) for x in row]
        except ValueError:
            raise InvalidInputError(f"{path}: line {i + 2} holds a value that is not a number") from None
    metadata: dict[str, Any] = {}
    sidecar = sidecar_path(path)
    if sidecar.exists():
        try:
            metadata = json.loads(sidecar.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise InvalidInputError(f"{sidecar}: cannot read the metadata: {e}") from None
        if not isinstance(metadata, dict) or metadata.get("format") != FORMAT:
            raise InvalidInputError(f"{sidecar}: not a pyhh metadata file (no \"format\": \"{FORMAT}\")")
    units = metadata.pop("columns", {})
    return SavedTable({name: data[:, j] for j, name in enumerate(names)}, dict(units), metadata)


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
