/// A vault's status, CBR's `billing.status` (SPEC section 2): only
/// `available` accepts a backup.
package enum VaultStatus: String, Sendable, CaseIterable {
    case available
    case lock
    case frozen
    case deleting
    case error
}
