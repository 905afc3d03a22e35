/// vault.add_resources (`{"vault_id", "resources": [ResourceCreate]}`) and
/// vault.remove_resources (`{"vault_id", "resource_ids": [id]}`): 1 to 256
/// distinct resources each (research 1.8).
package struct VaultResourcesRequest: OperationRequest, Equatable {
    package enum Change: Sendable, Equatable {
        case add([ProtectedResource])
        case remove([String])
    }

    package var vaultId: String
    package var change: Change
    /// The resources as given, for the remote backend (a resource's `size`
    /// included, as vault.create sends it).
    private var given: JSONValue = []

    /// - Parameter adding: read `resources` to add, else `resource_ids` to remove.
    package init(_ request: JSONValue, adding: Bool) throws(CkptError) {
        let f = try Fields(request, path: "", family: .cbr)
        let key = adding ? "resources" : "resource_ids"
        try f.only(["vault_id", key])
        guard let id = try f.uuid("vault_id", required: true) else { throw .internalError("unreachable") }
        vaultId = id
        if adding {
            given = f.object[key] ?? []
            let resources = try ProtectedResource.list(f, key, required: true)
            if resources.isEmpty { throw f.fail(key, "must not be empty") }
            change = .add(resources)
        } else {
            guard let ids = try f.uuidArray(key, required: true, nonEmpty: true) else { throw .internalError("unreachable") }
            change = .remove(ids)
        }
    }

    /// The resources' ids, in the request's order.
    package var resourceIds: [String] {
        switch change {
        case .add(let list): return list.map(\.id)
        case .remove(let ids): return ids
        }
    }

    package func pathParameter(_ name: String) -> String? { name == "vault_id" ? vaultId : nil }

    package var httpBody: JSONValue? {
        switch change {
        case .add: return ["resources": given]
        case .remove(let ids): return ["resource_ids": .array(ids.map(JSONValue.string))]
        }
    }
}
