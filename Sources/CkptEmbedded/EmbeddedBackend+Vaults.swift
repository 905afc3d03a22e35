import CkptCore

/// vault.list, .update, .delete, .add_resources and .remove_resources
/// (SPEC 6.1, 6.4).  A vault's document is its JSON text in the store; the
/// list filters and sorts on it with SQLite's JSON functions (a project has
/// tens of vaults, not millions).
extension EmbeddedBackend {
    static let vaultSort = [
        "created_at": "json_extract(doc, '$.vault.created_at')", "name": "json_extract(doc, '$.vault.name')",
        "status": "status", "id": "id",
    ]

    /// The document members the equality filters of vault.list read.
    private static let vaultFilterPaths = [
        ("name", "$.vault.name"), ("object_type", "$.vault.billing.object_type"),
        ("protect_type", "$.vault.billing.protect_type"), ("cloud_type", "$.vault.billing.cloud_type"),
        ("policy_id", "$.vault.backup_policy_id"),
    ]

    func listVaults(_ r: ListRequest) throws(CkptError) -> Reply {
        let project = self.project
        return try withDatabase(settle: true) { (db) throws(CkptError) in
            var q = ListQuery(table: "vaults", sortExpressions: Self.vaultSort)
            q.require("project_id = ?", .text(project))
            for (key, path) in Self.vaultFilterPaths {
                if let value = r.string(key) { q.require("json_extract(doc, '\(path)') = ?", .text(value)) }
            }
            if let ids = r.strings("id") { q.require("id", in: ids.map(SQLValue.text)) }
            if let status = r.string("status") { q.require("status = ?", .text(status)) }
            if let ids = r.strings("resource_ids") {
                // A vault that holds any of them.
                let marks = Array(repeating: "?", count: ids.count).joined(separator: ", ")
                q.require("""
                    EXISTS(SELECT 1 FROM json_each(vaults.doc, '$.vault.resources') AS r
                           WHERE json_extract(r.value, '$.id') IN (\(marks)))
                    """, values: ids.map(SQLValue.text))
            }
            let cache = vaultDocuments
            return try q.page(db, key: "vaults", columns: VaultRow.columns, request: r, project: projectNo,
                              marker: { m in ("id = ? AND project_id = ?", [.text(m), .text(project)]) },
                              rowBytes: 1200) { (s, w) throws(CkptError) in
                let doc = try VaultRow.read(s, project: project, cache: cache).document()
                w.raw(try Documents.text(doc["vault"] ?? [:]))
            }
        }
    }

    /// Renames the vault, changes its capacity (never below what it uses:
    /// 9900 naming `vault.billing.size`) or its settings.
    func updateVault(_ r: VaultUpdateRequest) throws(CkptError) -> Reply {
        try withWrite { [self] (db) throws(CkptError) in
            guard var v = try VaultRow.load(db, project: project, id: r.vaultId, cache: vaultDocuments) else {
                throw .vaultNotFound(r.vaultId)
            }
            var doc = try v.vault()
            if let name = r.name { doc["name"] = .string(name) }
            var billing = doc["billing"]?.objectValue ?? JSONObject()
            if let size = r.sizeGB {
                guard size >= v.usedGB else {
                    throw .parameter(.cbr, "vault.billing.size: \(size) GB is less than the \(v.usedGB) GB vault \(r.vaultId) uses")
                }
                v.sizeGB = size
                billing["size"] = .int(size)
            }
            if let level = r.consistentLevel { billing["consistent_level"] = .string(level) }
            doc["billing"] = .object(billing)
            for m in r.settings.members { doc[m.key] = m.value }
            v.setVault(doc)
            try v.save(db, project: project)
            return Reply(try v.document())
        }
    }

    /// Starts a delete: the vault is `deleting` until its simulated time
    /// has passed, then gone with everything in it (`Lifecycle.purgeVault`);
    /// its `vault_delete` task records it.  A vault with a backup being
    /// made or restored is refused (6203); deleting one that is being
    /// deleted changes nothing.
    func deleteVault(id: String) throws(CkptError) -> Reply {
        try withWrite { [self] (db) throws(CkptError) in
            guard let v = try VaultRow.load(db, project: project, id: id, cache: vaultDocuments) else {
                throw .vaultNotFound(id)
            }
            // A delete under way changes nothing; a vault put into `deleting`
            // by local.vault.set_status (ready_at -1) has none, and gets one.
            let pending = try db.statement("SELECT ready_at FROM vaults WHERE project_id = ? AND id = ?")
            pending.bind(1, project); pending.bind(2, id)
            if v.status == .deleting, try pending.step(), pending.int(0) >= 0 { return Reply([:]) }
            pending.reset()
            let vault = UUIDText.bytes(id) ?? []
            // Through the index of backups in a phase that ends by itself.
            let busy = try db.statement("""
                SELECT id FROM backups WHERE \(StoreSchema.transitionalBackups) AND +vault = ?
                  AND status IN (\(BackupStatus.protecting.code), \(BackupStatus.restoring.code)) LIMIT 1
                """)
            busy.bind(1, blob: vault)
            if try busy.step() {
                throw .backupInProgress("vault \(id) has a backup in progress (\(busy.uuid(0)))")
            }
            let now = Clock.nowMs()
            let duration = config.backupMsPerGB &* max(v.usedGB, 1)
            let total = try BackupCounts.count(db, scope: vault)
            var stamps = try Stamps(db, table: .operationLogs, now: nowMicros)
            let log = OperationLogRow.about(
                vault: id, name: v.name, provider: ProviderKind(id: v.providerId), project: projectNo,
                type: .vaultDelete, createdUs: stamps.take(), nowMs: now, endsMs: now &+ duration,
                extra: #"{"fail_count":0,"total_count":\#(total)}"#)
            try log.insert(db)
            let s = try db.statement("UPDATE vaults SET status = ?, ready_at = ? WHERE project_id = ? AND id = ?")
            s.bind(1, VaultStatus.deleting.rawValue); s.bind(2, now &+ duration); s.bind(3, project); s.bind(4, id)
            try s.run()
            if duration == 0 { try Lifecycle.purgeVault(db, project: project, id: id, atMs: now) }
            return Reply([:])
        }
    }

    /// Binds resources: none may be in this vault (6104) or another vault
    /// of the project (6103).  Answers `add_resource_ids`.
    func addVaultResources(_ r: VaultResourcesRequest) throws(CkptError) -> Reply {
        guard case .add(let added) = r.change else { throw .internalError("vault.add_resources without resources") }
        return try withWrite { [self] (db) throws(CkptError) in
            guard var v = try VaultRow.load(db, project: project, id: r.vaultId, cache: vaultDocuments) else {
                throw .vaultNotFound(r.vaultId)
            }
            var doc = try v.vault()
            var resources = doc["resources"]?.arrayValue ?? []
            let held = Set(resources.compactMap { $0["id"]?.stringValue })
            let elsewhere = try db.statement("""
                SELECT v.id FROM vaults AS v, json_each(v.doc, '$.vault.resources') AS r
                WHERE v.project_id = ? AND v.id != ? AND json_extract(r.value, '$.id') = ? LIMIT 1
                """)
            for res in added {
                if held.contains(res.id) { throw .resourceInThisVault(res.id, vault: r.vaultId) }
                elsewhere.bind(1, project); elsewhere.bind(2, r.vaultId); elsewhere.bind(3, res.id)
                if try elsewhere.step() { throw .resourceInOtherVault(res.id, vault: elsewhere.text(0)) }
                elsewhere.reset()
                resources.append(Documents.vaultResource(res))
            }
            doc["resources"] = .array(resources)
            v.setVault(doc)
            try v.save(db, project: project)
            return Reply(["add_resource_ids": .array(r.resourceIds.map(JSONValue.string))])
        }
    }

    /// Unbinds resources (their backups stay): each must be in the vault
    /// (6135) and not being backed up (6134).  Writes one `remove_resource`
    /// task; answers `remove_resource_ids`.
    func removeVaultResources(_ r: VaultResourcesRequest) throws(CkptError) -> Reply {
        try withWrite { [self] (db) throws(CkptError) in
            guard var v = try VaultRow.load(db, project: project, id: r.vaultId, cache: vaultDocuments) else {
                throw .vaultNotFound(r.vaultId)
            }
            var doc = try v.vault()
            let (_, list) = try v.resources()
            var removed: [ProtectedResource] = []
            for id in r.resourceIds {
                guard let res = list.first(where: { $0.id == id }) else {
                    throw .resourceNotInVault(id, vault: r.vaultId)
                }
                removed.append(res)
            }
            if let busy = try ResourceLocks.partition(db, project: project, removed).skipped.first {
                throw .resourceBusy(busy.id)
            }
            let gone = Set(r.resourceIds)
            doc["resources"] = .array((doc["resources"]?.arrayValue ?? []).filter {
                !gone.contains($0["id"]?.stringValue ?? "")
            })
            v.setVault(doc)
            try v.save(db, project: project)
            // One task for the request, as the service's: its resource when it
            // removes one, and extra_info.remove_resources with them all.
            var stamps = try Stamps(db, table: .operationLogs, now: nowMicros)
            let listed: [JSONValue] = removed.map { res in
                ["id": .string(res.id), "name": .string(res.name), "type": .string(res.type),
                 "extra_info": Documents.extraInfo(res.extraInfo)]
            }
            let extra: JSONValue = ["fail_count": 0, "total_count": .int(Int64(removed.count)), "resources": .array(listed)]
            var log = OperationLogRow.about(
                vault: r.vaultId, name: v.name, provider: ProviderKind(id: v.providerId), project: projectNo,
                resource: removed.count == 1 ? removed.first : nil, type: .removeResource, createdUs: stamps.take(),
                nowMs: Clock.nowMs(), endsMs: Clock.nowMs(), extra: try Documents.text(extra))
            log.finish(.success, atMicros: log.createdUs)
            try log.insert(db)
            return Reply(["remove_resource_ids": .array(r.resourceIds.map(JSONValue.string))])
        }
    }
}
