"""`ckpt serve` at the HTTP level: routes, request ids, bodies, project ids,
SDK-HMAC-SHA256 verification, start-up failures and graceful shutdown."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import time
from datetime import datetime, timedelta, timezone
from typing import Any, Dict

import pytest

import e2e_helpers as h
from e2e_helpers import AK, AK2, SECURITY_TOKEN, SK, SK2, TOKEN, TOKEN2

VAULT_BODY = {"vault": {"name": "v", "billing": {"size": 10}, "resources": [h.server_resource()]}}


def service_error(a: h.Answer, status: int, code: str) -> Dict[str, Any]:
    assert a.status == status, a
    assert a.headers.get("content-type", "").startswith("application/json"), a
    body = a.json
    assert body["error_code"] == code, a
    assert isinstance(body["error_msg"], str) and body["error_msg"], a
    assert a.request_id and h.REQUEST_ID.match(a.request_id), a
    return body


def token(extra: Dict[str, str] = {}) -> Dict[str, str]:  # noqa: B006 - read only
    return {"X-Auth-Token": TOKEN, "Content-Type": "application/json", **extra}


# ---------------------------------------------------------------------------
# Routes and request ids


def test_request_id_on_every_response(server: h.Serve, project: str) -> None:
    ok = h.request(server.port, "POST", f"/v3/{project}/vaults", h.json_body(VAULT_BODY), token())
    assert ok.status == 200 and "vault" in ok.json
    vault_id = ok.json["vault"]["id"]
    got = h.request(server.port, "GET", f"/v3/{project}/vaults/{vault_id}", None, token())
    assert got.json == ok.json
    answers = [
        ok,
        got,
        h.request(server.port, "GET", f"/v3/{project}/checkpoints/{h.new_id()}", None, token()),
        h.request(server.port, "GET", "/v3/nope", None, token()),
        h.request(server.port, "GET", "/", None, token()),
        h.request(server.port, "DELETE", f"/v3/{project}/policies/{h.new_id()}", None, token()),
        h.request(server.port, "GET", f"/v3/{project}/vaults", None, {}),
    ]
    ids = [a.request_id for a in answers]
    assert all(i and h.REQUEST_ID.match(i) for i in ids), answers
    assert len(set(ids)) == len(ids)
    service_error(answers[2], 404, "BackupService.6217")
    for unknown in answers[3:5]:
        assert service_error(unknown, 404, "APIGW.0101")["request_id"] == unknown.request_id
    # A path of the real service that the emulator does not serve (SPEC 6.7).
    assert service_error(answers[5], 501, "APIGW.0101")["request_id"] == answers[5].request_id
    service_error(answers[6], 401, "APIGW.0301")


def operation_table(ckpt_bin: str) -> Dict[str, Any]:
    out = subprocess.run([ckpt_bin, "operations"], capture_output=True, text=True, timeout=60, check=True)
    return json.loads(out.stdout)


def test_every_unserved_path_of_the_service_answers_501(server: h.Serve, project: str, ckpt_bin: str) -> None:
    """openstacksdk's delete_vault ignores a 404: a path the real service has
    must never read as "not found" here (SPEC 6.7)."""
    table = operation_table(ckpt_bin)
    assert len(table["unserved"]) >= 40
    for u in table["unserved"]:
        path = u["path"].replace("{project_id}", project).replace("{provider_id}", h.CSBS_PROVIDER_ID)
        path = path.replace("{", "x-").replace("}", "")
        body = h.json_body({}) if u["method"] in ("POST", "PUT") else None
        a = h.request(server.port, u["method"], path, body, token())
        e = service_error(a, 501, "APIGW.0101")
        assert "not implemented by this emulator" in e["error_msg"], (u, e)


def test_every_served_route_is_routed(server: h.Serve, project: str, ckpt_bin: str) -> None:
    """Each operation of the table reaches its handler: a request with an
    unknown id is a documented error of the operation, not a routing one."""
    for op in operation_table(ckpt_bin)["operations"]:
        if op["kind"] != "service":
            continue
        path = op["path"].replace("{project_id}", project).replace("{provider_id}", h.CSBS_PROVIDER_ID)
        while "{" in path:
            path = path[:path.index("{")] + h.new_id() + path[path.index("}") + 1:]
        body = h.json_body({}) if op["method"] in ("POST", "PUT") else None
        a = h.request(server.port, op["method"], path, body, token())
        assert a.request_id and a.json.get("error_code") != "APIGW.0101", (op["name"], a)
        # An unknown id is the operation's own 400 or 404; a list answers.
        assert a.status in ((200,) if op["name"].endswith("list") else (400, 404)), (op["name"], a)


def test_path_parameters_join_the_request(server: h.Serve, project: str) -> None:
    policy = h.request(server.port, "POST", f"/v1/{project}/policies",
                       h.json_body({"policy": {"name": "p", "resources": [h.server_resource()]}}), token())
    assert policy.status == 200, policy
    plan = policy.json["policy"]["id"]
    run = h.request(server.port, "POST", f"/v1/{project}/providers/{h.CSBS_PROVIDER_ID}/checkpoints",
                    h.json_body({"checkpoint": {"plan_id": plan, "parameters": {}}}), token())
    assert run.status == 200, run
    cp = run.json["checkpoint"]["id"]
    # Ids in any case and percent-encoded path segments are read as the
    # library reads them.
    upper = cp.upper().replace("-", "%2D")
    got = h.request(server.port, "GET", f"/v1/{project}/providers/{h.CSBS_PROVIDER_ID}/checkpoints/{upper}",
                    None, token())
    assert got.status == 200 and got.json["checkpoint"]["id"] == cp, got
    other = h.request(server.port, "POST", f"/v1/{project}/providers/{h.new_id()}/checkpoints",
                      h.json_body({"checkpoint": {"plan_id": plan, "parameters": {}}}), token())
    assert "provider" in service_error(other, 400, "CSBS.9001")["error_msg"]
    bad_id = h.request(server.port, "GET", f"/v3/{project}/checkpoints/not-a-uuid", None, token())
    assert "checkpoint_id" in service_error(bad_id, 400, "BackupService.9900")["error_msg"]


# ---------------------------------------------------------------------------
# Bodies


@pytest.mark.parametrize("body, field", [
    (b"{not json", "request body"),
    (b"[1, 2]", "request body"),
    (b'{"checkpoint": {"vault_id": "%s", "parameters": {"incremental": "yes"}}}' % h.new_id().encode(),
     "checkpoint.parameters.incremental"),
    (b'{"checkpoint": {"vault_id": "%s", "parameters": {"incremantal": true}}}' % h.new_id().encode(),
     "incremantal"),
    (b'{"checkpoint": {"vault_id": "%s", "parameters": {"name": null}}}' % h.new_id().encode(),
     "checkpoint.parameters.name"),
    (b"", "checkpoint"),
    (b'{"checkpoint": {}, "checkpoint": {}}', "request body"),
    (b'{"a": "\xff"}', "request body"),
])
def test_9900_from_the_server(server: h.Serve, project: str, body: bytes, field: str) -> None:
    a = h.request(server.port, "POST", f"/v3/{project}/checkpoints", body, token())
    assert field in service_error(a, 400, "BackupService.9900")["error_msg"]


def test_v1_schema_errors_are_csbs_9001(server: h.Serve, project: str) -> None:
    a = h.request(server.port, "POST", f"/v1/{project}/policies", b'{"policy": {"name": 5}}', token())
    assert "policy.name" in service_error(a, 400, "CSBS.9001")["error_msg"]


def test_explicit_false_survives(server: h.Serve, project: str) -> None:
    vault = h.request(server.port, "POST", f"/v3/{project}/vaults", h.json_body(VAULT_BODY), token()).json["vault"]
    body = {"checkpoint": {"vault_id": vault["id"], "parameters": {"incremental": False, "auto_trigger": False}}}
    a = h.request(server.port, "POST", f"/v3/{project}/checkpoints", h.json_body(body), token())
    assert a.status == 200 and a.json["checkpoint"]["status"] == "protecting", a


def test_oversized_body(server: h.Serve, project: str) -> None:
    big = b'{"pad": "' + b"x" * (1024 * 1024) + b'"}'
    a = h.request(server.port, "POST", f"/v3/{project}/checkpoints", big, token())
    # 413, as API Gateway answers a body over its limit.
    assert "1048576" in service_error(a, 413, "APIGW.0201")["error_msg"]
    # Chunked, with no Content-Length to refuse it early.
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=h.HTTP_TIMEOUT)
    try:
        chunks = (b"x" * 65536 for _ in range(20))
        conn.request("POST", f"/v1/{project}/policies", body=chunks, headers=token(), encode_chunked=True)
        r = conn.getresponse()
        data = r.read()
    finally:
        conn.close()
    assert r.status == 413 and json.loads(data)["error_code"] == "APIGW.0201"
    assert h.REQUEST_ID.match(r.getheader("X-Request-Id") or "")
    # The server is still fine.
    ok = h.request(server.port, "POST", f"/v3/{project}/vaults", h.json_body(VAULT_BODY), token())
    assert ok.status == 200


@pytest.mark.parametrize("bad", ["bad.project", "a%20b", "x" * 65, "%C3%A9t%C3%A9", "p%2Fq"])
def test_project_id_characters(server: h.Serve, bad: str) -> None:
    a = h.request(server.port, "GET", f"/v3/{bad}/checkpoints/{h.new_id()}", None, token())
    assert "project_id" in service_error(a, 400, "BackupService.9900")["error_msg"]
    a = h.request(server.port, "GET", f"/v1/{bad}/policies/{h.new_id()}", None, token())
    service_error(a, 400, "CSBS.9001")


# ---------------------------------------------------------------------------
# Authentication


def test_tokens(server: h.Serve, project: str) -> None:
    path = f"/v3/{project}/checkpoints/{h.new_id()}"
    for t in (TOKEN, TOKEN2):
        service_error(h.request(server.port, "GET", path, None, {"X-Auth-Token": t}), 404, "BackupService.6217")
    for headers in ({}, {"X-Auth-Token": ""}, {"X-Auth-Token": TOKEN + "x"}, {"X-Auth-Token": TOKEN[:-1]},
                    {"X-Auth-Token": SK}):
        a = h.request(server.port, "GET", path, None, headers)
        body = service_error(a, 401, "APIGW.0301")
        assert "Incorrect IAM authentication information" in body["error_msg"]
        assert TOKEN not in a.body.decode() and SK not in a.body.decode()


def signed_request(server: h.Serve, method: str, path: str, body: bytes, ak: str = AK, sk: str = SK,
                   **kw: Any) -> h.Answer:
    headers = h.signed_headers(server.port, method, path, body, ak, sk, "p", **kw)
    return h.request(server.port, method, path + _query(kw.get("query", ())), body or None, headers)


def _query(pairs: Any) -> str:
    from urllib.parse import quote

    items = list(pairs)
    return "?" + "&".join(f"{quote(k, safe='')}={quote(v, safe='')}" for k, v in items) if items else ""


def test_aksk_signatures(server: h.Serve, project: str) -> None:
    body = h.json_body(VAULT_BODY)
    path = f"/v3/{project}/vaults"
    assert signed_request(server, "POST", path, body).status == 200
    assert signed_request(server, "POST", path, body, ak=AK2, sk=SK2).status == 200
    assert signed_request(server, "POST", path, body, extra={"X-Security-Token": SECURITY_TOKEN}).status == 200
    # A query string is part of what is signed (the server ignores it otherwise).
    get = f"/v3/{project}/checkpoints/{h.new_id()}"
    assert signed_request(server, "GET", get, b"", query=[("b", "2"), ("a", "x y/é")]).status == 404
    # A signature is only valid for what it signed.
    headers = h.signed_headers(server.port, "POST", path, body, AK, SK, project)
    tampered = body.replace(b'"v"', b'"w"')
    service_error(h.request(server.port, "POST", path, tampered, headers), 401, "APIGW.0301")
    other_path = f"/v3/{project}x/vaults"
    service_error(h.request(server.port, "POST", other_path, body, headers), 401, "APIGW.0301")
    service_error(h.request(server.port, "PUT", path, body, headers), 401, "APIGW.0301")
    # The pairs are matched by position: AK with SK2 is wrong.
    service_error(signed_request(server, "POST", path, body, ak=AK, sk=SK2), 401, "APIGW.0301")
    service_error(signed_request(server, "POST", path, body, ak="AKNOBODY", sk=SK), 401, "APIGW.0301")


def test_security_token_must_be_signed(server: h.Serve, project: str) -> None:
    path = f"/v3/{project}/vaults"
    body = h.json_body(VAULT_BODY)
    headers = h.signed_headers(server.port, "POST", path, body, AK, SK, project)
    headers["X-Security-Token"] = SECURITY_TOKEN  # added after signing
    a = h.request(server.port, "POST", path, body, headers)
    assert "X-Security-Token" in service_error(a, 401, "APIGW.0301")["error_msg"]


@pytest.mark.parametrize("minutes, ok", [(-14, True), (14, True), (-16, False), (16, False), (60 * 24, False)])
def test_sdk_date_skew(server: h.Serve, project: str, minutes: int, ok: bool) -> None:
    when = datetime.now(timezone.utc) + timedelta(minutes=minutes)
    a = signed_request(server, "GET", f"/v3/{project}/checkpoints/{h.new_id()}", b"", date=h.sdk_date(when))
    if ok:
        assert a.status == 404, a
    else:
        assert "X-Sdk-Date" in service_error(a, 401, "APIGW.0301")["error_msg"]


@pytest.mark.parametrize("authorization", [
    "SDK-HMAC-SHA256 Access=%s, SignedHeaders=x-sdk-date, Signature=00" % AK,
    "SDK-HMAC-SHA256 Access=%s, SignedHeaders=host, Signature=00" % AK,
    "SDK-HMAC-SHA256 garbage",
    "Bearer abc",
    "",
])
def test_malformed_authorization(server: h.Serve, project: str, authorization: str) -> None:
    headers = {"X-Sdk-Date": h.sdk_date(), "Authorization": authorization}
    a = h.request(server.port, "GET", f"/v3/{project}/checkpoints/{h.new_id()}", None, headers)
    service_error(a, 401, "APIGW.0301")


def test_a_bad_signature_is_not_rescued_by_a_token(server: h.Serve, project: str) -> None:
    headers = {"X-Auth-Token": TOKEN, "X-Sdk-Date": h.sdk_date(),
               "Authorization": f"SDK-HMAC-SHA256 Access={AK}, SignedHeaders=x-sdk-date, Signature=00"}
    a = h.request(server.port, "GET", f"/v3/{project}/checkpoints/{h.new_id()}", None, headers)
    service_error(a, 401, "APIGW.0301")


def test_open_server_accepts_everything(serve: Any, project: str) -> None:
    s = serve()
    a = h.request(s.port, "POST", f"/v3/{project}/vaults", h.json_body(VAULT_BODY), {})
    assert a.status == 200 and h.REQUEST_ID.match(a.request_id or ""), a
    a = h.request(s.port, "GET", f"/v3/{project}/vaults/{a.json['vault']['id']}", None,
                  {"X-Auth-Token": "anything", "Authorization": "whatever"})
    assert a.status == 200, a


# ---------------------------------------------------------------------------
# Concurrency and shutdown


def test_keep_alive_and_graceful_shutdown(serve: Any, project: str) -> None:
    s = serve("--token", TOKEN)
    conn = http.client.HTTPConnection("127.0.0.1", s.port, timeout=h.HTTP_TIMEOUT)
    try:
        for _ in range(5):  # one connection, several requests
            a = h.request(s.port, "POST", f"/v3/{project}/vaults", h.json_body(VAULT_BODY), token(), connection=conn)
            assert a.status == 200
        # An idle keep-alive connection stays open while the server stops.
        started = time.monotonic()
        assert s.stop(signal.SIGTERM) == 0
        assert time.monotonic() - started < h.STOP_TIMEOUT
    finally:
        conn.close()
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", s.port), timeout=2).close()


def test_sigint_is_graceful(serve: Any) -> None:
    s = serve()
    assert s.stop(signal.SIGINT) == 0


def test_port_zero_gives_distinct_ports(serve: Any) -> None:
    a, b = serve(), serve()
    assert a.port != b.port and a.port > 0 and b.port > 0


# ---------------------------------------------------------------------------
# Start-up failures


def run_cli(ckpt_bin: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([ckpt_bin, "serve", *args], capture_output=True, text=True, timeout=60,
                          stdin=subprocess.DEVNULL)


def test_store_directory_missing(ckpt_bin: str, tmp_path: Any) -> None:
    out = run_cli(ckpt_bin, "--listen", "127.0.0.1:0", "--store", str(tmp_path / "missing" / "store.db"))
    assert out.returncode == 19, out  # storage
    assert json.loads(out.stderr.strip().splitlines()[-1])["class"] == "storage"
    assert "listening" not in out.stdout


def test_port_in_use(ckpt_bin: str, server: h.Serve, store: str) -> None:
    out = run_cli(ckpt_bin, "--listen", f"127.0.0.1:{server.port}", "--store", store)
    assert out.returncode == 17, out  # network
    assert json.loads(out.stderr.strip().splitlines()[-1])["class"] == "network"
    assert "listening" not in out.stdout


@pytest.mark.parametrize("args", [
    ["--ak", "A"],
    ["--ak", "A", "--sk", "S", "--sk", "T"],
    ["--ak", "A", "--sk", "S", "--ak", "A", "--sk", "T"],
    ["--token", ""],
    ["--listen", "127.0.0.1"],
    ["--listen", "127.0.0.1:65536"],
    ["--listen", "[::1]"],
])
def test_usage_errors(ckpt_bin: str, store: str, args: Any) -> None:
    out = run_cli(ckpt_bin, "--store", store, *(["--listen", "127.0.0.1:0"] if "--listen" not in args else []),
                  *args)
    assert out.returncode == 64, out
    assert "listening" not in out.stdout


def test_store_from_the_environment(ckpt_bin: str, store: str, tmp_path: Any) -> None:
    s = h.Serve(ckpt_bin, None, [], tmp_path, env={"CKPT_STORE": store})
    try:
        assert h.request(s.port, "GET", f"/v3/p/vaults/{h.new_id()}", None, {}).status == 404
    finally:
        assert s.stop() == 0
    proc = subprocess.run([ckpt_bin, "serve", "--listen", "127.0.0.1:0"], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin"}, stdin=subprocess.DEVNULL)
    assert proc.returncode == 64 and "--store" in proc.stderr


def test_many_projects_stay_apart_and_bounded(server: h.Serve) -> None:
    """More projects than the server keeps connections for: each is still
    answered, kept apart, and the server's open descriptors stay bounded."""
    vaults = {}
    for n in range(100):
        project = f"many{n}"
        a = h.request(server.port, "POST", f"/v3/{project}/vaults", h.json_body(VAULT_BODY), token())
        assert a.status == 200, a
        vaults[project] = a.json["vault"]["id"]
    for project, vault_id in vaults.items():
        assert h.request(server.port, "GET", f"/v3/{project}/vaults/{vault_id}", None, token()).status == 200
        other = "many0" if project != "many0" else "many1"
        a = h.request(server.port, "GET", f"/v3/{other}/vaults/{vault_id}", None, token())
        service_error(a, 404, "BackupService.6105")
    fds = len(os.listdir(f"/proc/{server.proc.pid}/fd"))
    assert fds < 64 * 3 + 100, fds
