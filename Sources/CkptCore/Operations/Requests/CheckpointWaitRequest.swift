/// checkpoint.wait: `{"checkpoint_id", "status", "timeout_ms", "interval_ms", "provider_id"}`.
package struct CheckpointWaitRequest: OperationRequest, Equatable {
    package var checkpointId: String
    package var status: CheckpointStatus
    package var timeoutMs: Int64
    package var intervalMs: Int64?
    /// Present: wait on a v1 checkpoint through policy.checkpoint_get.
    package var providerId: String?

    package static let defaultTimeoutMs: Int64 = 60_000
    package static let maxTimeoutMs: Int64 = 86_400_000

    package init(_ request: JSONValue) throws(CkptError) {
        // Waiting on a v1 checkpoint speaks CSBS's codes.
        let f = try Fields(request, path: "", family: request["provider_id"] == nil ? .cbr : .csbs)
        try f.only(["checkpoint_id", "status", "timeout_ms", "interval_ms", "provider_id"])
        guard let id = try f.uuid("checkpoint_id", required: true) else { throw .internalError("unreachable") }
        checkpointId = id
        status = try f.enumeration("status", CheckpointStatus.self) ?? .available
        timeoutMs = try f.int("timeout_ms", in: 0...Self.maxTimeoutMs) ?? Self.defaultTimeoutMs
        intervalMs = try f.int("interval_ms", in: 1...60_000)
        providerId = f.object["provider_id"] == nil ? nil : try ProviderId.read(f)
    }
}
