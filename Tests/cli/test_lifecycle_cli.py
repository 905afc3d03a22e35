"""The 1.1 lifecycle commands of the `ckpt` CLI: `backup`, `task` and
`checkpoint backups`, driving the built binary as a shell script would.

    CKPT_BIN=/path/to/ckpt python3 -m pytest Tests/cli -q
"""

import json
import os
import pty
import subprocess

import pytest

from test_cli import BIN, Ckpt, new_id

DAY_MS = 86_400_000


@pytest.fixture
def ckpt(tmp_path):
    (tmp_path / "home").mkdir()
    return Ckpt(tmp_path)


def backups(ckpt, vid):
    return ckpt.ok("backup", "list", "--vault-id", vid)["backups"]


def on_a_terminal(ckpt, *args):
    """Runs with stdout on a pseudo-terminal; returns (status, text)."""
    master, slave = pty.openpty()
    try:
        p = subprocess.Popen([BIN, *args], stdout=slave, stderr=subprocess.PIPE, env=ckpt.env)
        os.close(slave)
        slave = None
        chunks = []
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        p.wait(timeout=60)
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)
    return p.returncode, b"".join(chunks).decode()


LIFECYCLE_COMMANDS = [
    ["backup"], ["backup", "list"], ["backup", "show"], ["backup", "rename"], ["backup", "delete"],
    ["backup", "restore"], ["backup", "wait"], ["backup", "prune"], ["task"], ["task", "list"],
    ["task", "show"], ["task", "wait"], ["checkpoint", "backups"],
]


@pytest.mark.parametrize("path", LIFECYCLE_COMMANDS, ids=" ".join)
def test_help_on_every_lifecycle_command(ckpt, path):
    p = ckpt.run(*path, "--help")
    assert p.returncode == 0, p.stderr
    assert ("USAGE: ckpt " + " ".join(path)) in p.stdout.decode()


def test_list_show_rename_and_checkpoint_backups(ckpt):
    server, other = new_id(), new_id()
    vid, _ = ckpt.vault((server, 10), (other, 5))
    cid, _ = ckpt.checkpoint(vid, "--name", "nightly", "--full")
    page = ckpt.ok("backup", "list", "--vault-id", vid)
    assert page["count"] == 2 and page["offset"] == 0 and page["limit"] == 1000
    assert {b["resource_id"] for b in page["backups"]} == {server, other}
    assert all(b["name"] == "nightly" and b["incremental"] is False for b in page["backups"])
    assert ckpt.ok("checkpoint", "backups", cid)["backups"] == ckpt.ok("backup", "list", "--checkpoint-id", cid)["backups"]
    # Filters.
    assert ckpt.ok("backup", "list", "--resource-id", server)["count"] == 1
    assert ckpt.ok("backup", "list", "--no-incremental")["count"] == 2
    assert ckpt.ok("backup", "list", "--incremental")["count"] == 0
    assert ckpt.ok("backup", "list", "--status", "available", "--status", "error")["count"] == 2
    assert ckpt.ok("backup", "list", "--name", "other")["count"] == 0
    first = page["backups"][0]
    assert ckpt.ok("backup", "show", first["id"]) == {"backup": first}
    renamed = ckpt.ok("backup", "rename", first["id"], "--name", "keep-me")["backup"]
    assert renamed["name"] == "keep-me" and renamed["id"] == first["id"]
    assert ckpt.ok("backup", "list", "--name", "keep-me")["count"] == 1


def test_list_all_follows_every_page(ckpt):
    vid, _ = ckpt.vault(*[(new_id(), 1) for _ in range(5)])
    for _ in range(3):
        ckpt.checkpoint(vid)
    one = ckpt.ok("backup", "list", "--vault-id", vid, "--limit", "4")
    assert len(one["backups"]) == 4 and one["count"] == 15
    whole = ckpt.ok("backup", "list", "--vault-id", vid, "--limit", "4", "--all")
    ids = [b["id"] for b in whole["backups"]]
    assert whole["count"] == 15 and len(ids) == 15 and len(set(ids)) == 15
    assert ids == [b["id"] for b in backups(ckpt, vid)], "newest first, as one page would be"
    asc = ckpt.ok("backup", "list", "--vault-id", vid, "--limit", "7", "--sort", "created_at:asc", "--all")
    assert [b["id"] for b in asc["backups"]] == ids[::-1]
    assert ckpt.ok("backup", "list", "--vault-id", vid, "--offset", "100")["backups"] == []


def test_list_errors_name_the_option(ckpt):
    for args, field in ((["--limit", "0"], "limit"), (["--limit", "1001"], "limit"), (["--offset=-1"], "offset"),
                        (["--sort", "size:asc"], "sort"), (["--start-time", "yesterday"], "start_time"),
                        (["--status", "gone"], "status"), (["--marker", new_id()], "marker")):
        err = ckpt.fail("invalid", "backup", "list", *args)
        assert err["error_code"] == "BackupService.9900" and field in err["error_msg"], (args, err)


def test_delete_wait_and_the_vault_usage(ckpt):
    vid, _ = ckpt.vault((new_id(), 10))
    cid, _ = ckpt.checkpoint(vid)
    (b,) = backups(ckpt, vid)
    assert ckpt.ok("vault", "show", vid)["vault"]["billing"]["used"] == 10
    assert ckpt.ok("backup", "delete", b["id"]) == {}
    err = ckpt.fail("not_found", "backup", "show", b["id"])
    assert (err["http_status"], err["error_code"]) == (404, "BackupService.6200")
    # Its checkpoint had no other backup: it is gone too, and so is the usage.
    assert ckpt.fail("not_found", "checkpoint", "show", cid)["error_code"] == "BackupService.6217"
    assert ckpt.ok("vault", "show", vid)["vault"]["billing"]["used"] == 0
    ckpt.checkpoint(vid)
    (b,) = backups(ckpt, vid)
    gone = ckpt.ok("backup", "delete", b["id"], "--wait")
    assert gone["backup"]["status"] == "deleted" and gone["backup"]["id"] == b["id"]
    tasks = ckpt.ok("task", "list", "--operation-type", "delete")["operation_logs"]
    assert len(tasks) == 2 and all(t["status"] == "success" for t in tasks)


def test_delete_of_a_backup_in_progress_is_a_conflict(ckpt):
    slow = ckpt.config({"simulate": {"backup_ms_per_gb": 3_600_000}})
    vid, _ = ckpt.vault((new_id(), 1))
    ckpt.checkpoint(vid, "--config", slow)
    (b,) = backups(ckpt, vid)
    assert b["status"] == "protecting"
    err = ckpt.fail("conflict", "backup", "delete", b["id"])
    assert (err["http_status"], err["error_code"]) == (400, "BackupService.6203")


def test_restore_and_task_commands(ckpt):
    server = new_id()
    vid, _ = ckpt.vault((server, 1))
    ckpt.checkpoint(vid)
    (b,) = backups(ckpt, vid)
    err = ckpt.fail("invalid", "backup", "restore", b["id"])
    assert "server_id" in err["error_msg"]
    job = ckpt.ok("backup", "restore", b["id"], "--server-id", server, "--no-power-on")["job_id"]
    task = ckpt.ok("task", "show", job)["operation_log"]
    assert task["operation_type"] == "restore" and task["extra_info"]["restore"]["target_resource_id"] == server
    assert ckpt.ok("task", "wait", job)["operation_log"]["status"] == "success"
    done = ckpt.ok("backup", "restore", b["id"], "--server-id", server, "--mapping", f"{new_id()}:{new_id()}", "--wait")
    assert done["operation_log"]["status"] == "success"
    assert ckpt.ok("task", "list", "--operation-type", "restore")["count"] == 2
    assert ckpt.ok("task", "list", "--operation-type", "backup", "--vault-id", vid)["count"] == 1
    assert ckpt.fail("not_found", "task", "show", new_id())["error_code"] == "BackupService.6500"
    assert ckpt.usage("backup", "restore", b["id"], "--mapping", "no-colon")


def test_restore_of_a_backup_that_is_not_available_is_a_conflict(ckpt):
    server = new_id()
    slow = ckpt.config({"simulate": {"backup_ms_per_gb": 3_600_000}})
    vid, _ = ckpt.vault((server, 1))
    ckpt.checkpoint(vid, "--config", slow)
    (b,) = backups(ckpt, vid)
    err = ckpt.fail("conflict", "backup", "restore", b["id"], "--server-id", server)
    assert err["error_code"] == "BackupService.2005"


def test_backup_wait_exit_codes(ckpt):
    failing = new_id()
    cfg = ckpt.config({"simulate": {"fail_resources": [failing]}})
    vid, _ = ckpt.vault((failing, 1))
    ckpt.checkpoint(vid, "--config", cfg)
    (b,) = backups(ckpt, vid)
    err = ckpt.fail("conflict", "backup", "wait", b["id"])
    assert err["backup"]["status"] == "error"
    assert ckpt.ok("backup", "wait", b["id"], "--status", "error")["backup"]["id"] == b["id"]
    vid, _ = ckpt.vault((new_id(), 1))
    ckpt.checkpoint(vid)
    (ok,) = backups(ckpt, vid)
    err = ckpt.fail("timeout", "backup", "wait", ok["id"], "--status", "restoring", "--timeout", "0.05")
    assert err["backup"]["id"] == ok["id"] and err["backup"]["status"] == "available"


def _history(ckpt, resources=1, days=6):
    """A vault with one backup per resource per simulated day, oldest first."""
    vid, _ = ckpt.vault(*[(new_id(), 1) for _ in range(resources)])
    for d in range(days):
        cfg = ckpt.config({"simulate": {"clock_offset_ms": (d - days) * DAY_MS}}, name=f"day{d}.json")
        ckpt.checkpoint(vid, "--config", cfg)
    return vid


def test_prune_deletes_nothing_without_yes(ckpt):
    vid = _history(ckpt)
    before = backups(ckpt, vid)
    p = ckpt.run("backup", "prune", "--vault-id", vid, "--keep-last", "2")
    assert p.returncode == 0
    plan = json.loads(p.stdout)  # not a terminal: JSON
    assert plan["dry_run"] is True and len(plan["keep"]) == 2 and len(plan["remove"]) == 4
    assert "pass --yes" in p.stderr.decode()
    assert backups(ckpt, vid) == before
    dry = ckpt.ok("backup", "prune", "--vault-id", vid, "--keep-last", "2", "--dry-run", "--yes")
    assert dry["dry_run"] is True and dry["remove"] == plan["remove"]
    assert backups(ckpt, vid) == before
    # No keep rule: refused, nothing deleted.
    err = ckpt.fail("invalid", "backup", "prune", "--vault-id", vid, "--yes")
    assert "keep" in err["error_msg"]
    assert backups(ckpt, vid) == before


def test_prune_with_yes_keeps_what_the_plan_keeps(ckpt):
    vid = _history(ckpt, resources=2, days=5)
    plan = ckpt.ok("backup", "prune", "--vault-id", vid, "--keep-daily", "3", "--dry-run")
    assert len(plan["keep"]) == 6 and all(k["reasons"][0].startswith("daily ") for k in plan["keep"])
    done = ckpt.ok("backup", "prune", "--vault-id", vid, "--keep-daily", "3", "--yes")
    assert done["dry_run"] is False and sorted(done["remove"]) == sorted(plan["remove"])
    assert sorted(b["id"] for b in backups(ckpt, vid)) == sorted(k["id"] for k in plan["keep"])


def test_prune_prints_a_table_on_a_terminal(ckpt):
    vid = _history(ckpt, days=3)
    rc, text = on_a_terminal(ckpt, "backup", "prune", "--vault-id", vid, "--keep-last", "1", "--keep-within-days", "1")
    assert rc == 0
    lines = text.replace("\r\n", "\n").strip().splitlines()
    assert lines[0].split() == ["ACTION", "BACKUP", "RESOURCE", "CREATED", "REASONS"]
    assert sum(1 for l in lines if l.startswith("keep ")) >= 1 and any(l.startswith("remove ") for l in lines)
    assert "last" in text and lines[-1].endswith("(dry run: nothing deleted)")
    assert len(backups(ckpt, vid)) == 3


def test_task_list_all_and_filters(ckpt):
    vid, _ = ckpt.vault(*[(new_id(), 1) for _ in range(3)])
    ckpt.checkpoint(vid)
    ckpt.checkpoint(vid)
    whole = ckpt.ok("task", "list", "--limit", "2", "--all")
    assert whole["count"] == 6 and len({t["id"] for t in whole["operation_logs"]}) == 6
    assert ckpt.ok("task", "list", "--status", "success")["count"] == 6
    assert ckpt.ok("task", "list", "--status", "failed")["count"] == 0
    t = whole["operation_logs"][0]
    assert ckpt.ok("task", "wait", t["id"])["operation_log"]["id"] == t["id"]
