import CkptCore

/// The store's tables.  Vault, policy and checkpoint documents are kept as
/// the JSON text of the response (a read is one lookup); backups and
/// operation logs are kept as columns and rendered on read, since there are
/// many of them (SPEC 6.4 asks for at most 512 bytes a backup).
///
/// Ids of backups and logs are their 16 bytes (BLOB), projects a small
/// number (`projects`), statuses and types the `code` of their enums.  A
/// backup's or a log's rowid follows its `created_us`, which the store keeps
/// strictly increasing (`Stamps`), so "newest first" is rowid order and
/// needs no index of its own.
enum StoreSchema {
    /// 1: checkpoints in a WITHOUT ROWID table.  2: checkpoints in a rowid
    /// table with an index on id (see `checkpointsTable`).  3: backups and
    /// operation logs.  4: vault deletes, CSBS checkpoint lists (libckpt 1.1).
    static let version: Int64 = 4

    /// A checkpoint row is most of a kilobyte (its document), so it lives in
    /// a rowid table found through the index on id.  SQLite's guidance is
    /// that WITHOUT ROWID suits rows under a twentieth of a page: version 1
    /// kept whole rows in the b-tree's interior pages too, so a store of
    /// 1,000,000 checkpoints was 9 levels deep with 45,821 interior pages;
    /// here the table and its index are 4 levels each, with 669 interior
    /// pages between them, and the store is 11% smaller.
    static func checkpointsTable(_ name: String) -> String {
        """
        CREATE TABLE IF NOT EXISTS \(name)(
          id TEXT PRIMARY KEY, project_id TEXT NOT NULL, api INTEGER NOT NULL,
          container_id TEXT NOT NULL, status TEXT NOT NULL, ready_at INTEGER NOT NULL,
          fails INTEGER NOT NULL, size_gb INTEGER NOT NULL, doc TEXT NOT NULL)
        """
    }

    /// Version 2's index of checkpoints in progress, by container.
    static let checkpointsInProgressV2 = """
        CREATE INDEX IF NOT EXISTS checkpoints_in_progress
          ON checkpoints(container_id, ready_at) WHERE status = 'protecting'
        """

    /// Only checkpoints still in progress are indexed, by when they end, so
    /// finding what is due is one probe of an index as small as the work in
    /// flight.
    static let checkpointsDue = """
        CREATE INDEX IF NOT EXISTS checkpoints_due ON checkpoints(ready_at) WHERE status = 'protecting'
        """

    /// The backups in a phase that ends by itself (protecting, deleting,
    /// restoring), by when it ends.  `Lifecycle` queries it with the same
    /// expression, so SQLite uses the partial index.
    static let transitionalBackups =
        "status IN (\(BackupStatus.protecting.code), \(BackupStatus.deleting.code), \(BackupStatus.restoring.code))"

    /// Version 1 to 2: the checkpoints move to the rowid table, in the same
    /// transaction as the version change.
    static let fromVersion1 = [
        checkpointsTable("checkpoints_v2"),
        """
        INSERT INTO checkpoints_v2(id, project_id, api, container_id, status, ready_at, fails, size_gb, doc)
          SELECT id, project_id, api, container_id, status, ready_at, fails, size_gb, doc FROM checkpoints
        """,
        "DROP TABLE checkpoints",
        "ALTER TABLE checkpoints_v2 RENAME TO checkpoints",
        checkpointsInProgressV2,
    ]

    /// What version 3 adds to version 2 (the rows follow in `StoreUpgrade`).
    static let version3Tables = [
        "DROP INDEX IF EXISTS checkpoints_in_progress",
        checkpointsDue,
        // A checkpoint's ready_at now also marks its backups' pending
        // deletes and restores (CheckpointRow.isDue): one that is done has none.
        "UPDATE checkpoints SET ready_at = \(CheckpointRow.nothingPending) WHERE status != 'protecting'",
        "CREATE TABLE IF NOT EXISTS projects(no INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE)",
        // A checkpoint's backups have consecutive created_us from
        // backups_from: their ids (made from created_us) are one range of
        // the backups table's key.
        "ALTER TABLE checkpoints ADD COLUMN backups_from INTEGER NOT NULL DEFAULT 0",
        "ALTER TABLE checkpoints ADD COLUMN backups_count INTEGER NOT NULL DEFAULT 0",
        // Keyed by id, which is made from created_us (UUIDGenerator
        // .makeTimeOrdered(micros:)), so the key order is the created_at
        // order: a row goes in at the end, and the table needs no index of
        // ids beside it.  created_us, updated_us, protected_us: µs since
        // the epoch; ready_at: when the current phase ends (Unix ms), -1
        // holds it; job: the id of the backup's latest task.
        """
        CREATE TABLE IF NOT EXISTS backups(
          id BLOB PRIMARY KEY, project INTEGER NOT NULL, checkpoint BLOB NOT NULL, vault BLOB NOT NULL,
          resource BLOB NOT NULL, resource_name TEXT NOT NULL, resource_type INTEGER NOT NULL,
          provider INTEGER NOT NULL, name TEXT NOT NULL, description TEXT NOT NULL, status INTEGER NOT NULL,
          size_gb INTEGER NOT NULL, incremental INTEGER NOT NULL, auto_trigger INTEGER NOT NULL,
          fails INTEGER NOT NULL, created_us INTEGER NOT NULL, updated_us INTEGER NOT NULL,
          protected_us INTEGER, ready_at INTEGER NOT NULL, job BLOB NOT NULL) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS backups_by_vault ON backups(vault)",
        "CREATE INDEX IF NOT EXISTS backups_due ON backups(ready_at) WHERE \(transitionalBackups)",
        // How many backups a vault (scope: its 16 bytes) and a project
        // (scope: 'P' and its number) hold, so that the count of a list of
        // one vault's (or all) backups is one lookup, not a scan.
        "CREATE TABLE IF NOT EXISTS backup_counts(scope BLOB PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID",
        // Keyed by an id made from created_us too.  The subject columns are
        // empty (zero-length blobs, "") where a type has none.  extra: the
        // JSON of a type's own members (vault_delete).
        """
        CREATE TABLE IF NOT EXISTS operation_logs(
          id BLOB PRIMARY KEY, project INTEGER NOT NULL, type INTEGER NOT NULL, status INTEGER NOT NULL,
          provider INTEGER NOT NULL, vault BLOB NOT NULL, vault_name TEXT NOT NULL, checkpoint BLOB NOT NULL,
          policy_id TEXT NOT NULL, resource BLOB NOT NULL, resource_name TEXT NOT NULL,
          resource_type INTEGER NOT NULL, backup BLOB NOT NULL, backup_name TEXT NOT NULL,
          incremental INTEGER NOT NULL, target TEXT NOT NULL, extra TEXT NOT NULL, request_id TEXT NOT NULL,
          created_us INTEGER NOT NULL, started_us INTEGER NOT NULL, updated_us INTEGER NOT NULL,
          ended_us INTEGER, starts_ms INTEGER NOT NULL, ends_ms INTEGER NOT NULL,
          error_code TEXT NOT NULL, error_message TEXT NOT NULL) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS operation_logs_by_vault ON operation_logs(vault)",
    ]

    /// What version 4 adds to version 3: vault deletes and CSBS checkpoint
    /// lists (libckpt 1.1, lifecycle part 2).
    static let version4Tables = [
        // A vault being deleted is gone at ready_at (Unix ms; -1: no delete
        // pending); the index holds only the vaults being deleted.
        "ALTER TABLE vaults ADD COLUMN ready_at INTEGER NOT NULL DEFAULT -1",
        "CREATE INDEX IF NOT EXISTS vaults_due ON vaults(ready_at) WHERE \(deletingVaults)",
        // CSBS v1 checkpoints by project and created_us (backups_from), for
        // policy.checkpoint_list; CBR checkpoints are not in it.
        "CREATE INDEX IF NOT EXISTS checkpoints_of_policies ON checkpoints(project_id, backups_from) WHERE api = 1",
    ]

    /// The vaults whose delete is pending (`vaults_due`).
    static let deletingVaults = "status = 'deleting'"

    /// A new store: version 2's tables, then version 3's and 4's.
    static let statements = [
        """
        CREATE TABLE IF NOT EXISTS vaults(
          project_id TEXT NOT NULL, id TEXT NOT NULL,
          status TEXT NOT NULL, size_gb INTEGER NOT NULL, used_gb INTEGER NOT NULL,
          doc TEXT NOT NULL,
          PRIMARY KEY(project_id, id)) WITHOUT ROWID
        """,
        """
        CREATE TABLE IF NOT EXISTS policies(
          project_id TEXT NOT NULL, id TEXT NOT NULL,
          sizes TEXT NOT NULL, doc TEXT NOT NULL,
          PRIMARY KEY(project_id, id)) WITHOUT ROWID
        """,
        // api: 3 for a CBR v3 checkpoint of a vault, 1 for a CSBS v1
        // checkpoint of a policy.  ready_at: when `protecting` ends (Unix
        // ms); -1 holds it until a test control moves it on.
        checkpointsTable("checkpoints"),
        // A resource being backed up, and by which checkpoint.
        """
        CREATE TABLE IF NOT EXISTS resource_locks(
          project_id TEXT NOT NULL, resource_id TEXT NOT NULL, checkpoint_id TEXT NOT NULL,
          PRIMARY KEY(project_id, resource_id)) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS resource_locks_by_checkpoint ON resource_locks(checkpoint_id)",
    ] + version3Tables + version4Tables

    /// Creates the tables once, or upgrades an older store in place, in one
    /// transaction; refuses a store from a newer libckpt.
    static func migrate(_ db: Database) throws(CkptError) {
        try db.write { () throws(CkptError) in
            let q = try db.statement("PRAGMA user_version")
            let current = try q.step() ? q.int(0) : 0
            if current > version {
                throw .storage("the store \(db.path) has schema version \(current); this libckpt reads up to \(version)")
            }
            if current == version { return }
            db.resetAll() // the version query still holds its read, which DROP TABLE refuses
            switch current {
            case 0:
                for sql in statements { try db.exec(sql) }
            default:
                if current == 1 { for sql in fromVersion1 { try db.exec(sql) } }
                if current <= 2 {
                    for sql in version3Tables { try db.exec(sql) }
                    try StoreUpgrade.backupsOfVersion2(db)
                }
                for sql in version4Tables { try db.exec(sql) }
            }
            try db.exec("PRAGMA user_version=\(version)")
        }
    }
}
