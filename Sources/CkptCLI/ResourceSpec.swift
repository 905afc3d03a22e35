import ArgumentParser
import CkptClient
import CkptCore

/// `ID:TYPE[:NAME[:SIZE_GB]]` of --resource.
struct ResourceSpec {
    var id: String
    var type: String
    var name: String?
    var sizeGB: Int64?

    static let help = """
        A resource as ID:TYPE[:NAME[:SIZE_GB]]. TYPE is server, volume, baremetal, or a full type \
        (OS::Nova::Server, OS::Cinder::Volume, OS::Ironic::BareMetalServer). SIZE_GB (local: used \
        for capacity and the simulated backup time) is the part after the last colon when it is \
        all digits; end a NAME that itself ends in :DIGITS with :0. Repeat for more resources.
        """

    static let aliases = [
        "server": "OS::Nova::Server", "volume": "OS::Cinder::Volume", "baremetal": "OS::Ironic::BareMetalServer",
    ]

    static func parse(_ text: String) throws -> ResourceSpec {
        let usage = "expected ID:TYPE[:NAME[:SIZE_GB]], got \"\(text.prefix(200))\""
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty else { throw ValidationError(usage) }
        var rest = parts[1...]
        let type: String
        if rest.count >= 5, rest[rest.startIndex] == "OS", rest[rest.startIndex + 1] == "",
           rest[rest.startIndex + 3] == ""
        {
            type = rest.prefix(5).joined(separator: ":")
            rest = rest.dropFirst(5)
        } else {
            type = rest[rest.startIndex]
            rest = rest.dropFirst()
        }
        guard !type.isEmpty else { throw ValidationError(usage) }
        var spec = ResourceSpec(id: parts[0], type: aliases[type] ?? type)
        if rest.isEmpty { return spec }
        if rest.count >= 2, let last = rest.last, !last.isEmpty, last.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            guard let size = Int64(last) else { throw ValidationError("resource size \(last.prefix(40)) is too large") }
            spec.sizeGB = size
            rest = rest.dropLast()
        }
        spec.name = rest.joined(separator: ":")
        return spec
    }

    init(id: String, type: String) {
        self.id = id
        self.type = type
    }

    /// `{"id", "type", "name"?, "size"?}`: the Resource body of vault.create
    /// and policy.create (`size` is the embedded backend's local field).
    var json: JSONValue {
        var o: JSONObject = ["id": .string(id), "type": .string(type)]
        if let name { o["name"] = .string(name) }
        if let sizeGB { o["size"] = .int(sizeGB) }
        return .object(o)
    }
}
