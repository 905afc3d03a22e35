/// One operation of the API, as the operation table gives it: its canonical
/// name (shared by C, Python, the CLI and the emulator server), its API
/// family, what kind of operation it is, and its request schema.
///
/// The table (`Operation+Table.swift`) is the one place a REST path is
/// written: the remote backend builds every request from it, the emulator
/// builds every route from it, and the CLI, the Python binding, the fuzz
/// seeds and the README are checked against it by tests.
package struct Operation: Sendable, CustomStringConvertible {
    package enum Kind: Sendable, Equatable {
        /// A REST call of the service: the remote backend sends it, the
        /// emulator serves it, answering `success` (200, 202 or 204).
        case service(RouteTemplate, success: Int)
        /// libckpt's own, run by the client over other operations on either
        /// backend (the waits, retention).
        case client
        /// A test control of the embedded backend; the remote backend
        /// refuses it.
        case local
    }

    /// Reads and checks a request: a 9900 (or CSBS.9001) names the
    /// offending field.
    package typealias Schema = @Sendable (JSONValue) throws(CkptError) -> any OperationRequest

    package let name: String
    package let family: APIFamily
    package let kind: Kind
    /// One line for people: the CLI's, the README's and the OpenAPI summary.
    package let summary: String
    /// For a list: its filters and sort keys (the query of its GET).
    package let list: ListSchema?
    private let schema: Schema

    package init(_ name: String, _ family: APIFamily, _ kind: Kind, _ summary: String, list: ListSchema? = nil,
                 schema: @escaping Schema)
    {
        self.name = name
        self.family = family
        self.kind = kind
        self.summary = summary
        self.list = list
        self.schema = schema
    }

    /// A list of the service: its request is its filters and paging.
    package static func list(_ name: String, _ family: APIFamily, _ route: RouteTemplate, _ list: ListSchema,
                             _ summary: String) -> Operation
    {
        let parameters = route.requestParameters
        return Operation(name, family, .service(route, success: 200), summary, list: list) { (request) throws(CkptError) in
            try ListRequest(request, schema: list, family: family, pathParameters: parameters)
        }
    }

    /// An operation of the service whose request is its path parameters
    /// (`{"backup_id"}`): the schema is derived from the route.
    package static func byId(_ name: String, _ family: APIFamily, _ route: RouteTemplate, success: Int = 200,
                             _ summary: String) -> Operation
    {
        let parameters = route.requestParameters
        return Operation(name, family, .service(route, success: success), summary) { (request) throws(CkptError) in
            try IdRequest(request, parameters: parameters, family: family)
        }
    }

    /// Parses a request: once, into its typed form.
    package func parse(_ request: JSONValue) throws(CkptError) -> any OperationRequest {
        try schema(request)
    }

    /// The REST path, for an operation of the service.
    package var route: RouteTemplate? {
        if case .service(let route, _) = kind { return route }
        return nil
    }

    /// The documented success status, for an operation of the service.
    package var successStatus: Int? {
        if case .service(_, let success) = kind { return success }
        return nil
    }

    /// Whether it is safe to send again after any byte of it left the
    /// client: only a GET of the service.
    package var isRetrySafe: Bool { route?.method.isRetrySafe ?? false }

    /// Whether only the embedded backend has it (a test control).
    package var isLocalOnly: Bool { kind == .local }

    package var description: String { name }
}

extension Operation: Hashable {
    package static func == (a: Operation, b: Operation) -> Bool { a.name == b.name }
    package func hash(into hasher: inout Hasher) { hasher.combine(name) }
}

extension Operation {
    /// Parses a canonical name; an unknown one is a 9900 naming it.
    package static func named(_ name: String) throws(CkptError) -> Operation {
        guard let op = byName[name] else {
            let known = all.map(\.name).joined(separator: ", ")
            throw .argument("unknown operation \"\(clipped(name))\"; expected one of: \(known)")
        }
        return op
    }

    private static let byName: [String: Operation] = Dictionary(all.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
}
