// The exported C surface of libckpt: thin thunks that check pointers,
// convert between C and the core, and never let a Swift error or trap
// escape.  Each is the `@c @implementation` of its declaration in
// include/ckpt.h (imported through CCkptABI), so the compiler checks it
// against the hand-written prototype; nothing else is public.
import CCkptABI
import CJansson
import CkptClient
import CkptCore
#if canImport(Glibc)
import Glibc
#endif

@c @implementation public func ckpt_version() -> UnsafePointer<CChar>? {
    ckpt_abi_version_string()
}

@c @implementation public func ckpt_version_number() -> Int32 {
    ckpt_abi_version_number()
}

@c @implementation public func ckpt_strerror(_ code: Int32) -> UnsafePointer<CChar>? {
    let s: StaticString
    switch ErrorClass(rawValue: code) {
    case nil: s = code == 0 ? "ok" : "unknown"
    case .invalid?: s = "invalid"
    case .notFound?: s = "not_found"
    case .conflict?: s = "conflict"
    case .quota?: s = "quota"
    case .auth?: s = "auth"
    case .permission?: s = "permission"
    case .timeout?: s = "timeout"
    case .network?: s = "network"
    case .remote?: s = "remote"
    case .storage?: s = "storage"
    case .internal?: s = "internal"
    case .canceled?: s = "canceled"
    }
    return UnsafeRawPointer(s.utf8Start).assumingMemoryBound(to: CChar.self)
}

@c @implementation public func ckpt_free(_ p: UnsafeMutableRawPointer?) {
    free(p)
}

// MARK: - Clients

@c @implementation public func ckpt_client_open(_ config: UnsafePointer<json_t>?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: out) { () throws(CkptError) in
        guard let out else { throw .argument("out: must not be NULL") }
        let value = try config.map { (c) throws(CkptError) in try Boundary.value(c, what: "config") }
        out.pointee = Handle.make(try Client(config: value))
    }
}

@c @implementation public func ckpt_client_open_text(_ config: UnsafePointer<CChar>?, _ out: UnsafeMutablePointer<OpaquePointer?>?,
                                     _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
{
    Boundary.run(error: TextErrorSink(error), clearing: out) { () throws(CkptError) in
        guard let out else { throw .argument("out: must not be NULL") }
        let value = try config.map { (c) throws(CkptError) in try Boundary.value(c, what: "config") }
        out.pointee = Handle.make(try Client(config: value))
    }
}

@c @implementation public func ckpt_client_close(_ client: OpaquePointer?) {
    guard let client else { return }
    let c = Unmanaged<Client>.fromOpaque(UnsafeRawPointer(client)).takeRetainedValue()
    c.close()
}

// MARK: - Operations

@c @implementation public func ckpt_call(_ client: OpaquePointer?, _ operation: UnsafePointer<CChar>?, _ request: UnsafePointer<json_t>?,
                         _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                         _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, op, out) = try Boundary.callArguments(client, operation, response)
        let value = try request.map { (r) throws(CkptError) in try Boundary.value(r, what: "request", family: op.family) }
        out.pointee = try Boundary.jansson(c.call(op, value ?? [:]))
    }
}

@c @implementation public func ckpt_call_text(_ client: OpaquePointer?, _ operation: UnsafePointer<CChar>?,
                              _ request: UnsafePointer<CChar>?,
                              _ response: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                              _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
{
    Boundary.run(error: TextErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, op, out) = try Boundary.callArguments(client, operation, response)
        let value = try request.map { (r) throws(CkptError) in try Boundary.value(r, what: "request", family: op.family) }
        out.pointee = try Boundary.text(c.call(op, value ?? [:]))
    }
}

@c @implementation public func ckpt_call_ex(_ client: OpaquePointer?, _ operation: UnsafePointer<CChar>?,
                            _ request: UnsafePointer<json_t>?,
                            _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                            _ meta: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                            _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    meta?.pointee = nil
    return Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, op, out) = try Boundary.callArguments(client, operation, response)
        let value = try request.map { (r) throws(CkptError) in try Boundary.value(r, what: "request", family: op.family) }
        let reply = try c.call(op, value ?? [:])
        let body = try Boundary.jansson(reply)
        if let meta {
            guard let m = Boundary.meta(reply, c).makeJansson() else {
                json_decref(body)
                throw .internalError("out of memory building the metadata")
            }
            meta.pointee = m
        }
        out.pointee = body
    }
}

@c @implementation public func ckpt_call_text_ex(_ client: OpaquePointer?, _ operation: UnsafePointer<CChar>?,
                                 _ request: UnsafePointer<CChar>?,
                                 _ response: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                 _ meta: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                                 _ error: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32
{
    meta?.pointee = nil
    return Boundary.run(error: TextErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, op, out) = try Boundary.callArguments(client, operation, response)
        let value = try request.map { (r) throws(CkptError) in try Boundary.value(r, what: "request", family: op.family) }
        let reply = try c.call(op, value ?? [:])
        let body = try Boundary.text(reply)
        if let meta {
            do throws(CkptError) {
                meta.pointee = try Boundary.text(Boundary.meta(reply, c))
            } catch {
                free(body)
                throw error
            }
        }
        out.pointee = body
    }
}

// MARK: - Typed conveniences

@c @implementation public func ckpt_checkpoint_create(_ client: OpaquePointer?, _ vaultId: UnsafePointer<CChar>?,
                                      _ parameters: UnsafePointer<json_t>?,
                                      _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                      _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, out) = try Boundary.typedArguments(client, response)
        var body: JSONObject = ["vault_id": .string(try Boundary.string(vaultId, what: "vault_id"))]
        if let parameters { body["parameters"] = try Boundary.value(parameters, what: "parameters") }
        out.pointee = try Boundary.jansson(c.call(.checkpointCreate, ["checkpoint": .object(body)]))
    }
}

@c @implementation public func ckpt_checkpoint_get(_ client: OpaquePointer?, _ checkpointId: UnsafePointer<CChar>?,
                                   _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                   _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, out) = try Boundary.typedArguments(client, response)
        let id = try Boundary.string(checkpointId, what: "checkpoint_id")
        out.pointee = try Boundary.jansson(c.call(.checkpointGet, ["checkpoint_id": .string(id)]))
    }
}

@c @implementation public func ckpt_checkpoint_wait(_ client: OpaquePointer?, _ checkpointId: UnsafePointer<CChar>?,
                                    _ status: UnsafePointer<CChar>?, _ timeoutMs: Int64,
                                    _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                    _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, out) = try Boundary.typedArguments(client, response)
        var body: JSONObject = [
            "checkpoint_id": .string(try Boundary.string(checkpointId, what: "checkpoint_id")),
            "timeout_ms": .int(timeoutMs),
        ]
        if let status { body["status"] = .string(try Boundary.string(status, what: "status")) }
        out.pointee = try Boundary.jansson(c.call(.checkpointWait, .object(body)))
    }
}

@c @implementation public func ckpt_policy_execute(_ client: OpaquePointer?, _ planId: UnsafePointer<CChar>?,
                                   _ parameters: UnsafePointer<json_t>?,
                                   _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                   _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, out) = try Boundary.typedArguments(client, response, family: .csbs)
        let plan = try Boundary.string(planId, what: "plan_id", family: .csbs)
        let params = try parameters.map { (p) throws(CkptError) in
            try Boundary.value(p, what: "parameters", family: .csbs)
        } ?? [:]
        let body: JSONValue = ["checkpoint": ["plan_id": .string(plan), "parameters": params]]
        out.pointee = try Boundary.jansson(c.call(.policyExecute, body))
    }
}

// MARK: - The lifecycle (1.1)

@c @implementation public func ckpt_checkpoint_wait_ex(_ client: OpaquePointer?, _ checkpointId: UnsafePointer<CChar>?,
                                                       _ status: UnsafePointer<CChar>?, _ timeoutMs: Int64,
                                                       _ progress: ckpt_progress_fn?, _ user: UnsafeMutableRawPointer?,
                                                       _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                                       _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, out) = try Boundary.typedArguments(client, response)
        var body: JSONObject = [
            "checkpoint_id": .string(try Boundary.string(checkpointId, what: "checkpoint_id")),
            "timeout_ms": .int(timeoutMs),
        ]
        if let status { body["status"] = .string(try Boundary.string(status, what: "status")) }
        let request = try CheckpointWaitRequest(.object(body))
        let reply = try c.wait(request, progress: Boundary.progress(progress, user, member: "checkpoint"))
        out.pointee = try Boundary.jansson(reply)
    }
}

@c @implementation public func ckpt_backup_list(_ client: OpaquePointer?, _ filters: UnsafePointer<json_t>?,
                                                _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                                _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    listPage(.backupList, client, filters, response, error)
}

@c @implementation public func ckpt_backup_get(_ client: OpaquePointer?, _ backupId: UnsafePointer<CChar>?,
                                               _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                               _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, out) = try Boundary.typedArguments(client, response)
        let id = try Boundary.string(backupId, what: "backup_id")
        out.pointee = try Boundary.jansson(c.call(.backupGet, ["backup_id": .string(id)]))
    }
}

@c @implementation public func ckpt_backup_delete(_ client: OpaquePointer?, _ backupId: UnsafePointer<CChar>?,
                                                  _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    startDelete(.backupDelete, "backup_id", client, backupId, error)
}

@c @implementation public func ckpt_backup_restore(_ client: OpaquePointer?, _ backupId: UnsafePointer<CChar>?,
                                                   _ restore: UnsafePointer<json_t>?,
                                                   _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                                   _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, out) = try Boundary.typedArguments(client, response)
        let id = try Boundary.string(backupId, what: "backup_id")
        guard let restore else { throw .argument("restore: must not be NULL") }
        let body = try Boundary.value(restore, what: "restore")
        out.pointee = try Boundary.jansson(c.call(.backupRestore, ["backup_id": .string(id), "restore": body]))
    }
}

@c @implementation public func ckpt_operation_log_wait(_ client: OpaquePointer?, _ operationLogId: UnsafePointer<CChar>?,
                                                       _ timeoutMs: Int64,
                                                       _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                                       _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, out) = try Boundary.typedArguments(client, response)
        let id = try Boundary.string(operationLogId, what: "operation_log_id")
        out.pointee = try Boundary.jansson(c.call(.operationLogWait, ["operation_log_id": .string(id),
                                                                      "timeout_ms": .int(timeoutMs)]))
    }
}

@c @implementation public func ckpt_backup_prune(_ client: OpaquePointer?, _ request: UnsafePointer<json_t>?,
                                                 _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                                 _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, out) = try Boundary.typedArguments(client, response)
        guard let request else { throw .argument("request: must not be NULL") }
        out.pointee = try Boundary.jansson(c.call(.backupPrune, try Boundary.value(request, what: "request")))
    }
}

@c @implementation public func ckpt_vault_list(_ client: OpaquePointer?, _ filters: UnsafePointer<json_t>?,
                                                _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                                                _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    listPage(.vaultList, client, filters, response, error)
}

@c @implementation public func ckpt_vault_delete(_ client: OpaquePointer?, _ vaultId: UnsafePointer<CChar>?,
                                                  _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    startDelete(.vaultDelete, "vault_id", client, vaultId, error)
}

// MARK: - Shared by the conveniences

/// A list operation: `filters` (NULL: none) is its request.
private func listPage(_ op: Operation, _ client: OpaquePointer?, _ filters: UnsafePointer<json_t>?,
                      _ response: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?,
                      _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: response) { () throws(CkptError) in
        let (c, out) = try Boundary.typedArguments(client, response)
        let request = try filters.map { (f) throws(CkptError) in try Boundary.value(f, what: "filters") } ?? [:]
        if request.objectValue == nil { throw .argument("filters: expected object, got \(request.typeName)") }
        out.pointee = try Boundary.jansson(c.call(op, request))
    }
}

/// A delete by id, which answers nothing.
private func startDelete(_ op: Operation, _ key: String, _ client: OpaquePointer?, _ id: UnsafePointer<CChar>?,
                         _ error: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) -> Int32
{
    Boundary.run(error: JSONErrorSink(error), clearing: Optional<UnsafeMutablePointer<OpaquePointer?>>.none) {
        () throws(CkptError) in
        guard let client else { throw .argument("client: must not be NULL") }
        let value = try Boundary.string(id, what: key)
        _ = try Handle.client(client).call(op, [key: .string(value)])
    }
}
