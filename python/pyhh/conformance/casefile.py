"""Spec §10.1: golden case files (JSON), read strictly and written canonically.

Reading checks every key: a missing key, an unknown key (a typo is never
ignored), a value of the wrong type or out of range is a CaseFileError that
names the file and the key.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from ..reference.cable import CableCase, CablePulse
from ..reference.case import Case
from ..reference.checks import MAX_INTEGER
from ..reference.errors import CaseFileError, InvalidInputError
from ..reference.parameters import Parameters
from ..reference.stimulus import StepPulse, Stimulus

#: §10.1: key -> (required?, accepted JSON types).
CASE_KEYS: dict[str, tuple[bool, tuple[type, ...]]] = {
    "name": (True, (str,)),
    "description": (False, (str,)),
    "method": (True, (str,)),
    "dt": (True, (int, float)),
    "steps": (True, (int,)),
    "record_every": (False, (int,)),
    "temperature": (False, (int, float)),
    "V0": (False, (int, float)),
    "parameters": (False, (dict,)),
    "mode": (False, (str,)),
    "stimulus": (False, (dict,)),
    "spike_threshold": (False, (int, float)),
}
TYPE_NAMES = {(str,): "a string", (int,): "an integer", (int, float): "a number", (dict,): "an object", (list,): "an array",
              (bool,): "true or false"}
STIMULUS_KEYS = ("pulses", "waveform")
PULSE_KEYS = ("start", "stop", "amplitude")


def check_keys(where: str, obj: dict[str, Any], allowed: Any, required: Any = ()) -> None:
    """Every key of obj is allowed and every required key is present."""
    for key in obj:
        if key not in allowed:
            raise CaseFileError(f"{where}: unknown key {key!r}; the keys are {', '.join(allowed)}")
    for key in required:
        if key not in obj:
            raise CaseFileError(f"{where}: missing key {key!r}")


def check_type(where: str, key: str, value: Any, types: tuple[type, ...]) -> None:
    """value is one of types (a JSON true/false is never a number; integers within 2^53)."""
    if isinstance(value, bool) != (types == (bool,)) or not isinstance(value, types):
        raise CaseFileError(f"{where}: {key!r} must be {TYPE_NAMES[types]}, got {value!r}")
    if isinstance(value, int) and abs(value) > MAX_INTEGER:
        raise CaseFileError(f"{where}: {key!r} = {value} is larger than 2^53")


def no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """json object_pairs_hook: a key given twice is an error, not "the last one wins"."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise CaseFileError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def stimulus_from_json(where: str, obj: dict[str, Any]) -> Stimulus:
    """The "stimulus" object: {"pulses": [{start, stop, amplitude}, ...], "waveform": [...]}."""
    check_keys(f"{where}: stimulus", obj, STIMULUS_KEYS)
    pulses = []
    raw_pulses = obj.get("pulses", [])
    check_type(f"{where}: stimulus", "pulses", raw_pulses, (list,))
    for j, raw in enumerate(raw_pulses):
        at = f"{where}: stimulus.pulses[{j}]"
        if not isinstance(raw, dict):  # an item has no key of its own: the array's is named (§10.1)
            raise CaseFileError(f"{where}: stimulus: 'pulses' must hold objects, but item {j} is {raw!r:.40}")
        check_keys(at, raw, PULSE_KEYS, PULSE_KEYS)
        check_type(at, "start", raw["start"], (int,))
        check_type(at, "stop", raw["stop"], (int,))
        check_type(at, "amplitude", raw["amplitude"], (int, float))
        pulses.append(StepPulse(raw["start"], raw["stop"], raw["amplitude"]))
    waveform = obj.get("waveform")
    if "waveform" in obj:  # present means an array: null is never one
        check_type(f"{where}: stimulus", "waveform", waveform, (list,))
        for k, value in enumerate(waveform):
            check_type(f"{where}: stimulus", f"waveform[{k}]", value, (int, float))
    return Stimulus(tuple(pulses), waveform)


def parameters_from_json(where: str, obj: dict[str, Any]) -> dict[str, Any]:
    """The "parameters" object: every value a number, named by its parameter (§10.1); the
    names and ranges are checked by Parameters (§3.1, §8.4)."""
    for key, value in obj.items():
        check_type(f"{where}: parameters", key, value, (int, float))
    return obj


def check_case_object(obj: Any, where: str, keys: dict) -> None:
    """§10.1 (and §13.10): a case file holds a JSON object whose keys are `keys`' (name -> (required?,
    accepted JSON types)), the required ones present, each value of an accepted type."""
    if not isinstance(obj, dict):
        raise CaseFileError(f"{where}: a case file must hold a JSON object")
    check_keys(where, obj, keys, [k for k, (required, _) in keys.items() if required])
    for key, value in obj.items():
        check_type(where, key, value, keys[key][1])


def case_from_json(obj: Any, where: str = "case") -> Case:
    """Build a Case from a parsed case file; errors name `where` and the key."""
    check_case_object(obj, where, CASE_KEYS)
    try:
        return Case(
            name=obj["name"],
            description=obj.get("description", ""),
            method=obj["method"],
            dt=obj["dt"],
            steps=obj["steps"],
            record_every=obj.get("record_every", 1),
            temperature=obj.get("temperature", Case.temperature),
            V0=obj.get("V0", Case.V0),
            params=Parameters.from_overrides(parameters_from_json(where, obj.get("parameters", {}))),
            mode=obj.get("mode", "current"),
            stimulus=stimulus_from_json(where, obj.get("stimulus", {})),
            spike_threshold=obj.get("spike_threshold", Case.spike_threshold),
        )
    except CaseFileError:
        raise
    except InvalidInputError as e:
        raise CaseFileError(f"{where}: {e}") from None


def no_constants(name: str) -> Any:
    """json parse_constant hook: NaN, Infinity and -Infinity are not JSON (RFC 8259, §10.1)."""
    raise CaseFileError(f"not valid JSON: {name} is not a JSON number")


#: §10.1: the most bytes a case file may have (256 MiB), in every reader: larger ones are refused unread.
MAX_FILE_BYTES = 1 << 28

#: §10.1: the most arrays and objects open at once (the top-level object counts); a valid case file needs 4.
MAX_DEPTH = 32


def check_strings(value: Any) -> None:
    """§10.1: no string (key or value, at any depth) holds U+0000 or a lone surrogate,
    characters a C string or UTF-8 cannot carry; no more than MAX_DEPTH arrays and objects
    open at once."""
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            depth += 1
            if depth > MAX_DEPTH:
                raise CaseFileError(f"not valid JSON here: nested too deeply (more than {MAX_DEPTH} arrays and "
                                    f"objects open at once)")
            if isinstance(item, dict):
                stack.extend((key, depth) for key in item)
            stack.extend((v, depth) for v in (item.values() if isinstance(item, dict) else item))
        elif isinstance(item, str):
            if "\x00" in item:
                raise CaseFileError(f"not valid JSON here: a \\u0000 (NUL) escape in the string {item[:40]!r}")
            if any("\ud800" <= c <= "\udfff" for c in item):
                raise CaseFileError(f"not valid JSON here: a lone surrogate escape in the string {item[:40]!r}")


def parse_case_text(data: bytes, where: str) -> Any:
    """§10.1: the bytes of a case file as JSON: UTF-8 without a byte-order mark, one value, no
    NaN or Infinity, no key twice, no NUL or lone surrogate in a string; anything else is a CaseFileError naming `where`."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise CaseFileError(f"{where}: not UTF-8 (byte {e.start}); a case file is UTF-8 JSON") from None
    if text.startswith("\ufeff"):
        raise CaseFileError(f"{where}: not valid JSON: it starts with a byte-order mark")
    try:
        value = json.loads(text, object_pairs_hook=no_duplicate_keys, parse_constant=no_constants)
        check_strings(value)
        return value
    except json.JSONDecodeError as e:
        raise CaseFileError(f"{where}: not valid JSON: {e}") from None
    except CaseFileError as e:
        raise CaseFileError(f"{where}: {e}") from None
    except RecursionError:  # far deeper than MAX_DEPTH: Python's json recurses
        raise CaseFileError(f"{where}: not valid JSON here: nested too deeply (more than {MAX_DEPTH} arrays and "
                            f"objects open at once)") from None
    except ValueError as e:  # an integer literal of thousands of digits
        raise CaseFileError(f"{where}: not valid JSON here: {e}") from None


def load_case(path: str | Path) -> Case:
    """Read and check a case file (§10.1)."""
    return case_from_json(parse_case_text(read_case_bytes(path), str(path)), str(path))


def read_case_bytes(path: str | Path) -> bytes:
    """§10.1: a case file's bytes, at most MAX_FILE_BYTES, read as much as it says it has."""
    path = Path(path)
    try:
        if path.exists() and not path.is_file():  # a folder, or a device such as /dev/zero that never ends
            raise CaseFileError(f"{path}: cannot read case file: not a regular file")
        with path.open("rb") as file:
            size = os.fstat(file.fileno()).st_size
            # read(n) takes n bytes at once: as much as the file says it has, the rest only if it has more
            # (a file of /proc says 0, one may grow), so that a short case does not take 256 MiB (issue 25)
            data = file.read(size + 1) if size <= MAX_FILE_BYTES else b""
            if len(data) > size:
                data += file.read(MAX_FILE_BYTES + 1 - len(data))
    except OSError as e:
        raise CaseFileError(f"{path}: cannot read case file: {e.strerror}") from None
    if size > MAX_FILE_BYTES or len(data) > MAX_FILE_BYTES:
        raise CaseFileError(f"{path}: cannot read case file: {max(size, len(data))} bytes, more than the "
                            f"{MAX_FILE_BYTES} (256 MiB) a case file may have")
    return data


def case_to_json(case: Case) -> dict[str, Any]:
    """The case as a case-file object, every key written out (defaults included)."""
    stimulus: dict[str, Any] = {
        "pulses": [{"start": p.start, "stop": p.stop, "amplitude": p.amplitude} for p in case.stimulus.pulses]
    }
    if case.stimulus.waveform is not None:
        stimulus["waveform"] = list(case.stimulus.waveform)
    return {
        "name": case.name,
        "description": case.description,
        "method": case.method,
        "dt": case.dt,
        "steps": case.steps,
        "record_every": case.record_every,
        "temperature": case.temperature,
        "V0": case.V0,
        "parameters": case.params.overrides(),
        "mode": case.mode,
        "stimulus": stimulus,
        "spike_threshold": case.spike_threshold,
    }


#: §13.10: the keys of a cable case file -> (required?, accepted JSON types).
CABLE_KEYS: dict[str, tuple[bool, tuple[type, ...]]] = {
    **{key: CASE_KEYS[key] for key in ("name", "description")},
    "model": (True, (str,)),
    **{key: CASE_KEYS[key] for key in ("dt", "steps", "record_every", "temperature", "V0", "parameters")},
    "radius": (False, (int, float)),
    "R_i": (False, (int, float)),
    "length": (False, (int, float)),
    "nseg": (False, (int,)),
    "sites": (True, (list,)),
    **{key: CASE_KEYS[key] for key in ("stimulus", "spike_threshold")},
    "record_gates": (False, (bool,)),
}
CABLE_PULSE_KEYS = ("node", "start", "stop", "amplitude")


def cable_case_from_json(obj: Any, where: str = "case") -> CableCase:
    """§13.10: a CableCase from a parsed cable case file; errors name `where` and the key."""
    check_case_object(obj, where, CABLE_KEYS)
    if obj["model"] != "cable":
        raise CaseFileError(f"{where}: 'model' must be 'cable', got {obj['model']!r:.40}")
    for j, site in enumerate(obj["sites"]):
        check_type(where, "sites", site, (int,))
    raw = obj.get("stimulus", {})
    check_keys(f"{where}: stimulus", raw, ("pulses",))
    raw_pulses = raw.get("pulses", [])
    check_type(f"{where}: stimulus", "pulses", raw_pulses, (list,))
    pulses = []
    try:
        for j, item in enumerate(raw_pulses):
            at = f"{where}: stimulus.pulses[{j}]"
            if not isinstance(item, dict):
                raise CaseFileError(f"{where}: stimulus: 'pulses' must hold objects, but item {j} is {item!r:.40}")
            check_keys(at, item, CABLE_PULSE_KEYS, CABLE_PULSE_KEYS)
            for key in ("node", "start", "stop"):
                check_type(at, key, item[key], (int,))
            check_type(at, "amplitude", item["amplitude"], (int, float))
            pulses.append(CablePulse(item["node"], item["start"], item["stop"], item["amplitude"]))
        d = CableCase()
        return CableCase(
            name=obj["name"], description=obj.get("description", ""), dt=obj["dt"], steps=obj["steps"],
            record_every=obj.get("record_every", 1), temperature=obj.get("temperature", d.temperature),
            V0=obj.get("V0", d.V0), params=Parameters.from_overrides(parameters_from_json(where, obj.get("parameters", {}))),
            radius=obj.get("radius", d.radius), R_i=obj.get("R_i", d.R_i), length=obj.get("length", d.length),
            nseg=obj.get("nseg", d.nseg), sites=tuple(obj["sites"]), pulses=tuple(pulses),
            spike_threshold=obj.get("spike_threshold", d.spike_threshold), record_gates=obj.get("record_gates", False),
        )
    except CaseFileError:
        raise
    except InvalidInputError as e:
        raise CaseFileError(f"{where}: {e}") from None


def is_cable_file(obj: Any) -> bool:
    """§13.13: a parsed case file is a cable case when it has `model`, or `sites` and no `method`."""
    return isinstance(obj, dict) and ("model" in obj or ("sites" in obj and "method" not in obj))


def load_any_case(path: str | Path) -> Case | CableCase:
    """Read and check a case file of either kind (§13.13): a cable case (§13.10) or a patch case (§10.1)."""
    obj = parse_case_text(read_case_bytes(path), str(path))
    return cable_case_from_json(obj, str(path)) if is_cable_file(obj) else case_from_json(obj, str(path))


def load_cable_case(path: str | Path) -> CableCase:
    """Read and check a cable case file (§13.10, under the rules of §10.1)."""
    return cable_case_from_json(parse_case_text(read_case_bytes(path), str(path)), str(path))
