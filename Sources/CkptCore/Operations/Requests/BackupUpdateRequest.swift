/// backup.update: `{"backup_id", "backup": {"name"}}` (PY `BackupUpdateReq`).
package struct BackupUpdateRequest: OperationRequest, Equatable {
    package var backupId: String
    package var name: String

    package init(_ request: JSONValue) throws(CkptError) {
        let top = try Fields(request, path: "", family: .cbr)
        try top.only(["backup_id", "backup"])
        guard let id = try top.uuid("backup_id", required: true),
              let f = try top.object("backup", required: true)
        else { throw .internalError("unreachable") }
        try f.only(["name"])
        guard let name = try f.string("name", required: true, maxLength: Limits.maxNameLength) else {
            throw .internalError("unreachable")
        }
        backupId = id
        self.name = name
    }

    package func pathParameter(_ name: String) -> String? { name == "backup_id" ? backupId : nil }

    package var httpBody: JSONValue? { ["backup": ["name": .string(name)]] }
}
