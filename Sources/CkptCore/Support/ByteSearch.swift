/// Substring search on UTF-8 bytes.  String's own `contains(_:)` and
/// `replacing(_:with:)` compare Characters, so a secret followed by a
/// combining mark is not found (fuzz/regressions/service_error); and they
/// belong to _StringProcessing, which would link the Regex engine into
/// libckpt.so (a megabyte; `make check-exports` refuses it).
package enum ByteSearch {
    /// The offsets in `text` where `needle` starts, left to right and not
    /// overlapping; none for an empty needle.
    package static func offsets(of needle: [UInt8], in text: [UInt8]) -> [Int] {
        guard !needle.isEmpty, text.count >= needle.count else { return [] }
        var found: [Int] = []
        var i = 0
        while i <= text.count - needle.count {
            if text[i] == needle[0] && text[i..<(i + needle.count)].elementsEqual(needle) {
                found.append(i)
                i += needle.count
            } else {
                i += 1
            }
        }
        return found
    }

    /// Whether `text` holds `needle` (an empty needle is not held).
    package static func contains(_ text: String, _ needle: String) -> Bool {
        !offsets(of: Array(needle.utf8), in: Array(text.utf8)).isEmpty
    }

    /// `text` with every occurrence of `needle` replaced.
    package static func replacingAll(_ needle: String, in text: String, with replacement: String) -> String {
        let n = Array(needle.utf8), t = Array(text.utf8)
        let at = offsets(of: n, in: t)
        guard !at.isEmpty else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(t.count)
        var from = 0
        for start in at {
            out.append(contentsOf: t[from..<start])
            out.append(contentsOf: replacement.utf8)
            from = start + n.count
        }
        out.append(contentsOf: t[from...])
        return String(decoding: out, as: UTF8.self)
    }
}
