"""Vaults and CSBS checkpoints of libckpt 1.1 (SPEC 6, "lifecycle part 2")
through the Client's typed methods, against the real library's embedded
backend: vault.list, .update, .delete (with its cascade), .add_resources,
.remove_resources, policy.checkpoint_list and .checkpoint_delete.

Histories over time are made as in test_lifecycle.py, with
``simulate.clock_offset_ms``: one client per step on one store file.
"""

from __future__ import annotations

import datetime
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional

import pytest

from support import SERVER, VOLUME, client_at, ids, import_ckpt, model_sort, new_id, parse_time, server, volume

ckpt = import_ckpt()

UTC = datetime.timezone.utc
CSBS = "fc4d5750-22e7-4798-8a46-f48f62c4c1da"
SLOW = 3_600_000  # simulate.backup_ms_per_gb: an hour a GB, "forever" here
VAULT_SORT_KEYS = ("created_at", "name", "status", "id")
CHECKPOINT_SORT_KEYS = ("created_at", "status", "id")
LOG_KEYS = {
    "id", "project_id", "provider_id", "checkpoint_id", "policy_id", "vault_id", "vault_name", "operation_type",
    "status", "created_at", "started_at", "updated_at", "ended_at", "error_info", "extra_info",
}




def backups_of(c: Any, **filters: Any) -> List[Dict[str, Any]]:
    return c.list_backups(**filters)["backups"]






def _error(call: Callable[[], Any], cls: type, status: int, code: str) -> Any:
    with pytest.raises(cls) as info:
        call()
    err = info.value
    assert (err.status_code, err.error_code) == (status, code), str(err)
    return err


def invalid(field: str, call: Callable[[], Any], code: str = "BackupService.9900") -> Any:
    """Runs `call`, which must fail with 9900 (or `code`) naming `field`."""
    err = _error(call, ckpt.InvalidRequestError, 400, code)
    assert (err.code, err.error_class) == (-1, "invalid")
    assert err.error_msg.startswith(field + ":"), err.error_msg
    return err


def not_found(call: Callable[[], Any], code: str = "BackupService.6105") -> Any:
    err = _error(call, ckpt.NotFoundError, 404, code)
    assert (err.code, err.error_class) == (-2, "not_found")
    return err


def conflict(call: Callable[[], Any], code: str) -> Any:
    err = _error(call, ckpt.ConflictError, 400, code)
    assert (err.code, err.error_class) == (-3, "conflict")
    return err


def vault_gone(c: Any, vault_id: str) -> bool:
    try:
        c.get_vault(vault_id)
    except ckpt.NotFoundError:
        return True
    return False


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> float:
    """Polls `condition` until it holds; returns the seconds it took."""
    start = time.monotonic()
    while not condition():
        assert time.monotonic() - start < timeout, "condition never held"
        time.sleep(0.02)
    return time.monotonic() - start


# -- vault.list: a store of 30 vaults, shared by the read-only tests --------------------------------

NAMES = ["alpha", "beta", "Beta", "gamma", "alpha", "delta"]
STATUSES = {3: "lock", 7: "frozen", 11: "error", 12: "lock", 20: "frozen", 25: "lock"}


class Vaults:
    """30 vaults over 30 simulated hours: names that repeat, server and disk
    vaults, some of a policy, some in a status other than available, one
    resource each (two for every fifth)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.policy = new_id()
        self.resources: List[List[Dict[str, Any]]] = []
        start = datetime.datetime(2024, 5, 1, 8, tzinfo=UTC)
        made: List[str] = []
        for i in range(30):
            res = [server(size=0, name=f"s{i}")] + ([volume(size=0, name=f"v{i}")] if i % 5 == 0 else [])
            self.resources.append(res)
            extra: Dict[str, Any] = {}
            if i % 3 == 0:
                extra["billing"] = {"size": 10, "object_type": "disk"}
            if i % 4 == 1:
                extra["backup_policy_id"] = self.policy
            with client_at(ckpt, path, start + datetime.timedelta(hours=i)) as c:
                made.append(c.create_vault(NAMES[i % len(NAMES)], size_gb=10, resources=res, **extra)["vault"]["id"])
        with ckpt.Client(path=path) as c:
            for i, status in STATUSES.items():
                c.set_vault_status(made[i], status)
            # Each vault as vault.get answers it, independent of the list.
            self.all = [c.get_vault(v)["vault"] for v in made]
        self.ids = made


@pytest.fixture(scope="module")
def vaults(tmp_path_factory: pytest.TempPathFactory) -> Vaults:
    return Vaults(str(tmp_path_factory.mktemp("vaults") / "store.db"))


@pytest.fixture
def reader(vaults: Vaults) -> Iterator[Any]:
    with ckpt.Client(path=vaults.path) as c:
        yield c


def test_the_vaults_are_varied(vaults: Vaults) -> None:
    assert len(vaults.all) == 30 == len(set(vaults.ids))
    assert {v["billing"]["status"] for v in vaults.all} == {"available", "lock", "frozen", "error"}
    assert {v["billing"]["object_type"] for v in vaults.all} == {"server", "disk"}
    assert len({v["created_at"] for v in vaults.all}) == 30


def test_vault_list_defaults(reader: Any, vaults: Vaults) -> None:
    page = reader.list_vaults()
    assert set(page) == {"vaults", "count", "offset", "limit"}
    assert (page["count"], page["offset"], page["limit"]) == (30, 0, 1000)
    # Newest first; each item is the vault as vault.get answers it.
    assert page["vaults"] == model_sort(vaults.all)
    assert ids(page["vaults"]) == vaults.ids[::-1]


def test_vault_list_count_is_the_total(reader: Any) -> None:
    for offset, limit, size in [(0, 1, 1), (0, 7, 7), (28, 7, 2), (29, 1000, 1), (30, 5, 0), (31, 5, 0), (10**6, 1, 0)]:
        page = reader.list_vaults(offset=offset, limit=limit)
        assert (page["count"], page["offset"], page["limit"]) == (30, offset, limit)
        assert len(page["vaults"]) == size, (offset, limit)
    page = reader.list_vaults(status="lock", limit=1)
    assert page["count"] == 3 and len(page["vaults"]) == 1
    for bad in (0, -1, 1001, "5", True):
        invalid("limit", lambda: reader.list_vaults(limit=bad))
    invalid("offset", lambda: reader.list_vaults(offset=-1))


VAULT_SORTS = ["created_at:desc", "created_at:asc", "name:asc", "name:desc", "status:asc", "status:desc",
               "id:asc", "id:desc", "name", "status:asc,created_at:asc", "name:desc,status:asc"]


@pytest.mark.parametrize("sort", VAULT_SORTS)
@pytest.mark.parametrize("how", ["offset", "marker"])
@pytest.mark.parametrize("limit", [1, 7, 30])
def test_vault_paging_has_no_repeats_or_gaps(reader: Any, vaults: Vaults, sort: str, how: str, limit: int) -> None:
    expected = ids(model_sort(vaults.all, sort if ":" in sort.split(",")[-1] else sort + ":desc"))
    got: List[str] = []
    request: Dict[str, Any] = {"sort": sort, "limit": limit}
    calls = 0
    while True:
        page = reader.list_vaults(**request)
        calls += 1
        assert page["count"] == 30
        if not page["vaults"]:
            break
        got += ids(page["vaults"])
        if how == "offset":
            request["offset"] = request.get("offset", 0) + limit
        else:
            request["marker"] = page["vaults"][-1]["id"]
        assert calls <= 31
    assert len(got) == len(set(got)) == 30
    assert got == expected


def test_vault_marker(reader: Any, vaults: Vaults) -> None:
    whole = ids(model_sort(vaults.all))
    for i in (0, 9, 27):
        page = reader.list_vaults(marker=whole[i], limit=3)
        assert ids(page["vaults"]) == whole[i + 1:i + 4] and page["count"] == 30
    assert reader.list_vaults(marker=whole[-1])["vaults"] == []
    # The marker, then the offset.
    assert ids(reader.list_vaults(marker=whole[2], offset=2, limit=2)["vaults"]) == whole[5:7]
    # With a filter, under another order.
    lock = ids(model_sort([v for v in vaults.all if v["billing"]["status"] == "lock"], "name:asc"))
    assert ids(reader.list_vaults(status="lock", sort="name:asc", marker=lock[0])["vaults"]) == lock[1:]
    invalid("marker", lambda: reader.list_vaults(marker=new_id()))
    invalid("marker", lambda: reader.list_vaults(marker="last"))


@pytest.mark.parametrize("sort", ["updated_at", "size", "name:up", "", "name,name", "protected_at"])
def test_vault_bad_sort(reader: Any, sort: str) -> None:
    invalid("sort", lambda: reader.list_vaults(sort=sort))


def test_vault_filters(reader: Any, vaults: Vaults) -> None:
    everything = model_sort(vaults.all)

    def where(test: Callable[[Dict[str, Any]], bool]) -> List[str]:
        return [v["id"] for v in everything if test(v)]

    res = vaults.resources
    cases: List[Any] = [
        ({"name": "alpha"}, lambda v: v["name"] == "alpha"),
        ({"name": "Beta"}, lambda v: v["name"] == "Beta"),
        ({"id": vaults.ids[4]}, lambda v: v["id"] == vaults.ids[4]),
        ({"id": uuid.UUID(vaults.ids[4])}, lambda v: v["id"] == vaults.ids[4]),
        ({"id": [vaults.ids[1], vaults.ids[17], vaults.ids[29]]},
         lambda v: v["id"] in (vaults.ids[1], vaults.ids[17], vaults.ids[29])),
        ({"id": [vaults.ids[8], new_id()]}, lambda v: v["id"] == vaults.ids[8]),
        ({"id": [uuid.UUID(vaults.ids[2]), vaults.ids[3]]}, lambda v: v["id"] in vaults.ids[2:4]),
        ({"status": "lock"}, lambda v: v["billing"]["status"] == "lock"),
        ({"status": "frozen"}, lambda v: v["billing"]["status"] == "frozen"),
        ({"status": "available"}, lambda v: v["billing"]["status"] == "available"),
        ({"object_type": "disk"}, lambda v: v["billing"]["object_type"] == "disk"),
        ({"object_type": "server"}, lambda v: v["billing"]["object_type"] == "server"),
        ({"object_type": "disk", "status": "lock"},
         lambda v: v["billing"]["object_type"] == "disk" and v["billing"]["status"] == "lock"),
        ({"protect_type": "backup"}, lambda v: True),
        ({"cloud_type": "public"}, lambda v: True),
        ({"policy_id": vaults.policy}, lambda v: v.get("backup_policy_id") == vaults.policy),
        ({"resource_ids": res[6][0]["id"]}, lambda v: v["id"] == vaults.ids[6]),
        ({"resource_ids": f"{res[6][0]['id']},{res[10][1]['id']},{new_id()}"},
         lambda v: v["id"] in (vaults.ids[6], vaults.ids[10])),
        ({"resource_ids": [res[6][0]["id"], uuid.UUID(res[10][0]["id"])]},
         lambda v: v["id"] in (vaults.ids[6], vaults.ids[10])),
        ({"resource_ids": res[5][1]["id"], "name": NAMES[5 % len(NAMES)]}, lambda v: v["id"] == vaults.ids[5]),
        ({"resource_ids": res[5][1]["id"], "name": "alpha"}, lambda v: False),
    ]
    for request, test in cases:
        expected = where(test)
        page = reader.list_vaults(**request)
        assert ids(page["vaults"]) == expected, request
        assert page["count"] == len(expected), request
    # Each narrows: nothing matches what no vault is.
    assert reader.list_vaults(name="alph")["count"] == 0  # exact, not a prefix
    assert reader.list_vaults(name="ALPHA")["count"] == 0
    assert reader.list_vaults(status="deleting")["count"] == 0
    assert reader.list_vaults(object_type="turbo")["count"] == 0
    assert reader.list_vaults(protect_type="replication")["count"] == 0
    assert reader.list_vaults(cloud_type="hybrid")["count"] == 0
    assert reader.list_vaults(policy_id=new_id())["count"] == 0
    assert reader.list_vaults(id=new_id())["count"] == 0
    assert reader.list_vaults(resource_ids=new_id())["count"] == 0
    # A filter given as None is not sent.
    assert reader.list_vaults(name=None, status=None)["count"] == 30


def test_vault_filter_errors(reader: Any) -> None:
    invalid("id", lambda: reader.list_vaults(id="v1"))
    invalid("id[1]", lambda: reader.list_vaults(id=[new_id(), "v1"]))
    invalid("id", lambda: reader.list_vaults(id=[]))
    invalid("resource_ids", lambda: reader.list_vaults(resource_ids="r1"))
    invalid("resource_ids", lambda: reader.list_vaults(resource_ids=f"{new_id()},r2"))
    invalid("resource_ids", lambda: reader.list_vaults(resource_ids=""))
    invalid("status", lambda: reader.list_vaults(status="gone"))
    invalid("object_type", lambda: reader.list_vaults(object_type="tape"))
    invalid("protect_type", lambda: reader.list_vaults(protect_type="mirror"))
    invalid("cloud_type", lambda: reader.list_vaults(cloud_type="private"))
    invalid("policy_id", lambda: reader.list_vaults(policy_id="p"))
    invalid("name", lambda: reader.list_vaults(name=""))
    invalid("bogus", lambda: reader.list_vaults(bogus=1))


def test_iter_vaults(reader: Any, vaults: Vaults) -> None:
    assert ids(list(reader.iter_vaults())) == ids(model_sort(vaults.all))
    for limit in (1, 4, 29, 30):
        assert ids(list(reader.iter_vaults(limit=limit, sort="name:asc"))) == ids(model_sort(vaults.all, "name:asc"))
    disk = [v for v in model_sort(vaults.all, "id:asc") if v["billing"]["object_type"] == "disk"]
    assert list(reader.iter_vaults(object_type="disk", sort="id:asc", limit=3)) == disk
    whole = model_sort(vaults.all)
    assert list(reader.iter_vaults(offset=25, limit=2)) == whole[25:]
    assert list(reader.iter_vaults(marker=whole[10]["id"], limit=6)) == whole[11:]
    assert list(reader.iter_vaults(name="nobody")) == []
    it = reader.iter_vaults(limit=2)
    assert iter(it) is it and next(it) == whole[0]
    invalid("limit", lambda: next(reader.iter_vaults(limit=0)))


def test_vault_list_of_a_fresh_store_and_after_changes(client: Any) -> None:
    assert client.list_vaults() == {"vaults": [], "count": 0, "offset": 0, "limit": 1000}
    a = client.create_vault("a", size_gb=1)["vault"]
    b = client.create_vault("b", size_gb=1)["vault"]
    assert ids(client.list_vaults()["vaults"]) == [b["id"], a["id"]]
    client.set_vault_status(a["id"], "frozen")
    assert ids(client.list_vaults(status="frozen")["vaults"]) == [a["id"]]
    assert ids(client.list_vaults(status="available")["vaults"]) == [b["id"]]
    client.set_vault_status(a["id"], "available")
    assert client.list_vaults(status="available")["count"] == 2
    client.update_vault(b["id"], name="renamed")
    assert ids(client.list_vaults(name="renamed")["vaults"]) == [b["id"]]
    assert client.list_vaults(name="b")["count"] == 0
    r = server()
    client.add_vault_resources(a["id"], [r])
    assert ids(client.list_vaults(resource_ids=r["id"])["vaults"]) == [a["id"]]
    client.remove_vault_resources(a["id"], [r["id"]])
    assert client.list_vaults(resource_ids=r["id"])["count"] == 0
    client.delete_vault(b["id"])
    assert ids(client.list_vaults()["vaults"]) == [a["id"]] and client.list_vaults()["count"] == 1


def test_vault_list_is_scoped_by_project(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    shared = server()
    with ckpt.Client(path=path) as c:
        mine = c.create_vault("mine", size_gb=1, resources=[shared])["vault"]
    with ckpt.Client(path=path, project_id="another-project") as other:
        assert other.list_vaults()["count"] == 0
        assert other.list_vaults(id=mine["id"])["vaults"] == []
        not_found(lambda: other.update_vault(mine["id"], name="x"))
        not_found(lambda: other.delete_vault(mine["id"]))
        not_found(lambda: other.add_vault_resources(mine["id"], [server()]))
        # Resources are scoped too: one in a vault of the other project is free here.
        theirs = other.create_vault("theirs", size_gb=1)["vault"]
        assert other.add_vault_resources(theirs["id"], [shared]) == {"add_resource_ids": [shared["id"]]}
    with ckpt.Client(path=path) as c:
        assert c.get_vault(mine["id"])["vault"] == mine
        assert ids(c.list_vaults(resource_ids=shared["id"])["vaults"]) == [mine["id"]]


def test_iter_vaults_while_deleting_them(client: Any) -> None:
    # Each page is fetched before the previous one is handed out, so its
    # marker is never a vault the caller has deleted.
    made = [client.create_vault(f"v{i}", size_gb=1)["vault"]["id"] for i in range(7)]
    seen = []
    for v in client.iter_vaults(limit=3):
        seen.append(v["id"])
        client.delete_vault(v["id"])
    assert seen == made[::-1]
    assert client.list_vaults()["count"] == 0
    assert client.list_operation_logs(operation_type="vault_delete")["count"] == 7


# -- vault.update ----------------------------------------------------------------------------------

def test_update_vault_name_and_size(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault(size_gb=10, resources=[server(size=2), volume(size=3)])
    renamed = client.update_vault(vault["id"], name="nightly")["vault"]
    assert renamed["name"] == "nightly" and renamed["id"] == vault["id"]
    assert {k: v for k, v in renamed.items() if k != "name"} == {k: v for k, v in vault.items() if k != "name"}
    assert client.get_vault(vault["id"])["vault"] == renamed
    resized = client.update_vault(uuid.UUID(vault["id"]), size_gb=40)["vault"]
    assert resized["billing"]["size"] == 40 and resized["name"] == "nightly"
    assert {k: v for k, v in resized["billing"].items() if k != "size"} == \
        {k: v for k, v in vault["billing"].items() if k != "size"}
    both = client.update_vault(vault["id"], name="weekly", size_gb=12)["vault"]
    assert (both["name"], both["billing"]["size"]) == ("weekly", 12)
    assert client.get_vault(vault["id"])["vault"] == both
    # Nothing to change: the vault as it is.
    assert client.update_vault(vault["id"])["vault"] == both
    # Other members of VaultUpdate are sent as given.
    assert client.update_vault(vault["id"], auto_bind=True)["vault"]["auto_bind"] is True
    assert client.get_vault(vault["id"])["vault"]["auto_bind"] is True


def test_update_vault_size_beside_other_billing_members(client: Any) -> None:
    vault = client.create_vault("v", size_gb=5)["vault"]
    assert vault["billing"]["consistent_level"] == "crash_consistent"
    got = client.update_vault(vault["id"], size_gb=7, billing={"consistent_level": "app_consistent"})["vault"]
    assert (got["billing"]["size"], got["billing"]["consistent_level"]) == (7, "app_consistent")
    got = client.update_vault(vault["id"], billing={"consistent_level": "crash_consistent"})["vault"]
    assert (got["billing"]["size"], got["billing"]["consistent_level"]) == (7, "crash_consistent")


def test_update_vault_capacity_is_what_checkpoints_see(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault(size_gb=10, resources=[server(size=3)])
    client.create_checkpoint(vault["id"])
    client.create_checkpoint(vault["id"])
    assert client.get_vault(vault["id"])["vault"]["billing"]["used"] == 6
    # Down to exactly what it uses: allowed; then a backup no longer fits.
    assert client.update_vault(vault["id"], size_gb=6)["vault"]["billing"] == \
        {**client.get_vault(vault["id"])["vault"]["billing"], "size": 6}
    _error(lambda: client.create_checkpoint(vault["id"]), ckpt.QuotaError, 400, "BackupService.6114")
    client.update_vault(vault["id"], size_gb=9)
    client.create_checkpoint(vault["id"])
    assert client.get_vault(vault["id"])["vault"]["billing"]["used"] == 9


def test_update_vault_below_its_use_is_refused(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault(size_gb=10, resources=[server(size=2), volume(size=3)])
    client.create_checkpoint(vault["id"])
    before = client.get_vault(vault["id"])["vault"]
    assert before["billing"]["used"] == 5
    for size in (4, 1):
        err = invalid("vault.billing.size", lambda: client.update_vault(vault["id"], size_gb=size))
        assert "5" in err.error_msg
    # Nothing changed, the name given with it neither.
    invalid("vault.billing.size", lambda: client.update_vault(vault["id"], name="new", size_gb=4))
    assert client.get_vault(vault["id"])["vault"] == before
    assert client.update_vault(vault["id"], size_gb=5)["vault"]["billing"]["size"] == 5


def test_update_vault_errors(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault()
    before = client.get_vault(vault["id"])["vault"]
    missing = new_id()
    err = not_found(lambda: client.update_vault(missing, name="x"))
    assert missing in err.error_msg
    not_found(lambda: client.update_vault(missing, size_gb=5))
    invalid("vault_id", lambda: client.update_vault("v1", name="x"))
    invalid("vault.bogus", lambda: client.update_vault(vault["id"], bogus=1))
    invalid("vault.billing.bogus",
            lambda: client.call("vault.update",
                                {"vault_id": vault["id"], "vault": {"billing": {"size": 5, "bogus": 1}}}))
    invalid("vault.name", lambda: client.update_vault(vault["id"], name=""))
    invalid("vault.name", lambda: client.update_vault(vault["id"], name="x" * 65))
    invalid("vault.name", lambda: client.update_vault(vault["id"], name=5))
    invalid("vault.billing.size", lambda: client.update_vault(vault["id"], size_gb=0))
    invalid("vault.billing.size", lambda: client.update_vault(vault["id"], size_gb="5"))
    invalid("vault", lambda: client.call("vault.update", {"vault_id": vault["id"]}))
    invalid("vault", lambda: client.call("vault.update", {"vault_id": vault["id"], "vault": []}))
    assert client.get_vault(vault["id"])["vault"] == before
    assert client.update_vault(vault["id"], name="x" * 64)["vault"]["name"] == "x" * 64


# -- vault.delete ----------------------------------------------------------------------------------

def _check_log_shape(log: Dict[str, Any]) -> None:
    assert set(log) == LOG_KEYS, set(log) ^ LOG_KEYS
    assert set(log["error_info"]) == {"code", "message"}
    extra = log["extra_info"]
    # The type's own member; a remove's is plural, as the SDKs' OpExtraInfo names it.
    own = "remove_resources" if log["operation_type"] == "remove_resource" else log["operation_type"]
    assert set(extra) == {"common", "resource", own}
    assert set(extra["common"]) == {"progress", "request_id", "task_id"}
    assert extra["common"]["task_id"] == log["id"]
    assert set(extra["resource"]) == {"id", "name", "type", "extra_info"}


def test_vault_delete_cascades(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    srv, vol, other = server(size=1, name="app"), volume(size=2, name="disk"), server(size=1, name="other")
    with ckpt.Client(path=path, simulate={"backup_ms_per_gb": 50}) as c:
        doomed = c.create_vault("doomed", size_gb=100, resources=[srv, vol])["vault"]
        kept = c.create_vault("kept", size_gb=100, resources=[other])["vault"]
        cps: List[str] = []
        kept_cps: List[str] = []
        for i in range(3):
            for vault, made, name in ((doomed, cps, f"n{i}"), (kept, kept_cps, None)):
                if vault is kept and i == 2:
                    continue
                made.append(c.create_checkpoint(vault["id"], name=name)["checkpoint"]["id"])
                c.wait_checkpoint(made[-1], timeout=10)
        # A restore and a backup delete of the doomed vault, both logged.
        restored = next(b for b in backups_of(c, checkpoint_id=cps[0]) if b["resource_type"] == VOLUME)
        job = c.restore_backup(restored["id"], volume_id=new_id())["job_id"]
        c.wait_operation_log(job, timeout=10)
        dropped = next(b for b in backups_of(c, checkpoint_id=cps[1]) if b["resource_type"] == SERVER)
        c.delete_backup(dropped["id"])
        c.wait_backup(dropped["id"], status="deleted", timeout=10)
        # A restore in the kept vault too: its log must stay.
        kept_backup = backups_of(c, vault_id=kept["id"])[0]
        c.wait_operation_log(c.restore_backup(kept_backup["id"], server_id=new_id())["job_id"], timeout=10)

        before_all = backups_of(c)
        doomed_backups = backups_of(c, vault_id=doomed["id"])
        assert len(doomed_backups) == 5 and len(backups_of(c, vault_id=kept["id"])) == 2
        doomed_logs = c.list_operation_logs(vault_id=doomed["id"])["operation_logs"]
        assert {l["operation_type"] for l in doomed_logs} == {"backup", "restore", "delete"}
        kept_vault = c.get_vault(kept["id"])["vault"]
        kept_backups = backups_of(c, vault_id=kept["id"])
        kept_logs = c.list_operation_logs(vault_id=kept["id"])["operation_logs"]
        assert kept_vault["billing"]["used"] == 2
        vaults_before = c.list_vaults()["count"]
    with ckpt.Client(path=path) as c:  # no simulated time: the delete is done at once
        assert c.delete_vault(doomed["id"]) is None
        err = not_found(lambda: c.get_vault(doomed["id"]))
        assert doomed["id"] in err.error_msg
        page = c.list_backups(vault_id=doomed["id"])
        assert page["backups"] == [] and page["count"] == 0
        # backup.list lost exactly those backups, in the same order otherwise.
        gone = set(ids(doomed_backups))
        after_all = c.list_backups()
        assert after_all["backups"] == [b for b in before_all if b["id"] not in gone]
        assert after_all["count"] == len(before_all) - 5
        for b in doomed_backups:
            not_found(lambda: c.get_backup(b["id"]), "BackupService.6200")
        # Only the vault_delete log is left of the vault.
        (log,) = c.list_operation_logs(vault_id=doomed["id"])["operation_logs"]
        _check_log_shape(log)
        assert (log["operation_type"], log["status"]) == ("vault_delete", "success")
        assert log["extra_info"]["vault_delete"] == {"fail_count": 0, "total_count": 5}
        assert (log["vault_id"], log["vault_name"]) == (doomed["id"], "doomed")
        assert log["extra_info"]["common"]["progress"] == 100 and log["ended_at"] is not None
        assert log["error_info"] == {"code": "", "message": ""}
        assert c.get_operation_log(log["id"])["operation_log"] == log
        assert ids(c.list_operation_logs(operation_type="vault_delete")["operation_logs"]) == [log["id"]]
        for l in doomed_logs:
            not_found(lambda: c.get_operation_log(l["id"]), "BackupService.6500")
        not_found(lambda: c.get_operation_log(job), "BackupService.6500")
        for cp in cps:
            not_found(lambda: c.get_checkpoint(cp), "BackupService.6217")
        # The other vault is untouched.
        assert c.get_vault(kept["id"])["vault"] == kept_vault
        assert backups_of(c, vault_id=kept["id"]) == kept_backups
        assert c.list_operation_logs(vault_id=kept["id"])["operation_logs"] == kept_logs
        for cp in kept_cps:
            assert c.get_checkpoint(cp)["checkpoint"]["status"] == "available"
        assert c.list_vaults()["count"] == vaults_before - 1
        assert c.list_vaults(id=doomed["id"])["vaults"] == []
        assert c.list_vaults(resource_ids=srv["id"])["count"] == 0
        # Its resources are free again: another vault may hold them.
        again = c.create_vault("again", size_gb=10)["vault"]
        assert c.add_vault_resources(again["id"], [srv, vol]) == {"add_resource_ids": [srv["id"], vol["id"]]}
        # And a delete of what is gone is a 404.
        not_found(lambda: c.delete_vault(doomed["id"]))


def test_vault_delete_of_an_empty_vault(client: Any) -> None:
    vault = client.create_vault("empty", size_gb=1)["vault"]
    client.delete_vault(uuid.UUID(vault["id"]))
    not_found(lambda: client.get_vault(vault["id"]))
    (log,) = client.list_operation_logs(vault_id=vault["id"])["operation_logs"]
    assert log["status"] == "success" and log["extra_info"]["vault_delete"] == {"fail_count": 0, "total_count": 0}


def test_vault_delete_errors(client: Any) -> None:
    missing = new_id()
    err = not_found(lambda: client.delete_vault(missing))
    assert missing in err.error_msg
    not_found(lambda: client.delete_vault(missing, wait=True, timeout=1))
    invalid("vault_id", lambda: client.delete_vault("v1"))
    assert client.list_operation_logs()["count"] == 0


def test_vault_delete_refused_while_a_backup_is_in_progress(client: Any, make_vault: Any) -> None:
    vault, res = make_vault(resources=[server(size=1), volume(size=1)])
    cp = client.create_checkpoint(vault["id"])["checkpoint"]
    client.set_checkpoint_status(cp["id"], "protecting")
    assert {b["status"] for b in backups_of(client, vault_id=vault["id"])} == {"protecting"}
    before = client.get_vault(vault["id"])["vault"]
    logs = client.list_operation_logs()["operation_logs"]
    err = conflict(lambda: client.delete_vault(vault["id"]), "BackupService.6203")
    assert vault["id"] in err.error_msg
    conflict(lambda: client.delete_vault(vault["id"], wait=True, timeout=1), "BackupService.6203")
    # Nothing happened: no vault_delete log, the vault and its backups are there.
    assert client.get_vault(vault["id"])["vault"] == before
    assert client.list_operation_logs()["operation_logs"] == logs
    assert client.list_backups(vault_id=vault["id"])["count"] == 2
    client.set_checkpoint_status(cp["id"], "available")
    client.delete_vault(vault["id"])
    not_found(lambda: client.get_vault(vault["id"]))


def test_vault_delete_refused_while_a_backup_is_made_or_restored(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    with ckpt.Client(path=path, simulate={"backup_ms_per_gb": SLOW}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        conflict(lambda: c.delete_vault(vault["id"]), "BackupService.6203")
        c.set_checkpoint_status(cp["id"], "available")
        (b,) = backups_of(c, vault_id=vault["id"])
        job = c.restore_backup(b["id"], server_id=new_id())["job_id"]
        assert c.get_backup(b["id"])["backup"]["status"] == "restoring"
        conflict(lambda: c.delete_vault(vault["id"]), "BackupService.6203")
        assert c.get_operation_log(job)["operation_log"]["status"] == "running"
        assert c.get_vault(vault["id"])["vault"]["billing"]["status"] == "available"
        assert c.list_operation_logs(operation_type="vault_delete")["count"] == 0


def test_vault_delete_takes_simulated_time(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    with ckpt.Client(path=path, simulate={"backup_ms_per_gb": 400}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        other = c.create_vault("other", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        c.set_checkpoint_status(cp["id"], "available")
        (b,) = backups_of(c, vault_id=vault["id"])
        start = time.monotonic()
        assert c.delete_vault(vault["id"]) is None
        seen = c.get_vault(vault["id"])["vault"]
        assert seen["billing"]["status"] == "deleting"
        assert ids(c.list_vaults(status="deleting")["vaults"]) == [vault["id"]]
        assert ids(c.list_vaults(status="available")["vaults"]) == [other["id"]]
        (log,) = c.list_operation_logs(operation_type="vault_delete")["operation_logs"]
        assert log["status"] == "running" and log["vault_id"] == vault["id"] and log["ended_at"] is None
        assert log["extra_info"]["vault_delete"]["total_count"] == 1
        # A deleting vault takes no backup; deleting it again changes nothing.
        conflict(lambda: c.create_checkpoint(vault["id"]), "BackupService.6113")
        assert c.delete_vault(vault["id"]) is None
        assert c.list_operation_logs(operation_type="vault_delete")["count"] == 1
        took = wait_until(lambda: vault_gone(c, vault["id"]))
        assert 0.3 <= time.monotonic() - start and took < 5
        not_found(lambda: c.get_backup(b["id"]), "BackupService.6200")
        not_found(lambda: c.get_checkpoint(cp["id"]), "BackupService.6217")
        done = c.get_operation_log(log["id"])["operation_log"]
        assert done["status"] == "success" and done["ended_at"] is not None
        assert done["extra_info"]["vault_delete"] == {"fail_count": 0, "total_count": 1}
        assert done["extra_info"]["common"]["progress"] == 100
        assert ids(c.list_operation_logs(vault_id=vault["id"])["operation_logs"]) == [log["id"]]
        assert c.get_vault(other["id"])["vault"]["billing"]["status"] == "available"


def test_vault_delete_of_a_vault_put_into_deleting_locally(client: Any) -> None:
    # local.vault.set_status "deleting" starts no delete: vault.delete must
    # still delete the vault (and log it), not answer success and do nothing.
    vault = client.create_vault("v", size_gb=5, resources=[server(size=1)])["vault"]
    client.set_vault_status(vault["id"], "deleting")
    assert client.get_vault(vault["id"])["vault"]["billing"]["status"] == "deleting"
    client.delete_vault(vault["id"])
    (log,) = client.list_operation_logs(vault_id=vault["id"])["operation_logs"]
    assert (log["operation_type"], log["status"]) == ("vault_delete", "success")
    not_found(lambda: client.get_vault(vault["id"]))


def test_delete_vault_wait(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    with ckpt.Client(path=path, simulate={"backup_ms_per_gb": 300}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        c.set_checkpoint_status(cp["id"], "available")
        start = time.monotonic()
        assert c.delete_vault(vault["id"], wait=True, timeout=10) is None
        assert 0.25 <= time.monotonic() - start < 8
        not_found(lambda: c.get_vault(vault["id"]))
        (log,) = c.list_operation_logs(vault_id=vault["id"])["operation_logs"]
        assert log["status"] == "success"
        # Waiting on a vault already being deleted: until it is gone.
        second = c.create_vault("w", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(second["id"])["checkpoint"]
        c.set_checkpoint_status(cp["id"], "available")
        c.delete_vault(second["id"])
        assert c.get_vault(second["id"])["vault"]["billing"]["status"] == "deleting"
        c.delete_vault(second["id"], wait=True, timeout=10)
        not_found(lambda: c.get_vault(second["id"]))


def test_delete_vault_wait_timeout_and_arguments(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    with ckpt.Client(path=path, simulate={"backup_ms_per_gb": SLOW}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        c.set_checkpoint_status(cp["id"], "available")
        # A bad timeout is refused before anything is deleted.
        for bad in (-1, float("nan"), 86401):
            with pytest.raises(ValueError):
                c.delete_vault(vault["id"], wait=True, timeout=bad)
        with pytest.raises(TypeError):
            c.delete_vault(vault["id"], wait=True, timeout="1")
        assert c.get_vault(vault["id"])["vault"]["billing"]["status"] == "available"
        assert c.list_operation_logs(operation_type="vault_delete")["count"] == 0
        start = time.monotonic()
        with pytest.raises(ckpt.TimeoutError) as info:
            c.delete_vault(vault["id"], wait=True, timeout=0.2)
        assert 0.15 <= time.monotonic() - start < 5
        err = info.value
        assert (err.code, err.error_class) == (-7, "timeout")
        assert err.error_msg == f"vault {vault['id']} is still deleting after 200 ms, waiting for deleted"
        assert err.vault is not None and err.vault["id"] == vault["id"]
        assert err.vault["billing"]["status"] == "deleting"
        # The delete itself went on.
        assert c.get_vault(vault["id"])["vault"]["billing"]["status"] == "deleting"


# -- vault.add_resources and vault.remove_resources ------------------------------------------------

def test_add_vault_resources(client: Any, make_vault: Any) -> None:
    vault, res = make_vault(size_gb=20)
    new = [server(size=2, name="web"), volume(size=3, name="data")]
    assert client.add_vault_resources(uuid.UUID(vault["id"]), new) == {"add_resource_ids": [r["id"] for r in new]}
    got = client.get_vault(vault["id"])["vault"]["resources"]
    assert [r["id"] for r in got] == [res[0]["id"]] + [r["id"] for r in new]
    by_id = {r["id"]: r for r in got}
    for r in new:
        mine = by_id[r["id"]]
        assert (mine["type"], mine["name"], mine["size"]) == (r["type"], r["name"], r["size"])
        assert mine["protect_status"] == "available"
        assert isinstance(mine["size"], int) and isinstance(mine["extra_info"], dict)
    # They can be backed up now.
    cp = client.create_checkpoint(vault["id"], resources=[new[1]["id"]])["checkpoint"]
    (b,) = backups_of(client, checkpoint_id=cp["id"])
    assert (b["resource_id"], b["resource_size"], b["resource_type"]) == (new[1]["id"], 3, VOLUME)
    assert ids(client.list_vaults(resource_ids=new[0]["id"])["vaults"]) == [vault["id"]]


def test_add_vault_resources_errors(client: Any, make_vault: Any) -> None:
    vault, res = make_vault()
    other, other_res = make_vault()
    before = client.get_vault(vault["id"])["vault"]
    other_before = client.get_vault(other["id"])["vault"]
    err = conflict(lambda: client.add_vault_resources(vault["id"], [res[0]]), "BackupService.6104")
    assert res[0]["id"] in err.error_msg
    err = conflict(lambda: client.add_vault_resources(vault["id"], [other_res[0]]), "BackupService.6103")
    assert other_res[0]["id"] in err.error_msg
    # All or nothing: a good resource before the refused one is not added.
    fresh = server()
    conflict(lambda: client.add_vault_resources(vault["id"], [fresh, other_res[0]]), "BackupService.6103")
    conflict(lambda: client.add_vault_resources(vault["id"], [fresh, res[0]]), "BackupService.6104")
    assert client.get_vault(vault["id"])["vault"] == before
    not_found(lambda: client.add_vault_resources(new_id(), [fresh]))
    invalid("vault_id", lambda: client.add_vault_resources("v1", [fresh]))
    invalid("resources", lambda: client.add_vault_resources(vault["id"], []))
    invalid("resources[0].id", lambda: client.add_vault_resources(vault["id"], [{**fresh, "id": "r1"}]))
    invalid("resources[0].type", lambda: client.add_vault_resources(vault["id"], [{**fresh, "type": "OS::Disk"}]))
    invalid("resources[1].id", lambda: client.add_vault_resources(vault["id"], [fresh, dict(fresh)]))
    assert client.get_vault(vault["id"])["vault"] == before
    assert client.get_vault(other["id"])["vault"] == other_before
    assert client.add_vault_resources(vault["id"], [fresh]) == {"add_resource_ids": [fresh["id"]]}


def test_remove_vault_resources(client: Any, make_vault: Any) -> None:
    res = [server(size=1, name="a"), volume(size=1, name="b"), server(size=1, name="c")]
    vault, _ = make_vault(resources=res)
    cp = client.create_checkpoint(vault["id"])["checkpoint"]
    backups = backups_of(client, checkpoint_id=cp["id"])
    out = client.remove_vault_resources(vault["id"], [uuid.UUID(res[0]["id"]), res[1]["id"]])
    assert out == {"remove_resource_ids": [res[0]["id"], res[1]["id"]]}
    left = client.get_vault(vault["id"])["vault"]
    assert [r["id"] for r in left["resources"]] == [res[2]["id"]]
    # Their backups stay, and so does the vault's use.
    assert backups_of(client, checkpoint_id=cp["id"]) == backups
    assert left["billing"]["used"] == 3
    # One remove_resource task for the request, naming both in extra_info.remove_resources
    # (the SDKs' OpExtendInfoRemoveResources); its resource is empty when it removed several.
    logs = client.list_operation_logs(operation_type="remove_resource")["operation_logs"]
    assert len(logs) == 1
    l = logs[0]
    _check_log_shape(l)
    assert (l["status"], l["vault_id"], l["vault_name"]) == ("success", vault["id"], "vault")
    assert l["extra_info"]["common"]["progress"] == 100
    removed = l["extra_info"]["remove_resources"]
    assert (removed["fail_count"], removed["total_count"]) == (0, 2)
    assert [(x["id"], x["name"], x["type"]) for x in removed["resources"]] == \
        [(r["id"], r["name"], r["type"]) for r in res[:2]]
    assert l["extra_info"]["resource"]["id"] == ""
    # Removing one names it as the task's resource too.
    client.remove_vault_resources(vault["id"], [res[2]["id"]])
    one = client.list_operation_logs(operation_type="remove_resource", resource_id=res[2]["id"])["operation_logs"]
    assert len(one) == 1 and one[0]["extra_info"]["resource"]["name"] == res[2]["name"]
    assert one[0]["extra_info"]["remove_resources"]["total_count"] == 1
    assert {l["operation_type"] for l in client.list_operation_logs(resource_id=res[2]["id"])["operation_logs"]} == \
        {"backup", "remove_resource"}
    client.add_vault_resources(vault["id"], [res[2]])
    # A backup of the vault now takes only what is left.
    cp2 = client.create_checkpoint(vault["id"])["checkpoint"]
    assert [b["resource_id"] for b in backups_of(client, checkpoint_id=cp2["id"])] == [res[2]["id"]]
    invalid("checkpoint.parameters.resources[0]",
            lambda: client.create_checkpoint(vault["id"], resources=[res[0]["id"]]))


def test_remove_vault_resources_errors(client: Any, make_vault: Any) -> None:
    vault, res = make_vault(resources=[server(), server()])
    other, other_res = make_vault()
    before = client.get_vault(vault["id"])["vault"]
    stranger = new_id()
    err = _error(lambda: client.remove_vault_resources(vault["id"], [stranger]), ckpt.InvalidRequestError, 400,
                 "BackupService.6135")
    assert (err.code, err.error_class) == (-1, "invalid") and stranger in err.error_msg
    # In another vault is not in this one.
    _error(lambda: client.remove_vault_resources(vault["id"], [other_res[0]["id"]]), ckpt.InvalidRequestError, 400,
           "BackupService.6135")
    # All or nothing.
    _error(lambda: client.remove_vault_resources(vault["id"], [res[0]["id"], stranger]), ckpt.InvalidRequestError,
           400, "BackupService.6135")
    not_found(lambda: client.remove_vault_resources(new_id(), [res[0]["id"]]))
    invalid("vault_id", lambda: client.remove_vault_resources("v1", [res[0]["id"]]))
    invalid("resource_ids", lambda: client.remove_vault_resources(vault["id"], []))
    invalid("resource_ids[0]", lambda: client.remove_vault_resources(vault["id"], ["r1"]))
    invalid("resource_ids[1]", lambda: client.remove_vault_resources(vault["id"], [res[0]["id"], res[0]["id"]]))
    assert client.get_vault(vault["id"])["vault"] == before
    assert client.get_vault(other["id"])["vault"]["resources"][0]["id"] == other_res[0]["id"]
    assert client.list_operation_logs(operation_type="remove_resource")["count"] == 0


def test_a_removed_resource_may_join_another_vault(client: Any, make_vault: Any) -> None:
    vault, res = make_vault()
    other, _ = make_vault()
    conflict(lambda: client.add_vault_resources(other["id"], [res[0]]), "BackupService.6103")
    client.remove_vault_resources(vault["id"], [res[0]["id"]])
    assert client.add_vault_resources(other["id"], [res[0]]) == {"add_resource_ids": [res[0]["id"]]}
    assert ids(client.list_vaults(resource_ids=res[0]["id"])["vaults"]) == [other["id"]]
    # Now it is that vault's: back where it was is refused, there again too.
    conflict(lambda: client.add_vault_resources(vault["id"], [res[0]]), "BackupService.6103")
    conflict(lambda: client.add_vault_resources(other["id"], [res[0]]), "BackupService.6104")
    cp = client.create_checkpoint(other["id"], resources=[res[0]["id"]])["checkpoint"]
    assert backups_of(client, checkpoint_id=cp["id"])[0]["vault_id"] == other["id"]


def test_remove_of_a_resource_being_backed_up_is_6134() -> None:
    busy, idle = server(size=1), server(size=1)
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": SLOW}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[busy, idle])["vault"]
        cp = c.create_checkpoint(vault["id"], resources=[busy["id"]])["checkpoint"]
        before = c.get_vault(vault["id"])["vault"]
        err = conflict(lambda: c.remove_vault_resources(vault["id"], [busy["id"]]), "BackupService.6134")
        assert busy["id"] in err.error_msg
        conflict(lambda: c.remove_vault_resources(vault["id"], [idle["id"], busy["id"]]), "BackupService.6134")
        assert c.get_vault(vault["id"])["vault"] == before
        assert c.list_operation_logs(operation_type="remove_resource")["count"] == 0
        # The idle one alone may go; the busy one once its backup is done.
        c.remove_vault_resources(vault["id"], [idle["id"]])
        c.set_checkpoint_status(cp["id"], "available")
        c.remove_vault_resources(vault["id"], [busy["id"]])
        assert c.get_vault(vault["id"])["vault"]["resources"] == []
        assert c.list_operation_logs(operation_type="remove_resource")["count"] == 2  # two requests


# -- CSBS v1: policy.checkpoint_list and policy.checkpoint_delete -----------------------------------

class Plans:
    """Two policies executed over six simulated days (two a day, 06:00 and
    18:00 UTC), one failing once, plus one still protecting (now)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.start = datetime.datetime(2024, 3, 1, 6, tzinfo=UTC)
        self.bad = server(size=1, name="bad")
        self.res_a = [server(size=1, name="a1"), volume(size=1, name="a2")]
        self.res_b = [self.bad]
        # The store's times only move forward: everything in time order.
        with client_at(ckpt, path, self.start - datetime.timedelta(days=1)) as c:
            self.plan_a = c.create_policy("a", resources=self.res_a)["policy"]
            self.plan_b = c.create_policy("b", resources=self.res_b)["policy"]
            vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        self.made: List[str] = []
        for step in range(12):
            when = self.start + datetime.timedelta(hours=12 * step)
            plan = self.plan_a if step % 3 else self.plan_b
            fail = [self.bad["id"]] if step == 6 else []
            with client_at(ckpt, path, when, fail_resources=fail) as c:
                self.made.append(c.execute_policy(plan["id"])["checkpoint"]["id"])
                if step == 5:
                    # A v3 checkpoint of a vault: not a v1 checkpoint.
                    self.v3 = c.create_checkpoint(vault["id"])["checkpoint"]["id"]
        with ckpt.Client(path=path, simulate={"backup_ms_per_gb": SLOW}) as c:
            self.protecting = c.execute_policy(self.plan_a["id"], resources=[self.res_a[0]["id"]])["checkpoint"]["id"]
        with ckpt.Client(path=path) as c:
            self.all = [c.get_policy_checkpoint(i)["checkpoint"] for i in self.made + [self.protecting]]


@pytest.fixture(scope="module")
def plans(tmp_path_factory: pytest.TempPathFactory) -> Plans:
    return Plans(str(tmp_path_factory.mktemp("plans") / "store.db"))


@pytest.fixture
def plan_reader(plans: Plans) -> Iterator[Any]:
    with ckpt.Client(path=plans.path) as c:
        yield c


def test_the_plans_are_varied(plans: Plans) -> None:
    assert {c["status"] for c in plans.all} == {"available", "error", "protecting"}
    assert len(plans.all) == 13 == len({c["id"] for c in plans.all})
    days = [parse_time(c["created_at"]).date() for c in plans.all[:12]]
    assert days == [datetime.date(2024, 3, 1 + i // 2) for i in range(12)]


def test_policy_checkpoint_list_defaults(plan_reader: Any, plans: Plans) -> None:
    page = plan_reader.list_policy_checkpoints()
    # Karbor's page: no count, no offset, no links when nothing follows.
    assert set(page) == {"checkpoints"}
    assert page["checkpoints"] == model_sort(plans.all)
    assert plans.v3 not in ids(page["checkpoints"])
    assert plan_reader.list_policy_checkpoints(provider_id=CSBS) == page


def test_policy_checkpoint_plan_filter(plan_reader: Any, plans: Plans) -> None:
    for plan in (plans.plan_a, plans.plan_b):
        expected = [c for c in model_sort(plans.all) if c["protection_plan"]["id"] == plan["id"]]
        assert expected
        assert plan_reader.list_policy_checkpoints(plan_id=plan["id"])["checkpoints"] == expected
        assert plan_reader.list_policy_checkpoints(plan_id=uuid.UUID(plan["id"]))["checkpoints"] == expected
    assert plan_reader.list_policy_checkpoints(plan_id=new_id()) == {"checkpoints": []}


def test_policy_checkpoint_date_filters(plan_reader: Any, plans: Plans) -> None:
    everything = model_sort(plans.all)

    def between(lo: Optional[datetime.date], hi: Optional[datetime.date]) -> List[str]:
        return [c["id"] for c in everything
                if (lo is None or parse_time(c["created_at"]).date() >= lo)
                and (hi is None or parse_time(c["created_at"]).date() <= hi)]

    day = datetime.date
    for lo, hi in [(day(2024, 3, 2), day(2024, 3, 2)), (day(2024, 3, 1), day(2024, 3, 3)), (day(2024, 3, 4), None),
                   (None, day(2024, 3, 1)), (day(2024, 3, 6), day(2024, 3, 6)), (None, day(2024, 3, 6))]:
        expected = between(lo, hi)
        assert expected, (lo, hi)
        text = {"start_date": lo and lo.isoformat(), "end_date": hi and hi.isoformat()}
        assert ids(plan_reader.list_policy_checkpoints(**text)["checkpoints"]) == expected, (lo, hi)
        # A date is sent as that text.
        assert ids(plan_reader.list_policy_checkpoints(start_date=lo, end_date=hi)["checkpoints"]) == expected
    # A time is taken too, to the second (an aware one converted to UTC).
    noon = datetime.datetime(2024, 3, 2, 12, tzinfo=UTC)
    after_noon = [c["id"] for c in everything if parse_time(c["created_at"]) >= noon]
    assert ids(plan_reader.list_policy_checkpoints(start_date=noon)["checkpoints"]) == after_noon
    shifted = noon.astimezone(datetime.timezone(datetime.timedelta(hours=5)))
    assert ids(plan_reader.list_policy_checkpoints(start_date=shifted)["checkpoints"]) == after_noon
    assert ids(plan_reader.list_policy_checkpoints(start_date="2024-03-02T12:00:00Z")["checkpoints"]) == after_noon
    # The end day is inclusive: both of 2024-03-02's (06:00 and 18:00).
    assert len(plan_reader.list_policy_checkpoints(start_date="2024-03-02", end_date="2024-03-02")["checkpoints"]) == 2
    assert plan_reader.list_policy_checkpoints(end_date="2024-02-29") == {"checkpoints": []}
    assert plan_reader.list_policy_checkpoints(start_date="2024-03-03", end_date="2024-03-02") == {"checkpoints": []}
    # With the plan.
    a = [c["id"] for c in everything if c["protection_plan"]["id"] == plans.plan_a["id"]
         and parse_time(c["created_at"]).date() <= day(2024, 3, 3)]
    page = plan_reader.list_policy_checkpoints(plan_id=plans.plan_a["id"], end_date="2024-03-03")
    assert ids(page["checkpoints"]) == a
    for field in ("start_date", "end_date"):
        for bad in ("2024-13-01", "2024-02-30", "03/01/2024", "yesterday", 20240301):
            invalid(field, lambda: plan_reader.list_policy_checkpoints(**{field: bad}), "CSBS.9001")


@pytest.mark.parametrize("sort", ["created_at:desc", "created_at:asc", "status:asc", "status:desc", "id:asc",
                                  "id:desc", "created_at", "status:asc,created_at:asc"])
def test_policy_checkpoint_sort(plan_reader: Any, plans: Plans, sort: str) -> None:
    full = sort if ":" in sort.split(",")[-1] else sort + ":desc"
    assert ids(plan_reader.list_policy_checkpoints(sort=sort)["checkpoints"]) == ids(model_sort(plans.all, full))


@pytest.mark.parametrize("sort", ["created_at:desc", "created_at:asc", "status:desc"])
@pytest.mark.parametrize("limit", [1, 4, 12, 13])
def test_policy_checkpoint_paging_by_marker(plan_reader: Any, plans: Plans, sort: str, limit: int) -> None:
    expected = ids(model_sort(plans.all, sort))
    got: List[str] = []
    request: Dict[str, Any] = {"sort": sort, "limit": limit}
    pages = 0
    while True:
        page = plan_reader.list_policy_checkpoints(**request)
        pages += 1
        items = page["checkpoints"]
        got += ids(items)
        more = len(got) < len(expected)
        # The next link is there exactly when another page follows.
        assert ("checkpoints_links" in page) == more, (pages, len(got))
        assert "count" not in page and "offset" not in page
        if not more:
            break
        (link,) = page["checkpoints_links"]
        assert set(link) == {"href", "rel"} and link["rel"] == "next"
        assert link["href"].startswith(f"/v1/00000000000000000000000000000000/providers/{CSBS}/checkpoints?")
        assert f"marker={items[-1]['id']}" in link["href"] and f"limit={limit}" in link["href"]
        request["marker"] = items[-1]["id"]
        assert pages <= 13
    assert got == expected and len(set(got)) == 13
    assert pages == -(-13 // limit)


def test_policy_checkpoint_paging_with_a_filter(plan_reader: Any, plans: Plans) -> None:
    a = ids([c for c in model_sort(plans.all) if c["protection_plan"]["id"] == plans.plan_a["id"]])
    first = plan_reader.list_policy_checkpoints(plan_id=plans.plan_a["id"], limit=len(a) - 1)
    assert ids(first["checkpoints"]) == a[:-1]
    assert f"plan_id={plans.plan_a['id']}" in first["checkpoints_links"][0]["href"]
    last = plan_reader.list_policy_checkpoints(plan_id=plans.plan_a["id"], limit=len(a) - 1, marker=a[-2])
    assert last == {"checkpoints": [next(c for c in plans.all if c["id"] == a[-1])]}
    # A full last page ends without a link.
    assert "checkpoints_links" not in plan_reader.list_policy_checkpoints(plan_id=plans.plan_a["id"], limit=len(a))


def test_policy_checkpoint_list_errors(plan_reader: Any) -> None:
    for bad in (0, -1, 1001, "5"):
        invalid("limit", lambda: plan_reader.list_policy_checkpoints(limit=bad), "CSBS.9001")
    invalid("offset", lambda: plan_reader.list_policy_checkpoints(offset=1), "CSBS.9001")
    invalid("sort", lambda: plan_reader.list_policy_checkpoints(sort="name"), "CSBS.9001")
    invalid("sort", lambda: plan_reader.list_policy_checkpoints(sort="updated_at:asc"), "CSBS.9001")
    invalid("plan_id", lambda: plan_reader.list_policy_checkpoints(plan_id="p1"), "CSBS.9001")
    invalid("bogus", lambda: plan_reader.list_policy_checkpoints(bogus=1), "CSBS.9001")
    invalid("provider_id", lambda: plan_reader.list_policy_checkpoints(provider_id=new_id()), "CSBS.9001")


def test_policy_checkpoint_list_bad_marker(plan_reader: Any) -> None:
    # Every other 400 of this CSBS operation is CSBS.9001 (above); so is a marker's.
    invalid("marker", lambda: plan_reader.list_policy_checkpoints(marker=new_id()), "CSBS.9001")
    invalid("marker", lambda: plan_reader.list_policy_checkpoints(marker="last"), "CSBS.9001")


def test_iter_policy_checkpoints(plan_reader: Any, plans: Plans) -> None:
    assert list(plan_reader.iter_policy_checkpoints()) == model_sort(plans.all)
    for limit in (1, 5, 13, 1000):
        assert ids(list(plan_reader.iter_policy_checkpoints(limit=limit, sort="created_at:asc"))) == \
            ids(model_sort(plans.all, "created_at:asc"))
    b = [c for c in model_sort(plans.all, "status:asc") if c["protection_plan"]["id"] == plans.plan_b["id"]]
    assert list(plan_reader.iter_policy_checkpoints(plan_id=plans.plan_b["id"], sort="status:asc", limit=2)) == b
    whole = model_sort(plans.all)
    assert list(plan_reader.iter_policy_checkpoints(marker=whole[3]["id"], limit=4)) == whole[4:]
    assert list(plan_reader.iter_policy_checkpoints(start_date="2099-01-01")) == []
    # Pages by marker: each request after the first names the previous page's last.
    requests: List[Dict[str, Any]] = []
    original = plan_reader.call

    def call(operation: str, request: Any = None) -> Dict[str, Any]:
        requests.append(dict(request or {}))
        return original(operation, request)

    plan_reader.call = call
    assert ids(list(plan_reader.iter_policy_checkpoints(limit=5))) == ids(whole)
    assert [r.get("marker") for r in requests] == [None, whole[4]["id"], whole[9]["id"]]
    assert {r["provider_id"] for r in requests} == {CSBS}
    # A full page with no next link is the last: no request for an empty one.
    requests.clear()
    assert ids(list(plan_reader.iter_policy_checkpoints(limit=13))) == ids(whole)
    assert len(requests) == 1
    requests.clear()
    assert len(list(plan_reader.iter_policy_checkpoints(plan_id=plans.plan_b["id"], limit=len(b)))) == len(b)
    assert len(requests) == 1


def test_delete_policy_checkpoint(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    res = [server(size=1), volume(size=1)]
    with ckpt.Client(path=path, simulate={"backup_ms_per_gb": 300}) as c:
        plan = c.create_policy("p", resources=res)["policy"]
        made = []
        for _ in range(2):
            made.append(c.execute_policy(plan["id"])["checkpoint"])
            wait_until(lambda: c.get_policy_checkpoint(made[-1]["id"])["checkpoint"]["status"] == "available")
        doomed, kept = made
        backups = backups_of(c, checkpoint_id=doomed["id"])
        assert len(backups) == 2
        kept_backups = backups_of(c, checkpoint_id=kept["id"])
        assert c.delete_policy_checkpoint(uuid.UUID(doomed["id"])) is None
        # It reads deleting while its backups are deleted.
        seen = c.get_policy_checkpoint(doomed["id"])["checkpoint"]
        assert seen["status"] == "deleting" and seen["id"] == doomed["id"]
        listed = c.list_policy_checkpoints()["checkpoints"]
        assert {x["id"]: x["status"] for x in listed} == {doomed["id"]: "deleting", kept["id"]: "available"}
        assert {b["status"] for b in backups_of(c, checkpoint_id=doomed["id"])} == {"deleting"}
        took = wait_until(lambda: _policy_checkpoint_gone(c, doomed["id"]))
        assert took < 8
        err = not_found(lambda: c.get_policy_checkpoint(doomed["id"]), "CSBS.3001")
        assert doomed["id"] in err.error_msg
        for b in backups:
            not_found(lambda: c.get_backup(b["id"]), "BackupService.6200")
        assert ids(c.list_policy_checkpoints()["checkpoints"]) == [kept["id"]]
        assert backups_of(c, checkpoint_id=kept["id"]) == kept_backups
        deletes = c.list_operation_logs(operation_type="delete")["operation_logs"]
        assert {l["extra_info"]["delete"]["backup_id"] for l in deletes} == set(ids(backups))
        assert {l["status"] for l in deletes} == {"success"}
        # Gone: a second delete is a 404.
        not_found(lambda: c.delete_policy_checkpoint(doomed["id"]), "CSBS.3001")


def _policy_checkpoint_gone(c: Any, checkpoint_id: str) -> bool:
    try:
        c.get_policy_checkpoint(checkpoint_id)
    except ckpt.NotFoundError:
        return True
    return False


def test_delete_policy_checkpoint_at_once(client: Any) -> None:
    plan = client.create_policy("p", resources=[server(size=1)])["policy"]
    cp = client.execute_policy(plan["id"])["checkpoint"]
    client.delete_policy_checkpoint(cp["id"], provider_id=CSBS)
    not_found(lambda: client.get_policy_checkpoint(cp["id"]), "CSBS.3001")
    assert client.list_policy_checkpoints() == {"checkpoints": []}
    assert client.list_backups()["count"] == 0


def test_delete_policy_checkpoint_that_failed() -> None:
    ok, bad = server(size=1), server(size=1)
    with ckpt.Client(path=":memory:", simulate={"fail_resources": [bad["id"]]}) as c:
        plan = c.create_policy("p", resources=[ok, bad])["policy"]
        cp = c.execute_policy(plan["id"])["checkpoint"]
        assert c.get_policy_checkpoint(cp["id"])["checkpoint"]["status"] == "error"
        assert {b["status"] for b in backups_of(c, checkpoint_id=cp["id"])} == {"available", "error"}
        c.delete_policy_checkpoint(cp["id"])
        not_found(lambda: c.get_policy_checkpoint(cp["id"]), "CSBS.3001")
        assert c.list_backups(checkpoint_id=cp["id"])["count"] == 0


def test_delete_policy_checkpoint_refused_while_protecting_or_restoring() -> None:
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": SLOW}) as c:
        plan = c.create_policy("p", resources=[server(size=1)])["policy"]
        cp = c.execute_policy(plan["id"])["checkpoint"]
        assert c.get_policy_checkpoint(cp["id"])["checkpoint"]["status"] == "protecting"
        err = conflict(lambda: c.delete_policy_checkpoint(cp["id"]), "CSBS.2003")
        assert cp["id"] in err.error_msg
        assert c.get_policy_checkpoint(cp["id"])["checkpoint"]["status"] == "protecting"
        assert {b["status"] for b in backups_of(c, checkpoint_id=cp["id"])} == {"protecting"}
        c.set_checkpoint_status(cp["id"], "available")
        (b,) = backups_of(c, checkpoint_id=cp["id"])
        c.restore_backup(b["id"], server_id=new_id())
        assert c.get_backup(b["id"])["backup"]["status"] == "restoring"
        conflict(lambda: c.delete_policy_checkpoint(cp["id"]), "CSBS.2003")
        assert c.get_backup(b["id"])["backup"]["status"] == "restoring"
        assert c.list_operation_logs(operation_type="delete")["count"] == 0


def test_delete_policy_checkpoint_errors(client: Any, make_vault: Any) -> None:
    missing = new_id()
    err = not_found(lambda: client.delete_policy_checkpoint(missing), "CSBS.3001")
    assert missing in err.error_msg
    invalid("checkpoint_id", lambda: client.delete_policy_checkpoint("c1"), "CSBS.9001")
    invalid("provider_id", lambda: client.delete_policy_checkpoint(missing, provider_id=new_id()), "CSBS.9001")
    # A v3 checkpoint is not a v1 one.
    vault, _ = make_vault()
    v3 = client.create_checkpoint(vault["id"])["checkpoint"]
    not_found(lambda: client.delete_policy_checkpoint(v3["id"]), "CSBS.3001")
    assert client.get_checkpoint(v3["id"])["checkpoint"]["status"] == "available"


def test_policy_execute_takes_karbors_extra_info(client: Any) -> None:
    res = [server(size=1), server(size=1)]
    plan = client.create_policy("p", resources=res)["policy"]
    for checkpoint in ({"plan_id": plan["id"], "extra-info": None},
                       {"plan_id": plan["id"], "extra-info": {"created_by": "karborclient"}},
                       {"plan_id": plan["id"], "extra-info": {}, "parameters": {}},
                       {"plan_id": plan["id"]}):
        cp = client.call("policy.execute", {"provider_id": CSBS, "checkpoint": checkpoint})["checkpoint"]
        assert cp["protection_plan"]["id"] == plan["id"]
        assert [r["id"] for r in cp["protection_plan"]["resources"]] == [r["id"] for r in res]
    assert len(client.list_policy_checkpoints()["checkpoints"]) == 4
    for bad in ("text", 5, []):
        invalid("checkpoint.extra-info",
                lambda: client.call("policy.execute", {"checkpoint": {"plan_id": plan["id"], "extra-info": bad}}),
                "CSBS.9001")
