/// vault.create: the CBR v3 vault body (`{"vault": {...}}`).
package struct VaultCreateRequest: OperationRequest, Equatable {
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

    package var httpBody: JSONValue? { body }
}
