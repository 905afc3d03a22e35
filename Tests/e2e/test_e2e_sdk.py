"""The official Huawei Cloud Python SDK (huaweicloudsdkcbr) against
`ckpt serve --ak AK --sk SK`: it signs with SDK-HMAC-SHA256 as the cloud
expects, and reads our answers and error bodies as it reads the cloud's.

The SDK is installed with pip when missing; the module is skipped (with the
reason) only when pip cannot install it.
"""

from __future__ import annotations

import time
from typing import Any, Dict

import pytest

import e2e_helpers as h
from e2e_helpers import AK, AK2, SECURITY_TOKEN, SK, SK2


def _import_sdk() -> Dict[str, Any]:
    from huaweicloudsdkcbr import v1
    from huaweicloudsdkcore.auth.credentials import BasicCredentials
    from huaweicloudsdkcore.exceptions.exceptions import ClientRequestException
    from huaweicloudsdkcore.http.http_config import HttpConfig

    return {"v1": v1, "BasicCredentials": BasicCredentials, "ClientRequestException": ClientRequestException,
            "HttpConfig": HttpConfig}


@pytest.fixture(scope="module")
def sdk() -> Dict[str, Any]:
    value, why = h.import_installing("huaweicloudsdkcbr", _import_sdk)
    if value is None:
        pytest.skip(why)
    return value


def cbr_client(sdk: Dict[str, Any], server: h.Serve, project: str, ak: str = AK, sk: str = SK,
               security_token: str = "") -> Any:
    config = sdk["HttpConfig"].get_default_config()
    config.ignore_ssl_verification = True
    config.timeout = (5, 30)
    credentials = sdk["BasicCredentials"](ak, sk, project)
    if security_token:
        credentials = credentials.with_security_token(security_token)
    return (sdk["v1"].CbrClient.new_builder()
            .with_http_config(config)
            .with_credentials(credentials)
            .with_endpoints([server.url])
            .build())


def sdk_vault(sdk: Dict[str, Any], client: Any, resource_id: str, size: int = 10) -> Any:
    v1 = sdk["v1"]
    body = v1.VaultCreateReq(vault=v1.VaultCreate(
        name="sdk-vault",
        billing=v1.BillingCreate(cloud_type="public", consistent_level="crash_consistent", object_type="server",
                                 protect_type="backup", size=size),
        resources=[v1.ResourceCreate(id=resource_id, type=h.SERVER, name="sdk-server")],
    ))
    return client.create_vault(v1.CreateVaultRequest(body=body)).vault


def sdk_checkpoint(sdk: Dict[str, Any], client: Any, vault_id: str, **parameters: Any) -> Any:
    v1 = sdk["v1"]
    backup = v1.VaultBackup(vault_id=vault_id,
                            parameters=v1.CheckpointParam(**parameters) if parameters else None)
    return client.create_checkpoint(v1.CreateCheckpointRequest(body=v1.VaultBackupReq(checkpoint=backup))).checkpoint


def show_checkpoint(sdk: Dict[str, Any], client: Any, checkpoint_id: str) -> Any:
    v1 = sdk["v1"]
    return client.show_checkpoint(v1.ShowCheckpointRequest(checkpoint_id=checkpoint_id)).checkpoint


def sdk_error(sdk: Dict[str, Any], call: Any) -> Any:
    with pytest.raises(sdk["ClientRequestException"]) as info:
        call()
    return info.value


def check(e: Any, status: int, code: str) -> None:
    assert (e.status_code, e.error_code) == (status, code), str(e)
    assert e.error_msg and h.REQUEST_ID.match(e.request_id or ""), str(e)


@pytest.mark.parametrize("pair", ["first", "second", "security-token"])
def test_vault_checkpoint_round_trip(sdk: Dict[str, Any], server: h.Serve, project: str, local: Any,
                                     pair: str) -> None:
    ak, sk = (AK2, SK2) if pair == "second" else (AK, SK)
    client = cbr_client(sdk, server, project, ak, sk, SECURITY_TOKEN if pair == "security-token" else "")
    resource = h.new_id()
    vault = sdk_vault(sdk, client, resource)
    assert vault.name == "sdk-vault" and vault.billing.size == 10 and vault.billing.status == "available"
    shown = client.show_vault(sdk["v1"].ShowVaultRequest(vault_id=vault.id)).vault
    assert shown.id == vault.id and [r.id for r in shown.resources] == [resource]

    created = sdk_checkpoint(sdk, client, vault.id, name="sdk-backup", description="from the SDK",
                             incremental=False, resources=[resource])
    assert created.status == "protecting" and created.vault.id == vault.id
    assert [r.id for r in created.vault.resources] == [resource]
    assert created.extra_info.name == "sdk-backup"

    deadline = time.monotonic() + 20
    got = show_checkpoint(sdk, client, created.id)
    while got.status != "available" and time.monotonic() < deadline:
        time.sleep(0.1)
        got = show_checkpoint(sdk, client, created.id)
    assert got.status == "available" and got.id == created.id
    assert got.created_at == created.created_at and got.project_id == project
    # libckpt's embedded view of the same store sees the same checkpoint.
    mine = local().get_checkpoint(created.id)["checkpoint"]
    assert (mine["id"], mine["status"], mine["created_at"]) == (got.id, got.status, got.created_at)


def test_vault_made_by_libckpt_backed_up_by_the_sdk(sdk: Dict[str, Any], server: h.Serve, project: str,
                                                     local: Any) -> None:
    vault = local().create_vault("made-locally", size_gb=5, resources=[h.server_resource()])["vault"]
    client = cbr_client(sdk, server, project)
    created = sdk_checkpoint(sdk, client, vault["id"])
    assert created.vault.id == vault["id"]
    assert local().get_checkpoint(created.id)["checkpoint"]["id"] == created.id


def test_documented_errors(sdk: Dict[str, Any], server: h.Serve, project: str, local: Any) -> None:
    client = cbr_client(sdk, server, project)
    missing = h.new_id()
    e = sdk_error(sdk, lambda: sdk_checkpoint(sdk, client, missing))
    check(e, 400, "BackupService.6105")
    assert missing in e.error_msg

    resource = h.new_id()
    vault = sdk_vault(sdk, client, resource)
    e = sdk_error(sdk, lambda: sdk_checkpoint(sdk, client, vault.id, resources=[h.new_id()]))
    check(e, 400, "BackupService.9900")

    local().set_vault_status(vault.id, "lock")
    check(sdk_error(sdk, lambda: sdk_checkpoint(sdk, client, vault.id)), 400, "BackupService.6113")
    local().set_vault_status(vault.id, "available")

    local(simulate={"backup_ms_per_gb": 3600000}).create_checkpoint(vault.id)
    check(sdk_error(sdk, lambda: sdk_checkpoint(sdk, client, vault.id)), 400, "BackupService.1001")

    e = sdk_error(sdk, lambda: show_checkpoint(sdk, client, h.new_id()))
    check(e, 404, "BackupService.6217")
    e = sdk_error(sdk, lambda: client.show_vault(sdk["v1"].ShowVaultRequest(vault_id=missing)))
    check(e, 404, "BackupService.6105")


def test_bad_credentials(sdk: Dict[str, Any], server: h.Serve, project: str) -> None:
    for ak, sk in ((AK, "wrong-" + SK), (AK, SK2), ("AKUNKNOWN", SK)):
        client = cbr_client(sdk, server, project, ak, sk)
        e = sdk_error(sdk, lambda: show_checkpoint(sdk, client, h.new_id()))
        check(e, 401, "APIGW.0301")
        assert SK not in e.error_msg and SK2 not in e.error_msg


def test_projects_are_isolated(sdk: Dict[str, Any], server: h.Serve, project: str) -> None:
    a = cbr_client(sdk, server, project + "a")
    b = cbr_client(sdk, server, project + "b")
    vault = sdk_vault(sdk, a, h.new_id())
    cp = sdk_checkpoint(sdk, a, vault.id)
    check(sdk_error(sdk, lambda: show_checkpoint(sdk, b, cp.id)), 404, "BackupService.6217")
    assert show_checkpoint(sdk, a, cp.id).id == cp.id
