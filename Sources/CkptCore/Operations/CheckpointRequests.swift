/// The resource types the documents enumerate.
package let resourceTypes = ["OS::Nova::Server", "OS::Cinder::Volume", "OS::Ironic::BareMetalServer"]

/// CheckpointParam (seed 000, table 5), plus the newer editions' fields.
/// Every field is optional and an explicit `false` is kept, so a full
/// backup (`incremental: false`) can always be asked for.
package struct CheckpointParam: Sendable, Equatable {
    package var autoTrigger: Bool?
    package var description: String?
    package var incremental: Bool?
    package var name: String?
    package var resources: [String]?
    package var resourceDetails: [JSONValue]?
    package var policyId: String?

    package init() {}

    package init(_ f: Fields) throws(CkptError) {
        try f.only(["auto_trigger", "description", "incremental", "name", "resources", "resource_details", "policy_id"])
        autoTrigger = try f.bool("auto_trigger")
        description = try f.string("description", nonEmpty: false, maxLength: Limits.maxDescriptionLength)
        incremental = try f.bool("incremental")
        name = try f.string("name", maxLength: Limits.maxNameLength)
        resources = try f.uuidArray("resources", nonEmpty: true)
        if let details = try f.objects("resource_details") {
            resourceDetails = try details.map { (d) throws(CkptError) -> JSONValue in
                try d.only(["id", "type", "name", "extra_info"])
                _ = try d.uuid("id", required: true)
                _ = try d.enumeration("type", required: true, resourceTypes)
                _ = try d.string("name", nonEmpty: false, maxLength: Limits.maxDescriptionLength)
                _ = try ProtectedResource.extraInfo(d)
                return .object(d.object)
            }
        }
        policyId = try f.string("policy_id", maxLength: 64)
    }

    /// The documented body, fields in the documents' (alphabetical) order.
    package var body: JSONValue {
        var o = JSONObject()
        if let autoTrigger { o["auto_trigger"] = .bool(autoTrigger) }
        if let description { o["description"] = .string(description) }
        if let incremental { o["incremental"] = .bool(incremental) }
        if let name { o["name"] = .string(name) }
        if let policyId { o["policy_id"] = .string(policyId) }
        if let resourceDetails { o["resource_details"] = .array(resourceDetails) }
        if let resources { o["resources"] = .array(resources.map(JSONValue.string)) }
        return .object(o)
    }
}

/// checkpoint.create: `{"checkpoint": VaultBackup}` (seed 000, tables 3-4).
package struct CheckpointCreateRequest: Sendable, Equatable {
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
}

/// A request naming one object by a path parameter, e.g. `{"checkpoint_id"}`.
package struct IdRequest: Sendable, Equatable {
    package var id: String
    /// For the v1 operations: the provider path parameter.
    package var providerId: String

    package init(_ request: JSONValue, key: String, family: APIFamily, provider: Bool = false) throws(CkptError) {
        let f = try Fields(request, path: "", family: family)
        try f.only(provider ? [key, "provider_id"] : [key])
        guard let id = try f.uuid(key, required: true) else { throw .internalError("unreachable") }
        self.id = id
        providerId = try provider ? ProviderId.read(f) : csbsProviderId
    }
}

package enum ProviderId {
    /// `provider_id`, default the CSBS provider; any other value is CSBS.9001
    /// ("provider invalid").
    package static func read(_ f: Fields) throws(CkptError) -> String {
        guard let p = try f.uuid("provider_id") else { return csbsProviderId }
        guard p == csbsProviderId else { throw f.fail("provider_id", "provider invalid: only \(csbsProviderId) is supported") }
        return p
    }
}

/// Checkpoint statuses: the v3 enumeration plus `protecting` (the example of
/// a fresh checkpoint) and v1's `deleting`.
package let checkpointStatuses = ["available", "deleting", "creating", "restoring", "error", "protecting"]

/// checkpoint.wait: `{"checkpoint_id", "status", "timeout_ms", "interval_ms", "provider_id"}`.
package struct CheckpointWaitRequest: Sendable, Equatable {
    package var checkpointId: String
    package var status: String
    package var timeoutMs: Int64
    package var intervalMs: Int64?
    /// Present: wait on a v1 checkpoint through policy.checkpoint_get.
    package var providerId: String?

    package static let defaultTimeoutMs: Int64 = 60_000
    package static let maxTimeoutMs: Int64 = 86_400_000

    package init(_ request: JSONValue) throws(CkptError) {
        // Waiting on a v1 checkpoint speaks CSBS's codes.
        let f = try Fields(request, path: "", family: request["provider_id"] == nil ? .cbr : .csbs)
        try f.only(["checkpoint_id", "status", "timeout_ms", "interval_ms", "provider_id"])
        guard let id = try f.uuid("checkpoint_id", required: true) else { throw .internalError("unreachable") }
        checkpointId = id
        status = try f.enumeration("status", checkpointStatuses) ?? "available"
        timeoutMs = try f.int("timeout_ms", in: 0...Self.maxTimeoutMs) ?? Self.defaultTimeoutMs
        intervalMs = try f.int("interval_ms", in: 1...60_000)
        providerId = f.object["provider_id"] == nil ? nil : try ProviderId.read(f)
    }
}

/// local.checkpoint.set_status and local.vault.set_status.
package struct SetStatusRequest: Sendable, Equatable {
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
