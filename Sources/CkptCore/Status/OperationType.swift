/// An operation log's `operation_type` (SPEC 6.3), in alphabetical order;
/// `code` as in `BackupStatus`.  The service also lists `copy`,
/// `replication` and `sync`, which nothing here produces; a filter on them
/// is accepted and matches nothing.
package enum OperationType: String, Sendable, CaseIterable {
    case backup
    case copy
    case delete
    case removeResource = "remove_resource"
    case replication
    case restore
    case sync
    case vaultDelete = "vault_delete"

    package var code: Int64 { Int64(Self.allCases.firstIndex(of: self) ?? 0) }

    package init?(code: Int64) {
        guard code >= 0, code < Int64(Self.allCases.count) else { return nil }
        self = Self.allCases[Int(code)]
    }
}
