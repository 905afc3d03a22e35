import ArgumentParser
import CkptClient
import CkptCore

/// backup.list's filters, as options.
struct BackupFilters: ParsableArguments {
    @Option(name: .customLong("vault-id"), help: "Backups of this vault.")
    var vaultId: String?

    @Option(name: .customLong("resource-id"), help: "Backups of this resource.")
    var resourceId: String?

    @Option(name: .customLong("resource-name"), help: "Backups of resources of this name.")
    var resourceName: String?

    @Option(name: .customLong("resource-type"), help: "OS::Nova::Server, OS::Cinder::Volume, ...")
    var resourceType: String?

    @Option(help: "Backups of this name (exact).")
    var name: String?

    @Option(help: ArgumentHelp("A status (repeatable: any of them).", valueName: "status"))
    var status: [String] = []

    @Option(name: .customLong("start-time"), help: ArgumentHelp("Created at or after (YYYY-MM-DDTHH:MM:SSZ).", valueName: "time"))
    var startTime: String?

    @Option(name: .customLong("end-time"), help: ArgumentHelp("Created at or before (YYYY-MM-DDTHH:MM:SSZ).", valueName: "time"))
    var endTime: String?

    @Flag(name: .customLong("incremental"), inversion: .prefixedNo,
          help: "Only incremental (--incremental) or only full (--no-incremental) backups.")
    var incremental: Bool?

    func apply(to request: inout JSONObject) {
        if let vaultId { request["vault_id"] = .string(vaultId) }
        if let resourceId { request["resource_id"] = .string(resourceId) }
        if let resourceName { request["resource_name"] = .string(resourceName) }
        if let resourceType { request["resource_type"] = .string(resourceType) }
        if let name { request["name"] = .string(name) }
        if status.count == 1 { request["status"] = .string(status[0]) }
        if status.count > 1 { request["status"] = .array(status.map(JSONValue.string)) }
        if let startTime { request["start_time"] = .string(startTime) }
        if let endTime { request["end_time"] = .string(endTime) }
        if let incremental { request["incremental"] = .bool(incremental) }
    }
}
