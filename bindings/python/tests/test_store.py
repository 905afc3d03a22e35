"""The store file across libckpt versions.

fixtures/store-v2.db was written by libckpt 1.0 (schema version 2; see
fixtures/make_v2_store.py), and fixtures/store-v2.json records what 1.0
answered for every object in it.  Opening it with this library upgrades it
in place to version 4, and every checkpoint made before the upgrade shows
its backups and tasks (SPEC 6.4).
"""

from __future__ import annotations

import json
import shutil
import sqlite3
import uuid
from pathlib import Path
from typing import Any, Dict

import pytest

import support

FIXTURES = Path(__file__).resolve().parent / "fixtures"
FACTS: Dict[str, Any] = json.loads((FIXTURES / "store-v2.json").read_text())
A, B = sorted(FACTS["projects"])
FAIL = "8b0851a8-adf3-4f4c-a914-dead08bf9664"
CSBS = "fc4d5750-22e7-4798-8a46-f48f62c4c1da"

# The checkpoints table of schema version 1 (libckpt before the rowid layout).
_V1_CHECKPOINTS = """
CREATE TABLE checkpoints(
  id TEXT PRIMARY KEY, project_id TEXT NOT NULL, api INTEGER NOT NULL,
  container_id TEXT NOT NULL, status TEXT NOT NULL, ready_at INTEGER NOT NULL,
  fails INTEGER NOT NULL, size_gb INTEGER NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID
"""


def _v2_store(tmp_path: Path) -> Path:
    store = tmp_path / "store.db"
    shutil.copy(FIXTURES / "store-v2.db", store)
    return store


def _downgrade_to_v1(path: Path) -> None:
    """Rewrites a version-2 store's checkpoints table as version 1 laid it out."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ALTER TABLE checkpoints RENAME TO checkpoints_new")
        db.execute("DROP INDEX checkpoints_in_progress")
        db.execute(_V1_CHECKPOINTS)
        db.execute("INSERT INTO checkpoints SELECT * FROM checkpoints_new")
        db.execute("DROP TABLE checkpoints_new")
        db.execute(
            "CREATE INDEX checkpoints_in_progress ON checkpoints(container_id, ready_at) WHERE status = 'protecting'"
        )
        db.execute("PRAGMA user_version=1")
        db.execute("COMMIT")
    finally:
        db.close()


def _version(path: Path) -> int:
    db = sqlite3.connect(path)
    try:
        return db.execute("PRAGMA user_version").fetchone()[0]
    finally:
        db.close()


def _same_checkpoint(before: Dict[str, Any], after: Dict[str, Any]) -> None:
    """1.1's document of a 1.0 checkpoint: the same, but for the resource
    shape of SPEC 6.3 (extra_info as JSON text, backup_size and
    backup_count as strings)."""
    b, a = before["checkpoint"], after["checkpoint"]
    for key in ("id", "status", "created_at", "project_id", "extra_info"):
        assert a[key] == b[key], key
    assert {k: v for k, v in a["vault"].items() if k != "resources"} == \
        {k: v for k, v in b["vault"].items() if k != "resources"}
    assert len(a["vault"]["resources"]) == len(b["vault"]["resources"])
    for old, new in zip(b["vault"]["resources"], a["vault"]["resources"]):
        for key in ("id", "name", "type", "resource_size"):
            assert new[key] == old[key], key
        # 1.0 showed "available" while a backup ran; 1.1 shows "protecting" (SPEC 6.3).
        held = b["status"] == "protecting"
        assert new["protect_status"] == ("protecting" if held else old["protect_status"])
        assert isinstance(new["extra_info"], str) and json.loads(new["extra_info"]) == old["extra_info"]
        assert isinstance(new["backup_size"], str) and isinstance(new["backup_count"], str)


def _check_upgraded(ckpt: Any, store: Path) -> None:
    facts = FACTS["projects"][A]
    with ckpt.Client(path=str(store), project_id=A) as c:
        assert _version(store) == 4
        seen_backups = set()
        for cid, before in facts["checkpoints"].items():
            _same_checkpoint(before, c.get_checkpoint(cid))
            page = c.list_backups(checkpoint_id=cid)
            resources = before["checkpoint"]["vault"]["resources"]
            assert page["count"] == len(resources)
            assert sorted(b["resource_id"] for b in page["backups"]) == sorted(r["id"] for r in resources)
            for b in page["backups"]:
                seen_backups.add(b["id"])
                assert b["vault_id"] == before["checkpoint"]["vault"]["id"]
                assert b["status"] == before["checkpoint"]["status"]
                assert b["created_at"] >= before["checkpoint"]["created_at"]
                assert b["name"] == before["checkpoint"]["extra_info"]["name"]
                r = next(r for r in resources if r["id"] == b["resource_id"])
                assert b["resource_size"] == int(r["resource_size"])
        # Each backup has its backup task, in the state of its backup.
        logs = c.list_operation_logs(operation_type="backup")["operation_logs"]
        assert {l["extra_info"]["backup"]["backup_id"] for l in logs} >= seen_backups
        for log in logs:
            assert log["status"] in ("success", "failed", "running")
        # The v1 checkpoint's backups are in no vault, on the CSBS provider.
        (v1id, v1), = facts["v1_checkpoints"].items()
        assert c.get_policy_checkpoint(v1id) == v1
        v1backups = c.list_backups(checkpoint_id=v1id)["backups"]
        assert [b["provider_id"] for b in v1backups] == [CSBS]
        # 1.0 wrote a manual run's extra_info as '{"created_by": "manual"}'.
        assert v1backups[0]["extend_info"]["auto_trigger"] is False
        assert v1backups[0]["name"] == "manualbk_" + v1id[-4:]
        assert v1backups[0]["vault_id"] == ""
        # The vault's usage is 1.0's, and follows deletes from here on.
        (vid, vault), = facts["vaults"].items()
        used = vault["vault"]["billing"]["used"]
        assert c.get_vault(vid)["vault"]["billing"]["used"] == used
        ok_id = next(k for k, v in facts["checkpoints"].items() if v["checkpoint"]["status"] == "available")
        doomed = c.list_backups(checkpoint_id=ok_id)["backups"][0]
        c.delete_backup(doomed["id"])
        assert c.get_vault(vid)["vault"]["billing"]["used"] == used - doomed["resource_size"]
        # The held checkpoint still holds its resource until it is moved on.
        held = next(k for k, v in facts["checkpoints"].items() if v["checkpoint"]["status"] == "protecting")
        held_resource = facts["checkpoints"][held]["checkpoint"]["vault"]["resources"][0]["id"]
        with pytest.raises(ckpt.ConflictError):
            c.create_checkpoint(vid, resources=[held_resource])
        c.set_checkpoint_status(held, "available")
        assert [b["status"] for b in c.list_backups(checkpoint_id=held)["backups"]] == ["available"]
        c.create_checkpoint(vid, resources=[held_resource])
    # The other project sees only its own.
    with ckpt.Client(path=str(store), project_id=B) as c:
        (cid, before), = FACTS["projects"][B]["checkpoints"].items()
        _same_checkpoint(before, c.get_checkpoint(cid))
        assert c.list_backups()["count"] == 1
        assert {b["checkpoint_id"] for b in c.list_backups()["backups"]} == {cid}


def test_a_version_2_store_of_libckpt_1_0_is_upgraded_in_place(tmp_path: Path) -> None:
    ckpt = support.import_ckpt()
    store = _v2_store(tmp_path)
    assert _version(store) == 2
    _check_upgraded(ckpt, store)
    # Opening it again changes nothing.
    with ckpt.Client(path=str(store), project_id=B) as c:
        assert c.list_backups()["count"] == 1
    assert _version(store) == 4


def test_a_version_1_store_is_upgraded_through_version_2(tmp_path: Path) -> None:
    ckpt = support.import_ckpt()
    store = _v2_store(tmp_path)
    _downgrade_to_v1(store)
    assert _version(store) == 1
    _check_upgraded(ckpt, store)


def test_a_store_of_a_newer_libckpt_is_refused(tmp_path: Path) -> None:
    ckpt = support.import_ckpt()
    store = _v2_store(tmp_path)
    db = sqlite3.connect(store)
    db.execute("PRAGMA user_version=5")
    db.close()
    with pytest.raises(ckpt.StorageError, match="schema version 5"):
        ckpt.Client(path=str(store))
    assert _version(store) == 5


def test_a_version_3_store_gains_vault_deletes(tmp_path: Path) -> None:
    """Version 3 (libckpt 1.1 before vault.delete) had no vaults.ready_at and
    no index of v1 checkpoints: opening it adds them, keeping every row."""
    ckpt = support.import_ckpt()
    store = tmp_path / "v3.db"
    res = {"id": str(uuid.uuid4()), "type": "OS::Nova::Server", "name": "s", "size": 1}
    with ckpt.Client(path=str(store)) as c:
        vault = c.create_vault("v", size_gb=10, resources=[res])["vault"]
        c.create_checkpoint(vault["id"])
    db = sqlite3.connect(store)
    db.executescript("DROP INDEX vaults_due; DROP INDEX checkpoints_of_policies; "
                     "ALTER TABLE vaults DROP COLUMN ready_at; PRAGMA user_version=3;")
    db.close()
    assert _version(store) == 3
    with ckpt.Client(path=str(store)) as c:
        assert _version(store) == 4
        assert c.list_backups(vault_id=vault["id"])["count"] == 1
        c.delete_vault(vault["id"], wait=True, timeout=10)
        assert c.list_backups()["count"] == 0
        assert c.list_operation_logs(operation_type="vault_delete")["count"] == 1
    db = sqlite3.connect(store)
    try:
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"vaults_due", "checkpoints_of_policies"} <= names
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        db.close()


def test_the_last_handle_to_close_leaves_an_empty_wal(tmp_path: Path) -> None:
    """The WAL file is kept between processes (persistent WAL) but emptied by
    the last handle to close, after its checkpoint: otherwise each process
    that opens the store next (every `ckpt call`) finds the old frames,
    recovers them and copies them into the database again, with its fsyncs."""
    ckpt = support.import_ckpt()
    store = tmp_path / "store.db"
    res = {"id": str(uuid.uuid4()), "type": "OS::Nova::Server", "name": "s", "size": 1}
    with ckpt.Client(path=str(store)) as c:
        vault = c.create_vault("v", size_gb=10, resources=[res])["vault"]
        checkpoint = c.create_checkpoint(vault["id"])["checkpoint"]
        assert Path(f"{store}-wal").stat().st_size > 0  # the writes are in the WAL meanwhile
    assert Path(f"{store}-wal").exists() and Path(f"{store}-wal").stat().st_size == 0
    # Nothing was lost: the frames went into the database before the truncation.
    with ckpt.Client(path=str(store)) as c:
        assert c.get_checkpoint(checkpoint["id"])["checkpoint"]["id"] == checkpoint["id"]
    assert Path(f"{store}-wal").stat().st_size == 0
