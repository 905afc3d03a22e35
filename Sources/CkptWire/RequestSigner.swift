import CkptCore
#if canImport(Glibc)
import Glibc
#endif

/// Huawei Cloud's `SDK-HMAC-SHA256` request signing (SPEC section 3), as the
/// official SDKs compute it.  Every step is exposed so the test vectors can
/// be reproduced piece by piece, and `verify` lets the emulator server check
/// what a client signed.
package enum RequestSigner {
    package static let algorithm = "SDK-HMAC-SHA256"
    package static let dateHeader = "X-Sdk-Date"
    /// How far an `X-Sdk-Date` may be from the verifier's clock (API Gateway's
    /// 15 minutes).
    package static let defaultMaxSkewSeconds: Int64 = 15 * 60

    /// Everything signing produced, in the order it was produced.
    package struct Signature: Sendable, Equatable {
        package var canonicalRequest: String
        package var stringToSign: String
        /// Lower-cased, sorted.
        package var signedHeaders: [String]
        /// Hex HMAC-SHA256 of `stringToSign`.
        package var signature: String
        /// The `Authorization` header value.
        package var authorization: String
    }

    // MARK: - The pieces

    /// The URI line: the path is decoded, split on `/`, each segment
    /// re-encoded, and a trailing `/` added (the SDKs' `unquote`, `split`,
    /// `quote` dance, so `%2F` in a segment becomes a separator).
    package static func canonicalURI(_ path: String) -> String {
        var out: [UInt8] = []
        appendCanonicalURI(path, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Encoding the decoded path with `/` kept is the same as splitting it,
    /// encoding each segment and joining them again, in one pass.
    static func appendCanonicalURI(_ path: String, to out: inout [UInt8]) {
        PercentEncoding.append(PercentEncoding.decode(path), to: &out, keepSlash: true)
        if out.last != UInt8(ascii: "/") { out.append(UInt8(ascii: "/")) }
    }

    /// The query line: decoded `(name, value)` pairs, sorted by name then
    /// value, each part encoded, joined with `&`.
    package static func canonicalQuery(_ query: [(name: String, value: String)]) -> String {
        query.sorted { a, b in
            if a.name != b.name { return a.name.utf8.lexicographicallyPrecedes(b.name.utf8) }
            return a.value.utf8.lexicographicallyPrecedes(b.value.utf8)
        }
        .map { PercentEncoding.encode($0.name) + "=" + PercentEncoding.encode($0.value) }
        .joined(separator: "&")
    }

    /// The names of every header, lower-cased, de-duplicated and sorted: the
    /// SDKs sign all the headers they send.
    package static func signedHeaderNames(_ headers: [HTTPHeader]) -> [String] {
        var names = Set<String>()
        for h in headers { names.insert(HTTPHeader.lowercased(h.name)) }
        return names.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
    }

    /// The header lines `name:value` for `signed`, each followed by a newline
    /// (the canonical request then has a blank line after them).  Nil when a
    /// signed header is missing or appears more than once.
    package static func canonicalHeaders(_ headers: [HTTPHeader], signed: [String]) -> String? {
        // Lower-case each name once; a name seen twice is marked by nil.
        var byName: [String: String?] = [:]
        byName.reserveCapacity(headers.count)
        for h in headers {
            let name = HTTPHeader.lowercased(h.name)
            byName[name] = byName[name] == nil ? .some(h.value) : .some(nil)
        }
        var out = ""
        for name in signed {
            guard case .some(.some(let value)) = byName[name] else { return nil }
            out += name + ":" + HTTPHeader.trimmed(value) + "\n"
        }
        return out
    }

    /// The six-line canonical request, or nil when a signed header is
    /// missing or repeated.
    package static func canonicalRequest(method: String, path: String, query: [(name: String, value: String)],
                                         headers: [HTTPHeader], signedHeaders: [String], bodySHA256: String) -> String?
    {
        guard let lines = canonicalHeaders(headers, signed: signedHeaders) else { return nil }
        // Built in one buffer: this runs for every signed request.
        var out: [UInt8] = []
        out.reserveCapacity(256 + lines.utf8.count)
        for c in method.utf8 { out.append(c >= 97 && c <= 122 ? c - 32 : c) }
        out.append(10)
        appendCanonicalURI(path, to: &out)
        out.append(10)
        if !query.isEmpty { out.append(contentsOf: canonicalQuery(query).utf8) }
        out.append(10)
        out.append(contentsOf: lines.utf8)
        out.append(10)
        for (i, name) in signedHeaders.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ";")) }
            out.append(contentsOf: name.utf8)
        }
        out.append(10)
        out.append(contentsOf: bodySHA256.utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// The algorithm, the date, and the hex SHA-256 of the canonical request.
    package static func stringToSign(canonicalRequest: String, date: String) -> String {
        algorithm + "\n" + date + "\n" + Digest.sha256Hex(canonicalRequest)
    }

    package static func authorization(accessKey: String, signedHeaders: [String], signature: String) -> String {
        "\(algorithm) Access=\(accessKey), SignedHeaders=\(signedHeaders.joined(separator: ";")), Signature=\(signature)"
    }

    // MARK: - Signing

    /// Signs a request whose `headers` already carry `X-Sdk-Date` and every
    /// other header to sign (all of them are signed).
    ///
    /// - Parameters:
    ///   - path: the path as sent on the wire (already percent-encoded).
    ///   - query: decoded query pairs.
    /// - Throws: class internal when `X-Sdk-Date` is missing, a header is
    ///   repeated, a header name is not an HTTP token, or the HMAC cannot be
    ///   computed (an empty SK).  The message
    ///   never names the key.
    package static func sign(method: String, path: String, query: [(name: String, value: String)] = [],
                             headers: [HTTPHeader], body: [UInt8],
                             accessKey: String, secretKey: String) throws(CkptError) -> Signature
    {
        guard let date = headers.first(dateHeader) else {
            throw .internalError("cannot sign a request without an \(dateHeader) header")
        }
        // SignedHeaders lists the names between ";" and ",": a name that is
        // not a token (empty, or holding either) would make an Authorization
        // no verifier reads back.
        guard headers.allSatisfy({ HTTPHeader.isToken($0.name) }) else {
            throw .internalError("cannot sign a request with a header name that is not an HTTP token")
        }
        let signed = signedHeaderNames(headers)
        guard let canonical = canonicalRequest(method: method, path: path, query: query, headers: headers,
                                               signedHeaders: signed, bodySHA256: Digest.sha256Hex(body))
        else { throw .internalError("cannot sign a request with a repeated header") }
        let toSign = stringToSign(canonicalRequest: canonical, date: HTTPHeader.trimmed(date))
        guard let signature = Digest.hmacSHA256Hex(key: secretKey, message: toSign) else {
            throw .internalError("cannot compute the request signature")
        }
        return Signature(canonicalRequest: canonical, stringToSign: toSign, signedHeaders: signed,
                         signature: signature,
                         authorization: authorization(accessKey: accessKey, signedHeaders: signed, signature: signature))
    }

    // MARK: - Verifying

    /// What an `Authorization: SDK-HMAC-SHA256 ...` header says.
    package struct Credential: Sendable, Equatable {
        package var accessKey: String
        package var signedHeaders: [String]
        package var signature: String
    }

    /// Parses `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex`.
    package static func parseAuthorization(_ value: String) -> Credential? {
        let prefix = algorithm + " "
        guard value.hasPrefix(prefix) else { return nil }
        var fields: [String: String] = [:]
        for part in value.dropFirst(prefix.count).split(separator: ",", omittingEmptySubsequences: false) {
            let item = HTTPHeader.trimmed(String(part))
            guard let eq = item.firstIndex(of: "=") else { return nil }
            let key = String(item[..<eq])
            guard fields[key] == nil else { return nil }
            fields[key] = String(item[item.index(after: eq)...])
        }
        guard fields.count == 3, let ak = fields["Access"], let names = fields["SignedHeaders"],
              let signature = fields["Signature"], !ak.isEmpty, !names.isEmpty
        else { return nil }
        let signed = names.split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        guard signed.allSatisfy({ !$0.isEmpty && $0 == HTTPHeader.lowercased($0) }) else { return nil }
        return Credential(accessKey: ak, signedHeaders: signed, signature: signature)
    }

    /// Parses an `X-Sdk-Date` (`YYYYMMDDTHHMMSSZ`, UTC) into Unix seconds.
    package static func parseDate(_ text: String) -> Int64? {
        let u = Array(text.utf8)
        guard u.count == 16, u[8] == UInt8(ascii: "T"), u[15] == UInt8(ascii: "Z") else { return nil }
        return Clock.unixSeconds(u, year: 0, month: 4, day: 6, hour: 9, minute: 11, second: 13, maxSecond: 60)
    }

    /// What `checkCredential` found: the signer, its SK and the signed date.
    package struct Presented: Sendable {
        package var credential: Credential
        package var dateText: String
        let secretKey: String
    }

    /// The checks of `verify` that need no body: the `Authorization` header
    /// parses, `X-Sdk-Date` is signed and within `maxSkewSeconds` of
    /// `nowUnixSeconds`, and the access key is known.  A server runs them
    /// before it reads a body, so that a stranger's body is never read.
    package static func checkCredential(headers: [HTTPHeader], secretKey: (String) -> String?, nowUnixSeconds: Int64,
                                        maxSkewSeconds: Int64 = defaultMaxSkewSeconds) throws(CkptError) -> Presented
    {
        let authorizations = headers.values("Authorization")
        guard authorizations.count == 1, let header = authorizations.first else {
            throw failure("expected one Authorization header")
        }
        guard let credential = parseAuthorization(HTTPHeader.trimmed(header)) else {
            throw failure("the Authorization header is not \(algorithm) Access=..., SignedHeaders=..., Signature=...")
        }
        let dateName = HTTPHeader.lowercased(dateHeader)
        guard credential.signedHeaders.contains(dateName) else { throw failure("\(dateHeader) is not signed") }
        let dates = headers.values(dateHeader)
        guard dates.count == 1, let dateText = dates.first.map(HTTPHeader.trimmed),
              let date = parseDate(dateText)
        else { throw failure("\(dateHeader) must be one YYYYMMDDTHHMMSSZ value") }
        let skew = nowUnixSeconds.subtractingReportingOverflow(date)
        guard !skew.overflow, skew.partialValue.magnitude <= maxSkewSeconds.magnitude else {
            throw failure("\(dateHeader) is more than \(maxSkewSeconds / 60) minutes from the server time")
        }
        guard let sk = secretKey(credential.accessKey), !sk.isEmpty else { throw failure("unknown access key") }
        return Presented(credential: credential, dateText: dateText, secretKey: sk)
    }

    /// The rest of `verify`: the signature recomputed over the signed
    /// headers and the body matches (compared in constant time).
    /// - Returns: the access key that signed the request.
    package static func checkSignature(_ presented: Presented, method: String, path: String,
                                       query: [(name: String, value: String)] = [], headers: [HTTPHeader],
                                       body: [UInt8]) throws(CkptError) -> String
    {
        let credential = presented.credential
        guard let canonical = canonicalRequest(method: method, path: path, query: query, headers: headers,
                                               signedHeaders: credential.signedHeaders,
                                               bodySHA256: Digest.sha256Hex(body))
        else { throw failure("a signed header is missing or repeated") }
        let toSign = stringToSign(canonicalRequest: canonical, date: presented.dateText)
        guard let expected = Digest.hmacSHA256Hex(key: presented.secretKey, message: toSign),
              Digest.constantTimeEqual(expected, HTTPHeader.lowercased(credential.signature))
        else { throw failure("verify aksk signature fail") }
        return credential.accessKey
    }

    /// Checks a signed request as API Gateway would: `checkCredential`,
    /// then `checkSignature`.
    ///
    /// - Parameters:
    ///   - path: the path as received (percent-encoded).
    ///   - query: decoded query pairs.
    ///   - secretKey: the SK for an AK, or nil for an unknown AK.
    /// - Returns: the access key that signed the request.
    /// - Throws: class auth, HTTP 401, `APIGW.0301`.  Messages never contain
    ///   the SK or a signature.
    package static func verify(method: String, path: String, query: [(name: String, value: String)] = [],
                               headers: [HTTPHeader], body: [UInt8],
                               secretKey: (String) -> String?,
                               nowUnixSeconds: Int64,
                               maxSkewSeconds: Int64 = defaultMaxSkewSeconds) throws(CkptError) -> String
    {
        let presented = try checkCredential(headers: headers, secretKey: secretKey, nowUnixSeconds: nowUnixSeconds,
                                            maxSkewSeconds: maxSkewSeconds)
        return try checkSignature(presented, method: method, path: path, query: query, headers: headers, body: body)
    }

    /// 401 `APIGW.0301`, as API Gateway answers a request it cannot authenticate.
    package static func failure(_ why: String) -> CkptError {
        CkptError(.auth, httpStatus: 401, code: "APIGW.0301", "Incorrect IAM authentication information: \(why)")
    }
}
