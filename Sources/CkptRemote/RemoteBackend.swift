import CkptCore
import CkptWire

/// The real service over HTTP(S): CBR v3 for vaults and checkpoints, CSBS
/// v1 (or OpenStack Karbor) for policies (SPEC sections 1 and 3).
///
/// Safe to call from many threads: it keeps no mutable state of its own, and
/// the transport hands each request its own connection handle.
package final class RemoteBackend: Backend {
    package let config: RemoteConfig
    private let transport: HTTPTransport
    private let retryPolicy: RetryPolicy

    /// - Throws: class `network` when libcurl or libcrypto cannot be loaded:
    ///   the first remote client of a process loads them, libckpt does not
    ///   link them.
    package init(config: RemoteConfig) throws(CkptError) {
        self.config = config
        try Digest.load()
        transport = try HTTPTransport(config: config)
        retryPolicy = RetryPolicy(retries: config.retries)
    }

    package let kind = BackendKind.remote

    package func close() {
        transport.close()
    }

    /// Sends an operation of the service as its route says: the path from
    /// the template and the request's path parameters, the query of a GET,
    /// the body of a POST or PUT.  Local test controls are refused.
    package func perform(_ operation: Operation, _ request: any OperationRequest) throws(CkptError) -> Reply {
        guard let route = operation.route else {
            if operation.isLocalOnly {
                throw CkptError(.invalid, httpStatus: 0, code: "",
                                "\(operation.name) exists only on the embedded backend (local.* operations are its test controls)")
            }
            throw .internalError("\(operation.name) runs in the client, not on a backend")
        }
        let projectId = config.projectId
        guard let path = route.path(encode: PercentEncoding.encode, { name in
            name == RouteTemplate.projectParameter ? projectId : request.pathParameter(name)
        }) else { throw .internalError("\(operation.name): a path parameter of \(route.template) has no value") }
        // (Not a `?:` with `nil`: JSONValue is ExpressibleByNilLiteral, so a
        // bare nil there would be the JSON null.)
        var body: JSONValue?
        if route.method.hasBody { body = request.httpBody ?? .object(JSONObject()) }
        return try call(route.method, operation.family, path, query: request.httpQuery, body: body,
                        emptyBodyIsEmptyObject: operation.successStatus != 200 || route.method == .delete)
    }

    // MARK: - One call

    /// Sends one request, retrying what is safe to retry, and returns the
    /// parsed response body.
    ///
    /// A GET is retried on a transient connection failure and on 429, 502,
    /// 503 and 504.  A POST, PUT or DELETE may act on the service, so it is
    /// sent again only when the first attempt failed before any byte of it
    /// left this process (SPEC 6.6).  Every attempt and every wait fits in
    /// `timeout_ms` from the start.
    ///
    /// - Parameters:
    ///   - path: the path below the endpoint, percent-encoded.
    ///   - query: decoded query pairs.
    ///   - emptyBodyIsEmptyObject: a 2xx with no body answers `{}` (a 204
    ///     delete, a 202 restore that names no job).
    private func call(_ method: HTTPMethod, _ family: APIFamily, _ path: String,
                      query: [(name: String, value: String)], body: JSONValue?,
                      emptyBodyIsEmptyObject: Bool) throws(CkptError) -> Reply
    {
        let endpoint = family == .cbr ? config.endpoint : config.csbsEndpoint
        let path = endpoint.basePath + path
        var bodyBytes: [UInt8] = []
        if let body {
            guard let text = body.serialized() else { throw .internalError("out of memory serializing the request") }
            bodyBytes = Array(text.utf8)
        }
        let retrySafe = method.isRetrySafe
        let deadline = Clock.monotonicMs() &+ config.timeoutMs
        var attempt = 0
        while true {
            let remaining = deadline &- Clock.monotonicMs()
            guard remaining > 0 else {
                throw .timeout("the request did not complete within \(config.timeoutMs) ms")
            }
            let (request, secrets) = try signedRequest(method, endpoint, path, query, bodyBytes)
            let redact = { (text: String) in Redaction.redact(text, secrets) }
            let failure: CkptError
            var retryAfterSeconds: Int64?
            let mayRetry: Bool
            switch transport.perform(request, timeoutMs: remaining, freshConnection: !retrySafe) {
            case .success(let response) where (200..<300).contains(response.status):
                if response.body.isEmpty && emptyBodyIsEmptyObject {
                    return Reply([:], requestId: response.requestId)
                }
                return try Self.reply(response, redact: redact)
            case .success(let response):
                failure = ServiceErrorBody.error(status: response.status, body: response.body,
                                                 requestId: response.requestId, redact: redact)
                retryAfterSeconds = response.retryAfterSeconds
                mayRetry = retrySafe && RetryPolicy.retryableStatuses.contains(response.status)
            case .failure(let f):
                if f.errorClass == .invalid { throw .argument(f.message) }
                failure = CkptError(f.errorClass, httpStatus: 0, code: "", redact(f.message))
                mayRetry = f.transient && (retrySafe || !f.requestSent)
            }
            guard mayRetry, attempt < retryPolicy.retries else { throw failure }
            let delay = retryPolicy.delayMs(attempt: attempt, retryAfterSeconds: retryAfterSeconds)
            // A wait that would use up the deadline cannot end in an answer:
            // report what the service said instead of a timeout.
            guard delay < deadline &- Clock.monotonicMs() else { throw failure }
            Clock.sleep(ms: delay)
            attempt += 1
        }
    }

    /// The request with its authentication headers, and the strings that
    /// must not show in a message about it (the token or SK, the signature).
    private func signedRequest(_ method: HTTPMethod, _ endpoint: RemoteConfig.Endpoint, _ path: String,
                               _ query: [(name: String, value: String)],
                               _ body: [UInt8]) throws(CkptError) -> (HTTPRequest, [String])
    {
        var headers = [
            HTTPHeader("Content-Type", "application/json;charset=utf-8"),
            HTTPHeader("Host", endpoint.authority),
            HTTPHeader("User-Agent", config.userAgent),
            HTTPHeader("X-Project-Id", config.projectId),
        ]
        var secrets = config.credentials.secrets
        switch config.credentials {
        case .token(let token):
            headers.append(HTTPHeader("X-Auth-Token", token))
        case .accessKey(let ak, let sk, let securityToken):
            headers.append(HTTPHeader(RequestSigner.dateHeader, Clock.sdkDate(unixSeconds: Clock.nowMs() / 1000)))
            if let securityToken { headers.append(HTTPHeader("X-Security-Token", securityToken)) }
            let signature = try RequestSigner.sign(method: method.rawValue, path: path, query: query, headers: headers,
                                                   body: body, accessKey: ak, secretKey: sk)
            headers.append(HTTPHeader("Authorization", signature.authorization))
            secrets.append(signature.signature)
        }
        var url = "\(endpoint.scheme)://\(endpoint.authority)\(path)"
        if !query.isEmpty { url += "?" + PercentEncoding.queryString(query) }
        return (HTTPRequest(method: method.rawValue, url: url, headers: headers, body: body), secrets)
    }

    /// A 2xx response: its body must be a JSON object.
    private static func reply(_ response: HTTPResponse, redact: (String) -> String) throws(CkptError) -> Reply {
        // The common case: a JSON object, passed through as compact text.
        if let text = response.body.withUnsafeBytes({ JSONText.compactObject($0) }) {
            return Reply(text: text, requestId: response.requestId)
        }
        let why: String
        switch ServiceErrorBody.parseOrExplain(response.body) {
        case .success(let value) where value.objectValue != nil:
            return Reply(value, requestId: response.requestId)
        case .success(let value):
            why = "a JSON \(value.typeName), not an object"
        case .failure(let e) where response.body.isEmpty:
            why = e.message
        case .failure(let e):
            why = "a body that is not a JSON object (\(redact(e.message))): "
                + ServiceErrorBody.excerpt(response.body, redact: redact)
        }
        throw CkptError(.remote, httpStatus: response.status, code: "",
                        "the service answered HTTP \(response.status) with \(why)", requestId: response.requestId)
    }
}
