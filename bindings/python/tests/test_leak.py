"""Memory: 100,000 calls through the binding leave the RSS flat.

Runs in the default suite (`make test`).  The numbers are printed; see them
with `pytest -s`.
"""

from __future__ import annotations

import gc
import os
from typing import Any

import pytest

from support import import_ckpt, new_id, server

ckpt = import_ckpt()

TOTAL = 100_000
WARM_UP = 5_000
MAX_GROWTH = 8 * 1024 * 1024


def rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def mixed_calls(c: Any, checkpoint_id: str, missing: str, n: int) -> int:
    """n calls: a successful get, then a failing one, alternately."""
    failures = 0
    for i in range(n):
        if i % 2:
            try:
                c.get_checkpoint(missing)
            except ckpt.NotFoundError:
                failures += 1
        else:
            c.get_checkpoint(checkpoint_id)
    return failures


@pytest.mark.leak
@pytest.mark.skipif(not os.path.exists("/proc/self/statm"), reason="needs /proc/self/statm")
def test_rss_stays_flat_over_100k_calls() -> None:
    with ckpt.Client(path=":memory:") as c:
        vault = c.create_vault("leak", size_gb=10, resources=[server()])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        missing = new_id()
        failures = mixed_calls(c, cp["id"], missing, WARM_UP)
        gc.collect()
        before = rss_bytes()
        failures += mixed_calls(c, cp["id"], missing, TOTAL - WARM_UP)
        gc.collect()
        after = rss_bytes()
    assert failures == TOTAL // 2
    growth = after - before
    print(f"\nleak test: {TOTAL} calls ({TOTAL // 2} failing); RSS after {WARM_UP}-call warm-up "
          f"{before / 2**20:.2f} MiB, at the end {after / 2**20:.2f} MiB, growth {growth / 2**10:.0f} KiB")
    assert growth < MAX_GROWTH
