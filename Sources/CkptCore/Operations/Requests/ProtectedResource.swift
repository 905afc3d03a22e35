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
              let type = try f.enumeration("type", required: true, ResourceType.self)?.rawValue
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
