import CkptCore

/// The embedded backend's implementation of each operation of the table:
/// one line per operation, from the parsed request to the method that runs
/// it.
extension EmbeddedBackend {
    typealias Handler = @Sendable (EmbeddedBackend, any OperationRequest) throws(CkptError) -> Reply

    static let handlers: [Operation: Handler] = [
        .vaultCreate: handler { (b, r: VaultCreateRequest) throws(CkptError) in try b.createVault(r) },
        .vaultGet: handler { (b, r: IdRequest) throws(CkptError) in try b.getVault(id: r.id) },
        .policyCreate: handler { (b, r: PolicyCreateRequest) throws(CkptError) in try b.createPolicy(r) },
        .policyGet: handler { (b, r: IdRequest) throws(CkptError) in try b.getPolicy(id: r.id) },
        .checkpointCreate: handler { (b, r: CheckpointCreateRequest) throws(CkptError) in try b.createCheckpoint(r) },
        .checkpointGet: handler { (b, r: IdRequest) throws(CkptError) in try b.getCheckpoint(id: r.id) },
        .policyExecute: handler { (b, r: PolicyExecuteRequest) throws(CkptError) in try b.executePolicy(r) },
        .policyCheckpointGet: handler { (b, r: IdRequest) throws(CkptError) in
            try b.getPolicyCheckpoint(providerId: r.providerId, id: r.id)
        },
        .localVaultSetStatus: handler { (b, r: SetStatusRequest) throws(CkptError) in try b.setVaultStatus(r) },
        .localCheckpointSetStatus: handler { (b, r: SetStatusRequest) throws(CkptError) in try b.setCheckpointStatus(r) },
        .backupList: handler { (b, r: ListRequest) throws(CkptError) in try b.listBackups(r) },
        .backupGet: handler { (b, r: IdRequest) throws(CkptError) in try b.getBackup(id: r.id) },
        .backupUpdate: handler { (b, r: BackupUpdateRequest) throws(CkptError) in try b.updateBackup(r) },
        .backupDelete: handler { (b, r: IdRequest) throws(CkptError) in try b.deleteBackup(id: r.id) },
        .backupRestore: handler { (b, r: BackupRestoreRequest) throws(CkptError) in try b.restoreBackup(r) },
        .operationLogList: handler { (b, r: ListRequest) throws(CkptError) in try b.listOperationLogs(r) },
        .operationLogGet: handler { (b, r: IdRequest) throws(CkptError) in try b.getOperationLog(id: r.id) },
        .vaultList: handler { (b, r: ListRequest) throws(CkptError) in try b.listVaults(r) },
        .vaultUpdate: handler { (b, r: VaultUpdateRequest) throws(CkptError) in try b.updateVault(r) },
        .vaultDelete: handler { (b, r: IdRequest) throws(CkptError) in try b.deleteVault(id: r.id) },
        .vaultAddResources: handler { (b, r: VaultResourcesRequest) throws(CkptError) in try b.addVaultResources(r) },
        .vaultRemoveResources: handler { (b, r: VaultResourcesRequest) throws(CkptError) in
            try b.removeVaultResources(r)
        },
        .policyCheckpointList: handler { (b, r: ListRequest) throws(CkptError) in try b.listPolicyCheckpoints(r) },
        .policyCheckpointDelete: handler { (b, r: IdRequest) throws(CkptError) in try b.deletePolicyCheckpoint(id: r.id) },
    ]

    /// A handler for requests of type `R` (what the operation's schema returns).
    private static func handler<R: OperationRequest>(
        _ run: @escaping @Sendable (EmbeddedBackend, R) throws(CkptError) -> Reply) -> Handler
    {
        { (backend, request) throws(CkptError) in
            guard let typed = request as? R else {
                throw .internalError("a request of type \(type(of: request)) reached the embedded handler for \(R.self)")
            }
            return try run(backend, typed)
        }
    }

    package func perform(_ operation: Operation, _ request: any OperationRequest) throws(CkptError) -> Reply {
        guard let handler = Self.handlers[operation] else {
            throw .argument("\(operation.name) is not an operation of the embedded backend")
        }
        return try handler(self, request)
    }
}
