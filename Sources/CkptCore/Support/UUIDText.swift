/// UUID text, 8-4-4-4-12 hex digits.
package enum UUIDText {
    package static func normalized(_ s: String) -> String? {
        let u = Array(s.utf8)
        guard u.count == 36 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(36)
        for (i, c) in u.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                guard c == UInt8(ascii: "-") else { return nil }
                out.append(c)
            } else if (c >= 48 && c <= 57) || (c >= 97 && c <= 102) {
                out.append(c)
            } else if c >= 65 && c <= 70 {
                out.append(c + 32)
            } else {
                return nil
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension UUIDText {
    /// The 16 bytes of UUID text (any case); nil when it is not a UUID.
    package static func bytes(_ s: String) -> [UInt8]? {
        guard let n = normalized(s) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(16)
        var high: UInt8?
        for c in n.utf8 where c != UInt8(ascii: "-") {
            let v = c <= 57 ? c &- 48 : c &- 87
            if let h = high {
                out.append(h << 4 | v)
                high = nil
            } else {
                high = v
            }
        }
        return out
    }

    /// The lower-case text of 16 bytes; "" for any other length.
    package static func text(of bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return "" }
        let hex: [UInt8] = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(36)
        for (i, b) in bytes.enumerated() {
            if i == 4 || i == 6 || i == 8 || i == 10 { out.append(UInt8(ascii: "-")) }
            out.append(hex[Int(b >> 4)])
            out.append(hex[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
