import CkptCore
import CkptEmbedded
import CkptWire

/// A request as the HTTP layer hands it over: nothing decoded yet.
package struct EmulatorRequest: Sendable {
    package var method: String
    /// The path as received: percent-encoded, without the query.
    package var path: String
    /// The raw query (after `?`), if any.
    package var query: String?
    /// Every header as received, `Host` included (a signature may cover it).
    package var headers: [HTTPHeader]
    package var body: [UInt8]

    package init(method: String, path: String, query: String? = nil, headers: [HTTPHeader] = [],
                 body: [UInt8] = [])
    {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.body = body
    }
}

/// What the emulator answers.
package struct EmulatorResponse: Sendable, Equatable {
    package var status: Int
    /// `Content-Type` (with a body), `Allow` (with a 405) and `X-Request-Id`.
    package var headers: [HTTPHeader]
    /// Compact JSON text; nil for a response without a body (204).
    package var body: String?
}

/// The emulator without its socket: authentication, routing, validation and
/// the embedded backend, from a request's method, path, query, headers and
/// body to a status, headers and body.  `EmulatorServer` (CkptServe) puts it
/// on HTTP; the fuzz target `emulator_request` calls it directly.
///
/// A server calls `admit` before it reads the body, so that a stranger's
/// body is never read, and then `respond`.  `handle` does both for a caller
/// that has the whole request in hand.
package final class EmulatorService: Sendable {
    let authenticator: Authenticator
    let backends: ProjectBackends

    /// - Parameters:
    ///   - tokens, keys: who may call (see `Authenticator`); neither: anyone.
    ///   - storePath: the store file every project's backend opens.
    package init(tokens: [String], keys: [String: String], maxSkewSeconds: Int64 = RequestSigner.defaultMaxSkewSeconds,
                 storePath: String, maxCachedProjects: Int = 64)
    {
        authenticator = Authenticator(tokens: tokens, keys: keys, maxSkewSeconds: maxSkewSeconds)
        backends = ProjectBackends(storePath: storePath, maxCached: maxCachedProjects)
    }

    /// Loads libcrypto (token and AK/SK checks) and opens the store once, so
    /// that a missing library or a bad path fails before serving.
    package func check() throws(CkptError) {
        try Digest.load()
        try backends.check()
    }

    /// Closes every store connection; later requests fail.
    package func closeAll() { backends.closeAll() }

    // MARK: - Requests

    /// The checks that need no body.  The OpenAPI document is public; every
    /// other path needs credentials, even one that does not exist (a
    /// stranger learns nothing of the routes).
    package func admit(method: String, path: String, headers: [HTTPHeader],
                       nowUnixSeconds: Int64) throws(CkptError) -> Authenticator.Admission
    {
        if method == "GET" && path == OpenAPIDocument.path { return .admitted }
        return try authenticator.admit(headers: headers, nowUnixSeconds: nowUnixSeconds)
    }

    /// The rest, once the body is read: the signature (which covers the
    /// body), the route, the request's validation, and the operation on the
    /// project's backend.  Blocks on SQLite: call it off the event loops.
    package func respond(_ request: EmulatorRequest, admission: Authenticator.Admission,
                         requestId: String) -> EmulatorResponse
    {
        do throws(CkptError) {
            try authenticator.finish(admission, method: request.method, path: request.path, query: request.query,
                                     headers: request.headers, body: request.body)
            switch Self.resolve(method: request.method, path: request.path) {
            case .operation(let op, let route, let parameters):
                return try perform(op, route, parameters, request, requestId: requestId)
            case .document:
                return Self.jsonResponse(200, text: Self.openAPIText, requestId: requestId)
            case .unserved(let family, let route):
                throw CkptError(.remote, httpStatus: 501, code: "APIGW.0101",
                                "\(route) is not implemented by this emulator (\(family == .cbr ? "CBR v3" : "CSBS v1"))")
            case .methodNotAllowed(let allowed):
                var response = Self.errorResponse(Self.methodNotAllowed(request.method, allowed: allowed),
                                                  requestId: requestId)
                response.headers.append(HTTPHeader("Allow", allowed.joined(separator: ", ")))
                return response
            case .notFound:
                throw Self.unknownRoute
            }
        } catch {
            return Self.errorResponse(error, requestId: requestId)
        }
    }

    /// `admit` and `respond` for a request already in hand; a body over
    /// `Limits.maxRequestBytes` is a 413, as a server would answer it.
    package func handle(_ request: EmulatorRequest, requestId: String, nowUnixSeconds: Int64) -> EmulatorResponse {
        do throws(CkptError) {
            let admission = try admit(method: request.method, path: request.path, headers: request.headers,
                                      nowUnixSeconds: nowUnixSeconds)
            guard request.body.count <= Limits.maxRequestBytes else { throw Self.tooLarge }
            return respond(request, admission: admission, requestId: requestId)
        } catch {
            return Self.errorResponse(error, requestId: requestId)
        }
    }

    /// The API family a path belongs to, for the error codes of requests
    /// that never reached a route.
    package static func family(ofPath path: String) -> APIFamily {
        path.hasPrefix("/v1/") ? .csbs : .cbr
    }

    // MARK: - Routing

    enum Target {
        case operation(Operation)
        case document
        case unserved(APIFamily)
    }

    enum Resolved {
        case operation(Operation, RouteTemplate, [(name: String, raw: Substring)])
        case document
        case unserved(APIFamily, RouteTemplate)
        /// The path exists with other methods (alphabetical).
        case methodNotAllowed([String])
        case notFound
    }

    /// Every route: the operation table's, the OpenAPI document, and every
    /// other path of the real service (answered 501 `APIGW.0101`, SPEC 6.7).
    static let routes: [(RouteTemplate, Target)] =
        Operation.serviceRoutes.map { ($0.1, .operation($0.0)) }
        + [(RouteTemplate.get(OpenAPIDocument.path), .document)]
        + Operation.unservedRoutes.map { ($0.route, .unserved($0.family)) }

    /// The route of a request.  A path matches a template segment for
    /// segment: the same literals, one non-empty segment per parameter; an
    /// empty segment (`//`, a trailing `/`) matches nothing.  When two
    /// templates match, the one with a literal where the other has a
    /// parameter, at the first segment where they differ, wins (as in a
    /// router's trie): `GET /v3/{project_id}/vaults/summary` is that route,
    /// not `vault.get` of a vault named "summary".
    static func resolve(method: String, path: String) -> Resolved {
        guard let segments = RouteTemplate.pathSegments(path) else { return .notFound }
        var allowed: [String] = []
        var best: (route: RouteTemplate, target: Target, parameters: [(name: String, raw: Substring)])?
        for (route, target) in routes {
            guard let parameters = route.parameterValues(segments) else { continue }
            guard route.method.rawValue == method else {
                if !allowed.contains(route.method.rawValue) { allowed.append(route.method.rawValue) }
                continue
            }
            if let b = best, !isMoreSpecific(route, than: b.route) { continue }
            best = (route, target, parameters)
        }
        guard let best else { return allowed.isEmpty ? .notFound : .methodNotAllowed(allowed.sorted()) }
        switch best.target {
        case .operation(let op): return .operation(op, best.route, best.parameters)
        case .document: return .document
        case .unserved(let family): return .unserved(family, best.route)
        }
    }

    /// Whether `a` has a literal where `b` has a parameter at the first
    /// segment where the two differ in kind.
    static func isMoreSpecific(_ a: RouteTemplate, than b: RouteTemplate) -> Bool {
        for (x, y) in zip(a.segments, b.segments) {
            switch (x, y) {
            case (.literal, .parameter): return true
            case (.parameter, .literal): return false
            default: continue
            }
        }
        return false
    }

    /// Builds the request from the body, the path and (for a list) the
    /// query, runs it on the project's backend, and answers the route's
    /// success status: 204 with no body for a delete, 202 for a restore.
    func perform(_ op: Operation, _ route: RouteTemplate, _ parameters: [(name: String, raw: Substring)],
                 _ request: EmulatorRequest, requestId: String) throws(CkptError) -> EmulatorResponse
    {
        let family = op.family
        var project: String?
        var fields = JSONObject()
        if route.method.hasBody {
            guard case .object(let body) = try Self.parseBody(request.body, family) else {
                throw CkptError.parameter(family, "request body: must be a JSON object")
            }
            fields = body
        }
        if let list = op.list {
            // A list's filters and paging come as the query, as the official SDK writes it.
            for m in list.members(ofQuery: PercentEncoding.queryPairs(request.query)).members {
                fields[m.key] = m.value
            }
        }
        for (name, raw) in parameters {
            let value = try Self.pathParameter(raw, name, family)
            if name == RouteTemplate.projectParameter {
                project = try Self.projectId(value, family)
            } else {
                fields[name] = .string(value)
            }
        }
        guard let project else { throw .internalError("the route \(route) has no \(RouteTemplate.projectParameter)") }
        let parsed = try op.parse(.object(fields))
        let reply = try backends.withBackend(project) { (backend) throws(CkptError) -> Reply in
            try backend.perform(op, parsed)
        }
        let status = op.successStatus ?? 200
        if status == 204 { return EmulatorResponse(status: 204, headers: [HTTPHeader(Self.requestIdHeader, requestId)]) }
        return Self.jsonResponse(status, text: reply.text, requestId: requestId)
    }

    /// A path parameter, percent-decoded; it must be UTF-8.
    static func pathParameter(_ raw: Substring, _ name: String, _ family: APIFamily) throws(CkptError) -> String {
        guard let value = String(validating: PercentEncoding.decode(String(raw)), as: UTF8.self) else {
            throw .parameter(family, "path.\(name): not valid UTF-8")
        }
        return value
    }

    /// The project id of the path: 1 to 64 letters, digits, `-` or `_`
    /// (ClientConfig's rule, so a client can never send one we refuse).
    static func projectId(_ raw: String, _ family: APIFamily) throws(CkptError) -> String {
        let f = try Fields(["project_id": .string(raw)], path: "path", family: family)
        return try ProjectId.read(f)
    }

    /// The body as JSON; an empty body is `{}`, so validation names what is
    /// missing.
    static func parseBody(_ bytes: [UInt8], _ family: APIFamily) throws(CkptError) -> JSONValue {
        if bytes.isEmpty { return .object(JSONObject()) }
        switch ServiceErrorBody.parseOrExplain(bytes) {
        case .success(let value): return value
        case .failure(let e): throw .parameter(family, "request body: \(e.message)")
        }
    }

    // MARK: - Responses

    package static let requestIdHeader = "X-Request-Id"

    /// A 32-hex-digit request id, as the services send.
    package static func newRequestId() -> String {
        String(UUIDGenerator.make().filter { $0 != "-" })
    }

    /// - Parameter text: compact JSON text (nil: it could not be written).
    static func jsonResponse(_ status: Int, text: String?, requestId: String) -> EmulatorResponse {
        EmulatorResponse(status: status,
                         headers: [HTTPHeader("Content-Type", "application/json;charset=UTF-8"),
                                   HTTPHeader(requestIdHeader, requestId)],
                         body: text ?? #"{"error_code":"","error_msg":"out of memory"}"#)
    }

    /// The service error body with the error's HTTP status (its class's
    /// default status when it had none).  API Gateway's own errors
    /// (`APIGW.*`) carry the request id in the body too.
    package static func errorResponse(_ e: CkptError, requestId: String) -> EmulatorResponse {
        let code = (100...599).contains(e.httpStatus) ? e.httpStatus : e.errorClass.defaultHTTPStatus
        var body = e.serviceBody
        if e.errorCode.hasPrefix("APIGW."), case .object(var o) = body {
            o["request_id"] = .string(requestId)
            body = .object(o)
        }
        return jsonResponse(code, text: body.serialized(), requestId: requestId)
    }

    /// 413, as API Gateway answers a body over its limit.
    package static let tooLarge = CkptError(.invalid, httpStatus: 413, code: "APIGW.0201",
                                            "Request entity too large: the body is larger than \(Limits.maxRequestBytes) bytes")

    /// 429, as API Gateway answers when its throttling threshold is reached
    /// (here: `--max-connections` connections are open).
    package static let tooManyConnections = CkptError(.quota, httpStatus: 429, code: "APIGW.0308",
        "The throttling threshold has been reached: too many connections are open")

    /// 405 for a path the service has, asked with another method.
    static func methodNotAllowed(_ method: String, allowed: [String]) -> CkptError {
        CkptError(.notFound, httpStatus: 405, code: "APIGW.0101",
                  "The API does not exist: \(method) is not allowed on this path (allowed: \(allowed.joined(separator: ", ")))")
    }

    /// API Gateway's answer for a path it does not serve.
    static let unknownRoute = CkptError(.notFound, httpStatus: 404, code: "APIGW.0101",
                                        "The API does not exist or has not been published in the environment")

    /// `/openapi.json`, written once.
    static let openAPIText = OpenAPIDocument.make(version: libraryVersion).serialized()
}
