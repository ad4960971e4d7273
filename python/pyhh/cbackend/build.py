"""cffi build script (API, out-of-line mode) for the C kernel in c/.

setup.py names it in cffi_modules, so `pip install .` compiles c/pyhh.c (the
engine), the kernels c/pyhh_exact.c, c/pyhh_fast.c and c/pyhh_fast32.c and the cable c/hh_cable.c into
the extension module pyhh.cbackend._hh_c. The declarations come from c/pyhh.h itself
(the part between its cffi-begin and cffi-end markers), never retyped here.
"""

from __future__ import annotations

import os
from pathlib import Path

from cffi import FFI

C_DIR = Path(__file__).resolve().parents[3] / "c"

#: The engine and the three kernels (c/pyhh.h's internal part names them).
SOURCES = ("pyhh.c", "pyhh_exact.c", "pyhh_fast.c", "pyhh_fast32.c", "hh_cable.c")

#: Strict IEEE arithmetic, so results equal the Python reference's bit for bit (spec §11.1).
COMPILE_ARGS = ["-std=c99", "-O3", "-ffp-contract=off", "-fno-fast-math"]


def declarations(header: Path = C_DIR / "pyhh.h") -> str:
    """The header's declarations between the cffi-begin and cffi-end markers."""
    text = header.read_text()
    start = text.index("cffi-begin")
    start = text.index("\n", start) + 1
    return text[start:text.index("/* cffi-end */")]


ffibuilder = FFI()
ffibuilder.cdef(declarations())
ffibuilder.set_source(
    "pyhh.cbackend._hh_c",
    '#include "pyhh.h"',
    # setuptools wants paths relative to setup.py's folder, the working directory of a build.
    sources=[os.path.relpath(C_DIR / name) for name in SOURCES],
    include_dirs=[os.path.relpath(C_DIR)],
    extra_compile_args=COMPILE_ARGS,
    libraries=["m"],
)

if __name__ == "__main__":
    ffibuilder.compile(verbose=True)
