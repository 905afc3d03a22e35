/// A REST path of the service, e.g. `GET /v3/{project_id}/backups/{backup_id}`.
///
/// The template is the documents' spelling; each `{name}` segment is a path
/// parameter.  `project_id` comes from the client's configuration (or, in the
/// emulator, names the project); every other parameter is a top-level string
/// field of the request.
package struct RouteTemplate: Sendable, Equatable, CustomStringConvertible {
    package enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    package static let projectParameter = "project_id"

    package let method: HTTPMethod
    package let template: String
    package let segments: [Segment]

    /// - Parameter template: `/` followed by segments; `{name}` is a parameter.
    package init(_ method: HTTPMethod, _ template: String) {
        self.method = method
        self.template = template
        segments = template.split(separator: "/").map { s in
            s.hasPrefix("{") && s.hasSuffix("}") ? .parameter(String(s.dropFirst().dropLast())) : .literal(String(s))
        }
    }

    package static func get(_ template: String) -> RouteTemplate { RouteTemplate(.get, template) }
    package static func post(_ template: String) -> RouteTemplate { RouteTemplate(.post, template) }
    package static func put(_ template: String) -> RouteTemplate { RouteTemplate(.put, template) }
    package static func delete(_ template: String) -> RouteTemplate { RouteTemplate(.delete, template) }

    /// Every path parameter, in order.
    package var parameters: [String] {
        segments.compactMap { if case .parameter(let p) = $0 { return p } else { return nil } }
    }

    /// The path parameters that a request carries as fields (all but `project_id`).
    package var requestParameters: [String] {
        parameters.filter { $0 != Self.projectParameter }
    }

    /// The path with every parameter replaced by `value(name)`, each
    /// percent-encoded by `encode`; nil when a parameter has no value.
    package func path(encode: (String) -> String, _ value: (String) -> String?) -> String? {
        var out = ""
        for segment in segments {
            out += "/"
            switch segment {
            case .literal(let s): out += s
            case .parameter(let name):
                guard let v = value(name) else { return nil }
                out += encode(v)
            }
        }
        return out
    }

    /// A request path's segments (`/` separated, empty ones kept, so that
    /// `//` or a trailing `/` never matches a template); nil when it does
    /// not start with `/`.
    package static func pathSegments(_ path: String) -> [Substring]? {
        guard path.hasPrefix("/") else { return nil }
        return Array(path.split(separator: "/", omittingEmptySubsequences: false).dropFirst())
    }

    /// The raw (still percent-encoded) value of each parameter when
    /// `segments` (from `pathSegments`) have this template's shape; nil
    /// when they do not.
    package func parameterValues(_ segments: [Substring]) -> [(name: String, raw: Substring)]? {
        guard segments.count == self.segments.count else { return nil }
        var values: [(name: String, raw: Substring)] = []
        for (part, segment) in zip(segments, self.segments) {
            switch segment {
            case .literal(let s): if part != s { return nil }
            case .parameter(let name):
                if part.isEmpty { return nil }
                values.append((name, part))
            }
        }
        return values
    }

    package var description: String { "\(method.rawValue) \(template)" }
}
