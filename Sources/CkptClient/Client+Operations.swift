import CkptCore

/// libckpt's own operations (kind `client` in the table): they run here,
/// over the backend's operations, so they work on either backend.
extension Client {
    typealias Implementation = @Sendable (Client, any OperationRequest) throws(CkptError) -> Reply

    static let operations: [Operation: Implementation] = [
        .checkpointWait: implementation { (c, r: CheckpointWaitRequest) throws(CkptError) in try c.wait(r) },
        .backupWait: implementation { (c, r: BackupWaitRequest) throws(CkptError) in try c.wait(r) },
        .operationLogWait: implementation { (c, r: OperationLogWaitRequest) throws(CkptError) in try c.wait(r) },
        .backupPrune: implementation { (c, r: BackupPruneRequest) throws(CkptError) in try c.prune(r) },
    ]

    private static func implementation<R: OperationRequest>(
        _ run: @escaping @Sendable (Client, R) throws(CkptError) -> Reply) -> Implementation
    {
        { (client, request) throws(CkptError) in
            guard let typed = request as? R else {
                throw .internalError("a request of type \(type(of: request)) reached the client's \(R.self) operation")
            }
            return try run(client, typed)
        }
    }
}
