"""Helpers of the end-to-end tests: locating the built artefacts, running
`ckpt serve` as a subprocess, raw HTTP, and an SDK-HMAC-SHA256 signer written
from the SDKs' algorithm (standard library only).

Every wait here is bounded; every address is loopback.
"""

from __future__ import annotations

import hashlib
import importlib
import hmac
import http.client
import json
import os
import re
import secrets
import select
import signal
import socket
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import quote, unquote

REPO = Path(__file__).resolve().parents[2]
BINDING = REPO / "bindings" / "python"

SERVER = "OS::Nova::Server"
CSBS_PROVIDER_ID = "fc4d5750-22e7-4798-8a46-f48f62c4c1da"
REQUEST_ID = re.compile(r"^[0-9a-f]{32}$")

# Credentials of this run: random, so that a leak into a log is findable.
TOKEN = "tok-" + secrets.token_hex(16)
TOKEN2 = "tok2-" + secrets.token_hex(16)
AK = "AK" + secrets.token_hex(8).upper()
SK = "sk-" + secrets.token_hex(20)
AK2 = "AK" + secrets.token_hex(8).upper()
SK2 = "sk2-" + secrets.token_hex(20)
SECURITY_TOKEN = "sts-" + secrets.token_hex(24)
SECRETS = [TOKEN, TOKEN2, SK, SK2, SECURITY_TOKEN]

#: The same credentials on `ckpt serve`'s command line (which warns).
AUTH_ARGS = ["--token", TOKEN, "--token", TOKEN2, "--ak", AK, "--ak", AK2, "--sk", SK, "--sk", SK2]

#: The remote backend's credentials per auth mode.
AUTH_MODES: Dict[str, Dict[str, str]] = {
    "token": {"token": TOKEN},
    "aksk": {"ak": AK, "sk": SK},
    "aksk-security-token": {"ak": AK, "sk": SK, "security_token": SECURITY_TOKEN},
    "aksk-second-pair": {"ak": AK2, "sk": SK2},
}

# Bounds of every wait (seconds).
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
HTTP_TIMEOUT = 30.0


def library() -> Optional[str]:
    """$CKPT_LIBRARY, else build/lib/libckpt.so.1 when it exists."""
    env = os.environ.get("CKPT_LIBRARY")
    if env:
        return env
    built = REPO / "build" / "lib" / "libckpt.so.1"
    if built.exists():
        os.environ["CKPT_LIBRARY"] = str(built)
        return str(built)
    return None


def cli() -> Optional[str]:
    """$CKPT_BIN, else the first ckpt CLI found in the usual build places."""
    env = os.environ.get("CKPT_BIN")
    if env:
        return env
    for candidate in (
        REPO / "build" / "bin" / "ckpt",
        REPO / ".build" / "release" / "ckpt-cli",
        REPO / ".build" / "debug" / "ckpt-cli",
    ):
        if candidate.exists():
            return str(candidate)
    return None


def new_id() -> str:
    return str(uuid.uuid4())


def server_resource(size: int = 1, name: str = "server") -> Dict[str, Any]:
    return {"id": new_id(), "type": SERVER, "name": name, "size": size}


class Serve:
    """One `ckpt serve` process on 127.0.0.1 and a free port."""

    def __init__(self, binary: str, store: Optional[str], args: Sequence[str], log_dir: Path,
                 env: Optional[Mapping[str, str]] = None) -> None:
        self.log_path = log_dir / f"serve-{uuid.uuid4().hex[:8]}.stderr"
        self._log = open(self.log_path, "w+b")
        full_env = dict(os.environ)
        full_env.update(env or {})
        self.argv = [binary, "serve", "--listen", "127.0.0.1:0", *(["--store", store] if store else []), *args]
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=self._log, env=full_env)
        self.stdout_lines: List[str] = []
        self.url = self._wait_listening()
        self.port = int(self.url.rsplit(":", 1)[1])
        self.returncode: Optional[int] = None

    def _wait_listening(self) -> str:
        assert self.proc.stdout is not None
        fd = self.proc.stdout.fileno()
        deadline = time.monotonic() + START_TIMEOUT
        buffer = b""
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                chunk = os.read(fd, 4096)
                if not chunk:
                    break
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    text = line.decode("utf-8", "replace")
                    self.stdout_lines.append(text)
                    m = re.fullmatch(r"listening on (https?://127\.0\.0\.1:(\d+))", text.strip())
                    if m and int(m.group(2)) > 0:
                        return m.group(1)
            elif self.proc.poll() is not None:
                break
        self.kill()
        raise AssertionError(f"ckpt serve did not print its listening line: stdout={self.stdout_lines!r} "
                             f"stderr={self.stderr()!r} rc={self.proc.returncode}")

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Sends `sig`, waits (bounded) and returns the exit status."""
        if self.returncode is None:
            if self.proc.poll() is None:
                self.proc.send_signal(sig)
            try:
                self.returncode = self.proc.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.kill()
                raise AssertionError(f"ckpt serve did not exit within {STOP_TIMEOUT} s of signal {sig}")
            self._drain_stdout()
        return self.returncode

    def _drain_stdout(self) -> None:
        if self.proc.stdout is not None:
            rest = self.proc.stdout.read()
            self.stdout_lines.extend(rest.decode("utf-8", "replace").splitlines())
            self.proc.stdout.close()

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=STOP_TIMEOUT)
        self.returncode = self.proc.returncode

    def stderr(self) -> str:
        self._log.flush()
        return self.log_path.read_text("utf-8", "replace")

    def output(self) -> str:
        """Everything the process wrote (stdout lines and stderr)."""
        return "\n".join(self.stdout_lines) + "\n" + self.stderr()


def write_credentials(path: Path, tokens: Sequence[str] = (), keys: Sequence[Tuple[str, str]] = (),
                      mode: int = 0o600) -> str:
    """A `ckpt serve --credentials-file` at `path`, with `mode`."""
    path.write_text(json.dumps({"tokens": list(tokens), "keys": [{"ak": a, "sk": s} for a, s in keys]}))
    os.chmod(path, mode)
    return str(path)


# ---------------------------------------------------------------------------
# Raw HTTP


class Answer:
    def __init__(self, status: int, headers: Dict[str, str], body: bytes) -> None:
        self.status = status
        self.headers = headers
        self.body = body

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    @property
    def request_id(self) -> Optional[str]:
        return self.headers.get("x-request-id")

    def __repr__(self) -> str:
        return f"Answer({self.status}, {self.headers!r}, {self.body[:300]!r})"


def request(port: int, method: str, path: str, body: Optional[bytes] = None,
            headers: Optional[Mapping[str, str]] = None,
            connection: Optional[http.client.HTTPConnection] = None) -> Answer:
    """One request on a fresh connection (or on `connection`)."""
    conn = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=HTTP_TIMEOUT)
    try:
        conn.request(method, path, body=body, headers=dict(headers or {}))
        r = conn.getresponse()
        data = r.read()
        return Answer(r.status, {k.lower(): v for k, v in r.getheaders()}, data)
    finally:
        if connection is None:
            conn.close()


def read_head(conn: socket.socket) -> Optional[Tuple[bytes, bytes]]:
    """Reads a request head off a raw connection: (head, what followed it),
    or None if the peer closed first."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, rest = data.split(b"\r\n\r\n", 1)
    return head, rest


def json_body(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


# ---------------------------------------------------------------------------
# SDK-HMAC-SHA256, as huaweicloudsdkcore's Signer computes it


def sdk_date(when: Optional[datetime] = None) -> str:
    return (when or datetime.now(timezone.utc)).strftime("%Y%m%dT%H%M%SZ")


def sign(method: str, path: str, query: Iterable[Tuple[str, str]], headers: Dict[str, str], body: bytes,
         ak: str, sk: str) -> Dict[str, str]:
    """Returns `headers` plus Authorization; every header given is signed."""
    canonical_uri = "/".join(quote(seg, safe="~") for seg in unquote(path).split("/"))
    if not canonical_uri.endswith("/"):
        canonical_uri += "/"
    canonical_query = "&".join(f"{quote(k, safe='~')}={quote(v, safe='~')}" for k, v in sorted(query))
    lowered = {k.lower(): str(v).strip() for k, v in headers.items()}
    signed = sorted(lowered)
    canonical_headers = "".join(f"{k}:{lowered[k]}\n" for k in signed)
    canonical = "\n".join([method.upper(), canonical_uri, canonical_query, canonical_headers,
                           ";".join(signed), hashlib.sha256(body).hexdigest()])
    date = lowered["x-sdk-date"]
    to_sign = f"SDK-HMAC-SHA256\n{date}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    signature = hmac.new(sk.encode(), to_sign.encode(), hashlib.sha256).hexdigest()
    out = dict(headers)
    out["Authorization"] = f"SDK-HMAC-SHA256 Access={ak}, SignedHeaders={';'.join(signed)}, Signature={signature}"
    return out


def signed_headers(port: int, method: str, path: str, body: bytes, ak: str, sk: str,
                   project: str, date: Optional[str] = None, extra: Optional[Mapping[str, str]] = None,
                   query: Iterable[Tuple[str, str]] = ()) -> Dict[str, str]:
    headers = {
        "Content-Type": "application/json;charset=UTF-8",
        "Host": f"127.0.0.1:{port}",
        "X-Project-Id": project,
        "X-Sdk-Date": date or sdk_date(),
    }
    headers.update(extra or {})
    return sign(method, path, query, headers, body, ak, sk)


def signature_of(headers: Mapping[str, str]) -> str:
    return headers["Authorization"].rsplit("Signature=", 1)[1]


# ---------------------------------------------------------------------------
# Lifecycle (1.1) data and comparisons, shared by the *_lifecycle suites

DAY_MS = 86_400_000
#: The time format of every stored time (SPEC 6.3): UTC, microseconds, no zone.
STORED_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$")


def query_time(when: datetime) -> str:
    """A `start_time`/`end_time` value: YYYY-MM-DDTHH:MM:SSZ (SPEC 6.1)."""
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def lifecycle_data(local: Any) -> Dict[str, Any]:
    """A vault of three servers backed up three times, oldest first, through
    embedded clients on the server's store (`local` is the conftest factory):

    - "nightly", two days ago (simulated clock), incremental;
    - "full", one day ago, a full backup (`incremental: false`);
    - unnamed (so `manualbk_xxxx`), now, default incremental, in which the
      third server fails (its backup and task end in error).

    Nine backups and nine `backup` tasks.  Returns the vault, resources,
    checkpoints and each checkpoint's backups (as backup.list gives them).
    """
    resources = [server_resource(name=f"web{i}") for i in range(3)]
    vault = local().create_vault("lifecycle", size_gb=100, resources=resources)["vault"]
    nightly = local(simulate={"clock_offset_ms": -2 * DAY_MS}).create_checkpoint(
        vault["id"], name="nightly", incremental=True)["checkpoint"]
    full = local(simulate={"clock_offset_ms": -DAY_MS}).create_checkpoint(
        vault["id"], name="full", incremental=False)["checkpoint"]
    latest = local(simulate={"fail_resources": [resources[2]["id"]]}).create_checkpoint(vault["id"])["checkpoint"]
    embedded = local()
    backups = {}
    for name, cp in (("nightly", nightly), ("full", full), ("latest", latest)):
        listed = embedded.call("backup.list", {"checkpoint_id": cp["id"]})["backups"]
        assert len(listed) == 3, listed
        backups[name] = listed
    return {"vault": vault, "resources": resources, "failing": resources[2]["id"],
            "checkpoints": {"nightly": nightly, "full": full, "latest": latest}, "backups": backups}


def json_type(value: Any) -> str:
    """The JSON type of a decoded value (bool before int: bool is an int)."""
    for t, name in ((type(None), "null"), (bool, "boolean"), (int, "integer"), (float, "number"), (str, "string"),
                    (list, "array"), (dict, "object")):
        if isinstance(value, t):
            return name
    return type(value).__name__


def shape_differences(a: Any, b: Any, ids: bool = True, path: str = "$") -> List[str]:
    """Where `a` and `b` differ in shape: keys, JSON types at every level,
    array lengths, and (with `ids`) the values of `id` and `*_id` members,
    which name the same objects when the two answers are about the same
    thing.  Empty when they agree."""
    out: List[str] = []
    ta, tb = json_type(a), json_type(b)
    if ta != tb:
        return [f"{path}: {ta} vs {tb} ({a!r:.80} vs {b!r:.80})"]
    if isinstance(a, dict):
        if set(a) != set(b):
            out.append(f"{path}: keys {sorted(set(a) - set(b))} only in the first, {sorted(set(b) - set(a))} only "
                       f"in the second")
        for k in sorted(set(a) & set(b)):
            sub = f"{path}.{k}"
            if ids and (k == "id" or k.endswith("_id")) and a[k] != b[k]:
                out.append(f"{sub}: {a[k]!r} vs {b[k]!r}")
            out.extend(shape_differences(a[k], b[k], ids, sub))
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append(f"{path}: {len(a)} items vs {len(b)}")
        for i, (x, y) in enumerate(zip(a, b)):
            out.extend(shape_differences(x, y, ids, f"{path}[{i}]"))
    return out

def same_shape(a: Any, b: Any, ids: bool = True) -> None:
    """The same JSON shape (shape_differences), or an assertion listing how not."""
    diffs = shape_differences(a, b, ids)
    assert not diffs, "\n".join(diffs[:40])


def both(local: Any, remote: Any, op: str, request: Dict[str, Any]) -> Tuple[Any, Any]:
    """The same request through the embedded backend and the remote one."""
    return local.call(op, request), remote.call(op, request)


def failure(ckpt: Any, call: Callable[[], Any]) -> Any:
    """The ckpt.Error that `call` raises (an AssertionError when it answers)."""
    try:
        answer = call()
    except ckpt.Error as e:
        return e
    raise AssertionError(f"expected a ckpt.Error, got an answer: {str(answer)[:200]}")


def triple(e: Any) -> Tuple[str, int, str]:
    """An error's class, HTTP status and code."""
    return (e.error_class, e.status_code, e.error_code)


def error_table_problems(ckpt: Any, local: Any, remote: Any,
                         cases: Sequence[Tuple[str, Dict[str, Any], Tuple[str, int, str], bool]],
                         same_message: bool = False) -> List[Tuple[Any, ...]]:
    """Each (operation, request, (class, status, code), stateful) through
    both backends: what differs from the expected error, a stateful remote
    error without a request id, and a remote message that is empty (or, with
    `same_message`, not the embedded one's)."""
    problems: List[Tuple[Any, ...]] = []
    for op, request, expected, stateful in cases:
        errors = []
        for client in (local, remote):
            try:
                answer = client.call(op, request)
            except ckpt.Error as err:
                errors.append(err)
            else:
                errors.append(answer)
        got = [triple(x) if isinstance(x, ckpt.Error) else ("answered", 0, str(x)[:80]) for x in errors]
        if got[0] != expected or got[1] != expected:
            problems.append((op, request, "embedded", got[0], "remote", got[1], "expected", expected))
            continue
        remote_error = errors[1]
        if stateful and not (remote_error.request_id and REQUEST_ID.match(remote_error.request_id)):
            problems.append((op, request, "the remote error carries no request id", repr(remote_error)))
        if not remote_error.error_msg:
            problems.append((op, request, "no message"))
        elif same_message and remote_error.error_msg != errors[0].error_msg:
            problems.append((op, request, "messages", errors[0].error_msg, remote_error.error_msg))
    return problems


def import_installing(package: str, importer: Callable[[], Any]) -> Tuple[Any, str]:
    """`importer()`, installing `package` with pip first when it raises
    ImportError; (None, why) when pip cannot run or fails (the caller skips
    with that reason)."""
    try:
        return importer(), ""
    except ImportError:
        pass
    try:
        out = subprocess.run([sys.executable, "-m", "pip", "install", "-q", package],
                             capture_output=True, text=True, timeout=600)
    except (OSError, subprocess.TimeoutExpired) as e:
        return None, f"{package} is not installed and pip could not run: {e}"
    if out.returncode != 0:
        return None, (f"{package} is not installed and `pip install {package}` failed: "
                      f"{(out.stderr or out.stdout).strip()[-500:]}")
    importlib.invalidate_caches()
    return importer(), ""
