"""The official Huawei Cloud Python SDK (huaweicloudsdkcbr), signing with
AK/SK, against `ckpt serve`: the lifecycle operations of version 1.1 (SPEC
6): list_backups (filters, paging by offset and by marker), show_backup,
update_backup, delete_backup, restore_backup, list_op_logs, show_op_log, and
the documented errors, read as the SDK reads the cloud's answers.

Every warning is a failure here: the SDK warns (TypeConversionWarning) and
keeps the raw string when it cannot read a value as its model types it, e.g.
a time with a zone it does not expect.  The data is made through libckpt's
embedded backend on the server's store (with a simulated clock for times in
the past).
"""

from __future__ import annotations

import datetime as dt
import json
import warnings
from typing import Any, Dict, List

import pytest

import e2e_helpers as h
from e2e_helpers import AK, SK

# Every warning fails the test, but for the harness's own: `Serve` keeps its
# log file open for `stderr()` after the stop (a ResourceWarning when the
# test's objects are collected).
pytestmark = [
    pytest.mark.filterwarnings("error"),
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.fixture(scope="module")
def sdk() -> Dict[str, Any]:
    try:
        from huaweicloudsdkcbr import v1
        from huaweicloudsdkcore.auth.credentials import BasicCredentials
        from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
        from huaweicloudsdkcore.http.http_config import HttpConfig
    except ImportError as e:  # pragma: no cover - test_e2e_sdk.py installs it
        pytest.skip(f"huaweicloudsdkcbr is not installed: {e}")
    return {"v1": v1, "BasicCredentials": BasicCredentials, "ClientRequestException": ClientRequestException,
            "HttpConfig": HttpConfig}


@pytest.fixture
def v1(sdk: Dict[str, Any]) -> Any:
    return sdk["v1"]


@pytest.fixture
def client(sdk: Dict[str, Any], server: h.Serve, project: str) -> Any:
    """A CbrClient signing with the server's first AK/SK pair."""
    config = sdk["HttpConfig"].get_default_config()
    config.ignore_ssl_verification = True
    config.timeout = (5, 30)
    return (sdk["v1"].CbrClient.new_builder()
            .with_http_config(config)
            .with_credentials(sdk["BasicCredentials"](AK, SK, project))
            .with_endpoints([server.url])
            .build())


@pytest.fixture
def data(server: h.Serve, local: Any) -> Dict[str, Any]:
    return h.lifecycle_data(local)


def sdk_error(sdk: Dict[str, Any], call: Any) -> Any:
    with pytest.raises(sdk["ClientRequestException"]) as info:
        call()
    return info.value


def check(e: Any, status: int, code: str) -> None:
    assert (e.status_code, e.error_code) == (status, code), str(e)
    assert e.error_msg and h.REQUEST_ID.match(e.request_id or ""), str(e)


def all_ids(data: Dict[str, Any]) -> List[str]:
    return [b["id"] for name in ("nightly", "full", "latest") for b in data["backups"][name]]


def ids_of(response: Any) -> List[str]:
    return [b.id for b in response.backups]


def check_backup_model(b: Any) -> None:
    """A BackupResp as the SDK parsed it: every time a datetime (or date),
    in UTC; the typed members of their Python types."""
    for name in ("created_at", "updated_at"):
        value = getattr(b, name)
        assert isinstance(value, dt.datetime), (name, value)
        assert value.utcoffset() == dt.timedelta(0), (name, value)
    assert isinstance(b.protected_at, dt.date), b.protected_at  # typed `date` by the SDK
    assert b.expired_at is None  # kept forever
    assert isinstance(b.resource_size, int) and b.resource_size == 1
    assert isinstance(b.incremental, bool)
    assert b.image_type == "backup" and b.resource_type == h.SERVER and b.enterprise_project_id == "0"
    assert b.children == [] and b.replication_records == []
    extend = b.extend_info
    assert type(extend).__name__ == "BackupExtendInfo", extend
    assert extend.supported_restore_mode == "backup" and isinstance(extend.auto_trigger, bool)


def check_backup_raw(raw: Dict[str, Any]) -> None:
    """A BackupResp on the wire (SPEC 6.3)."""
    for name in ("created_at", "updated_at", "protected_at"):
        assert h.STORED_TIME.match(raw[name]), (name, raw[name])
    assert raw["expired_at"] is None
    assert h.json_type(raw["resource_size"]) == "integer" and h.json_type(raw["incremental"]) == "boolean"
    assert raw["children"] == [] and raw["replication_records"] == []


# ---------------------------------------------------------------------------
# list_backups


def test_list_backups_filters(v1: Any, client: Any, data: Dict[str, Any]) -> None:
    vault = data["vault"]["id"]
    cps = data["checkpoints"]
    everything = set(all_ids(data))

    def listed(**query: Any) -> Any:
        return client.list_backups(v1.ListBackupsRequest(**query))

    r = listed(checkpoint_id=cps["nightly"]["id"])
    assert (r.count, r.offset, r.limit) == (3, 0, 1000)
    assert {b.checkpoint_id for b in r.backups} == {cps["nightly"]["id"]}
    assert sorted(b.resource_id for b in r.backups) == sorted(x["id"] for x in data["resources"])
    for b in r.backups:
        check_backup_model(b)
        assert b.vault_id == vault and b.name == "nightly" and b.incremental is True
    raw = json.loads(r.raw_content)
    assert set(raw) == {"backups", "count", "offset", "limit"}
    for b in raw["backups"]:
        check_backup_raw(b)

    r = listed(vault_id=vault)
    assert r.count == 9 and set(ids_of(r)) == everything
    # The default order: created_at, newest first.
    created = [b.created_at for b in r.backups]
    assert created == sorted(created, reverse=True) and len(set(created)) == 9

    # incremental as the SDK sends it: incremental=true / incremental=false.
    r = listed(vault_id=vault, incremental=False)
    assert r.count == 3 and {b.checkpoint_id for b in r.backups} == {cps["full"]["id"]}
    assert all(b.incremental is False for b in r.backups)
    r = listed(vault_id=vault, incremental=True)
    assert r.count == 6 and {b.checkpoint_id for b in r.backups} == {cps["nightly"]["id"], cps["latest"]["id"]}

    # status as a list: the key repeated on the wire (status=available&status=error).
    r = listed(vault_id=vault, status=["available", "error"])
    assert r.count == 9
    r = listed(vault_id=vault, status=["error"])
    assert r.count == 1 and r.backups[0].resource_id == data["failing"] and r.backups[0].status == "error"
    r = listed(vault_id=vault, status="available")
    assert r.count == 8 and all(b.status == "available" for b in r.backups)
    r = listed(vault_id=vault, status=["protecting", "restoring"])
    assert (r.count, r.backups) == (0, [])

    # name is an exact match.
    r = listed(vault_id=vault, name="full")
    assert r.count == 3 and {b.name for b in r.backups} == {"full"}
    unnamed = data["backups"]["latest"][0]["name"]
    assert unnamed.startswith("manualbk_")
    assert listed(name=unnamed).count == 3
    assert listed(vault_id=vault, name="ful").count == 0

    # start_time / end_time on created_at, as YYYY-MM-DDTHH:MM:SSZ.
    now = dt.datetime.now(dt.timezone.utc)
    r = listed(vault_id=vault, start_time=h.query_time(now - dt.timedelta(hours=36)))
    assert r.count == 6 and {b.checkpoint_id for b in r.backups} == {cps["full"]["id"], cps["latest"]["id"]}
    r = listed(vault_id=vault, end_time=h.query_time(now - dt.timedelta(hours=36)))
    assert r.count == 3 and {b.checkpoint_id for b in r.backups} == {cps["nightly"]["id"]}
    r = listed(vault_id=vault, start_time=h.query_time(now - dt.timedelta(hours=60)),
               end_time=h.query_time(now - dt.timedelta(hours=12)))
    assert r.count == 6 and {b.checkpoint_id for b in r.backups} == {cps["nightly"]["id"], cps["full"]["id"]}
    assert listed(vault_id=vault, start_time=h.query_time(now + dt.timedelta(hours=1))).count == 0

    # resource filters, and several filters at once.
    web0 = data["resources"][0]
    r = listed(resource_id=web0["id"])
    assert r.count == 3 and {b.resource_id for b in r.backups} == {web0["id"]}
    assert listed(vault_id=vault, resource_name="web1").count == 3
    assert listed(vault_id=vault, resource_type=h.SERVER, image_type="backup").count == 9
    assert listed(vault_id=vault, resource_type="OS::Cinder::Volume").count == 0
    r = listed(vault_id=vault, resource_id=data["failing"], incremental=True, status=["available"])
    assert r.count == 1 and r.backups[0].checkpoint_id == cps["nightly"]["id"]

    # Another vault's id, or one that does not exist, lists nothing.
    assert listed(vault_id=h.new_id()).count == 0


def test_list_backups_paging(v1: Any, client: Any, data: Dict[str, Any]) -> None:
    vault = data["vault"]["id"]
    everything = client.list_backups(v1.ListBackupsRequest(vault_id=vault))
    order = ids_of(everything)
    assert len(order) == 9

    # By offset, until an empty page (as Terraform pages).
    pages = []
    offset = 0
    while True:
        r = client.list_backups(v1.ListBackupsRequest(vault_id=vault, limit=4, offset=offset))
        assert (r.count, r.offset, r.limit) == (9, offset, 4)
        if not r.backups:
            break
        pages.append(ids_of(r))
        offset += len(r.backups)
    assert [len(p) for p in pages] == [4, 4, 1]
    assert sum(pages, []) == order
    # Far past the end: still an empty page, never an error.
    r = client.list_backups(v1.ListBackupsRequest(vault_id=vault, limit=4, offset=1000))
    assert (r.backups, r.count) == ([], 9)

    # By marker: the next page starts after the previous page's last id.
    walked: List[str] = []
    marker = None
    for _ in range(10):
        r = client.list_backups(v1.ListBackupsRequest(vault_id=vault, limit=2, marker=marker))
        assert r.count == 9
        if not r.backups:
            break
        walked += ids_of(r)
        marker = r.backups[-1].id
    assert walked == order

    # sort, oldest first, by offset and by marker.
    r = client.list_backups(v1.ListBackupsRequest(vault_id=vault, sort="created_at:asc"))
    assert ids_of(r) == list(reversed(order))
    r = client.list_backups(v1.ListBackupsRequest(vault_id=vault, sort="created_at:asc", limit=3, offset=3))
    assert ids_of(r) == list(reversed(order))[3:6]
    r = client.list_backups(v1.ListBackupsRequest(vault_id=vault, sort="created_at:asc", limit=3,
                                                  marker=list(reversed(order))[4]))
    assert ids_of(r) == list(reversed(order))[5:8]
    # Ties (three backups per name) break on id in the sort's direction.
    r = client.list_backups(v1.ListBackupsRequest(vault_id=vault, sort="name:asc"))
    got = [(b.name, b.id) for b in r.backups]
    assert got == sorted(got)


# ---------------------------------------------------------------------------
# show_backup, update_backup, delete_backup


def test_show_update_delete_backup(sdk: Dict[str, Any], v1: Any, client: Any, data: Dict[str, Any],
                                   local: Any) -> None:
    target = data["backups"]["full"][0]
    shown = client.show_backup(v1.ShowBackupRequest(backup_id=target["id"]))
    check_backup_model(shown.backup)
    assert shown.backup.id == target["id"] and shown.backup.name == "full"
    raw = json.loads(shown.raw_content)
    assert set(raw) == {"backup"} and raw["backup"] == target
    check_backup_raw(raw["backup"])
    # The list and the show agree, model for model.
    listed = client.list_backups(v1.ListBackupsRequest(checkpoint_id=target["checkpoint_id"]))
    assert [b for b in listed.backups if b.id == target["id"]] == [shown.backup]

    updated = client.update_backup(v1.UpdateBackupRequest(
        backup_id=target["id"], body=v1.BackupUpdateReq(backup=v1.BackupUpdate(name="renamed-by-sdk"))))
    check_backup_model(updated.backup)
    assert updated.backup.id == target["id"] and updated.backup.name == "renamed-by-sdk"
    assert updated.backup.updated_at >= shown.backup.updated_at
    assert client.show_backup(v1.ShowBackupRequest(backup_id=target["id"])).backup.name == "renamed-by-sdk"
    assert ids_of(client.list_backups(v1.ListBackupsRequest(name="renamed-by-sdk"))) == [target["id"]]
    assert local().call("backup.get", {"backup_id": target["id"]})["backup"]["name"] == "renamed-by-sdk"

    deleted = client.delete_backup(v1.DeleteBackupRequest(backup_id=target["id"]))
    assert deleted.status_code == 204 and not deleted.raw_content
    check(sdk_error(sdk, lambda: client.show_backup(v1.ShowBackupRequest(backup_id=target["id"]))),
          404, "BackupService.6200")
    r = client.list_backups(v1.ListBackupsRequest(vault_id=data["vault"]["id"]))
    assert r.count == 8 and target["id"] not in ids_of(r)
    # Its `delete` task.
    logs = client.list_op_logs(v1.ListOpLogsRequest(vault_id=data["vault"]["id"], operation_type="delete"))
    assert logs.count == 1
    log = logs.operation_logs[0]
    assert log.extra_info.delete.backup_id == target["id"] and log.extra_info.delete.backup_name == "renamed-by-sdk"
    assert log.status == "success" and log.checkpoint_id == target["checkpoint_id"]

    # The other operations on the deleted backup, and on one never made.
    for missing in (target["id"], h.new_id()):
        check(sdk_error(sdk, lambda: client.delete_backup(v1.DeleteBackupRequest(backup_id=missing))),
              404, "BackupService.6200")
        check(sdk_error(sdk, lambda: client.update_backup(v1.UpdateBackupRequest(
            backup_id=missing, body=v1.BackupUpdateReq(backup=v1.BackupUpdate(name="x"))))), 404, "BackupService.6200")
        check(sdk_error(sdk, lambda: client.restore_backup(v1.RestoreBackupRequest(
            backup_id=missing, body=v1.BackupRestoreReq(restore=v1.BackupRestore(server_id=h.new_id()))))),
            404, "BackupService.6200")


def test_deleting_every_backup_of_a_checkpoint_removes_it(sdk: Dict[str, Any], v1: Any, client: Any,
                                                          data: Dict[str, Any]) -> None:
    """Terraform's delete of a checkpoint: delete each backup listed for it,
    then wait until show_checkpoint is 404."""
    cp = data["checkpoints"]["nightly"]["id"]
    shown = client.show_checkpoint(v1.ShowCheckpointRequest(checkpoint_id=cp)).checkpoint
    assert shown.id == cp
    for b in client.list_backups(v1.ListBackupsRequest(checkpoint_id=cp)).backups:
        assert client.delete_backup(v1.DeleteBackupRequest(backup_id=b.id)).status_code == 204
    assert client.list_backups(v1.ListBackupsRequest(checkpoint_id=cp)).count == 0
    check(sdk_error(sdk, lambda: client.show_checkpoint(v1.ShowCheckpointRequest(checkpoint_id=cp))),
          404, "BackupService.6217")


def test_show_checkpoint_of_an_unknown_id(sdk: Dict[str, Any], v1: Any, client: Any) -> None:
    missing = h.new_id()
    e = sdk_error(sdk, lambda: client.show_checkpoint(v1.ShowCheckpointRequest(checkpoint_id=missing)))
    check(e, 404, "BackupService.6217")
    assert missing in e.error_msg


# ---------------------------------------------------------------------------
# restore_backup


def test_restore_backup(sdk: Dict[str, Any], v1: Any, client: Any, data: Dict[str, Any], local: Any) -> None:
    target = next(b for b in data["backups"]["latest"] if b["status"] == "available")
    response = client.restore_backup(v1.RestoreBackupRequest(
        backup_id=target["id"],
        body=v1.BackupRestoreReq(restore=v1.BackupRestore(server_id=target["resource_id"], power_on=False))))
    assert response.status_code == 202
    # The SDK's RestoreBackupResponse has no fields; the job id is in the body.
    job_id = json.loads(response.raw_content)["job_id"]
    assert isinstance(job_id, str) and len(job_id) == 36

    log = client.show_op_log(v1.ShowOpLogRequest(operation_log_id=job_id)).operation_log
    assert log.id == job_id and log.operation_type == "restore" and log.status in ("running", "success")
    assert log.extra_info.restore.backup_id == target["id"]
    assert log.extra_info.restore.backup_name == target["name"]
    assert log.extra_info.restore.target_resource_id == target["resource_id"]
    assert log.vault_id == data["vault"]["id"] and log.checkpoint_id == target["checkpoint_id"]
    assert log.error_info.code == "" and log.error_info.message == ""
    assert 0 <= log.extra_info.common.progress <= 100
    assert log.extra_info.common.task_id == job_id
    # TF's wait: show_op_log until success.
    done = local().call("operation_log.wait", {"operation_log_id": job_id, "timeout_ms": 20000})["operation_log"]
    assert done["status"] == "success" and done["extra_info"]["common"]["progress"] == 100
    assert client.show_backup(v1.ShowBackupRequest(backup_id=target["id"])).backup.status == "available"

    # With mappings (optional for the embedded backend's server backups), and power_on left to its default.
    response = client.restore_backup(v1.RestoreBackupRequest(
        backup_id=target["id"],
        body=v1.BackupRestoreReq(restore=v1.BackupRestore(
            server_id=target["resource_id"],
            mappings=[v1.BackupRestoreServerMapping(backup_id=target["id"], volume_id=h.new_id())]))))
    assert response.status_code == 202
    second = json.loads(response.raw_content)["job_id"]
    assert second != job_id
    logs = client.list_op_logs(v1.ListOpLogsRequest(vault_id=data["vault"]["id"], operation_type="restore"))
    assert logs.count == 2 and {x.id for x in logs.operation_logs} == {job_id, second}


def test_restore_errors(sdk: Dict[str, Any], v1: Any, client: Any, data: Dict[str, Any], local: Any) -> None:
    def restore(backup_id: str, **fields: Any) -> Any:
        return client.restore_backup(v1.RestoreBackupRequest(
            backup_id=backup_id, body=v1.BackupRestoreReq(restore=v1.BackupRestore(**fields))))

    failed = [b for b in data["backups"]["latest"] if b["status"] == "error"]
    assert len(failed) == 1
    check(sdk_error(sdk, lambda: restore(failed[0]["id"], server_id=failed[0]["resource_id"])),
          400, "BackupService.2005")
    good = data["backups"]["full"][1]
    check(sdk_error(sdk, lambda: restore(good["id"], power_on=True)), 400, "BackupService.9900")
    local().set_vault_status(data["vault"]["id"], "lock")
    check(sdk_error(sdk, lambda: restore(good["id"], server_id=good["resource_id"])), 400, "BackupService.6202")
    local().set_vault_status(data["vault"]["id"], "available")
    assert restore(good["id"], server_id=good["resource_id"]).status_code == 202


# ---------------------------------------------------------------------------
# list_op_logs, show_op_log


def test_list_op_logs_and_show_op_log(sdk: Dict[str, Any], v1: Any, client: Any, data: Dict[str, Any]) -> None:
    vault = data["vault"]["id"]

    def logs(**query: Any) -> Any:
        return client.list_op_logs(v1.ListOpLogsRequest(**query))

    r = logs(vault_id=vault)
    assert (r.count, r.offset, r.limit) == (9, 0, 1000) and len(r.operation_logs) == 9
    backup_ids = set(all_ids(data))
    assert {x.extra_info.backup.backup_id for x in r.operation_logs} == backup_ids
    for x in r.operation_logs:
        assert x.operation_type == "backup" and x.vault_id == vault and x.vault_name == "lifecycle"
        assert x.extra_info.backup.incremental in ("true", "false")  # a string (SPEC 6.3)
        assert isinstance(x.extra_info.common.progress, int)
        for name in ("created_at", "started_at", "updated_at", "ended_at"):
            assert h.STORED_TIME.match(getattr(x, name)), (name, getattr(x, name))
    raw = json.loads(r.raw_content)
    assert set(raw) == {"operation_logs", "count", "offset", "limit"}
    assert all(h.json_type(x["extra_info"]["backup"]["incremental"]) == "string" for x in raw["operation_logs"])
    full_ids = {b["id"] for b in data["backups"]["full"]}
    assert {x.extra_info.backup.backup_id for x in r.operation_logs
            if x.extra_info.backup.incremental == "false"} == full_ids

    assert logs(vault_id=vault, operation_type="backup").count == 9
    assert logs(vault_id=vault, operation_type="restore").count == 0
    assert logs(vault_id=vault, status="success").count == 8
    r = logs(vault_id=vault, status="failed")
    assert r.count == 1
    failed = r.operation_logs[0]
    assert failed.extra_info.resource.id == data["failing"] and failed.error_info.code
    assert failed.error_info.message
    assert logs(vault_name="lifecycle", vault_id=vault).count == 9
    assert logs(vault_id=vault, resource_id=data["resources"][0]["id"]).count == 3
    assert logs(vault_id=vault, resource_name="web1").count == 3
    assert logs(vault_id=vault, provider_id=data["backups"]["full"][0]["provider_id"]).count == 9
    assert logs(vault_id=vault, provider_id=h.new_id()).count == 0
    now = dt.datetime.now(dt.timezone.utc)
    assert logs(vault_id=vault, start_time=h.query_time(now - dt.timedelta(hours=36))).count == 6
    assert logs(vault_id=vault, end_time=h.query_time(now - dt.timedelta(hours=36))).count == 3

    # Paging: offset 0 first (as Terraform sends it), until an empty page.
    seen: List[str] = []
    offset = 0
    while True:
        page = logs(vault_id=vault, limit=4, offset=offset)
        assert page.count == 9
        if not page.operation_logs:
            break
        seen += [x.id for x in page.operation_logs]
        offset += len(page.operation_logs)
    assert seen == [x.id for x in logs(vault_id=vault).operation_logs] and len(set(seen)) == 9

    one = logs(vault_id=vault).operation_logs[0]
    shown = client.show_op_log(v1.ShowOpLogRequest(operation_log_id=one.id))
    assert shown.operation_log == one
    assert set(json.loads(shown.raw_content)) == {"operation_log"}
    missing = h.new_id()
    e = sdk_error(sdk, lambda: client.show_op_log(v1.ShowOpLogRequest(operation_log_id=missing)))
    check(e, 404, "BackupService.6500")


# ---------------------------------------------------------------------------
# Parameter errors, read by the SDK


@pytest.mark.parametrize("query, field", [
    ({"limit": 0}, "limit"),
    ({"limit": 1001}, "limit"),
    ({"offset": -1}, "offset"),
    ({"sort": "size:desc"}, "sort"),
    ({"sort": "created_at:up"}, "sort"),
    ({"start_time": "yesterday"}, "start_time"),
    ({"status": ["available", "bogus"]}, "status"),
    ({"checkpoint_id": "not-a-uuid"}, "checkpoint_id"),
    ({"marker": "__missing__"}, "marker"),
])
def test_list_backups_parameter_errors(sdk: Dict[str, Any], v1: Any, client: Any, query: Dict[str, Any],
                                       field: str) -> None:
    query = {k: (h.new_id() if v == "__missing__" else v) for k, v in query.items()}
    e = sdk_error(sdk, lambda: client.list_backups(v1.ListBackupsRequest(**query)))
    check(e, 400, "BackupService.9900")
    assert field in e.error_msg


def test_no_warning_is_swallowed() -> None:
    """The module's filter turns the SDK's warnings into failures."""
    from huaweicloudsdkcore.client import Client

    with pytest.raises(Warning):
        Client._deserialize_data_time("2020-02-21T07:07:25.114+00:00")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Client._deserialize_data_time("2020-02-05T10:38:34.209782").year == 2020


def test_backups_and_tasks_in_progress(v1: Any, client: Any, local: Any) -> None:
    """Backups being made, restored and deleted, and their running tasks,
    parse as the SDK's models (no warning) with the statuses of SPEC 6.3."""
    slow = local(simulate={"backup_ms_per_gb": 3_600_000})
    resources = [h.server_resource(name=n) for n in ("making", "restoring", "deleting")]
    vault = local().create_vault("busy", size_gb=10, resources=resources)["vault"]
    done = local().create_checkpoint(vault["id"], resources=[resources[1]["id"], resources[2]["id"]])["checkpoint"]
    ready = {b["resource_name"]: b for b in local().call("backup.list", {"checkpoint_id": done["id"]})["backups"]}
    slow.create_checkpoint(vault["id"], resources=[resources[0]["id"]])
    job = slow.call("backup.restore", {"backup_id": ready["restoring"]["id"],
                                       "restore": {"server_id": resources[1]["id"]}})["job_id"]
    slow.call("backup.delete", {"backup_id": ready["deleting"]["id"]})

    r = client.list_backups(v1.ListBackupsRequest(vault_id=vault["id"]))
    assert {b.resource_name: b.status for b in r.backups} == {
        "making": "protecting", "restoring": "restoring", "deleting": "deleting"}
    for b in r.backups:
        assert isinstance(b.created_at, dt.datetime) and isinstance(b.updated_at, dt.datetime)
    making = next(b for b in r.backups if b.resource_name == "making")
    assert making.protected_at is None  # not protected yet
    assert client.list_backups(v1.ListBackupsRequest(vault_id=vault["id"], status=["restoring", "deleting"])).count == 2

    running = client.list_op_logs(v1.ListOpLogsRequest(vault_id=vault["id"], status="running"))
    assert sorted(x.operation_type for x in running.operation_logs) == ["backup", "delete", "restore"]
    for x in running.operation_logs:
        assert 0 <= x.extra_info.common.progress < 100 and x.error_info.code == ""
    restore = client.show_op_log(v1.ShowOpLogRequest(operation_log_id=job)).operation_log
    assert (restore.status, restore.operation_type) == ("running", "restore")
    assert restore.extra_info.restore.backup_id == ready["restoring"]["id"]
    raw = json.loads(client.list_op_logs(v1.ListOpLogsRequest(vault_id=vault["id"], status="running")).raw_content)
    for x in raw["operation_logs"]:
        assert h.STORED_TIME.match(x["created_at"]) and h.STORED_TIME.match(x["started_at"])


@pytest.mark.parametrize("name", ["a b", "a+b", "a&b=c", "50%", "x/y?z#w", "nächtlich ☃", "~tilde*'()!",
                                  "semi;colon,comma"])
def test_filters_with_characters_to_encode(v1: Any, client: Any, local: Any, name: str) -> None:
    """The SDK percent-encodes and signs the query; the server reads the
    value back exactly."""
    vault = local().create_vault("chars", size_gb=10, resources=[h.server_resource()])["vault"]
    local().create_checkpoint(vault["id"], name="plain")
    backup = local().call("backup.list", {"vault_id": vault["id"]})["backups"][0]
    updated = client.update_backup(v1.UpdateBackupRequest(
        backup_id=backup["id"], body=v1.BackupUpdateReq(backup=v1.BackupUpdate(name=name))))
    assert updated.backup.name == name
    assert ids_of(client.list_backups(v1.ListBackupsRequest(name=name))) == [backup["id"]]
    assert client.list_op_logs(v1.ListOpLogsRequest(vault_name="chars", resource_name="server")).count == 1
