"""`ckpt serve` over HTTPS, and the remote backend's TLS and proxy settings
proven against it (issue 14).

A throw-away PKI is made with `openssl` for the session: a test CA, a
server certificate it issued for 127.0.0.1, one issued by another CA, and
one for another host name.  A small proxy of our own (plain forwarding and
CONNECT tunnels) counts what goes through it.
"""

from __future__ import annotations

import os
import select
import shutil
import socket
import subprocess
import threading
from pathlib import Path
from typing import Any, Dict, Iterator, List, Optional, Tuple

import pytest

import e2e_helpers as h
from e2e_helpers import AK, SK, TOKEN

VAULT = {"vault": {"name": "tls", "billing": {"size": 10}, "resources": []}}


def openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=120)


def make_ca(d: Path, name: str) -> None:
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.pem",
            "-days", "2", "-subj", f"/CN=libckpt {name}", cwd=d)


def issue(d: Path, ca: str, name: str, san: str) -> None:
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out", f"{name}.csr",
            "-subj", f"/CN={name}", cwd=d)
    (d / f"{name}.ext").write_text(f"subjectAltName={san}\n")
    openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.pem", "-CAkey", f"{ca}.key", "-CAcreateserial",
            "-out", f"{name}.pem", "-days", "2", "-extfile", f"{name}.ext", cwd=d)
    os.chmod(d / f"{name}.key", 0o600)


@pytest.fixture(scope="session")
def pki(tmp_path_factory: Any) -> Path:
    if shutil.which("openssl") is None:
        pytest.fail("openssl is needed to make the test CA (make deps installs it)")
    d = tmp_path_factory.mktemp("pki")
    make_ca(d, "ca")
    make_ca(d, "other-ca")
    issue(d, "ca", "server", "IP:127.0.0.1,DNS:localhost")
    issue(d, "other-ca", "stranger", "IP:127.0.0.1,DNS:localhost")
    issue(d, "ca", "elsewhere", "DNS:elsewhere.example")
    return d


def tls_serve(serve: Any, pki: Path, credentials_file: str, cert: str = "server") -> h.Serve:
    s = serve("--credentials-file", credentials_file, "--tls-cert", str(pki / f"{cert}.pem"),
              "--tls-key", str(pki / f"{cert}.key"))
    assert s.url.startswith("https://127.0.0.1:")
    return s


@pytest.fixture
def tls_server(serve: Any, pki: Path, credentials_file: str) -> h.Serve:
    return tls_serve(serve, pki, credentials_file)


def remote_client(ckpt: Any, server: h.Serve, project: str, **config: Any) -> Any:
    cfg: Dict[str, Any] = {"backend": "remote", "endpoint": server.url, "project_id": project, "token": TOKEN,
                           "timeout_ms": 20000, "connect_timeout_ms": 5000, "retries": 0}
    cfg.update(config)
    return ckpt.Client(cfg)


def round_trip(client: Any) -> None:
    v = client.call("vault.create", VAULT)["vault"]
    assert client.call("vault.get", {"vault_id": v["id"]})["vault"]["id"] == v["id"]


def network_error(ckpt: Any, client: Any) -> Any:
    with pytest.raises(ckpt.NetworkError) as info:
        client.call("vault.create", VAULT)
    return info.value


# ---------------------------------------------------------------------------
# The emulator over HTTPS


def test_remote_backend_with_the_test_ca(ckpt: Any, tls_server: h.Serve, project: str, pki: Path) -> None:
    client = remote_client(ckpt, tls_server, project, ca_file=str(pki / "ca.pem"))
    try:
        round_trip(client)
    finally:
        client.close()


def test_the_system_bundle_alone_refuses_the_test_ca(ckpt: Any, tls_server: h.Serve, project: str) -> None:
    client = remote_client(ckpt, tls_server, project)
    try:
        e = network_error(ckpt, client)
    finally:
        client.close()
    message = str(e).lower()
    assert "tls" in message and "certificate" in message, message


def test_a_certificate_from_another_ca_is_refused(ckpt: Any, serve: Any, pki: Path, credentials_file: str,
                                                  project: str) -> None:
    s = tls_serve(serve, pki, credentials_file, cert="stranger")
    client = remote_client(ckpt, s, project, ca_file=str(pki / "ca.pem"))
    try:
        assert "certificate" in str(network_error(ckpt, client)).lower()
    finally:
        client.close()


def test_a_certificate_for_another_host_is_refused(ckpt: Any, serve: Any, pki: Path, credentials_file: str,
                                                   project: str) -> None:
    s = tls_serve(serve, pki, credentials_file, cert="elsewhere")
    client = remote_client(ckpt, s, project, ca_file=str(pki / "ca.pem"))
    try:
        network_error(ckpt, client)
    finally:
        client.close()


def test_insecure_skips_verification(ckpt: Any, serve: Any, pki: Path, credentials_file: str,
                                     project: str) -> None:
    s = tls_serve(serve, pki, credentials_file, cert="stranger")
    client = remote_client(ckpt, s, project, insecure=True)
    try:
        round_trip(client)
    finally:
        client.close()


def test_plain_http_to_the_tls_port_gets_no_answer_but_the_server_goes_on(tls_server: h.Serve,
                                                                           project: str, pki: Path,
                                                                           ckpt: Any) -> None:
    with socket.create_connection(("127.0.0.1", tls_server.port), timeout=10) as sock:
        sock.sendall(b"GET /v3/p/vaults HTTP/1.1\r\nHost: x\r\n\r\n")
        sock.settimeout(10)
        try:
            data = sock.recv(4096)
        except ConnectionResetError:
            data = b""
        assert not data.startswith(b"HTTP/1.1 200")
    client = remote_client(ckpt, tls_server, project, ca_file=str(pki / "ca.pem"))
    try:
        round_trip(client)
    finally:
        client.close()


def test_bad_tls_files_fail_at_start_naming_the_file(ckpt_bin: str, store: str, pki: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.pem"
    junk.write_text("not a certificate\n")
    cases = [
        (["--tls-cert", str(junk), "--tls-key", str(pki / "server.key")], str(junk), 10),
        (["--tls-cert", str(pki / "server.pem"), "--tls-key", str(junk)], str(junk), 10),
        (["--tls-cert", str(pki / "server.pem")], "--tls-key", 64),
    ]
    for args, named, rc in cases:
        out = subprocess.run([ckpt_bin, "serve", "--listen", "127.0.0.1:0", "--store", store, *args],
                             capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL)
        assert out.returncode == rc, out
        assert named in out.stderr, out.stderr
        assert "listening" not in out.stdout
        assert "PRIVATE KEY" not in out.stderr


def test_official_sdk_verifies_the_emulator_against_the_test_ca(tls_server: h.Serve, pki: Path,
                                                                project: str) -> None:
    def load() -> Dict[str, Any]:
        from huaweicloudsdkcbr import v1
        from huaweicloudsdkcore.auth.credentials import BasicCredentials
        from huaweicloudsdkcore.http.http_config import HttpConfig
        return {"v1": v1, "BasicCredentials": BasicCredentials, "HttpConfig": HttpConfig}

    sdk, why = h.import_installing("huaweicloudsdkcbr", load)
    if sdk is None:
        pytest.skip(why)
    config = sdk["HttpConfig"].get_default_config()
    config.ignore_ssl_verification = False
    config.ssl_ca_cert = str(pki / "ca.pem")
    config.timeout = (5, 30)
    v1 = sdk["v1"]
    client = (v1.CbrClient.new_builder().with_http_config(config)
              .with_credentials(sdk["BasicCredentials"](AK, SK, project))
              .with_endpoints([tls_server.url]).build())
    body = v1.VaultCreateReq(vault=v1.VaultCreate(
        name="sdk-tls",
        billing=v1.BillingCreate(cloud_type="public", consistent_level="crash_consistent", object_type="server",
                                 protect_type="backup", size=10),
        resources=[]))
    vault = client.create_vault(v1.CreateVaultRequest(body=body)).vault
    shown = client.show_vault(v1.ShowVaultRequest(vault_id=vault.id)).vault
    assert shown.id == vault.id and shown.name == "sdk-tls"


# ---------------------------------------------------------------------------
# Proxies


class CountingProxy:
    """An HTTP proxy on 127.0.0.1: absolute-URI requests are forwarded (one
    request per connection), CONNECT opens a tunnel.  Counts both."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.plain = 0
        self.connects = 0
        self.lock = threading.Lock()
        self.stopping = False
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stopping:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        upstream: Optional[socket.socket] = None
        try:
            conn.settimeout(20)
            received = h.read_head(conn)
            if received is None:
                return
            head, rest = received
            request_line = head.split(b"\r\n", 1)[0].decode("latin-1")
            method, target, _ = request_line.split(" ", 2)
            if method == "CONNECT":
                with self.lock:
                    self.connects += 1
                host, port = target.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)), timeout=20)
                conn.sendall(b"HTTP/1.1 200 Connection established\r\n\r\n")
                if rest:
                    upstream.sendall(rest)
            else:
                with self.lock:
                    self.plain += 1
                assert target.startswith("http://"), target
                hostport, _, path = target[len("http://"):].partition("/")
                host, port = hostport.rsplit(":", 1)
                upstream = socket.create_connection((host, int(port)), timeout=20)
                lines = head.split(b"\r\n")
                first = f"{method} /{path} HTTP/1.1".encode()
                kept = [ln for ln in lines[1:] if not ln.lower().startswith((b"proxy-", b"connection:"))]
                upstream.sendall(b"\r\n".join([first, *kept, b"Connection: close"]) + b"\r\n\r\n" + rest)
            self._pump(conn, upstream)
        except (OSError, ValueError, AssertionError):
            pass
        finally:
            conn.close()
            if upstream is not None:
                upstream.close()

    @staticmethod
    def _pump(a: socket.socket, b: socket.socket) -> None:
        socks = [a, b]
        while True:
            ready, _, _ = select.select(socks, [], [], 20)
            if not ready:
                return
            for s in ready:
                data = s.recv(65536)
                if not data:
                    return
                (b if s is a else a).sendall(data)

    def close(self) -> None:
        self.stopping = True
        self.sock.close()


@pytest.fixture
def proxy() -> Iterator[CountingProxy]:
    p = CountingProxy()
    yield p
    p.close()


def test_proxy_carries_plain_requests(ckpt: Any, server: h.Serve, project: str, proxy: CountingProxy) -> None:
    client = remote_client(ckpt, server, project, proxy=proxy.url)
    try:
        round_trip(client)
    finally:
        client.close()
    assert proxy.plain >= 2 and proxy.connects == 0, (proxy.plain, proxy.connects)


def test_proxy_tunnels_https_with_connect(ckpt: Any, tls_server: h.Serve, project: str, pki: Path,
                                          proxy: CountingProxy) -> None:
    client = remote_client(ckpt, tls_server, project, proxy=proxy.url, ca_file=str(pki / "ca.pem"))
    try:
        round_trip(client)
    finally:
        client.close()
    assert proxy.connects >= 1 and proxy.plain == 0, (proxy.plain, proxy.connects)


def test_proxy_variables_are_ignored_unless_configured(ckpt: Any, server: h.Serve, tls_server: h.Serve,
                                                       project: str, pki: Path, proxy: CountingProxy,
                                                       monkeypatch: Any) -> None:
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy.url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    for target, extra in ((server, {}), (tls_server, {"ca_file": str(pki / "ca.pem")})):
        client = remote_client(ckpt, target, project, **extra)
        try:
            round_trip(client)
        finally:
            client.close()
    assert proxy.plain == 0 and proxy.connects == 0


def test_a_dead_proxy_is_a_network_error(ckpt: Any, server: h.Serve, project: str) -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    client = remote_client(ckpt, server, project, proxy=dead)
    try:
        network_error(ckpt, client)
    finally:
        client.close()
