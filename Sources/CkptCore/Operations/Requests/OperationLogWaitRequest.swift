/// operation_log.wait: `{"operation_log_id", "timeout_ms", "interval_ms"}`:
/// until the task ends.
package struct OperationLogWaitRequest: OperationRequest, Equatable {
    package var operationLogId: String
    package var timing: WaitTiming

    package init(_ request: JSONValue) throws(CkptError) {
        let f = try Fields(request, path: "", family: .cbr)
        try f.only(WaitTiming.names + ["operation_log_id"])
        guard let id = try f.uuid("operation_log_id", required: true) else { throw .internalError("unreachable") }
        operationLogId = id
        timing = try WaitTiming(f)
    }
}
