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

    package static func failure(_ why: String) -> CkptError { RequestSigner.failure(why) }

    /// How a request was let in before its body was read.
    package enum Admission: Sendable {
        /// No credentials are configured, or a valid token was presented.
        case admitted
        /// A known access key signed it within the clock skew; the
        /// signature, which covers the body, is checked by `finish`.
        case signed(RequestSigner.Presented)
    }

    /// Everything that needs no body: a token in full; for a signed
    /// request, the header, the date and the access key.  A server calls
    /// this before it reads the body, so a stranger's body is never read.
    ///
    /// - Parameter headers: every header, `Host` included.
    package func admit(headers: [HTTPHeader], nowUnixSeconds: Int64) throws(CkptError) -> Admission {
        if isOpen { return .admitted }
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
            return .signed(try RequestSigner.checkCredential(headers: headers, secretKey: { keys[$0] },
                                                             nowUnixSeconds: nowUnixSeconds,
                                                             maxSkewSeconds: maxSkewSeconds))
        }
        let presented = headers.values("X-Auth-Token")
        guard !presented.isEmpty else { throw Self.failure("no X-Auth-Token or Authorization header") }
        guard presented.count == 1 else { throw Self.failure("more than one X-Auth-Token header") }
        let token = HTTPHeader.trimmed(presented[0])
        // Compare with every token, so the time taken does not say which matched.
        var matched = false
        for t in tokens where Digest.constantTimeEqual(t, token) { matched = true }
        guard matched else { throw Self.failure("the X-Auth-Token is not valid") }
        return .admitted
    }

    /// The check that needs the body: a signed request's signature.
    ///
    /// - Parameters:
    ///   - path: the request path as received (percent-encoded, no query).
    ///   - query: the raw query string (after `?`), if any.
    ///   - body: the body bytes as received.
    package func finish(_ admission: Admission, method: String, path: String, query: String?, headers: [HTTPHeader],
                        body: [UInt8]) throws(CkptError)
    {
        guard case .signed(let presented) = admission else { return }
        _ = try RequestSigner.checkSignature(presented, method: method, path: path,
                                             query: PercentEncoding.queryPairs(query), headers: headers, body: body)
    }
}
