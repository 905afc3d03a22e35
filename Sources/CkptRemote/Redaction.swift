/// Keeps secrets out of messages: every error the remote backend makes of
/// what a server said goes through `redact` first.
package enum Redaction {
    /// Every occurrence of `needle` in `text` replaced, on UTF-8 bytes.
    /// (String's own `replacing(_:with:)` would link the regex engine: 1 MB.)
    static func replacingAll(_ needle: String, in text: String, with replacement: String) -> String {
        let n = Array(needle.utf8), t = Array(text.utf8)
        guard !n.isEmpty, t.count >= n.count else { return text }
        var out: [UInt8] = []
        out.reserveCapacity(t.count)
        var i = 0
        var found = false
        while i < t.count {
            if i + n.count <= t.count && t[i] == n[0] && t[i..<(i + n.count)].elementsEqual(n) {
                out.append(contentsOf: replacement.utf8)
                i += n.count
                found = true
            } else {
                out.append(t[i])
                i += 1
            }
        }
        return found ? String(decoding: out, as: UTF8.self) : text
    }

    /// Replaces every occurrence of a secret in `text`.
    package static func redact(_ text: String, _ secrets: [String]) -> String {
        var out = text
        for secret in secrets where !secret.isEmpty {
            out = replacingAll(secret, in: out, with: "[redacted]")
        }
        return out
    }
}
