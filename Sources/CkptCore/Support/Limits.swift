import CCkptABI

/// Limits on what crosses the boundary: the CKPT_MAX_* macros of
/// include/ckpt.h, where they are written once.
package enum Limits {
    package static let maxRequestBytes = Int(CKPT_MAX_REQUEST_BYTES)
    package static let maxDepth = Int(CKPT_MAX_DEPTH)
    package static let maxNodes = Int(CKPT_MAX_VALUES)
    package static let maxNameLength = Int(CKPT_MAX_NAME_LENGTH)
    package static let maxDescriptionLength = Int(CKPT_MAX_DESCRIPTION_LENGTH)
    package static let maxResources = Int(CKPT_MAX_RESOURCES)
}
