import CkptCore

/// backup.list, .get, .update, .delete and .restore (SPEC 6.1, 6.4).
extension EmbeddedBackend {
    static let backupSort = [
        "created_at": "id", "updated_at": "updated_us", "name": "name", "status": "status", "id": "id",
        "protected_at": "IFNULL(protected_us, -1)",
    ]

    func listBackups(_ r: ListRequest) throws(CkptError) -> Reply {
        let projectNo = self.projectNo
        return try withDatabase(settle: true) { (db) throws(CkptError) in
            var q = ListQuery(table: "backups", sortExpressions: Self.backupSort)
            // The key is in created_at order (ids are made from created_us):
            // a checkpoint's backups and a time window are ranges of it.  A
            // vault's backups have their index; a resource's are read through
            // its vault's, or the project's (an index of them, or of projects,
            // would cost every create a page).  A leading `+` keeps SQLite
            // from using the vault index when a range of the key is narrower.
            var from = r.micros("start_time") ?? 0
            var to = r.micros("end_time") ?? Int64.max / 2
            var narrowed = r.micros("start_time") != nil || r.micros("end_time") != nil
            if let checkpoint = r.string("checkpoint_id") {
                narrowed = true
                let c = try db.statement("SELECT backups_from, backups_count FROM checkpoints WHERE id = ? AND project_id = ?")
                c.bind(1, checkpoint); c.bind(2, project)
                if try c.step() {
                    from = max(from, c.int(0))
                    to = min(to, c.int(0) &+ max(c.int(1) &- 1, 0))
                } else {
                    q.require("0")
                }
                c.reset()
                q.require("checkpoint = ?", .blob(UUIDText.bytes(checkpoint) ?? []))
            }
            if narrowed {
                let (low, high) = BackupRow.idRange(fromMicros: from, toMicros: to)
                q.require("id BETWEEN ? AND ?", .blob(low), .blob(high))
            }
            for (key, column) in [("resource_id", "resource"), ("vault_id", "vault")] {
                guard let id = r.string(key) else { continue }
                let indexed = key == "vault_id" && r.string("checkpoint_id") == nil
                q.require("\(indexed ? "" : "+")\(column) = ?", .blob(UUIDText.bytes(id) ?? []))
            }
            q.require("+project = ?", .int(projectNo))
            if let name = r.string("resource_name") { q.require("resource_name = ?", .text(name)) }
            if let type = r.string("resource_type") {
                q.require("resource_type = ?", .int(ResourceType(rawValue: type)?.code ?? -1))
            }
            if let name = r.string("name") { q.require("name = ?", .text(name)) }
            if let statuses = r.strings("status") {
                q.require("status", in: statuses.map { .int(BackupStatus(rawValue: $0)?.code ?? -1) })
            }
            // Every backup here is a backup, none a replica.
            if r.string("image_type") == "replication" { q.require("0") }
            if let incremental = r.bool("incremental") { q.require("incremental = ?", .int(incremental ? 1 : 0)) }

            // The count of all the project's backups, or of one of its
            // vaults', is kept; any other filter counts its index range.
            var known: Int64?
            if r.filters.keys.isEmpty {
                known = try BackupCounts.count(db, scope: BackupCounts.projectScope(projectNo))
            } else if r.filters.keys == ["vault_id"], let vault = r.string("vault_id") {
                known = try VaultRow.load(db, project: project, id: vault, cache: vaultDocuments) == nil
                    ? nil : BackupCounts.count(db, scope: UUIDText.bytes(vault) ?? [])
            }
            return try q.page(db, key: "backups", columns: BackupRow.columns, request: r, project: projectNo,
                              knownCount: known, rowBytes: 900) { s, w in
                BackupRow.read(s).write(&w, projectId: project)
            }
        }
    }

    func getBackup(id: String) throws(CkptError) -> Reply {
        try withDatabase(settle: true) { (db) throws(CkptError) in
            guard let b = try BackupRow.load(db, project: projectNo, id: id) else { throw .backupNotFound(id) }
            return b.reply(projectId: project)
        }
    }

    func updateBackup(_ r: BackupUpdateRequest) throws(CkptError) -> Reply {
        try withWrite { [self] (db) throws(CkptError) in
            guard var b = try BackupRow.load(db, project: projectNo, id: r.backupId) else {
                throw .backupNotFound(r.backupId)
            }
            b.name = r.name
            b.updatedUs = max(nowMicros, b.createdUs)
            try b.save(db)
            return b.reply(projectId: project)
        }
    }

    /// Starts a delete: the backup is `deleting` until its simulated time
    /// has passed, then gone (a failed backup, which holds nothing, goes at
    /// once).  A backup being made is refused (6203), one being restored
    /// too (6216); deleting one that is being deleted changes nothing.
    func deleteBackup(id: String) throws(CkptError) -> Reply {
        try withWrite { [self] (db) throws(CkptError) in
            guard var b = try BackupRow.load(db, project: projectNo, id: id) else { throw .backupNotFound(id) }
            switch b.status {
            case .protecting, .waitingProtect: throw .backupInProgress("the backup \(id) is being made")
            case .restoring, .waitingRestore: throw .backupInUse(id)
            case .deleting, .waitingDelete: return Reply([:])
            case .available, .error: break
            }
            try startDelete(db, &b)
            return Reply([:])
        }
    }

    /// Moves an `available` or `error` backup to `deleting` with its
    /// `delete` task (or removes it at once when that takes no time).
    func startDelete(_ db: Database, _ b: inout BackupRow) throws(CkptError) {
        let now = Clock.nowMs()
        let duration = b.status == .error ? 0 : config.backupMsPerGB &* max(b.sizeGB, 1)
        let log = try task(db, about: b, type: .delete, nowMs: now, endsMs: now &+ duration)
        try log.insert(db)
        b.job = log.id
        if duration == 0 {
            try Lifecycle.remove(db, b, counted: b.usesCapacity, atMs: now, project: project)
        } else {
            try Lifecycle.setBackupStatus(db, &b, .deleting, atMs: now, project: project)
            b.readyAt = now &+ duration
            try b.save(db)
            try Lifecycle.refreshCheckpoint(db, b.checkpoint, project: project)
        }
    }

    /// Starts a restore: the backup is `restoring`, then `available` again;
    /// answers the `job_id` of its restore task.
    func restoreBackup(_ r: BackupRestoreRequest) throws(CkptError) -> Reply {
        try withWrite { [self] (db) throws(CkptError) in
            guard var b = try BackupRow.load(db, project: projectNo, id: r.backupId) else {
                throw .backupNotFound(r.backupId)
            }
            // The target the backup's type needs (SPEC 6.8: mappings are optional).
            if b.resourceType == .volume {
                if r.volumeId == nil && r.resourceId == nil {
                    throw .parameter(.cbr, "restore.volume_id: is required to restore a volume backup")
                }
            } else if r.serverId == nil && r.resourceId == nil {
                throw .parameter(.cbr, "restore.server_id: is required to restore a \(b.resourceType.rawValue) backup")
            }
            guard b.status == .available else { throw .restoreStatus(b.id, b.status.rawValue) }
            if !b.vault.isEmpty, let vault = try VaultRow.load(db, project: project, id: b.vault),
               vault.status != .available
            {
                throw .restoreVaultStatus(b.vault, vault.status.rawValue)
            }
            let now = Clock.nowMs()
            let duration = config.backupMsPerGB &* max(b.sizeGB, 1)
            var log = try task(db, about: b, type: .restore, nowMs: now, endsMs: now &+ duration)
            log.target = r.target
            try log.insert(db)
            b.job = log.id
            try Lifecycle.setBackupStatus(db, &b, .restoring, atMs: now, project: project)
            b.readyAt = now &+ duration
            try b.save(db)
            if duration == 0 {
                try Lifecycle.settle(db, backup: &b, project: project)
            } else {
                try Lifecycle.refreshCheckpoint(db, b.checkpoint, project: project)
            }
            return Reply(["job_id": .string(log.id)])
        }
    }

    /// A new running task about a backup, named after its vault as it is now.
    private func task(_ db: Database, about b: BackupRow, type: OperationType, nowMs: Int64,
                      endsMs: Int64) throws(CkptError) -> OperationLogRow
    {
        var stamps = try Stamps(db, table: .operationLogs, now: nowMicros)
        let vaultName = b.vault.isEmpty ? "" : (try VaultRow.load(db, project: project, id: b.vault))
            .flatMap { try? $0.resources().0 } ?? ""
        let policyId = try OperationLogRow.load(db, id: b.job)?.policyId ?? ""
        return OperationLogRow.about(b, type: type, createdUs: stamps.take(), nowMs: nowMs,
                                     endsMs: endsMs, vaultName: vaultName, policyId: policyId)
    }
}
