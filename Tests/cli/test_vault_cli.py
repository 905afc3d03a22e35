"""The 1.1 vault and CSBS checkpoint commands of the `ckpt` CLI ("lifecycle
part 2"): `vault list|update|delete|add-resource|remove-resource`,
`policy checkpoints` and `policy delete-checkpoint`, driving the built
binary as a shell script (or a person at a terminal) would.

    CKPT_BIN=/path/to/ckpt python3 -m pytest Tests/cli -q

`vault delete` asks on a terminal: every run of it here either passes
--yes, gives stdin as a pipe (input=""), or puts stdin on a pseudo-terminal,
so that a test run from a terminal never waits for an answer.
"""

import json
import os
import pty
import select
import subprocess
import time

import pytest

from test_cli import BIN, CSBS_PROVIDER, EXIT, Ckpt, new_id

SLOW = {"simulate": {"backup_ms_per_gb": 3_600_000}}  # a backup or delete that never ends here
DAY_MS = 86_400_000


@pytest.fixture
def ckpt(tmp_path):
    (tmp_path / "home").mkdir()
    return Ckpt(tmp_path)


def vault_ids(page):
    return [v["id"] for v in page["vaults"]]


def backups(ckpt, vid):
    return ckpt.ok("backup", "list", "--vault-id", vid)["backups"]


def exists(ckpt, vid):
    p = ckpt.run("vault", "show", vid)
    assert p.returncode in (0, EXIT["not_found"]), p.stderr
    return p.returncode == 0


def answer_on_a_terminal(ckpt, answer, *args, timeout=30):
    """Runs with stdin on a pseudo-terminal; waits for a prompt on stderr
    (or the end), then types `answer` (None: types nothing).  Returns
    (status, stdout, stderr)."""
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([BIN, *args], stdin=slave, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             env=ckpt.env)
    finally:
        os.close(slave)
    try:
        err = b""
        deadline = time.monotonic() + timeout
        # The prompt tells what to type: wait until it is there.
        while b"yes" not in err and p.poll() is None:
            assert time.monotonic() < deadline, ("no prompt", err)
            ready, _, _ = select.select([p.stderr], [], [], 0.1)
            if ready:
                chunk = os.read(p.stderr.fileno(), 4096)
                if not chunk:
                    break
                err += chunk
        if answer is not None and p.poll() is None:
            os.write(master, answer.encode())
        out, rest = p.communicate(timeout=timeout)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        os.close(master)
    return p.returncode, out, err + rest


def doomed_vault(ckpt, checkpoints=2):
    """A vault of two 1-GB servers with `checkpoints` checkpoints (so twice
    as many backups); returns (vault_id, backups)."""
    vid, _ = ckpt.vault((new_id(), 1), (new_id(), 1))
    for _ in range(checkpoints):
        ckpt.checkpoint(vid)
    return vid, backups(ckpt, vid)


NEW_COMMANDS = [
    ["vault", "list"], ["vault", "update"], ["vault", "delete"], ["vault", "add-resource"],
    ["vault", "remove-resource"], ["policy", "checkpoints"], ["policy", "delete-checkpoint"],
]


@pytest.mark.parametrize("path", NEW_COMMANDS, ids=" ".join)
def test_help_on_every_new_command(ckpt, path):
    p = ckpt.run(*path, "--help")
    assert p.returncode == 0, p.stderr
    out = p.stdout.decode()
    assert ("USAGE: ckpt " + " ".join(path)) in out
    assert "--store" in out and "--config" in out and "--pretty" in out and "--dry-run" in out
    group = ckpt.run(path[0], "--help").stdout.decode()
    assert path[1] in group


def test_dry_run_requests_of_the_new_commands(ckpt):
    missing = str(ckpt.tmp / "missing" / "store.db")  # nothing is opened
    rid = new_id()
    cases = [
        (["vault", "list"], "vault.list", {}),
        (["vault", "list", "--name", "n", "--id", "A", "--id", "B", "--status", "lock", "--object-type", "disk",
          "--protect-type", "backup", "--cloud-type", "public", "--policy-id", "P", "--resource-id", "R1",
          "--resource-id", "R2", "--limit", "5", "--offset", "2", "--sort", "name:asc"],
         "vault.list",
         {"name": "n", "id": ["A", "B"], "status": "lock", "object_type": "disk", "protect_type": "backup",
          "cloud_type": "public", "policy_id": "P", "resource_ids": "R1,R2", "limit": 5, "offset": 2,
          "sort": "name:asc"}),
        (["vault", "update", "V", "--name", "n", "--size-gb", "3"], "vault.update",
         {"vault_id": "V", "vault": {"name": "n", "billing": {"size": 3}}}),
        (["vault", "update", "V", "--size-gb", "3"], "vault.update",
         {"vault_id": "V", "vault": {"billing": {"size": 3}}}),
        (["vault", "delete", "V"], "vault.delete", {"vault_id": "V"}),
        (["vault", "delete", "V", "--yes", "--wait", "--timeout", "2.5"], "vault.delete", {"vault_id": "V"}),
        (["vault", "add-resource", "V", "--resource", f"{rid}:volume:data:2"], "vault.add_resources",
         {"vault_id": "V", "resources": [{"id": rid, "type": "OS::Cinder::Volume", "name": "data", "size": 2}]}),
        (["vault", "remove-resource", "V", "--resource-id", "A", "--resource-id", "B"], "vault.remove_resources",
         {"vault_id": "V", "resource_ids": ["A", "B"]}),
        (["policy", "checkpoints", "--plan-id", "P", "--start-date", "2024-03-01", "--end-date", "2024-03-02",
          "--limit", "3", "--marker", "M", "--sort", "created_at:asc"], "policy.checkpoint_list",
         {"plan_id": "P", "start_date": "2024-03-01", "end_date": "2024-03-02", "limit": 3, "marker": "M",
          "sort": "created_at:asc"}),
        (["policy", "delete-checkpoint", "C"], "policy.checkpoint_delete", {"checkpoint_id": "C"}),
    ]
    for args, op, request in cases:
        plan = ckpt.ok(*args, "--dry-run", "--store", missing, input="")
        assert plan == {"operation": op, "request": request}, args
    # A dry run of a delete deletes nothing and asks nothing, on a terminal too.
    vid, _ = ckpt.vault((new_id(), 1))
    rc, out, err = answer_on_a_terminal(ckpt, None, "vault", "delete", vid, "--dry-run")
    assert rc == 0 and json.loads(out) == {"operation": "vault.delete", "request": {"vault_id": vid}}
    assert err == b"" and exists(ckpt, vid)


# ---------------------------------------------------------------------------
# vault list

def test_vault_list_filters_and_paging(ckpt):
    res = [new_id() for _ in range(5)]
    vids = [ckpt.vault((rid, 1))[0] for rid in res]
    disk = ckpt.ok("vault", "create", "--name", "d", "--size-gb", "1", "--object-type", "disk")["vault"]["id"]
    page = ckpt.ok("vault", "list")
    assert (page["count"], page["offset"], page["limit"]) == (6, 0, 1000)
    assert vault_ids(page) == [disk] + vids[::-1]  # newest first
    assert vault_ids(ckpt.ok("vault", "list", "--name", "d")) == [disk]
    assert ckpt.ok("vault", "list", "--name", "v")["count"] == 5
    assert vault_ids(ckpt.ok("vault", "list", "--object-type", "disk")) == [disk]
    assert vault_ids(ckpt.ok("vault", "list", "--id", vids[1], "--id", vids[3])) == [vids[3], vids[1]]
    assert vault_ids(ckpt.ok("vault", "list", "--resource-id", res[0])) == [vids[0]]
    assert vault_ids(ckpt.ok("vault", "list", "--resource-id", res[2], "--resource-id", res[4])) == [vids[4], vids[2]]
    ckpt.ok("call", "local.vault.set_status", json.dumps({"vault_id": vids[2], "status": "lock"}))
    assert vault_ids(ckpt.ok("vault", "list", "--status", "lock")) == [vids[2]]
    assert ckpt.ok("vault", "list", "--status", "available")["count"] == 5
    one = ckpt.ok("vault", "list", "--limit", "2", "--offset", "1")
    assert vault_ids(one) == vault_ids(page)[1:3] and one["count"] == 6
    assert vault_ids(ckpt.ok("vault", "list", "--marker", vids[3])) == vids[2::-1]
    assert vault_ids(ckpt.ok("vault", "list", "--sort", "created_at:asc")) == vids + [disk]
    assert ckpt.ok("vault", "list", "--offset", "100") == {"vaults": [], "count": 6, "offset": 100, "limit": 1000}


def test_vault_list_all_follows_every_page(ckpt):
    vids = [ckpt.vault((new_id(), 1))[0] for _ in range(7)]
    whole = ckpt.ok("vault", "list", "--limit", "2", "--all")
    assert vault_ids(whole) == vids[::-1] and whole["count"] == 7
    asc = ckpt.ok("vault", "list", "--limit", "3", "--sort", "created_at:asc", "--all")
    assert vault_ids(asc) == vids
    ids = vault_ids(ckpt.ok("vault", "list", "--limit", "1", "--sort", "id:desc", "--all"))
    assert ids == sorted(vids, reverse=True)
    assert vault_ids(ckpt.ok("vault", "list", "--limit", "1", "--all", "--id", vids[0], "--id", vids[6])) == \
        [vids[6], vids[0]]


def test_vault_list_errors_name_the_option(ckpt):
    for args, field in ((["--limit", "0"], "limit"), (["--offset=-1"], "offset"), (["--sort", "size"], "sort"),
                        (["--status", "gone"], "status"), (["--object-type", "tape"], "object_type"),
                        (["--id", "v1"], "id"), (["--resource-id", "r1"], "resource_ids"),
                        (["--marker", new_id()], "marker")):
        err = ckpt.fail("invalid", "vault", "list", *args)
        assert err["error_code"] == "BackupService.9900" and err["error_msg"].startswith(field), (args, err)
    assert ckpt.usage("vault", "list", "--limit", "many")


def test_vault_list_help_names_the_sort_keys_it_takes(ckpt):
    # The --sort help must name exactly the keys vault.list takes.
    text = ckpt.run("vault", "list", "--help").stdout.decode()
    sort_help = " ".join(text.split("--sort <keys>", 1)[1].split("--all", 1)[0].split())
    for key in ("created_at", "name", "status", "id"):
        assert key in sort_help
        ckpt.ok("vault", "list", "--sort", f"{key}:asc")
    if "updated_at" in sort_help:
        ckpt.ok("vault", "list", "--sort", "updated_at")  # documented there, so it must work


# ---------------------------------------------------------------------------
# vault update

def test_vault_update(ckpt):
    vid, created = ckpt.vault((new_id(), 4), size=10)
    v = ckpt.ok("vault", "update", vid, "--name", "renamed")["vault"]
    assert v["name"] == "renamed" and v["billing"]["size"] == 10
    v = ckpt.ok("vault", "update", vid, "--size-gb", "20")["vault"]
    assert v["name"] == "renamed" and v["billing"]["size"] == 20
    v = ckpt.ok("vault", "update", vid, "--name", "both", "--size-gb", "4")["vault"]
    assert (v["name"], v["billing"]["size"]) == ("both", 4)
    assert ckpt.ok("vault", "show", vid) == {"vault": v}
    assert vault_ids(ckpt.ok("vault", "list", "--name", "both")) == [vid]


def test_vault_update_errors(ckpt):
    vid, _ = ckpt.vault((new_id(), 4), size=10)
    ckpt.checkpoint(vid)
    before = ckpt.ok("vault", "show", vid)
    err = ckpt.fail("invalid", "vault", "update", vid, "--size-gb", "3")
    assert err["error_code"] == "BackupService.9900" and err["error_msg"].startswith("vault.billing.size:")
    assert ckpt.ok("vault", "show", vid) == before
    err = ckpt.fail("not_found", "vault", "update", new_id(), "--name", "x")
    assert (err["http_status"], err["error_code"]) == (404, "BackupService.6105")
    assert "vault.name" in ckpt.fail("invalid", "vault", "update", vid, "--name", "")["error_msg"]
    assert "vault_id" in ckpt.fail("invalid", "vault", "update", "v1", "--name", "x")["error_msg"]
    assert ckpt.usage("vault", "update", vid, "--size-gb", "lots")
    assert ckpt.usage("vault", "update")


# ---------------------------------------------------------------------------
# vault delete

def test_vault_delete_from_a_script_does_not_ask(ckpt):
    vid, bs = doomed_vault(ckpt)
    other, _ = ckpt.vault((new_id(), 1))
    ckpt.checkpoint(other)
    assert len(bs) == 4
    assert ckpt.ok("vault", "delete", vid, input="") == {}  # stdin a pipe: no prompt (ok: stderr is empty)
    err = ckpt.fail("not_found", "vault", "show", vid)
    assert err["error_code"] == "BackupService.6105"
    assert backups(ckpt, vid) == [] and ckpt.ok("backup", "list", "--vault-id", vid)["count"] == 0
    for b in bs:
        assert ckpt.fail("not_found", "backup", "show", b["id"])["error_code"] == "BackupService.6200"
    (task,) = ckpt.ok("task", "list", "--vault-id", vid)["operation_logs"]
    assert (task["operation_type"], task["status"]) == ("vault_delete", "success")
    assert task["extra_info"]["vault_delete"] == {"fail_count": 0, "total_count": 4}
    assert ckpt.ok("task", "list", "--operation-type", "vault_delete")["count"] == 1
    # The other vault keeps its backup.
    assert len(backups(ckpt, other)) == 1 and exists(ckpt, other)
    assert ckpt.ok("vault", "list")["count"] == 1


def test_vault_delete_on_a_terminal_answered_no_deletes_nothing(ckpt):
    vid, bs = doomed_vault(ckpt)
    for answer in ("n\n", "no\n", "\n", "nope\n"):
        rc, out, err = answer_on_a_terminal(ckpt, answer, "vault", "delete", vid)
        assert rc == EXIT["invalid"], (answer, rc, err)
        assert out == b"", "nothing on stdout"
        assert vid in err.decode() and "yes" in err.decode()  # the prompt, on stderr
        assert exists(ckpt, vid)
        assert backups(ckpt, vid) == bs
    # End of input (Ctrl-D) is no answer: nothing deleted either.
    rc, out, err = answer_on_a_terminal(ckpt, "\x04", "vault", "delete", vid)
    assert rc == EXIT["invalid"] and out == b""
    assert exists(ckpt, vid) and backups(ckpt, vid) == bs
    assert ckpt.ok("task", "list", "--operation-type", "vault_delete")["count"] == 0


@pytest.mark.parametrize("answer", ["yes\n", "y\n"])
def test_vault_delete_on_a_terminal_answered_yes_deletes(ckpt, answer):
    vid, bs = doomed_vault(ckpt)
    rc, out, err = answer_on_a_terminal(ckpt, answer, "vault", "delete", vid)
    assert rc == 0, err
    assert json.loads(out) == {}
    assert vid in err.decode()  # it asked
    assert not exists(ckpt, vid)
    assert ckpt.ok("backup", "list")["count"] == 0
    (task,) = ckpt.ok("task", "list", "--operation-type", "vault_delete")["operation_logs"]
    assert task["vault_id"] == vid and task["extra_info"]["vault_delete"]["total_count"] == len(bs)


def test_vault_delete_on_a_terminal_with_yes_does_not_ask(ckpt):
    vid, _ = doomed_vault(ckpt, checkpoints=1)
    rc, out, err = answer_on_a_terminal(ckpt, None, "vault", "delete", vid, "--yes")
    assert (rc, json.loads(out), err) == (0, {}, b"")
    assert not exists(ckpt, vid)


def test_vault_delete_wait_prints_the_vault_deleted(ckpt):
    vid, _ = doomed_vault(ckpt, checkpoints=1)
    gone = ckpt.ok("vault", "delete", vid, "--wait", input="")["vault"]
    assert gone["id"] == vid and gone["billing"]["status"] == "deleted"
    assert not exists(ckpt, vid)
    # With a delete that takes simulated time, the vault as last seen.
    slow = ckpt.config({"simulate": {"backup_ms_per_gb": 300}})
    vid, _ = doomed_vault(ckpt, checkpoints=1)
    shown = ckpt.ok("vault", "show", vid)["vault"]
    start = time.monotonic()
    gone = ckpt.ok("vault", "delete", vid, "--wait", "--timeout", "20", "--config", slow, input="")["vault"]
    assert time.monotonic() - start >= 0.25
    assert gone["billing"]["status"] == "deleted"
    assert {k: v for k, v in gone.items() if k != "billing"} == {k: v for k, v in shown.items() if k != "billing"}
    assert {k: v for k, v in gone["billing"].items() if k != "status"} == \
        {k: v for k, v in shown["billing"].items() if k != "status"}
    assert not exists(ckpt, vid)
    (task,) = ckpt.ok("task", "list", "--vault-id", vid)["operation_logs"]
    assert task["status"] == "success"
    # And on a terminal, after "yes".
    vid, _ = doomed_vault(ckpt, checkpoints=1)
    rc, out, err = answer_on_a_terminal(ckpt, "yes\n", "vault", "delete", vid, "--wait")
    assert rc == 0, err
    gone = json.loads(out)["vault"]
    assert gone["id"] == vid and gone["billing"]["status"] == "deleted"


def test_vault_delete_wait_timeout(ckpt):
    vid, _ = ckpt.vault((new_id(), 1))
    ckpt.checkpoint(vid)
    slow = ckpt.config(SLOW)
    err = ckpt.fail("timeout", "vault", "delete", vid, "--wait", "--timeout", "0.2", "--config", slow, input="")
    assert err["http_status"] == 0 and vid in err["error_msg"]
    # The delete itself goes on.
    assert ckpt.ok("vault", "show", vid)["vault"]["billing"]["status"] == "deleting"
    assert ckpt.usage("vault", "delete", vid, "--yes", "--wait", "--timeout=-1")
    assert ckpt.usage("vault", "delete", vid, "--yes", "--wait", "--timeout", "86401")


def test_vault_delete_errors(ckpt):
    err = ckpt.fail("not_found", "vault", "delete", new_id(), "--yes")
    assert (err["http_status"], err["error_code"]) == (404, "BackupService.6105")
    ckpt.fail("not_found", "vault", "delete", new_id(), input="")
    assert "vault_id" in ckpt.fail("invalid", "vault", "delete", "v1", "--yes")["error_msg"]
    # A backup in progress: refused, nothing deleted.
    vid, _ = ckpt.vault((new_id(), 1))
    ckpt.checkpoint(vid, "--config", ckpt.config(SLOW))
    err = ckpt.fail("conflict", "vault", "delete", vid, "--yes")
    assert (err["http_status"], err["error_code"]) == (400, "BackupService.6203")
    assert ckpt.ok("vault", "show", vid)["vault"]["billing"]["status"] == "available"
    assert len(backups(ckpt, vid)) == 1
    assert ckpt.usage("vault", "delete")


# ---------------------------------------------------------------------------
# vault add-resource, remove-resource

def test_vault_add_and_remove_resources(ckpt):
    first, second = new_id(), new_id()
    vid, _ = ckpt.vault((first, 1))
    added = ckpt.ok("vault", "add-resource", vid, "--resource", f"{second}:volume:data:2")
    assert added == {"add_resource_ids": [second]}
    res = {r["id"]: r for r in ckpt.ok("vault", "show", vid)["vault"]["resources"]}
    assert set(res) == {first, second}
    assert (res[second]["type"], res[second]["name"], res[second]["size"]) == ("OS::Cinder::Volume", "data", 2)
    cid, _ = ckpt.checkpoint(vid, "--resource", second)
    assert [b["resource_id"] for b in ckpt.ok("checkpoint", "backups", cid)["backups"]] == [second]
    removed = ckpt.ok("vault", "remove-resource", vid, "--resource-id", first, "--resource-id", second)
    assert removed == {"remove_resource_ids": [first, second]}
    assert ckpt.ok("vault", "show", vid)["vault"]["resources"] == []
    assert len(backups(ckpt, vid)) == 1  # its backups stay
    tasks = ckpt.ok("task", "list", "--operation-type", "remove_resource")["operation_logs"]
    assert len(tasks) == 1
    assert [x["id"] for x in tasks[0]["extra_info"]["remove_resources"]["resources"]] == [first, second]
    # Removed, it may join another vault.
    other, _ = ckpt.vault()
    assert ckpt.ok("vault", "add-resource", other, "--resource", f"{first}:server") == {"add_resource_ids": [first]}
    assert vault_ids(ckpt.ok("vault", "list", "--resource-id", first)) == [other]


def test_vault_add_resource_errors(ckpt):
    mine, theirs = new_id(), new_id()
    vid, _ = ckpt.vault((mine, 1))
    other, _ = ckpt.vault((theirs, 1))
    err = ckpt.fail("conflict", "vault", "add-resource", vid, "--resource", f"{mine}:server")
    assert (err["http_status"], err["error_code"]) == (400, "BackupService.6104")
    err = ckpt.fail("conflict", "vault", "add-resource", vid, "--resource", f"{theirs}:server")
    assert err["error_code"] == "BackupService.6103"
    assert ckpt.fail("not_found", "vault", "add-resource", new_id(), "--resource", f"{new_id()}:server")[
        "error_code"] == "BackupService.6105"
    ckpt.fail("invalid", "vault", "add-resource", vid, "--resource", "r1:server")
    assert [r["id"] for r in ckpt.ok("vault", "show", vid)["vault"]["resources"]] == [mine]
    assert ckpt.usage("vault", "add-resource", vid)  # --resource missing


def test_vault_remove_resource_errors(ckpt):
    busy = new_id()
    vid, _ = ckpt.vault((busy, 1))
    err = ckpt.fail("invalid", "vault", "remove-resource", vid, "--resource-id", new_id())
    assert (err["http_status"], err["error_code"]) == (400, "BackupService.6135")
    ckpt.checkpoint(vid, "--config", ckpt.config(SLOW))
    err = ckpt.fail("conflict", "vault", "remove-resource", vid, "--resource-id", busy)
    assert (err["http_status"], err["error_code"]) == (400, "BackupService.6134")
    assert [r["id"] for r in ckpt.ok("vault", "show", vid)["vault"]["resources"]] == [busy]
    assert ckpt.fail("not_found", "vault", "remove-resource", new_id(), "--resource-id", busy)[
        "error_code"] == "BackupService.6105"
    assert ckpt.usage("vault", "remove-resource", vid)


# ---------------------------------------------------------------------------
# policy checkpoints, policy delete-checkpoint

def _executed(ckpt, days=4):
    """A policy of two 1-GB servers executed once a simulated day (the
    oldest first, at days-d days ago) and another policy executed once
    now.  Returns (plan_id, its checkpoint ids oldest first, other plan's)."""
    plan = ckpt.ok("policy", "create", "--name", "p", "--resource", f"{new_id()}:server:a:1",
                   "--resource", f"{new_id()}:server:b:1")["policy"]["id"]
    other = ckpt.ok("policy", "create", "--name", "q", "--resource", f"{new_id()}:server:c:1")["policy"]["id"]
    made = []
    for d in range(days):
        cfg = ckpt.config({"simulate": {"clock_offset_ms": (d - days) * DAY_MS}}, name=f"day{d}.json")
        made.append(ckpt.ok("policy", "execute", plan, "--config", cfg)["checkpoint"]["id"])
    lone = ckpt.ok("policy", "execute", other)["checkpoint"]["id"]
    return plan, made, lone


def test_policy_checkpoints(ckpt):
    plan, made, lone = _executed(ckpt)
    page = ckpt.ok("policy", "checkpoints")
    assert set(page) == {"checkpoints"}  # Karbor's page: no count, no link when nothing follows
    assert [c["id"] for c in page["checkpoints"]] == [lone] + made[::-1]
    assert all(c["status"] == "available" for c in page["checkpoints"])
    mine = ckpt.ok("policy", "checkpoints", "--plan-id", plan)["checkpoints"]
    assert [c["id"] for c in mine] == made[::-1] and {c["protection_plan"]["id"] for c in mine} == {plan}
    asc = ckpt.ok("policy", "checkpoints", "--plan-id", plan, "--sort", "created_at:asc")["checkpoints"]
    assert [c["id"] for c in asc] == made
    got = ckpt.ok("call", "policy.checkpoint_get", json.dumps({"checkpoint_id": made[0]}))["checkpoint"]
    assert got == asc[0]
    # Days: from the one of the second checkpoint to the one of the third, both included.
    days = [c["created_at"][:10] for c in asc]
    window = ckpt.ok("policy", "checkpoints", "--start-date", days[1], "--end-date", days[2])["checkpoints"]
    assert [c["id"] for c in window] == [made[2], made[1]]
    assert ckpt.ok("policy", "checkpoints", "--end-date", days[0])["checkpoints"][-1]["id"] == made[0]
    assert ckpt.ok("policy", "checkpoints", "--end-date", "2000-01-01") == {"checkpoints": []}
    # Paging: a link exactly when another page follows.
    first = ckpt.ok("policy", "checkpoints", "--limit", "2")
    assert [c["id"] for c in first["checkpoints"]] == [lone, made[3]]
    (link,) = first["checkpoints_links"]
    assert link["rel"] == "next" and f"marker={made[3]}" in link["href"] and "limit=2" in link["href"]
    assert f"/providers/{CSBS_PROVIDER}/checkpoints?" in link["href"]
    second = ckpt.ok("policy", "checkpoints", "--limit", "2", "--marker", made[3])
    assert [c["id"] for c in second["checkpoints"]] == [made[2], made[1]] and "checkpoints_links" in second
    last = ckpt.ok("policy", "checkpoints", "--limit", "2", "--marker", made[1])
    assert last == {"checkpoints": [c for c in page["checkpoints"] if c["id"] == made[0]]}


def test_policy_checkpoints_all_follows_every_page(ckpt):
    plan, made, lone = _executed(ckpt, days=5)
    whole = ckpt.ok("policy", "checkpoints", "--limit", "2", "--all")
    ids = [c["id"] for c in whole["checkpoints"]]
    assert ids == [lone] + made[::-1] and len(set(ids)) == 6
    assert "checkpoints_links" not in whole
    assert whole["checkpoints"] == ckpt.ok("policy", "checkpoints")["checkpoints"]
    asc = ckpt.ok("policy", "checkpoints", "--plan-id", plan, "--limit", "1", "--sort", "created_at:asc", "--all")
    assert [c["id"] for c in asc["checkpoints"]] == made


def test_policy_checkpoints_errors(ckpt):
    for args, field in ((["--start-date", "2024-13-01"], "start_date"), (["--end-date", "yesterday"], "end_date"),
                        (["--limit", "0"], "limit"), (["--sort", "name"], "sort"), (["--plan-id", "p1"], "plan_id"),
                        (["--provider-id", new_id()], "provider_id")):
        err = ckpt.fail("invalid", "policy", "checkpoints", *args)
        assert err["error_code"] == "CSBS.9001" and err["error_msg"].startswith(field), (args, err)
    assert ckpt.usage("policy", "checkpoints", "--offset", "1")  # Karbor's list pages by marker only


def test_policy_delete_checkpoint(ckpt):
    plan, made, lone = _executed(ckpt, days=2)
    assert ckpt.ok("policy", "delete-checkpoint", made[0]) == {}
    err = ckpt.fail("not_found", "call", "policy.checkpoint_get", json.dumps({"checkpoint_id": made[0]}))
    assert (err["http_status"], err["error_code"]) == (404, "CSBS.3001")
    assert [c["id"] for c in ckpt.ok("policy", "checkpoints")["checkpoints"]] == [lone, made[1]]
    assert ckpt.ok("backup", "list", "--checkpoint-id", made[0])["count"] == 0
    assert ckpt.ok("backup", "list", "--checkpoint-id", made[1])["count"] == 2
    # With simulated time: deleting, then gone.
    slow = ckpt.config({"simulate": {"backup_ms_per_gb": 300}})
    assert ckpt.ok("policy", "delete-checkpoint", made[1], "--config", slow, "--provider-id", CSBS_PROVIDER) == {}
    seen = ckpt.ok("call", "policy.checkpoint_get", json.dumps({"checkpoint_id": made[1]}), "--config", slow)
    assert seen["checkpoint"]["status"] == "deleting"
    deadline = time.monotonic() + 10
    while ckpt.run("call", "policy.checkpoint_get", json.dumps({"checkpoint_id": made[1]})).returncode == 0:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert ckpt.fail("not_found", "policy", "delete-checkpoint", made[1])["error_code"] == "CSBS.3001"


def test_policy_delete_checkpoint_errors(ckpt):
    err = ckpt.fail("not_found", "policy", "delete-checkpoint", new_id())
    assert (err["http_status"], err["error_code"]) == (404, "CSBS.3001")
    assert "checkpoint_id" in ckpt.fail("invalid", "policy", "delete-checkpoint", "c1")["error_msg"]
    plan = ckpt.ok("policy", "create", "--name", "p", "--resource", f"{new_id()}:server:a:1")["policy"]["id"]
    slow = ckpt.config(SLOW)
    cid = ckpt.ok("policy", "execute", plan, "--config", slow)["checkpoint"]["id"]
    err = ckpt.fail("conflict", "policy", "delete-checkpoint", cid, "--config", slow)
    assert (err["http_status"], err["error_code"]) == (400, "CSBS.2003")
    got = ckpt.ok("call", "policy.checkpoint_get", json.dumps({"checkpoint_id": cid}), "--config", slow)
    assert got["checkpoint"]["status"] == "protecting"
    assert ckpt.usage("policy", "delete-checkpoint")
