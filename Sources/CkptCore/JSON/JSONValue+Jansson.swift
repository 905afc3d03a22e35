import CJansson
#if canImport(Glibc)
import Glibc
#endif

extension JSONValue {
    /// Copies a borrowed jansson value, enforcing depth, size and UTF-8 rules.
    /// The walk is bounded by `Limits.maxDepth`, so a cyclic value built by a
    /// careless caller is refused, not followed forever.
    package init(borrowing raw: UnsafePointer<json_t>) throws(JSONInputError) {
        var nodes = 0
        self = try JSONValue.convert(raw, depth: 1, nodes: &nodes)
    }

    private static func convert(_ raw: UnsafePointer<json_t>, depth: Int, nodes: inout Int) throws(JSONInputError) -> JSONValue {
        // The top value is level 1; a value deeper than maxDepth is refused.
        guard depth <= Limits.maxDepth else { throw tooDeep }
        nodes += 1
        if nodes > Limits.maxNodes {
            throw JSONInputError(message: "request has more than \(Limits.maxNodes) JSON values")
        }
        let mutable = UnsafeMutablePointer(mutating: raw)
        switch raw.pointee.type {
        case JSON_NULL: return .null
        case JSON_TRUE: return .bool(true)
        case JSON_FALSE: return .bool(false)
        case JSON_INTEGER: return .int(Int64(json_integer_value(raw)))
        case JSON_REAL:
            let d = json_real_value(raw)
            guard d.isFinite else { throw JSONInputError(message: "number is not finite") }
            return .double(d)
        case JSON_STRING:
            return .string(try decodeString(json_string_value(raw), length: json_string_length(raw)))
        case JSON_ARRAY:
            let n = json_array_size(raw)
            var out: [JSONValue] = []
            out.reserveCapacity(min(n, 1024))
            var i = 0
            while i < n {
                guard let item = json_array_get(raw, i) else { break }
                out.append(try convert(item, depth: depth + 1, nodes: &nodes))
                i += 1
            }
            return .array(out)
        case JSON_OBJECT:
            var obj = JSONObject()
            var iter = json_object_iter(mutable)
            while let it = iter {
                guard let keyPtr = json_object_iter_key(it), let value = json_object_iter_value(it) else { break }
                // The counted length: a key built with json_object_setn may hold a NUL.
                let key = try decodeString(keyPtr, length: json_object_iter_key_len(it))
                // jansson keys are unique: append, keeping this linear.
                obj.appendUnique(key, try convert(value, depth: depth + 1, nodes: &nodes))
                iter = json_object_iter_next(mutable, it)
            }
            return .object(obj)
        default:
            throw JSONInputError(message: "unknown JSON value type")
        }
    }

    private static var tooDeep: JSONInputError {
        JSONInputError(message: "JSON nesting is deeper than \(Limits.maxDepth) levels")
    }

    /// jansson strings are counted and may hold NUL or, when built with the
    /// *_nocheck functions, invalid UTF-8: both are refused here.
    private static func decodeString(_ ptr: UnsafePointer<CChar>?, length: Int) throws(JSONInputError) -> String {
        guard let ptr else { return "" }
        let bytes = UnsafeRawBufferPointer(start: ptr, count: length).bindMemory(to: UInt8.self)
        if bytes.contains(0) { throw JSONInputError(message: "string contains a NUL character") }
        guard let s = String(validating: bytes, as: UTF8.self) else {
            throw JSONInputError(message: "string is not valid UTF-8")
        }
        return s
    }

    /// Parses JSON text (any value at the top) with the same limits.
    /// - Parameter maxBytes: the size limit; requests use the default, the
    ///   remote backend its own response limit.
    package static func parse(_ text: UnsafePointer<CChar>, length: Int,
                              maxBytes: Int = Limits.maxRequestBytes) throws(JSONInputError) -> JSONValue
    {
        guard length <= maxBytes else {
            throw JSONInputError(message: "JSON text is larger than \(maxBytes) bytes")
        }
        var err = json_error_t()
        guard let root = json_loadb(text, length, Int(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL), &err) else {
            let msg = withUnsafeBytes(of: &err.text) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            let position = "malformed JSON at line \(err.line), column \(err.column)"
            throw JSONInputError(message: "\(position): \(msg)", messageWithoutExcerpt: position)
        }
        defer { json_decref(root) }
        return try JSONValue(borrowing: root)
    }

    package static func parse(_ text: String) throws(JSONInputError) -> JSONValue {
        var text = text
        let result: Result<JSONValue, JSONInputError> = text.withUTF8 { buf in
            guard let base = buf.baseAddress else { return .failure(JSONInputError(message: "empty JSON text")) }
            return base.withMemoryRebound(to: CChar.self, capacity: buf.count) { p in
                Result { () throws(JSONInputError) in try parse(p, length: buf.count) }
            }
        }
        return try result.get()
    }

    /// A new jansson reference (the caller owns it), or nil if jansson
    /// could not allocate.
    package func makeJansson() -> UnsafeMutablePointer<json_t>? {
        switch self {
        case .null: return json_null()
        case .bool(let b): return b ? json_true() : json_false()
        case .int(let i): return json_integer(json_int_t(i))
        case .double(let d): return json_real(d)
        case .string(let s):
            var s = s
            return s.withUTF8 { buf in
                guard let base = buf.baseAddress else { return json_string("") }
                return base.withMemoryRebound(to: CChar.self, capacity: buf.count) { json_stringn_nocheck($0, buf.count) }
            }
        case .array(let items):
            guard let arr = json_array() else { return nil }
            for item in items {
                guard let v = item.makeJansson(), json_array_append_new(arr, v) == 0 else {
                    json_decref(arr)
                    return nil
                }
            }
            return arr
        case .object(let obj):
            guard let o = json_object() else { return nil }
            for m in obj.members {
                guard let v = m.value.makeJansson(), json_object_set_new_nocheck(o, m.key, v) == 0 else {
                    json_decref(o)
                    return nil
                }
            }
            return o
        }
    }

    /// A new jansson value parsed from compact text the library produced.
    package static func jansson(parsing text: String) -> UnsafeMutablePointer<json_t>? {
        var text = text
        return text.withUTF8 { buf in
            guard let base = buf.baseAddress else { return nil }
            return base.withMemoryRebound(to: CChar.self, capacity: buf.count) { json_loadb($0, buf.count, 0, nil) }
        }
    }

    /// Compact text of a jansson value (what `serialized()` writes natively).
    package static func dump(_ j: UnsafePointer<json_t>) -> String? {
        let flags = Int(JSON_COMPACT | JSON_ENCODE_ANY)
        let size = json_dumpb(j, nil, 0, flags)
        guard size > 0 else { return nil }
        return String(unsafeUninitializedCapacity: size) { buf in
            buf.withMemoryRebound(to: CChar.self) { json_dumpb(j, $0.baseAddress, size, flags) }
        }
    }
}
