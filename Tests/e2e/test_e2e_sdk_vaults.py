"""The official Huawei Cloud Python SDK (huaweicloudsdkcbr), signing with
AK/SK, against `ckpt serve`: the vault operations of version 1.1 (SPEC 6.1,
6.4; research 1.8): list_vault (filters, `id` as a list, paging by limit and
offset), update_vault, delete_vault (asynchronous, cascading),
add_vault_resource and remove_vault_resource, with their documented errors,
read as the SDK reads the cloud's answers.

Every warning is a failure here: the SDK warns (TypeConversionWarning) and
keeps the raw value when it cannot read one as its model types it.  The
data is made through libckpt's embedded backend on the server's store;
`ckpt serve` has no simulated durations of its own, so a delete that takes
time is started by an embedded client with `simulate` and watched through
the SDK.
"""

from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Tuple

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

VOLUME = "OS::Cinder::Volume"
SLOW = {"backup_ms_per_gb": 3_600_000}  # an hour per GB: held in progress
WAIT = 30.0


def _import_sdk() -> Dict[str, Any]:
    from huaweicloudsdkcbr import v1
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkcore.http.http_config import HttpConfig
    from huaweicloudsdkcore.http.http_handler import HttpHandler

    return {"v1": v1, "BasicCredentials": BasicCredentials, "ClientRequestException": ClientRequestException,
            "HttpConfig": HttpConfig, "HttpHandler": HttpHandler}


@pytest.fixture(scope="module")
def sdk() -> Dict[str, Any]:
    """The SDK, installed with pip when missing (as test_e2e_sdk.py does)."""
    value, why = h.import_installing("huaweicloudsdkcbr", _import_sdk)
    if value is None:
        pytest.skip(why)
    return value


@pytest.fixture
def v1(sdk: Dict[str, Any]) -> Any:
    return sdk["v1"]


@pytest.fixture
def sent() -> List[Tuple[str, str, int]]:
    """(method, URL, status) of every exchange of `client`, as the SDK's own
    response hook (HttpHandler) sees it."""
    return []


@pytest.fixture
def client(sdk: Dict[str, Any], server: h.Serve, project: str, sent: List[Tuple[str, str, int]]) -> Any:
    """A CbrClient signing with the server's first AK/SK pair."""
    config = sdk["HttpConfig"].get_default_config()
    config.ignore_ssl_verification = True
    config.timeout = (5, 30)

    def record(**kwargs: Any) -> None:
        response = kwargs["response"]
        sent.append((response.request.method, response.request.url, response.status_code))

    return (sdk["v1"].CbrClient.new_builder()
            .with_http_config(config)
            .with_http_handler(sdk["HttpHandler"]().add_response_handler(record))
            .with_credentials(sdk["BasicCredentials"](AK, SK, project))
            .with_endpoints([server.url])
            .build())


def sdk_error(sdk: Dict[str, Any], call: Any) -> Any:
    with pytest.raises(sdk["ClientRequestException"]) as info:
        call()
    return info.value


def check(e: Any, status: int, code: str) -> None:
    assert (e.status_code, e.error_code) == (status, code), str(e)
    assert e.error_msg and h.REQUEST_ID.match(e.request_id or ""), str(e)


def ids_of(response: Any) -> List[str]:
    return [v.id for v in response.vaults]


def volume(name: str = "disk", size: int = 1) -> Dict[str, Any]:
    return {"id": h.new_id(), "type": VOLUME, "name": name, "size": size}


def make_vault(local: Any, name: str, resources: List[Dict[str, Any]], size: int = 100,
               **billing: Any) -> Dict[str, Any]:
    """vault.create through the embedded backend, with billing members."""
    body = {"vault": {"name": name, "billing": {"size": size, **billing}, "resources": resources}}
    return local().call("vault.create", body)["vault"]


def vault_data(local: Any) -> Dict[str, Any]:
    """Five vaults, oldest first: "alpha" (two servers, backed up once: 2 GB
    used), "beta" twice (one server each; the second bound to a policy id),
    "gamma" (empty, replication), and "disks" (a volume, object_type disk).
    Another project has a vault named "alpha" too."""
    servers = [h.server_resource(name=f"web{i}") for i in range(4)]
    disk = volume()
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
    stranger = local(project_id="other" + h.new_id()[:8]).create_vault(
        "alpha", size_gb=10, resources=[h.server_resource()])["vault"]
    newest_first = [vaults[k]["id"] for k in ("disks", "gamma", "beta2", "beta1", "alpha")]
    return {"vaults": vaults, "servers": servers, "disk": disk, "policy_id": policy_id, "stranger": stranger,
            "order": newest_first}


def check_vault_model(v: Any) -> None:
    """A Vault as the SDK parsed it: the typed members of their Python
    types, the nested models of their classes."""
    assert type(v).__name__ == "Vault", v
    assert isinstance(v.id, str) and isinstance(v.name, str) and isinstance(v.project_id, str)
    assert h.STORED_TIME.match(v.created_at), v.created_at  # typed `str` by the SDK
    assert v.enterprise_project_id == "0" and isinstance(v.auto_bind, bool)
    b = v.billing
    assert type(b).__name__ == "Billing", b
    for name in ("allocated", "size", "used"):
        assert isinstance(getattr(b, name), int), (name, getattr(b, name))
    assert b.status in ("available", "lock", "frozen", "deleting", "error") and b.charging_mode == "post_paid"
    assert b.spec_code and b.protect_type in ("backup", "replication", "hybrid")
    assert isinstance(v.resources, list)
    for r in v.resources:
        assert type(r).__name__ == "ResourceResp", r
        assert isinstance(r.size, int) and isinstance(r.backup_size, int) and isinstance(r.backup_count, int)
        assert r.protect_status in ("available", "error", "protecting", "restoring", "removing")
        assert type(r.extra_info).__name__ == "ResourceExtraInfo", r.extra_info
    assert type(v.bind_rules).__name__ == "VaultBindRules", v.bind_rules


def check_vault_raw(raw: Dict[str, Any]) -> None:
    """A Vault on the wire (research 1.8): integers where the typed SDKs
    want them."""
    for name in ("allocated", "size", "used"):
        assert h.json_type(raw["billing"][name]) == "integer", (name, raw["billing"])
    for r in raw["resources"]:
        for name in ("size", "backup_size", "backup_count"):
            assert h.json_type(r[name]) == "integer", (name, r)
        assert h.json_type(r["extra_info"]) == "object", r


def wait_gone(sdk: Dict[str, Any], v1: Any, client: Any, vault_id: str) -> List[str]:
    """Terraform's wait after a delete: show_vault until 404, with
    `available`/`deleting` as pending.  Returns the statuses seen."""
    seen: List[str] = []
    deadline = time.monotonic() + WAIT
    while True:
        try:
            status = client.show_vault(v1.ShowVaultRequest(vault_id=vault_id)).vault.billing.status
        except sdk["ClientRequestException"] as e:
            check(e, 404, "BackupService.6105")
            return seen
        assert status in ("available", "deleting") and time.monotonic() < deadline, (status, seen)
        seen.append(status)
        time.sleep(0.1)


# ---------------------------------------------------------------------------
# list_vault


def test_list_vault_filters(v1: Any, client: Any, local: Any, sent: List[Tuple[str, str, int]]) -> None:
    data = vault_data(local)
    vaults, order = data["vaults"], data["order"]

    def listed(**query: Any) -> Any:
        return client.list_vault(v1.ListVaultRequest(**query))

    r = listed()
    assert (r.count, r.offset, r.limit) == (5, 0, 1000)
    # Newest first; the other project's "alpha" is not there.
    assert ids_of(r) == order and data["stranger"]["id"] not in ids_of(r)
    for v in r.vaults:
        check_vault_model(v)
    raw = json.loads(r.raw_content)
    assert set(raw) == {"vaults", "count", "offset", "limit"}
    for v in raw["vaults"]:
        check_vault_raw(v)
    alpha = next(v for v in r.vaults if v.id == vaults["alpha"]["id"])
    assert alpha.billing.used == 2 and sorted(x.id for x in alpha.resources) == \
        sorted(x["id"] for x in data["servers"][:2])

    # id as a list: the key repeated on the wire, every id counted.
    wanted = [vaults["alpha"]["id"], vaults["gamma"]["id"], h.new_id()]
    r = listed(id=wanted)
    assert r.count == 2 and set(ids_of(r)) == set(wanted[:2])
    assert sent[-1][1].count("id=") == 3, sent[-1]
    r = listed(id=[vaults["disks"]["id"]])
    assert ids_of(r) == [vaults["disks"]["id"]] and r.vaults[0].billing.object_type == "disk"
    assert listed(id=[data["stranger"]["id"]]).count == 0

    # name is an exact match.
    r = listed(name="beta")
    assert r.count == 2 and set(ids_of(r)) == {vaults["beta1"]["id"], vaults["beta2"]["id"]}
    assert listed(name="alpha").count == 1
    assert listed(name="bet").count == 0 and listed(name="BETA").count == 0

    # object_type, protect_type, cloud_type.
    assert ids_of(listed(object_type="disk")) == [vaults["disks"]["id"]]
    assert listed(object_type="server").count == 4 and listed(object_type="turbo").count == 0
    assert ids_of(listed(protect_type="replication")) == [vaults["gamma"]["id"]]
    assert listed(protect_type="backup").count == 4
    assert listed(cloud_type="public").count == 5 and listed(cloud_type="hybrid").count == 0
    r = listed(object_type="server", protect_type="backup", name="beta")
    assert set(ids_of(r)) == {vaults["beta1"]["id"], vaults["beta2"]["id"]}

    # policy_id, resource_ids (comma-separated: vaults holding any of them),
    # status, and enterprise_project_id (accepted, no effect).
    assert ids_of(listed(policy_id=data["policy_id"])) == [vaults["beta2"]["id"]]
    assert listed(policy_id=h.new_id()).count == 0
    servers = data["servers"]
    r = listed(resource_ids=f"{servers[0]['id']},{servers[3]['id']},{data['disk']['id']}")
    assert set(ids_of(r)) == {vaults["alpha"]["id"], vaults["beta2"]["id"], vaults["disks"]["id"]}
    assert ids_of(listed(resource_ids=servers[1]["id"])) == [vaults["alpha"]["id"]]
    assert listed(resource_ids=h.new_id()).count == 0
    assert listed(status="available").count == 5
    local().set_vault_status(vaults["gamma"]["id"], "lock")
    r = listed(status="lock")
    assert ids_of(r) == [vaults["gamma"]["id"]] and r.vaults[0].billing.status == "lock"
    assert listed(status="available").count == 4
    assert ids_of(listed(enterprise_project_id="0")) == ids_of(listed()) == order
    assert listed(enterprise_project_id="all_granted_eps", name="alpha").count == 1


def test_list_vault_paging(sdk: Dict[str, Any], v1: Any, client: Any, local: Any) -> None:
    data = vault_data(local)
    order = data["order"]

    # By offset, until an empty page: count is the total on every page.
    pages = []
    offset = 0
    while True:
        r = client.list_vault(v1.ListVaultRequest(limit=2, offset=offset))
        assert (r.count, r.offset, r.limit) == (5, offset, 2)
        if not r.vaults:
            break
        pages.append(ids_of(r))
        offset += len(r.vaults)
    assert [len(p) for p in pages] == [2, 2, 1]
    assert sum(pages, []) == order and len(set(sum(pages, []))) == 5
    r = client.list_vault(v1.ListVaultRequest(limit=2, offset=500))
    assert (r.vaults, r.count) == ([], 5)

    # With filters: count is the total of the matches, not the page.
    several = [data["vaults"][k]["id"] for k in ("alpha", "beta1", "beta2", "gamma")]
    r = client.list_vault(v1.ListVaultRequest(id=several, limit=1, offset=2))
    assert (r.count, len(r.vaults)) == (4, 1) and ids_of(r) == [x for x in order if x in several][2:3]
    r = client.list_vault(v1.ListVaultRequest(name="beta", limit=1, offset=1))
    assert r.count == 2 and ids_of(r) == [data["vaults"]["beta1"]["id"]]

    for query, field in (({"limit": 0}, "limit"), ({"limit": 1001}, "limit"), ({"offset": -1}, "offset"),
                         ({"id": ["not-a-uuid"]}, "id"), ({"object_type": "cake"}, "object_type"),
                         ({"status": "gone"}, "status"), ({"resource_ids": "a,b"}, "resource_ids")):
        e = sdk_error(sdk, lambda: client.list_vault(v1.ListVaultRequest(**query)))
        check(e, 400, "BackupService.9900")
        assert field in e.error_msg, (query, e.error_msg)


# ---------------------------------------------------------------------------
# update_vault


def test_update_vault(sdk: Dict[str, Any], v1: Any, client: Any, local: Any) -> None:
    data = vault_data(local)
    alpha = data["vaults"]["alpha"]

    def update(vault_id: str, **fields: Any) -> Any:
        return client.update_vault(v1.UpdateVaultRequest(vault_id=vault_id,
                                                         body=v1.VaultUpdateReq(vault=v1.VaultUpdate(**fields))))

    r = update(alpha["id"], name="alpha-renamed", billing=v1.BillingUpdate(size=200))
    check_vault_model(r.vault)
    assert (r.vault.id, r.vault.name, r.vault.billing.size) == (alpha["id"], "alpha-renamed", 200)
    assert r.vault.billing.used == 2 and len(r.vault.resources) == 2
    raw = json.loads(r.raw_content)
    assert set(raw) == {"vault"}
    check_vault_raw(raw["vault"])
    shown = client.show_vault(v1.ShowVaultRequest(vault_id=alpha["id"]))
    assert shown.vault == r.vault and json.loads(shown.raw_content) == raw
    assert ids_of(client.list_vault(v1.ListVaultRequest(name="alpha-renamed"))) == [alpha["id"]]
    assert client.list_vault(v1.ListVaultRequest(name="alpha")).count == 0
    assert local().get_vault(alpha["id"])["vault"]["billing"]["size"] == 200
    # Every member but the name and the size is unchanged.
    before = {k: v for k, v in alpha.items() if k not in ("name", "billing", "resources")}
    after = {k: v for k, v in raw["vault"].items() if k not in ("name", "billing", "resources")}
    assert after == before
    assert {k: v for k, v in raw["vault"]["billing"].items() if k not in ("size", "used")} == \
        {k: v for k, v in alpha["billing"].items() if k not in ("size", "used")}

    # Only what is given changes; the documented switches, as the SDK types them.
    r = update(alpha["id"], billing=v1.BillingUpdate(consistent_level="app_consistent"), auto_bind=True,
               auto_expand=True, smn_notify=False, threshold=70,
               bind_rules=v1.VaultBindRules(tags=[v1.BindRulesTags(key="env", value="prod")]))
    v = r.vault
    check_vault_model(v)
    assert (v.name, v.billing.size, v.billing.consistent_level) == ("alpha-renamed", 200, "app_consistent")
    assert (v.auto_bind, v.auto_expand, v.smn_notify, v.threshold) == (True, True, False, 70)
    assert [(t.key, t.value) for t in v.bind_rules.tags] == [("env", "prod")]
    assert client.show_vault(v1.ShowVaultRequest(vault_id=alpha["id"])).vault == v
    r = update(alpha["id"], locked=True)
    assert r.vault.locked is True and r.vault.threshold == 70

    # The size may come down to what the vault uses, not below.
    assert update(alpha["id"], billing=v1.BillingUpdate(size=2)).vault.billing.size == 2
    e = sdk_error(sdk, lambda: update(alpha["id"], billing=v1.BillingUpdate(size=1)))
    check(e, 400, "BackupService.9900")
    assert "billing.size" in e.error_msg
    assert client.show_vault(v1.ShowVaultRequest(vault_id=alpha["id"])).vault.billing.size == 2
    # An empty vault's capacity may go down to 1 GB.
    assert update(data["vaults"]["gamma"]["id"], billing=v1.BillingUpdate(size=1)).vault.billing.size == 1

    # Schema violations, and a vault that does not exist (or is another project's).
    for fields, field in (({"threshold": 0}, "threshold"), ({"billing": v1.BillingUpdate(size=0)}, "size"),
                          ({"name": "x" * 65}, "name"),
                          ({"billing": v1.BillingUpdate(consistent_level="eventually")}, "consistent_level")):
        e = sdk_error(sdk, lambda: update(alpha["id"], **fields))
        check(e, 400, "BackupService.9900")
        assert field in e.error_msg, (fields, e.error_msg)
    for missing in (h.new_id(), data["stranger"]["id"]):
        e = sdk_error(sdk, lambda: update(missing, name="x"))
        check(e, 404, "BackupService.6105")
        assert missing in e.error_msg
    assert local(project_id=data["stranger"]["project_id"]).get_vault(data["stranger"]["id"])["vault"]["name"] == \
        "alpha"


# ---------------------------------------------------------------------------
# delete_vault


def test_delete_vault(sdk: Dict[str, Any], v1: Any, client: Any, local: Any) -> None:
    data = vault_data(local)
    alpha = data["vaults"]["alpha"]
    checkpoint = local().call("backup.list", {"vault_id": alpha["id"]})["backups"][0]["checkpoint_id"]
    assert client.list_backups(v1.ListBackupsRequest(vault_id=alpha["id"])).count == 2

    deleted = client.delete_vault(v1.DeleteVaultRequest(vault_id=alpha["id"]))
    assert deleted.status_code == 204 and not deleted.raw_content
    assert wait_gone(sdk, v1, client, alpha["id"]) == []  # no simulated duration on the server: gone at once
    # Its backups and checkpoint went with it; the other vaults stay.
    assert client.list_backups(v1.ListBackupsRequest(vault_id=alpha["id"])).count == 0
    check(sdk_error(sdk, lambda: client.show_checkpoint(v1.ShowCheckpointRequest(checkpoint_id=checkpoint))),
          404, "BackupService.6217")
    r = client.list_vault(v1.ListVaultRequest())
    assert ids_of(r) == [x for x in data["order"] if x != alpha["id"]] and r.count == 4
    assert client.list_vault(v1.ListVaultRequest(id=[alpha["id"]])).count == 0
    # Its vault_delete task is the only trace left, and the SDK reads it.
    logs = client.list_op_logs(v1.ListOpLogsRequest(vault_id=alpha["id"]))
    assert logs.count == 1
    log = logs.operation_logs[0]
    assert (log.operation_type, log.status, log.vault_id, log.vault_name) == \
        ("vault_delete", "success", alpha["id"], "alpha")
    assert (log.extra_info.vault_delete.total_count, log.extra_info.vault_delete.fail_count) == (2, 0)
    assert log.extra_info.common.progress == 100 and log.error_info.code == ""
    assert client.show_op_log(v1.ShowOpLogRequest(operation_log_id=log.id)).operation_log == log
    # The resources it held are free to bind elsewhere.
    added = client.add_vault_resource(v1.AddVaultResourceRequest(
        vault_id=data["vaults"]["gamma"]["id"], body=v1.VaultAddResourceReq(resources=[
            v1.ResourceCreate(id=data["servers"][0]["id"], type=h.SERVER, name="web0")])))
    assert added.add_resource_ids == [data["servers"][0]["id"]]

    # Deleting it again, one never made, another project's: 404 6105.
    for missing in (alpha["id"], h.new_id(), data["stranger"]["id"]):
        e = sdk_error(sdk, lambda: client.delete_vault(v1.DeleteVaultRequest(vault_id=missing)))
        check(e, 404, "BackupService.6105")
    assert local(project_id=data["stranger"]["project_id"]).get_vault(data["stranger"]["id"])["vault"]
    e = sdk_error(sdk, lambda: client.delete_vault(v1.DeleteVaultRequest(vault_id="not-a-uuid")))
    check(e, 400, "BackupService.9900")


def test_delete_vault_takes_time(sdk: Dict[str, Any], v1: Any, client: Any, local: Any) -> None:
    """A delete with a simulated duration (started by an embedded client):
    billing.status reads `deleting`, then show_vault is 404."""
    data = vault_data(local)
    alpha = data["vaults"]["alpha"]
    local(simulate={"backup_ms_per_gb": 1000}).delete_vault(alpha["id"])  # 2 GB used: 2 s

    shown = client.show_vault(v1.ShowVaultRequest(vault_id=alpha["id"])).vault
    check_vault_model(shown)
    assert shown.billing.status == "deleting"
    assert ids_of(client.list_vault(v1.ListVaultRequest(status="deleting"))) == [alpha["id"]]
    running = client.list_op_logs(v1.ListOpLogsRequest(vault_id=alpha["id"], operation_type="vault_delete"))
    assert running.count == 1 and running.operation_logs[0].status == "running"
    assert 0 <= running.operation_logs[0].extra_info.common.progress < 100
    # Deleting a vault that is being deleted changes nothing.
    assert client.delete_vault(v1.DeleteVaultRequest(vault_id=alpha["id"])).status_code == 204

    seen = wait_gone(sdk, v1, client, alpha["id"])
    assert seen and set(seen) == {"deleting"}, seen
    logs = client.list_op_logs(v1.ListOpLogsRequest(vault_id=alpha["id"]))
    assert [(x.operation_type, x.status) for x in logs.operation_logs] == [("vault_delete", "success")]
    assert logs.operation_logs[0].id == running.operation_logs[0].id
    assert client.list_backups(v1.ListBackupsRequest(vault_id=alpha["id"])).count == 0


def test_delete_vault_with_a_backup_in_progress(sdk: Dict[str, Any], v1: Any, client: Any, local: Any) -> None:
    data = vault_data(local)
    beta = data["vaults"]["beta1"]
    local(simulate=SLOW).create_checkpoint(beta["id"])
    e = sdk_error(sdk, lambda: client.delete_vault(v1.DeleteVaultRequest(vault_id=beta["id"])))
    check(e, 400, "BackupService.6203")
    shown = client.show_vault(v1.ShowVaultRequest(vault_id=beta["id"])).vault
    assert shown.billing.status == "available"
    assert client.list_op_logs(v1.ListOpLogsRequest(vault_id=beta["id"], operation_type="vault_delete")).count == 0
    # A vault that holds finished backups is no error (alpha).
    assert client.delete_vault(v1.DeleteVaultRequest(vault_id=data["vaults"]["alpha"]["id"])).status_code == 204


# ---------------------------------------------------------------------------
# add_vault_resource, remove_vault_resource


def test_add_and_remove_vault_resource(sdk: Dict[str, Any], v1: Any, client: Any, local: Any) -> None:
    data = vault_data(local)
    gamma, alpha = data["vaults"]["gamma"], data["vaults"]["alpha"]
    new = [h.new_id(), h.new_id()]
    excluded = h.new_id()

    def add(vault_id: str, *resources: Any) -> Any:
        return client.add_vault_resource(v1.AddVaultResourceRequest(
            vault_id=vault_id, body=v1.VaultAddResourceReq(resources=list(resources))))

    def remove(vault_id: str, *resource_ids: str) -> Any:
        return client.remove_vault_resource(v1.RemoveVaultResourceRequest(
            vault_id=vault_id, body=v1.VaultRemoveResourceReq(resource_ids=list(resource_ids))))

    r = add(gamma["id"],
            v1.ResourceCreate(id=new[0], type=h.SERVER, name="app0",
                              extra_info=v1.ResourceExtraInfo(exclude_volumes=[excluded])),
            v1.ResourceCreate(id=new[1], type=h.SERVER))
    assert r.status_code == 200 and r.add_resource_ids == new
    assert json.loads(r.raw_content) == {"add_resource_ids": new}
    shown = client.show_vault(v1.ShowVaultRequest(vault_id=gamma["id"])).vault
    check_vault_model(shown)
    assert [x.id for x in shown.resources] == new
    first = shown.resources[0]
    assert (first.name, first.type, first.protect_status, first.backup_count) == ("app0", h.SERVER, "available", 0)
    assert first.extra_info.exclude_volumes == [excluded]
    assert ids_of(client.list_vault(v1.ListVaultRequest(resource_ids=new[1]))) == [gamma["id"]]

    # Already in this vault (6104), in another vault of the project (6103).
    e = sdk_error(sdk, lambda: add(gamma["id"], v1.ResourceCreate(id=new[0], type=h.SERVER)))
    check(e, 400, "BackupService.6104")
    assert new[0] in e.error_msg
    e = sdk_error(sdk, lambda: add(gamma["id"], v1.ResourceCreate(id=data["servers"][0]["id"], type=h.SERVER)))
    check(e, 400, "BackupService.6103")
    assert data["servers"][0]["id"] in e.error_msg
    # Nothing of a refused request is bound.
    fresh = h.new_id()
    check(sdk_error(sdk, lambda: add(gamma["id"], v1.ResourceCreate(id=fresh, type=h.SERVER),
                                     v1.ResourceCreate(id=new[1], type=h.SERVER))), 400, "BackupService.6104")
    assert [x.id for x in client.show_vault(v1.ShowVaultRequest(vault_id=gamma["id"])).vault.resources] == new
    check(sdk_error(sdk, lambda: add(h.new_id(), v1.ResourceCreate(id=fresh, type=h.SERVER))),
          404, "BackupService.6105")
    check(sdk_error(sdk, lambda: add(gamma["id"], v1.ResourceCreate(id=fresh, type="OS::Heat::Stack"))),
          400, "BackupService.9900")
    check(sdk_error(sdk, lambda: add(gamma["id"])), 400, "BackupService.9900")

    # remove: answers remove_resource_ids; the resource's backups stay.
    web1 = data["servers"][1]["id"]
    r = remove(alpha["id"], web1)
    assert r.status_code == 200 and r.remove_resource_ids == [web1]
    assert json.loads(r.raw_content) == {"remove_resource_ids": [web1]}
    shown = client.show_vault(v1.ShowVaultRequest(vault_id=alpha["id"])).vault
    assert [x.id for x in shown.resources] == [data["servers"][0]["id"]]
    assert client.list_backups(v1.ListBackupsRequest(vault_id=alpha["id"], resource_id=web1)).count == 1
    logs = client.list_op_logs(v1.ListOpLogsRequest(vault_id=alpha["id"], operation_type="remove_resource"))
    assert logs.count == 1
    assert (logs.operation_logs[0].status, logs.operation_logs[0].extra_info.resource.id) == ("success", web1)
    assert logs.operation_logs[0].extra_info.resource.name == "web1"
    # The SDK's model of what a remove removed (OpExtendInfoRemoveResources).
    removed = logs.operation_logs[0].extra_info.remove_resources
    assert (removed.fail_count, removed.total_count) == (0, 1)
    assert [(x.id, x.name, x.type) for x in removed.resources] == [(web1, "web1", h.SERVER)]
    assert remove(gamma["id"], *new).remove_resource_ids == new
    assert client.show_vault(v1.ShowVaultRequest(vault_id=gamma["id"])).vault.resources == []

    # Not in the vault (6135): removed already, never there, in another vault.
    for missing in (web1, h.new_id(), data["servers"][2]["id"]):
        e = sdk_error(sdk, lambda: remove(alpha["id"], missing))
        check(e, 400, "BackupService.6135")
        assert missing in e.error_msg
    check(sdk_error(sdk, lambda: remove(h.new_id(), web1)), 404, "BackupService.6105")
    check(sdk_error(sdk, lambda: remove(alpha["id"])), 400, "BackupService.9900")
    # Once removed, it may be bound to another vault.
    assert add(gamma["id"], v1.ResourceCreate(id=web1, type=h.SERVER)).add_resource_ids == [web1]

    # Being backed up (6134).
    beta = data["vaults"]["beta1"]
    local(simulate=SLOW).create_checkpoint(beta["id"])
    busy = data["servers"][2]["id"]
    e = sdk_error(sdk, lambda: remove(beta["id"], busy))
    check(e, 400, "BackupService.6134")
    assert [x.id for x in client.show_vault(v1.ShowVaultRequest(vault_id=beta["id"])).vault.resources] == [busy]
