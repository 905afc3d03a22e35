"""Python-side workloads of benchmarks/run.py (run in a dedicated process).

    py_bench.py crud STORE DURABILITY NCREATE NGET      workload 7: ckpt.Client, embedded
    py_bench.py remote ENDPOINT PROJECT AK SK ID N      workload 8: ckpt.Client, remote backend
    py_bench.py sdk ENDPOINT PROJECT AK SK ID N         workload 8: huaweicloudsdkcbr (official SDK)

Needs CKPT_LIBRARY and PYTHONPATH=bindings/python for the first two, and the
official SDK importable for the third.  Prints one JSON object.  Client CPU
time is time.process_time() around the timed loop only (setup excluded).
"""

from __future__ import annotations

import json
import random
import sys
import time
from typing import Any, Callable, Dict, List

RESOURCE_ID = "94eba8b2-acc9-4d82-badc-127144cc5526"


def _runq_wait() -> float:
    """Seconds this thread waited on a run queue (preempted by other processes)."""
    try:
        with open("/proc/thread-self/schedstat") as f:
            return int(f.read().split()[1]) / 1e9
    except (OSError, ValueError, IndexError):
        return 0.0


class _Clocks:
    """Wall, process CPU and run-queue wait over one phase."""

    def __init__(self) -> None:
        self.w0, self.c0, self.q0 = time.perf_counter(), time.process_time(), _runq_wait()

    def stop(self) -> Dict[str, float]:
        return {"wall": time.perf_counter() - self.w0, "cpu": time.process_time() - self.c0,
                "runq": _runq_wait() - self.q0}


def _phase(lat: List[float], clocks: Dict[str, float]) -> Dict[str, Any]:
    n = len(lat)
    total = sum(lat)
    lat.sort()
    return {
        "n": n,
        "seconds": total,
        "wall_seconds": clocks["wall"],
        "cpu_seconds": clocks["cpu"],
        "runqueue_wait_seconds": clocks["runq"],
        "ops_per_s": n / total if total else 0.0,
        "ops_per_cpu_s": n / clocks["cpu"] if clocks["cpu"] else 0.0,
        "p50_us": lat[min(n - 1, int(0.50 * n))] * 1e6,
        "p99_us": lat[min(n - 1, int(0.99 * n))] * 1e6,
    }


def crud(store: str, durability: str, ncreate: int, nget: int) -> Dict[str, Any]:
    import ckpt

    client = ckpt.Client(path=store, durability=durability)
    vault = client.create_vault(
        "bench-vault",
        size_gb=10485760,
        resources=[{"id": RESOURCE_ID, "type": "OS::Nova::Server", "name": "bench-server", "size": 0}],
    )
    vault_id = vault["vault"]["id"]
    ids: List[str] = []
    lat: List[float] = []
    clock = time.perf_counter
    clocks = _Clocks()
    for _ in range(ncreate):
        t0 = clock()
        resp = client.create_checkpoint(vault_id, name="bench")
        lat.append(clock() - t0)
        ids.append(resp["checkpoint"]["id"])
    out: Dict[str, Any] = {"api": "python", "durability": durability, "create": _phase(lat, clocks.stop())}
    rnd = random.Random(12345)
    picks = [ids[rnd.randrange(len(ids))] for _ in range(nget)]
    lat = []
    clocks = _Clocks()
    for cid in picks:
        t0 = clock()
        client.get_checkpoint(cid)
        lat.append(clock() - t0)
    out["get"] = _phase(lat, clocks.stop())
    client.close()
    return out


def _timed_calls(name: str, call: Callable[[], Any], n: int) -> Dict[str, Any]:
    for _ in range(20):  # warm-up: connection set-up and first-use costs
        call()
    lat: List[float] = []
    clock = time.perf_counter
    c0, w0 = time.process_time(), clock()
    for _ in range(n):
        t0 = clock()
        call()
        lat.append(clock() - t0)
    wall, cpu = clock() - w0, time.process_time() - c0
    lat.sort()
    return {
        "client": name,
        "n": n,
        "calls_per_s": n / wall,
        "cpu_us_per_call": cpu / n * 1e6,
        "p50_us": lat[int(0.50 * n)] * 1e6,
        "p99_us": lat[min(n - 1, int(0.99 * n))] * 1e6,
    }


def remote(endpoint: str, project: str, ak: str, sk: str, cid: str, n: int) -> Dict[str, Any]:
    import ckpt

    client = ckpt.Client(backend="remote", endpoint=endpoint, project_id=project, ak=ak, sk=sk)
    result = _timed_calls("libckpt Python (ckpt.Client, remote)", lambda: client.get_checkpoint(cid), n)
    client.close()
    return result


def sdk(endpoint: str, project: str, ak: str, sk: str, cid: str, n: int) -> Dict[str, Any]:
    from huaweicloudsdkcbr.v1 import CbrClient, ShowCheckpointRequest
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.http.http_config import HttpConfig

    config = HttpConfig.get_default_config()
    config.ignore_ssl_verification = True
    client = (
        CbrClient.new_builder()
        .with_http_config(config)
        .with_credentials(BasicCredentials(ak, sk, project))
        .with_endpoints([endpoint])
        .build()
    )

    def call() -> Any:
        resp = client.show_checkpoint(ShowCheckpointRequest(checkpoint_id=cid))
        if resp.checkpoint is None or resp.checkpoint.id != cid:
            raise RuntimeError(f"unexpected SDK response: {resp}")
        return resp

    return _timed_calls("huaweicloudsdkcbr (official SDK, ShowCheckpointRequest)", call, n)


def main(argv: List[str]) -> int:
    cmd = argv[1] if len(argv) > 1 else ""
    if cmd == "crud" and len(argv) == 6:
        result = crud(argv[2], argv[3], int(argv[4]), int(argv[5]))
    elif cmd in ("remote", "sdk") and len(argv) == 8:
        fn = remote if cmd == "remote" else sdk
        result = fn(argv[2], argv[3], argv[4], argv[5], argv[6], int(argv[7]))
    else:
        print(__doc__, file=sys.stderr)
        return 2
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
