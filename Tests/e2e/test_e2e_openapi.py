"""`ckpt serve`'s OpenAPI document (`/openapi.json`, generated from the
operation table), and schemathesis's stateless checks against the emulator
with it (issue 14): no server error, no answer outside the document.

schemathesis comes from PyPI into build/venv-schemathesis (made on first
use); the number of examples per operation is bounded, so the run takes
well under a minute.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict

import pytest

import e2e_helpers as h
from e2e_helpers import TOKEN

VENV = h.REPO / "build" / "venv-schemathesis"
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance")


def schemathesis() -> str:
    exe = VENV / "bin" / "schemathesis"
    if not exe.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=300)
        pip = subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", "schemathesis"], capture_output=True,
                             text=True, timeout=900)
        if pip.returncode != 0:
            pytest.fail(f"cannot install schemathesis from PyPI: {pip.stderr.strip()[-500:]}")
    return str(exe)


def document(server: h.Serve) -> Dict[str, Any]:
    a = h.request(server.port, "GET", "/openapi.json")  # no credentials: the description is public
    assert a.status == 200, a
    assert a.headers["content-type"].startswith("application/json")
    return a.json


def test_the_document_describes_every_served_operation(server: h.Serve, ckpt_bin: str) -> None:
    doc = document(server)
    assert doc["openapi"].startswith("3.")
    table = json.loads(subprocess.run([ckpt_bin, "operations"], capture_output=True, text=True, check=True,
                                      timeout=60).stdout)
    assert doc["info"]["version"] == table["version"]
    served = {(op["method"].lower(), op["path"]): op for op in table["operations"] if op["kind"] == "service"}
    described = {(m, p): o for p, item in doc["paths"].items() for m, o in item.items()}
    assert set(described) == set(served)
    for key, op in served.items():
        o = described[key]
        assert o["operationId"] == op["name"] and o["summary"] == op["summary"]
        assert str(op["success"]) in o["responses"] and "default" in o["responses"]
        names = [p["name"] for p in o["parameters"] if p["in"] == "path"]
        assert names == [seg[1:-1] for seg in op["path"].split("/") if seg.startswith("{")]
    # What a list takes is its query.
    backups = described[("get", "/v3/{project_id}/backups")]
    query = {p["name"] for p in backups["parameters"] if p["in"] == "query"}
    assert {"vault_id", "checkpoint_id", "status", "limit", "offset", "marker", "sort"} <= query


def test_schemathesis_stateless_checks(server: h.Serve, tmp_path: Path) -> None:
    exe = schemathesis()
    env = dict(os.environ)
    env.pop("SCHEMATHESIS_HOOKS", None)
    out = subprocess.run(
        [exe, "run", f"{server.url}/openapi.json", "--header", f"X-Auth-Token: {TOKEN}",
         "--phases", "examples,coverage,fuzzing", "--max-examples", "25", "--checks", CHECKS,
         "--generation-deterministic", "--request-timeout", "20", "--no-color"],
        capture_output=True, text=True, timeout=900, cwd=tmp_path, env=env)
    report = out.stdout[-6000:] + out.stderr[-2000:]
    assert out.returncode == 0, report
    counts = re.search(r"(\d+) generated, (\d+) passed\s*$", out.stdout, re.MULTILINE)
    assert counts and int(counts.group(1)) == int(counts.group(2)) > 500, report
    assert TOKEN not in h.Serve.output(server)
