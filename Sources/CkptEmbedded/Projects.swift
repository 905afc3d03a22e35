import CkptCore

/// Project ids as small numbers, for the backup and task rows.
enum Projects {
    /// The number of `project`, made on first use (call inside a write when
    /// the project may be new).
    static func number(_ db: Database, _ project: String, create: Bool) throws(CkptError) -> Int64? {
        let s = try db.statement("SELECT no FROM projects WHERE id = ?")
        s.bind(1, project)
        if try s.step() { return s.int(0) }
        guard create else { return nil }
        let insert = try db.statement("INSERT INTO projects(id) VALUES(?)")
        insert.bind(1, project)
        try insert.run()
        return db.lastInsertRowid
    }
}
