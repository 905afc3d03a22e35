// Fuzz target: every operation's request path, through ckpt_call_text (and,
// when the first byte's high bit is set and the request parses, ckpt_call).
//
// Input: byte 0 picks the operation (low 7 bits, modulo the list below:
// every canonical name, the local.* controls, and unknown names); the rest is
// the request text.  Each input runs on a fresh ":memory:" embedded client,
// so every input is reproducible on its own.  So that a request can reach the
// rules and not only the schema check, the tokens @V @F @C @E @P @K in the
// request are replaced by the ids of these fixtures (created only when the
// request names them; @B and @L make @C too):
//   @V  vault "available" (resources R1 10 GB, R2 5 GB, RF 1 GB; 100 GB)
//   @F  vault "frozen" (resource R3)
//   @C  v3 checkpoint of @V, "available" (R1)
//   @E  v3 checkpoint of @V, "error" (RF is in simulate.fail_resources)
//   @P  policy (R1, R2)
//   @K  v1 checkpoint of @P
//   @B  a backup of @C;  @L  a task (operation log)
// R1 = 94eba8b2-acc9-4d82-badc-127144cc5526, R2 = 3b5816b5-f29c-4172-9d9a-76c719a659ce,
// RF = 8b0851a8-adf3-4f4c-a914-dead08bf9664, R3 = 0a1b2c3d-0000-4000-8000-000000000003.
// checkpoint.wait's timeout_ms is capped at 5 ms (and set when absent) when
// the request parses, so a wait for a status that never comes cannot stall.
//
// Properties checked:
//   - the return value is 0 or one of the classes the embedded backend can
//     produce for that operation (never storage or internal on ":memory:",
//     never auth/permission/network/remote, timeout only for checkpoint.wait);
//   - success: a JSON object response whose top-level member is the
//     operation's ("vault", "policy", "checkpoint"), and no error object;
//     failure: no response, and a well-formed error object (code == rc);
//   - what a create returns reads back equal (vault.get, policy.get) or by
//     id (checkpoint.get, policy.checkpoint_get).
import CJansson
import CCkptABI
import CkptCore
import Ckpt
#if canImport(Glibc)
import Glibc
#endif

/// The operation table's names, in its order (fuzz/make_seeds.py writes
/// byte 0 in the same order; a test keeps the two in step), then names that
/// are not operations.
private let operations = Operation.all.map(\.name) + ["bogus.operation", "", "vault.get ", "VAULT.GET"]

private let r1 = "94eba8b2-acc9-4d82-badc-127144cc5526"
private let r2 = "3b5816b5-f29c-4172-9d9a-76c719a659ce"
private let rf = "8b0851a8-adf3-4f4c-a914-dead08bf9664"
private let r3 = "0a1b2c3d-0000-4000-8000-000000000003"

private let config = """
{"path":":memory:","durability":"normal","simulate":{"fail_resources":["\(rf)"]}}
"""

/// Runs one call, returning (rc, response, error text).
private func call(_ client: OpaquePointer, _ op: String, _ request: [UInt8]) -> (Int32, [UInt8]?, [UInt8]?) {
    var response: UnsafeMutablePointer<CChar>?
    var error: UnsafeMutablePointer<CChar>?
    let rc = withCString(request) { ckpt_call_text(client, op, $0, &response, &error) }
    defer { ckpt_free(response); ckpt_free(error) }
    func bytes(_ p: UnsafeMutablePointer<CChar>?) -> [UInt8]? {
        p.map { Array(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: strlen($0))) }
    }
    return (rc, bytes(response), bytes(error))
}

/// A fixture call that must succeed; returns `member.id` of its response.
private func fixture(_ client: OpaquePointer, _ op: String, _ request: String, _ member: String) -> String {
    let (rc, response, error) = call(client, op, Array(request.utf8))
    guard rc == 0, let response else {
        finding("fixture \(op) failed (\(rc))", String(decoding: error ?? [], as: UTF8.self))
    }
    let j = withCString(response) { json_loads($0, 0, nil) }!
    defer { json_decref(j) }
    return String(cString: json_string_value(json_object_get(json_object_get(j, member), "id")))
}

/// checkpoint.wait: cap timeout_ms at 5 (keys read up to a NUL, as the
/// library reads them); unchanged when the text does not parse.
private func capWait(_ request: [UInt8]) -> [UInt8] {
    guard let root = withCString(request, { parseLikeLibrary($0) }) else { return request }
    defer { json_decref(root) }
    guard jsonType(root) == JSON_OBJECT else { return request }
    let members = membersNamed(root, "timeout_ms")
    var changed = false
    if members.isEmpty {
        json_object_set_new(root, "timeout_ms", json_integer(5))
        changed = true
    }
    for it in members {
        let v = json_object_iter_value(it)!
        if jsonType(v) == JSON_INTEGER && json_integer_value(v) > 5 {
            json_object_iter_set_new(root, it, json_integer(5))
            changed = true
        }
    }
    guard changed, let text = dumpJSON(root) else { return request }
    return text
}

private func parseObject(_ bytes: [UInt8], _ what: String) -> UnsafeMutablePointer<json_t> {
    guard let j = withCString(bytes, { json_loads($0, 0, nil) }) else {
        finding("\(what) is not JSON", String(decoding: bytes, as: UTF8.self))
    }
    require(jsonType(j) == JSON_OBJECT, "\(what) is not a JSON object", String(decoding: bytes, as: UTF8.self))
    return j
}

private func expectedMember(_ op: String) -> String? {
    switch op {
    case "vault.create", "vault.get", "local.vault.set_status": return "vault"
    case "policy.create", "policy.get": return "policy"
    case "checkpoint.create", "checkpoint.get", "checkpoint.wait", "policy.execute", "policy.checkpoint_get",
         "local.checkpoint.set_status": return "checkpoint"
    case "backup.list": return "backups"
    case "backup.get", "backup.update", "backup.wait": return "backup"
    case "backup.restore": return "job_id"
    case "operation_log.list": return "operation_logs"
    case "operation_log.get", "operation_log.wait": return "operation_log"
    case "backup.prune": return "keep"
    default: return nil
    }
}

private let waits: Set<String> = ["checkpoint.wait", "backup.wait", "operation_log.wait"]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzBytes(data, size)
    guard let selector = input.first else { return 0 }
    let op = operations[Int(selector & 0x7f) % operations.count]
    let useJSON = selector & 0x80 != 0
    var request = Array(input.dropFirst())
    if let nul = request.firstIndex(of: 0) { request.removeSubrange(nul...) }

    var client: OpaquePointer?
    var openError: UnsafeMutablePointer<CChar>?
    guard ckpt_client_open_text(config, &client, &openError) == 0, let client else {
        finding("cannot open the :memory: client", text(openError))
    }
    defer { ckpt_client_close(client) }

    // Fixtures: only those the request names (each costs a few calls).
    func names(_ token: String) -> Bool { containsBytes(request, Array(token.utf8)) }
    var ids: [(String, String)] = []
    var v = "", p = ""
    let needsC = names("@C") || names("@B") || names("@L")
    if names("@V") || needsC || names("@E") {
        v = fixture(client, "vault.create", """
            {"vault":{"name":"fuzz-vault","billing":{"size":100},"resources":[\
            {"id":"\(r1)","type":"OS::Nova::Server","name":"ecs-1","size":10},\
            {"id":"\(r2)","type":"OS::Cinder::Volume","name":"evs-2","size":5},\
            {"id":"\(rf)","type":"OS::Nova::Server","name":"ecs-fail","size":1}]}}
            """, "vault")
        ids.append(("@V", v))
    }
    if names("@F") {
        let f = fixture(client, "vault.create", """
            {"vault":{"name":"frozen","billing":{"size":10},"resources":[{"id":"\(r3)","type":"OS::Nova::Server"}]}}
            """, "vault")
        _ = fixture(client, "local.vault.set_status", "{\"vault_id\":\"\(f)\",\"status\":\"frozen\"}", "vault")
        ids.append(("@F", f))
    }
    if needsC {
        ids.append(("@C", fixture(client, "checkpoint.create",
            "{\"checkpoint\":{\"vault_id\":\"\(v)\",\"parameters\":{\"resources\":[\"\(r1)\"]}}}", "checkpoint")))
    }
    if names("@E") {
        ids.append(("@E", fixture(client, "checkpoint.create",
            "{\"checkpoint\":{\"vault_id\":\"\(v)\",\"parameters\":{\"resources\":[\"\(rf)\"]}}}", "checkpoint")))
    }
    if names("@B") || names("@L") {
        guard let c = ids.first(where: { $0.0 == "@C" })?.1 else {
            finding("@C was not made for @B and @L")
        }
        let (rc, response, _) = call(client, "backup.list", Array("{\"checkpoint_id\":\"\(c)\"}".utf8))
        guard rc == 0, let response, let j = withCString(response, { json_loads($0, 0, nil) }),
              let first = json_array_get(json_object_get(j, "backups"), 0),
              let idp = json_string_value(json_object_get(first, "id"))
        else { finding("the backups of @C cannot be listed") }
        let backup = String(cString: idp)
        json_decref(j)
        ids.append(("@B", backup))
        let (lrc, logs, _) = call(client, "operation_log.list", Array("{\"limit\":1}".utf8))
        guard lrc == 0, let logs, let l = withCString(logs, { json_loads($0, 0, nil) }),
              let log = json_array_get(json_object_get(l, "operation_logs"), 0),
              let lp = json_string_value(json_object_get(log, "id"))
        else { finding("the tasks cannot be listed") }
        ids.append(("@L", String(cString: lp)))
        json_decref(l)
    }
    if names("@P") || names("@K") {
        p = fixture(client, "policy.create", """
            {"policy":{"name":"fuzz-policy","resources":[\
            {"id":"\(r1)","type":"OS::Nova::Server","name":"ecs-1"},{"id":"\(r2)","type":"OS::Cinder::Volume"}]}}
            """, "policy")
        ids.append(("@P", p))
    }
    if names("@K") {
        ids.append(("@K", fixture(client, "policy.execute",
            "{\"checkpoint\":{\"plan_id\":\"\(p)\",\"parameters\":{}}}", "checkpoint")))
    }
    request = replacing(request, ids)
    if waits.contains(op) { request = capWait(request) }

    // The call.
    var rc: Int32
    var response: [UInt8]?
    var error: [UInt8]?
    if useJSON, let root = withCString(request, { parseLikeLibrary($0) }) {
        var r: UnsafeMutablePointer<json_t>?
        var err: UnsafeMutablePointer<json_t>?
        rc = ckpt_call(client, op, root, &r, &err)
        json_decref(root)
        response = r.flatMap(dumpJSON)
        error = err.flatMap(dumpJSON)
        require((r == nil) == (rc != 0), "ckpt_call: rc \(rc) but the response is \(r == nil ? "NULL" : "set")")
        require((err == nil) == (rc == 0), "ckpt_call: rc \(rc) but the error is \(err == nil ? "NULL" : "set")")
        if let r { json_decref(r) }
        if let err { json_decref(err) }
    } else {
        (rc, response, error) = call(client, op, request)
    }
    let context = "\(op) (\(useJSON ? "ckpt_call" : "ckpt_call_text"))"
    let requestText = String(decoding: request, as: UTF8.self)

    let allowed: Set<Int32> = waits.contains(op) ? [0, -1, -2, -3, -4, -7] : [0, -1, -2, -3, -4]
    require(allowed.contains(rc), "\(context) returned \(rc) (\(className(max(-11, min(0, rc))))), not a class the embedded backend may return",
            "request: \(requestText)\nerror: \(String(decoding: error ?? [], as: UTF8.self))")

    if rc == 0 {
        require(error == nil, "\(context): success with an error object")
        guard let response else { finding("\(context): success without a response") }
        let j = parseObject(response, "\(context) response")
        defer { json_decref(j) }
        if let member = expectedMember(op) {
            require(json_object_get(j, member) != nil, "\(context): the response has no \"\(member)\"",
                    String(decoding: response, as: UTF8.self))
        }
        readBack(client, op, j, context: context)
    } else {
        require(response == nil, "\(context): failure \(rc) with a response")
        guard let error else { finding("\(context): failure \(rc) without an error object") }
        _ = withCString(error) { p in
            checkErrorText(UnsafeMutablePointer(mutating: p), rc: rc, className: className(rc), context: context)
        }
    }
    return 0
}

/// What a create returned reads back.
private func readBack(_ client: OpaquePointer, _ op: String, _ created: UnsafeMutablePointer<json_t>, context: String) {
    let read: (String, String, String, Bool)   // operation, member, id key, compare the whole document
    switch op {
    case "vault.create": read = ("vault.get", "vault", "vault_id", true)
    case "policy.create": read = ("policy.get", "policy", "policy_id", true)
    case "checkpoint.create": read = ("checkpoint.get", "checkpoint", "checkpoint_id", false)
    case "policy.execute": read = ("policy.checkpoint_get", "checkpoint", "checkpoint_id", false)
    default: return
    }
    guard let doc = json_object_get(created, read.1), let idv = json_object_get(doc, "id"),
          let idp = json_string_value(idv)
    else { finding("\(context): the created document has no id") }
    let id = String(cString: idp)
    let (rc, response, error) = call(client, read.0, Array("{\"\(read.2)\":\"\(id)\"}".utf8))
    require(rc == 0, "\(read.0) of what \(op) just created failed (\(rc))", String(decoding: error ?? [], as: UTF8.self))
    let j = parseObject(response!, "\(read.0) response")
    defer { json_decref(j) }
    guard let again = json_object_get(j, read.1) else { finding("\(read.0): no \(read.1) member") }
    if read.3 {
        require(json_equal(doc, again) != 0, "\(read.0) differs from what \(op) returned",
                "created: \(String(decoding: dumpJSON(doc) ?? [], as: UTF8.self))\nread: \(String(decoding: dumpJSON(again) ?? [], as: UTF8.self))")
    } else {
        let id2 = json_object_get(again, "id").flatMap { json_string_value($0) }.map { String(cString: $0) }
        require(id2 == id, "\(read.0) returned id \(id2 ?? "nil") for \(id)")
    }
}
