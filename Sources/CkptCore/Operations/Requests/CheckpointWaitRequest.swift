/// checkpoint.wait: `{"checkpoint_id", "status", "timeout_ms", "interval_ms", "provider_id"}`.
package struct CheckpointWaitRequest: OperationRequest, Equatable {
    package var checkpointId: String
    package var status: CheckpointStatus
    package var timeoutMs: Int64
    package var intervalMs: Int64?
    /// Present: wait on a v1 checkpoint through policy.checkpoint_get.
    package var providerId: String?

    package static let defaultTimeoutMs = WaitTiming.defaultTimeoutMs
    package static let maxTimeoutMs = WaitTiming.maxTimeoutMs

    package var timing: WaitTiming { WaitTiming(timeoutMs: timeoutMs, intervalMs: intervalMs) }

    package init(_ request: JSONValue) throws(CkptError) {
        // Waiting on a v1 checkpoint speaks CSBS's codes.
        let f = try Fields(request, path: "", family: request["provider_id"] == nil ? .cbr : .csbs)
        try f.only(["checkpoint_id", "status", "timeout_ms", "interval_ms", "provider_id"])
        guard let id = try f.uuid("checkpoint_id", required: true) else { throw .internalError("unreachable") }
        checkpointId = id
        status = try f.enumeration("status", CheckpointStatus.self) ?? .available
        let timing = try WaitTiming(f)
        timeoutMs = timing.timeoutMs
        intervalMs = timing.intervalMs
        providerId = f.object["provider_id"] == nil ? nil : try ProviderId.read(f)
    }
}
