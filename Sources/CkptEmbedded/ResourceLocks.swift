import CkptCore

/// Which resources are being backed up right now.
enum ResourceLocks {
    /// Splits `resources` into those free to back up and those skipped
    /// because a checkpoint still in progress holds them.
    static func partition(_ db: Database, project: String, _ resources: [ProtectedResource])
        throws(CkptError) -> (free: [ProtectedResource], skipped: [ProtectedResource])
    {
        var free: [ProtectedResource] = []
        var skipped: [ProtectedResource] = []
        let now = Clock.nowMs()
        for r in resources {
            let s = try db.statement("SELECT checkpoint_id FROM resource_locks WHERE project_id = ? AND resource_id = ?")
            s.bind(1, project); s.bind(2, r.id)
            guard try s.step() else { free.append(r); continue }
            let holder = s.text(0)
            // The holder may belong to another vault or policy: settle it
            // if its time is up, else the resource is busy.
            if var row = try CheckpointRow.load(db, project: project, id: holder, api: nil), row.status == .protecting {
                if row.isDue(now: now) {
                    try Lifecycle.settle(db, &row, project: project)
                    free.append(r)
                } else {
                    skipped.append(r)
                }
            } else {
                try release(db, checkpoint: holder)
                free.append(r)
            }
        }
        return (free, skipped)
    }

    static func take(_ db: Database, project: String, checkpoint: String, _ ids: [String]) throws(CkptError) {
        for id in ids {
            let s = try db.statement(
                "INSERT OR REPLACE INTO resource_locks(project_id, resource_id, checkpoint_id) VALUES(?, ?, ?)")
            s.bind(1, project); s.bind(2, id); s.bind(3, checkpoint)
            try s.run()
        }
    }

    static func release(_ db: Database, checkpoint: String) throws(CkptError) {
        let s = try db.statement("DELETE FROM resource_locks WHERE checkpoint_id = ?")
        s.bind(1, checkpoint)
        try s.run()
    }
}
