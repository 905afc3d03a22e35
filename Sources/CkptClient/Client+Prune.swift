import CkptCore

/// backup.prune: retention in the manner of `restic forget`, run here over
/// backup.list and backup.delete, so it works on either backend (the real
/// cloud too).
extension Client {
    /// Lists every `available` backup of the vault (and resource), judges
    /// each resource's backups separately with `RetentionPlan`, and deletes
    /// what no rule keeps, unless `dry_run`.  Answers `{"keep": [{"id",
    /// "resource_id", "created_at", "reasons"}], "remove": [ids], "dry_run"}`.
    /// A delete that fails does not stop the others; the first failure is
    /// then thrown, its error object carrying the whole result as `prune`
    /// (with `"failed": [{"id", "error"}]`).
    package func prune(_ r: BackupPruneRequest) throws(CkptError) -> Reply {
        // An unknown vault is its 404 (6105), not an empty plan.
        _ = try backend.perform(.vaultGet, IdRequest(ids: [("vault_id", r.vaultId)]))
        var byResource: [String: [RetentionPlan.Backup]] = [:]
        var resourceOrder: [String] = []
        var created: [String: String] = [:]
        var marker: String?
        let pageSize: Int64 = 1000
        while true {
            var query: JSONObject = ["vault_id": .string(r.vaultId), "status": "available", "limit": .int(pageSize)]
            if let id = r.resourceId { query["resource_id"] = .string(id) }
            if let marker { query["marker"] = .string(marker) }
            let page = try backend.perform(.backupList, Operation.backupList.parse(.object(query)))
            let items = page.body["backups"]?.arrayValue ?? []
            for item in items {
                guard let id = item["id"]?.stringValue, let resource = item["resource_id"]?.stringValue,
                      let time = item["created_at"]?.stringValue, let micros = Clock.micros(parsing: time)
                else { continue }
                if byResource[resource] == nil { resourceOrder.append(resource) }
                byResource[resource, default: []].append(RetentionPlan.Backup(id: id, createdMicros: micros))
                created[id] = time
            }
            // Paging stops at a short page, or one that gives nothing new.
            guard Int64(items.count) == pageSize, let last = items.last?["id"]?.stringValue, last != marker else { break }
            marker = last
        }

        var keep: [JSONValue] = []
        var remove: [String] = []
        for resource in resourceOrder {
            let plan = RetentionPlan.plan(byResource[resource] ?? [], r.rules)
            for k in plan.keep {
                keep.append(["id": .string(k.id), "resource_id": .string(resource),
                             "created_at": .string(created[k.id] ?? ""), "reasons": .array(k.reasons.map(JSONValue.string))])
            }
            remove.append(contentsOf: plan.remove)
        }
        var result: JSONObject = ["keep": .array(keep), "remove": .array(remove.map(JSONValue.string)),
                                  "dry_run": .bool(r.dryRun)]
        guard !r.dryRun else { return Reply(.object(result)) }

        var failed: [JSONValue] = []
        var first: CkptError?
        for id in remove {
            do throws(CkptError) {
                _ = try backend.perform(.backupDelete, IdRequest(ids: [("backup_id", id)]))
            } catch {
                first = first ?? error
                failed.append(["id": .string(id), "error": error.json])
            }
        }
        guard let first else { return Reply(.object(result)) }
        result["failed"] = .array(failed)
        var e = first
        e.message = "backup.prune: \(failed.count) of \(remove.count) deletes failed; the first: \(first.message)"
        throw e.with("prune", .object(result))
    }
}
