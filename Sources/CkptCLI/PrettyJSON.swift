import CkptCore

/// JSON for people: two-space indent, one member per line, keys in their
/// order.  Scalars are rendered by the same encoder as the compact output,
/// so both forms spell strings and numbers identically.
enum PrettyJSON {
    static func render(_ value: JSONValue) -> String? {
        var out = ""
        guard write(value, depth: 0, into: &out) else { return nil }
        return out
    }

    private static func indent(_ depth: Int, into out: inout String) {
        for _ in 0..<depth { out += "  " }
    }

    private static func write(_ value: JSONValue, depth: Int, into out: inout String) -> Bool {
        switch value {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .int(let i): out += String(i)
        case .double, .string:
            guard let s = value.serialized() else { return false }
            out += s
        case .array(let items):
            if items.isEmpty { out += "[]"; return true }
            out += "[\n"
            for (i, item) in items.enumerated() {
                indent(depth + 1, into: &out)
                guard write(item, depth: depth + 1, into: &out) else { return false }
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            indent(depth, into: &out)
            out += "]"
        case .object(let o):
            if o.count == 0 { out += "{}"; return true }
            out += "{\n"
            for (i, m) in o.members.enumerated() {
                indent(depth + 1, into: &out)
                guard let key = JSONValue.string(m.key).serialized() else { return false }
                out += key
                out += ": "
                guard write(m.value, depth: depth + 1, into: &out) else { return false }
                out += i == o.count - 1 ? "\n" : ",\n"
            }
            indent(depth, into: &out)
            out += "}"
        }
        return true
    }
}
