"""The store file across libckpt versions."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

import support

# The checkpoints table of schema version 1 (libckpt before the rowid layout).
_V1_CHECKPOINTS = """
CREATE TABLE checkpoints(
  id TEXT PRIMARY KEY, project_id TEXT NOT NULL, api INTEGER NOT NULL,
  container_id TEXT NOT NULL, status TEXT NOT NULL, ready_at INTEGER NOT NULL,
  fails INTEGER NOT NULL, size_gb INTEGER NOT NULL, doc TEXT NOT NULL) WITHOUT ROWID
"""


def _downgrade_to_v1(path: Path) -> None:
    """Rewrites a store's checkpoints table as version 1 laid it out."""
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


def _layout(path: Path) -> Any:
    db = sqlite3.connect(path)
    try:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        sql = db.execute("SELECT sql FROM sqlite_schema WHERE name = 'checkpoints'").fetchone()[0]
        indexes = {r[0] for r in db.execute("SELECT name FROM sqlite_schema WHERE tbl_name = 'checkpoints'")}
        return version, "WITHOUT ROWID" in sql, indexes
    finally:
        db.close()


def test_a_version_1_store_is_upgraded_in_place(tmp_path: Path) -> None:
    ckpt = support.import_ckpt()
    store = tmp_path / "store.db"
    # An hour per GB: a checkpoint stays `protecting` until a test control moves it.
    with ckpt.Client(path=str(store), simulate={"backup_ms_per_gb": 3_600_000}) as c:
        vault = c.create_vault("v", size_gb=10, resources=[support.server()])["vault"]
        done = c.create_checkpoint(vault["id"], name="done")["checkpoint"]
        c.set_checkpoint_status(done["id"], "available")
        held = c.create_checkpoint(vault["id"], name="held")["checkpoint"]
        before = {cp["id"]: c.get_checkpoint(cp["id"]) for cp in (done, held)}
    assert before[held["id"]]["checkpoint"]["status"] == "protecting"
    assert _layout(store)[:2] == (2, False)

    _downgrade_to_v1(store)
    assert _layout(store)[:2] == (1, True)

    with ckpt.Client(path=str(store)) as c:
        # Every checkpoint reads back as it was, and the held one still holds
        # its resource: the vault is busy until it ends.
        for cid, doc in before.items():
            assert c.get_checkpoint(cid) == doc
        with pytest.raises(ckpt.ConflictError):
            c.create_checkpoint(vault["id"], name="while held")
        c.set_checkpoint_status(held["id"], "available")
        c.create_checkpoint(vault["id"], name="after")
    version, without_rowid, indexes = _layout(store)
    assert (version, without_rowid) == (2, False)
    assert "checkpoints_in_progress" in indexes
