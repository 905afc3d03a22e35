/// UUID text, 8-4-4-4-12 hex digits.
///
/// These run several times in every create and list (ids are stored as 16
/// bytes), so they read the UTF-8 bytes in place and build their result
/// in one allocation, with no intermediate arrays or strings.
package enum UUIDText {
    /// The value of a hex digit (either case), or 0xFF.
    @inline(__always)
    static func nibble(_ c: UInt8) -> UInt8 {
        switch c {
        case 48...57: return c &- 48   // 0-9
        case 97...102: return c &- 87  // a-f
        case 65...70: return c &- 55   // A-F
        default: return 0xFF
        }
    }

    @inline(__always)
    static func isDash(at i: Int) -> Bool { i == 8 || i == 13 || i == 18 || i == 23 }

    static let lowerHex: StaticString = "0123456789abcdef"

    /// The lower-case form of UUID text; nil when it is not a UUID.  Text
    /// that is already lower case comes back as it is, without a copy.
    package static func normalized(_ s: String) -> String? {
        var s = s
        let state = s.withUTF8 { u -> Bool? in
            guard u.count == 36 else { return nil }
            var upper = false
            for i in 0..<36 {
                let c = u[i]
                if isDash(at: i) {
                    guard c == UInt8(ascii: "-") else { return nil }
                } else {
                    guard nibble(c) <= 15 else { return nil }
                    if c <= 70 && c >= 65 { upper = true }
                }
            }
            return upper
        }
        guard let upper = state else { return nil }
        guard upper else { return s }
        return String(unsafeUninitializedCapacity: 36) { buf in
            var j = 0
            for c in s.utf8 where j < buf.count {
                buf[j] = c >= 65 && c <= 70 ? c &+ 32 : c
                j &+= 1
            }
            return j
        }
    }
}

extension UUIDText {
    /// The 16 bytes of UUID text (any case); nil when it is not a UUID.
    package static func bytes(_ s: String) -> [UInt8]? {
        var s = s
        return s.withUTF8 { u -> [UInt8]? in
            guard u.count == 36 else { return nil }
            var out = [UInt8](repeating: 0, count: 16)
            var j = 0
            var high: UInt8 = 0
            for i in 0..<36 {
                let c = u[i]
                if isDash(at: i) {
                    guard c == UInt8(ascii: "-") else { return nil }
                    continue
                }
                let v = nibble(c)
                guard v <= 15 else { return nil }
                if j & 1 == 0 {
                    high = v
                } else {
                    out[j >> 1] = high << 4 | v
                }
                j &+= 1
            }
            return out
        }
    }

    /// The lower-case text of 16 bytes; "" for any other length.
    package static func text(of bytes: [UInt8]) -> String {
        guard bytes.count == 16 else { return "" }
        return String(unsafeUninitializedCapacity: 36) { buf in
            lowerHex.withUTF8Buffer { hex in
                var j = 0
                for (i, b) in bytes.enumerated() where j &+ 2 <= buf.count {
                    if i == 4 || i == 6 || i == 8 || i == 10 {
                        buf[j] = UInt8(ascii: "-")
                        j &+= 1
                    }
                    buf[j] = hex[Int(b >> 4)]
                    buf[j &+ 1] = hex[Int(b & 0x0f)]
                    j &+= 2
                }
                return j
            }
        }
    }
}
