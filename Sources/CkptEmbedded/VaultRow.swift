import CkptCore

/// A vault as stored: its document (the create response, with the changes
/// of vault.update and of its resources) and, in columns, what moves on
/// its own (status, capacity, usage, the end of a delete).
struct VaultRow {
    var id: String
    var status: VaultStatus
    var sizeGB: Int64
    var usedGB: Int64
    var doc: JSONValue

    static let columns = "id, status, size_gb, used_gb, doc"

    /// The row at the statement's columns (`columns` first).
    /// - Parameter cache: parsed vault documents; a document changes only
    ///   with vault.update and resource changes, so a handle mostly parses
    ///   each one once.
    static func read(_ s: Statement, project: String, cache: DocumentCache? = nil) throws(CkptError) -> VaultRow {
        let id = s.text(0)
        let doc: JSONValue
        if let cache {
            let text = s.text(4)
            let key = project + "/" + id
            if let cached = cache.value(key, text: text) {
                doc = cached
            } else {
                doc = try Documents.parse(text)
                cache.store(key, text: text, doc)
            }
        } else {
            doc = try Documents.parse(s, 4)
        }
        return VaultRow(id: id, status: VaultStatus(rawValue: s.text(1)) ?? .error, sizeGB: s.int(2), usedGB: s.int(3),
                        doc: doc)
    }

    static func load(_ db: Database, project: String, id: String, cache: DocumentCache? = nil) throws(CkptError) -> VaultRow? {
        let s = try db.statement("SELECT \(columns) FROM vaults WHERE project_id = ? AND id = ?")
        s.bind(1, project); s.bind(2, id)
        guard try s.step() else { return nil }
        return try read(s, project: project, cache: cache)
    }

    /// Writes the document and the capacity back (vault.update, resources).
    func save(_ db: Database, project: String) throws(CkptError) {
        let s = try db.statement("UPDATE vaults SET size_gb = ?, doc = ? WHERE project_id = ? AND id = ?")
        s.bind(1, sizeGB); s.bind(2, try Documents.text(doc)); s.bind(3, project); s.bind(4, id)
        try s.run()
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

    var name: String { doc["vault"]?["name"]?.stringValue ?? "" }

    /// The vault member of the document, to change and put back with `setVault`.
    func vault() throws(CkptError) -> JSONObject {
        guard let v = doc["vault"]?.objectValue else { throw .storage("corrupt vault document") }
        return v
    }

    mutating func setVault(_ v: JSONObject) {
        doc = ["vault": .object(v)]
    }

    /// The vault document with its live status, capacity and usage.
    func document() throws(CkptError) -> JSONValue {
        guard case .object(var top) = doc, case .object(var v)? = top["vault"],
              case .object(var billing)? = v["billing"]
        else { throw .storage("corrupt vault document") }
        billing["status"] = .string(status.rawValue)
        billing["size"] = .int(sizeGB)
        billing["used"] = .int(usedGB)
        v["billing"] = .object(billing)
        top["vault"] = .object(v)
        return .object(top)
    }
}
