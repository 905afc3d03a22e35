/// local.checkpoint.set_status and local.vault.set_status: `{key, "status"}`.
package struct SetStatusRequest: OperationRequest, Equatable {
    package var id: String
    package var status: String

    package init(_ request: JSONValue, key: String, statuses: [String]) throws(CkptError) {
        let f = try Fields(request, path: "", family: .cbr)
        try f.only([key, "status"])
        guard let id = try f.uuid(key, required: true),
              let status = try f.enumeration("status", required: true, statuses)
        else { throw .internalError("unreachable") }
        self.id = id
        self.status = status
    }
}
