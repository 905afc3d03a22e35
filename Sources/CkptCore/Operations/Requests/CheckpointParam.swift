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
                _ = try d.enumeration("type", required: true, ResourceType.self)
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
