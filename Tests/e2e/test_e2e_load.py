"""`ckpt serve` under concurrent load: the correctness rules of the load
workload (issue 14), on a short run.  The throughput figures are `make
bench`'s (workload 13); here only what must hold at any speed:

- no 5xx and no dropped connection;
- every create the server acknowledged is readable afterwards;
- the server's resident memory stays under twice its size after a warm-up.
"""

from __future__ import annotations

import http.client
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any, Dict

import pytest

import e2e_helpers as h
from e2e_helpers import TOKEN


@pytest.fixture(scope="module")
def load_bin(tmp_path_factory: Any) -> str:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.fail("a C compiler is needed to build benchmarks/load.c")
    out = tmp_path_factory.mktemp("load") / "load"
    subprocess.run([cc, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-pthread",
                    str(h.REPO / "benchmarks" / "load.c"), "-o", str(out), "-ljansson"],
                   check=True, capture_output=True, timeout=120)
    return str(out)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def run_load(load_bin: str, server: h.Serve, project: str, seconds: float, clients: int,
             ids_out: Path) -> Dict[str, Any]:
    out = subprocess.run([load_bin, str(server.port), project, TOKEN, str(seconds), str(clients), str(ids_out)],
                         capture_output=True, text=True, timeout=seconds + 120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_concurrent_load_keeps_every_rule(load_bin: str, server: h.Serve, project: str, tmp_path: Path) -> None:
    warm = run_load(load_bin, server, project, 1.5, 8, tmp_path / "warm-ids")
    assert warm["status_5xx"] == 0 and warm["dropped"] == 0, warm
    warm_rss = rss_kib(server.proc.pid)

    result = run_load(load_bin, server, project, 4.0, 32, tmp_path / "ids")
    assert result["requests"] > 500, result  # it did run
    assert result["status_5xx"] == 0 and result["dropped"] == 0 and result["status_other"] == 0, result
    assert result["status_4xx"] == 0, result
    peak_rss = rss_kib(server.proc.pid)
    assert peak_rss < 2 * warm_rss, (warm_rss, peak_rss)

    ids = (tmp_path / "ids").read_text().split()
    assert len(ids) == result["acknowledged_creates"] and len(ids) >= 8
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=h.HTTP_TIMEOUT)
    try:
        for cid in ids:
            a = h.request(server.port, "GET", f"/v3/{project}/checkpoints/{cid}", None,
                          {"X-Auth-Token": TOKEN}, connection=conn)
            assert a.status == 200 and a.json["checkpoint"]["id"] == cid, a
    finally:
        conn.close()
