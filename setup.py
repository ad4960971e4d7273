"""Build hook for the C kernel and the golden data: everything else is in pyproject.toml."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class build_py_with_golden(build_py):
    """Also copy the checkout's golden/ and spec/ into the built package as pyhh/data/, so
    that an installed pyhh (a wheel) has them; the checkout's copies stay the only source,
    and pyhh uses them whenever it runs from the checkout."""

    def run(self):
        super().run()
        for name in ("golden", "spec"):
            target = Path(self.build_lib) / "pyhh" / "data" / name
            if target.exists():
                shutil.rmtree(target)
            shutil.copytree(ROOT / name, target)


setup(cffi_modules=["python/pyhh/cbackend/build.py:ffibuilder"], cmdclass={"build_py": build_py_with_golden})
