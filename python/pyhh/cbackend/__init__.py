"""The C kernel: the C port in c/ (generated from the spec) called through cffi.

    build.py    the cffi build script: compiles c/pyhh.c and the kernels c/pyhh_exact.c, c/pyhh_fast.c
                and c/pyhh_fast32.c, and the cable c/hh_cable.c, into _hh_c
    cable.py    one validated CableCase through hh_run_cable
    isa.py      the instruction set the kernels run (PYHH_ISA)
    single.py   one validated Case through hh_run
    batch.py    validated batch inputs through hh_run_batch, on threads or an executor
    cancel.py   Ctrl-C: the cancel flags the C runs watch, in this process or shared with a pool's workers

`ffi` and `lib` are the raw binding, with the functions of c/pyhh.h. Every input
is validated in Python before it reaches C, so the C checks never fire on this
path; they guard C callers who bypass Python.
"""

from __future__ import annotations

from ..reference.errors import PyhhError

try:
    from ._hh_c import ffi, lib
except ImportError as e:  # pragma: no cover - only without a C compiler at install time
    ffi = lib = None
    IMPORT_ERROR: ImportError | None = e
else:
    IMPORT_ERROR = None


def available() -> bool:
    """True when the extension module was built."""
    return lib is not None


def require(what: str) -> None:
    """Raise a PyhhError saying that `what` needs the C backend, if it was not built."""
    if lib is None:
        raise PyhhError(f"{what} needs the C backend, which is not built ({IMPORT_ERROR}); "
                        "reinstall pyhh with a C compiler")
