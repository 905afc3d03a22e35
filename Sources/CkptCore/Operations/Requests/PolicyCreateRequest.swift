/// policy.create: the CSBS v1 policy body (`{"policy": {...}}`).
package struct PolicyCreateRequest: OperationRequest, Equatable {
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
        scheduledOperations = try (f.objects("scheduled_operations") ?? []).map { (op) throws(CkptError) -> JSONValue in
            try Self.checkScheduledOperation(op)
            return .object(op.object)
        }
        resources = try ProtectedResource.list(f, "resources", required: true)
        tags = try f.tags("tags")
        body = request
    }

    /// A CSBS scheduled_operation: its members at their documented types.
    static func checkScheduledOperation(_ op: Fields) throws(CkptError) {
        try op.only(["id", "name", "description", "enabled", "operation_definition", "trigger", "operation_type",
                     "trigger_id", "protectable"])
        _ = try op.string("id", maxLength: 64)
        _ = try op.string("name", nonEmpty: false, maxLength: 255)
        _ = try op.string("description", nonEmpty: false, maxLength: Limits.maxDescriptionLength)
        _ = try op.bool("enabled")
        _ = try op.enumeration("operation_type", ["backup", "replication"])
        _ = try op.string("trigger_id", maxLength: 64)
        if let def = try op.object("operation_definition") {
            try def.only(["max_backups", "retention_duration_days", "permanent", "plan_id", "provider_id",
                          "day_backups", "week_backups", "month_backups", "year_backups", "timezone",
                          "destination_project_id", "destination_region", "enable_acceleration"])
            for key in ["max_backups", "retention_duration_days", "day_backups", "week_backups", "month_backups",
                        "year_backups"] {
                _ = try def.int(key, in: -1...99_999)
            }
            _ = try def.bool("permanent")
            _ = try def.bool("enable_acceleration")
            for key in ["plan_id", "provider_id", "timezone", "destination_project_id", "destination_region"] {
                _ = try def.string(key, maxLength: 64)
            }
        }
        if let trigger = try op.object("trigger") {
            try trigger.only(["properties", "id", "name", "type"])
            for key in ["id", "name", "type"] { _ = try trigger.string(key, maxLength: 255) }
            if let props = try trigger.object("properties") {
                try props.only(["pattern", "start_time"])
                _ = try props.string("pattern", maxLength: 10_240)
                _ = try props.string("start_time", maxLength: 64)
            }
        }
    }

    package var httpBody: JSONValue? { body }
}
