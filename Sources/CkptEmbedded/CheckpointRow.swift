import CkptCore

/// A checkpoint as stored, and its lifecycle.
struct CheckpointRow {
    enum API: Int64 {
        case csbs = 1
        case cbr = 3
    }

    var id: String
    var api: API
    var container: String
    var status: CheckpointStatus
    var readyAt: Int64
    var fails: Bool
    var sizeGB: Int64
    /// The stored document: the query response, kept in step with `status`
    /// by every transition, so a read returns it as it is.
    var docText: String

    private static let columns = "id, api, container_id, status, ready_at, fails, size_gb, doc"

    private static func read(_ s: Statement) throws(CkptError) -> CheckpointRow {
        CheckpointRow(id: s.text(0), api: API(rawValue: s.int(1)) ?? .cbr, container: s.text(2),
                      status: CheckpointStatus(rawValue: s.text(3)) ?? .error,
                      readyAt: s.int(4), fails: s.int(5) != 0, sizeGB: s.int(6), docText: s.text(7))
    }

    /// One checkpoint of `project`; `api` nil accepts either family.
    static func load(_ db: Database, project: String, id: String, api: APIFamily?) throws(CkptError) -> CheckpointRow? {
        let s = try db.statement("SELECT \(columns) FROM checkpoints WHERE id = ? AND project_id = ?")
        s.bind(1, id); s.bind(2, project)
        guard try s.step() else { return nil }
        let row = try read(s)
        switch api {
        case .cbr?: return row.api == .cbr ? row : nil
        case .csbs?: return row.api == .csbs ? row : nil
        case nil: return row
        }
    }

    /// Loads a checkpoint, first moving it on if its protecting phase is over.
    static func current(_ db: Database, project: String, id: String, api: APIFamily) throws(CkptError) -> CheckpointRow? {
        guard let row = try load(db, project: project, id: id, api: api) else { return nil }
        guard row.isDue(now: Clock.nowMs()) else { return row }
        return try db.write { () throws(CkptError) -> CheckpointRow? in
            // Re-read inside the write lock: another process may have moved it.
            guard var fresh = try load(db, project: project, id: id, api: api) else { return nil }
            if fresh.isDue(now: Clock.nowMs()) { try fresh.settle(db, project: project) }
            return fresh
        }
    }

    /// Moves on every checkpoint of a vault or policy whose time is up, so
    /// capacity and busy resources are counted as they are now.  The index
    /// holds only checkpoints in progress, so this is one probe when idle.
    static func settleDue(_ db: Database, project: String, container: String) throws(CkptError) {
        let s = try db.statement("""
            SELECT \(columns) FROM checkpoints
            WHERE container_id = ? AND status = 'protecting' AND ready_at BETWEEN 0 AND ?
            """)
        s.bind(1, container); s.bind(2, Clock.nowMs())
        var due: [CheckpointRow] = []
        while try s.step() { due.append(try read(s)) }
        for var row in due { try row.settle(db, project: project) }
    }

    func isDue(now: Int64) -> Bool { status == .protecting && readyAt >= 0 && readyAt <= now }

    /// The end of the protecting phase: `available`, or `error` when a
    /// resource was set up to fail.
    mutating func settle(_ db: Database, project: String) throws(CkptError) {
        try transition(db, project: project, to: fails ? .error : .available, readyAt: nil)
    }

    /// Changes the status, keeping resource locks and vault usage right:
    /// only `protecting` holds locks, and only a checkpoint not in `error`
    /// counts against its vault's capacity.  Call inside a write.
    mutating func transition(_ db: Database, project: String, to new: CheckpointStatus, readyAt: Int64?) throws(CkptError) {
        let old = status
        let doc = CheckpointRow.render(try Documents.parse(docText), status: new)
        docText = try Documents.text(doc)
        let s = try db.statement("UPDATE checkpoints SET status = ?, ready_at = ?, doc = ? WHERE id = ?")
        s.bind(1, new.rawValue); s.bind(2, readyAt ?? self.readyAt); s.bind(3, docText); s.bind(4, id)
        try s.run()
        status = new
        if let readyAt { self.readyAt = readyAt }
        if new == .protecting {
            try ResourceLocks.take(db, project: project, checkpoint: id, CheckpointRow.resourceIds(doc))
        } else if old == .protecting {
            try ResourceLocks.release(db, checkpoint: id)
        }
        if api == .cbr && (old == .error) != (new == .error) {
            try VaultRow.addUsage(db, project: project, id: container, new == .error ? 0 &- sizeGB : sizeGB)
        }
    }

    private static func resourceIds(_ doc: JSONValue) -> [String] {
        let c = doc["checkpoint"]
        let list = c?["vault"]?["resources"]?.arrayValue ?? c?["protection_plan"]?["resources"]?.arrayValue ?? []
        return list.compactMap { $0["id"]?.stringValue }
    }

    /// The document for a status: `status` set, and for a v3 checkpoint each
    /// resource's `protect_status` (a failed backup protected nothing).
    static func render(_ doc: JSONValue, status: CheckpointStatus) -> JSONValue {
        guard case .object(var top) = doc, case .object(var c)? = top["checkpoint"] else { return doc }
        c["status"] = .string(status.rawValue)
        if case .object(var v)? = c["vault"], case .array(let list)? = v["resources"] {
            let protect: JSONValue = .string((status == .error ? ProtectStatus.error : .available).rawValue)
            v["resources"] = .array(list.map { r in
                guard case .object(var o) = r else { return r }
                o["protect_status"] = protect
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
