// Fuzz target: the emulator (`ckpt serve`) without its socket: a request's
// method, path, query, headers and body through EmulatorService.handle, as
// the HTTP server hands them over, to the status, headers and body it sends.
//
// Input: byte 0 picks how the request is authenticated (low 2 bits):
//   0, 3  the harness adds the valid X-Auth-Token;
//   1     the harness signs the request with the valid AK/SK (SDK-HMAC-SHA256,
//         X-Sdk-Date the service's clock);
//   2     as given: the input's own headers only.
// In modes 0, 1 and 3 the input's own Authorization, X-Auth-Token,
// X-Sdk-Date and X-Security-Token headers are dropped first.  The rest is a
// request as on the wire (WireRequest in Support.swift, as signature_verify):
//     METHOD SP TARGET            (TARGET = path ["?" query])
//     Name: value                 (any number of header lines)
//                                 (empty line)
//     body
// Lines end in "\n" (a "\r" before it is dropped).  Each input runs on a
// fresh service on a ":memory:" store, so every input is reproducible on its
// own.  So that a request can reach the operations and not only the routing,
// the tokens @V @C @B in the input are replaced by the ids of fixtures made
// (through the service) in project "p1" when the input names them:
//   @V  a vault (resource R1, 10 GB, of 100 GB);  @C  a checkpoint of @V;
//   @B  its backup.
// checkpoint.wait and the other waits are not routes: nothing here can block.
//
// Properties checked:
//   - the status is 2xx or 4xx, or 501 (a route the emulator does not
//     serve): never a 500 (internal, storage) nor any other 5xx;
//   - every response carries the request's X-Request-Id; a body comes with
//     Content-Type application/json and is a JSON object; a 204 has none;
//   - an error body has the service's error_code and error_msg strings;
//     405 comes with an Allow header; 401 only when the request was not
//     authenticated by the harness;
//   - the token and the SK never appear in a response (nor a prefix of them
//     of 8 bytes or more that the input did not hold).
import CJansson
import CkptCore
import CkptEmulator
import CkptWire
#if canImport(Glibc)
import Glibc
#endif

private let token = "fuzz-token-S3CR3T-0123456789abcdef"
private let ak = "HPUAFUZZFUZZFUZZFUZZ"
private let sk = "SKfuzz0123456789abcdefghijklmnopqrstuvw"
private let now: Int64 = 1_704_164_645   // 20240102T030405Z
private let sdkDate = "20240102T030405Z"
private let project = "p1"
private let requestId = "0123456789abcdef0123456789abcdef"
private let r1 = "94eba8b2-acc9-4d82-badc-127144cc5526"
/// FUZZ_VERBOSE=1: print each request's status (to check the seeds).
private let verbose = getenv("FUZZ_VERBOSE") != nil

/// The token and signature checks need libcrypto, which libckpt loads on first use.
private let cryptoLoaded: Bool = { (try? Digest.load()) != nil }()

private let authHeaders: Set<String> = ["authorization", "x-auth-token", "x-sdk-date", "x-security-token"]

private func authenticated(_ method: String, _ path: String, _ query: String? = nil, _ headers: [HTTPHeader],
                           _ body: [UInt8], signed: Bool) -> [HTTPHeader]
{
    var headers = headers.filter { !authHeaders.contains(HTTPHeader.lowercased($0.name)) }
    guard signed else { return headers + [HTTPHeader("X-Auth-Token", token)] }
    headers.append(HTTPHeader(RequestSigner.dateHeader, sdkDate))
    do throws(CkptError) {
        let s = try RequestSigner.sign(method: method, path: path, query: PercentEncoding.queryPairs(query),
                                       headers: headers, body: body, accessKey: ak, secretKey: sk)
        headers.append(HTTPHeader("Authorization", s.authorization))
        return headers
    } catch {
        // A repeated header, or a name that is not an HTTP token, cannot be
        // signed: send it unsigned (then a 401 is right).
        return headers
    }
}

/// A fixture request that must succeed; returns `member.id` of its answer.
private func fixture(_ service: EmulatorService, _ method: String, _ path: String, _ body: String,
                     _ member: String) -> String
{
    let b = Array(body.utf8)
    let request = EmulatorRequest(method: method, path: path,
                                  headers: authenticated(method, path, nil, [HTTPHeader("Host", "localhost")], b,
                                                         signed: false),
                                  body: b)
    let r = service.handle(request, requestId: requestId, nowUnixSeconds: now)
    guard (200..<300).contains(r.status), let text = r.body,
          let j = json_loads(text, 0, nil) else { finding("fixture \(method) \(path): \(r.status)", r.body ?? "") }
    defer { json_decref(j) }
    var node: UnsafeMutablePointer<json_t>? = json_object_get(j, member)
    if jsonType(node ?? j) == JSON_ARRAY { node = json_array_get(node, 0) }
    guard let idp = json_string_value(json_object_get(node, "id")) else {
        finding("fixture \(method) \(path): no \(member).id", text)
    }
    return String(cString: idp)
}

/// `text` with control characters shown as \u{..}, for the findings.
private func printable(_ text: String) -> String {
    var out = ""
    for u in text.unicodeScalars {
        if u.value < 0x20 || u.value == 0x7f { out += "\\u{\(String(u.value, radix: 16))}" } else { out.unicodeScalars.append(u) }
    }
    return out
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzBytes(data, size)
    guard cryptoLoaded else { finding("libcrypto cannot be loaded") }
    guard let mode = input.first else { return 0 }
    let auth = mode & 3
    var wire = Array(input.dropFirst())

    let service = EmulatorService(tokens: [token], keys: [ak: sk], storePath: ":memory:")
    defer { service.closeAll() }

    func names(_ t: String) -> Bool { containsBytes(wire, Array(t.utf8)) }
    var ids: [(String, String)] = []
    if names("@V") || names("@C") || names("@B") {
        let v = fixture(service, "POST", "/v3/\(project)/vaults", """
            {"vault":{"name":"fuzz-vault","billing":{"size":100},"resources":[\
            {"id":"\(r1)","type":"OS::Nova::Server","name":"ecs-1","size":10}]}}
            """, "vault")
        ids.append(("@V", v))
        if names("@C") || names("@B") {
            let c = fixture(service, "POST", "/v3/\(project)/checkpoints",
                            "{\"checkpoint\":{\"vault_id\":\"\(v)\",\"parameters\":{\"resources\":[\"\(r1)\"]}}}",
                            "checkpoint")
            ids.append(("@C", c))
            if names("@B") {
                ids.append(("@B", fixture(service, "GET", "/v3/\(project)/backups", "", "backups")))
            }
        }
        wire = replacing(wire, ids)
    }

    guard let p = WireRequest(wire) else { return 0 }
    let headers = auth == 2 ? p.headers : authenticated(p.method, p.path, p.query, p.headers, p.body,
                                                        signed: auth == 1)
    let request = EmulatorRequest(method: p.method, path: p.path, query: p.query, headers: headers, body: p.body)
    let r = service.handle(request, requestId: requestId, nowUnixSeconds: now)
    let shown = printable("\(p.method) \(p.path)\(p.query.map { "?" + $0 } ?? "") -> \(r.status) \(r.body ?? "")")
    if verbose { fputs("\(shown.prefix(300))\n", stderr) }

    // The status.
    require((200..<500).contains(r.status) || r.status == 501, "status \(r.status)", shown)
    if auth != 2 && r.status == 401 {
        // Only a request the harness could not sign may be refused.
        let signedAtAll = headers.contains { HTTPHeader.lowercased($0.name) == "authorization" }
            || headers.contains { HTTPHeader.lowercased($0.name) == "x-auth-token" }
        require(!signedAtAll, "401 for a request with valid credentials (mode \(auth))", shown)
    }

    // The headers.
    let headerNames = r.headers.map { HTTPHeader.lowercased($0.name) }
    require(r.headers.values("X-Request-Id") == [requestId], "no X-Request-Id, or another", shown)
    require(headerNames.count == Set(headerNames).count, "a repeated response header: \(headerNames)", shown)
    if r.status == 405 {
        require(!r.headers.values("Allow").isEmpty, "405 without Allow", shown)
    }

    // The body.
    if r.status == 204 {
        require(r.body == nil, "204 with a body", shown)
    } else {
        guard let text = r.body else { finding("status \(r.status) without a body", shown) }
        require(r.headers.values("Content-Type") == ["application/json;charset=UTF-8"], "Content-Type", shown)
        // JSON as RFC 8259 has it: "\u0000" is allowed (a path or a method
        // may hold a NUL that a message quotes); a repeated key is not.
        var err = json_error_t()
        guard let j = json_loads(text, Int(JSON_ALLOW_NUL | JSON_REJECT_DUPLICATES), &err) else {
            let why = withUnsafeBytes(of: err.text) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            finding("the body is not JSON: \(why)", shown)
        }
        defer { json_decref(j) }
        require(jsonType(j) == JSON_OBJECT, "the body is not a JSON object", shown)
        if r.status >= 400 {
            for key in ["error_code", "error_msg"] {
                require(json_string_value(json_object_get(j, key)) != nil, "an error body without \(key)", shown)
            }
        }
        let out = Array(text.utf8)
        // (A secret the input holds in full, say as a vault's name, may be
        // echoed: the fuzzer can learn it from the comparisons it watches.)
        for (name, secret) in [("token", token), ("SK", sk)] where !containsBytes(wire, Array(secret.utf8)) {
            if let how = leaksSecret(out, secret: Array(secret.utf8), input: input) {
                finding(named: "secret", "the response shows \(how) (the \(name))", shown)
            }
        }
    }
    return 0
}
