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
