"""Shell-level tests of the `ckpt` CLI, driving the built binary.

    CKPT_BIN=/path/to/ckpt python3 -m pytest Tests/cli -q

CKPT_BIN defaults to build/bin/ckpt of this repository.  Every test runs with
its own store in a temporary directory and a scrubbed environment (HOME points
at the temporary directory, so nothing touches the real default store).
"""

import json
import os
import pathlib
import pty
import subprocess
import uuid

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BIN = os.environ.get("CKPT_BIN", str(REPO / "build" / "bin" / "ckpt"))
CSBS_PROVIDER = "fc4d5750-22e7-4798-8a46-f48f62c4c1da"

EXIT = {
    "invalid": 10, "not_found": 11, "conflict": 12, "quota": 13, "auth": 14,
    "permission": 15, "timeout": 16, "network": 17, "remote": 18, "storage": 19,
    "internal": 20,
}
CODE = {
    "invalid": -1, "not_found": -2, "conflict": -3, "quota": -4, "auth": -5,
    "permission": -6, "timeout": -7, "network": -8, "remote": -9, "storage": -10,
    "internal": -11,
}
USAGE = 64
# Slow backups: 100 s per GB, so a checkpoint stays "protecting".
SLOW = {"simulate": {"backup_ms_per_gb": 100000}}


def new_id():
    return str(uuid.uuid4())


@pytest.fixture(scope="session", autouse=True)
def binary():
    if not os.access(BIN, os.X_OK):
        pytest.exit(f"ckpt binary not found at {BIN}: build it or set CKPT_BIN", returncode=2)
    return BIN


class Ckpt:
    """Runs the binary with a private store and environment."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.store = str(tmp / "store.db")
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("CKPT_", "HUAWEICLOUD_", "XDG_"))}
        self.env["HOME"] = str(tmp / "home")
        self.env["CKPT_STORE"] = self.store

    def run(self, *args, input=None, env=None, stderr=subprocess.PIPE, timeout=60):
        e = dict(self.env)
        for k, v in (env or {}).items():
            if v is None:
                e.pop(k, None)
            else:
                e[k] = v
        if isinstance(input, str):
            input = input.encode()
        return subprocess.run([BIN, *args], input=input, stdout=subprocess.PIPE, stderr=stderr,
                              env=e, timeout=timeout)

    def ok(self, *args, **kw):
        """Runs a command that must succeed; returns the parsed stdout."""
        p = self.run(*args, **kw)
        assert p.returncode == 0, (args, p.returncode, p.stderr)
        assert p.stderr == b"", p.stderr
        out = p.stdout.decode()
        assert out.endswith("\n") and out.count("\n") == 1, "compact output is one line"
        return json.loads(out)

    def fail(self, cls, *args, **kw):
        """Runs a command that must fail with class `cls`; returns the error object."""
        p = self.run(*args, **kw)
        assert p.returncode == EXIT[cls], (args, p.returncode, p.stderr)
        assert p.stdout == b"", "nothing on stdout on failure"
        err = json.loads(p.stderr)
        assert err["class"] == cls and err["code"] == CODE[cls], err
        assert set(err) >= {"code", "class", "http_status", "error_code", "error_msg", "request_id"}
        return err

    def usage(self, *args, **kw):
        p = self.run(*args, **kw)
        assert p.returncode == USAGE, (args, p.returncode, p.stderr)
        assert p.stdout == b""
        return p.stderr.decode()

    def config(self, obj, name="config.json"):
        path = self.tmp / name
        path.write_text(json.dumps(obj))
        return str(path)

    # Building blocks.
    def vault(self, *resources, size=100, extra=()):
        """A vault with (id, size_gb) server resources; returns (vault_id, response)."""
        args = ["vault", "create", "--name", "v", "--size-gb", str(size)]
        for rid, gb in resources:
            args += ["--resource", f"{rid}:server:srv:{gb}"]
        v = self.ok(*args, *extra)
        return v["vault"]["id"], v

    def checkpoint(self, vault_id, *extra):
        c = self.ok("checkpoint", "create", "--vault-id", vault_id, *extra)
        return c["checkpoint"]["id"], c


@pytest.fixture
def ckpt(tmp_path):
    (tmp_path / "home").mkdir()
    return Ckpt(tmp_path)


# ---------------------------------------------------------------------------
# Help and version

COMMANDS = [
    [], ["call"], ["vault"], ["vault", "create"], ["vault", "show"],
    ["checkpoint"], ["checkpoint", "create"], ["checkpoint", "show"], ["checkpoint", "wait"],
    ["policy"], ["policy", "create"], ["policy", "show"], ["policy", "execute"], ["serve"],
]


@pytest.mark.parametrize("path", COMMANDS, ids=lambda p: " ".join(p) or "ckpt")
def test_help_on_every_command(ckpt, path):
    p = ckpt.run(*path, "--help")
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert ("USAGE: ckpt " + " ".join(path)).strip() in out
    if path and path[-1] not in ("vault", "checkpoint", "policy", "serve"):
        assert "--store" in out and "--config" in out and "--pretty" in out


def test_root_help_documents_exit_codes(ckpt):
    out = ckpt.run("--help").stdout.decode()
    for cls, status in EXIT.items():
        assert f"{status}  {cls}" in out, cls
    assert "64  usage" in out
    assert "CKPT_CONFIG" in out and "CKPT_STORE" in out


def test_version(ckpt):
    p = ckpt.run("--version")
    assert p.returncode == 0 and p.stdout.decode().strip().count(".") == 2


# ---------------------------------------------------------------------------
# Success paths

def test_vault_create_and_show(ckpt):
    r1, r2, r3 = new_id(), new_id(), new_id()
    v = ckpt.ok("vault", "create", "--name", "daily", "--size-gb", "50", "--description", "d",
                "--resource", f"{r1}:server:web:10",
                "--resource", f"{r2}:OS::Cinder::Volume:db:data:7",
                "--resource", f"{r3}:baremetal")["vault"]
    assert v["name"] == "daily" and v["description"] == "d" and v["billing"]["size"] == 50
    res = {r["id"]: r for r in v["resources"]}
    assert res[r1]["type"] == "OS::Nova::Server" and res[r1]["name"] == "web" and res[r1]["size"] == 10
    assert res[r2]["type"] == "OS::Cinder::Volume" and res[r2]["name"] == "db:data" and res[r2]["size"] == 7
    assert res[r3]["type"] == "OS::Ironic::BareMetalServer" and res[r3]["name"] == ""
    shown = ckpt.ok("vault", "show", v["id"])
    assert shown["vault"]["id"] == v["id"]


def test_vault_without_resources_and_object_type(ckpt):
    v = ckpt.ok("vault", "create", "--name", "empty", "--size-gb", "1", "--object-type", "disk")["vault"]
    assert v["resources"] == [] and v["billing"]["object_type"] == "disk"


def test_checkpoint_create_show_wait(ckpt):
    rid = new_id()
    vid, _ = ckpt.vault((rid, 10))
    cid, c = ckpt.checkpoint(vid, "--full", "--name", "nightly", "--description", "desc",
                             "--resource", rid, "--auto-trigger")
    assert c["checkpoint"]["status"] == "protecting"
    assert c["checkpoint"]["extra_info"]["name"] == "nightly"
    assert c["checkpoint"]["extra_info"]["description"] == "desc"
    assert [r["id"] for r in c["checkpoint"]["vault"]["resources"]] == [rid]
    waited = ckpt.ok("checkpoint", "wait", cid, "--timeout", "5.5")
    assert waited["checkpoint"]["status"] == "available"
    shown = ckpt.ok("checkpoint", "show", cid)
    assert shown["checkpoint"]["id"] == cid and shown["checkpoint"]["status"] == "available"


def test_checkpoint_wait_for_a_chosen_status(ckpt):
    vid, _ = ckpt.vault((new_id(), 1))
    cid, _ = ckpt.checkpoint(vid, "--config", ckpt.config(SLOW))
    w = ckpt.ok("checkpoint", "wait", cid, "--status", "protecting", "--config", ckpt.config(SLOW))
    assert w["checkpoint"]["status"] == "protecting"


@pytest.mark.parametrize("flags,expected", [
    (["--full"], False), (["--incremental"], True), ([], None),
])
def test_incremental_flags_build_the_request(ckpt, flags, expected):
    plan = ckpt.ok("checkpoint", "create", "--vault-id", "v-1", *flags, "--dry-run")
    assert plan["operation"] == "checkpoint.create"
    c = plan["request"]["checkpoint"]
    assert c["vault_id"] == "v-1"
    if expected is None:
        assert "parameters" not in c
    else:
        assert c["parameters"] == {"incremental": expected}
    # And the library accepts the explicit false/true.
    vid, _ = ckpt.vault((new_id(), 1))
    ckpt.checkpoint(vid, *flags)


def test_dry_run_requests_of_every_command(ckpt):
    missing = str(ckpt.tmp / "missing" / "store.db")  # nothing is opened
    rid = new_id()
    cases = [
        (["vault", "create", "--name", "n", "--size-gb", "3", "--resource", f"{rid}:server:a:2",
          "--description", "d"],
         "vault.create",
         {"vault": {"name": "n", "description": "d", "billing": {"size": 3},
                    "resources": [{"id": rid, "type": "OS::Nova::Server", "name": "a", "size": 2}]}}),
        (["vault", "show", "V"], "vault.get", {"vault_id": "V"}),
        (["checkpoint", "create", "--vault-id", "V", "--resource", "R", "--auto-trigger", "--name", "n"],
         "checkpoint.create",
         {"checkpoint": {"vault_id": "V", "parameters": {"auto_trigger": True, "name": "n", "resources": ["R"]}}}),
        (["checkpoint", "show", "C"], "checkpoint.get", {"checkpoint_id": "C"}),
        (["checkpoint", "wait", "C", "--timeout", "0.25", "--status", "error"], "checkpoint.wait",
         {"checkpoint_id": "C", "status": "error", "timeout_ms": 250}),
        (["checkpoint", "wait", "C"], "checkpoint.wait", {"checkpoint_id": "C", "timeout_ms": 60000}),
        (["policy", "create", "--name", "p", "--resource", f"{rid}:volume"], "policy.create",
         {"policy": {"name": "p", "resources": [{"id": rid, "type": "OS::Cinder::Volume"}]}}),
        (["policy", "show", "P"], "policy.get", {"policy_id": "P"}),
        (["policy", "execute", "P"], "policy.execute", {"checkpoint": {"plan_id": "P", "parameters": {}}}),
        (["policy", "execute", "P", "--resource", "R", "--auto-trigger"], "policy.execute",
         {"checkpoint": {"plan_id": "P", "parameters": {"auto_trigger": True, "resources": ["R"]}}}),
        (["call", "vault.get", '{"vault_id": "V"}'], "vault.get", {"vault_id": "V"}),
        (["call", "vault.get"], "vault.get", {}),
    ]
    for args, op, request in cases:
        plan = ckpt.ok(*args, "--dry-run", "--store", missing)
        assert plan == {"operation": op, "request": request}, args


def test_policy_create_show_execute_wait(ckpt):
    r1, r2 = new_id(), new_id()
    p = ckpt.ok("policy", "create", "--name", "weekly", "--description", "pd",
                "--resource", f"{r1}:server:web:2", "--resource", f"{r2}:server:db:3")["policy"]
    assert p["name"] == "weekly" and p["description"] == "pd" and p["provider_id"] == CSBS_PROVIDER
    assert {r["id"] for r in p["resources"]} == {r1, r2}
    assert ckpt.ok("policy", "show", p["id"])["policy"]["id"] == p["id"]
    e = ckpt.ok("policy", "execute", p["id"], "--resource", r1, "--auto-trigger")["checkpoint"]
    assert e["status"] == "protecting" and e["protection_plan"]["id"] == p["id"]
    assert [r["id"] for r in e["protection_plan"]["resources"]] == [r1]
    assert json.loads(e["extra_info"])["created_by"] == "auto"
    w = ckpt.ok("checkpoint", "wait", e["id"], "--provider-id", CSBS_PROVIDER)
    assert w["checkpoint"]["status"] == "available"
    got = ckpt.ok("call", "policy.checkpoint_get", json.dumps({"checkpoint_id": e["id"]}))
    assert got["checkpoint"]["id"] == e["id"]


def test_call_request_from_argument_and_stdin(ckpt):
    vid, _ = ckpt.vault((new_id(), 1))
    cid, _ = ckpt.checkpoint(vid)
    req = json.dumps({"checkpoint_id": cid})
    a = ckpt.ok("call", "checkpoint.get", req)
    b = ckpt.ok("call", "checkpoint.get", "-", input=req)
    assert a == b and a["checkpoint"]["id"] == cid
    w = ckpt.ok("call", "checkpoint.wait", "-", input=json.dumps({"checkpoint_id": cid, "timeout_ms": 5000}))
    assert w["checkpoint"]["status"] == "available"


def test_call_stdin_with_whitespace_and_unicode(ckpt):
    body = {"vault": {"name": "ünïcødé ✓", "billing": {"size": 1}, "resources": []}}
    v = ckpt.ok("call", "vault.create", "-", input="\n  " + json.dumps(body, ensure_ascii=False) + "\n\n")
    assert v["vault"]["name"] == "ünïcødé ✓"


def test_local_checkpoint_set_status(ckpt):
    vid, _ = ckpt.vault((new_id(), 1))
    cid, _ = ckpt.checkpoint(vid)
    r = ckpt.ok("call", "local.checkpoint.set_status", json.dumps({"checkpoint_id": cid, "status": "error"}))
    assert r["checkpoint"]["status"] == "error"


# ---------------------------------------------------------------------------
# Output

def test_pretty_output(ckpt):
    vid, _ = ckpt.vault((new_id(), 1))
    compact = ckpt.run("vault", "show", vid).stdout.decode()
    p = ckpt.run("vault", "show", vid, "--pretty")
    assert p.returncode == 0
    pretty = p.stdout.decode()
    obj = json.loads(compact)
    assert json.loads(pretty) == obj
    # Two-space indent, keys in the response's order, empty containers inline.
    assert pretty == json.dumps(obj, indent=2, ensure_ascii=False) + "\n"
    assert '\n  "vault": {\n    "id": ' in pretty and '"tags": []' in pretty
    # The compact form keeps the same key order.
    assert compact == json.dumps(obj, separators=(",", ":"), ensure_ascii=False) + "\n"


def test_pretty_error_on_stderr(ckpt):
    p = ckpt.run("vault", "show", new_id(), "--pretty")
    assert p.returncode == EXIT["not_found"] and p.stdout == b""
    err = p.stderr.decode()
    assert err.startswith('{\n  "code": -2,\n  "class": "not_found",')
    assert json.loads(err)["error_code"] == "BackupService.6105"


def test_pretty_escapes_strings(ckpt):
    plan = ckpt.run("call", "x.y", json.dumps({"s": "a\"b\\c\n\t\u0001é", "n": [1.5, -2, None, True, {}]}),
                    "--dry-run", "--pretty")
    assert plan.returncode == 0
    assert json.loads(plan.stdout)["request"] == {"s": "a\"b\\c\n\t\u0001é", "n": [1.5, -2, None, True, {}]}


def test_no_progress_when_stderr_is_not_a_terminal(ckpt):
    slow = ckpt.config({"simulate": {"backup_ms_per_gb": 300}})
    vid, _ = ckpt.vault((new_id(), 1))
    cid, _ = ckpt.checkpoint(vid, "--config", slow)
    p = ckpt.run("checkpoint", "wait", cid, "--config", slow)
    assert p.returncode == 0 and p.stderr == b""
    assert json.loads(p.stdout)["checkpoint"]["status"] == "available"


def test_progress_when_stderr_is_a_terminal(ckpt):
    slow = ckpt.config({"simulate": {"backup_ms_per_gb": 300}})
    vid, _ = ckpt.vault((new_id(), 1))
    cid, _ = ckpt.checkpoint(vid, "--config", slow)
    master, slave = pty.openpty()
    try:
        p = ckpt.run("checkpoint", "wait", cid, "--config", slow, stderr=slave)
        os.close(slave)
        slave = None
        chunks = []
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)
    assert p.returncode == 0
    assert json.loads(p.stdout)["checkpoint"]["status"] == "available"  # stdout stays JSON only
    progress = b"".join(chunks).decode()
    assert "\rwaiting: protecting (" in progress and " s)" in progress


# ---------------------------------------------------------------------------
# Exit codes

def test_invalid_bad_json_argument(ckpt):
    err = ckpt.fail("invalid", "call", "checkpoint.get", "{bad")
    assert err["http_status"] == 400 and err["error_code"] == "BackupService.9900"
    assert "malformed JSON" in err["error_msg"]


def test_invalid_bad_json_stdin(ckpt):
    assert "malformed JSON" in ckpt.fail("invalid", "call", "checkpoint.get", "-", input="[1,")["error_msg"]
    assert "empty" in ckpt.fail("invalid", "call", "checkpoint.get", "-", input="")["error_msg"]
    ckpt.fail("invalid", "call", "vault.create", "-", input=b'{"vault": "\xff\xfe"}')


def test_invalid_json_wins_over_a_broken_store(ckpt):
    # The request is checked before the store is opened.
    ckpt.fail("invalid", "call", "checkpoint.get", "{", "--store", str(ckpt.tmp / "no" / "s.db"))


def test_invalid_fields(ckpt):
    err = ckpt.fail("invalid", "vault", "create", "--name", "v", "--size-gb", "0")
    assert "billing.size" in err["error_msg"]
    err = ckpt.fail("invalid", "checkpoint", "show", "not-a-uuid")
    assert "checkpoint_id" in err["error_msg"]
    err = ckpt.fail("invalid", "call", "checkpoint.create", '{"checkpoint": {"vault_id": "%s", "bogus": 1}}' % new_id())
    assert "bogus" in err["error_msg"]
    ckpt.fail("invalid", "call", "no.such.operation", "{}")
    ckpt.fail("invalid", "call", "checkpoint.get")  # omitted request is {}: checkpoint_id is required
    ckpt.fail("invalid", "call", "checkpoint.get", "[]")
    ckpt.fail("invalid", "vault", "create", "--name", "v", "--size-gb", "1", "--resource", f"{new_id()}:floppy")
    ckpt.fail("invalid", "checkpoint", "wait", new_id(), "--status", "bogus")


def test_invalid_oversized_and_deep_requests(ckpt):
    ckpt.fail("invalid", "call", "checkpoint.get", "-", input="[" * 100 + "]" * 100)
    big = json.dumps({"checkpoint_id": "x" * (2 * 1024 * 1024)})
    ckpt.fail("invalid", "call", "checkpoint.get", "-", input=big)


def test_not_found(ckpt):
    err = ckpt.fail("not_found", "checkpoint", "show", new_id())
    assert err["http_status"] == 404
    ckpt.fail("not_found", "vault", "show", new_id())
    ckpt.fail("not_found", "policy", "show", new_id())
    ckpt.fail("not_found", "policy", "execute", new_id())
    ckpt.fail("not_found", "checkpoint", "wait", new_id())


def test_conflict_frozen_vault(ckpt):
    vid, _ = ckpt.vault((new_id(), 1))
    frozen = ckpt.ok("call", "local.vault.set_status", json.dumps({"vault_id": vid, "status": "frozen"}))
    assert frozen["vault"]["billing"]["status"] == "frozen"
    err = ckpt.fail("conflict", "checkpoint", "create", "--vault-id", vid)
    assert err["error_code"] == "BackupService.6113" and err["http_status"] == 400


def test_conflict_busy_vault(ckpt):
    slow = ckpt.config(SLOW)
    vid, _ = ckpt.vault((new_id(), 1))
    ckpt.checkpoint(vid, "--config", slow)
    err = ckpt.fail("conflict", "checkpoint", "create", "--vault-id", vid, "--config", slow)
    assert err["error_code"] == "BackupService.1001"


def test_conflict_wait_ends_in_error(ckpt):
    rid = new_id()
    failing = ckpt.config({"simulate": {"fail_resources": [rid]}})
    vid, _ = ckpt.vault((rid, 1))
    cid, _ = ckpt.checkpoint(vid, "--config", failing)
    err = ckpt.fail("conflict", "checkpoint", "wait", cid, "--config", failing)
    assert err["checkpoint"]["id"] == cid and err["checkpoint"]["status"] == "error"


def test_quota(ckpt):
    vid, _ = ckpt.vault((new_id(), 8), size=5)
    err = ckpt.fail("quota", "checkpoint", "create", "--vault-id", vid)
    assert err["error_code"] == "BackupService.6114"


def test_timeout(ckpt):
    slow = ckpt.config(SLOW)
    vid, _ = ckpt.vault((new_id(), 1))
    cid, _ = ckpt.checkpoint(vid, "--config", slow)
    err = ckpt.fail("timeout", "checkpoint", "wait", cid, "--timeout", "0.2", "--config", slow)
    assert err["http_status"] == 0 and err["error_code"] == ""
    assert err["checkpoint"]["status"] == "protecting"
    ckpt.fail("timeout", "checkpoint", "wait", cid, "--timeout", "0", "--config", slow)


def test_storage_missing_directory(ckpt):
    missing = str(ckpt.tmp / "does-not-exist" / "store.db")
    err = ckpt.fail("storage", "vault", "show", new_id(), "--store", missing)
    assert missing in err["error_msg"]
    assert err["http_status"] == 0 and err["error_code"] == ""
    ckpt.fail("storage", "call", "checkpoint.get", "{}", env={"CKPT_STORE": missing})


def test_invalid_configuration(ckpt):
    err = ckpt.fail("invalid", "vault", "show", new_id(), "--config", str(ckpt.tmp / "nope.json"))
    assert "nope.json" in err["error_msg"]
    bad = ckpt.tmp / "bad.json"
    bad.write_text("{not json")
    ckpt.fail("invalid", "vault", "show", new_id(), "--config", str(bad))
    ckpt.fail("invalid", "vault", "show", new_id(), "--config", ckpt.config({"no_such_key": 1}))
    ckpt.fail("invalid", "vault", "show", new_id(), "--config", ckpt.config([1, 2]))
    ckpt.fail("invalid", "vault", "show", new_id(), "--config", str(ckpt.tmp))  # a directory


@pytest.mark.parametrize("args", [
    ["nope"],
    ["vault", "nope"],
    ["vault", "create", "--size-gb", "1"],                       # --name missing
    ["vault", "create", "--name", "v", "--size-gb", "lots"],
    ["vault", "create", "--name", "v", "--size-gb", "1", "--resource", "only-an-id"],
    ["vault", "create", "--name", "v", "--size-gb", "1", "--resource", ":server"],
    ["vault", "create", "--name", "v", "--size-gb", "1", "--resource", "id:server:n:99999999999999999999"],
    ["policy", "create", "--name", "p"],                          # --resource missing
    ["checkpoint", "create"],                                     # --vault-id missing
    ["checkpoint", "create", "--vault-id", "v", "--full", "--incremental"],
    ["checkpoint", "wait", "c", "--timeout=-1"],
    ["checkpoint", "wait", "c", "--timeout", "nan"],
    ["checkpoint", "wait", "c", "--timeout", "86401"],
    ["checkpoint", "show"],
    ["call"],
    ["call", "a", "b", "c"],
    ["vault", "show", "v", "--bogus"],
])
def test_usage_errors(ckpt, args):
    msg = ckpt.usage(*args)
    assert "Error:" in msg or "Usage:" in msg


# ---------------------------------------------------------------------------
# Configuration precedence: flags win over the environment

def stores(ckpt):
    """Two stores: `a` holds a vault, `b` is empty.  Returns (a, b, vault_id)."""
    a, b = str(ckpt.tmp / "a.db"), str(ckpt.tmp / "b.db")
    vid, _ = ckpt.vault((new_id(), 1), extra=("--store", a))
    ckpt.ok("call", "vault.create", json.dumps({"vault": {"name": "b", "billing": {"size": 1}, "resources": []}}),
            "--store", b)
    return a, b, vid


def in_store(ckpt, vid, *args, env=None):
    """True when `vault show` finds vid (store a), False when not found (store b)."""
    p = ckpt.run("vault", "show", vid, *args, env=env)
    assert p.returncode in (0, EXIT["not_found"]), p.stderr
    return p.returncode == 0


def test_store_environment_is_used(ckpt):
    a, b, vid = stores(ckpt)
    assert in_store(ckpt, vid, env={"CKPT_STORE": a})
    assert not in_store(ckpt, vid, env={"CKPT_STORE": b})


def test_store_flag_wins_over_environment(ckpt):
    a, b, vid = stores(ckpt)
    assert in_store(ckpt, vid, "--store", a, env={"CKPT_STORE": b})
    assert not in_store(ckpt, vid, "--store", b, env={"CKPT_STORE": a})
    # A broken environment does not matter when the flag is given.
    missing = str(ckpt.tmp / "missing" / "s.db")
    assert in_store(ckpt, vid, "--store", a, env={"CKPT_STORE": missing})


def test_config_flag_wins_over_environment(ckpt):
    a, b, vid = stores(ckpt)
    ca, cb = ckpt.config({"path": a}, "a.json"), ckpt.config({"path": b}, "b.json")
    assert in_store(ckpt, vid, env={"CKPT_CONFIG": ca, "CKPT_STORE": None})
    assert not in_store(ckpt, vid, "--config", cb, env={"CKPT_CONFIG": ca, "CKPT_STORE": None})
    # The --config file's path beats $CKPT_STORE (a flag beats the environment) ...
    assert in_store(ckpt, vid, "--config", ca, env={"CKPT_STORE": b})
    # ... and $CKPT_STORE beats the path of the $CKPT_CONFIG file.
    assert not in_store(ckpt, vid, env={"CKPT_CONFIG": ca, "CKPT_STORE": b})


def test_store_flag_overrides_config_path(ckpt):
    a, b, vid = stores(ckpt)
    cb = ckpt.config({"path": b, "project_id": "00000000000000000000000000000000"}, "b.json")
    assert in_store(ckpt, vid, "--config", cb, "--store", a)
    assert in_store(ckpt, vid, "--store", a, env={"CKPT_CONFIG": cb})


def test_config_project_scopes_the_store(ckpt):
    a, _, vid = stores(ckpt)
    other = ckpt.config({"project_id": "another-project"})
    assert not in_store(ckpt, vid, "--store", a, "--config", other)
    assert in_store(ckpt, vid, "--store", a)


def test_default_store_under_home(ckpt):
    env = {"CKPT_STORE": None, "XDG_DATA_HOME": str(ckpt.tmp / "xdg")}
    v = ckpt.ok("vault", "create", "--name", "v", "--size-gb", "1", env=env)
    assert (ckpt.tmp / "xdg" / "ckpt" / "store.db").exists()
    assert in_store(ckpt, v["vault"]["id"], env=env)


# ---------------------------------------------------------------------------
# The quick start

def test_quickstart_script(ckpt):
    script = REPO / "examples" / "quickstart.sh"
    env = dict(ckpt.env)
    env.pop("CKPT_STORE")
    env["CKPT"] = BIN
    p = subprocess.run(["bash", str(script)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env,
                       timeout=120)
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert '"status": "available"' in out and "is available" in out
    # With a store path given, the store is kept there.
    store = ckpt.tmp / "qs" / "store.db"
    p = subprocess.run(["bash", str(script), str(store)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       env=env, timeout=120)
    assert p.returncode == 0, p.stderr
    assert store.exists()


# ---------------------------------------------------------------------------
# `ckpt serve` runs `ckpt-serve`: the server is not in the ckpt binary.
# ---------------------------------------------------------------------------

def test_the_ckpt_binary_does_not_carry_the_server():
    # Hummingbird (and with it SwiftNIO and Foundation's ICU data) lives in
    # ckpt-serve only, so that every other command starts without loading it.
    data = pathlib.Path(BIN).read_bytes()
    assert b"HummingbirdCore" not in data and b"NIOPosix" not in data
    server = pathlib.Path(BIN).parent / "ckpt-serve"
    assert b"HummingbirdCore" in server.read_bytes()


def test_serve_runs_ckpt_serve_with_the_same_arguments(ckpt):
    proc = subprocess.Popen([BIN, "serve", "--listen", "127.0.0.1:0", "--store", ckpt.store, "--token", "t0k"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=ckpt.env)
    try:
        line = proc.stdout.readline().decode()
        assert line.startswith("listening on http://127.0.0.1:"), line
        # The process became ckpt-serve (exec: the same pid), with the arguments it was given.
        cmdline = pathlib.Path(f"/proc/{proc.pid}/cmdline").read_bytes().split(b"\0")
        assert cmdline[0].endswith(b"/ckpt-serve") and cmdline[1:4] == [b"--listen", b"127.0.0.1:0", b"--store"]
    finally:
        proc.terminate()
        assert proc.wait(timeout=30) == 0


def test_serve_checks_its_options_before_running_the_server(ckpt):
    # A bad option is refused by ckpt itself (usage, 64), even without ckpt-serve.
    err = ckpt.usage("serve", "--listen", "nowhere", env={"CKPT_SERVE_BIN": "/nonexistent/ckpt-serve"})
    assert "--listen" in err


def test_serve_without_the_server_executable_says_where_it_looked(ckpt):
    err = ckpt.fail("invalid", "serve", "--listen", "127.0.0.1:0",
                    env={"CKPT_SERVE_BIN": str(ckpt.tmp / "missing" / "ckpt-serve")})
    assert "ckpt-serve is not installed" in err["error_msg"] and "missing/ckpt-serve" in err["error_msg"]
