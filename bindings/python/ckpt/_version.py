"""The binding's version: its major must equal the loaded libckpt's major.

The version is written once, in include/ckpt.h (CKPT_VERSION_MAJOR, _MINOR
and _PATCH).  Building the package (setup.py) reads it from there and writes
``_build_version.py`` into the built package; a source checkout used in
place (``PYTHONPATH=bindings/python``) reads the header of its repository.
"""

import os
import re

__all__ = ["__version__", "header_version"]


def header_version(path: str) -> str:
    """``"MAJOR.MINOR.PATCH"`` from the ``CKPT_VERSION_*`` macros of ckpt.h."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        m = re.search(r"^#define CKPT_VERSION_%s\s+(\d+)\s*$" % part, text, re.M)
        if m is None:
            raise ValueError(f"{path}: no #define CKPT_VERSION_{part}")
        parts.append(m.group(1))
    return ".".join(parts)


def _version() -> str:
    try:
        from ._build_version import __version__ as built  # written by setup.py
    except ImportError:
        pass
    else:
        return built
    # A source checkout: its repository's header, or $CKPT_HEADER (setup.py
    # building from a copy of the binding, as `make wheel` does).
    header = os.environ.get("CKPT_HEADER") or os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "include", "ckpt.h")
    return header_version(header)


__version__ = _version()
