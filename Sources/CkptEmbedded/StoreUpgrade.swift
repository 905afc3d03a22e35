import CkptCore

/// Version 2 to 3 (libckpt 1.0 to 1.1): every checkpoint gets its backups,
/// one per resource, and their `backup` tasks, so that nothing created
/// before the upgrade is missing from a list (SPEC 6.4); a v3 checkpoint's
/// document takes 1.1's resource shape (`extra_info` as JSON text,
/// `backup_size` and `backup_count`).  It runs inside the migration's
/// transaction.
///
/// What 1.0 did not keep is filled in as 1.1 would have: a backup is
/// `incremental` (the documents' default), its size is its resource's as
/// the checkpoint recorded it, and when its checkpoint is in `error` every
/// backup of it is (1.0 failed checkpoints as a whole).
enum StoreUpgrade {
    static func backupsOfVersion2(_ db: Database) throws(CkptError) {
        let s = try db.statement("SELECT \(CheckpointRow.columns), project_id FROM checkpoints ORDER BY rowid")
        var rows: [(CheckpointRow, String)] = []
        while try s.step() { rows.append((CheckpointRow.read(s), s.text(8))) }
        var lastBackup = Int64.min
        var lastLog = Int64.min
        for (checkpoint, project) in rows {
            var checkpoint = checkpoint
            let doc = try Documents.parse(checkpoint.docText)
            guard let c = doc["checkpoint"]?.objectValue else { continue }
            let projectNo = try Projects.number(db, project, create: true) ?? 0
            var created = c["created_at"]?.stringValue.flatMap(Clock.micros(parsing:)) ?? Clock.nowMicros()
            let status: BackupStatus
            switch checkpoint.status {
            case .protecting: status = .protecting
            case .error: status = .error
            default: status = .available
            }
            let v3 = checkpoint.api == .cbr
            let resources = (v3 ? c["vault"]?["resources"] : c["protection_plan"]?["resources"])?.arrayValue ?? []
            let sizes = v3 ? [:] : try policySizes(db, project: project, policy: checkpoint.container)
            let autoTrigger = !v3 && ByteSearch.contains(c["extra_info"]?.stringValue ?? "", "auto")
            let name = v3 ? c["extra_info"]?["name"]?.stringValue ?? ""
                : Documents.backupName(id: checkpoint.id, nil, autoTrigger: autoTrigger)
            var backups: [BackupRow] = []
            // Their created_us one apart: ids of one range (BackupRow.ofCheckpoint).
            for r in resources {
                guard let resourceId = r["id"]?.stringValue else { continue }
                created = max(created, lastBackup &+ 1)
                lastBackup = created
                let size = v3 ? Int64(r["resource_size"]?.stringValue ?? "") ?? 0 : sizes[resourceId]?.intValue ?? 0
                var b = BackupRow(
                    id: UUIDGenerator.makeTimeOrdered(micros: created), project: projectNo, checkpoint: checkpoint.id,
                    vault: v3 ? checkpoint.container : "", resourceId: resourceId,
                    resourceName: r["name"]?.stringValue ?? "",
                    resourceType: ResourceType(rawValue: r["type"]?.stringValue ?? "") ?? .server,
                    provider: v3 ? ProviderKind(id: c["vault"]?["provider_id"]?.stringValue ?? "") : .csbs, name: name,
                    description: c["extra_info"]?["description"]?.stringValue ?? "", status: status, sizeGB: size,
                    incremental: true, autoTrigger: autoTrigger, fails: status == .error || checkpoint.fails,
                    createdUs: created, updatedUs: created, protectedUs: status == .available ? created : nil,
                    readyAt: status == .protecting ? checkpoint.readyAt : 0)
                let logCreated = max(created, lastLog &+ 1)
                lastLog = logCreated
                var log = OperationLogRow.about(b, type: .backup, createdUs: logCreated, nowMs: created / 1000,
                                                endsMs: b.readyAt,
                                                vaultName: v3 ? c["vault"]?["name"]?.stringValue ?? "" : "",
                                                policyId: v3 ? "" : checkpoint.container)
                if status != .protecting {
                    log.finish(status == .available ? .success : .failed, atMicros: created,
                               error: status == .available ? nil : ("BackupService.9910", "The backup failed."))
                }
                try log.insert(db)
                b.job = log.id
                try b.insert(db)
                backups.append(b)
            }
            let range = try db.statement("UPDATE checkpoints SET backups_from = ?, backups_count = ? WHERE id = ?")
            range.bind(1, backups.first?.createdUs ?? 0); range.bind(2, Int64(backups.count)); range.bind(3, checkpoint.id)
            try range.run()
            if v3 {
                checkpoint.docText = try Documents.text(Documents.withResourceExtraInfoAsText(doc))
                try checkpoint.save(db, backups: backups)
            }
        }
    }

    private static func policySizes(_ db: Database, project: String, policy: String) throws(CkptError) -> JSONValue {
        let s = try db.statement("SELECT sizes FROM policies WHERE project_id = ? AND id = ?")
        s.bind(1, project); s.bind(2, policy)
        return try s.step() ? Documents.parse(s, 0) : [:]
    }
}
