import CkptCore

/// A vault as stored.
struct VaultRow {
    var status: VaultStatus
    var sizeGB: Int64
    var usedGB: Int64
    var doc: JSONValue

    /// - Parameter cache: parsed vault documents; a vault's document never
    ///   changes once written (status and usage live in columns), so a
    ///   handle parses each one once.
    static func load(_ db: Database, project: String, id: String, cache: DocumentCache? = nil) throws(CkptError) -> VaultRow? {
        let s = try db.statement("SELECT status, size_gb, used_gb, doc FROM vaults WHERE project_id = ? AND id = ?")
        s.bind(1, project); s.bind(2, id)
        guard try s.step() else { return nil }
        let key = project + "/" + id
        let doc: JSONValue
        if let cached = cache?[key] {
            doc = cached
        } else {
            doc = try Documents.parse(s, 3)
            cache?[key] = doc
        }
        return VaultRow(status: VaultStatus(rawValue: s.text(0)) ?? .error, sizeGB: s.int(1), usedGB: s.int(2), doc: doc)
    }

    static func addUsage(_ db: Database, project: String, id: String, _ gb: Int64) throws(CkptError) {
        let s = try db.statement("UPDATE vaults SET used_gb = used_gb + ? WHERE project_id = ? AND id = ?")
        s.bind(1, gb); s.bind(2, project); s.bind(3, id)
        try s.run()
    }

    var providerId: String { doc["vault"]?["provider_id"]?.stringValue ?? ProviderKind.serverId }

    /// The vault's name and its resources, with their local sizes.
    func resources() throws(CkptError) -> (String, [ProtectedResource]) {
        guard let v = doc["vault"]?.objectValue else { throw .storage("corrupt vault document") }
        let list = (v["resources"]?.arrayValue ?? []).compactMap { r -> ProtectedResource? in
            guard let id = r["id"]?.stringValue, let type = r["type"]?.stringValue else { return nil }
            return ProtectedResource(id: id, type: type, name: r["name"]?.stringValue ?? "",
                                     sizeGB: r["size"]?.intValue ?? 0, extraInfo: r["extra_info"])
        }
        return (v["name"]?.stringValue ?? "", list)
    }

    /// The vault document with its live status and usage.
    func document() throws(CkptError) -> JSONValue {
        guard case .object(var top) = doc, case .object(var v)? = top["vault"],
              case .object(var billing)? = v["billing"]
        else { throw .storage("corrupt vault document") }
        billing["status"] = .string(status.rawValue)
        billing["used"] = .int(usedGB)
        v["billing"] = .object(billing)
        top["vault"] = .object(v)
        return .object(top)
    }
}
