import CCkptABI
import CJansson
import CkptClient
import CkptCore
#if canImport(Glibc)
import Glibc
#endif

/// The conversions and checks every exported function shares.
enum Boundary {
    /// Clears the out-parameters, runs `body`, and turns a failure into the
    /// negative class code plus the error object.
    static func run<Out>(error sink: some ErrorSink, clearing out: UnsafeMutablePointer<Out?>?,
                         _ body: () throws(CkptError) -> Void) -> Int32
    {
        out?.pointee = nil
        sink.clear()
        do {
            try body()
            return 0
        } catch {
            out?.pointee = nil
            sink.deliver(error)
            return error.errorClass.rawValue
        }
    }

    static func callArguments<Out>(_ client: OpaquePointer?, _ operation: UnsafePointer<CChar>?,
                                   _ out: UnsafeMutablePointer<Out?>?) throws(CkptError)
        -> (Client, Operation, UnsafeMutablePointer<Out?>)
    {
        // The operation first: it decides which family's codes the rest use.
        let op = try Operation.named(string(operation, what: "operation"))
        let (c, o) = try typedArguments(client, out, family: op.family)
        return (c, op, o)
    }

    static func typedArguments<Out>(_ client: OpaquePointer?, _ out: UnsafeMutablePointer<Out?>?,
                                    family: APIFamily = .cbr) throws(CkptError) -> (Client, UnsafeMutablePointer<Out?>)
    {
        guard let client else { throw .parameter(family, "client: must not be NULL") }
        guard let out else { throw .parameter(family, "response: must not be NULL") }
        return (Handle.client(client), out)
    }

    /// A NUL-terminated UTF-8 argument, read at most to the request limit.
    static func string(_ p: UnsafePointer<CChar>?, what: String, family: APIFamily = .cbr) throws(CkptError) -> String {
        guard let p else { throw .parameter(family, "\(what): must not be NULL") }
        let n = strnlen(p, Limits.maxRequestBytes + 1)
        guard n <= Limits.maxRequestBytes else {
            throw .parameter(family, "\(what): longer than \(Limits.maxRequestBytes) bytes")
        }
        let bytes = UnsafeRawBufferPointer(start: p, count: n).bindMemory(to: UInt8.self)
        guard let s = String(validating: bytes, as: UTF8.self) else { throw .parameter(family, "\(what): not valid UTF-8") }
        return s
    }

    /// JSON text argument -> value.
    static func value(_ p: UnsafePointer<CChar>, what: String, family: APIFamily = .cbr) throws(CkptError) -> JSONValue {
        let n = strnlen(p, Limits.maxRequestBytes + 1)
        do throws(JSONInputError) {
            return try JSONValue.parse(p, length: n)
        } catch {
            throw .parameter(family, "\(what): \(error.message)")
        }
    }

    /// Borrowed json_t argument -> value.
    static func value(_ p: UnsafePointer<json_t>, what: String, family: APIFamily = .cbr) throws(CkptError) -> JSONValue {
        do throws(JSONInputError) {
            return try JSONValue(borrowing: p)
        } catch {
            throw .parameter(family, "\(what): \(error.message)")
        }
    }

    /// A wait's progress closure over a C callback: the object polled
    /// (`body[member]`) as a borrowed json_t for the call; non-zero stops
    /// the wait.  A NULL callback never stops it.
    static func progress(_ fn: ckpt_progress_fn?, _ user: UnsafeMutableRawPointer?,
                         member: String) -> Client.Progress
    {
        guard let fn else { return { _, _ in true } }
        return { body, elapsedMs in
            guard let subject = (body[member] ?? .null).makeJansson() else { return true }
            defer { json_decref(subject) }
            return fn(subject, elapsedMs, user) == 0
        }
    }

    /// The metadata object of ckpt_call_ex.
    static func meta(_ reply: Reply, _ client: Client) -> JSONValue {
        ["request_id": reply.requestId.map(JSONValue.string) ?? .null,
         "backend": .string(client.backend.kind.rawValue)]
    }

    static func jansson(_ v: JSONValue) throws(CkptError) -> UnsafeMutablePointer<json_t> {
        guard let j = v.makeJansson() else { throw .internalError("out of memory building the response") }
        return j
    }

    /// The reply as a new json_t: text a backend passed through is parsed by
    /// jansson directly, without building a Swift value first.
    static func jansson(_ reply: Reply) throws(CkptError) -> UnsafeMutablePointer<json_t> {
        if let t = reply.passthroughText {
            guard let j = JSONValue.jansson(parsing: t) else { throw .internalError("cannot rebuild the response") }
            return j
        }
        return try jansson(reply.body)
    }

    /// A malloc'd copy of the compact text: ckpt_free releases it.
    static func text(_ v: JSONValue) throws(CkptError) -> UnsafeMutablePointer<CChar> {
        guard let s = v.serialized(), let p = strdup(s) else { throw .internalError("out of memory building the response") }
        return p
    }

    static func text(_ reply: Reply) throws(CkptError) -> UnsafeMutablePointer<CChar> {
        guard let s = reply.text, let p = strdup(s) else { throw .internalError("out of memory building the response") }
        return p
    }
}
