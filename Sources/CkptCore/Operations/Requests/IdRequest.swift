/// A request naming one object by its path parameters, e.g.
/// `{"checkpoint_id"}` or `{"provider_id", "checkpoint_id"}`: the schema of
/// every operation whose route is all it takes.
package struct IdRequest: OperationRequest, Equatable {
    /// The object's own id: the last path parameter.
    package var id: String
    /// For the v1 operations: the provider path parameter (default the CSBS
    /// provider).
    package var providerId: String
    /// Every path parameter, by name, checked.
    private var values: [String: String]

    /// Reads `parameters`: `provider_id` is optional (default the CSBS
    /// provider, any other is refused); every other one is a required UUID.
    package init(_ request: JSONValue, parameters: [String], family: APIFamily) throws(CkptError) {
        let f = try Fields(request, path: "", family: family)
        try f.only(parameters)
        var values: [String: String] = [:]
        var last = ""
        for name in parameters {
            if name == "provider_id" {
                values[name] = try ProviderId.read(f)
            } else {
                guard let id = try f.uuid(name, required: true) else { throw .internalError("unreachable") }
                values[name] = id
                last = id
            }
        }
        self.values = values
        id = last
        providerId = values["provider_id"] ?? csbsProviderId
    }

    /// `{key}`, or `{"provider_id", key}` when `provider`.
    package init(_ request: JSONValue, key: String, family: APIFamily, provider: Bool = false) throws(CkptError) {
        try self.init(request, parameters: provider ? ["provider_id", key] : [key], family: family)
    }

    /// A request of ids already checked, e.g. for the client's own
    /// follow-up calls; the last pair is the object's own id.
    package init(ids: [(String, String)]) {
        values = Dictionary(ids, uniquingKeysWith: { _, b in b })
        id = ids.last?.1 ?? ""
        providerId = values["provider_id"] ?? csbsProviderId
    }

    package func pathParameter(_ name: String) -> String? { values[name] }
}
