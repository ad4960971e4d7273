"""Build hook for the C kernel: everything else is in pyproject.toml."""

from setuptools import setup

setup(cffi_modules=["python/pyhh/cbackend/build.py:ffibuilder"])
