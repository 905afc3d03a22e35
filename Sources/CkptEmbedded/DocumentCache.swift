import CkptCore

/// Parsed documents by key, bounded so a handle that touches many vaults
/// does not grow without end.  Used under the backend's lock.
final class DocumentCache {
    private var entries: [String: JSONValue] = [:]
    private let capacity = 1024

    subscript(key: String) -> JSONValue? {
        get { entries[key] }
        set {
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = newValue
        }
    }
}
