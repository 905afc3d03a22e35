import CkptCore

/// Keeps secrets out of messages: every error the remote backend makes of
/// what a server said goes through `redact` first.
package enum Redaction {
    /// Replaces every occurrence of a secret in `text`.
    package static func redact(_ text: String, _ secrets: [String]) -> String {
        var out = text
        for secret in secrets where !secret.isEmpty {
            out = ByteSearch.replacingAll(secret, in: out, with: "[redacted]")
        }
        return out
    }
}
