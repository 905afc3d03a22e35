/// RFC 3986 percent-encoding as the Huawei Cloud SDKs do it (Python's
/// `quote(s, safe='~')`): letters, digits and `-._~` stay, every other
/// UTF-8 byte becomes `%XX` with upper-case hex.
package enum PercentEncoding {
    private static let hexDigits: [UInt8] = Array("0123456789ABCDEF".utf8)

    package static func isUnreserved(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Encodes one path segment or query component.
    package static func encode<S: Sequence>(bytes: S) -> String where S.Element == UInt8 {
        var out = [UInt8]()
        append(bytes, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends the encoding of `bytes`, keeping `/` as it is when `keepSlash`
    /// (a whole path: the same as encoding each segment and joining them).
    package static func append<S: Sequence>(_ bytes: S, to out: inout [UInt8], keepSlash: Bool = false)
        where S.Element == UInt8
    {
        for c in bytes {
            if keepSlash && c == UInt8(ascii: "/") {
                out.append(c)
                continue
            }
            if isUnreserved(c) {
                out.append(c)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(c >> 4)])
                out.append(hexDigits[Int(c & 0x0f)])
            }
        }
    }

    package static func encode(_ text: String) -> String {
        encode(bytes: text.utf8)
    }

    /// Decodes `%XX` escapes (Python's `unquote`); a `%` not followed by two
    /// hex digits stays as it is.
    package static func decode(_ text: String) -> [UInt8] {
        let u = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(u.count)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%"), i &+ 2 < u.count,
               let hi = hexValue(u[i &+ 1]), let lo = hexValue(u[i &+ 2])
            {
                out.append(hi << 4 | lo)
                i &+= 3
            } else {
                out.append(u[i])
                i &+= 1
            }
        }
        return out
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c &- UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c &- UInt8(ascii: "a") &+ 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c &- UInt8(ascii: "A") &+ 10
        default: return nil
        }
    }

    /// Decoded `(name, value)` pairs of a raw query string, as the signing
    /// SDKs see them (`%XX` decoded, `+` left alone).
    package static func queryPairs(_ query: String?) -> [(name: String, value: String)] {
        guard let query, !query.isEmpty else { return [] }
        var out: [(name: String, value: String)] = []
        for item in query.split(separator: "&", omittingEmptySubsequences: true) {
            let name: Substring
            let value: Substring
            if let eq = item.firstIndex(of: "=") {
                name = item[..<eq]
                value = item[item.index(after: eq)...]
            } else {
                name = item
                value = ""
            }
            out.append((String(decoding: PercentEncoding.decode(String(name)), as: UTF8.self),
                        String(decoding: PercentEncoding.decode(String(value)), as: UTF8.self)))
        }
        return out
    }

    /// The query string of decoded `(name, value)` pairs, each part encoded,
    /// in the order given (the signature sorts its own copy).
    package static func queryString(_ pairs: [(name: String, value: String)]) -> String {
        var out: [UInt8] = []
        for (i, pair) in pairs.enumerated() {
            if i > 0 { out.append(UInt8(ascii: "&")) }
            append(pair.name.utf8, to: &out)
            out.append(UInt8(ascii: "="))
            append(pair.value.utf8, to: &out)
        }
        return String(decoding: out, as: UTF8.self)
    }
}
