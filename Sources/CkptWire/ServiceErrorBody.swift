import CkptCore

/// Reads the error bodies the services send.  CBR and CSBS use
/// `{"error_code", "error_msg"}`; API Gateway, IAM and OpenStack Karbor use
/// `errorCode`/`errorMsg` or `code`/`message`, at the top level or one level
/// down (`{"error": {...}}`, `{"badRequest": {...}}`).
package enum ServiceErrorBody {
    /// The spellings of (code, message), most specific first.
    private static let spellings: [(code: String, message: String)] = [
        ("error_code", "error_msg"), ("errorCode", "errorMsg"), ("code", "message"),
    ]

    /// Longest message kept from a JSON error body.
    package static let maxMessageLength = 1024
    /// Longest excerpt kept from a body that is not JSON.
    package static let maxExcerptLength = 200

    /// The failure an HTTP error response stands for.
    ///
    /// - Parameter redact: removes secrets from text that came from the
    ///   server, before it is truncated (so no prefix of a secret survives).
    package static func error(status: Int, body: [UInt8], requestId: String?,
                              redact: (String) -> String) -> CkptError
    {
        var code = ""
        var message = ""
        var bodyRequestId: String?
        if let object = parse(body)?.objectValue {
            (code, message) = fields(object) ?? nested(object) ?? ("", "")
            bodyRequestId = object["request_id"]?.stringValue
            message = truncated(redact(message), to: maxMessageLength)
            if code.unicodeScalars.count > 64 || !HTTPHeader.isSafeValue(code) { code = "" }
        } else if !body.isEmpty {
            message = excerpt(body, redact: redact)
        }
        if message.isEmpty { message = "the service answered HTTP \(status)" }
        let errorClass = ErrorClass.forServiceCode(code) ?? ErrorClass(httpStatus: status)
        let id = requestId ?? bodyRequestId.flatMap {
            !$0.isEmpty && $0.utf8.count <= 256 && HTTPHeader.isSafeValue($0) ? $0 : nil
        }
        return CkptError(errorClass, httpStatus: status, code: code, message, requestId: id)
    }

    /// The first spelling present in `object`: a string code, a string message.
    private static func fields(_ object: JSONObject) -> (String, String)? {
        for s in spellings {
            let code = object[s.code]?.stringValue
            let message = object[s.message]?.stringValue
            if code != nil || message != nil { return (code ?? "", message ?? "") }
        }
        return nil
    }

    private static func nested(_ object: JSONObject) -> (String, String)? {
        for member in object.members {
            if let inner = member.value.objectValue, let found = fields(inner) { return found }
        }
        return nil
    }

    /// Parses a response body; nil when it is not JSON.
    package static func parse(_ body: [UInt8]) -> JSONValue? {
        try? parseOrExplain(body).get()
    }

    /// Parses a response body, or says why it is not JSON.
    package static func parseOrExplain(_ body: [UInt8]) -> Result<JSONValue, BodyError> {
        body.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress, !buf.isEmpty else { return .failure(BodyError(message: "an empty body")) }
            return base.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                do throws(JSONInputError) {
                    // The transport already refused bodies over max_response_bytes.
                    return .success(try JSONValue.parse(p, length: buf.count, maxBytes: .max))
                } catch {
                    // No excerpt: the body may echo a credential, and a piece of one
                    // cannot be redacted.
                    return .failure(BodyError(message: error.messageWithoutExcerpt))
                }
            }
        }
    }

    /// Why a body is not JSON.
    package struct BodyError: Error, Sendable {
        package var message: String
    }

    /// A short, valid-UTF-8, secret-free excerpt of a body that is not JSON.
    package static func excerpt(_ body: [UInt8], redact: (String) -> String) -> String {
        // Enough bytes for any excerpt, plus room for a secret that starts
        // inside it, so redaction sees the whole secret.
        let text = String(decoding: body.prefix(64 * 1024), as: UTF8.self)
        return truncated(redact(text), to: maxExcerptLength)
    }

    /// At most `limit` Unicode scalars, with control characters replaced by spaces.
    package static func truncated(_ text: String, to limit: Int) -> String {
        var scalars = String.UnicodeScalarView()
        for s in text.unicodeScalars.prefix(limit) {
            scalars.append(s.value < 32 || s.value == 127 ? " " : s)
        }
        return String(scalars)
    }
}
