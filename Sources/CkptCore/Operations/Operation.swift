/// Every operation has one canonical name, shared by C, Python, the CLI and
/// the emulator server (SPEC section 1).
package enum Operation: String, Sendable, CaseIterable {
    case vaultCreate = "vault.create"
    case vaultGet = "vault.get"
    case policyCreate = "policy.create"
    case policyGet = "policy.get"
    case checkpointCreate = "checkpoint.create"
    case checkpointGet = "checkpoint.get"
    case checkpointWait = "checkpoint.wait"
    case policyExecute = "policy.execute"
    case policyCheckpointGet = "policy.checkpoint_get"
    // Local test controls of the embedded backend.
    case localVaultSetStatus = "local.vault.set_status"
    case localCheckpointSetStatus = "local.checkpoint.set_status"

    /// The API family, which picks the error-code prefix of 9900-style errors.
    package var family: APIFamily {
        switch self {
        case .policyCreate, .policyGet, .policyExecute, .policyCheckpointGet: return .csbs
        default: return .cbr
        }
    }

    package var isLocalControl: Bool {
        self == .localVaultSetStatus || self == .localCheckpointSetStatus
    }

    /// Parses a canonical name; an unknown one is a 9900 naming it.
    package static func named(_ name: String) throws(CkptError) -> Operation {
        guard let op = Operation(rawValue: name) else {
            let known = Operation.allCases.map(\.rawValue).joined(separator: ", ")
            throw .argument("unknown operation \"\(clipped(name))\"; expected one of: \(known)")
        }
        return op
    }
}

/// The fixed CSBS provider id (seeds 002, 003).
package let csbsProviderId = "fc4d5750-22e7-4798-8a46-f48f62c4c1da"
