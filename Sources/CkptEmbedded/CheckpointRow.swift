import CkptCore

/// A checkpoint as stored.  Its backups (`BackupRow`) carry the per-resource
/// lifecycle; `Lifecycle` moves both on.
struct CheckpointRow {
    enum API: Int64 {
        case csbs = 1
        case cbr = 3
    }

    var id: String
    var api: API
    /// The vault (v3) or policy (v1).
    var container: String
    var status: CheckpointStatus
    var readyAt: Int64
    var fails: Bool
    var sizeGB: Int64
    /// The stored document: the query response, kept in step with the
    /// checkpoint's and its backups' statuses by every transition, so a read
    /// returns it as it is.
    var docText: String

    static let columns = "id, api, container_id, status, ready_at, fails, size_gb, doc"

    static func read(_ s: Statement) -> CheckpointRow {
        CheckpointRow(id: s.text(0), api: API(rawValue: s.int(1)) ?? .cbr, container: s.text(2),
                      status: CheckpointStatus(rawValue: s.text(3)) ?? .error,
                      readyAt: s.int(4), fails: s.int(5) != 0, sizeGB: s.int(6), docText: s.text(7))
    }

    /// One checkpoint of `project`; `api` nil accepts either family.
    static func load(_ db: Database, project: String, id: String, api: APIFamily?) throws(CkptError) -> CheckpointRow? {
        let s = try db.statement("SELECT \(columns) FROM checkpoints WHERE id = ? AND project_id = ?")
        s.bind(1, id); s.bind(2, project)
        guard try s.step() else { return nil }
        let row = read(s)
        switch api {
        case .cbr?: return row.api == .cbr ? row : nil
        case .csbs?: return row.api == .csbs ? row : nil
        case nil: return row
        }
    }

    /// `ready_at` when nothing of the checkpoint is in progress.
    static let nothingPending = Int64.max

    /// Whether something of it is due: its own `protecting` phase, or (for
    /// a checkpoint that is done) the delete or restore of one of its
    /// backups, whose earliest end `save` keeps in `ready_at`.
    func isDue(now: Int64) -> Bool { readyAt >= 0 && readyAt <= now }

    /// One checkpoint as it is now (one statement when nothing is due: a
    /// read takes one lock), moved on first when something of it is due.
    static func current(_ db: Database, project: String, id: String, api: APIFamily) throws(CkptError) -> CheckpointRow? {
        guard let row = try load(db, project: project, id: id, api: api) else { return nil }
        guard row.isDue(now: Clock.nowMs()) else { return row }
        try db.write { () throws(CkptError) in try Lifecycle.settleDue(db) }
        return try load(db, project: project, id: id, api: api)
    }

    /// Sets the status and the end of its phase, keeping resource locks
    /// right (only `protecting` holds them), and re-renders the document
    /// with its backups' statuses.  Call inside a write.
    mutating func transition(_ db: Database, project: String, to new: CheckpointStatus, readyAt: Int64?,
                             backups: [BackupRow]) throws(CkptError)
    {
        let old = status
        status = new
        if let readyAt { self.readyAt = readyAt }
        try save(db, backups: backups)
        if new == .protecting {
            try ResourceLocks.take(db, project: project, checkpoint: id, backups.map(\.resourceId))
        } else if old == .protecting {
            try ResourceLocks.release(db, checkpoint: id)
        }
    }

    /// Writes status, ready_at and the document rendered from `backups`.
    /// A checkpoint that is not `protecting` keeps in ready_at the earliest
    /// end of its backups' deletes and restores (`nothingPending` if none).
    mutating func save(_ db: Database, backups: [BackupRow]) throws(CkptError) {
        if status != .protecting {
            readyAt = backups.filter { $0.status.isTransitional && $0.readyAt >= 0 }.map(\.readyAt).min()
                ?? Self.nothingPending
        }
        docText = try Documents.text(Self.render(try Documents.parse(docText), status: status, backups: backups))
        let s = try db.statement("UPDATE checkpoints SET status = ?, ready_at = ?, doc = ? WHERE id = ?")
        s.bind(1, status.rawValue); s.bind(2, readyAt); s.bind(3, docText); s.bind(4, id)
        try s.run()
    }

    func remove(_ db: Database) throws(CkptError) {
        try ResourceLocks.release(db, checkpoint: id)
        let s = try db.statement("DELETE FROM checkpoints WHERE id = ?")
        s.bind(1, id)
        try s.run()
    }

    /// The document for a status: `status` set, and for a v3 checkpoint each
    /// resource's `protect_status`, `backup_size` and `backup_count` from
    /// its backup (a resource whose backup is gone keeps what it last had).
    static func render(_ doc: JSONValue, status: CheckpointStatus, backups: [BackupRow]) -> JSONValue {
        guard case .object(var top) = doc, case .object(var c)? = top["checkpoint"] else { return doc }
        c["status"] = .string(status.rawValue)
        if case .object(var v)? = c["vault"], case .array(let list)? = v["resources"] {
            v["resources"] = .array(list.map { r in
                guard case .object(var o) = r, let id = o["id"]?.stringValue,
                      let b = backups.first(where: { $0.resourceId == id })
                else { return r }
                let stored = b.status != .error && b.status != .protecting
                o["protect_status"] = .string(b.protectStatus.rawValue)
                o["backup_size"] = .string(stored ? String(b.sizeGB) : "0")
                o["backup_count"] = .string(stored ? "1" : "0")
                return .object(o)
            })
            c["vault"] = .object(v)
        }
        top["checkpoint"] = .object(c)
        return .object(top)
    }

    /// The stored document as the reply: no parse, no re-serialisation.
    var reply: Reply { Reply(text: docText) }
}
