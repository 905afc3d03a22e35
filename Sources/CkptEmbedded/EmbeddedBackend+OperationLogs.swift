import CkptCore

/// operation_log.list and .get (SPEC 6.1): the tasks of backups, deletes
/// and restores.
extension EmbeddedBackend {
    static let operationLogSort = ["created_at": "id", "updated_at": "updated_us", "status": "status", "id": "id"]

    func listOperationLogs(_ r: ListRequest) throws(CkptError) -> Reply {
        var q = ListQuery(table: "operation_logs", sortExpressions: Self.operationLogSort)
        let driver = ["vault_id"].first { r.string($0) != nil }
        for (key, column) in [("resource_id", "resource"), ("vault_id", "vault")] {
            guard let id = r.string(key) else { continue }
            q.require("\(key == driver ? "" : "+")\(column) = ?", .blob(UUIDText.bytes(id) ?? []))
        }
        // With no other filter the table is read in key order: a store holds
        // one project or a few, and an index of projects would cost every create.
        q.require("+project = ?", .int(projectNo))
        if let type = r.string("operation_type") { q.require("type = ?", .int(OperationType(rawValue: type)?.code ?? -1)) }
        if let status = r.string("status") {
            q.require("status = ?", .int(OperationLogStatus(rawValue: status)?.code ?? -1))
        }
        if let name = r.string("vault_name") { q.require("vault_name = ?", .text(name)) }
        if let name = r.string("resource_name") { q.require("resource_name = ?", .text(name)) }
        if let provider = r.string("provider_id") { q.require("provider = ?", .int([ProviderKind.server, .disk, .csbs].first { $0.id == provider }?.rawValue ?? -1)) }
        // A time window is a range of the key (ids are made from created_us).
        if r.micros("start_time") != nil || r.micros("end_time") != nil {
            let (low, high) = BackupRow.idRange(fromMicros: r.micros("start_time") ?? 0,
                                                toMicros: r.micros("end_time") ?? Int64.max / 2)
            q.require("id BETWEEN ? AND ?", .blob(low), .blob(high))
        }
        let projectNo = self.projectNo
        return try withDatabase(settle: true) { (db) throws(CkptError) in
            let now = Clock.nowMs()
            return try q.page(db, key: "operation_logs", columns: OperationLogRow.columns, request: r,
                              project: projectNo, rowBytes: 1000) { s, w in
                OperationLogRow.read(s).write(&w, projectId: project, nowMs: now)
            }
        }
    }

    func getOperationLog(id: String) throws(CkptError) -> Reply {
        try withDatabase(settle: true) { (db) throws(CkptError) in
            guard let log = try OperationLogRow.load(db, project: projectNo, id: id) else {
                throw .operationLogNotFound(id)
            }
            return log.reply(projectId: project, nowMs: Clock.nowMs())
        }
    }
}
