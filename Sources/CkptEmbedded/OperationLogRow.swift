import CkptCore

/// A task as stored: an operation log (SPEC 6.3) of a backup, a delete, a
/// restore, or (later) a vault delete.  It outlives its subject.
struct OperationLogRow {
    /// Made from `createdUs`, as a backup's is.
    var id: String
    var project: Int64
    var type: OperationType
    var status: OperationLogStatus
    var provider: ProviderKind
    var vault: String
    var vaultName: String
    var checkpoint: String
    var policyId: String
    var resourceId: String
    var resourceName: String
    /// nil for a task with no resource (a vault delete).
    var resourceType: ResourceType?
    var backupId: String
    var backupName: String
    var incremental: Bool
    /// The restore's target resource.
    var target: String
    /// The JSON object of the type's own members (a vault delete's counts),
    /// or "" to derive them from the columns.
    var extra: String
    /// "" to derive it from the id when rendered.
    var requestId: String
    var createdUs: Int64
    var startedUs: Int64
    var updatedUs: Int64
    var endedUs: Int64?
    /// The simulated phase, for `progress`: from `startsMs` to `endsMs`
    /// (Unix ms; -1 while held).
    var startsMs: Int64
    var endsMs: Int64
    var errorCode: String
    var errorMessage: String

    static let columns = """
        id, project, type, status, provider, vault, vault_name, checkpoint, policy_id, resource, \
        resource_name, resource_type, backup, backup_name, incremental, target, extra, request_id, created_us, \
        started_us, updated_us, ended_us, starts_ms, ends_ms, error_code, error_message
        """

    static func read(_ s: Statement) -> OperationLogRow {
        OperationLogRow(
            id: s.uuid(0), project: s.int(1), type: OperationType(code: s.int(2)) ?? .backup,
            status: OperationLogStatus(code: s.int(3)) ?? .failed, provider: ProviderKind(rawValue: s.int(4)) ?? .server,
            vault: s.uuid(5), vaultName: s.text(6), checkpoint: s.uuid(7), policyId: s.text(8), resourceId: s.uuid(9),
            resourceName: s.text(10), resourceType: ResourceType.allCases[safe: s.int(11)], backupId: s.uuid(12),
            backupName: s.text(13), incremental: s.int(14) != 0, target: s.text(15), extra: s.text(16),
            requestId: s.text(17), createdUs: s.int(18), startedUs: s.int(19), updatedUs: s.int(20),
            endedUs: s.optionalInt(21), startsMs: s.int(22), endsMs: s.int(23), errorCode: s.text(24),
            errorMessage: s.text(25))
    }

    /// One task of `project`.
    static func load(_ db: Database, project: Int64, id: String) throws(CkptError) -> OperationLogRow? {
        guard let bytes = UUIDText.bytes(id) else { return nil }
        let s = try db.statement("SELECT \(columns) FROM operation_logs WHERE id = ? AND project = ?")
        s.bind(1, blob: bytes); s.bind(2, project)
        return try s.step() ? read(s) : nil
    }

    /// One task, of any project (a backup's `job`).
    static func load(_ db: Database, id: String) throws(CkptError) -> OperationLogRow? {
        guard let bytes = UUIDText.bytes(id) else { return nil }
        let s = try db.statement("SELECT \(columns) FROM operation_logs WHERE id = ?")
        s.bind(1, blob: bytes)
        return try s.step() ? read(s) : nil
    }

    /// A new running task about `backup`, from `now` until `endsMs`.
    static func about(_ backup: BackupRow, type: OperationType, createdUs: Int64, nowMs: Int64,
                      endsMs: Int64, vaultName: String, policyId: String) -> OperationLogRow
    {
        OperationLogRow(
            id: UUIDGenerator.makeTimeOrdered(micros: createdUs), project: backup.project, type: type, status: .running, provider: backup.provider,
            vault: backup.vault, vaultName: vaultName, checkpoint: backup.checkpoint, policyId: policyId,
            resourceId: backup.resourceId, resourceName: backup.resourceName, resourceType: backup.resourceType,
            backupId: backup.id, backupName: backup.name, incremental: backup.incremental, target: "", extra: "",
            requestId: "", createdUs: createdUs, startedUs: createdUs,
            updatedUs: createdUs, endedUs: nil, startsMs: nowMs, endsMs: endsMs, errorCode: "", errorMessage: "")
    }

    /// A new task about a vault, or one of its resources (`resource`):
    /// a `vault_delete` or a `remove_resource`, running until `endsMs`.
    static func about(vault: String, name: String, provider: ProviderKind, project: Int64,
                      resource: ProtectedResource? = nil, type: OperationType, createdUs: Int64, nowMs: Int64,
                      endsMs: Int64, extra: String) -> OperationLogRow
    {
        OperationLogRow(
            id: UUIDGenerator.makeTimeOrdered(micros: createdUs), project: project, type: type, status: .running,
            provider: provider, vault: vault, vaultName: name, checkpoint: "", policyId: "",
            resourceId: resource?.id ?? "", resourceName: resource?.name ?? "",
            resourceType: resource.flatMap { ResourceType(rawValue: $0.type) }, backupId: "", backupName: "",
            incremental: false, target: "", extra: extra, requestId: "", createdUs: createdUs, startedUs: createdUs,
            updatedUs: createdUs, endedUs: nil, startsMs: nowMs, endsMs: endsMs, errorCode: "", errorMessage: "")
    }

    func insert(_ db: Database) throws(CkptError) {
        let s = try db.statement("""
            INSERT INTO operation_logs(id, project, type, status, provider, vault, vault_name, checkpoint, policy_id,
              resource, resource_name, resource_type, backup, backup_name, incremental, target, extra, request_id,
              created_us, started_us, updated_us, ended_us, starts_ms, ends_ms, error_code, error_message)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        s.bind(1, blob: UUIDText.bytes(id) ?? []); s.bind(2, project); s.bind(3, type.code); s.bind(4, status.code)
        s.bind(5, provider.rawValue); s.bind(6, blob: UUIDText.bytes(vault) ?? []); s.bind(7, vaultName)
        s.bind(8, blob: UUIDText.bytes(checkpoint) ?? []); s.bind(9, policyId)
        s.bind(10, blob: UUIDText.bytes(resourceId) ?? []); s.bind(11, resourceName)
        s.bind(12, resourceType?.code ?? -1); s.bind(13, blob: UUIDText.bytes(backupId) ?? []); s.bind(14, backupName)
        s.bind(15, incremental ? 1 : 0); s.bind(16, target); s.bind(17, extra); s.bind(18, requestId)
        s.bind(19, createdUs); s.bind(20, startedUs); s.bind(21, updatedUs); s.bind(22, endedUs); s.bind(23, startsMs)
        s.bind(24, endsMs); s.bind(25, errorCode); s.bind(26, errorMessage)
        try s.run()
    }

    func save(_ db: Database) throws(CkptError) {
        let s = try db.statement("""
            UPDATE operation_logs SET status = ?, updated_us = ?, ended_us = ?, starts_ms = ?, ends_ms = ?,
              error_code = ?, error_message = ?, extra = ?
            WHERE id = ?
            """)
        s.bind(1, status.code); s.bind(2, updatedUs); s.bind(3, endedUs); s.bind(4, startsMs); s.bind(5, endsMs)
        s.bind(6, errorCode); s.bind(7, errorMessage); s.bind(8, extra); s.bind(9, blob: UUIDText.bytes(id) ?? [])
        try s.run()
    }

    /// Ends the task at `us` (µs), with an error when it failed.
    mutating func finish(_ outcome: OperationLogStatus, atMicros us: Int64, error: (code: String, message: String)? = nil) {
        status = outcome
        updatedUs = max(us, startedUs)
        endedUs = updatedUs
        errorCode = error?.code ?? ""
        errorMessage = error?.message ?? ""
    }

    /// 0 to 100: the share of the simulated phase gone by (99 at most while
    /// running, 0 while held); 100 once it succeeded.
    func progress(nowMs: Int64) -> Int64 {
        switch status {
        case .success, .skipped: return 100
        case .failed, .timeout, .waiting: return 0
        case .running:
            guard endsMs >= 0 else { return 0 }
            guard endsMs > startsMs else { return 99 }
            let done = (nowMs &- startsMs) &* 100 / (endsMs &- startsMs)
            return min(max(done, 0), 99)
        }
    }

    /// OperationLog (SPEC 6.3).
    func write(_ w: inout JSONWriter, projectId: String, nowMs: Int64) {
        w.beginObject()
        w.member("id", id)
        w.member("project_id", projectId)
        w.member("provider_id", provider.id)
        w.member("checkpoint_id", checkpoint)
        w.member("policy_id", policyId)
        w.member("vault_id", vault)
        w.member("vault_name", vaultName)
        w.member("operation_type", type.rawValue)
        w.member("status", status.rawValue)
        w.member("created_at", micros: createdUs)
        w.member("started_at", micros: startedUs)
        w.member("updated_at", micros: updatedUs)
        w.key("ended_at")
        if let endedUs { w.timestamp(micros: endedUs) } else { w.null() }
        w.key("error_info")
        w.beginObject()
        w.member("code", errorCode)
        w.member("message", errorMessage)
        w.endObject()
        w.key("extra_info")
        w.beginObject()
        w.key("common")
        w.beginObject()
        w.member("progress", progress(nowMs: nowMs))
        // The request that made it; the embedded backend has none of its own
        // and derives one from the task (not stored: 41 bytes a task).
        w.member("request_id", requestId.isEmpty ? "req-" + id : requestId)
        w.member("task_id", id)
        w.endObject()
        w.key("resource")
        w.beginObject()
        w.member("id", resourceId)
        w.member("name", resourceName)
        w.member("type", resourceType?.rawValue ?? "")
        w.key("extra_info")
        w.beginObject()
        w.key("exclude_volumes"); w.beginArray(); w.endArray()
        w.key("include_volumes"); w.beginArray(); w.endArray()
        w.endObject()
        w.endObject()
        // The SDKs' OpExtraInfo names a remove's member in the plural.
        w.key(type == .removeResource ? "remove_resources" : type.rawValue)
        if !extra.isEmpty {
            w.raw(extra)
        } else {
            w.beginObject()
            w.member("backup_id", backupId)
            w.member("backup_name", backupName)
            switch type {
            case .backup: w.member("incremental", incremental ? "true" : "false")
            case .restore:
                w.member("target_resource_id", target)
                w.member("target_resource_name", "")
            default: break
            }
            w.endObject()
        }
        w.endObject()
        w.endObject()
    }

    func reply(projectId: String, nowMs: Int64) -> Reply {
        var w = JSONWriter(capacity: 1024)
        w.beginObject()
        w.key("operation_log")
        write(&w, projectId: projectId, nowMs: nowMs)
        w.endObject()
        return Reply(text: w.text)
    }
}
