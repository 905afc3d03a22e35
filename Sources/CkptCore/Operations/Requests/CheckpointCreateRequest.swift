/// checkpoint.create: `{"checkpoint": VaultBackup}` (seed 000, tables 3-4).
package struct CheckpointCreateRequest: OperationRequest, Equatable {
    package var vaultId: String
    package var parameters: CheckpointParam?

    package init(vaultId: String, parameters: CheckpointParam?) {
        self.vaultId = vaultId
        self.parameters = parameters
    }

    package init(_ request: JSONValue) throws(CkptError) {
        let top = try Fields(request, path: "", family: .cbr)
        try top.only(["checkpoint"])
        guard let f = try top.object("checkpoint", required: true) else { throw .internalError("unreachable") }
        try f.only(["vault_id", "parameters"])
        guard let v = try f.uuid("vault_id", required: true) else { throw .internalError("unreachable") }
        vaultId = v
        parameters = try f.object("parameters").map { (p) throws(CkptError) in try CheckpointParam(p) }
    }

    package var body: JSONValue {
        var c = JSONObject()
        if let parameters { c["parameters"] = parameters.body }
        c["vault_id"] = .string(vaultId)
        return ["checkpoint": .object(c)]
    }

    package var httpBody: JSONValue? { body }
}
