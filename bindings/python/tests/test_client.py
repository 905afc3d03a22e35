"""The Client against the real library's embedded backend."""

from __future__ import annotations

import builtins
import gc
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest

from support import SERVER, import_ckpt, new_id, server

ckpt = import_ckpt()


# -- the library ---------------------------------------------------------------

def test_version() -> None:
    # The one place the version is written: include/ckpt.h.
    header = Path(__file__).resolve().parents[3] / "include" / "ckpt.h"
    assert ckpt.__version__ == ckpt._version.header_version(str(header))
    runtime = ckpt.library_version()
    assert runtime.split(".")[0] == ckpt.__version__.split(".")[0]
    assert len(runtime.split(".")) == 3
    assert ckpt.strerror(-2) == "not_found"
    assert ckpt.strerror(-7) == "timeout"
    assert ckpt.strerror(12345) == "unknown"


# -- opening -------------------------------------------------------------------

@pytest.mark.parametrize("config,field", [
    ({"bogus": 1}, "bogus"),
    ({"backend": "nope"}, "backend"),
    ({"durability": "sometimes"}, "durability"),
    ({"path": 7}, "path"),
    ({"simulate": {"backup_ms_per_gb": "slow"}}, "backup_ms_per_gb"),
])
def test_open_with_bad_config(config: Dict[str, Any], field: str) -> None:
    with pytest.raises(ckpt.InvalidRequestError) as info:
        ckpt.Client(config)
    err = info.value
    assert (err.code, err.error_class) == (-1, "invalid")
    assert err.error_code == "BackupService.9900"
    assert field in err.error_msg


def test_open_with_unusable_path(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(ckpt.StorageError) as info:
        ckpt.Client(path=str(blocker / "store.db"))
    assert (info.value.status_code, info.value.error_code) == (0, "")


def test_keyword_arguments_override_config() -> None:
    with ckpt.Client({"path": "/nonexistent/dir/store.db", "durability": "normal"}, path=":memory:") as c:
        assert not c.closed


# -- the happy path ------------------------------------------------------------

def test_vault_and_checkpoint(any_client: Any) -> None:
    c = any_client
    res = server(size=2, name="web-1")
    vault = c.create_vault("demo", size_gb=40, resources=[res], description="d")["vault"]
    uuid.UUID(vault["id"])
    assert vault["name"] == "demo" and vault["description"] == "d"
    assert vault["billing"]["size"] == 40
    assert [r["id"] for r in vault["resources"]] == [res["id"]]
    assert c.get_vault(vault["id"])["vault"]["id"] == vault["id"]

    created = c.create_checkpoint(vault["id"], name="first", description="nightly")["checkpoint"]
    assert created["status"] == "protecting"
    assert created["vault"]["id"] == vault["id"]
    assert [r["id"] for r in created["vault"]["resources"]] == [res["id"]]
    assert created["extra_info"]["name"] == "first"

    done = c.wait_checkpoint(created["id"])["checkpoint"]
    assert done["id"] == created["id"] and done["status"] == "available"
    again = c.get_checkpoint(created["id"])["checkpoint"]
    assert again["status"] == "available"
    assert again["vault"]["id"] == vault["id"]


def test_file_store_survives_reopening(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    with ckpt.Client(path=path) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server()])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        c.wait_checkpoint(cp["id"])
    with ckpt.Client(path=path) as c:
        assert c.get_checkpoint(cp["id"])["checkpoint"]["status"] == "available"
        assert c.get_vault(vault["id"])["vault"]["name"] == "v"


def test_explicit_incremental_false_is_accepted(client: Any, make_vault: Any) -> None:
    vault, res = make_vault()
    cp = client.create_checkpoint(vault["id"], resources=[res[0]["id"]], incremental=False, auto_trigger=False)
    assert cp["checkpoint"]["status"] == "protecting"
    cp = client.create_checkpoint(vault["id"], incremental=True)
    assert cp["checkpoint"]["status"] == "protecting"


def test_ids_may_be_uuid_objects(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault()
    vid = uuid.UUID(vault["id"])
    cp = client.create_checkpoint(vid)["checkpoint"]
    assert client.get_checkpoint(uuid.UUID(cp["id"]))["checkpoint"]["id"] == cp["id"]


def test_generic_call(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault()
    assert client.call("vault.get", {"vault_id": vault["id"]})["vault"]["id"] == vault["id"]
    with pytest.raises(ckpt.InvalidRequestError):
        client.call("vault.get")  # None means {}: vault_id is missing
    with pytest.raises(ckpt.InvalidRequestError) as info:
        client.call("vault.explode", {})
    assert "vault.explode" in info.value.error_msg


def test_policy_execute_and_v1_checkpoint(client: Any) -> None:
    res = {"id": new_id(), "type": SERVER, "name": "db-1"}
    policy = client.create_policy("nightly", resources=[res], description="p")["policy"]
    assert client.get_policy(policy["id"])["policy"]["id"] == policy["id"]
    cp = client.execute_policy(policy["id"], auto_trigger=False)["checkpoint"]
    assert cp["protection_plan"]["id"] == policy["id"]
    assert [r["id"] for r in cp["protection_plan"]["resources"]] == [res["id"]]
    got = client.get_policy_checkpoint(cp["id"])["checkpoint"]
    assert got["id"] == cp["id"]
    waited = client.call("checkpoint.wait", {"checkpoint_id": cp["id"], "provider_id": ckpt.CSBS_PROVIDER_ID,
                                             "timeout_ms": 5000})
    assert waited["checkpoint"]["status"] == "available"


def test_local_status_controls(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault()
    cp = client.create_checkpoint(vault["id"])["checkpoint"]
    client.wait_checkpoint(cp["id"])
    client.set_checkpoint_status(cp["id"], "error")
    assert client.get_checkpoint(cp["id"])["checkpoint"]["status"] == "error"
    client.set_vault_status(vault["id"], "lock")
    assert client.get_vault(vault["id"])["vault"]["billing"]["status"] == "lock"


# -- errors, one per class the embedded backend produces -------------------------

def test_invalid_names_the_field(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault()
    with pytest.raises(ckpt.InvalidRequestError) as info:
        client.create_checkpoint(vault["id"], incremental="yes")
    err = info.value
    assert (err.status_code, err.error_code) == (400, "BackupService.9900")
    assert "checkpoint.parameters.incremental" in err.error_msg
    with pytest.raises(ckpt.InvalidRequestError) as info:
        client.get_checkpoint("not-a-uuid")
    assert "checkpoint_id" in info.value.error_msg
    with pytest.raises(ckpt.InvalidRequestError) as info:
        client.create_checkpoint(vault["id"], resources=[new_id()])  # not in the vault
    assert info.value.error_code == "BackupService.9900"


def test_not_found(client: Any) -> None:
    missing = new_id()
    with pytest.raises(ckpt.NotFoundError) as info:
        client.get_checkpoint(missing)
    err = info.value
    assert (err.code, err.error_class, err.status_code, err.error_code) == (-2, "not_found", 404, "BackupService.6217")
    assert str(err) == f"[not_found] BackupService.6217: The backup restore point {missing} does not exist. (http 404)"
    assert err.checkpoint is None
    with pytest.raises(ckpt.NotFoundError):
        client.get_vault(missing)
    with pytest.raises(ckpt.NotFoundError):
        client.get_policy(missing)
    with pytest.raises(ckpt.NotFoundError):
        client.get_policy_checkpoint(missing)


def test_create_in_a_missing_vault_is_6105(client: Any) -> None:
    with pytest.raises(ckpt.InvalidRequestError) as info:
        client.create_checkpoint(new_id())
    assert (info.value.status_code, info.value.error_code) == (400, "BackupService.6105")


def test_conflict_on_frozen_vault(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault()
    client.set_vault_status(vault["id"], "frozen")
    with pytest.raises(ckpt.ConflictError) as info:
        client.create_checkpoint(vault["id"])
    err = info.value
    assert (err.code, err.status_code, err.error_code) == (-3, 400, "BackupService.6113")
    assert "frozen" in err.error_msg


def test_quota_on_small_vault(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault(size_gb=1, resources=[server(size=2)])
    with pytest.raises(ckpt.QuotaError) as info:
        client.create_checkpoint(vault["id"])
    err = info.value
    assert (err.code, err.status_code, err.error_code) == (-4, 400, "BackupService.6114")


def test_wait_timeout() -> None:
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": 100000}) as c:
        vault = c.create_vault("slow", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        start = time.monotonic()
        with pytest.raises(ckpt.TimeoutError) as info:
            c.wait_checkpoint(cp["id"], timeout=0.2)
        elapsed = time.monotonic() - start
    err = info.value
    assert isinstance(err, builtins.TimeoutError)
    assert (err.code, err.error_class, err.status_code, err.error_code) == (-7, "timeout", 0, "")
    assert 0.15 <= elapsed < 5
    assert err.checkpoint is not None and err.checkpoint["status"] == "protecting"


def test_wait_conflict_when_checkpoint_fails() -> None:
    bad = server(size=1)
    with ckpt.Client(path=":memory:", simulate={"fail_resources": [bad["id"]]}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[bad])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        with pytest.raises(ckpt.ConflictError) as info:
            c.wait_checkpoint(cp["id"], timeout=5)
        err = info.value
        assert (err.code, err.error_class) == (-3, "conflict")
        assert err.checkpoint is not None
        assert (err.checkpoint["id"], err.checkpoint["status"]) == (cp["id"], "error")
        # The Python-side wait reports it the same way.
        seen: List[str] = []
        with pytest.raises(ckpt.ConflictError) as info:
            c.wait_checkpoint(cp["id"], timeout=5, on_progress=lambda cp, _: seen.append(cp["status"]))
        assert seen == ["error"]
        assert info.value.checkpoint is not None and info.value.checkpoint["status"] == "error"


# -- wait with progress -----------------------------------------------------------

def test_wait_with_progress() -> None:
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": 300}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        calls: List[Tuple[str, float]] = []
        done = c.wait_checkpoint(cp["id"], timeout=10, on_progress=lambda cp, t: calls.append((cp["status"], t)))
    assert done["checkpoint"]["status"] == "available"
    assert calls[0][0] == "protecting" and calls[-1][0] == "available"
    assert len(calls) >= 3
    times = [t for _, t in calls]
    assert times == sorted(times)
    assert 0.2 <= times[-1] < 5


def test_wait_with_progress_times_out() -> None:
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": 100000}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        calls: List[float] = []
        start = time.monotonic()
        with pytest.raises(ckpt.TimeoutError) as info:
            c.wait_checkpoint(cp["id"], timeout=0.3, on_progress=lambda _, t: calls.append(t))
        elapsed = time.monotonic() - start
    assert 0.3 <= elapsed < 2
    assert len(calls) >= 2
    assert info.value.checkpoint is not None and info.value.checkpoint["status"] == "protecting"
    assert "protecting" in info.value.error_msg


def test_wait_progress_callback_exception_propagates(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault()
    cp = client.create_checkpoint(vault["id"])["checkpoint"]

    def boom(checkpoint: Dict[str, Any], elapsed: float) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        client.wait_checkpoint(cp["id"], on_progress=boom)


def test_wait_arguments(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault()
    cp = client.create_checkpoint(vault["id"])["checkpoint"]
    for progress in (None, lambda *_: None):
        with pytest.raises(ckpt.InvalidRequestError) as info:
            client.wait_checkpoint(cp["id"], status="done", on_progress=progress)
        assert "status" in info.value.error_msg
        with pytest.raises(ValueError):
            client.wait_checkpoint(cp["id"], timeout=-1, on_progress=progress)
        with pytest.raises(ValueError):
            client.wait_checkpoint(cp["id"], timeout=float("nan"), on_progress=progress)
    assert client.wait_checkpoint(cp["id"], timeout=0)["checkpoint"]["status"] == "available"


# -- lifetime ----------------------------------------------------------------------

def test_context_manager_closes() -> None:
    with ckpt.Client(path=":memory:") as c:
        assert not c.closed
        assert "open" in repr(c)
    assert c.closed
    assert c._handle._address is None  # released, not just marked
    with pytest.raises(ValueError, match="closed"):
        c.get_vault(new_id())
    c.close()  # idempotent


def test_close_on_exception_in_with_block() -> None:
    with pytest.raises(ckpt.NotFoundError):
        with ckpt.Client(path=":memory:") as c:
            c.get_vault(new_id())
    assert c.closed


def test_finalizer_closes_a_forgotten_client() -> None:
    c = ckpt.Client(path=":memory:")
    handle, finalizer = c._handle, c._finalizer
    assert finalizer.alive
    del c
    gc.collect()
    assert not finalizer.alive
    assert handle.closed and handle._address is None


def test_close_while_a_call_is_in_flight() -> None:
    c = ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": 400})
    vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
    cp = c.create_checkpoint(vault["id"])["checkpoint"]
    result: Dict[str, Any] = {}

    def wait() -> None:
        try:
            result["ok"] = c.wait_checkpoint(cp["id"], timeout=10)
        except BaseException as e:  # reported below
            result["error"] = e

    t = threading.Thread(target=wait)
    t.start()
    time.sleep(0.1)
    start = time.monotonic()
    c.close()
    assert time.monotonic() - start < 0.2  # close does not wait for the call
    assert c.closed
    assert c._handle._address is not None  # still in use by the waiter
    with pytest.raises(ValueError):
        c.get_vault(vault["id"])
    t.join(15)
    assert "error" not in result, result.get("error")
    assert result["ok"]["checkpoint"]["status"] == "available"
    assert c._handle._address is None  # the last call released it


@pytest.mark.parametrize("bad", ['a"b', "back\\slash", "é", "", " " + "0" * 36, 12, None, 1.5])
def test_by_id_reads_escape_and_type_check_the_id(client: Any, bad: Any) -> None:
    # The by-id reads build their request text without json.dumps: quotes,
    # backslashes and non-ASCII must still arrive as one string field, and a
    # non-string still reaches the library as its JSON type.
    for read in (client.get_checkpoint, client.get_vault, client.get_policy):
        with pytest.raises(ckpt.InvalidRequestError) as info:
            read(bad)
        msg = info.value.error_msg
        assert "malformed" not in msg
        assert msg.split(":")[0] in ("checkpoint_id", "vault_id", "policy_id")
        if isinstance(bad, str):
            assert msg.endswith("must be a UUID")
        else:
            assert "expected string" in msg


@pytest.mark.parametrize(
    "text, expected",
    [
        (b'{"a":[1,{"b":null}],"c":"\\u00e9"}', {"a": [1, {"b": None}], "c": "é"}),
        (b' {"a":1}\n', {"a": 1}),  # surrounding whitespace: the json.loads path
        ('{"é":"ü"}'.encode("utf-8"), {"é": "ü"}),
    ],
)
def test_parse_object_reads_whole_documents(text: bytes, expected: Any) -> None:
    assert ckpt._ffi.parse_object(text) == expected


@pytest.mark.parametrize("text", [b"[1]", b'"s"', b'{"a":1} x', b'{"a":1}{}', b"", b"\xff"])
def test_parse_object_refuses_anything_but_one_object(text: bytes) -> None:
    with pytest.raises((ckpt.InternalError, ValueError)):
        ckpt._ffi.parse_object(text)
