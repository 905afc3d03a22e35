/// A resource's `protect_status` in a checkpoint or a vault: `protecting`
/// while its backup runs, then `available` or `error`.
package enum ProtectStatus: String, Sendable, CaseIterable {
    case available
    case error
    case protecting
    case restoring
    case removing
}
