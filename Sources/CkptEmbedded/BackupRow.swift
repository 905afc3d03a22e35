import CkptCore

/// A backup as stored: one resource's data in one checkpoint (SPEC 6.4).
struct BackupRow {
    /// Made from `createdUs` (`UUIDGenerator.makeTimeOrdered(micros:)`): the
    /// table's key order is its `created_at` order.
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
    /// The id of its latest task ("" for none).
    var job: String = ""

    static let columns = """
        id, project, checkpoint, vault, resource, resource_name, resource_type, provider, name, description, \
        status, size_gb, incremental, auto_trigger, fails, created_us, updated_us, protected_us, ready_at, job
        """

    static func read(_ s: Statement) -> BackupRow {
        BackupRow(id: s.uuid(0), project: s.int(1), checkpoint: s.uuid(2), vault: s.uuid(3), resourceId: s.uuid(4),
                  resourceName: s.text(5), resourceType: ResourceType.allCases[safe: s.int(6)] ?? .server,
                  provider: ProviderKind(rawValue: s.int(7)) ?? .server, name: s.text(8), description: s.text(9),
                  status: BackupStatus(code: s.int(10)) ?? .error, sizeGB: s.int(11), incremental: s.int(12) != 0,
                  autoTrigger: s.int(13) != 0, fails: s.int(14) != 0, createdUs: s.int(15), updatedUs: s.int(16),
                  protectedUs: s.optionalInt(17), readyAt: s.int(18), job: s.uuid(19))
    }

    /// The number of columns `columns` reads.
    static let columnCount: Int32 = 20

    /// The range of ids of backups created from `fromMicros` to `toMicros`.
    static func idRange(fromMicros: Int64, toMicros: Int64) -> ([UInt8], [UInt8]) {
        (UUIDGenerator.timePrefix(micros: fromMicros) + [UInt8](repeating: 0, count: 8),
         UUIDGenerator.timePrefix(micros: toMicros) + [UInt8](repeating: 0xff, count: 8))
    }

    /// One backup of `project`.
    static func load(_ db: Database, project: Int64, id: String) throws(CkptError) -> BackupRow? {
        guard let bytes = UUIDText.bytes(id) else { return nil }
        let s = try db.statement("SELECT \(columns) FROM backups WHERE id = ? AND project = ?")
        s.bind(1, blob: bytes); s.bind(2, project)
        return try s.step() ? read(s) : nil
    }

    /// Every backup of a checkpoint, oldest first: the range of ids its
    /// `backups_from` and `backups_count` give.
    static func ofCheckpoint(_ db: Database, _ checkpoint: String) throws(CkptError) -> [BackupRow] {
        let r = try db.statement("SELECT backups_from, backups_count FROM checkpoints WHERE id = ?")
        r.bind(1, checkpoint)
        guard try r.step() else { return [] }
        let (low, high) = idRange(fromMicros: r.int(0), toMicros: r.int(0) &+ max(r.int(1) &- 1, 0))
        r.reset()
        let s = try db.statement("SELECT \(columns) FROM backups WHERE id BETWEEN ? AND ? AND checkpoint = ? ORDER BY id")
        s.bind(1, blob: low); s.bind(2, blob: high); s.bind(3, blob: UUIDText.bytes(checkpoint) ?? [])
        var out: [BackupRow] = []
        while try s.step() { out.append(read(s)) }
        return out
    }

    func insert(_ db: Database) throws(CkptError) {
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
        s.bind(18, protectedUs); s.bind(19, readyAt); s.bind(20, blob: UUIDText.bytes(job) ?? [])
        try s.run()
        try BackupCounts.add(db, 1, vault: vault, project: project)
    }

    /// Writes the mutable columns back.
    func save(_ db: Database) throws(CkptError) {
        let s = try db.statement("""
            UPDATE backups SET name = ?, status = ?, updated_us = ?, protected_us = ?, ready_at = ?, job = ?
            WHERE id = ?
            """)
        s.bind(1, name); s.bind(2, status.code); s.bind(3, updatedUs); s.bind(4, protectedUs); s.bind(5, readyAt)
        s.bind(6, blob: UUIDText.bytes(job) ?? []); s.bind(7, blob: UUIDText.bytes(id) ?? [])
        try s.run()
    }

    func remove(_ db: Database) throws(CkptError) {
        let s = try db.statement("DELETE FROM backups WHERE id = ?")
        s.bind(1, blob: UUIDText.bytes(id) ?? [])
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
