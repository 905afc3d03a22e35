import CkptCore
import CkptWire

/// Who may call the server: `X-Auth-Token` values, and AK/SK pairs checked
/// with `SDK-HMAC-SHA256` as API Gateway does.  With neither configured,
/// every request is accepted.
///
/// Failures are 401 `APIGW.0301` whose messages say what was wrong with the
/// request, never a token, an SK or a signature.
package struct Authenticator: Sendable {
    let tokens: [String]
    /// AK -> SK.
    let keys: [String: String]
    let maxSkewSeconds: Int64

    package init(tokens: [String], keys: [String: String],
                 maxSkewSeconds: Int64 = RequestSigner.defaultMaxSkewSeconds)
    {
        self.tokens = tokens
        self.keys = keys
        self.maxSkewSeconds = maxSkewSeconds
    }

    package var isOpen: Bool { tokens.isEmpty && keys.isEmpty }

    package static func failure(_ why: String) -> CkptError {
        CkptError(.auth, httpStatus: 401, code: "APIGW.0301", "Incorrect IAM authentication information: \(why)")
    }

    /// Checks one request.
    ///
    /// - Parameters:
    ///   - path: the request path as received (percent-encoded, no query).
    ///   - query: the raw query string (after `?`), if any.
    ///   - headers: every header, `Host` included.
    ///   - body: the body bytes as received.
    package func authenticate(method: String, path: String, query: String?, headers: [HTTPHeader],
                              body: [UInt8], nowUnixSeconds: Int64) throws(CkptError)
    {
        if isOpen { return }
        let authorizations = headers.values("Authorization")
        if !authorizations.isEmpty {
            if authorizations.count == 1,
               let credential = RequestSigner.parseAuthorization(HTTPHeader.trimmed(authorizations[0])),
               !headers.values("X-Security-Token").isEmpty,
               !credential.signedHeaders.contains("x-security-token")
            {
                throw Self.failure("X-Security-Token is not signed")
            }
            let keys = self.keys
            _ = try RequestSigner.verify(method: method, path: path, query: PercentEncoding.queryPairs(query),
                                         headers: headers, body: body,
                                         secretKey: { keys[$0] }, nowUnixSeconds: nowUnixSeconds,
                                         maxSkewSeconds: maxSkewSeconds)
            return
        }
        let presented = headers.values("X-Auth-Token")
        guard !presented.isEmpty else { throw Self.failure("no X-Auth-Token or Authorization header") }
        guard presented.count == 1 else { throw Self.failure("more than one X-Auth-Token header") }
        let token = HTTPHeader.trimmed(presented[0])
        // Compare with every token, so the time taken does not say which matched.
        var matched = false
        for t in tokens where Digest.constantTimeEqual(t, token) { matched = true }
        guard matched else { throw Self.failure("the X-Auth-Token is not valid") }
    }
}
