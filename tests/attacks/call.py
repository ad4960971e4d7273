"""Run one of api.json's calls: `python call.py ENTRY_JSON` prints what it raised as JSON (the
runner in tests/test_attacks.py calls `outcome` in its own process, or this in a child under a
hang guard)."""

from __future__ import annotations

import importlib
import json
import sys


def outcome(call: str, args: list, kwargs: dict) -> dict:
    """Call pyhh's function `call` (module.name): {"raises": the name of the exception's class,
    "message": its message}, or {"raises": None, "message": "returned"}."""
    module, name = call.rsplit(".", 1)
    if not module.startswith("pyhh"):
        raise ValueError(f"{call}: not pyhh's")
    function = getattr(importlib.import_module(module), name)
    try:
        function(*args, **kwargs)
    except Exception as e:  # every exception is data here: the runner checks its class
        return {"raises": type(e).__name__, "message": str(e)}
    return {"raises": None, "message": "returned"}


if __name__ == "__main__":
    entry = json.loads(sys.argv[1])
    print(json.dumps(outcome(entry["call"], entry["args"], entry["kwargs"])))
