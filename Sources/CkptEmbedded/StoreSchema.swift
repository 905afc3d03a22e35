import CkptCore

/// The store's tables.  Documents are kept as the JSON text of the response
/// (what a read returns, so a read is one lookup and a parse); the columns
/// beside them are what queries and the lifecycle need.
enum StoreSchema {
    /// 1: checkpoints in a WITHOUT ROWID table.  2: checkpoints in a rowid
    /// table with an index on id (see `checkpointsTable`).
    static let version: Int64 = 2

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

    /// Only checkpoints still in progress are indexed by container, so the
    /// index stays as small as the work in flight.
    static let checkpointsInProgress = """
        CREATE INDEX IF NOT EXISTS checkpoints_in_progress
          ON checkpoints(container_id, ready_at) WHERE status = 'protecting'
        """

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
        checkpointsInProgress,
    ]

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
        checkpointsInProgress,
        // A resource being backed up, and by which checkpoint.
        """
        CREATE TABLE IF NOT EXISTS resource_locks(
          project_id TEXT NOT NULL, resource_id TEXT NOT NULL, checkpoint_id TEXT NOT NULL,
          PRIMARY KEY(project_id, resource_id)) WITHOUT ROWID
        """,
        "CREATE INDEX IF NOT EXISTS resource_locks_by_checkpoint ON resource_locks(checkpoint_id)",
    ]

    /// Creates the tables once; refuses a store from a newer libckpt.
    static func migrate(_ db: Database) throws(CkptError) {
        try db.write { () throws(CkptError) in
            let q = try db.statement("PRAGMA user_version")
            let current = try q.step() ? q.int(0) : 0
            if current > version {
                throw .storage("the store \(db.path) has schema version \(current); this libckpt reads up to \(version)")
            }
            if current == version { return }
            db.resetAll() // the version query still holds its read, which DROP TABLE refuses
            if current == 1 {
                for sql in fromVersion1 { try db.exec(sql) }
            } else {
                for sql in statements { try db.exec(sql) }
            }
            try db.exec("PRAGMA user_version=\(version)")
        }
    }
}
