/// vault.update: `{"vault_id", "vault": VaultUpdate}` (PY `VaultUpdateReq`;
/// research 1.8): the name, the capacity (`billing.size`) and the
/// documented switches.  Only what is given changes.
package struct VaultUpdateRequest: OperationRequest, Equatable {
    package var vaultId: String
    package var name: String?
    package var sizeGB: Int64?
    package var consistentLevel: String?
    /// The other VaultUpdate members as given, checked (`auto_bind`,
    /// `bind_rules`, `auto_expand`, `smn_notify`, `threshold`, `locked`):
    /// stored in the vault document as they are.
    package var settings: JSONObject
    /// The `vault` member as given, for the remote backend.
    private var body: JSONValue

    package init(_ request: JSONValue) throws(CkptError) {
        let top = try Fields(request, path: "", family: .cbr)
        try top.only(["vault_id", "vault"])
        guard let id = try top.uuid("vault_id", required: true),
              let f = try top.object("vault", required: true)
        else { throw .internalError("unreachable") }
        try f.only(["name", "billing", "auto_bind", "bind_rules", "auto_expand", "smn_notify", "threshold", "locked"])
        vaultId = id
        name = try f.string("name", maxLength: Limits.maxNameLength)
        if let billing = try f.object("billing") {
            try billing.only(["size", "consistent_level"])
            sizeGB = try billing.int("size", in: 1...10_485_760)
            consistentLevel = try billing.enumeration("consistent_level", ["crash_consistent", "app_consistent"])
        }
        var settings = JSONObject()
        for key in ["auto_bind", "auto_expand", "smn_notify", "locked"] {
            if let b = try f.bool(key) { settings[key] = .bool(b) }
        }
        if let t = try f.int("threshold", in: 1...100) { settings["threshold"] = .int(t) }
        if let rules = try f.object("bind_rules") {
            try rules.only(["tags"])
            settings["bind_rules"] = ["tags": .array(try rules.tags("tags"))]
        }
        self.settings = settings
        body = .object(f.object)
    }

    package func pathParameter(_ name: String) -> String? { name == "vault_id" ? vaultId : nil }

    package var httpBody: JSONValue? { ["vault": body] }
}
