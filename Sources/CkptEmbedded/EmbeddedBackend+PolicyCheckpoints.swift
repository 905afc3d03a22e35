import CkptCore

/// policy.checkpoint_list and .checkpoint_delete: the CSBS v1 (Karbor)
/// checkpoints of the project's policies (SPEC 6.1; research 5.1).
extension EmbeddedBackend {
    /// A checkpoint's `backups_from` is its `created_at` in µs.
    static let policyCheckpointSort = ["created_at": "backups_from", "status": "status", "id": "id"]

    func listPolicyCheckpoints(_ r: ListRequest) throws(CkptError) -> Reply {
        let project = self.project
        var q = ListQuery(table: "checkpoints", sortExpressions: Self.policyCheckpointSort)
        q.require("project_id = ?", .text(project))
        q.require("api = \(CheckpointRow.API.csbs.rawValue)") // the index checkpoints_of_policies
        if let plan = r.string("plan_id") { q.require("container_id = ?", .text(plan)) }
        if r.micros("start_date") != nil || r.micros("end_date") != nil {
            q.require("backups_from BETWEEN ? AND ?", .int(r.micros("start_date") ?? 0),
                      .int(r.micros("end_date") ?? Int64.max))
        }
        // The next page's link keeps the request's query, with the new marker.
        let provider = r.pathParameter("provider_id") ?? csbsProviderId
        let kept = r.httpQuery.filter { $0.name != "marker" }
        let next = { (last: String) -> String in
            let query = (kept + [(name: "marker", value: last)]).map { "\($0.name)=\($0.value)" }
            return "/v1/\(project)/providers/\(provider)/checkpoints?" + query.joined(separator: "&")
        }
        return try withDatabase(settle: true) { (db) throws(CkptError) in
            try q.linkedPage(db, key: "checkpoints", columns: "id, doc", request: r, marker: { m in
                ("id = ? AND project_id = ? AND api = \(CheckpointRow.API.csbs.rawValue)", [.text(m), .text(project)])
            }, rowBytes: 900, next: next) { (s, w) throws(CkptError) -> String in
                w.raw(try Documents.text(try Documents.parse(s, 1)["checkpoint"] ?? [:]))
                return s.text(0)
            }
        }
    }

    /// Deletes every backup of the checkpoint (asynchronous, as each
    /// backup.delete); the checkpoint is gone with its last backup.  One
    /// being made or restored is refused (CSBS.2003).  Answers `{}`.
    func deletePolicyCheckpoint(id: String) throws(CkptError) -> Reply {
        try withWrite { [self] (db) throws(CkptError) in
            guard let row = try CheckpointRow.load(db, project: project, id: id, api: .csbs) else {
                throw .csbsCheckpointNotFound(id)
            }
            var backups = try BackupRow.ofCheckpoint(db, id)
            if backups.contains(where: { [.protecting, .waitingProtect, .restoring, .waitingRestore].contains($0.status) }) {
                throw .csbsCheckpointBusy(id)
            }
            if backups.isEmpty { try row.remove(db) }
            for i in backups.indices where backups[i].status == .available || backups[i].status == .error {
                try startDelete(db, &backups[i])
            }
            // Until its last backup is gone it reads as Karbor's `deleting`.
            if var left = try CheckpointRow.load(db, project: project, id: id, api: .csbs) {
                try left.transition(db, project: project, to: .deleting, readyAt: nil,
                                    backups: try BackupRow.ofCheckpoint(db, id))
            }
            return Reply([:])
        }
    }
}
