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
}
