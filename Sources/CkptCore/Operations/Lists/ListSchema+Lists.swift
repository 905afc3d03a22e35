/// The list schemas of the operation table (SPEC 6.1, 6.2).
extension ListSchema {
    /// backup.list.  `dec` and `show_replication` are accepted as the SDKs
    /// send them and change nothing (no dedicated cloud, no replicas here).
    package static let backups = ListSchema(collection: "backups", filters: [
        Filter("checkpoint_id", .uuid),
        Filter("vault_id", .uuid),
        Filter("resource_id", .uuid),
        Filter("resource_name", .string(maxLength: 255)),
        Filter("resource_type", .enumeration(ResourceType.allCases.map(\.rawValue)
            + ["OS::Native::Server", "OS::Sfs::Turbo", "OS::Workspace::DesktopV2"])),
        Filter("name", .string(maxLength: 255)),
        Filter("status", .enumerationList(BackupStatus.allCases.map(\.rawValue))),
        Filter("image_type", .enumeration(["backup", "replication"])),
        Filter("start_time", .time),
        Filter("end_time", .time),
        Filter("incremental", .bool),
        Filter("dec", .accepted),
        Filter("show_replication", .accepted),
    ], sortKeys: ["created_at", "updated_at", "name", "status", "id", "protected_at"])

    /// operation_log.list.
    package static let operationLogs = ListSchema(collection: "operation_logs", filters: [
        Filter("operation_type", .enumeration(OperationType.allCases.map(\.rawValue))),
        Filter("status", .enumeration(OperationLogStatus.allCases.map(\.rawValue))),
        Filter("vault_id", .uuid),
        Filter("vault_name", .string(maxLength: 255)),
        Filter("resource_id", .uuid),
        Filter("resource_name", .string(maxLength: 255)),
        Filter("provider_id", .uuid),
        Filter("start_time", .time),
        Filter("end_time", .time),
    ], sortKeys: ["created_at", "updated_at", "status", "id"])

    /// vault.list (SPEC 6.1; research 1.8).  `enterprise_project_id` is
    /// accepted as the SDKs send it (there is one enterprise project here).
    package static let vaults = ListSchema(collection: "vaults", filters: [
        Filter("name", .string(maxLength: 64)),
        Filter("id", .uuidList),
        Filter("status", .enumeration(VaultStatus.allCases.map(\.rawValue))),
        Filter("object_type", .enumeration(["server", "disk", "turbo", "workspace", "vmware", "rds", "file"])),
        Filter("protect_type", .enumeration(["backup", "replication", "hybrid"])),
        Filter("cloud_type", .enumeration(["public", "hybrid"])),
        Filter("policy_id", .uuid),
        Filter("resource_ids", .uuidCommaList),
        Filter("enterprise_project_id", .accepted),
    ], sortKeys: ["created_at", "name", "status", "id"])

    /// policy.checkpoint_list: Karbor's filters for a project's user
    /// (`query_checkpoint_filters`), paged by `marker` (research 5.1).
    package static let policyCheckpoints = ListSchema(collection: "checkpoints", filters: [
        Filter("plan_id", .uuid),
        Filter("start_date", .date(endOfDay: false)),
        Filter("end_date", .date(endOfDay: true)),
    ], sortKeys: ["created_at", "status", "id"], takesOffset: false)
}
