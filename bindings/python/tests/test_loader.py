"""Loading the library, the version check, and the ownership rules.

Each case runs in a fresh interpreter, since the package binds the library
once, at import.  The fake library (fake_libckpt.c) needs a C compiler.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Dict, Optional

import pytest

import support


def run(code: str, env: Dict[str, str], cwd: Path, pythonpath: Optional[Path] = None) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("CKPT_LIBRARY", "LD_LIBRARY_PATH")}
    full.update(env)
    full["PYTHONPATH"] = str(pythonpath or support.PACKAGE_ROOT)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], env=full, cwd=cwd,
                          capture_output=True, text=True, timeout=60)


IMPORT_ERROR = textwrap.dedent("""
    try:
        import ckpt
    except ImportError as e:
        print("IMPORTERROR")
        print(e)
    else:
        print("LOADED", ckpt.library_path)
""")


def compile_fake(out: Path, *defines: str) -> Path:
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        pytest.skip("no C compiler for the fake library")
    src = Path(__file__).with_name("fake_libckpt.c")
    subprocess.run([cc, "-shared", "-fPIC", "-O1", *defines, "-o", str(out), str(src)], check=True)
    return out


@pytest.fixture(scope="module")
def fake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return compile_fake(tmp_path_factory.mktemp("fake") / "libckpt.so.1")


def test_env_pointing_at_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "libckpt.so.1"
    p = run(IMPORT_ERROR, {"CKPT_LIBRARY": str(missing)}, tmp_path)
    assert p.stdout.startswith("IMPORTERROR"), p.stdout + p.stderr
    assert str(missing) in p.stdout
    assert "CKPT_LIBRARY" in p.stdout


def test_nothing_found_lists_every_attempt(tmp_path: Path) -> None:
    code = textwrap.dedent("""
        import ctypes, ctypes.util
        try:
            ctypes.CDLL("libckpt.so.1")
        except OSError:
            pass
        else:
            print("INSTALLED")
            raise SystemExit
        ctypes.util.find_library = lambda name: None
    """) + IMPORT_ERROR
    p = run(code, {}, tmp_path)
    if p.stdout.startswith("INSTALLED"):
        pytest.skip("libckpt.so.1 is installed system-wide")
    assert p.stdout.startswith("IMPORTERROR"), p.stdout + p.stderr
    for fragment in ("$CKPT_LIBRARY: not set", "libckpt.so.1: not present", 'find_library("ckpt"): not found',
                     "libckpt.so.1 (the soname"):
        assert fragment in p.stdout


def test_major_version_mismatch(tmp_path: Path) -> None:
    lib = compile_fake(tmp_path / "libckpt.so.1", '-DFAKE_VERSION="2.0.0"')
    p = run(IMPORT_ERROR, {"CKPT_LIBRARY": str(lib)}, tmp_path)
    assert p.stdout.startswith("IMPORTERROR"), p.stdout + p.stderr
    assert "libckpt 2.0.0" in p.stdout and "needs libckpt 1.x" in p.stdout


def test_minor_version_difference_is_accepted(tmp_path: Path) -> None:
    lib = compile_fake(tmp_path / "libckpt.so.1", '-DFAKE_VERSION="1.7.3"')
    p = run(IMPORT_ERROR, {"CKPT_LIBRARY": str(lib)}, tmp_path)
    assert p.stdout.startswith("LOADED"), p.stdout + p.stderr


def test_missing_symbol(tmp_path: Path) -> None:
    lib = compile_fake(tmp_path / "libckpt.so.1", "-DFAKE_ONLY_VERSION")
    p = run(IMPORT_ERROR, {"CKPT_LIBRARY": str(lib)}, tmp_path)
    assert p.stdout.startswith("IMPORTERROR"), p.stdout + p.stderr
    assert "does not export ckpt_" in p.stdout


def copy_package(tree: Path) -> None:
    """The package as setup.py installs it: its modules plus the
    ``_build_version.py`` that carries the header's version."""
    shutil.copytree(support.PACKAGE_ROOT / "ckpt", tree / "ckpt", ignore=shutil.ignore_patterns("__pycache__"))
    spec = importlib.util.spec_from_file_location("_ckpt_version", support.PACKAGE_ROOT / "ckpt" / "_version.py")
    reader = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(reader)  # type: ignore[union-attr]
    version = reader.header_version(str(support.PACKAGE_ROOT.parents[1] / "include" / "ckpt.h"))
    (tree / "ckpt" / "_build_version.py").write_text(f'__version__ = "{version}"\n')


def test_packaged_library_is_found(tmp_path: Path, fake: Path) -> None:
    tree = tmp_path / "site"
    copy_package(tree)
    shutil.copy(fake, tree / "ckpt" / "libckpt.so.1")
    p = run(IMPORT_ERROR, {}, tmp_path, pythonpath=tree)
    assert p.stdout.strip() == f"LOADED {tree / 'ckpt' / 'libckpt.so.1'}", p.stdout + p.stderr


def test_env_takes_precedence_over_packaged(tmp_path: Path, fake: Path) -> None:
    tree = tmp_path / "site"
    copy_package(tree)
    shutil.copy(fake, tree / "ckpt" / "libckpt.so.1")
    other = tmp_path / "other.so"
    shutil.copy(fake, other)
    p = run(IMPORT_ERROR, {"CKPT_LIBRARY": str(other)}, tmp_path, pythonpath=tree)
    assert p.stdout.strip() == f"LOADED {other}", p.stdout + p.stderr


OWNERSHIP = """
    import ctypes, json, os, uuid
    import ckpt
    fake = ctypes.CDLL(os.environ["CKPT_LIBRARY"])
    out = {}
    def attempt(name, f):
        try:
            out[name] = {"ok": f()}
        except Exception as e:
            out[name] = {"type": type(e).__name__, "str": str(e),
                         "dict": e.to_dict() if isinstance(e, ckpt.Error) else None}
    attempt("open_bad", lambda: ckpt.Client(bad=1))
    c = ckpt.Client({"path": "x"}, durability="normal")
    attempt("call", lambda: c.call("any.thing", {"a": [1, False, None]}))
    attempt("call_none", lambda: c.call("any.thing"))
    attempt("garbage", lambda: c.call("fail.garbage"))
    attempt("no_object", lambda: c.call("fail.no_object"))
    attempt("remote", lambda: c.call("fail.remote"))
    attempt("nul", lambda: c.call("vault.get\\0x"))
    V, R = str(uuid.uuid4()), str(uuid.uuid4())
    attempt("create_vault", lambda: c.create_vault("v", size_gb=5, resources=[{"id": R, "type": "OS::Nova::Server", "name": "s", "size": 1}], description="d", backup_policy_id="p"))
    attempt("create_vault_min", lambda: c.create_vault("v", size_gb=5))
    attempt("get_vault", lambda: c.get_vault(uuid.UUID(V)))
    attempt("set_vault_status", lambda: c.set_vault_status(V, "frozen"))
    attempt("create_policy", lambda: c.create_policy("p", resources=[{"id": R, "type": "OS::Nova::Server", "name": "s"}]))
    attempt("get_policy", lambda: c.get_policy(V))
    attempt("execute_policy", lambda: c.execute_policy(V))
    attempt("execute_policy_full", lambda: c.execute_policy(V, resources=[R], auto_trigger=False))
    attempt("get_policy_checkpoint", lambda: c.get_policy_checkpoint(V))
    attempt("create_checkpoint_min", lambda: c.create_checkpoint(V))
    attempt("create_checkpoint_false", lambda: c.create_checkpoint(V, incremental=False, auto_trigger=False))
    attempt("create_checkpoint_all", lambda: c.create_checkpoint(V, resources=[R], name="n", description="", incremental=True, auto_trigger=True))
    attempt("get_checkpoint", lambda: c.get_checkpoint(V))
    attempt("set_checkpoint_status", lambda: c.set_checkpoint_status(V, "error"))
    attempt("wait", lambda: c.wait_checkpoint(V, timeout=1.5))
    import datetime
    utc2 = datetime.timezone(datetime.timedelta(hours=2))
    attempt("list_backups", lambda: c.list_backups(vault_id=uuid.UUID(V), status=["available", "error"], name=None,
                                                   start_time=datetime.datetime(2024, 1, 2, 3, 4, 5),
                                                   end_time=datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=utc2),
                                                   incremental=False, limit=5, sort="name:asc"))
    attempt("list_backups_none", lambda: c.list_backups())
    attempt("get_backup", lambda: c.get_backup(uuid.UUID(V)))
    attempt("update_backup", lambda: c.update_backup(V, "renamed"))
    attempt("delete_backup", lambda: c.delete_backup(V))
    attempt("restore_min", lambda: c.restore_backup(V, server_id=uuid.UUID(R)))
    attempt("restore_all", lambda: c.restore_backup(V, server_id=R, volume_id=R, power_on=False, resource_id=R,
                                                    mappings=[{"backup_id": uuid.UUID(V), "volume_id": R}]))
    attempt("wait_backup", lambda: c.wait_backup(V, status="deleted", timeout=2.5))
    attempt("wait_backup_default", lambda: c.wait_backup(V))
    attempt("list_operation_logs", lambda: c.list_operation_logs(operation_type="restore", offset=3, vault_id=None))
    attempt("get_operation_log", lambda: c.get_operation_log(V))
    attempt("wait_operation_log", lambda: c.wait_operation_log(uuid.UUID(V), timeout=0))
    attempt("prune_min", lambda: c.prune_backups(V, keep_last=2))
    attempt("prune_all", lambda: c.prune_backups(V, resource_id=uuid.UUID(R), keep_last=1, keep_daily=2,
                                                 keep_weekly=3, keep_monthly=4, keep_within_days=5, dry_run=True))
    out["ids"] = [V, R]
    c.close()
    c.close()
    attempt("closed", lambda: c.get_vault(V))
    with ckpt.Client() as c2:
        pass
    out["counts"] = {k: getattr(fake, "fake_" + k)() for k in ("allocs", "frees", "opens", "closes")}
    print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def ownership(fake: Path, tmp_path_factory: pytest.TempPathFactory) -> Dict[str, object]:
    p = run(OWNERSHIP, {"CKPT_LIBRARY": str(fake)}, tmp_path_factory.mktemp("own"))
    assert p.returncode == 0, p.stdout + p.stderr
    result: Dict[str, object] = json.loads(p.stdout)
    return result


def test_every_returned_string_is_freed_once(ownership: Dict[str, object]) -> None:
    counts = ownership["counts"]
    assert isinstance(counts, dict)
    assert counts["allocs"] >= 20
    assert counts["frees"] == counts["allocs"]
    assert counts["opens"] == counts["closes"] == 2


def test_error_texts_become_exceptions(ownership: Dict[str, object]) -> None:
    assert ownership["open_bad"]["type"] == "InvalidRequestError"
    assert ownership["open_bad"]["str"] == "[invalid] BackupService.9900: config.bad: unknown field (http 400)"
    assert ownership["garbage"]["type"] == "InternalError"
    assert "unreadable error object" in ownership["garbage"]["str"]
    assert ownership["no_object"]["type"] == "NotFoundError"
    assert ownership["remote"]["type"] == "RemoteError"
    assert ownership["remote"]["str"] == "[remote] busy (http 503, request_id abc-123)"
    assert ownership["nul"]["type"] == "ValueError"
    assert ownership["closed"]["type"] == "ValueError"


def req(ownership: Dict[str, object], name: str) -> object:
    entry = ownership[name]
    assert isinstance(entry, dict) and "ok" in entry, entry
    return entry["ok"]["request"]


def test_requests_built_by_the_typed_methods(ownership: Dict[str, object]) -> None:
    assert req(ownership, "call") == {"a": [1, False, None]}
    assert req(ownership, "call_none") is None
    vault = req(ownership, "create_vault")["vault"]
    assert vault["billing"] == {"size": 5}
    assert vault["description"] == "d" and vault["backup_policy_id"] == "p"
    assert vault["resources"][0]["size"] == 1
    assert req(ownership, "create_vault_min") == {"vault": {"name": "v", "billing": {"size": 5}, "resources": []}}
    assert set(req(ownership, "get_vault")) == {"vault_id"}
    assert req(ownership, "set_vault_status")["status"] == "frozen"
    assert set(req(ownership, "create_policy")["policy"]) == {"name", "resources"}
    assert req(ownership, "execute_policy") == {
        "provider_id": "fc4d5750-22e7-4798-8a46-f48f62c4c1da",
        "checkpoint": {"plan_id": req(ownership, "get_policy")["policy_id"], "parameters": {}},
    }
    full = req(ownership, "execute_policy_full")["checkpoint"]["parameters"]
    assert full["auto_trigger"] is False and len(full["resources"]) == 1
    assert req(ownership, "get_policy_checkpoint")["provider_id"] == "fc4d5750-22e7-4798-8a46-f48f62c4c1da"
    assert set(req(ownership, "create_checkpoint_min")["checkpoint"]) == {"vault_id"}
    # An explicit False is sent, not dropped: a full backup can be asked for.
    assert req(ownership, "create_checkpoint_false")["checkpoint"]["parameters"] == {
        "incremental": False, "auto_trigger": False}
    assert set(req(ownership, "create_checkpoint_all")["checkpoint"]["parameters"]) == {
        "resources", "name", "description", "incremental", "auto_trigger"}
    assert req(ownership, "wait")["timeout_ms"] == 1500
    assert req(ownership, "wait")["status"] == "available"
    assert req(ownership, "set_checkpoint_status")["status"] == "error"


def test_requests_built_by_the_lifecycle_methods(ownership: Dict[str, object]) -> None:
    V, R = ownership["ids"]  # type: ignore[misc]
    assert req(ownership, "list_backups") == {
        "vault_id": V, "status": ["available", "error"], "start_time": "2024-01-02T03:04:05Z",
        "end_time": "2024-01-02T01:04:05Z", "incremental": False, "limit": 5, "sort": "name:asc"}
    assert req(ownership, "list_backups_none") == {}
    assert req(ownership, "get_backup") == {"backup_id": V}
    assert req(ownership, "update_backup") == {"backup_id": V, "backup": {"name": "renamed"}}
    assert ownership["delete_backup"] == {"ok": None}
    assert req(ownership, "restore_min") == {"backup_id": V, "restore": {"server_id": R}}
    assert req(ownership, "restore_all") == {"backup_id": V, "restore": {
        "server_id": R, "volume_id": R, "power_on": False, "resource_id": R,
        "mappings": [{"backup_id": V, "volume_id": R}]}}
    assert req(ownership, "wait_backup") == {"backup_id": V, "status": "deleted", "timeout_ms": 2500}
    assert req(ownership, "wait_backup_default") == {"backup_id": V, "status": "available", "timeout_ms": 60000}
    assert req(ownership, "list_operation_logs") == {"operation_type": "restore", "offset": 3}
    assert req(ownership, "get_operation_log") == {"operation_log_id": V}
    assert req(ownership, "wait_operation_log") == {"operation_log_id": V, "timeout_ms": 0}
    assert req(ownership, "prune_min") == {"vault_id": V, "keep_last": 2, "dry_run": False}
    assert req(ownership, "prune_all") == {"vault_id": V, "resource_id": R, "keep_last": 1, "keep_daily": 2,
                                           "keep_weekly": 3, "keep_monthly": 4, "keep_within_days": 5,
                                           "dry_run": True}
