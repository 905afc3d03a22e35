"""The checkpoint lifecycle of libckpt 1.1 (SPEC 6) through the Client's
typed methods, against the real library's embedded backend.

Backup histories over time are made with ``simulate.clock_offset_ms``: one
client per step on one store file, the steps moving forward in time.
"""

from __future__ import annotations

import datetime
import re
import time
import uuid
from pathlib import Path
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest

from support import SERVER, VOLUME, client_at, ids, import_ckpt, model_sort, new_id, parse_time, server, volume

ckpt = import_ckpt()

UTC = datetime.timezone.utc
TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")
BACKUP_KEYS = {
    "id", "name", "description", "checkpoint_id", "vault_id", "project_id", "provider_id", "resource_id",
    "resource_name", "resource_type", "resource_size", "resource_az", "image_type", "status", "created_at",
    "updated_at", "protected_at", "expired_at", "parent_id", "incremental", "children", "extend_info",
    "enterprise_project_id", "replication_records",
}
EXTEND_INFO_KEYS = {"auto_trigger", "bootable", "supported_restore_mode", "contain_system_disk", "encrypted",
                    "system_disk", "snapshot_id"}
LOG_KEYS = {
    "id", "project_id", "provider_id", "checkpoint_id", "policy_id", "vault_id", "vault_name", "operation_type",
    "status", "created_at", "started_at", "updated_at", "ended_at", "error_info", "extra_info",
}
BACKUP_SORT_KEYS = ("created_at", "updated_at", "name", "status", "id", "protected_at")
LOG_SORT_KEYS = ("created_at", "updated_at", "status", "id")
SLOW = 3_600_000  # simulate.backup_ms_per_gb: an hour a GB, "forever" here




def backups_of(c: Any, **filters: Any) -> List[Dict[str, Any]]:
    return c.list_backups(**filters)["backups"]


def one_backup(c: Any, checkpoint_id: str) -> Dict[str, Any]:
    (backup,) = backups_of(c, checkpoint_id=checkpoint_id)
    return backup






def invalid(field: str, call: Callable[[], Any]) -> ckpt.InvalidRequestError:
    """Runs `call`, which must fail with 9900 naming `field`."""
    with pytest.raises(ckpt.InvalidRequestError) as info:
        call()
    err = info.value
    assert (err.code, err.status_code, err.error_code) == (-1, 400, "BackupService.9900")
    assert err.error_msg.startswith(field + ":"), err.error_msg
    return err


# -- a store with a varied history, shared by the read-only list tests -----------------------------

NAMES = ["alpha", "Beta", "beta", "gamma", "\u03a9mega", "alpha"]


class History:
    """A store file with backups of two vaults over two weeks of simulated
    time: servers and volumes, full and incremental, available, error and
    protecting, renamed ones (so updated_at is not created_at's order)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.start = datetime.datetime(2024, 2, 26, 9, 30, tzinfo=UTC)
        self.servers = [server(size=1, name="web"), server(size=2, name="db"), server(size=0, name="web")]
        self.volumes = [volume(size=1, name="data"), volume(size=3, name="logs")]
        self.other = server(size=1, name="other")
        with client_at(ckpt, path, self.start - datetime.timedelta(days=1)) as c:
            self.vault = c.create_vault("main", size_gb=1000, resources=self.servers + self.volumes)["vault"]
            self.vault_b = c.create_vault("second", size_gb=100, resources=[self.other])["vault"]
        resources = self.servers + self.volumes
        self.checkpoints: List[str] = []
        when = self.start
        for step in range(12):
            when += datetime.timedelta(hours=7 + 5 * step)
            chosen = [r["id"] for i, r in enumerate(resources) if (i + step) % 3 != 0]
            fail = [self.servers[1]["id"]] if step in (3, 8) else []
            incremental = (None, True, False)[step % 3]
            with client_at(ckpt, path, when, fail_resources=fail) as c:
                cp = c.create_checkpoint(self.vault["id"], resources=chosen, name=NAMES[step % len(NAMES)],
                                         incremental=incremental)["checkpoint"]
                self.checkpoints.append(cp["id"])
                if step % 4 == 1:
                    c.create_checkpoint(self.vault_b["id"], name="second")
        self.end = when
        # The newest: still being made.
        with client_at(ckpt, path, when + datetime.timedelta(hours=1), backup_ms_per_gb=SLOW) as c:
            self.protecting = c.create_checkpoint(self.vault["id"], resources=[self.volumes[1]["id"]],
                                                  name="slow")["checkpoint"]["id"]
        with ckpt.Client(path=path) as c:
            # Renamed later: their updated_at is now, their created_at not.
            for backup in backups_of(c, checkpoint_id=self.checkpoints[2]):
                c.update_backup(backup["id"], "renamed")
            self.all = backups_of(c)
            self.logs = c.list_operation_logs()["operation_logs"]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> History:
    return History(str(tmp_path_factory.mktemp("history") / "store.db"))


@pytest.fixture
def reader(history: History) -> Iterator[Any]:
    with ckpt.Client(path=history.path) as c:
        yield c


def test_the_history_is_varied(history: History) -> None:
    statuses = {b["status"] for b in history.all}
    assert statuses == {"available", "error", "protecting"}
    assert {b["incremental"] for b in history.all} == {True, False}
    assert {b["resource_type"] for b in history.all} == {SERVER, VOLUME}
    main = sum(1 for step in range(12) for i in range(5) if (i + step) % 3 != 0)
    assert len(history.all) == main + 3 + 1  # and three in the second vault, one protecting
    assert len({b["name"] for b in history.all}) >= 5


# -- BackupResp and the by-id operations -----------------------------------------------------------

def test_backup_shape(history: History, reader: Any) -> None:
    for b in history.all:
        assert set(b) == BACKUP_KEYS, set(b) ^ BACKUP_KEYS
        assert isinstance(b["resource_size"], int) and not isinstance(b["resource_size"], bool)
        assert isinstance(b["incremental"], bool)
        assert b["image_type"] == "backup"
        assert b["children"] == [] and b["replication_records"] == []
        assert b["enterprise_project_id"] == "0"
        assert b["expired_at"] is None
        assert set(b["extend_info"]) == EXTEND_INFO_KEYS
        assert b["extend_info"]["supported_restore_mode"] == "backup"
        for key in ("created_at", "updated_at"):
            assert TIME.match(b[key]), b[key]
        assert (b["protected_at"] is not None) == (b["status"] == "available")
        if b["protected_at"] is not None:
            assert TIME.match(b["protected_at"])
        uuid.UUID(b["id"])
    # A backup is named after its checkpoint.
    by_cp = {b["checkpoint_id"]: b for b in history.all}
    assert by_cp[history.checkpoints[0]]["name"] == "alpha"
    second = [b for b in history.all if b["vault_id"] == history.vault_b["id"]]
    assert second and all(b["name"] == "second" for b in second)
    assert reader.get_backup(history.all[0]["id"]) == {"backup": history.all[0]}


def test_backups_follow_their_checkpoint(reader: Any, history: History) -> None:
    for cid in history.checkpoints:
        cp = reader.get_checkpoint(cid)["checkpoint"]
        backups = backups_of(reader, checkpoint_id=cid)
        assert sorted(b["resource_id"] for b in backups) == sorted(r["id"] for r in cp["vault"]["resources"])
        for b in backups:
            assert b["vault_id"] == history.vault["id"] and b["checkpoint_id"] == cid
            resource = next(r for r in cp["vault"]["resources"] if r["id"] == b["resource_id"])
            assert str(b["resource_size"]) == resource["resource_size"]
            assert b["status"] == resource["protect_status"]


def test_get_update_delete_round_trip(client: Any, make_vault: Any) -> None:
    vault, res = make_vault(resources=[server(size=2), volume(size=1)])
    cp = client.create_checkpoint(vault["id"], name="nightly", incremental=False)["checkpoint"]
    backups = backups_of(client, checkpoint_id=cp["id"])
    assert len(backups) == 2 and {b["incremental"] for b in backups} == {False}
    b = backups[0]
    assert client.get_backup(uuid.UUID(b["id"]))["backup"] == b
    renamed = client.update_backup(b["id"], "kept")["backup"]
    assert renamed["name"] == "kept" and renamed["id"] == b["id"]
    assert renamed["updated_at"] >= b["updated_at"]
    assert {k: v for k, v in renamed.items() if k not in ("name", "updated_at")} == \
        {k: v for k, v in b.items() if k not in ("name", "updated_at")}
    assert client.get_backup(b["id"])["backup"]["name"] == "kept"
    assert ids(backups_of(client, name="kept")) == [b["id"]]
    assert client.delete_backup(b["id"]) is None
    with pytest.raises(ckpt.NotFoundError):
        client.get_backup(b["id"])
    assert ids(backups_of(client, checkpoint_id=cp["id"])) == [backups[1]["id"]]
    invalid("backup.name", lambda: client.update_backup(backups[1]["id"], ""))
    invalid("backup_id", lambda: client.get_backup("nope"))


def test_default_names_and_incremental(client: Any, make_vault: Any) -> None:
    vault, _ = make_vault()
    manual = client.create_checkpoint(vault["id"])["checkpoint"]
    auto = client.create_checkpoint(vault["id"], auto_trigger=True)["checkpoint"]
    m, a = one_backup(client, manual["id"]), one_backup(client, auto["id"])
    # Named after the checkpoint id's last four digits (its first are the time).
    assert m["name"] == "manualbk_" + manual["id"][-4:] and m["incremental"] is True
    assert a["name"] == "autobk_" + auto["id"][-4:]
    assert (m["extend_info"]["auto_trigger"], a["extend_info"]["auto_trigger"]) == (False, True)


# -- SPEC 6.2: the rules every list follows --------------------------------------------------------

def test_list_defaults(reader: Any, history: History) -> None:
    page = reader.list_backups()
    assert (page["offset"], page["limit"], page["count"]) == (0, 1000, len(history.all))
    assert ids(page["backups"]) == ids(model_sort(history.all))
    logs = reader.list_operation_logs()
    assert (logs["offset"], logs["limit"], logs["count"]) == (0, 1000, len(history.logs))
    assert ids(logs["operation_logs"]) == ids(model_sort(history.logs))


@pytest.mark.parametrize("list_name", ["list_backups", "list_operation_logs"])
def test_limit_and_offset_bounds(reader: Any, history: History, list_name: str) -> None:
    listing = getattr(reader, list_name)
    key = "backups" if list_name == "list_backups" else "operation_logs"
    total = listing()["count"]
    one = listing(limit=1)
    assert len(one[key]) == 1 and one["limit"] == 1 and one["count"] == total
    assert len(listing(limit=1000)[key]) == total
    for bad in (0, -1, 1001, 10**12):
        invalid("limit", lambda: listing(limit=bad))
    for bad in ("5", 2.5, True):
        invalid("limit", lambda: listing(limit=bad))
    invalid("offset", lambda: listing(offset=-1))
    invalid("offset", lambda: listing(offset="1"))
    # count is the total, whatever the page; a page past the end is empty.
    for offset in (0, 3, total - 1, total, total + 1, 10**6):
        page = listing(offset=offset, limit=5)
        assert page["count"] == total and page["offset"] == offset
        assert len(page[key]) == max(0, min(5, total - offset))


def test_offset_pages_tile_the_listing(reader: Any, history: History) -> None:
    whole = ids(model_sort(history.all))
    for limit in (1, 7, 50):
        got: List[str] = []
        offset = 0
        while True:
            page = reader.list_backups(limit=limit, offset=offset)["backups"]
            if not page:
                break
            got += ids(page)
            offset += limit
        assert got == whole, limit


def test_marker(reader: Any, history: History) -> None:
    whole = ids(model_sort(history.all))
    for i in (0, 5, len(whole) - 2):
        page = reader.list_backups(marker=whole[i], limit=3)
        assert ids(page["backups"]) == whole[i + 1:i + 4]
        assert page["count"] == len(whole)
    assert reader.list_backups(marker=whole[-1])["backups"] == []
    # The marker and the offset: the page starts after the marker, then skips.
    assert ids(backups_of(reader, marker=whole[2], offset=2, limit=2)) == whole[5:7]
    # Under another order, with filters.
    available = ids(model_sort([b for b in history.all if b["status"] == "available"], "name:asc"))
    page = backups_of(reader, status="available", sort="name:asc", marker=available[3], limit=4)
    assert ids(page) == available[4:8]
    invalid("marker", lambda: reader.list_backups(marker=new_id()))
    invalid("marker", lambda: reader.list_backups(marker="last"))
    logs = ids(model_sort(history.logs))
    assert ids(reader.list_operation_logs(marker=logs[1], limit=2)["operation_logs"]) == logs[2:4]
    invalid("marker", lambda: reader.list_operation_logs(marker=new_id()))


@pytest.mark.parametrize("key", BACKUP_SORT_KEYS)
@pytest.mark.parametrize("direction", ["asc", "desc", ""])
def test_sort_backups(reader: Any, history: History, key: str, direction: str) -> None:
    sort = f"{key}:{direction}" if direction else key
    expected = model_sort(history.all, f"{key}:{direction or 'desc'}")
    assert ids(backups_of(reader, sort=sort)) == ids(expected)
    # Paged by marker, the same order.
    got: List[str] = []
    marker: Optional[str] = None
    while True:
        page = backups_of(reader, sort=sort, limit=6, **({"marker": marker} if marker else {}))
        if not page:
            break
        got += ids(page)
        marker = page[-1]["id"]
    assert got == ids(expected)


@pytest.mark.parametrize("key", LOG_SORT_KEYS)
@pytest.mark.parametrize("direction", ["asc", "desc"])
def test_sort_operation_logs(reader: Any, history: History, key: str, direction: str) -> None:
    got = reader.list_operation_logs(sort=f"{key}:{direction}")["operation_logs"]
    assert ids(got) == ids(model_sort(history.logs, f"{key}:{direction}"))


@pytest.mark.parametrize("sort", ["status:asc,name:desc", "name,created_at:asc", "status,id:asc"])
def test_sort_on_several_keys(reader: Any, history: History, sort: str) -> None:
    assert ids(backups_of(reader, sort=sort)) == ids(model_sort(history.all, sort))


@pytest.mark.parametrize("sort", ["bogus", "name:up", "", ",", "name:", "name:asc:x", " name", "name,name",
                                  "resource_size", "x" * 300])
def test_bad_sort(reader: Any, sort: str) -> None:
    invalid("sort", lambda: reader.list_backups(sort=sort))
    invalid("sort", lambda: reader.list_operation_logs(sort=sort))
    invalid("sort", lambda: list(reader.iter_backups(sort=sort)))


def test_operation_logs_do_not_sort_on_backup_keys(reader: Any) -> None:
    for key in ("name", "protected_at"):
        invalid("sort", lambda: reader.list_operation_logs(sort=key))


def test_status_filter(reader: Any, history: History) -> None:
    by_status: Dict[str, List[str]] = {}
    for b in model_sort(history.all):
        by_status.setdefault(b["status"], []).append(b["id"])
    for status, expected in by_status.items():
        assert ids(backups_of(reader, status=status)) == expected
        assert ids(backups_of(reader, status=[status])) == expected
    both = ids(backups_of(reader, status=["error", "protecting"]))
    assert both == [i for i in ids(model_sort(history.all)) if i in set(by_status["error"] + by_status["protecting"])]
    assert backups_of(reader, status="deleting") == []
    assert reader.list_backups(status=["restoring", "waiting_delete"])["count"] == 0
    invalid("status", lambda: reader.list_backups(status="gone"))
    invalid("status[1]", lambda: reader.list_backups(status=["available", "gone"]))
    invalid("status", lambda: reader.list_backups(status=3))


def test_time_filters(reader: Any, history: History) -> None:
    everything = model_sort(history.all)
    times = sorted({parse_time(b["created_at"]) for b in everything})
    for lo, hi in [(times[3], times[-5]), (times[0], times[0]), (times[10], None), (None, times[7])]:
        # Whole seconds, as the filter takes them; both ends are inclusive.
        start = lo.replace(microsecond=0) if lo else None
        end = hi.replace(microsecond=0) + datetime.timedelta(seconds=1) if hi else None
        expected = [b["id"] for b in everything
                    if (start is None or parse_time(b["created_at"]) >= start)
                    and (end is None or parse_time(b["created_at"]) <= end)]
        text = {"start_time": start and start.strftime("%Y-%m-%dT%H:%M:%SZ"),
                "end_time": end and end.strftime("%Y-%m-%dT%H:%M:%SZ")}
        assert ids(backups_of(reader, **text)) == expected
        # A datetime is sent as that text, an aware one converted to UTC.
        shifted = {k: v.astimezone(datetime.timezone(datetime.timedelta(hours=-5))) if v else None
                   for k, v in (("start_time", start), ("end_time", end))}
        assert ids(backups_of(reader, **shifted)) == expected
    # Nothing before the history or after it; an empty window.
    assert reader.list_backups(end_time="2000-01-01T00:00:00Z")["count"] == 0
    assert reader.list_backups(start_time="2099-01-01T00:00:00Z")["count"] == 0
    assert backups_of(reader, start_time="2024-03-01T00:00:00Z", end_time="2024-02-01T00:00:00Z") == []
    # The other spellings of UTC the library takes mean the same.
    cut = times[len(times) // 2].replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%S")
    same = [ids(backups_of(reader, start_time=cut + tail)) for tail in ("Z", "", "+00:00", ".000000Z")]
    assert all(x == same[0] for x in same) and 0 < len(same[0]) < len(everything)
    log_times = [parse_time(l["created_at"]) for l in history.logs]
    cut = sorted(log_times)[len(log_times) // 2].replace(microsecond=0)
    logs = reader.list_operation_logs(start_time=cut.strftime("%Y-%m-%dT%H:%M:%SZ"))["operation_logs"]
    assert ids(logs) == [l["id"] for l in model_sort(history.logs) if parse_time(l["created_at"]) >= cut]
    for field in ("start_time", "end_time"):
        for bad in ("2024-02-26", "2024-02-26T09:30:00+05:00", "2024-13-01T00:00:00Z", "2024-02-30T00:00:00Z",
                    "2024-02-26T24:00:00Z", "1969-12-31T23:59:59Z", "yesterday", 1700000000):
            invalid(field, lambda: reader.list_backups(**{field: bad}))
            invalid(field, lambda: reader.list_operation_logs(**{field: bad}))


def test_incremental_filter(reader: Any, history: History) -> None:
    everything = model_sort(history.all)
    for flag in (True, False):
        assert ids(backups_of(reader, incremental=flag)) == [b["id"] for b in everything if b["incremental"] is flag]
    # None is "not given": no filter.
    assert ids(backups_of(reader, incremental=None)) == ids(everything)
    invalid("incremental", lambda: reader.list_backups(incremental="true"))
    invalid("incremental", lambda: reader.list_backups(incremental=1))


def test_other_backup_filters(reader: Any, history: History) -> None:
    everything = model_sort(history.all)

    def where(**match: Any) -> List[str]:
        return [b["id"] for b in everything if all(b[k] == v for k, v in match.items())]

    cases: List[Dict[str, Any]] = [
        {"checkpoint_id": history.checkpoints[4]},
        {"vault_id": history.vault_b["id"]},
        {"vault_id": history.vault["id"], "status": "available"},
        {"resource_id": history.servers[0]["id"]},
        {"resource_id": history.volumes[0]["id"], "incremental": False},
        {"resource_name": "web"},
        {"resource_type": VOLUME},
        {"resource_type": SERVER, "vault_id": history.vault["id"], "name": "alpha"},
        {"name": "beta"},
        {"name": "Beta"},
        {"name": "\u03a9mega"},
        {"name": "renamed"},
        {"image_type": "backup"},
    ]
    for case in cases:
        expected = where(**case)
        assert expected, case
        assert ids(backups_of(reader, **case)) == expected, case
        assert ids(backups_of(reader, **{k: uuid.UUID(v) if k.endswith("_id") else v for k, v in case.items()})) \
            == expected
    assert backups_of(reader, name="alph") == []  # exact, not a prefix
    assert backups_of(reader, image_type="replication") == []
    assert backups_of(reader, checkpoint_id=new_id()) == []
    assert backups_of(reader, resource_type="OS::Nova::Server", resource_name="data") == []
    invalid("bogus", lambda: reader.list_backups(bogus=1))
    invalid("vault_id", lambda: reader.list_backups(vault_id="v"))
    invalid("resource_type", lambda: reader.list_backups(resource_type="OS::Disk"))
    invalid("image_type", lambda: reader.list_backups(image_type="snapshot"))


def test_operation_log_filters(reader: Any, history: History) -> None:
    everything = model_sort(history.logs)
    assert {l["operation_type"] for l in everything} == {"backup"}
    assert {l["status"] for l in everything} == {"success", "failed", "running"}
    for case in [{"operation_type": "backup"}, {"status": "failed"}, {"status": "running"},
                 {"vault_id": history.vault_b["id"]}, {"vault_name": "main"},
                 {"resource_id": history.servers[1]["id"]}, {"provider_id": everything[0]["provider_id"]}]:
        expected = [l["id"] for l in everything if all(l[k] == v for k, v in case.items() if k != "resource_id")
                    and ("resource_id" not in case or l["extra_info"]["resource"]["id"] == case["resource_id"])]
        assert expected, case
        assert ids(reader.list_operation_logs(**case)["operation_logs"]) == expected, case
    named = reader.list_operation_logs(resource_name="db")["operation_logs"]
    assert named and {l["extra_info"]["resource"]["name"] for l in named} == {"db"}
    assert reader.list_operation_logs(operation_type="restore")["count"] == 0
    invalid("operation_type", lambda: reader.list_operation_logs(operation_type="bogus"))
    invalid("status", lambda: reader.list_operation_logs(status="available"))
    invalid("bogus", lambda: reader.list_operation_logs(bogus="x"))


# -- paging through 2,500 backups ------------------------------------------------------------------

class Big:
    def __init__(self, path: str) -> None:
        self.path = path
        resources = [server(size=0, name=f"s{i:02d}") for i in range(50)]
        with ckpt.Client(path=path) as c:
            vault = c.create_vault("big", size_gb=10, resources=resources)["vault"]
            cps = [c.create_checkpoint(vault["id"], name=f"n{i % 7}")["checkpoint"]["id"] for i in range(50)]
            # The record of every backup, by checkpoint: independent of paging.
            self.all = [b for cp in cps for b in backups_of(c, checkpoint_id=cp)]
        assert len(self.all) == 2500 == len({b["id"] for b in self.all})


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Big:
    return Big(str(tmp_path_factory.mktemp("big") / "store.db"))


BIG_SORTS = ["created_at:desc", "created_at:asc", "name:asc"]


@pytest.mark.parametrize("sort", BIG_SORTS)
@pytest.mark.parametrize("how", ["offset", "marker"])
def test_paging_2500_backups(big: Big, sort: str, how: str) -> None:
    expected = ids(model_sort(big.all, sort))
    got: List[str] = []
    calls = 0
    with ckpt.Client(path=big.path) as c:
        request: Dict[str, Any] = {"sort": sort, "limit": 300}
        while True:
            page = c.list_backups(**request)
            calls += 1
            assert page["count"] == 2500 and page["limit"] == 300
            if not page["backups"]:
                break
            got += ids(page["backups"])
            if how == "offset":
                request["offset"] = request.get("offset", 0) + 300
            else:
                request["marker"] = page["backups"][-1]["id"]
    assert len(got) == len(set(got)) == 2500  # no repeats, no gaps
    assert got == expected
    assert calls == 10  # 9 pages, then the empty one


@pytest.mark.parametrize("sort", BIG_SORTS)
def test_iter_backups_through_2500(big: Big, sort: str) -> None:
    with ckpt.Client(path=big.path) as c:
        assert ids(list(c.iter_backups(sort=sort))) == ids(model_sort(big.all, sort))  # pages of 1000
        assert ids(list(c.iter_backups(sort=sort, limit=417))) == ids(model_sort(big.all, sort))
        names = [b for b in model_sort(big.all, sort) if b["name"] == "n3"]
        assert ids(list(c.iter_backups(sort=sort, name="n3", limit=33))) == ids(names)


# -- the iterators ---------------------------------------------------------------------------------

class Counting:
    """A client whose list calls are counted."""

    def __init__(self, c: Any) -> None:
        self.c = c
        self.requests: List[Tuple[str, Dict[str, Any]]] = []
        original = c.call

        def call(operation: str, request: Any = None) -> Dict[str, Any]:
            self.requests.append((operation, dict(request or {})))
            return original(operation, request)

        c.call = call


def test_iter_backups_pages_by_marker(reader: Any, history: History) -> None:
    counting = Counting(reader)
    whole = model_sort(history.all)
    it = reader.iter_backups(limit=10)
    assert counting.requests == []  # lazy
    assert list(it) == whole
    pages = [r for _, r in counting.requests]
    assert pages[0] == {"limit": 10}
    assert [p.get("marker") for p in pages[1:]] == [whole[i]["id"] for i in range(9, len(whole) - 1, 10)]
    # A short last page ends it without asking for an empty one.
    assert len(pages) == -(-len(whole) // 10)


def test_iter_honours_offset_marker_filters_and_sort(reader: Any, history: History) -> None:
    whole = model_sort(history.all, "updated_at:asc")
    assert list(reader.iter_backups(sort="updated_at:asc", offset=5, limit=4)) == whole[5:]
    assert list(reader.iter_backups(sort="updated_at:asc", marker=whole[7]["id"], limit=3)) == whole[8:]
    errors = [b for b in model_sort(history.all, "id:asc") if b["status"] == "error"]
    assert list(reader.iter_backups(status="error", sort="id:asc", limit=1)) == errors
    assert list(reader.iter_backups(checkpoint_id=new_id())) == []
    assert list(reader.iter_backups(offset=10**6)) == []
    logs = model_sort(history.logs, "status:asc")
    assert list(reader.iter_operation_logs(sort="status:asc", limit=7)) == logs
    assert list(reader.iter_operation_logs(status="failed", limit=1)) == [l for l in model_sort(history.logs)
                                                                         if l["status"] == "failed"]
    invalid("limit", lambda: next(reader.iter_operation_logs(limit=0)))


def test_iter_backups_while_deleting_them(client: Any, make_vault: Any) -> None:
    # Each page is fetched before the previous one is handed out, so its
    # marker is never a backup the caller has deleted.
    vault, _ = make_vault(resources=[server(size=0) for _ in range(5)])
    for _ in range(5):
        client.create_checkpoint(vault["id"])
    seen = []
    for b in client.iter_backups(vault_id=vault["id"], limit=4):
        seen.append(b["id"])
        client.delete_backup(b["id"])
    assert len(seen) == len(set(seen)) == 25
    assert client.list_backups(vault_id=vault["id"])["count"] == 0


def test_iter_is_a_plain_iterator(reader: Any) -> None:
    it = reader.iter_backups(limit=2)
    assert iter(it) is it
    first = next(it)
    assert first == reader.list_backups(limit=1)["backups"][0]


# -- deleting --------------------------------------------------------------------------------------

def test_delete_frees_capacity_and_the_checkpoint_goes_with_its_last_backup(client: Any, make_vault: Any) -> None:
    vault, res = make_vault(size_gb=20, resources=[server(size=2), volume(size=3)])
    cps = [client.create_checkpoint(vault["id"])["checkpoint"]["id"] for _ in range(2)]
    assert client.get_vault(vault["id"])["vault"]["billing"]["used"] == 10
    first = backups_of(client, checkpoint_id=cps[0])
    big = next(b for b in first if b["resource_size"] == 3)
    client.delete_backup(big["id"])
    assert client.get_vault(vault["id"])["vault"]["billing"]["used"] == 7
    # One backup left: the checkpoint is still there, with that resource.
    assert client.get_checkpoint(cps[0])["checkpoint"]["id"] == cps[0]
    small = next(b for b in first if b["resource_size"] == 2)
    client.delete_backup(small["id"])
    assert client.get_vault(vault["id"])["vault"]["billing"]["used"] == 5
    with pytest.raises(ckpt.NotFoundError) as info:
        client.get_checkpoint(cps[0])
    assert (info.value.status_code, info.value.error_code) == (404, "BackupService.6217")
    assert client.get_checkpoint(cps[1])["checkpoint"]["status"] == "available"
    for b in backups_of(client, checkpoint_id=cps[1]):
        client.delete_backup(b["id"])
    assert client.get_vault(vault["id"])["vault"]["billing"]["used"] == 0
    with pytest.raises(ckpt.NotFoundError):
        client.get_checkpoint(cps[1])
    # Each delete wrote its task.
    deletes = client.list_operation_logs(operation_type="delete")["operation_logs"]
    assert len(deletes) == 4 and {l["status"] for l in deletes} == {"success"}
    assert {l["extra_info"]["delete"]["backup_id"] for l in deletes} >= {big["id"], small["id"]}


def test_delete_takes_simulated_time(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    with ckpt.Client(path=path, simulate={"backup_ms_per_gb": 300}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        c.set_checkpoint_status(cp["id"], "available")
        b = one_backup(c, cp["id"])
        c.delete_backup(b["id"])
        assert c.get_backup(b["id"])["backup"]["status"] == "deleting"
        assert ids(backups_of(c, status="deleting")) == [b["id"]]
        seen: List[str] = []
        done = c.wait_backup(b["id"], status="deleted", timeout=5, on_progress=lambda x, _: seen.append(x["status"]))
        assert done["backup"]["status"] == "deleted" and done["backup"]["id"] == b["id"]
        assert seen[0] == "deleting" and seen[-1] == "deleted" and set(seen) == {"deleting", "deleted"}
        with pytest.raises(ckpt.NotFoundError):
            c.get_backup(b["id"])
        assert c.get_vault(vault["id"])["vault"]["billing"]["used"] == 0
        (log,) = c.list_operation_logs(operation_type="delete")["operation_logs"]
        assert log["status"] == "success" and log["extra_info"]["delete"] == {"backup_id": b["id"],
                                                                              "backup_name": b["name"]}


# -- restoring -------------------------------------------------------------------------------------

def test_restore(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    srv, vol = server(size=1, name="app"), volume(size=1, name="disk")
    with ckpt.Client(path=path, simulate={"backup_ms_per_gb": 200}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[srv, vol])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        c.set_checkpoint_status(cp["id"], "available")
        backups = {b["resource_type"]: b for b in backups_of(c, checkpoint_id=cp["id"])}
        target = new_id()
        job = c.restore_backup(backups[VOLUME]["id"], volume_id=uuid.UUID(target))
        assert set(job) == {"job_id"}
        assert c.get_backup(backups[VOLUME]["id"])["backup"]["status"] == "restoring"
        log = c.get_operation_log(job["job_id"])["operation_log"]
        assert (log["operation_type"], log["status"]) == ("restore", "running")
        assert log["extra_info"]["restore"] == {
            "backup_id": backups[VOLUME]["id"], "backup_name": backups[VOLUME]["name"],
            "target_resource_id": target, "target_resource_name": ""}
        assert log["extra_info"]["resource"]["id"] == vol["id"]
        assert log["checkpoint_id"] == cp["id"] and log["vault_id"] == vault["id"]
        done = c.wait_operation_log(job["job_id"], timeout=5)["operation_log"]
        assert done["status"] == "success" and done["extra_info"]["common"]["progress"] == 100
        assert done["error_info"] == {"code": "", "message": ""}
        assert c.get_backup(backups[VOLUME]["id"])["backup"]["status"] == "available"
        # A server backup: by server_id with power_on and mappings, or by resource_id.
        job2 = c.restore_backup(backups[SERVER]["id"], server_id=new_id(), power_on=True,
                                mappings=[{"backup_id": uuid.UUID(backups[VOLUME]["id"]), "volume_id": new_id()}])
        c.wait_operation_log(job2["job_id"], timeout=5)
        job3 = c.restore_backup(backups[SERVER]["id"], resource_id=srv["id"])
        c.wait_operation_log(job3["job_id"], timeout=5)
        job4 = c.restore_backup(backups[VOLUME]["id"], resource_id=vol["id"], power_on=False)
        c.wait_operation_log(job4["job_id"], timeout=5)
        restores = c.list_operation_logs(operation_type="restore", sort="created_at:asc")["operation_logs"]
        assert ids(restores) == [job["job_id"], job2["job_id"], job3["job_id"], job4["job_id"]]
        # The restore target must fit the backup.
        invalid("restore.server_id", lambda: c.restore_backup(backups[SERVER]["id"]))
        invalid("restore.server_id", lambda: c.restore_backup(backups[SERVER]["id"], volume_id=new_id()))
        invalid("restore.volume_id", lambda: c.restore_backup(backups[VOLUME]["id"], server_id=new_id()))
        invalid("restore.server_id", lambda: c.restore_backup(backups[SERVER]["id"], server_id="x"))
        invalid("restore.power_on", lambda: c.restore_backup(backups[SERVER]["id"], server_id=new_id(),
                                                             power_on="yes"))


# -- SPEC 6.5: the errors --------------------------------------------------------------------------

def _error(call: Callable[[], Any], cls: type, status: int, code: str) -> Any:
    with pytest.raises(cls) as info:
        call()
    err = info.value
    assert (err.status_code, err.error_code) == (status, code), str(err)
    return err


def test_unknown_backup_is_6200(client: Any) -> None:
    missing = new_id()
    for call in (lambda: client.get_backup(missing),
                 lambda: client.update_backup(missing, "x"),
                 lambda: client.delete_backup(missing),
                 lambda: client.restore_backup(missing, server_id=new_id()),
                 lambda: client.wait_backup(missing, timeout=1),
                 lambda: client.wait_backup(missing, timeout=1, on_progress=lambda *_: None)):
        err = _error(call, ckpt.NotFoundError, 404, "BackupService.6200")
        assert err.code == -2 and missing in err.error_msg
    assert str(_error(lambda: client.get_backup(missing), ckpt.NotFoundError, 404, "BackupService.6200")) == \
        f"[not_found] BackupService.6200: The backup {missing} does not exist. (http 404)"


def test_unknown_checkpoint_is_6217_and_unknown_task_6500(client: Any) -> None:
    missing = new_id()
    _error(lambda: client.get_checkpoint(missing), ckpt.NotFoundError, 404, "BackupService.6217")
    for call in (lambda: client.get_operation_log(missing),
                 lambda: client.wait_operation_log(missing, timeout=1),
                 lambda: client.wait_operation_log(missing, timeout=1, on_progress=lambda *_: None)):
        err = _error(call, ckpt.NotFoundError, 404, "BackupService.6500")
        assert missing in err.error_msg
    invalid("operation_log_id", lambda: client.get_operation_log("x"))


def test_conflicts_of_delete_and_restore() -> None:
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": SLOW}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1), volume(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        b, other = sorted(backups_of(c, checkpoint_id=cp["id"]), key=lambda x: x["resource_type"] != SERVER)
        assert b["status"] == "protecting"
        err = _error(lambda: c.delete_backup(b["id"]), ckpt.ConflictError, 400, "BackupService.6203")
        assert err.code == -3
        _error(lambda: c.restore_backup(b["id"], server_id=new_id()), ckpt.ConflictError, 400, "BackupService.2005")
        c.set_checkpoint_status(cp["id"], "available")
        job = c.restore_backup(b["id"], server_id=new_id())["job_id"]
        assert c.get_backup(b["id"])["backup"]["status"] == "restoring"
        _error(lambda: c.delete_backup(b["id"]), ckpt.ConflictError, 400, "BackupService.6216")
        err = _error(lambda: c.restore_backup(b["id"], server_id=new_id()), ckpt.ConflictError, 400,
                     "BackupService.2005")
        assert "restoring" in err.error_msg
        assert c.get_operation_log(job)["operation_log"]["status"] == "running"
        # An available backup in a vault that is not available.
        assert c.get_backup(other["id"])["backup"]["status"] == "available"
        for status in ("lock", "frozen", "error"):
            c.set_vault_status(vault["id"], status)
            err = _error(lambda: c.restore_backup(other["id"], volume_id=new_id()), ckpt.ConflictError, 400,
                         "BackupService.6202")
            assert status in err.error_msg
        c.set_vault_status(vault["id"], "available")
        job = c.restore_backup(other["id"], resource_id=other["resource_id"])["job_id"]
        assert c.get_backup(other["id"])["backup"]["status"] == "restoring"
        assert c.get_operation_log(job)["operation_log"]["operation_type"] == "restore"


def test_restore_of_an_error_backup_is_2005() -> None:
    bad = server(size=1)
    with ckpt.Client(path=":memory:", simulate={"fail_resources": [bad["id"]]}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[bad])["vault"]
        b = one_backup(c, c.create_checkpoint(vault["id"])["checkpoint"]["id"])
        assert b["status"] == "error"
        _error(lambda: c.restore_backup(b["id"], server_id=new_id()), ckpt.ConflictError, 400, "BackupService.2005")
        c.delete_backup(b["id"])  # a failed backup can be deleted
        with pytest.raises(ckpt.NotFoundError):
            c.get_backup(b["id"])


# -- protect_status and the tasks of a backup ------------------------------------------------------

def test_protect_status_while_a_backup_runs() -> None:
    res = [server(size=1), volume(size=1)]
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": SLOW}) as c:
        vault = c.create_vault("v", size_gb=10, resources=res)["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        assert {r["protect_status"] for r in cp["vault"]["resources"]} == {"protecting"}
        got = c.get_checkpoint(cp["id"])["checkpoint"]
        assert got["status"] == "protecting"
        assert [r["protect_status"] for r in got["vault"]["resources"]] == ["protecting", "protecting"]
        assert {b["status"] for b in backups_of(c, checkpoint_id=cp["id"])} == {"protecting"}
        logs = c.list_operation_logs(operation_type="backup")["operation_logs"]
        assert len(logs) == 2 and {l["status"] for l in logs} == {"running"}
        assert {l["extra_info"]["common"]["progress"] for l in logs} == {0}
        c.set_checkpoint_status(cp["id"], "available")
        got = c.get_checkpoint(cp["id"])["checkpoint"]
        assert [r["protect_status"] for r in got["vault"]["resources"]] == ["available", "available"]
        assert {b["status"] for b in backups_of(c, checkpoint_id=cp["id"])} == {"available"}


def test_each_backup_takes_its_resources_outcome() -> None:
    ok, bad = server(size=1), volume(size=1)
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": 100, "fail_resources": [bad["id"]]}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[ok, bad])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        got = c.get_checkpoint(cp["id"])["checkpoint"]
        assert [r["protect_status"] for r in got["vault"]["resources"]] == ["protecting", "protecting"]
        with pytest.raises(ckpt.ConflictError):
            c.wait_checkpoint(cp["id"], timeout=5)
        got = c.get_checkpoint(cp["id"])["checkpoint"]
        assert got["status"] == "error"
        assert {r["id"]: r["protect_status"] for r in got["vault"]["resources"]} == {ok["id"]: "available",
                                                                                    bad["id"]: "error"}
        assert {b["resource_id"]: b["status"] for b in backups_of(c, checkpoint_id=cp["id"])} == \
            {ok["id"]: "available", bad["id"]: "error"}
        logs = {l["extra_info"]["resource"]["id"]: l for l in c.list_operation_logs()["operation_logs"]}
        assert logs[ok["id"]]["status"] == "success" and logs[bad["id"]]["status"] == "failed"
        assert logs[ok["id"]]["extra_info"]["common"]["progress"] == 100
        assert logs[bad["id"]]["error_info"]["code"] == "BackupService.9910"
        assert bad["id"] in logs[bad["id"]]["error_info"]["message"]
        for log in logs.values():
            _check_log_shape(log)


def _check_log_shape(log: Dict[str, Any]) -> None:
    assert set(log) == LOG_KEYS, set(log) ^ LOG_KEYS
    assert log["operation_type"] in ("backup", "delete", "restore", "vault_delete", "remove_resource")
    assert log["status"] in ("waiting", "running", "success", "failed", "timeout", "skipped")
    for key in ("created_at", "updated_at", "started_at"):
        assert TIME.match(log[key]), (key, log[key])
    if log["status"] in ("waiting", "running"):
        assert log["ended_at"] is None
    else:
        assert TIME.match(log["ended_at"]), log["ended_at"]
    assert set(log["error_info"]) == {"code", "message"}
    if log["status"] == "success":
        assert log["error_info"] == {"code": "", "message": ""}
    extra = log["extra_info"]
    assert set(extra) == {"common", "resource", log["operation_type"]}
    common = extra["common"]
    assert set(common) == {"progress", "request_id", "task_id"}
    assert isinstance(common["progress"], int) and 0 <= common["progress"] <= 100
    assert common["task_id"] == log["id"] and isinstance(common["request_id"], str)
    if log["status"] == "success":
        assert common["progress"] == 100
    assert set(extra["resource"]) == {"id", "name", "type", "extra_info"}
    assert isinstance(extra["resource"]["extra_info"], dict)
    shapes = {"backup": {"backup_id", "backup_name", "incremental"}, "delete": {"backup_id", "backup_name"},
              "restore": {"backup_id", "backup_name", "target_resource_id", "target_resource_name"}}
    assert set(extra[log["operation_type"]]) == shapes[log["operation_type"]]


def test_task_shapes_and_progress(tmp_path: Path) -> None:
    srv, vol = server(size=1), volume(size=1)
    path = str(tmp_path / "store.db")
    with ckpt.Client(path=path, simulate={"backup_ms_per_gb": 300}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[srv, vol])["vault"]
        full = c.create_checkpoint(vault["id"], resources=[srv["id"]], incremental=False)["checkpoint"]
        (log,) = c.list_operation_logs(resource_id=srv["id"])["operation_logs"]
        progress: List[int] = []
        statuses: List[str] = []

        def watch(task: Dict[str, Any], _: float) -> None:
            _check_log_shape(task)
            progress.append(task["extra_info"]["common"]["progress"])
            statuses.append(task["status"])

        c.wait_operation_log(log["id"], timeout=5, on_progress=watch)
        assert progress == sorted(progress) and progress[-1] == 100 and progress[0] < 100
        assert len(set(progress)) >= 3
        assert statuses[-1] == "success" and set(statuses) == {"running", "success"}
        incr = c.create_checkpoint(vault["id"], resources=[vol["id"]], incremental=True)["checkpoint"]
        c.wait_checkpoint(incr["id"], timeout=5)
        default = c.create_checkpoint(vault["id"], resources=[vol["id"]])["checkpoint"]
        c.set_checkpoint_status(default["id"], "available")
        b = one_backup(c, full["id"])
        c.delete_backup(b["id"])
        c.wait_backup(b["id"], status="deleted", timeout=5)
        v = one_backup(c, incr["id"])
        c.wait_operation_log(c.restore_backup(v["id"], volume_id=new_id())["job_id"], timeout=5)
        logs = c.list_operation_logs()["operation_logs"]
        for task in logs:
            _check_log_shape(task)
            assert task["vault_id"] == vault["id"] and task["vault_name"] == "v"
        backup_logs = {l["checkpoint_id"]: l for l in logs if l["operation_type"] == "backup"}
        # extra_info.backup.incremental is the STRING "true" or "false".
        assert backup_logs[full["id"]]["extra_info"]["backup"]["incremental"] == "false"
        assert backup_logs[incr["id"]]["extra_info"]["backup"]["incremental"] == "true"
        assert backup_logs[default["id"]]["extra_info"]["backup"]["incremental"] == "true"
        assert backup_logs[full["id"]]["extra_info"]["backup"]["backup_id"] == b["id"]
        assert {l["operation_type"] for l in logs} == {"backup", "delete", "restore"}


# -- the waits -------------------------------------------------------------------------------------

@pytest.fixture
def slow() -> Iterator[Tuple[Any, Dict[str, Any], Dict[str, Any]]]:
    """A client whose one backup stays protecting: (client, backup, its task)."""
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": SLOW}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        backup = one_backup(c, cp["id"])
        (log,) = c.list_operation_logs()["operation_logs"]
        yield c, backup, log


MODES = [None, lambda *_: None]


@pytest.mark.parametrize("progress", MODES, ids=["library", "python"])
def test_wait_backup(progress: Any) -> None:
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": 150}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        b = one_backup(c, cp["id"])
        done = c.wait_backup(uuid.UUID(b["id"]), timeout=5, on_progress=progress)
        assert set(done) == {"backup"} and done["backup"]["status"] == "available"
        assert done["backup"] == c.get_backup(b["id"])["backup"]
        assert c.wait_backup(b["id"], timeout=0, on_progress=progress) == done
        # "deleted": until it is gone; a backup that never was counts too.
        c.delete_backup(b["id"])
        gone = c.wait_backup(b["id"], status="deleted", timeout=5, on_progress=progress)["backup"]
        assert gone["id"] == b["id"] and gone["status"] == "deleted"
        missing = new_id()
        assert c.wait_backup(missing, status="deleted", timeout=1, on_progress=progress) == \
            {"backup": {"id": missing, "status": "deleted"}}


def test_wait_backup_with_progress() -> None:
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": 250}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        b = one_backup(c, c.create_checkpoint(vault["id"])["checkpoint"]["id"])
        calls: List[Tuple[str, float]] = []
        done = c.wait_backup(b["id"], timeout=10, on_progress=lambda x, t: calls.append((x["status"], t)))
    assert done["backup"]["status"] == "available"
    assert calls[0][0] == "protecting" and calls[-1][0] == "available" and len(calls) >= 3
    times = [t for _, t in calls]
    assert times == sorted(times) and 0.15 <= times[-1] < 5


def test_wait_backup_deleted_seen_from_an_existing_backup_keeps_its_fields() -> None:
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": 200}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        c.set_checkpoint_status(cp["id"], "available")
        b = one_backup(c, cp["id"])
        c.delete_backup(b["id"])
        lib = c.wait_backup(b["id"], status="deleted", timeout=5)["backup"]
        assert lib["status"] == "deleted"
        assert {k: v for k, v in lib.items() if k not in ("status", "updated_at")} == \
            {k: v for k, v in b.items() if k not in ("status", "updated_at")}


@pytest.mark.parametrize("progress", MODES, ids=["library", "python"])
def test_wait_backup_timeout(slow: Any, progress: Any) -> None:
    c, b, _ = slow
    start = time.monotonic()
    with pytest.raises(ckpt.TimeoutError) as info:
        c.wait_backup(b["id"], timeout=0.2, on_progress=progress)
    assert 0.15 <= time.monotonic() - start < 3
    err = info.value
    assert (err.code, err.error_class, err.status_code, err.error_code) == (-7, "timeout", 0, "")
    assert err.error_msg == f"backup {b['id']} is still protecting after 200 ms, waiting for available"
    assert err.backup is not None and err.backup["id"] == b["id"] and err.backup["status"] == "protecting"
    assert err.checkpoint is None and err.operation_log is None
    assert err.to_dict()["backup"] == err.backup
    with pytest.raises(ckpt.TimeoutError) as info:
        c.wait_backup(b["id"], status="deleted", timeout=0, on_progress=progress)
    assert info.value.error_msg == f"backup {b['id']} is still protecting after 0 ms, waiting for deleted"


@pytest.mark.parametrize("progress", MODES, ids=["library", "python"])
def test_wait_backup_conflict_on_error(progress: Any) -> None:
    bad = server(size=1)
    with ckpt.Client(path=":memory:", simulate={"fail_resources": [bad["id"]]}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[bad])["vault"]
        b = one_backup(c, c.create_checkpoint(vault["id"])["checkpoint"]["id"])
        with pytest.raises(ckpt.ConflictError) as info:
            c.wait_backup(b["id"], timeout=5, on_progress=progress)
        err = info.value
        assert (err.code, err.error_class, err.status_code, err.error_code) == (-3, "conflict", 0, "")
        assert err.error_msg == f"backup {b['id']} went to status error while waiting for available"
        assert err.backup is not None and err.backup["status"] == "error"
        # Waiting for error itself reaches it.
        assert c.wait_backup(b["id"], status="error", timeout=1, on_progress=progress)["backup"]["status"] == "error"


@pytest.mark.parametrize("progress", MODES, ids=["library", "python"])
def test_wait_backup_arguments(slow: Any, progress: Any) -> None:
    c, b, _ = slow
    messages = set()
    for status in ("done", "", "Available"):
        err = invalid("status", lambda: c.wait_backup(b["id"], status=status, on_progress=progress))
        messages.add(err.error_msg)
    assert messages == {"status: must be one of available, deleting, error, protecting, restoring, "
                        "waiting_delete, waiting_protect, waiting_restore, deleted"}
    for bad in (-1, float("nan"), 86401):
        with pytest.raises(ValueError):
            c.wait_backup(b["id"], timeout=bad, on_progress=progress)
    with pytest.raises(TypeError):
        c.wait_backup(b["id"], timeout="1", on_progress=progress)
    invalid("backup_id", lambda: c.wait_backup("x", on_progress=progress))


@pytest.mark.parametrize("progress", MODES, ids=["library", "python"])
def test_wait_operation_log(progress: Any) -> None:
    with ckpt.Client(path=":memory:", simulate={"backup_ms_per_gb": 150}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[volume(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        (log,) = c.list_operation_logs()["operation_logs"]
        done = c.wait_operation_log(uuid.UUID(log["id"]), timeout=5, on_progress=progress)
        assert set(done) == {"operation_log"} and done["operation_log"]["status"] == "success"
        assert done == c.get_operation_log(log["id"])
        b = one_backup(c, cp["id"])
        job = c.restore_backup(b["id"], volume_id=new_id())["job_id"]
        restored = c.wait_operation_log(job, timeout=5, on_progress=progress)["operation_log"]
        assert (restored["operation_type"], restored["status"]) == ("restore", "success")
        assert c.get_backup(b["id"])["backup"]["status"] == "available"


@pytest.mark.parametrize("progress", MODES, ids=["library", "python"])
def test_wait_operation_log_timeout(slow: Any, progress: Any) -> None:
    c, _, log = slow
    with pytest.raises(ckpt.TimeoutError) as info:
        c.wait_operation_log(log["id"], timeout=0.1, on_progress=progress)
    err = info.value
    assert err.error_msg == f"task {log['id']} is still running, 0% after 100 ms"
    assert err.operation_log is not None and err.operation_log["id"] == log["id"]
    assert err.operation_log["status"] == "running" and err.backup is None
    with pytest.raises(ValueError):
        c.wait_operation_log(log["id"], timeout=-0.5, on_progress=progress)


@pytest.mark.parametrize("progress", MODES, ids=["library", "python"])
def test_wait_operation_log_conflict_on_failure(progress: Any) -> None:
    bad = server(size=1)
    with ckpt.Client(path=":memory:", simulate={"fail_resources": [bad["id"]]}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[bad])["vault"]
        c.create_checkpoint(vault["id"])
        (log,) = c.list_operation_logs()["operation_logs"]
        assert log["status"] == "failed"
        with pytest.raises(ckpt.ConflictError) as info:
            c.wait_operation_log(log["id"], timeout=5, on_progress=progress)
        err = info.value
        code, message = log["error_info"]["code"], log["error_info"]["message"]
        assert err.error_msg == f"task {log['id']} ended failed ({code}: {message})"
        assert (err.code, err.status_code, err.error_code) == (-3, 0, "")
        assert err.operation_log == log


def test_waits_report_alike_in_both_modes(slow: Any) -> None:
    """The Python-side wait raises what the library's own raises."""
    c, b, log = slow

    def outcome(call: Callable[..., Any], *args: Any, **kwargs: Any) -> List[Dict[str, Any]]:
        out = []
        for progress in MODES:
            with pytest.raises(ckpt.Error) as info:
                call(*args, on_progress=progress, **kwargs)
            d = info.value.to_dict()
            d["type"] = type(info.value).__name__
            out.append(d)
        return out

    for lib, py in [outcome(c.wait_backup, b["id"], timeout=0.05),
                    outcome(c.wait_backup, b["id"], status="available", timeout=0),
                    outcome(c.wait_operation_log, log["id"], timeout=0.05),
                    outcome(c.wait_backup, new_id(), timeout=0.05),
                    outcome(c.wait_operation_log, new_id(), timeout=0.05),
                    outcome(c.wait_backup, b["id"], status="nope")]:
        for d in (lib, py):
            for subject in ("backup", "operation_log"):
                if subject in d:
                    d[subject].pop("updated_at", None)
                    d[subject].get("extra_info", {}).get("common", {}).pop("progress", None)
        assert lib == py


def test_wait_progress_callback_raising_ends_the_wait(slow: Any) -> None:
    c, b, log = slow

    class Stop(Exception):
        pass

    calls: List[float] = []

    def stop_on_third(obj: Dict[str, Any], elapsed: float) -> None:
        calls.append(elapsed)
        if len(calls) == 3:
            raise Stop(obj["id"])

    with pytest.raises(Stop) as info:
        c.wait_backup(b["id"], timeout=30, on_progress=stop_on_third)
    assert str(info.value) == b["id"] and len(calls) == 3
    calls.clear()
    with pytest.raises(Stop):
        c.wait_operation_log(log["id"], timeout=30, on_progress=stop_on_third)
    assert len(calls) == 3
    with pytest.raises(KeyboardInterrupt):
        c.wait_backup(b["id"], on_progress=lambda *_: (_ for _ in ()).throw(KeyboardInterrupt))
    # The client is still usable afterwards.
    assert c.get_backup(b["id"])["backup"]["status"] == "protecting"


def test_wait_progress_returning_false_cancels(slow: Any) -> None:
    c, b, log = slow
    cp_id = b["checkpoint_id"]
    for wait, target, subject, what in [
        (c.wait_backup, b["id"], "backup", f"backup {b['id']}"),
        (c.wait_operation_log, log["id"], "operation_log", f"task {log['id']}"),
        (c.wait_checkpoint, cp_id, "checkpoint", f"checkpoint {cp_id}"),
    ]:
        seen: List[Any] = []

        def cancel_on_second(obj: Dict[str, Any], _: float) -> Optional[bool]:
            seen.append(obj)
            return False if len(seen) == 2 else None  # None and True go on

        with pytest.raises(ckpt.CanceledError) as info:
            wait(target, timeout=30, on_progress=cancel_on_second)
        err = info.value
        assert (err.code, err.error_class, err.status_code, err.error_code) == (-12, "canceled", 0, "")
        assert err.error_msg == f"the wait for {what} was canceled by its caller"
        assert getattr(err, subject) == seen[-1] and len(seen) == 2
        assert ckpt.strerror(-12) == "canceled"


def test_wait_checkpoint_shares_the_python_wait(slow: Any) -> None:
    c, b, _ = slow
    with pytest.raises(ckpt.TimeoutError) as info:
        c.wait_checkpoint(b["checkpoint_id"], timeout=0.05, on_progress=lambda *_: True)
    assert info.value.error_msg == \
        f"checkpoint {b['checkpoint_id']} is still protecting after 50 ms, waiting for available"
    assert info.value.checkpoint is not None and info.value.backup is None


def test_a_wait_in_another_thread_sees_a_status_change(tmp_path: Path) -> None:
    import threading

    path = str(tmp_path / "store.db")
    with ckpt.Client(path=path, simulate={"backup_ms_per_gb": SLOW}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[server(size=1)])["vault"]
        cp = c.create_checkpoint(vault["id"])["checkpoint"]
        b = one_backup(c, cp["id"])
    result: Dict[str, Any] = {}

    def waiter() -> None:
        with ckpt.Client(path=path) as w:
            result["backup"] = w.wait_backup(b["id"], timeout=10, on_progress=lambda *_: None)["backup"]

    t = threading.Thread(target=waiter)
    t.start()
    time.sleep(0.1)
    with ckpt.Client(path=path) as c:
        c.set_checkpoint_status(cp["id"], "available")
    t.join(15)
    assert result["backup"]["status"] == "available"


# -- prune, the plain cases (the properties are in test_prune.py) ----------------------------------

def test_prune_basics(tmp_path: Path) -> None:
    path = str(tmp_path / "store.db")
    res = [server(size=0), volume(size=0)]
    start = datetime.datetime(2023, 12, 30, 12, tzinfo=UTC)
    with client_at(ckpt, path, start) as c:
        vault = c.create_vault("v", size_gb=10, resources=res)["vault"]
    for day in range(6):
        with client_at(ckpt, path, start + datetime.timedelta(days=day, hours=1)) as c:
            c.create_checkpoint(vault["id"])
    with ckpt.Client(path=path) as c:
        before = backups_of(c)
        assert len(before) == 12
        invalid("keep_last", lambda: c.prune_backups(vault["id"]))
        invalid("keep_last", lambda: c.prune_backups(vault["id"], dry_run=True))
        invalid("keep_last", lambda: c.prune_backups(vault["id"], keep_last=0))
        invalid("keep_daily", lambda: c.prune_backups(vault["id"], keep_daily=-1))
        invalid("keep_weekly", lambda: c.prune_backups(vault["id"], keep_weekly="2"))
        invalid("vault_id", lambda: c.prune_backups("v", keep_last=1))
        for dry_run in (True, False):
            _error(lambda: c.prune_backups(new_id(), keep_last=1, dry_run=dry_run), ckpt.NotFoundError, 404,
                   "BackupService.6105")
        invalid("resource_id", lambda: c.prune_backups(vault["id"], resource_id="r", keep_last=1))
        assert backups_of(c) == before
        plan = c.prune_backups(vault["id"], keep_last=2, keep_weekly=2, dry_run=True)
        assert plan["dry_run"] is True and backups_of(c) == before
        assert set(plan) == {"keep", "remove", "dry_run"}
        for k in plan["keep"]:
            assert set(k) == {"id", "resource_id", "created_at", "reasons"}
        newest = {r["id"]: [b for b in model_sort(before) if b["resource_id"] == r["id"]] for r in res}
        kept = {k["id"]: k["reasons"] for k in plan["keep"]}
        for r in res:
            mine = newest[r["id"]]
            # 2023-12-30/31 are in ISO week 2023-W52; 2024-01-01..04 in 2024-W01.
            assert kept[mine[0]["id"]] == ["last", "weekly 2024-W01"]
            assert kept[mine[1]["id"]] == ["last"]
            assert kept[mine[4]["id"]] == ["weekly 2023-W52"]
        assert len(plan["keep"]) == 6 and len(plan["remove"]) == 6
        only = c.prune_backups(vault["id"], resource_id=uuid.UUID(res[0]["id"]), keep_last=1)
        assert only["dry_run"] is False
        assert {k["resource_id"] for k in only["keep"]} == {res[0]["id"]} and len(only["remove"]) == 5
        after = backups_of(c)
        assert ids(after) == [b["id"] for b in model_sort(before) if b["id"] not in set(only["remove"])]
        assert c.list_backups(resource_id=res[1]["id"])["count"] == 6
        # Again: nothing more to remove.
        again = c.prune_backups(vault["id"], resource_id=res[0]["id"], keep_last=1)
        assert again["remove"] == [] and [k["id"] for k in again["keep"]] == [newest[res[0]["id"]][0]["id"]]
        deletes = c.list_operation_logs(operation_type="delete")["operation_logs"]
        assert {l["extra_info"]["delete"]["backup_id"] for l in deletes} == set(only["remove"])
