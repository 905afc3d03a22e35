"""Build script: the version comes from include/ckpt.h, where it is written once.

``CKPT_HEADER`` may name the header when the package is built outside the
repository.  The built package carries the version in ``_build_version.py``.
"""

import importlib.util
import os

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


setup(version=VERSION, cmdclass={"build_py": BuildPy})
