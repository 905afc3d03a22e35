import CkptCore

/// Parsed documents by key, each with the text it was parsed from, so that
/// a document another handle or process has rewritten since (a vault
/// update) is parsed again, never served stale.  Bounded so a handle that
/// touches many vaults does not grow without end.  Used under the
/// backend's lock.
final class DocumentCache {
    private var entries: [String: (text: String, value: JSONValue)] = [:]
    private let capacity = 1024

    /// The parsed document for `key` if it was parsed from `text`.
    func value(_ key: String, text: String) -> JSONValue? {
        guard let e = entries[key], e.text == text else { return nil }
        return e.value
    }

    func store(_ key: String, text: String, _ value: JSONValue) {
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = (text, value)
    }
}
