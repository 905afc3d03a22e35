/// A backup's `status` (SPEC 6.3).  The cases are in the alphabetical order
/// of their names, and `code` is the position: the embedded store keeps the
/// code, so ordering by it is ordering by the name (the `sort=status` rule).
package enum BackupStatus: String, Sendable, CaseIterable {
    case available
    case deleting
    case error
    case protecting
    case restoring
    case waitingDelete = "waiting_delete"
    case waitingProtect = "waiting_protect"
    case waitingRestore = "waiting_restore"

    package var code: Int64 { Int64(Self.allCases.firstIndex(of: self) ?? 0) }

    package init?(code: Int64) {
        guard code >= 0, code < Int64(Self.allCases.count) else { return nil }
        self = Self.allCases[Int(code)]
    }

    /// A phase that ends by itself when its simulated time has passed.
    package var isTransitional: Bool { self == .protecting || self == .deleting || self == .restoring }
}
