import CkptCore
import CkptRemote

/// The vault statuses, as the tests name them.
let vaultStatuses = VaultStatus.allCases.map(\.rawValue)

/// One method per operation, for the tests: each is `perform` with the
/// operation of the table, as the client calls it.
extension RemoteBackend {
    func createVault(_ r: VaultCreateRequest) throws(CkptError) -> Reply { try perform(.vaultCreate, r) }
    func getVault(id: String) throws(CkptError) -> Reply { try perform(.vaultGet, IdRequest(ids: [("vault_id", id)])) }
    func createPolicy(_ r: PolicyCreateRequest) throws(CkptError) -> Reply { try perform(.policyCreate, r) }
    func getPolicy(id: String) throws(CkptError) -> Reply { try perform(.policyGet, IdRequest(ids: [("policy_id", id)])) }
    func createCheckpoint(_ r: CheckpointCreateRequest) throws(CkptError) -> Reply { try perform(.checkpointCreate, r) }
    func getCheckpoint(id: String) throws(CkptError) -> Reply {
        try perform(.checkpointGet, IdRequest(ids: [("checkpoint_id", id)]))
    }
    func executePolicy(_ r: PolicyExecuteRequest) throws(CkptError) -> Reply { try perform(.policyExecute, r) }
    func getPolicyCheckpoint(providerId: String, id: String) throws(CkptError) -> Reply {
        try perform(.policyCheckpointGet, IdRequest(ids: [("provider_id", providerId), ("checkpoint_id", id)]))
    }
    func setVaultStatus(_ r: SetStatusRequest) throws(CkptError) -> Reply { try perform(.localVaultSetStatus, r) }
    func setCheckpointStatus(_ r: SetStatusRequest) throws(CkptError) -> Reply { try perform(.localCheckpointSetStatus, r) }
}
