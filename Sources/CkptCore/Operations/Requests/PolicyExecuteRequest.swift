/// policy.execute: `{"provider_id", "checkpoint": {"plan_id", "parameters"}}`
/// (seeds 002, 003).
package struct PolicyExecuteRequest: OperationRequest, Equatable {
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

    package func pathParameter(_ name: String) -> String? { name == "provider_id" ? providerId : nil }

    package var httpBody: JSONValue? { body }
}
