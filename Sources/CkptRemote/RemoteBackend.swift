import CkptCore

/// The real service over HTTP(S): CBR v3 for vaults and checkpoints, CSBS
/// v1 (or OpenStack Karbor) for policies (SPEC sections 1 and 3).
///
/// Safe to call from many threads: it keeps no mutable state of its own, and
/// the transport hands each request its own connection handle.
package final class RemoteBackend: Backend {
    package let config: RemoteConfig
    private let transport: HTTPTransport
    private let retryPolicy: RetryPolicy

    package init(config: RemoteConfig) {
        self.config = config
        transport = HTTPTransport(config: config)
        retryPolicy = RetryPolicy(retries: config.retries)
    }

    // MARK: - Operations

    package func createVault(_ request: VaultCreateRequest) throws(CkptError) -> Reply {
        try call("POST", .cbr, ["v3", config.projectId, "vaults"], body: request.body)
    }

    package func getVault(id: String) throws(CkptError) -> Reply {
        try call("GET", .cbr, ["v3", config.projectId, "vaults", id])
    }

    package func createPolicy(_ request: PolicyCreateRequest) throws(CkptError) -> Reply {
        try call("POST", .csbs, ["v1", config.projectId, "policies"], body: request.body)
    }

    package func getPolicy(id: String) throws(CkptError) -> Reply {
        try call("GET", .csbs, ["v1", config.projectId, "policies", id])
    }

    package func createCheckpoint(_ request: CheckpointCreateRequest) throws(CkptError) -> Reply {
        try call("POST", .cbr, ["v3", config.projectId, "checkpoints"], body: request.body)
    }

    package func getCheckpoint(id: String) throws(CkptError) -> Reply {
        try call("GET", .cbr, ["v3", config.projectId, "checkpoints", id])
    }

    package func executePolicy(_ request: PolicyExecuteRequest) throws(CkptError) -> Reply {
        try call("POST", .csbs, ["v1", config.projectId, "providers", request.providerId, "checkpoints"],
                 body: request.body)
    }

    package func getPolicyCheckpoint(providerId: String, id: String) throws(CkptError) -> Reply {
        try call("GET", .csbs, ["v1", config.projectId, "providers", providerId, "checkpoints", id])
    }

    package func setVaultStatus(_ request: SetStatusRequest) throws(CkptError) -> Reply {
        throw Self.localOnly
    }

    package func setCheckpointStatus(_ request: SetStatusRequest) throws(CkptError) -> Reply {
        throw Self.localOnly
    }

    package func close() {
        transport.close()
    }

    private static let localOnly = CkptError(.invalid, httpStatus: 0, code: "",
                                             "local.* operations exist only on the embedded backend")

    // MARK: - One call

    /// Sends one operation, retrying what is safe to retry, and returns the
    /// parsed response body.
    ///
    /// A GET is retried on a transient connection failure and on 429, 502,
    /// 503 and 504.  A POST creates something, so it is sent again only when
    /// the first attempt failed before any byte of it left this process.
    /// Every attempt and every wait fits in `timeout_ms` from the start.
    ///
    /// - Parameter segments: the path, unencoded; each is percent-encoded.
    private func call(_ method: String, _ family: APIFamily, _ segments: [String],
              body: JSONValue? = nil) throws(CkptError) -> Reply
    {
        let endpoint = family == .cbr ? config.endpoint : config.csbsEndpoint
        let path = endpoint.basePath + "/" + segments.map(PercentEncoding.encode).joined(separator: "/")
        var bodyBytes: [UInt8] = []
        if let body {
            guard let text = body.serialized() else { throw .internalError("out of memory serializing the request") }
            bodyBytes = Array(text.utf8)
        }
        let isGet = method == "GET"
        let deadline = Clock.monotonicMs() &+ config.timeoutMs
        var attempt = 0
        while true {
            let remaining = deadline &- Clock.monotonicMs()
            guard remaining > 0 else {
                throw .timeout("the request did not complete within \(config.timeoutMs) ms")
            }
            let (request, secrets) = try signedRequest(method, endpoint, path, bodyBytes)
            let redact = { (text: String) in Self.redact(text, secrets) }
            let failure: CkptError
            var retryAfterSeconds: Int64?
            let mayRetry: Bool
            switch transport.perform(request, timeoutMs: remaining, freshConnection: !isGet) {
            case .success(let response) where (200..<300).contains(response.status):
                return try Self.reply(response, redact: redact)
            case .success(let response):
                failure = ServiceErrorBody.error(status: response.status, body: response.body,
                                                 requestId: response.requestId, redact: redact)
                retryAfterSeconds = response.retryAfterSeconds
                mayRetry = isGet && RetryPolicy.retryableStatuses.contains(response.status)
            case .failure(let f):
                if f.errorClass == .invalid { throw .argument(f.message) }
                failure = CkptError(f.errorClass, httpStatus: 0, code: "", redact(f.message))
                mayRetry = f.transient && (isGet || !f.requestSent)
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
    private func signedRequest(_ method: String, _ endpoint: RemoteConfig.Endpoint, _ path: String,
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
            let signature = try RequestSigner.sign(method: method, path: path, headers: headers, body: body,
                                                   accessKey: ak, secretKey: sk)
            headers.append(HTTPHeader("Authorization", signature.authorization))
            secrets.append(signature.signature)
        }
        let url = "\(endpoint.scheme)://\(endpoint.authority)\(path)"
        return (HTTPRequest(method: method, url: url, headers: headers, body: body), secrets)
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

    /// Every occurrence of `needle` in `text` replaced, on UTF-8 bytes.
    /// (String's own `replacing(_:with:)` would link the regex engine: 1 MB.)
    static func replacingAll(_ needle: String, in text: String, with replacement: String) -> String {
        let n = Array(needle.utf8), t = Array(text.utf8)
        guard !n.isEmpty, t.count >= n.count else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(t.count)
        var i = 0
        var found = false
        while i < t.count {
            if i + n.count <= t.count && t[i] == n[0] && t[i..<(i + n.count)].elementsEqual(n) {
                out.append(contentsOf: replacement.utf8)
                i += n.count
                found = true
            } else {
                out.append(t[i])
                i += 1
            }
        }
        return found ? String(decoding: out, as: UTF8.self) : text
    }

    /// Replaces every occurrence of a secret in `text`.
    package static func redact(_ text: String, _ secrets: [String]) -> String {
        var out = text
        for secret in secrets where !secret.isEmpty {
            out = replacingAll(secret, in: out, with: "[redacted]")
        }
        return out
    }
}
