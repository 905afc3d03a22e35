// Fuzz target: the configuration parser.
//
// Input: configuration JSON text.  It goes to ckpt_client_open_text and, when
// it parses, as a json_t to ckpt_client_open.  A "path" member (any key that
// reads as "path" up to a NUL, as the library reads keys) is replaced by
// ":memory:" first, so no store is ever written where the input says; a
// configuration without a path gets the default store, under a scratch
// XDG_DATA_HOME that is removed at exit.
//
// Properties checked (a violation aborts, so libFuzzer keeps the input):
//   - the return value is CKPT_OK, CKPT_EINVAL or CKPT_ESTORAGE (ckpt.h);
//   - on failure the handle is NULL and the error object is well formed, with
//     code == the return value; on success there is no error object;
//   - no secret (the values of "token", "sk", "security_token" that contain
//     S3CR3T) appears in an error message.
import CJansson
import CCkptABI
import Ckpt
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(_ argc: UnsafeMutablePointer<Int32>?,
                           _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>?) -> Int32
{
    let dir = makeScratchDirectory()
    setenv("XDG_DATA_HOME", dir, 1)
    setenv("HOME", dir, 1)
    for name in ["HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN",
                 "HUAWEICLOUD_SDK_PROJECT_ID"] { unsetenv(name) }
    return 0
}

/// Every string in `j` (keys and values) except the members in `skip`.
private func strings(_ j: UnsafeMutablePointer<json_t>, skipping skip: Set<UnsafeMutableRawPointer>,
                     into out: inout [[UInt8]])
{
    func bytes(_ p: UnsafePointer<CChar>, _ n: Int) -> [UInt8] {
        Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: n))
    }
    switch jsonType(j) {
    case JSON_STRING:
        out.append(bytes(json_string_value(j), json_string_length(j)))
    case JSON_ARRAY:
        for i in 0..<json_array_size(j) { strings(json_array_get(j, i), skipping: skip, into: &out) }
    case JSON_OBJECT:
        var it = json_object_iter(j)
        while let i = it {
            out.append(bytes(json_object_iter_key(i), json_object_iter_key_len(i)))
            if !skip.contains(i) { strings(json_object_iter_value(i), skipping: skip, into: &out) }
            it = json_object_iter_next(j, i)
        }
    default:
        break
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    var input = fuzzBytes(data, size)
    if let nul = input.firstIndex(of: 0) { input.removeSubrange(nul...) }   // what the C API reads

    let root: UnsafeMutablePointer<json_t>? = withCString(input) { parseLikeLibrary($0) }
    defer { if let root { json_decref(root) } }

    var secrets: [[UInt8]] = []
    if let root, jsonType(root) == JSON_OBJECT {
        var rewritten = false
        for it in membersNamed(root, "path") where jsonType(json_object_iter_value(it)) == JSON_STRING {
            json_object_iter_set_new(root, it, json_string(":memory:"))
            rewritten = true
        }
        // Secrets, unless the same bytes also appear elsewhere in the input
        // (an unknown key or another value may legitimately be echoed).
        var secretMembers: Set<UnsafeMutableRawPointer> = []
        for name in ["token", "sk", "security_token"] {
            for it in membersNamed(root, name) { secretMembers.insert(it) }
        }
        var others: [[UInt8]] = []
        strings(root, skipping: secretMembers, into: &others)
        for it in secretMembers {
            let v = json_object_iter_value(it)!
            guard jsonType(v) == JSON_STRING else { continue }
            let s = Array(UnsafeBufferPointer(start: UnsafeRawPointer(json_string_value(v)).assumingMemoryBound(to: UInt8.self),
                                              count: json_string_length(v)))
            if containsBytes(s, Array("S3CR3T".utf8)) && !others.contains(where: { containsBytes($0, s) }) {
                secrets.append(s)
            }
        }
        if rewritten, let text = dumpJSON(root) { input = text }
    }

    // The text API.
    var client: OpaquePointer? = OpaquePointer(bitPattern: 1)
    var error: UnsafeMutablePointer<CChar>? = UnsafeMutablePointer(bitPattern: 1)
    let rc = withCString(input) { ckpt_client_open_text($0, &client, &error) }
    check(rc: rc, client: client, context: "ckpt_client_open_text")
    if rc == 0 {
        require(error == nil, "ckpt_client_open_text: success with an error object")
    } else {
        let msg = checkErrorText(error, rc: rc, className: className(rc), context: "ckpt_client_open_text")
        for s in secrets where containsBytes(msg, s) {
            finding("ckpt_client_open_text: a secret appears in the error message", text(error))
        }
    }
    ckpt_free(error)
    ckpt_client_close(client)

    // The json_t API, with the same (rewritten) configuration.
    if let root {
        var client2: OpaquePointer? = OpaquePointer(bitPattern: 1)
        var error2: UnsafeMutablePointer<json_t>? = UnsafeMutablePointer(bitPattern: 1)
        let rc2 = ckpt_client_open(root, &client2, &error2)
        check(rc: rc2, client: client2, context: "ckpt_client_open")
        require((rc2 == 0) == (error2 == nil), "ckpt_client_open: error object presence does not match rc \(rc2)")
        // A value the text form could express: both forms must agree, except
        // that a default store may fail in one and not the other (disk).
        require(rc2 == rc || rc == -10 || rc2 == -10,
                "ckpt_client_open returned \(rc2) but ckpt_client_open_text returned \(rc) for the same configuration",
                String(decoding: input, as: UTF8.self))
        if let error2 { json_decref(error2) }
        ckpt_client_close(client2)
    }
    return 0
}

private func check(rc: Int32, client: OpaquePointer?, context: String) {
    require(rc == 0 || rc == -1 || rc == -10, "\(context) returned \(rc), not CKPT_OK, CKPT_EINVAL or CKPT_ESTORAGE")
    require((rc == 0) == (client != nil), "\(context): rc \(rc) but the handle is \(client == nil ? "NULL" : "set")")
}
