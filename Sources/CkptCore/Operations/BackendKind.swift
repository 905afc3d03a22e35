/// Which backend a client runs on.
package enum BackendKind: String, Sendable, CaseIterable {
    case embedded
    case remote
}
