"""The instruction set the C kernels run: the widest this CPU has, or the one
the environment variable PYHH_ISA forces (for tests and benchmarks).

Every kernel is compiled for AVX-512 (x86-64-v4), AVX2 + FMA (x86-64-v3) and
the compiler's baseline, and c/pyhh.c picks one at run time. The exact kernel
gives the same doubles with each; the fast ones stay within their tolerance.
"""

from __future__ import annotations

import os

from ..reference.errors import InvalidInputError
from . import lib, require

#: The instruction sets, indexed by enum hh_isa (c/pyhh.h); "best" picks at run time.
ISAS = ("best", "portable", "avx2", "avx512")


def isa_available(isa: str) -> bool:
    """True if this build has kernels for `isa` (one of ISAS) and this CPU runs them."""
    require("the C kernels")
    return bool(lib.hh_isa_available(ISAS.index(isa)))


def chosen_isa() -> int:
    """The enum hh_isa that PYHH_ISA names (default "best"); an unknown or unavailable one is an error."""
    name = os.environ.get("PYHH_ISA", "best")
    if name not in ISAS:
        raise InvalidInputError(f"PYHH_ISA = {name!r} is not one of {', '.join(ISAS)}")
    if not isa_available(name):
        raise InvalidInputError(f"PYHH_ISA = {name!r}: this build or this CPU has no {name} kernel")
    return ISAS.index(name)
