"""libckpt's remote backend against `ckpt serve`, compared with the embedded
backend on the same store: the lifecycle operations of version 1.1 (SPEC 6)
answer the same JSON either way (same keys, same JSON types at every level,
the same ids where they name the same object), every error of SPEC 6.5 they
can give arrives with the same class, HTTP status and code, and 2,500
backups page through the remote backend by offset and by marker with no
repeat and no gap.

Requests go through the binding's generic `Client.call(operation, request)`.
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any, Dict, List, Optional, Tuple

import pytest

import e2e_helpers as h

SLOW = {"backup_ms_per_gb": 3_600_000}  # an hour per GB: held in progress


same_shape, both, failure, triple = h.same_shape, h.both, h.failure, h.triple


# ---------------------------------------------------------------------------
# Reads: the same answer from both backends


def test_backup_and_operation_log_reads_are_the_same(remote: Any, local: Any) -> None:
    data = h.lifecycle_data(local)
    e, r = local(), remote("aksk")
    vault = data["vault"]["id"]
    cps = data["checkpoints"]
    ids = [b["id"] for name in ("nightly", "full", "latest") for b in data["backups"][name]]
    now = dt.datetime.now(dt.timezone.utc)
    past = h.query_time(now - dt.timedelta(hours=36))
    backup_requests: List[Dict[str, Any]] = [
        {},
        {"checkpoint_id": cps["full"]["id"]},
        {"checkpoint_id": cps["full"]["id"].upper()},
        {"vault_id": vault, "limit": 2, "offset": 1},
        {"vault_id": vault, "limit": 4, "offset": 8},
        {"vault_id": vault, "offset": 100},
        {"vault_id": vault, "status": ["available", "error"]},
        {"vault_id": vault, "status": "error"},
        {"vault_id": vault, "status": ["available"]},
        {"vault_id": vault, "incremental": False},
        {"vault_id": vault, "incremental": True},
        {"name": "full"},
        {"name": "nightly", "resource_name": "web1"},
        {"vault_id": vault, "start_time": past},
        {"vault_id": vault, "end_time": past},
        {"vault_id": vault, "start_time": h.query_time(now - dt.timedelta(hours=60)),
         "end_time": h.query_time(now - dt.timedelta(hours=12))},
        {"resource_id": data["resources"][0]["id"], "sort": "created_at:asc"},
        {"vault_id": vault, "resource_type": h.SERVER, "image_type": "backup"},
        {"vault_id": vault, "image_type": "replication"},
        {"vault_id": vault, "sort": "name:asc,created_at:desc"},
        {"vault_id": vault, "sort": "status:desc", "limit": 5},
        {"vault_id": vault, "sort": "updated_at:asc,id:desc"},
        {"vault_id": vault, "sort": "protected_at:desc"},
        {"vault_id": vault, "marker": ids[3], "limit": 3},
        {"vault_id": vault, "marker": ids[3], "sort": "created_at:asc"},
        {"vault_id": h.new_id()},
    ]
    mismatches = []
    for request in backup_requests:
        a, b = both(e, r, "backup.list", request)
        if a != b:
            mismatches.append((request, h.shape_differences(a, b)[:5] or "same shape, other values"))
    assert not mismatches, mismatches
    # The answers are not vacuous.
    assert e.call("backup.list", {"vault_id": vault})["count"] == 9
    assert e.call("backup.list", {"vault_id": vault, "status": ["available", "error"]})["count"] == 9
    assert r.call("backup.list", {"vault_id": vault, "status": "error"})["count"] == 1
    assert r.call("backup.list", {"vault_id": vault, "incremental": False})["count"] == 3
    assert r.call("backup.list", {"vault_id": vault, "start_time": past})["count"] == 6
    page = r.call("backup.list", {"vault_id": vault, "offset": 100})
    assert (page["backups"], page["count"], page["offset"], page["limit"]) == ([], 9, 100, 1000)

    for backup_id in ids:
        a, b = both(e, r, "backup.get", {"backup_id": backup_id})
        same_shape(a, b)
        assert a == b and set(a) == {"backup"}

    log_requests: List[Dict[str, Any]] = [
        {},
        {"vault_id": vault},
        {"vault_id": vault, "operation_type": "backup", "limit": 3, "offset": 2},
        {"vault_id": vault, "status": "failed"},
        {"vault_id": vault, "status": "success"},
        {"vault_name": "lifecycle"},
        {"resource_id": data["resources"][1]["id"]},
        {"resource_name": "web2"},
        {"provider_id": data["backups"]["full"][0]["provider_id"]},
        {"vault_id": vault, "start_time": past},
        {"vault_id": vault, "end_time": past},
        {"vault_id": vault, "sort": "created_at:asc"},
        {"vault_id": vault, "offset": 50},
    ]
    mismatches = []
    for request in log_requests:
        a, b = both(e, r, "operation_log.list", request)
        if a != b:
            mismatches.append((request, h.shape_differences(a, b)[:5] or "same shape, other values"))
    assert not mismatches, mismatches
    logs = r.call("operation_log.list", {"vault_id": vault})
    assert logs["count"] == 9 and set(logs) == {"operation_logs", "count", "offset", "limit"}
    assert r.call("operation_log.list", {"vault_id": vault, "status": "failed"})["count"] == 1
    for log in logs["operation_logs"]:
        a, b = both(e, r, "operation_log.get", {"operation_log_id": log["id"]})
        assert a == b == {"operation_log": log}


# ---------------------------------------------------------------------------
# Writes: the same shape from both backends


def test_backup_update_is_the_same(remote: Any, local: Any) -> None:
    data = h.lifecycle_data(local)
    e, r = local(), remote()
    target = data["backups"]["full"][0]["id"]
    a = e.call("backup.update", {"backup_id": target, "backup": {"name": "renamed-here"}})
    b = r.call("backup.update", {"backup_id": target, "backup": {"name": "renamed-there"}})
    same_shape(a, b)
    assert (a["backup"]["name"], b["backup"]["name"]) == ("renamed-here", "renamed-there")
    assert b["backup"]["updated_at"] >= a["backup"]["updated_at"]
    got = both(e, r, "backup.get", {"backup_id": target})
    assert got[0] == got[1] == b
    # Every member but the name and updated_at is unchanged.
    before = data["backups"]["full"][0]
    assert {k: v for k, v in b["backup"].items() if k not in ("name", "updated_at")} == \
        {k: v for k, v in before.items() if k not in ("name", "updated_at")}


def test_backup_delete_is_the_same(ckpt: Any, remote: Any, local: Any) -> None:
    data = h.lifecycle_data(local)
    e, r = local(), remote()
    here, there = data["backups"]["nightly"][0]["id"], data["backups"]["nightly"][1]["id"]
    assert e.call("backup.delete", {"backup_id": here}) == {}
    assert r.call("backup.delete", {"backup_id": there}) == {}
    for gone in (here, there):
        for client in (e, r):
            err = failure(ckpt, lambda: client.call("backup.get", {"backup_id": gone}))
            assert triple(err) == ("not_found", 404, "BackupService.6200")
    a, b = both(e, r, "operation_log.list", {"vault_id": data["vault"]["id"], "operation_type": "delete"})
    assert a == b and a["count"] == 2
    assert {x["extra_info"]["delete"]["backup_id"] for x in a["operation_logs"]} == {here, there}
    same_shape(a["operation_logs"][0], a["operation_logs"][1], ids=False)
    # The checkpoint keeps its last backup; the vault frees what they held.
    assert r.call("backup.list", {"checkpoint_id": data["checkpoints"]["nightly"]["id"]})["count"] == 1
    a, b = both(e, r, "checkpoint.get", {"checkpoint_id": data["checkpoints"]["nightly"]["id"]})
    assert a == b
    used = r.call("vault.get", {"vault_id": data["vault"]["id"]})["vault"]["billing"]["used"]
    assert used == 9 - 2 - 1  # nine 1-GB backups, two deleted, one failed (holds nothing)


def test_backup_restore_is_the_same(remote: Any, local: Any) -> None:
    data = h.lifecycle_data(local)
    e, r = local(), remote()
    one, two = data["backups"]["full"][0], data["backups"]["full"][1]
    a = e.call("backup.restore", {"backup_id": one["id"],
                                  "restore": {"server_id": one["resource_id"], "power_on": False}})
    b = r.call("backup.restore", {"backup_id": two["id"],
                                  "restore": {"server_id": two["resource_id"], "power_on": False}})
    same_shape(a, b, ids=False)
    assert set(a) == {"job_id"} and a["job_id"] != b["job_id"]
    logs = []
    for job, backup in ((a["job_id"], one), (b["job_id"], two)):
        x, y = both(e, r, "operation_log.get", {"operation_log_id": job})
        assert x == y
        log = x["operation_log"]
        assert log["id"] == job and log["operation_type"] == "restore" and log["status"] == "success"
        assert log["extra_info"]["restore"]["backup_id"] == backup["id"]
        assert log["extra_info"]["restore"]["target_resource_id"] == backup["resource_id"]
        logs.append(log)
    same_shape(logs[0], logs[1], ids=False)
    # With mappings and a resource_id.
    c = r.call("backup.restore", {"backup_id": two["id"], "restore": {
        "server_id": two["resource_id"], "power_on": True, "resource_id": two["resource_id"],
        "mappings": [{"backup_id": two["id"], "volume_id": h.new_id()}]}})
    same_shape(a, c, ids=False)
    x, y = both(e, r, "operation_log.list", {"vault_id": data["vault"]["id"], "operation_type": "restore"})
    assert x == y and x["count"] == 3


# ---------------------------------------------------------------------------
# The client-side operations: the same on both backends


def test_backup_wait_is_the_same(ckpt: Any, remote: Any, local: Any) -> None:
    data = h.lifecycle_data(local)
    e, r = local(), remote()
    ready = data["backups"]["full"][0]["id"]
    a, b = both(e, r, "backup.wait", {"backup_id": ready, "timeout_ms": 5000})
    assert a == b == e.call("backup.get", {"backup_id": ready})
    a, b = both(e, r, "backup.wait", {"backup_id": ready, "status": "available", "timeout_ms": 5000})
    assert a == b

    # Waiting for `deleted` while a (simulated, 1 s) delete runs.
    slow_delete = local(simulate={"backup_ms_per_gb": 1000})
    here, there = data["backups"]["nightly"][0]["id"], data["backups"]["nightly"][1]["id"]
    waited = []
    for gone, client in ((here, e), (there, r)):
        assert slow_delete.call("backup.delete", {"backup_id": gone}) == {}
        assert e.call("backup.get", {"backup_id": gone})["backup"]["status"] == "deleting"
        waited.append(client.call("backup.wait", {"backup_id": gone, "status": "deleted", "timeout_ms": 20000}))
    a, b = waited
    same_shape(a, b, ids=False)
    assert (a["backup"]["id"], a["backup"]["status"]) == (here, "deleted")
    assert (b["backup"]["id"], b["backup"]["status"]) == (there, "deleted")
    # A backup that is gone already counts as deleted at once.
    a, b = both(e, r, "backup.wait", {"backup_id": here, "status": "deleted", "timeout_ms": 5000})
    assert a == b and a["backup"]["status"] == "deleted"

    # A backup in error, waited for as available: conflict on both.
    failed = next(x["id"] for x in data["backups"]["latest"] if x["status"] == "error")
    errors = [failure(ckpt, lambda c=c: c.call("backup.wait", {"backup_id": failed, "timeout_ms": 5000}))
              for c in (e, r)]
    assert triple(errors[0]) == triple(errors[1]) and errors[0].error_class == "conflict", errors

    # A backup held in progress: the wait times out on both.
    held = h.server_resource()
    vault = local().create_vault("held", size_gb=10, resources=[held])["vault"]
    cp = local(simulate=SLOW).create_checkpoint(vault["id"])["checkpoint"]
    running = e.call("backup.list", {"checkpoint_id": cp["id"]})["backups"][0]["id"]
    errors = [failure(ckpt, lambda c=c: c.call("backup.wait", {"backup_id": running, "timeout_ms": 300}))
              for c in (e, r)]
    assert triple(errors[0]) == triple(errors[1]) and errors[0].error_class == "timeout", errors
    assert isinstance(errors[1], ckpt.TimeoutError)

    # Unknown: 6200 on both.
    missing = h.new_id()
    errors = [failure(ckpt, lambda c=c: c.call("backup.wait", {"backup_id": missing, "timeout_ms": 300}))
              for c in (e, r)]
    assert triple(errors[0]) == triple(errors[1]) == ("not_found", 404, "BackupService.6200")


def test_operation_log_wait_is_the_same(ckpt: Any, remote: Any, local: Any) -> None:
    data = h.lifecycle_data(local)
    e, r = local(), remote()
    # A restore that takes 1 s (simulated): both waits end with the log in success.
    slow = local(simulate={"backup_ms_per_gb": 1000})
    target = data["backups"]["full"][0]
    job = slow.call("backup.restore", {"backup_id": target["id"],
                                      "restore": {"server_id": target["resource_id"]}})["job_id"]
    assert e.call("operation_log.get", {"operation_log_id": job})["operation_log"]["status"] == "running"
    assert e.call("backup.get", {"backup_id": target["id"]})["backup"]["status"] == "restoring"
    results: Dict[str, Any] = {}

    def wait(name: str, client: Any) -> None:
        results[name] = client.call("operation_log.wait", {"operation_log_id": job, "timeout_ms": 20000})

    threads = [threading.Thread(target=wait, args=(n, c)) for n, c in (("embedded", e), ("remote", r))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert set(results) == {"embedded", "remote"}, results
    assert results["embedded"] == results["remote"] == e.call("operation_log.get", {"operation_log_id": job})
    assert results["remote"]["operation_log"]["status"] == "success"
    assert e.call("backup.get", {"backup_id": target["id"]})["backup"]["status"] == "available"

    # The failed backup's task: conflict on both.
    failed = e.call("operation_log.list", {"vault_id": data["vault"]["id"], "status": "failed"})["operation_logs"]
    assert len(failed) == 1
    errors = [failure(ckpt, lambda c=c: c.call("operation_log.wait", {"operation_log_id": failed[0]["id"],
                                                                       "timeout_ms": 5000})) for c in (e, r)]
    assert triple(errors[0]) == triple(errors[1]) and errors[0].error_class == "conflict", errors

    # A task held running: the wait times out on both.
    held = h.server_resource()
    vault = local().create_vault("held", size_gb=10, resources=[held])["vault"]
    local(simulate=SLOW).create_checkpoint(vault["id"])
    running = e.call("operation_log.list", {"vault_id": vault["id"]})["operation_logs"][0]
    assert running["status"] == "running"
    errors = [failure(ckpt, lambda c=c: c.call("operation_log.wait", {"operation_log_id": running["id"],
                                                                       "timeout_ms": 300})) for c in (e, r)]
    assert triple(errors[0]) == triple(errors[1]) and errors[0].error_class == "timeout", errors

    missing = h.new_id()
    errors = [failure(ckpt, lambda c=c: c.call("operation_log.wait", {"operation_log_id": missing,
                                                                       "timeout_ms": 300})) for c in (e, r)]
    assert triple(errors[0]) == triple(errors[1]) == ("not_found", 404, "BackupService.6500")


def carried(e: Any, name: str) -> Any:
    """The object a failed wait carries (SPEC 6.1: "class conflict, carrying
    the log"), as an attribute of the exception or in its error object."""
    value = getattr(e, name, None)
    return value if value is not None else e.to_dict().get(name)


def test_wait_errors_carry_what_was_waited_for(ckpt: Any, remote: Any, local: Any) -> None:
    """As a checkpoint wait's error carries the checkpoint, a backup wait's
    carries the backup and a task wait's the task (the C error object has
    them as "backup" and "operation_log"), through both backends."""
    data = h.lifecycle_data(local)
    e, r = local(), remote()
    failed_backup = next(x for x in data["backups"]["latest"] if x["status"] == "error")
    failed_log = e.call("operation_log.list",
                        {"vault_id": data["vault"]["id"], "status": "failed"})["operation_logs"][0]
    problems = []
    for label, client in (("embedded", e), ("remote", r)):
        err = failure(ckpt, lambda: client.call("backup.wait", {"backup_id": failed_backup["id"], "timeout_ms": 5000}))
        got = carried(err, "backup")
        if not (isinstance(got, dict) and got.get("id") == failed_backup["id"] and got.get("status") == "error"):
            problems.append(f"{label} backup.wait: the error carries no backup ({err.to_dict()})")
        err = failure(ckpt, lambda: client.call("operation_log.wait", {"operation_log_id": failed_log["id"],
                                                                        "timeout_ms": 5000}))
        got = carried(err, "operation_log")
        if not (isinstance(got, dict) and got.get("id") == failed_log["id"] and got.get("status") == "failed"):
            problems.append(f"{label} operation_log.wait: the error carries no operation_log ({err.to_dict()})")
    assert not problems, "\n".join(problems)


def prune_vault(local: Any) -> Tuple[Dict[str, Any], List[Dict[str, Any]]]:
    """Two servers backed up once a day for four days (the oldest first)
    and twice today: six backups each."""
    resources = [h.server_resource(name="a"), h.server_resource(name="b")]
    vault = local().create_vault("prune", size_gb=100, resources=resources)["vault"]
    for days in (4, 3, 2, 1):
        local(simulate={"clock_offset_ms": -days * h.DAY_MS}).create_checkpoint(vault["id"], name=f"day-{days}")
    local().create_checkpoint(vault["id"], name="today-1")
    local().create_checkpoint(vault["id"], name="today-2")
    return vault, resources


def test_backup_prune_is_the_same(ckpt: Any, remote: Any, local: Any) -> None:
    vault, resources = prune_vault(local)
    e, r = local(), remote()
    listing = e.call("backup.list", {"vault_id": vault["id"]})
    assert listing["count"] == 12
    by_resource = {x["id"]: [b["id"] for b in listing["backups"] if b["resource_id"] == x["id"]] for x in resources}

    rules: List[Dict[str, Any]] = [
        {"keep_last": 2},
        {"keep_daily": 3},
        {"keep_within_days": 2},
        {"keep_last": 1, "keep_weekly": 1, "keep_monthly": 1},
        {"keep_last": 2, "resource_id": resources[0]["id"]},
    ]
    for rule in rules:
        request = {"vault_id": vault["id"], "dry_run": True, **rule}
        a, b = both(e, r, "backup.prune", request)
        same_shape(a, b)
        assert a == b, (rule, a, b)
        assert a["dry_run"] is True and a["remove"] and a["keep"], (rule, a)
        kept = {k["id"] for k in a["keep"]}
        assert not kept & set(a["remove"]) and all(k["reasons"] for k in a["keep"])
    dry = e.call("backup.prune", {"vault_id": vault["id"], "dry_run": True, "keep_last": 2})
    for resource in resources:
        assert sorted(k["id"] for k in dry["keep"] if k["resource_id"] == resource["id"]) == \
            sorted(by_resource[resource["id"]][:2])
    assert sorted(dry["remove"]) == sorted(sum((ids[2:] for ids in by_resource.values()), []))
    # A dry run deletes nothing.
    assert r.call("backup.list", {"vault_id": vault["id"]}) == listing

    # Real runs: the remote backend keeps 4 per resource, the embedded one then 2.
    a = r.call("backup.prune", {"vault_id": vault["id"], "keep_last": 4})
    assert a["dry_run"] is False and sorted(a["remove"]) == sorted(sum((ids[4:] for ids in by_resource.values()), []))
    b = e.call("backup.prune", {"vault_id": vault["id"], "keep_last": 2})
    assert set(a) == set(b) == {"keep", "remove", "dry_run"}
    same_shape(a["keep"][0], b["keep"][0], ids=False)
    same_shape(a["remove"][:1], b["remove"][:1], ids=False)
    assert sorted(b["remove"]) == sorted(sum((ids[2:4] for ids in by_resource.values()), []))
    left = r.call("backup.list", {"vault_id": vault["id"]})
    assert sorted(x["id"] for x in left["backups"]) == sorted(sum((ids[:2] for ids in by_resource.values()), []))
    for gone in a["remove"] + b["remove"]:
        assert triple(failure(ckpt, lambda: r.call("backup.get", {"backup_id": gone}))) == \
            ("not_found", 404, "BackupService.6200")
    # Nothing more to remove: the same (empty) removal from both.
    a, b = both(e, r, "backup.prune", {"vault_id": vault["id"], "keep_last": 2})
    assert a == b and a["remove"] == []

    # No keep rule is refused on both (nothing is deleted by accident).
    errors = [failure(ckpt, lambda c=c: c.call("backup.prune", {"vault_id": vault["id"]})) for c in (e, r)]
    assert triple(errors[0]) == triple(errors[1]) and errors[0].error_code == "BackupService.9900", errors
    assert errors[0].error_class == "invalid"


# ---------------------------------------------------------------------------
# Errors of SPEC 6.5: the same class, status and code through both backends


def test_errors_are_the_same(ckpt: Any, remote: Any, local: Any) -> None:
    data = h.lifecycle_data(local)
    e, r = local(), remote()
    vault = data["vault"]["id"]
    good = data["backups"]["full"][0]
    failed = next(x for x in data["backups"]["latest"] if x["status"] == "error")

    # Backups held in a state: one being made, one being restored, one being deleted.
    held_res = [h.server_resource(name="making"), h.server_resource(name="restoring"),
                h.server_resource(name="deleting")]
    held_vault = local().create_vault("held", size_gb=100, resources=held_res)["vault"]
    done = local().create_checkpoint(held_vault["id"], resources=[held_res[1]["id"], held_res[2]["id"]])
    held_backups = {b["resource_name"]: b for b in e.call(
        "backup.list", {"checkpoint_id": done["checkpoint"]["id"]})["backups"]}
    slow = local(simulate=SLOW)
    slow.create_checkpoint(held_vault["id"], resources=[held_res[0]["id"]])
    making = e.call("backup.list", {"vault_id": held_vault["id"], "status": "protecting"})["backups"][0]
    restoring = held_backups["restoring"]
    slow.call("backup.restore", {"backup_id": restoring["id"], "restore": {"server_id": restoring["resource_id"]}})
    deleting = held_backups["deleting"]
    slow.call("backup.delete", {"backup_id": deleting["id"]})
    held_list = e.call("backup.list", {"vault_id": held_vault["id"]})["backups"]
    statuses = {b["resource_name"]: b["status"] for b in held_list}
    assert statuses == {"making": "protecting", "restoring": "restoring", "deleting": "deleting"}

    # A vault that is not available, with an available backup and a failed one in it.
    locked_res, locked_failing = h.server_resource(), h.server_resource()
    locked_vault = local().create_vault("locked", size_gb=10, resources=[locked_res, locked_failing])["vault"]
    cp = local(simulate={"fail_resources": [locked_failing["id"]]}).create_checkpoint(locked_vault["id"])["checkpoint"]
    locked = {b["resource_id"]: b for b in e.call("backup.list", {"checkpoint_id": cp["id"]})["backups"]}
    locked_backup, locked_failed = locked[locked_res["id"]], locked[locked_failing["id"]]
    assert (locked_backup["status"], locked_failed["status"]) == ("available", "error")
    local().set_vault_status(locked_vault["id"], "frozen")

    # A volume backup: its restore needs a volume_id (or a resource_id).
    volume = {"id": h.new_id(), "type": "OS::Cinder::Volume", "name": "disk", "size": 1}
    volume_vault = local().create_vault("volumes", size_gb=10, resources=[volume])["vault"]
    cp = local().create_checkpoint(volume_vault["id"])["checkpoint"]
    volume_backup = e.call("backup.list", {"checkpoint_id": cp["id"]})["backups"][0]

    missing = h.new_id()
    server = {"server_id": good["resource_id"]}
    cases: List[Tuple[str, Dict[str, Any], Tuple[str, int, str], bool]] = [
        # (operation, request, (class, status, code) per SPEC 6.5, decided by the server's state)
        ("backup.get", {"backup_id": missing}, ("not_found", 404, "BackupService.6200"), True),
        ("backup.update", {"backup_id": missing, "backup": {"name": "x"}},
         ("not_found", 404, "BackupService.6200"), True),
        ("backup.delete", {"backup_id": missing}, ("not_found", 404, "BackupService.6200"), True),
        ("backup.restore", {"backup_id": missing, "restore": server}, ("not_found", 404, "BackupService.6200"), True),
        ("operation_log.get", {"operation_log_id": missing}, ("not_found", 404, "BackupService.6500"), True),
        ("checkpoint.get", {"checkpoint_id": missing}, ("not_found", 404, "BackupService.6217"), True),
        ("backup.delete", {"backup_id": making["id"]}, ("conflict", 400, "BackupService.6203"), True),
        ("backup.delete", {"backup_id": restoring["id"]}, ("conflict", 400, "BackupService.6216"), True),
        ("backup.restore", {"backup_id": failed["id"], "restore": {"server_id": failed["resource_id"]}},
         ("conflict", 400, "BackupService.2005"), True),
        ("backup.restore", {"backup_id": making["id"], "restore": {"server_id": making["resource_id"]}},
         ("conflict", 400, "BackupService.2005"), True),
        ("backup.restore", {"backup_id": restoring["id"], "restore": {"server_id": restoring["resource_id"]}},
         ("conflict", 400, "BackupService.2005"), True),
        ("backup.restore", {"backup_id": deleting["id"], "restore": {"server_id": deleting["resource_id"]}},
         ("conflict", 400, "BackupService.2005"), True),
        ("backup.restore", {"backup_id": locked_backup["id"], "restore": {"server_id": locked_res["id"]}},
         ("conflict", 400, "BackupService.6202"), True),
        # The order of the checks (SPEC 6.4): the body, the backup and its status, then the vault.
        ("backup.restore", {"backup_id": missing, "restore": {}}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.restore", {"backup_id": failed["id"], "restore": {}}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.restore", {"backup_id": locked_failed["id"], "restore": {"server_id": locked_failing["id"]}},
         ("conflict", 400, "BackupService.2005"), True),
        ("backup.restore", {"backup_id": volume_backup["id"], "restore": {"server_id": h.new_id()}},
         ("invalid", 400, "BackupService.9900"), True),
        ("backup.list", {"marker": missing}, ("invalid", 400, "BackupService.9900"), True),
        # Schema violations (9900), naming the field.
        ("backup.list", {"limit": 0}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"limit": 1001}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"limit": "10"}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"offset": -1}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"sort": "size"}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"sort": "created_at:sideways"}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"start_time": "2026-13-45T99:00:00Z"}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"end_time": "last week"}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"status": ["available", "gone"]}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"incremental": "yes"}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"vault_id": "not-a-uuid"}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"marker": "not-a-uuid"}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.list", {"colour": "red"}, ("invalid", 400, "BackupService.9900"), False),
        ("operation_log.list", {"limit": 0}, ("invalid", 400, "BackupService.9900"), False),
        ("operation_log.list", {"operation_type": "explode"}, ("invalid", 400, "BackupService.9900"), False),
        ("operation_log.list", {"status": "finished"}, ("invalid", 400, "BackupService.9900"), False),
        ("operation_log.list", {"start_time": "soon"}, ("invalid", 400, "BackupService.9900"), False),
        ("operation_log.list", {"checkpoint_id": missing}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.get", {"backup_id": "not-a-uuid"}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.update", {"backup_id": good["id"]}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.update", {"backup_id": good["id"], "backup": {"name": ""}}, ("invalid", 400, "BackupService.9900"),
         False),
        ("backup.update", {"backup_id": good["id"], "backup": {"name": 7}}, ("invalid", 400, "BackupService.9900"),
         False),
        ("backup.restore", {"backup_id": good["id"]}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.restore", {"backup_id": good["id"], "restore": {**server, "power_on": "yes"}},
         ("invalid", 400, "BackupService.9900"), False),
        ("backup.restore", {"backup_id": good["id"], "restore": {**server, "mappings": [{"backup_id": good["id"]}]}},
         ("invalid", 400, "BackupService.9900"), False),
        ("operation_log.get", {"operation_log_id": "nope"}, ("invalid", 400, "BackupService.9900"), False),
        ("backup.wait", {"backup_id": good["id"], "status": "nirvana", "timeout_ms": 100},
         ("invalid", 400, "BackupService.9900"), False),
        ("backup.prune", {"vault_id": vault, "keep_last": 0}, ("invalid", 400, "BackupService.9900"), False),
    ]
    problems = h.error_table_problems(ckpt, e, r, cases)
    assert not problems, "\n".join(map(str, problems))
    # Deleting a backup that is being deleted changes nothing, on both.
    assert both(e, r, "backup.delete", {"backup_id": deleting["id"]}) == ({}, {})
    # A volume backup restored to a volume, on both.
    a = e.call("backup.restore", {"backup_id": volume_backup["id"], "restore": {"volume_id": h.new_id()}})
    b = r.call("backup.restore", {"backup_id": volume_backup["id"], "restore": {"volume_id": h.new_id()}})
    same_shape(a, b, ids=False)
    # Nothing above changed the held backups.
    after = {b["resource_name"]: b["status"] for b in e.call("backup.list", {"vault_id": held_vault["id"]})["backups"]}
    assert after == statuses


@pytest.mark.parametrize("mode", ["token", "aksk"])
def test_filter_values_with_characters_to_encode(remote: Any, local: Any, mode: str) -> None:
    """A query value is percent-encoded (and, with AK/SK, signed) by the
    remote backend and read back exactly by the server."""
    e, r = local(), remote(mode)
    vault = e.create_vault("chars & more", size_gb=10, resources=[h.server_resource(name="srv ü/1")])["vault"]
    e.create_checkpoint(vault["id"], name="plain")
    backup = e.call("backup.list", {"vault_id": vault["id"]})["backups"][0]
    for name in ["a b", "a+b", "a&b=c", "50%", "x/y?z#w", "nächtlich ☃", "~tilde*'()!", "semi;colon,comma"]:
        updated = r.call("backup.update", {"backup_id": backup["id"], "backup": {"name": name}})
        assert updated["backup"]["name"] == name
        a, b = both(e, r, "backup.list", {"name": name})
        assert a == b and [x["id"] for x in b["backups"]] == [backup["id"]], name
    a, b = both(e, r, "operation_log.list", {"vault_name": "chars & more", "resource_name": "srv ü/1"})
    assert a == b and a["count"] == 1
    a, b = both(e, r, "backup.list", {"resource_name": "srv ü/1"})
    assert a == b and a["count"] == 1


# ---------------------------------------------------------------------------
# Paging through 2,500 backups


def walk(client: Any, request: Dict[str, Any], by: str, limit: int, op: str = "backup.list",
         collection: str = "backups") -> List[str]:
    """Every id of a list, page by page, by `offset` or by `marker`, until an
    empty page; checks `count` on each page."""
    out: List[str] = []
    marker: Optional[str] = None
    total: Optional[int] = None
    for _ in range(10_000):
        page_request = dict(request, limit=limit)
        if by == "offset":
            page_request["offset"] = len(out)
        elif marker is not None:
            page_request["marker"] = marker
        page = client.call(op, page_request)
        total = page["count"] if total is None else total
        assert page["count"] == total and page["limit"] == limit, (by, len(out), page["count"])
        items = page[collection]
        if not items:
            return out
        assert len(items) <= limit
        out.extend(b["id"] for b in items)
        marker = items[-1]["id"]
    raise AssertionError("the list never ended")


def test_paging_2500_backups(remote: Any, local: Any) -> None:
    resources = [h.server_resource(name=f"server-{i:02d}") for i in range(50)]
    embedded = local()
    vault = embedded.create_vault("big", size_gb=5000, resources=resources)["vault"]
    for i in range(50):
        cp = embedded.create_checkpoint(vault["id"], name=f"cp-{i:02d}")["checkpoint"]
        assert not cp["vault"]["skipped_resources"], i
    everything: List[Dict[str, Any]] = []
    for offset in (0, 1000, 2000):
        everything += embedded.call("backup.list", {"vault_id": vault["id"], "offset": offset})["backups"]
    assert len(everything) == 2500 and len({b["id"] for b in everything}) == 2500

    # The expected orders, computed here: created_at is unique (microseconds) and sorts as text.
    newest = [b["id"] for b in sorted(everything, key=lambda b: b["created_at"], reverse=True)]
    by_name = [b["id"] for b in sorted(everything, key=lambda b: (b["name"], b["id"]))]
    expected = {
        "created_at:desc": newest,
        "created_at:asc": list(reversed(newest)),
        "name:asc": by_name,              # 50 ties per name: broken on id, ascending
        "name:desc": list(reversed(by_name)),
    }
    r = remote("aksk")
    problems = []
    for sort, order in expected.items():
        for by, limit in (("offset", 300), ("marker", 300), ("marker", 1000)):
            if sort.startswith("name") and by == "offset" and limit == 300:
                continue
            got = walk(r, {"vault_id": vault["id"], "sort": sort}, by, limit)
            if got != order:
                repeats = len(got) - len(set(got))
                gaps = len(set(order) - set(got))
                first = next((i for i, (x, y) in enumerate(zip(got, order)) if x != y), min(len(got), len(order)))
                problems.append(f"{sort} by {by} (limit {limit}): {len(got)} ids, {repeats} repeats, {gaps} missing, "
                                f"first difference at {first}")
    # The default sort is created_at:desc.
    if walk(r, {"vault_id": vault["id"]}, "marker", 700) != newest:
        problems.append("default sort by marker")

    # Their 2,500 tasks, the same way.
    logs: List[Dict[str, Any]] = []
    for offset in (0, 1000, 2000):
        logs += embedded.call("operation_log.list", {"vault_id": vault["id"], "offset": offset})["operation_logs"]
    assert len(logs) == 2500 and {x["extra_info"]["backup"]["backup_id"] for x in logs} == set(newest)
    newest_logs = [x["id"] for x in sorted(logs, key=lambda x: x["created_at"], reverse=True)]
    for sort, order in (("created_at:desc", newest_logs), ("created_at:asc", list(reversed(newest_logs)))):
        for by in ("offset", "marker"):
            got = walk(r, {"vault_id": vault["id"], "sort": sort}, by, 400, "operation_log.list", "operation_logs")
            if got != order:
                problems.append(f"operation logs {sort} by {by}: {len(got)} ids, {len(got) - len(set(got))} repeats, "
                                f"{len(set(order) - set(got))} missing")
    assert not problems, problems

    # backup.prune pages through them too (1,000 at a time): the same plan on both backends.
    a, b = both(embedded, r, "backup.prune", {"vault_id": vault["id"], "keep_last": 10, "dry_run": True})
    assert a == b
    assert len(a["keep"]) == 500 and len(a["remove"]) == 2000 and not {k["id"] for k in a["keep"]} & set(a["remove"])
    assert {k["id"] for k in a["keep"]} == {x["id"] for x in everything if x["name"] >= "cp-40"}
