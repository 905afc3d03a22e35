import CkptCore

/// The waits (checkpoint.wait, backup.wait, operation_log.wait): each polls
/// its `get` twin, with the same timing rules.
extension Client {
    /// Called after every poll with the object polled (`checkpoint`,
    /// `backup` or `operation_log`) and the milliseconds since the wait
    /// began; answering false stops the wait with class `canceled`.
    package typealias Progress = (JSONValue, Int64) -> Bool

    /// What one poll decided.
    enum Poll {
        /// Reached: answer this.
        case reached(Reply)
        /// Went where it cannot come back from.
        case failed(CkptError)
        /// Not yet: the status it is in, for the timeout's message.
        case pending(String)
    }

    /// Polls `step` until it decides, `timing.timeoutMs` passes (class
    /// `timeout`, carrying the last object seen as `subject`), or `progress`
    /// cancels.  The interval grows from 10 ms (embedded) or 500 ms (remote)
    /// by half each time, up to 2 s, and never sleeps past the deadline; a
    /// caller's `interval_ms` fixes it instead.
    func poll(_ timing: WaitTiming, subject: String, what: String, target: String?, progress: Progress,
              _ step: () throws(CkptError) -> (JSONValue?, Poll)) throws(CkptError) -> Reply
    {
        let start = Clock.monotonicMs()
        let deadline = start &+ timing.timeoutMs
        var interval = timing.intervalMs ?? (backend.kind == .embedded ? 10 : 500)
        while true {
            let (seen, verdict) = try step()
            let now = Clock.monotonicMs()
            if let seen, !progress(seen, now &- start) {
                throw CkptError(.canceled, httpStatus: 0, code: "", "the wait for \(what) was canceled by its caller")
                    .with(subject, seen)
            }
            switch verdict {
            case .reached(let reply): return reply
            case .failed(let e): throw e
            case .pending(let status):
                if now >= deadline {
                    let waiting = target.map { ", waiting for \($0)" } ?? ""
                    throw CkptError.timeout("\(what) is still \(status) after \(timing.timeoutMs) ms\(waiting)")
                        .with(subject, seen)
                }
            }
            Clock.sleep(ms: min(interval, deadline &- now))
            if timing.intervalMs == nil { interval = min(interval &+ interval / 2, 2000) }
        }
    }

    /// checkpoint.wait: until the status, `error`, or the deadline.
    package func wait(_ r: CheckpointWaitRequest,
                      onPoll: (JSONValue, Int64) -> Void = { _, _ in }) throws(CkptError) -> Reply
    {
        try wait(r, progress: { body, ms in onPoll(body, ms); return true })
    }

    /// checkpoint.wait with a progress callback that receives the whole
    /// `{"checkpoint": ...}` body and may cancel.
    package func wait(_ r: CheckpointWaitRequest, progress: Progress) throws(CkptError) -> Reply {
        let get: (Operation, IdRequest) = r.providerId.map {
            (.policyCheckpointGet, IdRequest(ids: [("provider_id", $0), ("checkpoint_id", r.checkpointId)]))
        } ?? (.checkpointGet, IdRequest(ids: [("checkpoint_id", r.checkpointId)]))
        let what = "checkpoint \(r.checkpointId)"
        return try poll(r.timing, subject: "checkpoint", what: what, target: r.status.rawValue, progress: { body, ms in
            progress(["checkpoint": body], ms)
        }) { () throws(CkptError) -> (JSONValue?, Poll) in
            let reply = try backend.perform(get.0, get.1)
            let checkpoint = reply.body["checkpoint"]
            let status = checkpoint?["status"]?.stringValue ?? ""
            if status == r.status.rawValue { return (checkpoint, .reached(reply)) }
            if status == CheckpointStatus.error.rawValue {
                var e = CkptError(.conflict, httpStatus: 0, code: "",
                                  "\(what) went to status error while waiting for \(r.status.rawValue)")
                e.requestId = reply.requestId
                return (checkpoint, .failed(e.with("checkpoint", checkpoint)))
            }
            return (checkpoint, .pending(status))
        }
    }

    /// backup.wait: until the status (`deleted`: until it is gone), `error`,
    /// or the deadline.  Answers `{"backup": ...}`; for `deleted`, the last
    /// backup seen with its status `deleted`.
    package func wait(_ r: BackupWaitRequest, progress: Progress = { _, _ in true }) throws(CkptError) -> Reply {
        let get = IdRequest(ids: [("backup_id", r.backupId)])
        let what = "backup \(r.backupId)"
        var last: JSONValue = ["id": .string(r.backupId)]
        return try poll(r.timing, subject: "backup", what: what, target: r.status, progress: { body, ms in
            progress(["backup": body], ms)
        }) { () throws(CkptError) -> (JSONValue?, Poll) in
            let reply: Reply
            do throws(CkptError) {
                reply = try backend.perform(.backupGet, get)
            } catch where error.errorClass == .notFound && r.status == BackupWaitRequest.deleted {
                guard case .object(var gone) = last else { return (nil, .reached(Reply(["backup": last]))) }
                gone["status"] = .string(BackupWaitRequest.deleted)
                return (.object(gone), .reached(Reply(["backup": .object(gone)])))
            }
            let backup = reply.body["backup"] ?? [:]
            last = backup
            let status = backup["status"]?.stringValue ?? ""
            if status == r.status { return (backup, .reached(reply)) }
            if status == BackupStatus.error.rawValue {
                var e = CkptError(.conflict, httpStatus: 0, code: "",
                                  "\(what) went to status error while waiting for \(r.status)")
                e.requestId = reply.requestId
                return (backup, .failed(e.with("backup", backup)))
            }
            return (backup, .pending(status))
        }
    }

    /// operation_log.wait: until `success` (the log), `failed`, `timeout`
    /// or `skipped` (class `conflict`, carrying the log), or the deadline.
    package func wait(_ r: OperationLogWaitRequest, progress: Progress = { _, _ in true }) throws(CkptError) -> Reply {
        let get = IdRequest(ids: [("operation_log_id", r.operationLogId)])
        let what = "task \(r.operationLogId)"
        return try poll(r.timing, subject: "operation_log", what: what, target: nil, progress: { body, ms in
            progress(["operation_log": body], ms)
        }) { () throws(CkptError) -> (JSONValue?, Poll) in
            let reply = try backend.perform(.operationLogGet, get)
            let log = reply.body["operation_log"] ?? [:]
            let status = log["status"]?.stringValue ?? ""
            switch OperationLogStatus(rawValue: status) {
            case .success?:
                return (log, .reached(reply))
            case .failed?, .timeout?, .skipped?:
                let info = log["error_info"]
                let detail = info?["code"]?.stringValue.map { $0.isEmpty ? "" : " (\($0): \(info?["message"]?.stringValue ?? ""))" } ?? ""
                var e = CkptError(.conflict, httpStatus: 0, code: "", "\(what) ended \(status)\(detail)")
                e.requestId = reply.requestId
                return (log, .failed(e.with("operation_log", log)))
            default:
                let progress = log["extra_info"]?["common"]?["progress"]?.intValue.map { ", \($0)%" } ?? ""
                return (log, .pending("\(status)\(progress)"))
            }
        }
    }
}
