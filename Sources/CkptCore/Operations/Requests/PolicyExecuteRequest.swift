/// policy.execute: `{"provider_id", "checkpoint": {"plan_id", "parameters"}}`
/// (seeds 002, 003), with Karbor's optional `extra-info` (an object, or
/// null) beside `parameters`: python-karborclient always sends it (SPEC 6.7).
package struct PolicyExecuteRequest: OperationRequest, Equatable {
    package var providerId: String
    package var planId: String
    package var autoTrigger: Bool?
    package var resources: [String]?
    /// Karbor's `extra-info` as given (sent on to the service; the embedded
    /// backend keeps the CSBS `extra_info` of its documents).
    package var extraInfo: JSONValue?

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
        try f.only(["plan_id", "parameters", "extra-info"])
        // Karbor's schema has no `parameters` (python-karborclient sends
        // only plan_id and extra-info): absent, it is `{}`.
        guard let plan = try f.uuid("plan_id", required: true) else { throw .internalError("unreachable") }
        var p = try Fields(.object(JSONObject()), path: f.name("parameters"), family: .csbs)
        if let given = try f.object("parameters") { p = given }
        planId = plan
        switch f.object["extra-info"] {
        case nil, .null?: extraInfo = f.object["extra-info"]
        case .object?: extraInfo = f.object["extra-info"]
        case let v?: throw f.fail("extra-info", "expected object or null, got \(v.typeName)")
        }
        try p.only(["auto_trigger", "resources"])
        autoTrigger = try p.bool("auto_trigger")
        resources = try p.uuidArray("resources", nonEmpty: true)
    }

    /// The documented body (without the provider path parameter).
    package var body: JSONValue {
        var p = JSONObject()
        if let autoTrigger { p["auto_trigger"] = .bool(autoTrigger) }
        if let resources { p["resources"] = .array(resources.map(JSONValue.string)) }
        var c = JSONObject(["plan_id": .string(planId), "parameters": .object(p)])
        if let extraInfo { c["extra-info"] = extraInfo }
        return ["checkpoint": .object(c)]
    }

    package func pathParameter(_ name: String) -> String? { name == "provider_id" ? providerId : nil }

    package var httpBody: JSONValue? { body }
}
