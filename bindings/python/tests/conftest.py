from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Tuple

import pytest

import support


def pytest_report_header(config: pytest.Config) -> str:
    return f"libckpt under test: {support.library() or 'none found (library tests skipped)'}"


@pytest.fixture
def client() -> Iterator[Any]:
    """A client on a private in-memory store."""
    ckpt = support.import_ckpt()
    with ckpt.Client(path=":memory:") as c:
        yield c


@pytest.fixture(params=["memory", "file"])
def any_client(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A client on ":memory:", then on a store file under tmp_path."""
    ckpt = support.import_ckpt()
    path = ":memory:" if request.param == "memory" else str(tmp_path / "store.db")
    with ckpt.Client(path=path) as c:
        yield c


VaultFactory = Callable[..., Tuple[Dict[str, Any], List[Dict[str, Any]]]]


@pytest.fixture
def make_vault(client: Any) -> VaultFactory:
    """make_vault(size_gb=10, resources=[...]) -> (vault, resources) on `client`."""

    def make(size_gb: int = 10, resources: Any = None, c: Any = None) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
        res = resources if resources is not None else [support.server()]
        vault = (c or client).create_vault("vault", size_gb=size_gb, resources=res)["vault"]
        return vault, res

    return make
