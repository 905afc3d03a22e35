"""libckpt's remote backend against `ckpt serve`, compared with the embedded
backend on the same store: the vault operations of version 1.1 (vault.list,
.update, .delete, .add_resources, .remove_resources) and the CSBS v1
checkpoint operations (policy.checkpoint_list, .checkpoint_delete, and
policy.execute with Karbor's `extra-info`) answer the same JSON either way
(same keys, same JSON types at every level, the same ids where they name
the same object), and every documented error (SPEC 6.5) arrives with the
same class, HTTP status and code.

Requests go through the binding's generic `Client.call(operation, request)`,
and through its methods where they add something (delete_vault(wait=),
iter_vaults, iter_policy_checkpoints).
"""

from __future__ import annotations

import json
import time
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest

import e2e_helpers as h
from e2e_helpers import CSBS_PROVIDER_ID as PROVIDER
from e2e_helpers import TOKEN

SLOW = {"backup_ms_per_gb": 3_600_000}  # an hour per GB: held in progress
VOLUME = "OS::Cinder::Volume"
#: What a v1 checkpoint's extra_info holds when made by hand (SPEC 1).
MANUAL = {"created_by": "manual"}


same_shape, both, failure, triple = h.same_shape, h.both, h.failure, h.triple


def outcome(ckpt: Any, call: Callable[[], Any]) -> Tuple[str, int, str]:
    try:
        answer = call()
    except ckpt.Error as err:
        return triple(err)
    return ("answered", 0, str(answer)[:80])


def without_ids(value: Any) -> Any:
    """`value` with every `id` and `*_id` member taken out (to compare the
    twins of two objects made alike)."""
    if isinstance(value, dict):
        return {k: without_ids(v) for k, v in value.items() if not (k == "id" or k.endswith("_id"))}
    if isinstance(value, list):
        return [without_ids(v) for v in value]
    return value


# ---------------------------------------------------------------------------
# Data, through the embedded backend on the server's store


def make_vault(local: Any, name: str, resources: List[Dict[str, Any]], size: int = 100,
               **billing: Any) -> Dict[str, Any]:
    body = {"vault": {"name": name, "billing": {"size": size, **billing}, "resources": resources}}
    return local().call("vault.create", body)["vault"]


def vault_data(local: Any) -> Dict[str, Any]:
    """Five vaults, oldest first: "alpha" (two servers, backed up once),
    "beta" twice (the second bound to a policy id), "gamma" (empty,
    replication) and "disks" (a volume, object_type disk)."""
    servers = [h.server_resource(name=f"web{i}") for i in range(4)]
    disk = {"id": h.new_id(), "type": VOLUME, "name": "disk", "size": 1}
    policy_id = h.new_id()
    vaults = {
        "alpha": make_vault(local, "alpha", servers[:2]),
        "beta1": make_vault(local, "beta", [servers[2]]),
        "beta2": local().create_vault("beta", size_gb=50, resources=[servers[3]],
                                      backup_policy_id=policy_id)["vault"],
        "gamma": make_vault(local, "gamma", [], size=20, protect_type="replication"),
        "disks": make_vault(local, "disks", [disk], size=30, object_type="disk"),
    }
    local().create_checkpoint(vaults["alpha"]["id"], name="first")
    newest_first = [vaults[k]["id"] for k in ("disks", "gamma", "beta2", "beta1", "alpha")]
    return {"vaults": vaults, "servers": servers, "disk": disk, "policy_id": policy_id, "order": newest_first}


def twins(local: Any, n: int = 2, backed_up: bool = True) -> List[Dict[str, Any]]:
    """`n` vaults made alike: two servers each, backed up once (each resource
    a fresh id).  Returns their documents as they are now."""
    out = []
    for i in range(n):
        vault = make_vault(local, "twin", [h.server_resource(name="a"), h.server_resource(name="b", size=2)],
                           size=50)
        if backed_up:
            local().create_checkpoint(vault["id"], name="nightly")
        out.append(local().get_vault(vault["id"])["vault"])
    return out


def walk(client: Any, request: Dict[str, Any], by: str, limit: int) -> List[str]:
    """Every vault id of vault.list, page by page, by `offset` or by
    `marker`, until an empty page; checks `count` on each page."""
    out: List[str] = []
    marker: Optional[str] = None
    total: Optional[int] = None
    for _ in range(100):
        page_request = dict(request, limit=limit)
        if by == "offset":
            page_request["offset"] = len(out)
        elif marker is not None:
            page_request["marker"] = marker
        page = client.call("vault.list", page_request)
        total = page["count"] if total is None else total
        assert page["count"] == total and page["limit"] == limit, (by, len(out), page)
        if not page["vaults"]:
            return out
        out.extend(v["id"] for v in page["vaults"])
        marker = page["vaults"][-1]["id"]
    raise AssertionError("the list never ended")


# ---------------------------------------------------------------------------
# vault.list


def test_vault_list_is_the_same(remote: Any, local: Any) -> None:
    data = vault_data(local)
    e, r = local(), remote("aksk")
    vaults, order = data["vaults"], data["order"]
    servers = data["servers"]
    local().set_vault_status(vaults["gamma"]["id"], "lock")
    requests: List[Dict[str, Any]] = [
        {},
        {"id": vaults["alpha"]["id"]},
        {"id": [vaults["alpha"]["id"], vaults["gamma"]["id"], h.new_id()]},
        {"id": [vaults["alpha"]["id"].upper()]},
        {"name": "beta"},
        {"name": "bet"},
        {"status": "lock"},
        {"status": "available", "limit": 2, "offset": 1},
        {"object_type": "disk"},
        {"object_type": "server", "protect_type": "backup"},
        {"protect_type": "replication"},
        {"cloud_type": "public", "offset": 3},
        {"cloud_type": "hybrid"},
        {"policy_id": data["policy_id"]},
        {"resource_ids": f"{servers[0]['id']},{servers[3]['id']},{data['disk']['id']}"},
        {"resource_ids": servers[1]["id"]},
        {"enterprise_project_id": "0"},
        {"enterprise_project_id": "all_granted_eps", "name": "alpha"},
        {"sort": "name:asc"},
        {"sort": "name:desc,created_at:asc"},
        {"sort": "status:asc", "limit": 3},
        {"sort": "created_at:asc", "marker": vaults["beta1"]["id"]},
        {"sort": "id:desc"},
        {"marker": vaults["beta2"]["id"], "limit": 1},
        {"offset": 50},
        {"id": [h.new_id()]},
    ]
    mismatches = []
    for request in requests:
        a, b = both(e, r, "vault.list", request)
        if a != b:
            mismatches.append((request, h.shape_differences(a, b)[:5] or "same shape, other values"))
    assert not mismatches, mismatches
    # The answers are not vacuous.
    full = r.call("vault.list", {})
    assert set(full) == {"vaults", "count", "offset", "limit"}
    assert (full["count"], full["offset"], full["limit"]) == (5, 0, 1000)
    assert [v["id"] for v in full["vaults"]] == order
    assert r.call("vault.list", {"id": [vaults["alpha"]["id"], vaults["gamma"]["id"], h.new_id()]})["count"] == 2
    assert [v["id"] for v in r.call("vault.list", {"status": "lock"})["vaults"]] == [vaults["gamma"]["id"]]
    assert r.call("vault.list", {"name": "beta"})["count"] == 2
    assert r.call("vault.list", {"resource_ids": servers[1]["id"]})["vaults"][0]["id"] == vaults["alpha"]["id"]
    assert [v["id"] for v in r.call("vault.list", {"policy_id": data["policy_id"]})["vaults"]] == \
        [vaults["beta2"]["id"]]
    page = r.call("vault.list", {"offset": 50})
    assert (page["vaults"], page["count"], page["offset"]) == ([], 5, 50)
    # The list and vault.get agree, vault for vault.
    for v in full["vaults"]:
        a, b = both(e, r, "vault.get", {"vault_id": v["id"]})
        assert a == b == {"vault": v}

    # The methods: resource_ids as a list (sent comma-separated), iter_vaults.
    a = e.list_vaults(resource_ids=[servers[0]["id"], data["disk"]["id"]])
    assert a == r.list_vaults(resource_ids=[servers[0]["id"], data["disk"]["id"]]) and a["count"] == 2
    assert [v["id"] for v in r.iter_vaults(limit=2)] == order
    assert [v["id"] for v in r.iter_vaults(name="beta", limit=1)] == [vaults["beta2"]["id"], vaults["beta1"]["id"]]

    # Paging by offset and by marker, in several orders: no repeat, no gap.
    by_name = [v["id"] for v in sorted(full["vaults"], key=lambda v: (v["name"], v["id"]))]
    for sort, expected in (("created_at:desc", order), ("created_at:asc", list(reversed(order))),
                           ("name:asc", by_name), ("name:desc", list(reversed(by_name)))):
        for by in ("offset", "marker"):
            for limit in (1, 2):
                assert walk(r, {"sort": sort}, by, limit) == expected, (sort, by, limit)


# ---------------------------------------------------------------------------
# vault.update


def test_vault_update_is_the_same(remote: Any, local: Any) -> None:
    here, there = twins(local)
    e, r = local(), remote()
    body = {"name": "renamed", "billing": {"size": 80, "consistent_level": "app_consistent"}, "auto_bind": True,
            "bind_rules": {"tags": [{"key": "env", "value": "prod"}]}, "auto_expand": False, "smn_notify": True,
            "threshold": 90, "locked": False}
    a = e.call("vault.update", {"vault_id": here["id"], "vault": body})
    b = r.call("vault.update", {"vault_id": there["id"], "vault": body})
    same_shape(a, b, ids=False)
    assert set(a) == {"vault"} and (a["vault"]["id"], b["vault"]["id"]) == (here["id"], there["id"])
    # The twins stay alike, but for their ids and times.
    assert {k: v for k, v in without_ids(a)["vault"].items() if k != "created_at"} == \
        {k: v for k, v in without_ids(b)["vault"].items() if k != "created_at"}
    v = b["vault"]
    assert (v["name"], v["billing"]["size"], v["billing"]["consistent_level"]) == ("renamed", 80, "app_consistent")
    assert (v["auto_bind"], v["auto_expand"], v["smn_notify"], v["threshold"], v["locked"]) == \
        (True, False, True, 90, False)
    assert v["bind_rules"] == {"tags": [{"key": "env", "value": "prod"}]}
    # Everything else is as it was.
    assert {k: x for k, x in v.items() if k not in body} == {k: x for k, x in there.items() if k not in body}
    assert {k: x for k, x in v["billing"].items() if k not in body["billing"]} == \
        {k: x for k, x in there["billing"].items() if k not in body["billing"]}
    for vault, answer in ((here, a), (there, b)):
        x, y = both(e, r, "vault.get", {"vault_id": vault["id"]})
        assert x == y == answer

    # Only what is given changes; through the method as well.
    a = e.update_vault(here["id"], name="again")
    b = r.update_vault(there["id"], name="again")
    same_shape(a, b, ids=False)
    assert (b["vault"]["name"], b["vault"]["billing"]["size"], b["vault"]["threshold"]) == ("again", 80, 90)
    b = r.update_vault(there["id"], size_gb=3, threshold=50)  # it uses 3 GB: the least it may have
    assert (b["vault"]["billing"]["size"], b["vault"]["threshold"], b["vault"]["billing"]["used"]) == (3, 50, 3)
    assert e.get_vault(there["id"]) == b


# ---------------------------------------------------------------------------
# vault.delete


def test_vault_delete_is_the_same(ckpt: Any, remote: Any, local: Any) -> None:
    here, there, bystander = twins(local, 3)
    e, r = local(), remote()
    # A trace of each kind in each vault: backups, their logs, a remove_resource log.
    for vault in (here, there):
        e.call("vault.remove_resources", {"vault_id": vault["id"], "resource_ids": [vault["resources"][0]["id"]]})
    checkpoints = {v["id"]: e.call("backup.list", {"vault_id": v["id"]})["backups"][0]["checkpoint_id"]
                   for v in (here, there)}
    before = {v["id"]: r.call("operation_log.list", {"vault_id": v["id"]})["count"] for v in (here, there)}
    assert before == {here["id"]: 3, there["id"]: 3}
    bystanding = both(e, r, "backup.list", {"vault_id": bystander["id"]})

    assert e.call("vault.delete", {"vault_id": here["id"]}) == {}
    assert r.call("vault.delete", {"vault_id": there["id"]}) == {}
    logs = []
    for vault in (here, there):
        for client in (e, r):
            err = failure(ckpt, lambda: client.call("vault.get", {"vault_id": vault["id"]}))
            assert triple(err) == ("not_found", 404, "BackupService.6105")
            err = failure(ckpt, lambda: client.call("checkpoint.get", {"checkpoint_id": checkpoints[vault["id"]]}))
            assert triple(err) == ("not_found", 404, "BackupService.6217")
        # The cascade, seen through the remote backend: no backup, one task.
        a, b = both(e, r, "backup.list", {"vault_id": vault["id"]})
        assert a == b == {"backups": [], "count": 0, "offset": 0, "limit": 1000}
        a, b = both(e, r, "operation_log.list", {"vault_id": vault["id"]})
        assert a == b and a["count"] == 1, a
        log = a["operation_logs"][0]
        assert (log["operation_type"], log["status"], log["vault_id"], log["vault_name"]) == \
            ("vault_delete", "success", vault["id"], "twin")
        assert log["extra_info"]["vault_delete"] == {"fail_count": 0, "total_count": 2}
        assert log["extra_info"]["common"]["progress"] == 100 and log["error_info"] == {"code": "", "message": ""}
        for key in ("created_at", "started_at", "updated_at", "ended_at"):
            assert h.STORED_TIME.match(log[key]), (key, log)
        x, y = both(e, r, "operation_log.get", {"operation_log_id": log["id"]})
        assert x == y == {"operation_log": log}
        assert r.call("operation_log.list", {"vault_id": vault["id"], "operation_type": "remove_resource"})["count"] \
            == 0
        logs.append(log)
    same_shape(logs[0], logs[1], ids=False)
    # Nothing else moved.
    assert both(e, r, "backup.list", {"vault_id": bystander["id"]}) == bystanding
    a, b = both(e, r, "vault.list", {})
    assert a == b and [v["id"] for v in a["vaults"]] == [bystander["id"]]
    # Deleting again: 6105 on both.
    for client in (e, r):
        err = failure(ckpt, lambda: client.call("vault.delete", {"vault_id": here["id"]}))
        assert triple(err) == ("not_found", 404, "BackupService.6105")


def test_vault_delete_that_takes_time_is_the_same(ckpt: Any, remote: Any, local: Any) -> None:
    """A delete with a simulated duration: `deleting` through both backends,
    then awaited through the remote backend (its log with operation_log.wait,
    the vault with delete_vault(wait=True))."""
    slow, waited, held = twins(local, 3)
    e, r = local(), remote()
    local(simulate={"backup_ms_per_gb": 500}).delete_vault(slow["id"])  # 3 GB used: 1.5 s
    a, b = both(e, r, "vault.get", {"vault_id": slow["id"]})
    assert a == b and a["vault"]["billing"]["status"] == "deleting"
    a, b = both(e, r, "vault.list", {"status": "deleting"})
    assert a == b and [v["id"] for v in a["vaults"]] == [slow["id"]]
    running = r.call("operation_log.list", {"vault_id": slow["id"], "operation_type": "vault_delete"})
    assert running["count"] == 1 and running["operation_logs"][0]["status"] == "running"
    # Deleting one that is being deleted changes nothing, on both.
    assert both(e, r, "vault.delete", {"vault_id": slow["id"]}) == ({}, {})
    assert r.call("operation_log.list", {"vault_id": slow["id"], "operation_type": "vault_delete"})["count"] == 1
    done = r.call("operation_log.wait", {"operation_log_id": running["operation_logs"][0]["id"], "timeout_ms": 20000})
    assert done["operation_log"]["status"] == "success"
    assert triple(failure(ckpt, lambda: r.call("vault.get", {"vault_id": slow["id"]}))) == \
        ("not_found", 404, "BackupService.6105")

    # delete_vault(wait=True) returns once the vault is gone.
    local(simulate={"backup_ms_per_gb": 500}).delete_vault(waited["id"])
    start = time.monotonic()
    assert r.delete_vault(waited["id"], wait=True, timeout=20) is None
    assert time.monotonic() - start > 0.5
    with pytest.raises(ckpt.NotFoundError):
        e.get_vault(waited["id"])
    # A wait that is too short times out, and the delete goes on.
    local(simulate={"backup_ms_per_gb": 3000}).delete_vault(held["id"])
    with pytest.raises(ckpt.TimeoutError):
        r.delete_vault(held["id"], wait=True, timeout=0.3)
    assert e.get_vault(held["id"])["vault"]["billing"]["status"] == "deleting"


# ---------------------------------------------------------------------------
# vault.add_resources, vault.remove_resources


def test_vault_resources_are_the_same(remote: Any, local: Any) -> None:
    here, there = twins(local, backed_up=False)
    e, r = local(), remote()
    adding = {}
    answers = {}
    excluded = h.new_id()
    for vault, client in ((here, e), (there, r)):
        adding[vault["id"]] = [
            {"id": h.new_id(), "type": h.SERVER, "name": "app",
             "extra_info": {"exclude_volumes": [excluded], "include_volumes": []}},
            {"id": h.new_id(), "type": h.SERVER},
            {"id": h.new_id(), "type": VOLUME, "name": "data"},
        ]
        answers[vault["id"]] = client.call("vault.add_resources",
                                           {"vault_id": vault["id"], "resources": adding[vault["id"]]})
    a, b = answers[here["id"]], answers[there["id"]]
    same_shape(a, b, ids=False)
    assert a == {"add_resource_ids": [x["id"] for x in adding[here["id"]]]}
    assert b == {"add_resource_ids": [x["id"] for x in adding[there["id"]]]}
    got = {}
    for vault, answer in ((here, a), (there, b)):
        x, y = both(e, r, "vault.get", {"vault_id": vault["id"]})
        assert x == y
        got[vault["id"]] = x["vault"]
        # Appended, in the request's order.
        assert [res["id"] for res in x["vault"]["resources"]] == \
            [res["id"] for res in vault["resources"]] + answer["add_resource_ids"]
    # The resources bound by either backend read alike, member for member.
    assert without_ids(got[here["id"]]["resources"]) == without_ids(got[there["id"]]["resources"])
    app = got[there["id"]]["resources"][2]
    assert (app["name"], app["protect_status"], app["backup_count"]) == ("app", "available", 0)
    assert app["extra_info"] == adding[there["id"]][0]["extra_info"]

    # Through the methods, then removed again.
    extra = {"id": h.new_id(), "type": h.SERVER, "name": "more"}
    assert r.add_vault_resources(there["id"], [extra]) == {"add_resource_ids": [extra["id"]]}
    removing = {here["id"]: [here["resources"][0]["id"], a["add_resource_ids"][1]],
                there["id"]: [there["resources"][0]["id"], b["add_resource_ids"][1]]}
    a = e.call("vault.remove_resources", {"vault_id": here["id"], "resource_ids": removing[here["id"]]})
    b = r.call("vault.remove_resources", {"vault_id": there["id"], "resource_ids": removing[there["id"]]})
    same_shape(a, b, ids=False)
    assert (a, b) == ({"remove_resource_ids": removing[here["id"]]}, {"remove_resource_ids": removing[there["id"]]})
    assert r.remove_vault_resources(there["id"], [extra["id"]]) == {"remove_resource_ids": [extra["id"]]}
    for vault in (here, there):
        x, y = both(e, r, "vault.get", {"vault_id": vault["id"]})
        assert x == y
        assert not set(removing[vault["id"]]) & {res["id"] for res in x["vault"]["resources"]}
        assert len(x["vault"]["resources"]) == 3
    # Each removal writes one remove_resource task, alike on both, naming what it removed.
    logs = {}
    for vault in (here, there):
        x, y = both(e, r, "operation_log.list", {"vault_id": vault["id"], "operation_type": "remove_resource"})
        assert x == y
        logs[vault["id"]] = x
    assert logs[here["id"]]["count"] == 1 and logs[there["id"]]["count"] == 2
    named = [[x["id"] for x in log["extra_info"]["remove_resources"]["resources"]]
             for log in logs[there["id"]]["operation_logs"]]
    assert named == [[extra["id"]], removing[there["id"]]]  # newest first
    assert logs[there["id"]]["operation_logs"][0]["extra_info"]["resource"]["id"] == extra["id"]
    for log in logs[there["id"]]["operation_logs"] + logs[here["id"]]["operation_logs"]:
        assert log["status"] == "success"
    # The removes of two resources, one per backend, have one shape.
    same_shape(logs[there["id"]]["operation_logs"][1], logs[here["id"]]["operation_logs"][0], ids=False)
    # A removed resource may go to another vault; the twin's may not (6103).
    moved = removing[there["id"]][0]
    assert r.call("vault.add_resources", {"vault_id": here["id"], "resources": [{"id": moved, "type": h.SERVER}]}) \
        == {"add_resource_ids": [moved]}


def test_vault_add_resources_keeps_the_size(remote: Any, local: Any) -> None:
    """A resource's `size` (GB) in vault.add_resources, as in vault.create:
    the same request gives the same vault through either backend."""
    here, there = twins(local, backed_up=False)
    e, r = local(), remote()
    e.call("vault.add_resources", {"vault_id": here["id"], "resources": [h.server_resource(size=5, name="big")]})
    r.call("vault.add_resources", {"vault_id": there["id"], "resources": [h.server_resource(size=5, name="big")]})
    sizes = {v["id"]: [(x["name"], x["size"]) for x in e.get_vault(v["id"])["vault"]["resources"]]
             for v in (here, there)}
    assert sizes[here["id"]] == [("a", 1), ("b", 2), ("big", 5)]
    assert sizes[there["id"]] == sizes[here["id"]], sizes
    # vault.create through the remote backend keeps it.
    made = r.create_vault("sized", size_gb=10, resources=[h.server_resource(size=7)])["vault"]
    assert [x["size"] for x in made["resources"]] == [7]


# ---------------------------------------------------------------------------
# policy.checkpoint_list, policy.checkpoint_delete, policy.execute


def make_policy(local: Any, name: str, n: int = 1) -> Dict[str, Any]:
    resources = [h.server_resource(name=f"{name}-{i}") for i in range(n)]
    return local().create_policy(name, resources=resources)["policy"]


def run_policy(local: Any, policy: Dict[str, Any], days_ago: int = 0) -> Dict[str, Any]:
    """policy.execute now, or `days_ago` days ago on the simulated clock
    (oldest first: the store never lets created_at go back)."""
    config: Dict[str, Any] = {"simulate": {"clock_offset_ms": -days_ago * h.DAY_MS}} if days_ago else {}
    return local(**config).execute_policy(policy["id"])["checkpoint"]


def test_policy_checkpoint_list_is_the_same(server: h.Serve, remote: Any, local: Any, project: str) -> None:
    nightly, weekly = make_policy(local, "nightly"), make_policy(local, "weekly", n=2)
    made = [run_policy(local, nightly, 2), run_policy(local, weekly, 2), run_policy(local, nightly, 1),
            run_policy(local, nightly), run_policy(local, weekly)]
    e, r = local(), remote("aksk")
    order = [c["id"] for c in reversed(made)]
    days = sorted({c["created_at"][:10] for c in made})
    assert len(days) == 3
    requests: List[Dict[str, Any]] = [
        {},
        {"plan_id": nightly["id"]},
        {"plan_id": weekly["id"], "limit": 1},
        {"plan_id": h.new_id()},
        {"start_date": days[1]},
        {"end_date": days[1]},
        {"start_date": days[0], "end_date": days[0]},
        {"start_date": days[1], "end_date": days[2], "plan_id": nightly["id"]},
        {"start_date": "2999-01-01"},
        {"limit": 2},
        {"limit": 5},
        {"limit": 4},
        {"limit": 2, "marker": order[1]},
        {"limit": 2, "marker": order[3]},
        {"marker": order[4]},
        {"sort": "created_at:asc", "limit": 2},
        {"sort": "created_at:asc", "limit": 2, "marker": order[-2]},
        {"sort": "id:desc"},
        {"sort": "status:asc,created_at:asc", "limit": 3, "plan_id": nightly["id"]},
        {"provider_id": PROVIDER, "limit": 3},
    ]
    mismatches = []
    for request in requests:
        a, b = both(e, r, "policy.checkpoint_list", request)
        if a != b:
            mismatches.append((request, h.shape_differences(a, b)[:5] or "same shape, other values"))
    assert not mismatches, mismatches
    # The answers are not vacuous.
    full = r.call("policy.checkpoint_list", {})
    assert set(full) == {"checkpoints"} and [c["id"] for c in full["checkpoints"]] == order
    for c in full["checkpoints"]:
        a, b = both(e, r, "policy.checkpoint_get", {"checkpoint_id": c["id"]})
        assert a == b == {"checkpoint": c}
        assert isinstance(c["extra_info"], str) and json.loads(c["extra_info"]) == MANUAL
    assert [c["id"] for c in r.call("policy.checkpoint_list", {"start_date": days[1]})["checkpoints"]] == order[:3]
    assert [c["id"] for c in r.call("policy.checkpoint_list", {"end_date": days[1]})["checkpoints"]] == order[2:]
    assert len(r.call("policy.checkpoint_list", {"plan_id": nightly["id"]})["checkpoints"]) == 3

    # limit and marker: a `next` link while (and only while) a page follows;
    # following it gives the next page.
    walked: List[str] = []
    request: Dict[str, Any] = {"limit": 2, "plan_id": nightly["id"], "sort": "created_at:asc"}
    for _ in range(10):
        page = r.call("policy.checkpoint_list", request)
        walked += [c["id"] for c in page["checkpoints"]]
        if "checkpoints_links" not in page:
            break
        links = page["checkpoints_links"]
        assert len(links) == 1 and links[0]["rel"] == "next" and set(links[0]) == {"href", "rel"}, links
        href = links[0]["href"]
        assert href.startswith(f"/v1/{project}/providers/{PROVIDER}/checkpoints?"), href
        assert f"marker={walked[-1]}" in href and f"plan_id={nightly['id']}" in href and "limit=2" in href
        followed = h.request(server.port, "GET", href, None, {"X-Auth-Token": TOKEN})
        request = dict(request, marker=walked[-1])
        assert followed.status == 200 and followed.json == r.call("policy.checkpoint_list", request), followed
    nightly_ids = [c["id"] for c in made if c["protection_plan"]["id"] == nightly["id"]]
    assert walked == nightly_ids
    assert "checkpoints_links" not in r.call("policy.checkpoint_list", {"limit": 5})
    assert "checkpoints_links" in r.call("policy.checkpoint_list", {"limit": 4})
    assert r.call("policy.checkpoint_list", {"marker": order[-1]}) == {"checkpoints": []}
    # The iterator follows the pages (by link) to the end.
    assert [c["id"] for c in r.iter_policy_checkpoints(limit=2)] == order
    assert [c["id"] for c in r.iter_policy_checkpoints(limit=1, plan_id=weekly["id"])] == \
        [c for c in order if c in {made[1]["id"], made[4]["id"]}]


def test_policy_checkpoint_delete_is_the_same(ckpt: Any, remote: Any, local: Any) -> None:
    policy = make_policy(local, "pruned", n=2)
    here, there, keep = run_policy(local, policy), run_policy(local, policy), run_policy(local, policy)
    e, r = local(), remote()
    for cp in (here, there):
        assert e.call("backup.list", {"checkpoint_id": cp["id"]})["count"] == 2
    assert e.call("policy.checkpoint_delete", {"checkpoint_id": here["id"]}) == {}
    assert r.call("policy.checkpoint_delete", {"checkpoint_id": there["id"], "provider_id": PROVIDER}) == {}
    for gone in (here, there):
        for client in (e, r):
            err = failure(ckpt, lambda: client.call("policy.checkpoint_get", {"checkpoint_id": gone["id"]}))
            assert triple(err) == ("not_found", 404, "CSBS.3001")
            # Deleting again: 404 CSBS.3001, as for get.
            err = failure(ckpt, lambda: client.call("policy.checkpoint_delete", {"checkpoint_id": gone["id"]}))
            assert triple(err) == ("not_found", 404, "CSBS.3001")
        a, b = both(e, r, "backup.list", {"checkpoint_id": gone["id"]})
        assert a == b and a["count"] == 0
    a, b = both(e, r, "policy.checkpoint_list", {})
    assert a == b and [c["id"] for c in a["checkpoints"]] == [keep["id"]]
    assert r.call("backup.list", {"checkpoint_id": keep["id"]})["count"] == 2
    # The method answers None.
    assert r.delete_policy_checkpoint(keep["id"]) is None
    assert r.call("policy.checkpoint_list", {}) == {"checkpoints": []}

    # A delete that takes time: `deleting` on both until it is gone.
    slow_one = run_policy(local, policy)
    local(simulate={"backup_ms_per_gb": 1000}).delete_policy_checkpoint(slow_one["id"])
    a, b = both(e, r, "policy.checkpoint_get", {"checkpoint_id": slow_one["id"]})
    assert a == b and a["checkpoint"]["status"] == "deleting"
    a, b = both(e, r, "policy.checkpoint_list", {})
    assert a == b and [(c["id"], c["status"]) for c in a["checkpoints"]] == [(slow_one["id"], "deleting")]
    assert both(e, r, "policy.checkpoint_delete", {"checkpoint_id": slow_one["id"]}) == ({}, {})
    deadline = time.monotonic() + 20
    while True:
        try:
            r.call("policy.checkpoint_get", {"checkpoint_id": slow_one["id"]})
        except ckpt.NotFoundError:
            break
        assert time.monotonic() < deadline
        time.sleep(0.1)


def test_policy_execute_with_karbor_extra_info_is_the_same(ckpt: Any, remote: Any, local: Any) -> None:
    """Karbor's create body: `extra-info` (null or an object) and no
    `parameters`: every resource of the policy is backed up."""
    policy = make_policy(local, "karbor", n=2)
    e, r = local(), remote()
    answers = []
    for extra in (None, {"note": "from karbor"}):
        request = {"checkpoint": {"plan_id": policy["id"], "extra-info": extra}}
        a, b = both(e, r, "policy.execute", request)
        same_shape(a, b, ids=False)
        answers += [a, b]
    for answer in answers:
        cp = answer["checkpoint"]
        assert json.loads(cp["extra_info"]) == MANUAL
        assert cp["protection_plan"]["id"] == policy["id"]
        assert sorted(x["id"] for x in cp["protection_plan"]["resources"]) == \
            sorted(x["id"] for x in policy["resources"])
        assert e.call("backup.list", {"checkpoint_id": cp["id"]})["count"] == 2
    a, b = both(e, r, "policy.checkpoint_list", {"plan_id": policy["id"]})
    assert a == b and len(a["checkpoints"]) == 4
    # Without either member: the same.
    a, b = both(e, r, "policy.execute", {"checkpoint": {"plan_id": policy["id"]}})
    same_shape(a, b, ids=False)
    for bad in ("note=x", 7, ["a"]):
        got = [outcome(ckpt, lambda c=c: c.call("policy.execute", {
            "checkpoint": {"plan_id": policy["id"], "extra-info": bad}})) for c in (e, r)]
        assert got[0] == got[1] == ("invalid", 400, "CSBS.9001"), (bad, got)


# ---------------------------------------------------------------------------
# Errors: the same class, status and code through both backends


def test_errors_are_the_same(ckpt: Any, remote: Any, local: Any) -> None:
    data = vault_data(local)
    e, r = local(), remote()
    vaults, servers = data["vaults"], data["servers"]
    alpha, beta, gamma = vaults["alpha"]["id"], vaults["beta1"]["id"], vaults["gamma"]["id"]
    # A backup held in progress in beta; a v1 checkpoint held in progress.
    local(simulate=SLOW).create_checkpoint(beta)
    policy = make_policy(local, "errors")
    busy_cp = local(simulate=SLOW).execute_policy(policy["id"])["checkpoint"]
    done_cp = run_policy(local, make_policy(local, "done"))
    v3_checkpoint = e.call("backup.list", {"vault_id": alpha})["backups"][0]["checkpoint_id"]
    missing = h.new_id()
    fresh = {"id": h.new_id(), "type": h.SERVER}
    inv, conflict, nf = "invalid", "conflict", "not_found"
    cases: List[Tuple[str, Dict[str, Any], Tuple[str, int, str], bool]] = [
        # (operation, request, (class, status, code) per SPEC 6.5, decided by the server's state)
        ("vault.update", {"vault_id": missing, "vault": {"name": "x"}}, (nf, 404, "BackupService.6105"), True),
        ("vault.update", {"vault_id": alpha, "vault": {"billing": {"size": 1}}}, (inv, 400, "BackupService.9900"),
         True),
        ("vault.delete", {"vault_id": missing}, (nf, 404, "BackupService.6105"), True),
        ("vault.delete", {"vault_id": beta}, (conflict, 400, "BackupService.6203"), True),
        ("vault.add_resources", {"vault_id": missing, "resources": [fresh]}, (nf, 404, "BackupService.6105"), True),
        ("vault.add_resources", {"vault_id": alpha, "resources": [{"id": servers[0]["id"], "type": h.SERVER}]},
         (conflict, 400, "BackupService.6104"), True),
        ("vault.add_resources", {"vault_id": gamma, "resources": [{"id": servers[0]["id"], "type": h.SERVER}]},
         (conflict, 400, "BackupService.6103"), True),
        ("vault.add_resources", {"vault_id": gamma, "resources": [fresh, {"id": servers[2]["id"], "type": h.SERVER}]},
         (conflict, 400, "BackupService.6103"), True),
        ("vault.remove_resources", {"vault_id": missing, "resource_ids": [servers[0]["id"]]},
         (nf, 404, "BackupService.6105"), True),
        ("vault.remove_resources", {"vault_id": alpha, "resource_ids": [servers[2]["id"]]},
         (inv, 400, "BackupService.6135"), True),
        ("vault.remove_resources", {"vault_id": alpha, "resource_ids": [servers[0]["id"], missing]},
         (inv, 400, "BackupService.6135"), True),
        ("vault.remove_resources", {"vault_id": beta, "resource_ids": [servers[2]["id"]]},
         (conflict, 400, "BackupService.6134"), True),
        ("vault.get", {"vault_id": missing}, (nf, 404, "BackupService.6105"), True),
        ("vault.list", {"marker": missing}, (inv, 400, "BackupService.9900"), True),
        ("policy.checkpoint_delete", {"checkpoint_id": missing}, (nf, 404, "CSBS.3001"), True),
        ("policy.checkpoint_delete", {"checkpoint_id": v3_checkpoint}, (nf, 404, "CSBS.3001"), True),
        ("policy.checkpoint_delete", {"checkpoint_id": busy_cp["id"]}, (conflict, 400, "CSBS.2003"), True),
        ("policy.execute", {"checkpoint": {"plan_id": missing, "extra-info": None}}, (nf, 404, "CSBS.3002"), True),
        # Schema violations (9900, CSBS.9001 for the v1 operations).
        ("vault.list", {"limit": 0}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"limit": 1001}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"offset": -1}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"id": "nope"}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"id": [alpha, "nope"]}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"status": "gone"}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"object_type": "cake"}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"protect_type": "both"}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"cloud_type": "private"}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"policy_id": "p"}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"resource_ids": f"{alpha},x"}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"name": ["a", "b"]}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"sort": "updated_at"}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"marker": "nope"}, (inv, 400, "BackupService.9900"), False),
        ("vault.list", {"colour": "red"}, (inv, 400, "BackupService.9900"), False),
        ("vault.update", {"vault_id": alpha}, (inv, 400, "BackupService.9900"), False),
        ("vault.update", {"vault_id": alpha, "vault": {"colour": "red"}}, (inv, 400, "BackupService.9900"), False),
        ("vault.update", {"vault_id": alpha, "vault": {"name": ""}}, (inv, 400, "BackupService.9900"), False),
        ("vault.update", {"vault_id": alpha, "vault": {"billing": {"size": 0}}}, (inv, 400, "BackupService.9900"),
         False),
        ("vault.update", {"vault_id": alpha, "vault": {"threshold": 101}}, (inv, 400, "BackupService.9900"), False),
        ("vault.update", {"vault_id": alpha, "vault": {"locked": "yes"}}, (inv, 400, "BackupService.9900"), False),
        ("vault.update", {"vault_id": "nope", "vault": {"name": "x"}}, (inv, 400, "BackupService.9900"), False),
        ("vault.delete", {"vault_id": "nope"}, (inv, 400, "BackupService.9900"), False),
        ("vault.add_resources", {"vault_id": gamma, "resources": []}, (inv, 400, "BackupService.9900"), False),
        ("vault.add_resources", {"vault_id": gamma}, (inv, 400, "BackupService.9900"), False),
        ("vault.add_resources", {"vault_id": gamma, "resources": [fresh, fresh]}, (inv, 400, "BackupService.9900"),
         False),
        ("vault.add_resources", {"vault_id": gamma, "resources": [{"id": missing, "type": "OS::Heat::Stack"}]},
         (inv, 400, "BackupService.9900"), False),
        ("vault.add_resources", {"vault_id": gamma, "resources": [{"type": h.SERVER}]},
         (inv, 400, "BackupService.9900"), False),
        ("vault.remove_resources", {"vault_id": alpha, "resource_ids": []}, (inv, 400, "BackupService.9900"), False),
        ("vault.remove_resources", {"vault_id": alpha, "resource_ids": ["nope"]}, (inv, 400, "BackupService.9900"),
         False),
        ("policy.checkpoint_list", {"limit": 0}, (inv, 400, "CSBS.9001"), False),
        ("policy.checkpoint_list", {"limit": "two"}, (inv, 400, "CSBS.9001"), False),
        ("policy.checkpoint_list", {"offset": 1}, (inv, 400, "CSBS.9001"), False),
        ("policy.checkpoint_list", {"marker": "nope"}, (inv, 400, "CSBS.9001"), False),
        ("policy.checkpoint_list", {"start_date": "2024/01/02"}, (inv, 400, "CSBS.9001"), False),
        ("policy.checkpoint_list", {"end_date": "yesterday"}, (inv, 400, "CSBS.9001"), False),
        ("policy.checkpoint_list", {"plan_id": "nope"}, (inv, 400, "CSBS.9001"), False),
        ("policy.checkpoint_list", {"sort": "name:asc"}, (inv, 400, "CSBS.9001"), False),
        ("policy.checkpoint_list", {"provider_id": missing}, (inv, 400, "CSBS.9001"), False),
        ("policy.checkpoint_delete", {"checkpoint_id": "nope"}, (inv, 400, "CSBS.9001"), False),
        ("policy.checkpoint_delete", {"checkpoint_id": done_cp["id"], "provider_id": missing},
         (inv, 400, "CSBS.9001"), False),
    ]
    problems = h.error_table_problems(ckpt, e, r, cases, same_message=True)
    assert not problems, "\n".join(map(str, problems))
    # The Python classes of the documented errors.
    assert isinstance(failure(ckpt, lambda: r.delete_vault(missing)), ckpt.NotFoundError)
    assert isinstance(failure(ckpt, lambda: r.delete_vault(beta)), ckpt.ConflictError)
    assert isinstance(failure(ckpt, lambda: r.remove_vault_resources(alpha, [missing])), ckpt.InvalidRequestError)
    assert isinstance(failure(ckpt, lambda: r.remove_vault_resources(beta, [servers[2]["id"]])), ckpt.ConflictError)
    assert isinstance(failure(ckpt, lambda: r.add_vault_resources(gamma, [{"id": servers[0]["id"],
                                                                          "type": h.SERVER}])), ckpt.ConflictError)
    assert isinstance(failure(ckpt, lambda: r.delete_policy_checkpoint(busy_cp["id"])), ckpt.ConflictError)
    assert isinstance(failure(ckpt, lambda: r.delete_policy_checkpoint(missing)), ckpt.NotFoundError)
    # Nothing above changed anything.
    a, b = both(e, r, "vault.list", {})
    assert a == b and a["count"] == 5
    assert [x["id"] for x in e.get_vault(gamma)["vault"]["resources"]] == []
    assert len(e.get_vault(alpha)["vault"]["resources"]) == 2


def test_policy_checkpoint_list_unknown_marker_is_a_csbs_error(ckpt: Any, remote: Any, local: Any) -> None:
    """An unknown marker is a parameter error of the v1 family (CSBS.9001,
    as every other bad parameter of policy.checkpoint_list is), on both: an
    id never made, and a v3 checkpoint's (not a v1 one)."""
    run_policy(local, make_policy(local, "marker"))
    vault = make_vault(local, "v3", [h.server_resource()])
    v3_checkpoint = local().create_checkpoint(vault["id"])["checkpoint"]["id"]
    e, r = local(), remote()
    for marker in (h.new_id(), v3_checkpoint):
        got = [outcome(ckpt, lambda c=c: c.call("policy.checkpoint_list", {"marker": marker})) for c in (e, r)]
        assert got[0] == got[1] == ("invalid", 400, "CSBS.9001"), (marker, got)
