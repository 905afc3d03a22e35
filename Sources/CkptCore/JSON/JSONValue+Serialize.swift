import CJansson

extension JSONValue {
    /// Compact JSON text, keys in order: byte for byte what jansson's
    /// `json_dumps(JSON_COMPACT)` writes (tests hold the two together), but
    /// written straight from the value instead of through a json_t.
    package func serialized() -> String? {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        guard write(into: &out) else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the compact text; false only if a real could not be formatted.
    package func write(into out: inout [UInt8]) -> Bool {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .int(let i): out.append(contentsOf: String(i).utf8)
        case .double(let d):
            // Reals are rare here (none in the documented bodies): let jansson
            // format them, so the text stays identical to its output.
            guard let j = json_real(d) else { return false }
            defer { json_decref(j) }
            guard let text = JSONValue.dump(j) else { return false }
            out.append(contentsOf: text.utf8)
        case .string(let s): JSONValue.writeString(s, into: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (i, item) in items.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                guard item.write(into: &out) else { return false }
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            for (i, m) in o.members.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                JSONValue.writeString(m.key, into: &out)
                out.append(UInt8(ascii: ":"))
                guard m.value.write(into: &out) else { return false }
            }
            out.append(UInt8(ascii: "}"))
        }
        return true
    }

    /// jansson's escaping: `"` and `\`, the short escapes for \b \f \n \r \t,
    /// `\u00XX` (upper-case hex) for other control characters, and every
    /// other character as raw UTF-8 (no JSON_ENSURE_ASCII, no JSON_ESCAPE_SLASH).
    static func writeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var s = s
        s.withUTF8 { buf in
            // Runs of bytes that need no escape go in whole.
            var start = 0
            for i in 0..<buf.count {
                let c = buf[i]
                if c >= 0x20 && c != UInt8(ascii: "\"") && c != UInt8(ascii: "\\") { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<i]))
                start = i + 1
                switch c {
                case UInt8(ascii: "\""): out.append(contentsOf: [92, 34])
                case UInt8(ascii: "\\"): out.append(contentsOf: [92, 92])
                case 0x08: out.append(contentsOf: [92, UInt8(ascii: "b")])
                case 0x0c: out.append(contentsOf: [92, UInt8(ascii: "f")])
                case 0x0a: out.append(contentsOf: [92, UInt8(ascii: "n")])
                case 0x0d: out.append(contentsOf: [92, UInt8(ascii: "r")])
                case 0x09: out.append(contentsOf: [92, UInt8(ascii: "t")])
                default:
                    let hex: [UInt8] = Array("0123456789ABCDEF".utf8)
                    out.append(contentsOf: [92, UInt8(ascii: "u"), 48, 48, hex[Int(c >> 4)], hex[Int(c & 0xf)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: buf[start..<buf.count]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
