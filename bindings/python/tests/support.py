"""Locating the library under test, and small builders shared by the tests.

The Makefile sets CKPT_LIBRARY to the freshly built build/lib/libckpt.so.1.
Run by hand without it, the tests use that same file when it exists, and
skip the library tests (loudly, with the reason) when it does not.
"""

from __future__ import annotations

import datetime
import os
import types
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence

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


VOLUME = "OS::Cinder::Volume"


def volume(size: int = 1, name: str = "volume") -> Dict[str, Any]:
    """A vault resource: a volume of `size` GB with a fresh UUID."""
    return {"id": str(uuid.uuid4()), "type": VOLUME, "name": name, "size": size}


def parse_time(text: str) -> datetime.datetime:
    """A libckpt time (``YYYY-MM-DDTHH:MM:SS.ffffff``, UTC, no zone) as an
    aware datetime."""
    return datetime.datetime.fromisoformat(text).replace(tzinfo=datetime.timezone.utc)


def offset_to(when: datetime.datetime) -> int:
    """The ``simulate.clock_offset_ms`` that makes a handle opened now
    create objects at about ``when`` (aware, or naive meaning UTC)."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    return int((when - datetime.datetime.now(datetime.timezone.utc)).total_seconds() * 1000)


def client_at(ckpt: Any, path: str, when: Optional[datetime.datetime] = None, **simulate: Any) -> Any:
    """A client on the store file `path` whose clock reads about `when`
    (None: the real clock), with more ``simulate`` keys."""
    if when is not None:
        simulate["clock_offset_ms"] = offset_to(when)
    return ckpt.Client(path=path, simulate=simulate)


def ids(items: Sequence[Dict[str, Any]]) -> List[str]:
    return [item["id"] for item in items]


def _sort_value(item: Dict[str, Any], key: str) -> Any:
    if key == "status" and "billing" in item:
        return item["billing"]["status"]  # a vault's status
    value = item[key]
    if key in ("created_at", "updated_at", "protected_at"):
        # protected_at is null until a backup is available: it sorts first.
        return parse_time(value) if value is not None else datetime.datetime.min.replace(tzinfo=datetime.timezone.utc)
    return value


def model_sort(items: Sequence[Dict[str, Any]], sort: str = "created_at:desc") -> List[Dict[str, Any]]:
    """SPEC 6.2's order: each key in its direction (default desc), then id
    in the last key's direction."""
    keys = []
    for part in sort.split(","):
        key, _, direction = part.partition(":")
        keys.append((key, direction == "asc"))
    out = sorted(items, key=lambda x: x["id"], reverse=not keys[-1][1])
    for key, ascending in reversed(keys):
        out.sort(key=lambda x: _sort_value(x, key), reverse=not ascending)  # stable
    return out
