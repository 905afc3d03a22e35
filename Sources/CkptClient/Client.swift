import CkptCore
import CkptEmbedded
import CkptRemote

/// One client: a backend chosen by the configuration, request validation in
/// front of it, and the wait helper on top.  Safe to share between threads.
package final class Client: Sendable {
    package let backend: any Backend

    /// - Parameter config: the configuration object, or nil for `{}`.
    /// - Throws: class `invalid` for a bad configuration, `storage` when the
    ///   store cannot be opened.
    package init(config: JSONValue?, environment: [String: String] = ProcessEnvironment.current()) throws(CkptError) {
        let f = try Fields(config ?? [:], path: "config", family: .cbr)
        let kind = try f.enumeration("backend", ["embedded", "remote"]) ?? "embedded"
        if kind == "remote" {
            backend = try RemoteBackendFactory.make(f.object, environment: environment)
        } else {
            backend = try EmbeddedBackend(ClientConfig.embedded(f, environment: environment))
        }
    }

    package init(backend: any Backend) {
        self.backend = backend
    }

    package func close() { backend.close() }

    package var isRemote: Bool { backend is RemoteBackend }

    /// Runs one operation by its canonical name.
    package func call(_ operation: String, _ request: JSONValue?) throws(CkptError) -> Reply {
        try call(Operation.named(operation), request ?? [:])
    }

    package func call(_ op: Operation, _ request: JSONValue) throws(CkptError) -> Reply {
        switch op {
        case .vaultCreate: return try backend.createVault(VaultCreateRequest(request))
        case .vaultGet: return try backend.getVault(id: IdRequest(request, key: "vault_id", family: .cbr).id)
        case .policyCreate: return try backend.createPolicy(PolicyCreateRequest(request))
        case .policyGet: return try backend.getPolicy(id: IdRequest(request, key: "policy_id", family: .csbs).id)
        case .checkpointCreate: return try backend.createCheckpoint(CheckpointCreateRequest(request))
        case .checkpointGet:
            return try backend.getCheckpoint(id: IdRequest(request, key: "checkpoint_id", family: .cbr).id)
        case .checkpointWait: return try wait(CheckpointWaitRequest(request))
        case .policyExecute: return try backend.executePolicy(PolicyExecuteRequest(request))
        case .policyCheckpointGet:
            let r = try IdRequest(request, key: "checkpoint_id", family: .csbs, provider: true)
            return try backend.getPolicyCheckpoint(providerId: r.providerId, id: r.id)
        case .localVaultSetStatus:
            return try backend.setVaultStatus(SetStatusRequest(request, key: "vault_id", statuses: vaultStatuses))
        case .localCheckpointSetStatus:
            return try backend.setCheckpointStatus(
                SetStatusRequest(request, key: "checkpoint_id", statuses: checkpointStatuses))
        }
    }

    /// checkpoint.wait: polls until the target status, `error`, or the
    /// deadline.  The poll interval grows from 10 ms (embedded) or 500 ms
    /// (remote) by half each time, up to 2 s, and never sleeps past the
    /// deadline; a caller's `interval_ms` fixes it instead.
    package func wait(_ r: CheckpointWaitRequest,
                      onPoll: (JSONValue, Int64) -> Void = { _, _ in }) throws(CkptError) -> Reply
    {
        let start = Clock.monotonicMs()
        let deadline = start &+ r.timeoutMs
        var interval = r.intervalMs ?? (backend is EmbeddedBackend ? 10 : 500)
        while true {
            let reply: Reply
            if let provider = r.providerId {
                reply = try backend.getPolicyCheckpoint(providerId: provider, id: r.checkpointId)
            } else {
                reply = try backend.getCheckpoint(id: r.checkpointId)
            }
            let body = reply.body
            let status = body["checkpoint"]?["status"]?.stringValue ?? ""
            let now = Clock.monotonicMs()
            onPoll(body, now &- start)
            if status == r.status { return reply }
            if status == "error" {
                var e = CkptError(.conflict, httpStatus: 0, code: "",
                                  "checkpoint \(r.checkpointId) went to status error while waiting for \(r.status)",
                                  checkpoint: body["checkpoint"])
                e.requestId = reply.requestId
                throw e
            }
            if now >= deadline {
                throw .timeout("checkpoint \(r.checkpointId) is still \(status) after \(r.timeoutMs) ms, waiting for \(r.status)",
                               checkpoint: body["checkpoint"])
            }
            Clock.sleep(ms: min(interval, deadline &- now))
            if r.intervalMs == nil { interval = min(interval &+ interval / 2, 2000) }
        }
    }
}
