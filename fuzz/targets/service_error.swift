// Fuzz target: the HTTP error-body parser and the error mapping of the
// remote backend, in process (no server).
//
// Input: bytes 0-1 the HTTP status (big-endian, modulo 600); byte 2 flags
// (bit 0: an X-Request-Id header value follows, up to the first "\n"); the
// rest is the response body.
//
// Exercised: ServiceErrorBody.error(status:body:requestId:redact:) (what
// RemoteBackend.call does with every non-2xx response), parse/parseOrExplain,
// excerpt, and the redaction RemoteBackend applies (Redaction.redact).
// The 2xx mapping (RemoteBackend.reply) and the header parser
// (ResponseSink.header) are private to CkptRemote; the remote_response target
// reaches them through a loopback server.
//
// Properties checked, for the secrets below (a token, an SK, a signature):
//   - no error message contains a secret, or a prefix of one (8+ bytes) that
//     the body did not itself contain apart from whole copies of the secret;
//   - the message has at most 1024 Unicode scalars (200 for a non-JSON
//     excerpt), no control characters, and is never empty;
//   - error_code is at most 64 scalars without control characters;
//     request_id comes from the header when given, else from a valid body
//     member (1-256 bytes, no control characters);
//   - the class is the one the status or a documented code implies, never
//     internal, storage or network;
//   - the error object serializes, and parses back.
import CJansson
import CkptCore
import CkptRemote
import CkptWire
#if canImport(Glibc)
import Glibc
#endif

let secrets = [
    "S3CR3T-token-MIIEhgYJKoZIhvcNAQcCoIIEdzCCBHMCAQExDTALBglghkgBZQMEAgEw",
    "SKtest0123456789abcdefghijklmnopqrstuvwx",
    "ba573feed0a8fde191d015a5f4d8e169e79279c4c5a23a823bf1ee5372aebb71",
    "gQpJRjxjZXJ0aWZpY2F0ZT4KICA8L2NlcnRpZmljYXRlPgo",
]
let secretBytes = secrets.map { Array($0.utf8) }
let redact = { (text: String) in Redaction.redact(text, secrets) }

func checkMessage(_ message: String, body: [UInt8], limit: Int, context: String) {
    let bytes = Array(message.utf8)
    for s in secretBytes {
        if let leak = leaksSecret(bytes, secret: s, input: body) {
            finding(named: leak.hasPrefix("the whole") ? "secret-whole" : "secret-prefix",
                    "\(context): \(leak) appears in the message", "message: \(message)\nbody: \(String(decoding: body, as: UTF8.self))")
        }
    }
    require(message.unicodeScalars.count <= limit, "\(context): message of \(message.unicodeScalars.count) scalars > \(limit)")
    require(!message.unicodeScalars.contains { $0.value < 32 || $0.value == 127 },
            "\(context): control character in the message", message.debugDescription)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzBytes(data, size)
    guard input.count >= 3 else { return 0 }
    let status = (Int(input[0]) << 8 | Int(input[1])) % 600
    var rest = Array(input[3...])
    var requestId: String?
    if input[2] & 1 != 0 {
        let nl = rest.firstIndex(of: UInt8(ascii: "\n")) ?? rest.count
        let value = String(decoding: rest[..<nl], as: UTF8.self)
        // What the transport accepts from an X-Request-Id header.
        if !value.isEmpty && value.utf8.count <= 256 && HTTPHeader.isSafeValue(value) { requestId = value }
        rest = nl < rest.count ? Array(rest[(nl + 1)...]) : []
    }
    let body = rest

    let e = ServiceErrorBody.error(status: status, body: body, requestId: requestId, redact: redact)
    let parsed = ServiceErrorBody.parse(body)
    let isJSONObject = parsed?.objectValue != nil
    checkMessage(e.message, body: body, limit: isJSONObject ? ServiceErrorBody.maxMessageLength
                 : max(ServiceErrorBody.maxExcerptLength, 40), context: "ServiceErrorBody.error")
    require(!e.message.isEmpty, "ServiceErrorBody.error: empty message")
    require(e.httpStatus == status, "ServiceErrorBody.error: status \(e.httpStatus) != \(status)")
    require(e.errorCode.unicodeScalars.count <= 64 && HTTPHeader.isSafeValue(e.errorCode),
            "ServiceErrorBody.error: unsafe error_code", e.errorCode.debugDescription)
    require(![.internal, .storage, .network].contains(e.errorClass),
            "ServiceErrorBody.error: class \(e.errorClass.name) for an HTTP answer")
    let expected = ErrorClass.forServiceCode(e.errorCode) ?? ErrorClass(httpStatus: status)
    require(e.errorClass == expected, "ServiceErrorBody.error: class \(e.errorClass.name), expected \(expected.name)")
    if let requestId {
        require(e.requestId == requestId, "ServiceErrorBody.error: the header's request id was not kept")
    } else if let id = e.requestId {
        require(!id.isEmpty && id.utf8.count <= 256 && HTTPHeader.isSafeValue(id),
                "ServiceErrorBody.error: unsafe request id from the body", id.debugDescription)
    }
    if !isJSONObject && !body.isEmpty {
        // A non-JSON (or non-object) body is shown as an excerpt.
        if parsed == nil {
            require(e.message == ServiceErrorBody.excerpt(body, redact: redact) || e.message.hasPrefix("the service answered"),
                    "ServiceErrorBody.error: the message of a non-JSON body is not its excerpt")
        }
    }
    // The error object the C API hands out.
    guard let text = e.json.serialized() else { finding("CkptError.json does not serialize") }
    require((try? JSONValue.parse(text)) != nil, "CkptError.json does not parse back", text)

    // What RemoteBackend.reply builds for a 2xx body that is not a JSON
    // object: the parser's explanation, redacted, then an excerpt.
    switch ServiceErrorBody.parseOrExplain(body) {
    case .success(let v):
        require(parsed == v, "parse and parseOrExplain disagree")
    case .failure(let why):
        require(parsed == nil, "parse succeeded where parseOrExplain failed")
        let message = redact(why.message)
        for s in secretBytes {
            if let leak = leaksSecret(Array(message.utf8), secret: s, input: body) {
                finding(named: leak.hasPrefix("the whole") ? "secret-whole" : "secret-prefix",
                        "parseOrExplain: \(leak) survives redaction in the parse error RemoteBackend.reply reports",
                        "message: \(message)\nbody: \(String(decoding: body.prefix(300), as: UTF8.self))")
            }
        }
        checkMessage(ServiceErrorBody.excerpt(body, redact: redact), body: body,
                     limit: ServiceErrorBody.maxExcerptLength, context: "ServiceErrorBody.excerpt")
    }
    return 0
}
