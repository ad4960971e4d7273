"""The readable reference as a port of the port protocol (spec §11.4), for patch and cable cases.

    python tests/ports/cable_port.py [--patch-only | --bug BUG] CASE.json

A case file with a `model` key is a cable case (§13.10), run by pyhh/reference/cable.py and
written with the columns of §13.11; any other is a patch case (§10.1), run by the reference.
Status 2 with one line for a file §10.1, §8.4 or §13.10 rejects; 3 for a run that leaves the
finite range. With --patch-only it reads every file as a patch case file, as a port written
before spec 3.1.0 does (its reader rejects the `model` key). With --bug, one mistake in the
cable, so that `pyhh conform` can be shown to grade it below exact:
  perturb      V at the last site one part in 10^12 off, in every row after row 0 (a float64 port);
  slow         the cable's pulses a step late at every site (a real error);
  accept       every cable case file run, the cable's negative cases too, with the reference's
               defaults where a key is wrong (no input checks);
  reject-some  cable cases with gates recorded rejected (status 2), the others run.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "python"))

from pyhh.conformance.casefile import load_cable_case, load_case  # noqa: E402
from pyhh.conformance.trace import format_trace  # noqa: E402
from pyhh.reference.cable import CableCase, CablePulse, columns, run_cable  # noqa: E402
from pyhh.reference.errors import CaseFileError, InvalidInputError, NumericalInstabilityError  # noqa: E402
from pyhh.reference.run import run  # noqa: E402

BUGS = ("perturb", "slow", "accept", "reject-some")


def lenient_cable(path: Path) -> CableCase:
    """The cable case of a file, with no check a port could skip: a wrong value is left out."""
    raw = json.loads(Path(path).read_text())
    fields = {"dt": raw.get("dt", 0.01), "steps": raw.get("steps", 1)}
    for key in ("radius", "R_i", "length", "nseg"):
        if isinstance(raw.get(key), (int, float)) and 0 < raw[key] < 1e6 and not (key == "nseg" and raw[key] != int(raw[key])):
            fields[key] = raw[key]
    nseg = int(fields.get("nseg", CableCase.nseg))
    sites = [j for j in raw.get("sites", []) if isinstance(j, int) and 0 <= j <= nseg + 1] or [1]
    pulses = [CablePulse(p["node"], p["start"], p["stop"], p["amplitude"]) for p in raw.get("stimulus", {}).get("pulses", [])
              if isinstance(p.get("node"), int) and 0 <= p["node"] <= nseg + 1]
    return CableCase(**fields, record_every=min(raw.get("record_every", 1), fields["steps"]), sites=tuple(sorted(set(sites))),
                     pulses=tuple(pulses))


def cable_trace(path: Path, bug: str | None) -> str:
    """§13.11: the trace of a cable case file, with the bug asked for."""
    case = lenient_cable(path) if bug == "accept" else load_cable_case(path)
    if bug == "reject-some" and case.record_gates:
        raise CaseFileError(f"{path}: record_gates is not supported by this port")
    if bug == "slow":
        case = dataclasses.replace(case, pulses=tuple(dataclasses.replace(p, start=p.start + 1, stop=p.stop + 1)
                                                      for p in case.pulses))
    rows = run_cable(case).rows
    if bug == "perturb":
        last = len(case.sites)
        rows = [row if k == 0 else row[:last] + (row[last] * (1 + 1e-12),) + row[last + 1:] for k, row in enumerate(rows)]
    return format_trace(rows, columns(case))


def is_cable_file(obj: object) -> bool:
    """A cable case file (§13.10): one with a model, or with sites and no method (its model missing)."""
    return isinstance(obj, dict) and ("model" in obj or ("sites" in obj and "method" not in obj))


def main(argv: list[str]) -> int:
    patch_only = "--patch-only" in argv
    argv = [a for a in argv if a != "--patch-only"]
    bug = None
    if argv[:1] == ["--bug"] and len(argv) >= 2 and argv[1] in BUGS:
        bug, argv = argv[1], argv[2:]
    if len(argv) != 1:
        print("usage: cable_port.py [--patch-only | --bug BUG] CASE.json", file=sys.stderr)
        return 2
    path = Path(argv[0])
    try:
        try:
            is_cable = not patch_only and is_cable_file(json.loads(path.read_bytes()))
        except (ValueError, OSError, TypeError, RecursionError):
            is_cable = False  # the strict reader says what is wrong
        if is_cable:
            text = cable_trace(path, bug)
        else:
            text = format_trace(run(load_case(path)).rows)
    except (CaseFileError, InvalidInputError) as e:
        print(str(e).replace("\n", " "), file=sys.stderr)
        return 2
    except NumericalInstabilityError as e:
        print(str(e).replace("\n", " "), file=sys.stderr)
        return 3
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
