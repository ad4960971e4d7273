"""`pyhh golden` (`make golden`): regenerate golden/ from the reference, safely.

1. Refuse at once when spec/model.toml and the code's copies of its constants disagree
   (model_file.disagreements), naming each constant with both values and both files:
   the traces would otherwise come from the reference's old values.
2. Regenerate everything into a temporary folder beside golden/ (or --out) and report, for each
   case and for functions.csv, unchanged, new, or where and by how much it changed.
3. Refuse to write a golden set in which a trace, a spike time, a stopping step or a
   value of functions.csv changed under the same major version (spec §12: such a change
   is a major version); --unreleased allows it when the version was already raised for
   changes not yet released. Nothing in golden/ is touched by a refusal.
4. Otherwise put the new files in place, each by a rename.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ..reference.errors import InvalidInputError
from ..reference.parameters import SPEC_VERSION
from .functions import FUNCTIONS_FILE
from .golden import DEFAULT_GOLDEN, MANIFEST, previous_manifest, regenerate
from .model_file import SPEC, disagreements


class GoldenRefused(Exception):
    """`pyhh golden` wrote nothing; the message says why and what to do."""


def major(version: object) -> int | None:
    """The major number of a version "X.Y.Z", or None."""
    try:
        return int(str(version).split(".")[0])
    except ValueError:
        return None


def changes(report: list[str]) -> list[str]:
    """The report's lines that change a result a port computes (spec §12's major changes)."""
    return [line for line in report if "CHANGED" in line or "REMOVED" in line]


def move_traces(new: Path, traces: Path) -> None:
    """Move the regenerated traces of `new` into `traces`, each by a rename, removing those of cases that are gone."""
    traces.mkdir(parents=True, exist_ok=True)
    kept = {p.name for p in new.glob("*.csv")}
    for stale in traces.glob("*.csv"):
        if stale.name not in kept:
            stale.unlink()
    for name in sorted(kept):
        os.replace(new / name, traces / name)


def install(new: Path, golden: Path) -> None:
    """Move the regenerated traces, functions.csv and manifest from `new` into golden/, each by a
    rename, and remove the traces of cases that are gone."""
    move_traces(new / "traces", golden / "traces")
    if (new / "cable" / "traces").is_dir():
        move_traces(new / "cable" / "traces", golden / "cable" / "traces")
    for file in sorted(new.glob("*")):
        if file.is_file() and file.name != MANIFEST:
            os.replace(file, golden / file.name)
    os.replace(new / MANIFEST, golden / MANIFEST)  # last: it vouches for the files above


def update_golden(golden: Path = DEFAULT_GOLDEN, out: Path | None = None, unreleased: bool = False,
                  spec: Path = SPEC) -> list[str]:
    """Regenerate golden/ (or write the new set into `out`) by the steps of the module
    docstring; the report's lines. Raises GoldenRefused, having written nothing."""
    golden = Path(golden)
    wrong = disagreements(spec=spec)
    if wrong:
        raise GoldenRefused("\n".join(
            ["spec/model.toml and the code disagree; nothing was written:", *(f"  {line}" for line in wrong),
             "Make them agree (the model file is where a constant is defined), then run `make golden` again."]))
    target = golden if out is None else Path(out)
    check_out(target)
    before = previous_manifest(golden).get("spec_version")
    with tempfile.TemporaryDirectory(prefix=".golden-", dir=target.parent) as folder:
        new = Path(folder) / "golden"  # renamed to `out` whole when `out` does not exist yet
        report = regenerate(golden, new)
        changed = changes(report)
        if changed and before is not None and major(SPEC_VERSION) == major(before) and not unreleased:
            bumped = f"{(major(before) or 0) + 1}.0.0"
            raise GoldenRefused("\n".join(
                ["these change results a port computes, so spec §12 needs a new major version; nothing was written:",
                 *(f"  {line}" for line in changed),
                 f"Set the version to {bumped} (spec/model.toml's [spec] version, spec/SPEC.md's first lines and "
                 f"python/pyhh/reference/parameters.py's SPEC_VERSION; the golden data is {before}), add its entry to "
                 "SPEC.md §12.1, and run `make golden` again; or, if the version was already raised for changes "
                 "not yet released, `pyhh golden --unreleased`."]))
        if target.exists():
            install(new, target)
        else:  # one rename: a failure leaves no part of the set (no traces/ without its manifest)
            os.rename(new, target)
    return report


def check_out(target: Path) -> None:
    """Where the new golden set goes, checked before anything runs: a folder that exists (whose
    traces/ is a folder and whose manifest and functions.csv, if there, are files), or a name not
    yet taken in a folder that exists; an InvalidInputError names what is wrong."""
    if not target.parent.is_dir():
        raise InvalidInputError(f"{target}: the folder {target.parent} does not exist; nothing was written")
    if not target.exists():
        return
    if not target.is_dir():
        raise InvalidInputError(f"{target}: exists and is not a folder; nothing was written")
    for name, folder in (("traces", True), (MANIFEST, False), (FUNCTIONS_FILE, False)):
        path = target / name
        if path.exists() and path.is_dir() != folder:
            raise InvalidInputError(f"{path}: exists and is {'not ' if folder else ''}a folder, where the golden set's "
                                f"{name} goes; nothing was written")
