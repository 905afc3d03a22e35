import CkptCore
import CkptEmbedded
import CkptServeConfig
import CkptWire
import Dispatch
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import NIOSSL

/// The emulator server: the embedded backend on the REST paths of SPEC
/// section 1, so that the remote backend and other clients (the official
/// Huawei Cloud SDKs included) can be tested offline.
///
/// Every request gets a fresh `X-Request-Id` (errors and unknown routes
/// included); the caller is authenticated as far as the headers allow
/// before the body is read (at most 1 MiB), then the signature checked,
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

    /// Opens the store once, so that a bad path fails before listening, and
    /// loads libcrypto (token and AK/SK checks), which libckpt loads on
    /// first use: a missing one fails here, class `network`, not per request.
    /// With TLS, reads the certificate and key, so that a bad file fails here.
    package func checkStore() throws(CkptError) {
        try Digest.load()
        try backends.check()
        _ = try tlsConfiguration()
    }

    /// The server's TLS configuration (TLS 1.2 and up), or nil without TLS.
    /// Errors name the file, never its content.
    func tlsConfiguration() throws(CkptError) -> TLSConfiguration? {
        guard let tls = options.tls else { return nil }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath)
        } catch {
            throw .argument("--tls-cert \(tls.certificatePath): not a readable PEM certificate chain (\(Self.describe(error)))")
        }
        guard !chain.isEmpty else { throw .argument("--tls-cert \(tls.certificatePath): holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
        } catch {
            throw .argument("--tls-key \(tls.keyPath): not a readable PEM private key (\(Self.describe(error)))")
        }
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                              privateKey: .privateKey(key))
        config.minimumTLSVersion = .tlsv12
        return config
    }

    /// An NIOSSL error's kind, without any file content.
    static func describe(_ error: any Error) -> String {
        if let e = error as? NIOSSLError { return "\(e)" }
        if let e = error as? BoringSSLError { return "\(e)".prefix(200).description }
        return String(describing: type(of: error))
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully (requests
    /// in flight complete) and returns.  `announce` receives the base URL
    /// once the socket is listening (with the real port when 0 was asked).
    package func run(announce: @escaping @Sendable (String) -> Void) async throws {
        defer { backends.closeAll() }
        let options = self.options
        let connections = ConnectionCapHandler.Counter(cap: options.maxConnections)
        var http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionCapHandler(connections), ExpectContinueHandler()],
            idleTimeout: .seconds(Int64(options.idleTimeoutSeconds)))
        // A larger head is a 400 (and the connection closed), before any of it
        // reaches a route.
        http1.httpDecoder = .init(maxHeaderFieldSize: ServeOptions.maxHeaderFieldBytes,
                                  maxHeaderListSize: ServeOptions.maxHeaderBytes, maxHeaderFieldCount: 200)
        let builder: HTTPServerBuilder
        if let tls = try tlsConfiguration() {
            builder = try .tls(.http1(configuration: http1), tlsConfiguration: tls)
        } else {
            builder = .http1(configuration: http1)
        }
        let app = Application(
            router: buildRouter(),
            server: builder,
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

    /// Every route of the operation table, and every other path of the real
    /// service (answered 501 `APIGW.0101`, SPEC 6.7).
    func buildRouter() -> Router<ServeContext> {
        let router = Router(context: ServeContext.self)
        // Before the routes: middleware applies to the routes added after it
        // (and to the not-found responder).
        router.add(middleware: ServeMiddleware(server: self))
        for (op, route) in Operation.serviceRoutes {
            router.on(RouterPath(route.template), method: Self.method(route.method)) { request, context -> Response in
                try await self.perform(op, route, request, context: context)
            }
        }
        // The OpenAPI document of what is served, generated from the
        // operation table; public (ServeMiddleware asks no credentials).
        let document = Self.openAPIText
        router.get(RouterPath(OpenAPIDocument.path)) { _, _ -> Response in
            Self.jsonResponse(.ok, text: document)
        }
        for (family, route) in Operation.unservedRoutes {
            router.on(RouterPath(route.template), method: Self.method(route.method)) { _, _ -> Response in
                throw CkptError(.remote, httpStatus: 501, code: "APIGW.0101",
                                "\(route) is not implemented by this emulator (\(family == .cbr ? "CBR v3" : "CSBS v1"))")
            }
        }
        return router
    }

    static func method(_ m: CkptCore.HTTPMethod) -> HTTPRequest.Method {
        switch m {
        case .get: return .get
        case .post: return .post
        case .put: return .put
        case .delete: return .delete
        }
    }

    /// Builds the request from the body, the path and (for a list) the
    /// query, runs it on the project's backend, and answers the route's
    /// success status: 204 with no body for a delete, 202 for a restore.
    func perform(_ op: Operation, _ route: RouteTemplate, _ request: Request,
                 context: ServeContext) async throws -> Response
    {
        let family = op.family
        let project = try Self.projectId(Self.pathParameter(context, RouteTemplate.projectParameter, family), family)
        var fields = JSONObject()
        if route.method.hasBody {
            guard case .object(let body) = try Self.parseBody(context.body, family) else {
                throw CkptError.parameter(family, "request body: must be a JSON object")
            }
            fields = body
        }
        if let list = op.list {
            // A list's filters and paging come as the query, as the official SDK writes it.
            for m in list.members(ofQuery: PercentEncoding.queryPairs(request.uri.query)).members {
                fields[m.key] = m.value
            }
        }
        for key in route.requestParameters { fields[key] = .string(try Self.pathParameter(context, key, family)) }
        let json = JSONValue.object(fields)
        let backends = self.backends
        let result = await pool.run { () -> Result<Reply, CkptError> in
            Result { () throws(CkptError) -> Reply in
                let parsed = try op.parse(json)
                return try backends.withBackend(project) { (backend) throws(CkptError) -> Reply in
                    try backend.perform(op, parsed)
                }
            }
        }
        let reply = try result.get()
        let status = op.successStatus ?? 200
        if status == 204 { return Response(status: .noContent) }
        return Self.jsonResponse(Self.status(status), text: reply.text)
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

    /// Reads the whole body, refusing more than `Limits.maxRequestBytes`
    /// (413, from the declared length when there is one, before reading).
    /// Broken framing (a bad chunk size, a missing CRLF, a connection that
    /// ends inside the body) is a 400, never a 500.
    static func readBody(_ request: Request, family: APIFamily) async throws(CkptError) -> [UInt8] {
        let limit = Limits.maxRequestBytes
        if let declared = request.headers[.contentLength], let n = Int(declared), n > limit { throw tooLarge }
        var bytes: [UInt8] = []
        do {
            for try await chunk in request.body {
                guard chunk.readableBytes <= limit &- bytes.count else { throw tooLarge }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let e as CkptError {
            throw e
        } catch {
            throw .parameter(family, "request body: cannot be read: the HTTP message is malformed or cut short")
        }
        return bytes
    }

    /// 413, as API Gateway answers a body over its limit.
    static let tooLarge = CkptError(.invalid, httpStatus: 413, code: "APIGW.0201",
                                    "Request entity too large: the body is larger than \(Limits.maxRequestBytes) bytes")

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

    /// What can be checked before the body is read (see `Authenticator.admit`).
    func admit(_ request: Request, headers: [HTTPHeader]) throws(CkptError) -> Authenticator.Admission {
        try authenticator.admit(headers: headers, nowUnixSeconds: Clock.nowMs() / 1000)
    }

    /// The signature, which covers the body.
    func finish(_ admission: Authenticator.Admission, _ request: Request, headers: [HTTPHeader],
                body: [UInt8]) throws(CkptError)
    {
        try authenticator.finish(admission, method: request.method.rawValue, path: request.uri.path,
                                 query: request.uri.query, headers: headers, body: body)
    }

    // MARK: - Responses

    /// A 32-hex-digit request id, as the services send.
    static func newRequestId() -> String {
        String(UUIDGenerator.make().filter { $0 != "-" })
    }

    static func jsonResponse(_ status: HTTPResponse.Status, _ body: JSONValue) -> Response {
        jsonResponse(status, text: body.serialized())
    }

    /// - Parameter text: compact JSON text (nil: it could not be written).
    static func jsonResponse(_ status: HTTPResponse.Status, text: String?) -> Response {
        let text = text ?? #"{"error_code":"","error_msg":"out of memory"}"#
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
        case 202: return .accepted
        case 204: return .noContent
        case 501: return .notImplemented
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

    /// The methods served (or answered 501) on `path`, in alphabetical
    /// order; empty when no route has this path.
    static func allowedMethods(_ path: String) -> [String] {
        let templates = Operation.serviceRoutes.map(\.1) + Operation.unservedRoutes.map(\.route)
        var methods: [String] = []
        for t in templates where t.matches(path: path) && !methods.contains(t.method.rawValue) {
            methods.append(t.method.rawValue)
        }
        return methods.sorted()
    }

    /// 405 for a path the service has, asked with another method.
    static func methodNotAllowed(_ method: String, allowed: [String]) -> CkptError {
        CkptError(.notFound, httpStatus: 405, code: "APIGW.0101",
                  "The API does not exist: \(method) is not allowed on this path (allowed: \(allowed.joined(separator: ", ")))")
    }

    /// `/openapi.json`, written once.
    static let openAPIText = OpenAPIDocument.make(version: libraryVersion).serialized()

    /// API Gateway's answer for a path or method it does not serve.
    static let unknownRoute = CkptError(.notFound, httpStatus: 404, code: "APIGW.0101",
                                        "The API does not exist or has not been published in the environment")
}
