"""Build script: the version comes from include/ckpt.h, where it is written once.

``CKPT_HEADER`` may name the header when the package is built outside the
repository.  The built package carries the version in ``_build_version.py``.
"""

import importlib.util
import os

import setuptools
from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.environ.get("CKPT_HEADER") or os.path.join(HERE, "..", "..", "include", "ckpt.h")

_spec = importlib.util.spec_from_file_location("_ckpt_version", os.path.join(HERE, "ckpt", "_version.py"))
_reader = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_reader)  # its fallback finds the same header
VERSION = _reader.header_version(HEADER)


class BuildPy(build_py):
    """build_py, plus ckpt/_build_version.py holding the header's version."""

    def run(self) -> None:
        super().run()
        target = os.path.join(self.build_lib, "ckpt", "_build_version.py")
        with open(target, "w", encoding="utf-8") as f:
            f.write(f'"""Written by setup.py from include/ckpt.h."""\n\n__version__ = "{VERSION}"\n')


# A wheel with libckpt.so.1 copied into ckpt/ (make wheel does that) is a
# platform wheel, py3-none-linux_x86_64: the module is pure Python (ctypes), so
# any Python 3 takes it, but the library is one machine's.  auditwheel then
# bundles the C libraries it needs and gives it its manylinux tag.
PACKAGED_LIBRARY = os.path.exists(os.path.join(HERE, "ckpt", "libckpt.so.1"))

try:
    from setuptools.command.bdist_wheel import bdist_wheel
except ImportError:  # setuptools < 70.1
    from wheel.bdist_wheel import bdist_wheel


class Distribution(setuptools.Distribution):
    """Counts the packaged library as a binary part, so the files go to platlib."""

    def has_ext_modules(self) -> bool:
        return PACKAGED_LIBRARY


class BdistWheel(bdist_wheel):
    """bdist_wheel, tagged py3-none-PLATFORM: the module runs on any Python 3."""

    def get_tag(self):
        python, abi, plat = super().get_tag()
        return ("py3", "none", plat) if PACKAGED_LIBRARY else (python, abi, plat)


setup(version=VERSION, distclass=Distribution, cmdclass={"build_py": BuildPy, "bdist_wheel": BdistWheel})
