import CkptCore

extension Client {
    /// checkpoint.wait: polls until the target status, `error`, or the
    /// deadline.  The poll interval grows from 10 ms (embedded) or 500 ms
    /// (remote) by half each time, up to 2 s, and never sleeps past the
    /// deadline; a caller's `interval_ms` fixes it instead.
    package func wait(_ r: CheckpointWaitRequest,
                      onPoll: (JSONValue, Int64) -> Void = { _, _ in }) throws(CkptError) -> Reply
    {
        let start = Clock.monotonicMs()
        let deadline = start &+ r.timeoutMs
        var interval = r.intervalMs ?? (backend.kind == .embedded ? 10 : 500)
        let get: (Operation, IdRequest) = r.providerId.map {
            (.policyCheckpointGet, IdRequest(ids: [("provider_id", $0), ("checkpoint_id", r.checkpointId)]))
        } ?? (.checkpointGet, IdRequest(ids: [("checkpoint_id", r.checkpointId)]))
        while true {
            let reply = try backend.perform(get.0, get.1)
            let body = reply.body
            let status = body["checkpoint"]?["status"]?.stringValue ?? ""
            let now = Clock.monotonicMs()
            onPoll(body, now &- start)
            if status == r.status.rawValue { return reply }
            if status == CheckpointStatus.error.rawValue {
                var e = CkptError(.conflict, httpStatus: 0, code: "",
                                  "checkpoint \(r.checkpointId) went to status error while waiting for \(r.status.rawValue)",
                                  checkpoint: body["checkpoint"])
                e.requestId = reply.requestId
                throw e
            }
            if now >= deadline {
                throw .timeout("checkpoint \(r.checkpointId) is still \(status) after \(r.timeoutMs) ms, waiting for \(r.status.rawValue)",
                               checkpoint: body["checkpoint"])
            }
            Clock.sleep(ms: min(interval, deadline &- now))
            if r.intervalMs == nil { interval = min(interval &+ interval / 2, 2000) }
        }
    }
}
