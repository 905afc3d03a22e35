/// backup.restore: `{"backup_id", "restore": {"server_id", "volume_id",
/// "power_on", "mappings": [{"backup_id", "volume_id"}], "resource_id",
/// "details": {"destination_path"}}}` (PY `BackupRestoreReq`).
///
/// The body must name a target (`server_id`, `volume_id` or
/// `resource_id`); which one a backup needs depends on its resource type,
/// and the backend checks that.
package struct BackupRestoreRequest: OperationRequest, Equatable {
    package var backupId: String
    package var serverId: String?
    package var volumeId: String?
    package var resourceId: String?
    package var powerOn: Bool?
    package var mappings: [JSONValue]?
    /// The `restore` object as given, for the wire.
    private var restore: JSONObject

    package init(_ request: JSONValue) throws(CkptError) {
        let top = try Fields(request, path: "", family: .cbr)
        try top.only(["backup_id", "restore"])
        guard let id = try top.uuid("backup_id", required: true),
              let f = try top.object("restore", required: true)
        else { throw .internalError("unreachable") }
        try f.only(["server_id", "volume_id", "power_on", "mappings", "resource_id", "details"])
        backupId = id
        serverId = try f.uuid("server_id")
        volumeId = try f.uuid("volume_id")
        resourceId = try f.uuid("resource_id")
        powerOn = try f.bool("power_on")
        if let list = try f.objects("mappings") {
            mappings = try list.map { (m) throws(CkptError) -> JSONValue in
                try m.only(["backup_id", "volume_id"])
                guard let b = try m.uuid("backup_id", required: true), let v = try m.uuid("volume_id", required: true) else {
                    throw .internalError("unreachable")
                }
                return ["backup_id": .string(b), "volume_id": .string(v)]
            }
        }
        if let details = try f.object("details") {
            try details.only(["destination_path"])
            _ = try details.string("destination_path", required: true, maxLength: 255)
        }
        if serverId == nil && volumeId == nil && resourceId == nil {
            throw f.fail("server_id", "is required (or volume_id for a volume backup, or resource_id): the restore names no target")
        }
        restore = f.object
    }

    /// The resource restored into: the server, else the volume, else `resource_id`.
    package var target: String { serverId ?? volumeId ?? resourceId ?? "" }

    package func pathParameter(_ name: String) -> String? { name == "backup_id" ? backupId : nil }

    package var httpBody: JSONValue? { ["restore": .object(restore)] }
}
