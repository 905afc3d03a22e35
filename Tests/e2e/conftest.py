"""Fixtures of the end-to-end tests: `ckpt serve` (the emulator server) as a
subprocess on 127.0.0.1 and a free port, libckpt's remote backend (through
the ctypes binding) and the official Huawei Cloud SDK against it.

Environment:
  CKPT_LIBRARY  the built libckpt.so.1 (default build/lib/libckpt.so.1)
  CKPT_BIN      the built ckpt CLI (default build/bin/ckpt, then .build/*/ckpt-cli)

Every server a test starts is stopped with SIGTERM at the end, and must
exit with status 0 (a graceful shutdown).
"""

from __future__ import annotations

import secrets
import signal
import sys
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import e2e_helpers as h  # noqa: E402

sys.path.insert(0, str(h.BINDING))

from e2e_helpers import AK, AK2, SECRETS, SK, SK2, TOKEN, TOKEN2  # noqa: E402



def pytest_report_header(config: pytest.Config) -> List[str]:
    return [f"libckpt under test: {h.library() or 'none found'}", f"ckpt CLI under test: {h.cli() or 'none found'}"]


@pytest.fixture(scope="session")
def ckpt_bin() -> str:
    path = h.cli()
    if path is None or not Path(path).exists():
        pytest.skip(f"no ckpt CLI: set CKPT_BIN or build it (looked for {path or 'build/bin/ckpt, .build/*/ckpt-cli'})")
    return path


@pytest.fixture(scope="session")
def ckpt() -> Any:
    """The ctypes binding, loaded on the library under test."""
    if h.library() is None:
        pytest.skip("no libckpt: set CKPT_LIBRARY or run `make lib` (build/lib/libckpt.so.1)")
    import ckpt as module

    return module


@pytest.fixture
def store(tmp_path: Path) -> str:
    return str(tmp_path / "store.db")


ServeFactory = Callable[..., h.Serve]


@pytest.fixture
def serve(ckpt_bin: str, store: str, tmp_path: Path) -> Iterator[ServeFactory]:
    """serve(*args, store=..., env=...) starts `ckpt serve`; all are stopped
    with SIGTERM afterwards and must exit 0."""
    started: List[h.Serve] = []

    def start(*args: str, store_path: Optional[str] = None, env: Optional[Dict[str, str]] = None) -> h.Serve:
        s = h.Serve(ckpt_bin, store_path or store, list(args), tmp_path, env=env)
        started.append(s)
        return s

    yield start
    failures = []
    for s in started:
        if s.returncode is None:
            try:
                rc = s.stop(signal.SIGTERM)
            except AssertionError as e:  # pragma: no cover - reported below
                failures.append(str(e))
                continue
            if rc != 0:
                failures.append(f"ckpt serve exited {rc} after SIGTERM; stderr:\n{s.stderr()}")
        leaked = [x for x in SECRETS if x in s.output()]
        if leaked:
            failures.append("ckpt serve printed a secret")
    assert not failures, failures


@pytest.fixture
def credentials_file(tmp_path: Path) -> str:
    """Two tokens and two AK/SK pairs as a --credentials-file (mode 600)."""
    return h.write_credentials(tmp_path / "credentials.json", tokens=[TOKEN, TOKEN2],
                               keys=[(AK, SK), (AK2, SK2)])


@pytest.fixture
def server(serve: ServeFactory, credentials_file: str) -> h.Serve:
    """A server with two tokens and two AK/SK pairs, from a credentials
    file: no secret on its command line."""
    return serve("--credentials-file", credentials_file)


@pytest.fixture
def project() -> str:
    return "e2e" + secrets.token_hex(8)


RemoteFactory = Callable[..., Any]


@pytest.fixture
def remote(ckpt: Any, server: h.Serve, project: str) -> Iterator[RemoteFactory]:
    """remote(mode="token", project_id=...) -> a remote-backend Client on `server`."""
    clients: List[Any] = []

    def make(mode: str = "token", project_id: Optional[str] = None, target: Optional[h.Serve] = None,
             **config: Any) -> Any:
        cfg: Dict[str, Any] = {
            "backend": "remote",
            "endpoint": (target or server).url,
            "project_id": project_id or project,
            "timeout_ms": 20000,
            "connect_timeout_ms": 5000,
        }
        cfg.update(h.AUTH_MODES[mode])
        cfg.update(config)
        c = ckpt.Client(cfg)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()


LocalFactory = Callable[..., Any]


@pytest.fixture
def local(ckpt: Any, store: str, project: str) -> Iterator[LocalFactory]:
    """local(project_id=..., simulate=...) -> an embedded Client on the server's store file."""
    clients: List[Any] = []

    def make(project_id: Optional[str] = None, **config: Any) -> Any:
        c = ckpt.Client(path=store, project_id=project_id or project, **config)
        clients.append(c)
        return c

    yield make
    for c in clients:
        c.close()
