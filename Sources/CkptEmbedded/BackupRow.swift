import CkptCore

/// A backup as stored: one resource's data in one checkpoint (SPEC 6.4).
struct BackupRow {
    var rowid: Int64 = 0
    var id: String
    var project: Int64
    var checkpoint: String
    /// "" for the backup of a v1 (CSBS) checkpoint, which is in no vault.
    var vault: String
    var resourceId: String
    var resourceName: String
    var resourceType: ResourceType
    var provider: ProviderKind
    var name: String
    var description: String
    var status: BackupStatus
    var sizeGB: Int64
    var incremental: Bool
    var autoTrigger: Bool
    /// The backup ends in `error` (simulate.fail_resources).
    var fails: Bool
    var createdUs: Int64
    var updatedUs: Int64
    var protectedUs: Int64?
    /// When the current phase ends (Unix ms); -1 holds it.
    var readyAt: Int64
    /// The rowid of its latest task (0: none).
    var job: Int64 = 0

    static let columns = """
        rowid, id, project, checkpoint, vault, resource, resource_name, resource_type, provider, name, description, \
        status, size_gb, incremental, auto_trigger, fails, created_us, updated_us, protected_us, ready_at, job
        """

    static func read(_ s: Statement, from c: Int32 = 0) -> BackupRow {
        BackupRow(rowid: s.int(c), id: s.uuid(c + 1), project: s.int(c + 2), checkpoint: s.uuid(c + 3),
                  vault: s.uuid(c + 4), resourceId: s.uuid(c + 5), resourceName: s.text(c + 6),
                  resourceType: ResourceType.allCases[safe: s.int(c + 7)] ?? .server,
                  provider: ProviderKind(rawValue: s.int(c + 8)) ?? .server, name: s.text(c + 9),
                  description: s.text(c + 10), status: BackupStatus(code: s.int(c + 11)) ?? .error,
                  sizeGB: s.int(c + 12), incremental: s.int(c + 13) != 0, autoTrigger: s.int(c + 14) != 0,
                  fails: s.int(c + 15) != 0, createdUs: s.int(c + 16), updatedUs: s.int(c + 17),
                  protectedUs: s.optionalInt(c + 18), readyAt: s.int(c + 19), job: s.int(c + 20))
    }

    /// One backup of `project`.
    static func load(_ db: Database, project: Int64, id: String) throws(CkptError) -> BackupRow? {
        guard let bytes = UUIDText.bytes(id) else { return nil }
        let s = try db.statement("SELECT \(columns) FROM backups WHERE id = ? AND project = ?")
        s.bind(1, blob: bytes); s.bind(2, project)
        return try s.step() ? read(s) : nil
    }

    /// Every backup of a checkpoint.
    static func ofCheckpoint(_ db: Database, _ checkpoint: String) throws(CkptError) -> [BackupRow] {
        let s = try db.statement("SELECT \(columns) FROM backups WHERE checkpoint = ? ORDER BY rowid")
        s.bind(1, blob: UUIDText.bytes(checkpoint) ?? [])
        var out: [BackupRow] = []
        while try s.step() { out.append(read(s)) }
        return out
    }

    /// Inserts the row; sets `rowid`.
    mutating func insert(_ db: Database) throws(CkptError) {
        let s = try db.statement("""
            INSERT INTO backups(id, project, checkpoint, vault, resource, resource_name, resource_type, provider, name,
              description, status, size_gb, incremental, auto_trigger, fails, created_us, updated_us, protected_us,
              ready_at, job)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        s.bind(1, blob: UUIDText.bytes(id) ?? []); s.bind(2, project); s.bind(3, blob: UUIDText.bytes(checkpoint) ?? [])
        s.bind(4, blob: UUIDText.bytes(vault) ?? []); s.bind(5, blob: UUIDText.bytes(resourceId) ?? [])
        s.bind(6, resourceName); s.bind(7, resourceType.code); s.bind(8, provider.rawValue); s.bind(9, name)
        s.bind(10, description); s.bind(11, status.code); s.bind(12, sizeGB); s.bind(13, incremental ? 1 : 0)
        s.bind(14, autoTrigger ? 1 : 0); s.bind(15, fails ? 1 : 0); s.bind(16, createdUs); s.bind(17, updatedUs)
        s.bind(18, protectedUs); s.bind(19, readyAt); s.bind(20, job)
        try s.run()
        rowid = db.lastInsertRowid
        try BackupCounts.add(db, 1, vault: vault, project: project)
    }

    /// Writes the mutable columns back.
    func save(_ db: Database) throws(CkptError) {
        let s = try db.statement("""
            UPDATE backups SET name = ?, status = ?, updated_us = ?, protected_us = ?, ready_at = ?, job = ?
            WHERE rowid = ?
            """)
        s.bind(1, name); s.bind(2, status.code); s.bind(3, updatedUs); s.bind(4, protectedUs); s.bind(5, readyAt)
        s.bind(6, job); s.bind(7, rowid)
        try s.run()
    }

    func remove(_ db: Database) throws(CkptError) {
        let s = try db.statement("DELETE FROM backups WHERE rowid = ?")
        s.bind(1, rowid)
        try s.run()
        try BackupCounts.add(db, -1, vault: vault, project: project)
    }

    /// Whether it counts against its vault's capacity: everything but a
    /// failed backup (which stored nothing).
    var usesCapacity: Bool { status != .error }

    var protectStatus: ProtectStatus {
        switch status {
        case .available: return .available
        case .error: return .error
        case .protecting, .waitingProtect: return .protecting
        case .restoring, .waitingRestore: return .restoring
        case .deleting, .waitingDelete: return .removing
        }
    }

    /// BackupResp (SPEC 6.3), field for field.
    func write(_ w: inout JSONWriter, projectId: String) {
        w.beginObject()
        w.member("id", id)
        w.member("name", name)
        w.member("description", description)
        w.member("checkpoint_id", checkpoint)
        w.member("vault_id", vault)
        w.member("project_id", projectId)
        w.member("provider_id", provider.id)
        w.member("resource_id", resourceId)
        w.member("resource_name", resourceName)
        w.member("resource_type", resourceType.rawValue)
        w.member("resource_size", sizeGB)
        w.member("resource_az", "")
        w.member("image_type", "backup")
        w.member("status", status.rawValue)
        w.member("created_at", micros: createdUs)
        w.member("updated_at", micros: updatedUs)
        w.key("protected_at")
        if let protectedUs { w.timestamp(micros: protectedUs) } else { w.null() }
        w.key("expired_at"); w.null()
        w.key("parent_id"); w.null()
        w.member("incremental", incremental)
        w.key("children"); w.beginArray(); w.endArray()
        w.key("extend_info")
        w.beginObject()
        w.member("auto_trigger", autoTrigger)
        w.member("bootable", resourceType != .volume)
        w.member("supported_restore_mode", "backup")
        w.member("contain_system_disk", resourceType != .volume)
        w.member("encrypted", false)
        w.member("system_disk", false)
        w.member("snapshot_id", "")
        w.endObject()
        w.member("enterprise_project_id", "0")
        w.key("replication_records"); w.beginArray(); w.endArray()
        w.endObject()
    }

    /// `{"backup": BackupResp}`.
    func reply(projectId: String) -> Reply {
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.key("backup")
        write(&w, projectId: projectId)
        w.endObject()
        return Reply(text: w.text)
    }
}

extension ResourceType {
    /// The position in `allCases`, as the store keeps it.
    var code: Int64 { Int64(Self.allCases.firstIndex(of: self) ?? 0) }
}

extension Array {
    /// The element at `i`, or nil outside the array.
    subscript(safe i: Int64) -> Element? {
        guard i >= 0, i < Int64(count) else { return nil }
        return self[Int(i)]
    }
}
