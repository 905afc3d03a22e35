/// backup.wait: `{"backup_id", "status" (default "available"), "timeout_ms",
/// "interval_ms"}`.  `status` is a backup status or `deleted` (the backup
/// is gone: a 404 then counts as reached).
package struct BackupWaitRequest: OperationRequest, Equatable {
    package var backupId: String
    package var status: String
    package var timing: WaitTiming

    package static let deleted = "deleted"
    package static let statuses = BackupStatus.allCases.map(\.rawValue) + [deleted]

    package init(_ request: JSONValue) throws(CkptError) {
        let f = try Fields(request, path: "", family: .cbr)
        try f.only(WaitTiming.names + ["backup_id", "status"])
        guard let id = try f.uuid("backup_id", required: true) else { throw .internalError("unreachable") }
        backupId = id
        status = try f.enumeration("status", Self.statuses) ?? BackupStatus.available.rawValue
        timing = try WaitTiming(f)
    }
}
