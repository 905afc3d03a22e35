/// Vault statuses, as CBR's billing status (SPEC section 2).
package let vaultStatuses = ["available", "lock", "frozen", "deleting", "error"]

/// A resource bound to a vault or a policy.  `size` (GB) is local-only: the
/// embedded backend uses it for capacity and for the simulated duration.
package struct ProtectedResource: Sendable, Equatable {
    package var id: String
    package var type: String
    package var name: String
    package var sizeGB: Int64
    package var extraInfo: JSONValue?

    package init(id: String, type: String, name: String, sizeGB: Int64, extraInfo: JSONValue?) {
        self.id = id
        self.type = type
        self.name = name
        self.sizeGB = sizeGB
        self.extraInfo = extraInfo
    }

    /// Reads `{"id", "type", "name", "size", "extra_info"}`.
    package init(_ f: Fields) throws(CkptError) {
        try f.only(["id", "type", "name", "size", "extra_info"])
        guard let id = try f.uuid("id", required: true),
              let type = try f.enumeration("type", required: true, resourceTypes)
        else { throw .internalError("unreachable") }
        self.id = id
        self.type = type
        name = try f.string("name", nonEmpty: false, maxLength: Limits.maxDescriptionLength) ?? ""
        sizeGB = try f.int("size", in: 0...10_485_760) ?? 0
        extraInfo = try Self.extraInfo(f)
    }

    /// ResourceExtraInfo: `{"exclude_volumes": [id], "include_volumes": [{"id", "os_version"}]}`.
    package static func extraInfo(_ f: Fields) throws(CkptError) -> JSONValue? {
        guard let e = try f.object("extra_info") else { return nil }
        try e.only(["exclude_volumes", "include_volumes"])
        _ = try e.uuidArray("exclude_volumes")
        for v in try e.objects("include_volumes") ?? [] {
            try v.only(["id", "os_version"])
            _ = try v.uuid("id", required: true)
            _ = try v.string("os_version", nonEmpty: false)
        }
        return .object(e.object)
    }

    /// Reads every resource of `key`, refusing duplicates.
    package static func list(_ f: Fields, _ key: String, required: Bool) throws(CkptError) -> [ProtectedResource] {
        var out: [ProtectedResource] = []
        for (i, r) in (try f.objects(key, required: required) ?? []).enumerated() {
            let res = try ProtectedResource(r)
            if out.contains(where: { $0.id == res.id }) { throw f.fail("\(key)[\(i)].id", "duplicates resource \(res.id)") }
            out.append(res)
        }
        return out
    }
}

extension Fields {
    /// Tags: `[{"key", "value"}]`, at most 10.
    package func tags(_ key: String) throws(CkptError) -> [JSONValue] {
        let list = try objects(key) ?? []
        if list.count > 10 { throw fail(key, "has more than 10 items") }
        for t in list {
            try t.only(["key", "value"])
            _ = try t.string("key", required: true, maxLength: 128)
            _ = try t.string("value", nonEmpty: false, maxLength: 255)
        }
        return list.map { .object($0.object) }
    }
}

/// vault.create: the CBR v3 vault body (`{"vault": {...}}`).
package struct VaultCreateRequest: Sendable, Equatable {
    package var name: String
    package var description: String?
    package var sizeGB: Int64
    package var consistentLevel: String
    package var objectType: String
    package var protectType: String
    package var chargingMode: String
    package var resources: [ProtectedResource]
    package var backupPolicyId: String?
    package var tags: [JSONValue]
    package var enterpriseProjectId: String
    package var autoBind: Bool
    /// The body as given, for the remote backend.
    package var body: JSONValue

    package init(_ request: JSONValue) throws(CkptError) {
        let top = try Fields(request, path: "", family: .cbr)
        try top.only(["vault"])
        guard let f = try top.object("vault", required: true),
              let billing = try f.object("billing", required: true)
        else { throw .internalError("unreachable") }
        try f.only(["name", "description", "billing", "resources", "backup_policy_id", "tags",
                    "enterprise_project_id", "auto_bind", "bind_rules", "auto_expand", "smn_notify", "threshold"])
        try billing.only(["size", "consistent_level", "object_type", "protect_type", "charging_mode", "cloud_type",
                          "spec_code", "period_type", "period_num", "is_auto_renew", "is_auto_pay", "console_url",
                          "extra_info", "is_multi_az"])
        _ = try billing.enumeration("cloud_type", ["public", "hybrid"])
        _ = try billing.string("spec_code", maxLength: 128)
        _ = try billing.enumeration("period_type", ["year", "month"])
        _ = try billing.int("period_num", in: 1...9)
        _ = try billing.bool("is_auto_renew")
        _ = try billing.bool("is_auto_pay")
        _ = try billing.string("console_url", maxLength: 255)
        _ = try billing.object("extra_info")
        _ = try billing.bool("is_multi_az")
        _ = try f.int("threshold", in: 1...100)
        guard let name = try f.string("name", required: true, maxLength: Limits.maxNameLength),
              let size = try billing.int("size", required: true, in: 1...10_485_760)
        else { throw .internalError("unreachable") }
        self.name = name
        description = try f.string("description", nonEmpty: false, maxLength: Limits.maxDescriptionLength)
        sizeGB = size
        consistentLevel = try billing.enumeration("consistent_level", ["crash_consistent", "app_consistent"]) ?? "crash_consistent"
        objectType = try billing.enumeration("object_type", ["server", "disk", "turbo", "workspace", "vmware", "rds", "file"]) ?? "server"
        protectType = try billing.enumeration("protect_type", ["backup", "replication", "hybrid"]) ?? "backup"
        chargingMode = try billing.enumeration("charging_mode", ["post_paid", "pre_paid"]) ?? "post_paid"
        resources = try ProtectedResource.list(f, "resources", required: true)
        backupPolicyId = try f.string("backup_policy_id", maxLength: 64)
        tags = try f.tags("tags")
        enterpriseProjectId = try f.string("enterprise_project_id", maxLength: 64) ?? "0"
        autoBind = try f.bool("auto_bind") ?? false
        _ = try f.bool("auto_expand")
        _ = try f.bool("smn_notify")
        if let rules = try f.object("bind_rules") {
            try rules.only(["tags"])
            _ = try rules.tags("tags")
        }
        body = request
    }
}
