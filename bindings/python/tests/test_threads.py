"""One Client shared by many threads."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Dict, List

import pytest

from support import import_ckpt, new_id, server

ckpt = import_ckpt()

THREADS = 8
CALLS = 200


@pytest.mark.parametrize("store", ["memory", "file"])
def test_threads_share_one_client(store: str, tmp_path: Path) -> None:
    path = ":memory:" if store == "memory" else str(tmp_path / "store.db")
    c = ckpt.Client(path=path, durability="normal")
    resources = [server(size=0, name=f"s{i}") for i in range(THREADS)]
    vault = c.create_vault("shared", size_gb=100, resources=resources)["vault"]
    barrier = threading.Barrier(THREADS)
    failures: List[BaseException] = []
    counts: Dict[int, Dict[str, int]] = {}

    def worker(n: int) -> None:
        mine = {"created": 0, "got": 0, "not_found": 0, "vault": 0}
        counts[n] = mine
        resource = resources[n]["id"]
        last = None
        try:
            barrier.wait()
            for i in range(CALLS):
                kind = i % 4
                if kind == 0:
                    last = c.create_checkpoint(vault["id"], resources=[resource], name=f"t{n}-{i}")["checkpoint"]
                    assert last["vault"]["resources"][0]["id"] == resource
                    mine["created"] += 1
                elif kind == 1:
                    assert last is not None
                    got = c.get_checkpoint(last["id"])["checkpoint"]
                    assert got["id"] == last["id"] and got["extra_info"]["name"] == f"t{n}-{i - 1}"
                    mine["got"] += 1
                elif kind == 2:
                    try:
                        c.get_checkpoint(new_id())
                    except ckpt.NotFoundError as e:
                        assert e.status_code == 404
                        mine["not_found"] += 1
                else:
                    assert c.get_vault(vault["id"])["vault"]["id"] == vault["id"]
                    mine["vault"] += 1
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    c.close()
    assert not failures, failures[:3]
    assert all(v == {"created": CALLS // 4, "got": CALLS // 4, "not_found": CALLS // 4, "vault": CALLS // 4}
               for v in counts.values()), counts
    assert len(counts) == THREADS


def test_close_racing_with_calls() -> None:
    """Threads keep calling while another closes: every call either
    completes or is refused with ValueError; nothing crashes."""
    c = ckpt.Client(path=":memory:")
    vault = c.create_vault("v", size_gb=10, resources=[server()])["vault"]
    started = threading.Barrier(THREADS + 1)
    outcomes: List[Dict[str, int]] = []
    failures: List[BaseException] = []

    def worker() -> None:
        mine = {"ok": 0, "closed": 0}
        outcomes.append(mine)
        started.wait()
        try:
            while True:
                try:
                    c.get_vault(vault["id"])
                    mine["ok"] += 1
                except ValueError:
                    mine["closed"] += 1
                    return
        except BaseException as e:
            failures.append(e)

    threads = [threading.Thread(target=worker) for _ in range(THREADS)]
    for t in threads:
        t.start()
    started.wait()
    closers = [threading.Thread(target=c.close) for _ in range(3)]
    for t in closers:
        t.start()
    for t in closers + threads:
        t.join(30)
    assert not failures, failures[:3]
    assert all(o["closed"] == 1 for o in outcomes)
    assert c.closed and c._handle._address is None
