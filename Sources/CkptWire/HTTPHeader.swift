/// One HTTP header line, as sent or as received.
package struct HTTPHeader: Sendable, Equatable {
    package var name: String
    package var value: String

    package init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HTTPHeader {
    /// Every value of the header `name` (compared without regard to case).
    package func values(_ name: String) -> [String] {
        let wanted = HTTPHeader.lowercased(name)
        return filter { HTTPHeader.lowercased($0.name) == wanted }.map(\.value)
    }

    /// The first value of the header `name`.
    package func first(_ name: String) -> String? {
        values(name).first
    }
}

extension HTTPHeader {
    /// ASCII lower case: header names are ASCII, and Unicode case mapping
    /// would make a non-ASCII name equal to an ASCII one.
    package static func lowercased(_ s: String) -> String {
        String(decoding: s.utf8.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Removes leading and trailing ASCII whitespace, as Python's `strip()`
    /// does to header values before signing.
    package static func trimmed(_ s: String) -> String {
        let u = Array(s.utf8)
        func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }
        guard let start = u.firstIndex(where: { !isSpace($0) }),
              let end = u.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: u[start...end], as: UTF8.self)
    }

    /// Whether `s` is safe to send as a header value: no control
    /// characters, so a value can never split into a second header.
    package static func isSafeValue(_ s: String) -> Bool {
        !s.utf8.contains { $0 < 32 || $0 == 127 }
    }

    /// Whether `s` is a header name as HTTP has it (RFC 9110 `token`: one or
    /// more letters, digits and ``!#$%&'*+-.^_`|~``): what a server's parser
    /// lets through, and what an Authorization's SignedHeaders can list.
    package static func isToken(_ s: String) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { c in
            (c >= 48 && c <= 57) || ((c | 0x20) >= 97 && (c | 0x20) <= 122)
                || "!#$%&'*+-.^_`|~".utf8.contains(c)
        }
    }
}
