/// One failure, with everything the error object carries.
package struct CkptError: Error, Sendable, Equatable {
    package var errorClass: ErrorClass
    /// The service's HTTP status, or 0 when there was no HTTP exchange.
    package var httpStatus: Int
    /// `BackupService.NNNN`, `CSBS.NNNN`, or "" for purely local failures.
    package var errorCode: String
    package var message: String
    package var requestId: String?
    /// Members the error object carries beside the standard ones: what a
    /// wait saw last (`checkpoint`, `backup`, `operation_log`), what a
    /// prune did before it failed (`prune`).
    package var details: JSONObject

    package init(_ errorClass: ErrorClass, httpStatus: Int, code: String, _ message: String,
                 requestId: String? = nil, checkpoint: JSONValue? = nil)
    {
        self.errorClass = errorClass
        self.httpStatus = httpStatus
        self.errorCode = code
        self.message = message
        self.requestId = requestId
        details = JSONObject()
        if let checkpoint { details["checkpoint"] = checkpoint }
    }

    /// For checkpoint.wait ending in `error` or a timeout: the checkpoint.
    package var checkpoint: JSONValue? { details["checkpoint"] }

    /// The error with one more member in its error object.
    package func with(_ key: String, _ value: JSONValue?) -> CkptError {
        var e = self
        e.details[key] = value
        return e
    }

    /// The error object of ckpt.h.
    package var json: JSONValue {
        var o = JSONObject([
            "code": .int(Int64(errorClass.rawValue)),
            "class": .string(errorClass.name),
            "http_status": .int(Int64(httpStatus)),
            "error_code": .string(errorCode),
            "error_msg": .string(message),
            "request_id": requestId.map(JSONValue.string) ?? .null,
        ])
        for m in details.members { o[m.key] = m.value }
        return .object(o)
    }

    /// The service error body: `{"error_code", "error_msg"}`.
    package var serviceBody: JSONValue {
        ["error_code": .string(errorCode), "error_msg": .string(message)]
    }
}

// MARK: - The documented service errors

extension ErrorClass {
    /// The class of a documented service code whose class is not the one its
    /// HTTP status implies: a 400 that means "busy" or "over capacity", a
    /// 500 that means "nothing to back up".  Both backends use this table,
    /// so one failure has one class wherever it came from.
    package static func forServiceCode(_ code: String) -> ErrorClass? {
        switch code {
        case "BackupService.1001", "BackupService.6113", "BackupService.0001", "BackupService.6203",
             "BackupService.6216", "BackupService.2005", "BackupService.6202", "BackupService.6103",
             "BackupService.6104", "BackupService.6134",
             "CSBS.2003", "CSBS.2004", "CSBS.6032", "CSBS.1001", "CSBS.6030":
            return .conflict
        case "BackupService.6114", "CSBS.0001":
            return .quota
        default:
            return nil
        }
    }
}

extension CkptError {
    /// 400 parameter check failed (BackupService.9900 / CSBS.9001), naming the field.
    package static func parameter(_ family: APIFamily, _ message: String) -> CkptError {
        CkptError(.invalid, httpStatus: 400, code: family == .cbr ? "BackupService.9900" : "CSBS.9001", message)
    }

    /// A caller mistake at the library boundary (NULL pointer, bad configuration).
    package static func argument(_ message: String) -> CkptError {
        parameter(.cbr, message)
    }

    /// 400 BackupService.6105: the vault does not exist (checkpoint.create).
    /// Class invalid, as every 400 whose code is not a conflict or quota.
    package static func vaultMissing(_ id: String) -> CkptError {
        CkptError(.invalid, httpStatus: 400, code: "BackupService.6105", "The vault \(id) does not exist.")
    }

    /// 404 for vault.get: same code as 6105, with the not-found status.
    package static func vaultNotFound(_ id: String) -> CkptError {
        CkptError(.notFound, httpStatus: 404, code: "BackupService.6105", "The vault \(id) does not exist.")
    }

    /// 400 BackupService.6113: the vault's status does not allow backup.
    package static func vaultStatus(_ id: String, _ status: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "BackupService.6113",
                  "The status (\(status)) of vault \(id) does not support backup.")
    }

    /// 400 BackupService.6114: the vault's usage would exceed its capacity.
    package static func vaultCapacity(_ id: String, used: Int64, adding: Int64, size: Int64) -> CkptError {
        CkptError(.quota, httpStatus: 400, code: "BackupService.6114",
                  "The vault \(id) would use \(used) + \(adding) GB, more than its capacity of \(size) GB.")
    }

    /// 400 BackupService.1001: every resource is already being backed up.
    package static func vaultBusy(_ id: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "BackupService.1001",
                  "The vault \(id) is already running a backup of every requested resource.")
    }

    /// 400 BackupService.0001: no resource is available for backup.
    package static func noResource(_ id: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "BackupService.0001",
                  "No resource in vault \(id) is available for backup.")
    }

    /// 404 BackupService.6217: the backup restore point does not exist
    /// (SPEC 6.5; 1.0 answered 6302, which means an unknown resource).
    package static func checkpointNotFound(_ id: String) -> CkptError {
        CkptError(.notFound, httpStatus: 404, code: "BackupService.6217", "The backup restore point \(id) does not exist.")
    }

    /// 404 BackupService.6200: the backup does not exist.
    package static func backupNotFound(_ id: String) -> CkptError {
        CkptError(.notFound, httpStatus: 404, code: "BackupService.6200", "The backup \(id) does not exist.")
    }

    /// 404 BackupService.6500: the operation log does not exist.
    package static func operationLogNotFound(_ id: String) -> CkptError {
        CkptError(.notFound, httpStatus: 404, code: "BackupService.6500", "Operation log \(id) does not exist.")
    }

    /// 400 BackupService.6203: a backup is in progress.
    package static func backupInProgress(_ what: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "BackupService.6203", "Performing backups: \(what).")
    }

    /// 400 BackupService.6216: the backup is in use (being restored).
    package static func backupInUse(_ id: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "BackupService.6216",
                  "The backup \(id) cannot be deleted: it is in use (being restored).")
    }

    /// 400 BackupService.2005: restore is not allowed in the backup's status.
    package static func restoreStatus(_ id: String, _ status: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "BackupService.2005",
                  "Restoration is not allowed in the current backup status (\(status)) of backup \(id).")
    }

    /// 400 BackupService.6202: restore only into an available vault.
    package static func restoreVaultStatus(_ id: String, _ status: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "BackupService.6202",
                  "Backups can be restored only when the vault is available; vault \(id) is \(status).")
    }

    /// 400 BackupService.6104: the resource is in this vault already.
    package static func resourceInThisVault(_ resource: String, vault: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "BackupService.6104",
                  "The resource \(resource) is already in vault \(vault).")
    }

    /// 400 BackupService.6103: the resource is in another vault of the project.
    package static func resourceInOtherVault(_ resource: String, vault: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "BackupService.6103",
                  "The resource \(resource) is already associated with vault \(vault).")
    }

    /// 400 BackupService.6135: the resource is not in the vault (SPEC 6.5: class invalid).
    package static func resourceNotInVault(_ resource: String, vault: String) -> CkptError {
        CkptError(.invalid, httpStatus: 400, code: "BackupService.6135",
                  "The resource \(resource) is not in vault \(vault).")
    }

    /// 400 BackupService.6134: the resource is being backed up (SPEC 6.8).
    package static func resourceBusy(_ resource: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "BackupService.6134",
                  "The resource \(resource) cannot be removed: it is being backed up.")
    }

    /// 400 CSBS.2003: a backup of the checkpoint is being made or restored.
    package static func csbsCheckpointBusy(_ id: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "CSBS.2003",
                  "The checkpoint \(id) cannot be deleted: an item of it is executing (being backed up or restored).")
    }

    /// 404 CSBS.3001: the backup (v1 checkpoint) does not exist.
    package static func csbsCheckpointNotFound(_ id: String) -> CkptError {
        CkptError(.notFound, httpStatus: 404, code: "CSBS.3001", "Checkpoint_item (\(id)) is not found.")
    }

    /// 404 CSBS.3002: the policy does not exist (CSBS lists no code; ours).
    package static func policyNotFound(_ id: String) -> CkptError {
        CkptError(.notFound, httpStatus: 404, code: "CSBS.3002", "Plan (\(id)) could not be found.")
    }

    /// 400 CSBS.2004: the policy is being executed for backup.
    package static func policyBusy(_ id: String) -> CkptError {
        CkptError(.conflict, httpStatus: 400, code: "CSBS.2004",
                  "The policy \(id) is being executed for backup: item in plan executing.")
    }

    /// 500 CSBS.6032: there are no servers that can be backed up in the policy.
    package static func policyNoResource(_ id: String) -> CkptError {
        CkptError(.conflict, httpStatus: 500, code: "CSBS.6032", "plan \(id) has no resource backup")
    }

    // MARK: Local failures (no HTTP exchange)

    package static func storage(_ message: String) -> CkptError {
        CkptError(.storage, httpStatus: 0, code: "", message)
    }

    package static func internalError(_ message: String) -> CkptError {
        CkptError(.internal, httpStatus: 0, code: "", message)
    }

    package static func timeout(_ message: String, checkpoint: JSONValue? = nil) -> CkptError {
        CkptError(.timeout, httpStatus: 0, code: "", message, checkpoint: checkpoint)
    }
}
