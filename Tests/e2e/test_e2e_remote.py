"""libckpt's remote backend against `ckpt serve`: every operation in every
auth mode, every documented error with its class, HTTP status, code and
request id, authentication failures, and project isolation."""

from __future__ import annotations

import json
import subprocess
import threading
import time
from typing import Any, Dict, List, Optional

import pytest

import e2e_helpers as h
from e2e_helpers import AK, SECRETS, SK, TOKEN

AUTH_MODES = h.AUTH_MODES

AUTH = sorted(AUTH_MODES)


def error_of(ckpt: Any, call: Any) -> Any:
    with pytest.raises(ckpt.Error) as info:
        call()
    return info.value


def check_service_error(e: Any, error_class: str, status: int, code: str) -> None:
    """A failure that came back from the server: its class, status, code,
    and the X-Request-Id it carried."""
    assert (e.error_class, e.status_code, e.error_code) == (error_class, status, code), repr(e)
    assert e.request_id is not None and h.REQUEST_ID.match(e.request_id), repr(e)
    assert e.error_msg
    for secret in SECRETS:
        assert secret not in e.error_msg


def make_vault(client: Any, size_gb: int = 10, resources: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    res = [h.server_resource()] if resources is None else resources
    return client.create_vault("vault", size_gb=size_gb, resources=res)["vault"]


def make_policy(client: Any, resources: Optional[List[Dict[str, Any]]] = None) -> Dict[str, Any]:
    res = [h.server_resource()] if resources is None else resources
    return client.create_policy("policy", resources=res)["policy"]


# ---------------------------------------------------------------------------
# Every operation, in every auth mode


@pytest.mark.parametrize("mode", AUTH)
def test_every_operation(ckpt: Any, remote: Any, local: Any, mode: str) -> None:
    r = remote(mode)
    resource = h.server_resource(size=2, name="web")
    vault = make_vault(r, resources=[resource])
    assert vault["name"] == "vault" and vault["billing"]["size"] == 10
    assert r.get_vault(vault["id"]) == {"vault": vault}

    created = r.create_checkpoint(vault["id"], name="nightly", description="e2e", incremental=False,
                                  auto_trigger=False, resources=[resource["id"]])["checkpoint"]
    assert created["status"] == "protecting"
    assert created["vault"]["id"] == vault["id"]
    assert [x["id"] for x in created["vault"]["resources"]] == [resource["id"]]
    assert created["extra_info"]["name"] == "nightly"
    done = r.wait_checkpoint(created["id"], timeout=20)["checkpoint"]
    assert done["status"] == "available"
    got = r.get_checkpoint(created["id"])
    assert got["checkpoint"]["id"] == created["id"]
    # The same store read locally gives the same documents.
    assert local().get_checkpoint(created["id"]) == got
    assert local().get_vault(vault["id"]) == r.get_vault(vault["id"])

    policy = make_policy(r)
    assert r.get_policy(policy["id"]) == {"policy": policy}
    executed = r.execute_policy(policy["id"], auto_trigger=False)["checkpoint"]
    assert executed["status"] == "protecting"
    assert executed["protection_plan"]["id"] == policy["id"]
    assert isinstance(executed["extra_info"], str)  # v1: a JSON-encoded string
    v1 = r.get_policy_checkpoint(executed["id"])["checkpoint"]
    assert v1["id"] == executed["id"]
    waited = r.call("checkpoint.wait", {"checkpoint_id": executed["id"], "provider_id": h.CSBS_PROVIDER_ID,
                                        "timeout_ms": 20000})["checkpoint"]
    assert waited["status"] == "available"
    assert local().get_policy_checkpoint(executed["id"]) == r.get_policy_checkpoint(executed["id"])


def test_generic_call_and_text_forms(remote: Any) -> None:
    """The canonical names through ckpt_call_text: the path parameters are
    top-level fields of the request."""
    r = remote()
    vault = r.call("vault.create", {"vault": {"name": "v", "billing": {"size": 5},
                                              "resources": [h.server_resource()]}})["vault"]
    assert r.call("vault.get", {"vault_id": vault["id"].upper()})["vault"]["id"] == vault["id"]
    cp = r.call("checkpoint.create", {"checkpoint": {"vault_id": vault["id"]}})["checkpoint"]
    assert r.call("checkpoint.get", {"checkpoint_id": cp["id"]})["checkpoint"]["id"] == cp["id"]


# ---------------------------------------------------------------------------
# The documented errors


def test_9900_resource_not_in_vault(ckpt: Any, remote: Any) -> None:
    r = remote()
    vault = make_vault(r)
    e = error_of(ckpt, lambda: r.create_checkpoint(vault["id"], resources=[h.new_id()]))
    check_service_error(e, "invalid", 400, "BackupService.9900")
    assert isinstance(e, ckpt.InvalidRequestError)
    assert "checkpoint.parameters.resources[0]" in e.error_msg


def test_6105_unknown_vault(ckpt: Any, remote: Any) -> None:
    r = remote()
    missing = h.new_id()
    e = error_of(ckpt, lambda: r.create_checkpoint(missing))
    check_service_error(e, "invalid", 400, "BackupService.6105")
    assert missing in e.error_msg
    e = error_of(ckpt, lambda: r.get_vault(missing))
    check_service_error(e, "not_found", 404, "BackupService.6105")
    assert isinstance(e, ckpt.NotFoundError)


def test_6113_vault_status(ckpt: Any, remote: Any, local: Any) -> None:
    r = remote()
    vault = make_vault(r)
    local().set_vault_status(vault["id"], "frozen")
    e = error_of(ckpt, lambda: r.create_checkpoint(vault["id"]))
    check_service_error(e, "conflict", 400, "BackupService.6113")
    assert "frozen" in e.error_msg
    local().set_vault_status(vault["id"], "available")
    assert r.create_checkpoint(vault["id"])["checkpoint"]["status"] == "protecting"


def test_6114_capacity(ckpt: Any, remote: Any) -> None:
    r = remote()
    vault = make_vault(r, size_gb=1, resources=[h.server_resource(size=2)])
    e = error_of(ckpt, lambda: r.create_checkpoint(vault["id"]))
    check_service_error(e, "quota", 400, "BackupService.6114")
    assert isinstance(e, ckpt.QuotaError)


def test_1001_vault_busy(ckpt: Any, remote: Any, local: Any) -> None:
    r = remote()
    vault = make_vault(r)
    # A backup held in progress for an hour, made by another process's view
    # of the same store.
    slow = local(simulate={"backup_ms_per_gb": 3600000})
    assert slow.create_checkpoint(vault["id"])["checkpoint"]["status"] == "protecting"
    e = error_of(ckpt, lambda: r.create_checkpoint(vault["id"]))
    check_service_error(e, "conflict", 400, "BackupService.1001")
    assert isinstance(e, ckpt.ConflictError)


def test_skipped_resources_are_listed(remote: Any, local: Any) -> None:
    r = remote()
    busy, free = h.server_resource(), h.server_resource()
    vault = make_vault(r, resources=[busy, free])
    local(simulate={"backup_ms_per_gb": 3600000}).create_checkpoint(vault["id"], resources=[busy["id"]])
    cp = r.create_checkpoint(vault["id"])["checkpoint"]
    assert [x["id"] for x in cp["vault"]["resources"]] == [free["id"]]
    skipped = cp["vault"]["skipped_resources"]
    assert [x["id"] for x in skipped] == [busy["id"]] and skipped[0]["code"] == "BackupService.1001"


def test_0001_no_resource(ckpt: Any, remote: Any) -> None:
    r = remote()
    vault = make_vault(r, resources=[])
    e = error_of(ckpt, lambda: r.create_checkpoint(vault["id"]))
    check_service_error(e, "conflict", 400, "BackupService.0001")


def test_6217_unknown_checkpoint(ckpt: Any, remote: Any) -> None:
    r = remote()
    e = error_of(ckpt, lambda: r.get_checkpoint(h.new_id()))
    check_service_error(e, "not_found", 404, "BackupService.6217")


def test_csbs_9001_resource_not_in_policy(ckpt: Any, remote: Any) -> None:
    r = remote()
    policy = make_policy(r)
    e = error_of(ckpt, lambda: r.execute_policy(policy["id"], resources=[h.new_id()]))
    check_service_error(e, "invalid", 400, "CSBS.9001")


def test_csbs_3002_unknown_policy(ckpt: Any, remote: Any) -> None:
    r = remote()
    e = error_of(ckpt, lambda: r.get_policy(h.new_id()))
    check_service_error(e, "not_found", 404, "CSBS.3002")
    e = error_of(ckpt, lambda: r.execute_policy(h.new_id()))
    check_service_error(e, "not_found", 404, "CSBS.3002")


def test_csbs_3001_unknown_backup(ckpt: Any, remote: Any) -> None:
    r = remote()
    e = error_of(ckpt, lambda: r.get_policy_checkpoint(h.new_id()))
    check_service_error(e, "not_found", 404, "CSBS.3001")


def test_csbs_2004_policy_busy(ckpt: Any, remote: Any, local: Any) -> None:
    r = remote()
    policy = make_policy(r)
    local(simulate={"backup_ms_per_gb": 3600000}).execute_policy(policy["id"])
    e = error_of(ckpt, lambda: r.execute_policy(policy["id"]))
    check_service_error(e, "conflict", 400, "CSBS.2004")


def test_csbs_6032_policy_without_resources(ckpt: Any, remote: Any) -> None:
    r = remote()
    policy = make_policy(r, resources=[])
    e = error_of(ckpt, lambda: r.execute_policy(policy["id"]))
    # Documented as a 500; its class says what it means.
    check_service_error(e, "conflict", 500, "CSBS.6032")


def test_wait_ends_in_error_and_timeout(ckpt: Any, remote: Any, local: Any) -> None:
    r = remote()
    doomed = h.server_resource()
    vault = make_vault(r, resources=[doomed, h.server_resource()])
    failing = local(simulate={"fail_resources": [doomed["id"]]})
    cp = failing.create_checkpoint(vault["id"])["checkpoint"]
    e = error_of(ckpt, lambda: r.wait_checkpoint(cp["id"], timeout=20))
    assert e.error_class == "conflict" and e.checkpoint["status"] == "error"

    vault2 = make_vault(r)
    slow = local(simulate={"backup_ms_per_gb": 3600000}).create_checkpoint(vault2["id"])["checkpoint"]
    started = time.monotonic()
    e = error_of(ckpt, lambda: r.wait_checkpoint(slow["id"], timeout=1.5))
    assert e.error_class == "timeout" and e.checkpoint["status"] == "protecting"
    assert time.monotonic() - started < 15


# ---------------------------------------------------------------------------
# Authentication


@pytest.mark.parametrize("bad", [
    {"token": "not-the-token"},
    {"ak": "AKUNKNOWN", "sk": SK},
    {"ak": "__AK__", "sk": "wrong-secret"},
    {"ak": "__AK__", "sk": "wrong-secret", "security_token": "sts"},
])
def test_bad_credentials_are_401(ckpt: Any, ckpt_bin: str, server: h.Serve, project: str, bad: Dict[str, str]) -> None:
    creds = {k: (AK if v == "__AK__" else v) for k, v in bad.items()}
    with ckpt.Client(backend="remote", endpoint=server.url, project_id=project, timeout_ms=20000, **creds) as c:
        for call in (lambda: c.get_checkpoint(h.new_id()), lambda: c.create_vault("v", size_gb=1)):
            e = error_of(ckpt, call)
            check_service_error(e, "auth", 401, "APIGW.0301")
            assert isinstance(e, ckpt.AuthError)
            for value in creds.values():
                if value not in (AK, "AKUNKNOWN"):
                    assert value not in e.error_msg


def test_token_mode_and_aksk_mode_see_the_same_project(remote: Any) -> None:
    vault = make_vault(remote("token"))
    assert remote("aksk").get_vault(vault["id"])["vault"]["id"] == vault["id"]


# ---------------------------------------------------------------------------
# Projects


def test_projects_are_isolated(ckpt: Any, remote: Any, local: Any) -> None:
    a = remote(project_id="projectA_" + h.new_id()[:8])
    b = remote(project_id="projectB-" + h.new_id()[:8])
    vault = make_vault(a)
    cp = a.create_checkpoint(vault["id"])["checkpoint"]
    policy = make_policy(a)
    v1 = a.execute_policy(policy["id"])["checkpoint"]

    check_service_error(error_of(ckpt, lambda: b.get_checkpoint(cp["id"])), "not_found", 404, "BackupService.6217")
    check_service_error(error_of(ckpt, lambda: b.get_vault(vault["id"])), "not_found", 404, "BackupService.6105")
    check_service_error(error_of(ckpt, lambda: b.create_checkpoint(vault["id"])), "invalid", 400,
                        "BackupService.6105")
    check_service_error(error_of(ckpt, lambda: b.get_policy(policy["id"])), "not_found", 404, "CSBS.3002")
    check_service_error(error_of(ckpt, lambda: b.get_policy_checkpoint(v1["id"])), "not_found", 404, "CSBS.3001")
    assert a.get_checkpoint(cp["id"])["checkpoint"]["project_id"].startswith("projectA_")
    # The embedded view of the same store agrees.
    with pytest.raises(ckpt.NotFoundError):
        local(project_id="someone-else").get_checkpoint(cp["id"])


def test_local_operations_are_refused_by_the_remote_backend(ckpt: Any, remote: Any) -> None:
    r = remote()
    vault = make_vault(r)
    for op, req in (("local.vault.set_status", {"vault_id": vault["id"], "status": "frozen"}),
                    ("local.checkpoint.set_status", {"checkpoint_id": h.new_id(), "status": "error"})):
        e = error_of(ckpt, lambda: r.call(op, req))
        assert e.error_class == "invalid" and isinstance(e, ckpt.InvalidRequestError)
    assert r.get_vault(vault["id"])["vault"]["billing"]["status"] == "available"


# ---------------------------------------------------------------------------
# Concurrency: many clients, and the CLI on the same store meanwhile


def test_concurrent_clients_and_cli_on_the_same_store(ckpt: Any, ckpt_bin: str, remote: Any, store: str,
                                                      project: str, tmp_path: Any) -> None:
    errors: List[BaseException] = []
    ids: List[str] = []
    lock = threading.Lock()

    def worker(n: int) -> None:
        try:
            mode = AUTH[n % len(AUTH)]
            c = remote(mode)
            for _ in range(3):
                vault = make_vault(c)
                cp = c.create_checkpoint(vault["id"])["checkpoint"]
                assert c.get_checkpoint(cp["id"])["checkpoint"]["id"] == cp["id"]
                with lock:
                    ids.append(cp["id"])
        except BaseException as e:  # noqa: BLE001 - reported below
            with lock:
                errors.append(e)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    # Meanwhile the CLI (another process, embedded backend) uses the store.
    config = tmp_path / "cli.json"
    config.write_text(json.dumps({"path": store, "project_id": project}))
    cli_times = []
    for _ in range(3):
        started = time.monotonic()
        out = subprocess.run([ckpt_bin, "call", "--config", str(config), "vault.create",
                              json.dumps({"vault": {"name": "cli", "billing": {"size": 1}, "resources": []}})],
                             capture_output=True, timeout=60, text=True)
        cli_times.append(time.monotonic() - started)
        assert out.returncode == 0, out.stderr
        assert json.loads(out.stdout)["vault"]["name"] == "cli"
    for t in threads:
        t.join(timeout=120)
        assert not t.is_alive()
    assert not errors, errors
    assert len(ids) == 24 and len(set(ids)) == 24
    assert max(cli_times) < 30
    # Everything the server answered is on disk for the CLI too.
    out = subprocess.run([ckpt_bin, "call", "--config", str(config), "checkpoint.get",
                          json.dumps({"checkpoint_id": ids[-1]})], capture_output=True, timeout=60, text=True)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["checkpoint"]["id"] == ids[-1]


def test_secrets_are_not_logged(ckpt: Any, serve: Any, project: str) -> None:
    s = serve("--token", TOKEN, "--ak", "AKLOG", "--sk", SK, env={"LOG_LEVEL": "trace"})
    with ckpt.Client(backend="remote", endpoint=s.url, project_id=project, token=TOKEN, timeout_ms=20000) as c:
        make_vault(c)
        with pytest.raises(ckpt.NotFoundError):
            c.get_checkpoint(h.new_id())
    with ckpt.Client(backend="remote", endpoint=s.url, project_id=project, ak="AKLOG", sk=SK,
                     timeout_ms=20000) as c:
        make_vault(c)
    with ckpt.Client(backend="remote", endpoint=s.url, project_id=project, ak="AKLOG", sk="bad-" + SK,
                     timeout_ms=20000) as c:
        with pytest.raises(ckpt.AuthError):
            make_vault(c)
    assert s.stop() == 0
    output = s.output()
    assert "listening on" in output
    for secret in (TOKEN, SK):
        assert secret not in output
    assert "Signature=" not in output and "X-Auth-Token" not in output
