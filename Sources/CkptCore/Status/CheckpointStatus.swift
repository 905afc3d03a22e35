/// A checkpoint's `status`: the v3 enumeration (`available`, `deleting`,
/// `creating`, `restoring`, `error`) plus `protecting`, the status of a
/// fresh checkpoint in the documents' example (SPEC section 1).  The v1
/// checkpoints use `protecting`, `available`, `deleting` and `error`.
package enum CheckpointStatus: String, Sendable, CaseIterable {
    case available
    case deleting
    case creating
    case restoring
    case error
    case protecting
}
