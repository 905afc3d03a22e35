import CkptClient
import CkptCore
import CkptRemote
import Dispatch
import Hummingbird

/// The emulator server: the embedded backend on the REST paths of SPEC
/// section 1, so that the remote backend and other clients (the official
/// Huawei Cloud SDKs included) can be tested offline.
///
/// Every request gets a fresh `X-Request-Id` (errors and unknown routes
/// included); its body is read (at most 1 MiB), the caller authenticated,
/// and the operation run with the same validation as `ckpt_call`, on a
/// worker thread: the embedded backend blocks on SQLite, so it never runs on
/// an event loop.  The project comes from the path; each project has its own
/// backend on the one store file.
package final class EmulatorServer: Sendable {
    package let options: ServeOptions
    let authenticator: Authenticator
    let backends: ProjectBackends
    let pool: BlockingPool

    package init(_ options: ServeOptions) {
        self.options = options
        authenticator = Authenticator(tokens: options.tokens, keys: options.keys,
                                      maxSkewSeconds: options.maxSkewSeconds)
        backends = ProjectBackends(storePath: options.storePath)
        pool = BlockingPool(threads: options.workerThreads)
    }

    /// Opens the store once, so that a bad path fails before listening.
    package func checkStore() throws(CkptError) {
        try backends.check()
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully (requests
    /// in flight complete) and returns.  `announce` receives the base URL
    /// once the socket is listening (with the real port when 0 was asked).
    package func run(announce: @escaping @Sendable (String) -> Void) async throws {
        defer { backends.closeAll() }
        let options = self.options
        let app = Application(
            router: buildRouter(),
            configuration: .init(address: .hostname(options.host, port: options.port)),
            onServerRunning: { channel in
                announce(options.url(port: channel.localAddress?.port ?? options.port))
            })
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// `run` for synchronous callers (a `ParsableCommand`): blocks the
    /// calling thread until the server has stopped.
    package func runBlocking(announce: @escaping @Sendable (String) -> Void) throws {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await self.run(announce: announce)
            } catch {
                outcome.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    private final class Outcome: @unchecked Sendable {
        private let lock = Lock()
        private var stored: (any Error)?
        func set(_ e: any Error) { lock.withLock { stored = e } }
        var error: (any Error)? { lock.withLock { stored } }
    }

    // MARK: - Routes

    /// The routes of SPEC section 1; `pathKeys` are the path parameters that
    /// join the request as top-level string fields (as in `ckpt_call`).
    func buildRouter() -> Router<ServeContext> {
        let router = Router(context: ServeContext.self)
        // Before the routes: middleware applies to the routes added after it
        // (and to the not-found responder).
        router.add(middleware: ServeMiddleware(server: self))
        route(router, .post, "/v3/:project_id/checkpoints", .checkpointCreate, [])
        route(router, .get, "/v3/:project_id/checkpoints/:checkpoint_id", .checkpointGet, ["checkpoint_id"])
        route(router, .post, "/v3/:project_id/vaults", .vaultCreate, [])
        route(router, .get, "/v3/:project_id/vaults/:vault_id", .vaultGet, ["vault_id"])
        route(router, .post, "/v1/:project_id/policies", .policyCreate, [])
        route(router, .get, "/v1/:project_id/policies/:policy_id", .policyGet, ["policy_id"])
        route(router, .post, "/v1/:project_id/providers/:provider_id/checkpoints", .policyExecute, ["provider_id"])
        route(router, .get, "/v1/:project_id/providers/:provider_id/checkpoints/:checkpoint_id",
              .policyCheckpointGet, ["provider_id", "checkpoint_id"])
        return router
    }

    private func route(_ router: Router<ServeContext>, _ method: HTTPRequest.Method, _ path: RouterPath,
                       _ op: Operation, _ pathKeys: [String])
    {
        router.on(path, method: method) { _, context -> Response in
            try await self.perform(op, pathKeys: pathKeys, hasBody: method == .post, context: context)
        }
    }

    /// Builds the request from the body and the path, and runs it.
    func perform(_ op: Operation, pathKeys: [String], hasBody: Bool, context: ServeContext) async throws -> Response {
        let family = op.family
        let project = try Self.projectId(Self.pathParameter(context, "project_id", family), family)
        var fields: [(String, JSONValue)] = []
        for key in pathKeys { fields.append((key, .string(try Self.pathParameter(context, key, family)))) }
        let request: JSONValue
        if hasBody {
            guard case .object(var body) = try Self.parseBody(context.body, family) else {
                throw CkptError.parameter(family, "request body: must be a JSON object")
            }
            for (key, value) in fields { body[key] = value }
            request = .object(body)
        } else {
            request = .object(JSONObject(fields))
        }
        let backends = self.backends
        let result = await pool.run { () -> Result<Reply, CkptError> in
            Result { () throws(CkptError) -> Reply in
                try backends.withClient(project) { (client) throws(CkptError) -> Reply in try client.call(op, request) }
            }
        }
        return Self.jsonResponse(.ok, try result.get().body)
    }

    // MARK: - Requests

    /// A path parameter, percent-decoded; it must be UTF-8.
    static func pathParameter(_ context: ServeContext, _ key: String, _ family: APIFamily) throws(CkptError) -> String {
        guard let raw = context.parameters.get(key) else {
            throw .internalError("the route has no path parameter \(key)")
        }
        guard let value = String(validating: PercentEncoding.decode(raw), as: UTF8.self) else {
            throw .parameter(family, "path.\(key): not valid UTF-8")
        }
        return value
    }

    /// The project id of the path: 1 to 64 letters, digits, `-` or `_`
    /// (ClientConfig's rule, so a client can never send one we refuse).
    static func projectId(_ raw: String, _ family: APIFamily) throws(CkptError) -> String {
        let f = try Fields(["project_id": .string(raw)], path: "path", family: family)
        return try ClientConfig.projectId(f)
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

    /// Reads the whole body, refusing more than `Limits.maxRequestBytes`.
    static func readBody(_ request: Request, family: APIFamily) async throws -> [UInt8] {
        let limit = Limits.maxRequestBytes
        let tooLarge = CkptError.parameter(family, "request body: larger than \(limit) bytes")
        if let declared = request.headers[.contentLength], let n = Int(declared), n > limit { throw tooLarge }
        var bytes: [UInt8] = []
        for try await chunk in request.body {
            guard chunk.readableBytes <= limit &- bytes.count else { throw tooLarge }
            bytes.append(contentsOf: chunk.readableBytesView)
        }
        return bytes
    }

    /// Every header as received, with `Host` (which HTTP types keep apart,
    /// as the authority) put back: the signature may cover it.
    static func headers(_ request: Request) -> [HTTPHeader] {
        var out: [HTTPHeader] = []
        var hasHost = false
        for field in request.headers {
            if HTTPHeader.lowercased(field.name.rawName) == "host" { hasHost = true }
            out.append(HTTPHeader(field.name.rawName, field.value))
        }
        if !hasHost, let authority = request.head.authority { out.append(HTTPHeader("Host", authority)) }
        return out
    }

    func authenticate(_ request: Request, body: [UInt8]) throws(CkptError) {
        try authenticator.authenticate(method: request.method.rawValue, path: request.uri.path,
                                       query: request.uri.query, headers: Self.headers(request), body: body,
                                       nowUnixSeconds: Clock.nowMs() / 1000)
    }

    // MARK: - Responses

    /// A 32-hex-digit request id, as the services send.
    static func newRequestId() -> String {
        String(UUIDGenerator.make().filter { $0 != "-" })
    }

    static func jsonResponse(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        let text = body.serialized() ?? #"{"error_code":"","error_msg":"out of memory"}"#
        var headers = HTTPFields()
        headers[.contentType] = "application/json;charset=UTF-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// The service error body with the error's HTTP status (its class's
    /// default status when it had none).
    static func errorResponse(_ e: CkptError, requestId: String) -> Response {
        let code = (100...599).contains(e.httpStatus) ? e.httpStatus : e.errorClass.defaultHTTPStatus
        var body = e.serviceBody
        // API Gateway's own errors carry the request id in the body too.
        if e.errorCode.hasPrefix("APIGW."), case .object(var o) = body {
            o["request_id"] = .string(requestId)
            body = .object(o)
        }
        return jsonResponse(status(code), body)
    }

    static func status(_ code: Int) -> HTTPResponse.Status {
        switch code {
        case 200: return .ok
        case 400: return .badRequest
        case 401: return .unauthorized
        case 403: return .forbidden
        case 404: return .notFound
        case 405: return .methodNotAllowed
        case 408: return .requestTimeout
        case 409: return .conflict
        case 413: return .contentTooLarge
        case 429: return .tooManyRequests
        case 500: return .internalServerError
        case 502: return .badGateway
        case 503: return .serviceUnavailable
        case 504: return .gatewayTimeout
        default: return (100...599).contains(code) ? HTTPResponse.Status(code: code) : .internalServerError
        }
    }

    /// API Gateway's answer for a path or method it does not serve.
    static let unknownRoute = CkptError(.notFound, httpStatus: 404, code: "APIGW.0101",
                                        "The API does not exist or has not been published in the environment")
}

/// The per-request context: Hummingbird's, plus the request id and the body.
struct ServeContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let requestId: String
    var body: [UInt8] = []

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        requestId = EmulatorServer.newRequestId()
    }
}

/// Runs around every route and the not-found responder: reads the body,
/// authenticates, turns every failure into the service error body, and
/// stamps `X-Request-Id` on every response.
struct ServeMiddleware: RouterMiddleware {
    typealias Context = ServeContext
    let server: EmulatorServer

    func handle(_ request: Request, context: ServeContext,
                next: (Request, ServeContext) async throws -> Response) async throws -> Response
    {
        let family: APIFamily = request.uri.path.hasPrefix("/v1/") ? .csbs : .cbr
        var response: Response
        do {
            var context = context
            context.body = try await EmulatorServer.readBody(request, family: family)
            try server.authenticate(request, body: context.body)
            response = try await next(request, context)
        } catch let e as CkptError {
            response = EmulatorServer.errorResponse(e, requestId: context.requestId)
        } catch let e as any HTTPResponseError {
            let failure: CkptError
            switch e.status.code {
            case 404, 405: failure = EmulatorServer.unknownRoute
            case 413: failure = .parameter(family, "request body: larger than \(Limits.maxRequestBytes) bytes")
            default: failure = CkptError(ErrorClass(httpStatus: e.status.code), httpStatus: e.status.code,
                                         code: "", "HTTP \(e.status.code)")
            }
            response = EmulatorServer.errorResponse(failure, requestId: context.requestId)
        } catch {
            response = EmulatorServer.errorResponse(.internalError("the request failed"), requestId: context.requestId)
        }
        if let name = ServeMiddleware.requestIdName { response.headers[name] = context.requestId }
        // Method, path, status and id only: never a header or a body.
        context.logger.debug("\(request.method.rawValue) \(request.uri.path) -> \(response.status.code) [\(context.requestId)]")
        return response
    }

    static let requestIdName = HTTPFields.Element.Name("X-Request-Id")
}
