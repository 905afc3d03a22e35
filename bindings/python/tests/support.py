"""Locating the library under test, and small builders shared by the tests.

The Makefile sets CKPT_LIBRARY to the freshly built build/lib/libckpt.so.1.
Run by hand without it, the tests use that same file when it exists, and
skip the library tests (loudly, with the reason) when it does not.
"""

from __future__ import annotations

import os
import types
import uuid
from pathlib import Path
from typing import Any, Dict, Optional

import pytest

REPO = Path(__file__).resolve().parents[3]
BUILT = REPO / "build" / "lib" / "libckpt.so.1"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]

SERVER = "OS::Nova::Server"


def library() -> Optional[str]:
    """The library the tests run against: $CKPT_LIBRARY, else the build's."""
    env = os.environ.get("CKPT_LIBRARY")
    if env:
        return env
    if BUILT.exists():
        os.environ["CKPT_LIBRARY"] = str(BUILT)
        return str(BUILT)
    return None


def import_ckpt() -> types.ModuleType:
    """Import the package, or skip the calling module when there is no
    library at all.  A library that exists but fails to load is an error."""
    if library() is None:
        pytest.skip(f"no libckpt: set CKPT_LIBRARY or run `make build` ({BUILT})", allow_module_level=True)
    import ckpt

    return ckpt


def server(size: int = 1, name: str = "server") -> Dict[str, Any]:
    """A vault resource: a server of `size` GB with a fresh UUID."""
    return {"id": str(uuid.uuid4()), "type": SERVER, "name": name, "size": size}


def new_id() -> str:
    return str(uuid.uuid4())
