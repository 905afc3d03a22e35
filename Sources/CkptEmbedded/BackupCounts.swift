import CkptCore

/// The number of backups of each vault and of each project, kept with every
/// insert and delete: `backup.list` of one vault (or of everything) answers
/// its `count` from here, not by counting a million index entries.
enum BackupCounts {
    static func projectScope(_ project: Int64) -> [UInt8] {
        [UInt8(ascii: "P")] + (0..<8).map { UInt8(truncatingIfNeeded: project >> (56 - $0 * 8)) }
    }

    static func add(_ db: Database, _ delta: Int64, vault: String, project: Int64) throws(CkptError) {
        let s = try db.statement("""
            INSERT INTO backup_counts(scope, n) VALUES(?, ?) ON CONFLICT(scope) DO UPDATE SET n = n + excluded.n
            """)
        if let v = UUIDText.bytes(vault) {
            s.bind(1, blob: v); s.bind(2, delta)
            try s.run()
            s.reset()
        }
        s.bind(1, blob: projectScope(project)); s.bind(2, delta)
        try s.run()
    }

    /// The count of a scope (0 when it has none).
    static func count(_ db: Database, scope: [UInt8]) throws(CkptError) -> Int64 {
        let s = try db.statement("SELECT n FROM backup_counts WHERE scope = ?")
        s.bind(1, blob: scope)
        return try s.step() ? s.int(0) : 0
    }
}
