/// policy.create: the CSBS v1 policy body (`{"policy": {...}}`).
package struct PolicyCreateRequest: Sendable, Equatable {
    package var name: String
    package var description: String
    package var providerId: String
    package var parameters: JSONValue
    package var scheduledOperations: [JSONValue]
    package var resources: [ProtectedResource]
    package var tags: [JSONValue]
    /// The body as given, for the remote backend.
    package var body: JSONValue

    /// CSBS allows policy names of up to 255 characters.
    package static let maxNameLength = 255

    package init(_ request: JSONValue) throws(CkptError) {
        let top = try Fields(request, path: "", family: .csbs)
        try top.only(["policy"])
        guard let f = try top.object("policy", required: true) else { throw .internalError("unreachable") }
        try f.only(["name", "description", "provider_id", "parameters", "scheduled_operations", "resources", "tags"])
        guard let name = try f.string("name", required: true, maxLength: Self.maxNameLength) else {
            throw .internalError("unreachable")
        }
        self.name = name
        description = try f.string("description", nonEmpty: false, maxLength: Limits.maxDescriptionLength) ?? ""
        providerId = try ProviderId.read(f)
        parameters = try f.object("parameters").map { .object($0.object) } ?? ["common": [:]]
        scheduledOperations = try (f.objects("scheduled_operations") ?? []).map { .object($0.object) }
        resources = try ProtectedResource.list(f, "resources", required: true)
        tags = try f.array("tags", maxCount: 10) ?? []
        body = request
    }
}

/// policy.execute: `{"provider_id", "checkpoint": {"plan_id", "parameters"}}`
/// (seeds 002, 003).
package struct PolicyExecuteRequest: Sendable, Equatable {
    package var providerId: String
    package var planId: String
    package var autoTrigger: Bool?
    package var resources: [String]?

    package init(providerId: String = csbsProviderId, planId: String, autoTrigger: Bool?, resources: [String]?) {
        self.providerId = providerId
        self.planId = planId
        self.autoTrigger = autoTrigger
        self.resources = resources
    }

    package init(_ request: JSONValue) throws(CkptError) {
        let top = try Fields(request, path: "", family: .csbs)
        try top.only(["provider_id", "checkpoint"])
        providerId = try ProviderId.read(top)
        guard let f = try top.object("checkpoint", required: true) else { throw .internalError("unreachable") }
        try f.only(["plan_id", "parameters"])
        guard let plan = try f.uuid("plan_id", required: true),
              let p = try f.object("parameters", required: true)
        else { throw .internalError("unreachable") }
        planId = plan
        try p.only(["auto_trigger", "resources"])
        autoTrigger = try p.bool("auto_trigger")
        resources = try p.uuidArray("resources", nonEmpty: true)
    }

    /// The documented body (without the provider path parameter).
    package var body: JSONValue {
        var p = JSONObject()
        if let autoTrigger { p["auto_trigger"] = .bool(autoTrigger) }
        if let resources { p["resources"] = .array(resources.map(JSONValue.string)) }
        return ["checkpoint": ["plan_id": .string(planId), "parameters": .object(p)]]
    }
}
