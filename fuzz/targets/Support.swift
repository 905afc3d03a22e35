// Helpers shared by every fuzz target (compiled into each one).
import CJansson
import CkptWire
#if canImport(Glibc)
import Glibc
#endif

/// The fuzzer's bytes as an array.
func fuzzBytes(_ data: UnsafePointer<UInt8>?, _ size: Int) -> [UInt8] {
    guard let data, size > 0 else { return [] }
    return Array(UnsafeBufferPointer(start: data, count: size))
}

/// A property of the library does not hold: print why and abort, so
/// libFuzzer saves the input as a crash artifact.
func finding(_ what: String, _ detail: String = "") -> Never {
    fputs("\n==FUZZ FINDING== \(what)\n", stderr)
    if !detail.isEmpty { fputs("\(detail.prefix(4000))\n", stderr) }
    fflush(stderr)
    abort()
}

/// A finding with a name: FUZZ_SKIP="name ..." turns it into a warning, so
/// that a target can be fuzzed further while a known bug waits for its fix
/// (the regressions are always replayed without FUZZ_SKIP).
func finding(named name: String, _ what: String, _ detail: String = "") {
    if isSkipped(name) {
        skipped[name, default: 0] += 1
        if skipped[name] == 1 { fputs("FUZZ: skipping known finding \(name): \(what)\n", stderr) }
        return
    }
    finding("[\(name)] \(what)", detail)
}

nonisolated(unsafe) var skipped: [String: Int] = [:]

/// Whether FUZZ_SKIP names `name`.
func isSkipped(_ name: String) -> Bool {
    skipNames.contains(name)
}

private let skipNames: Set<String> = {
    guard let p = getenv("FUZZ_SKIP") else { return [] }
    return Set(String(cString: p).split(separator: " ").map(String.init))
}()

func require(_ condition: Bool, _ what: @autoclosure () -> String, _ detail: @autoclosure () -> String = "") {
    if !condition { finding(what(), detail()) }
}

/// Calls `body` with a NUL-terminated copy of `bytes`.
func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
    var copy = bytes
    copy.append(0)
    return copy.withUnsafeBufferPointer { buf in
        buf.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buf.count) { body($0) }
    }
}

/// Whether `needle` occurs in `hay` (bytes).
func containsBytes(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
    firstIndex(of: needle, in: hay) != nil
}

func firstIndex(of needle: [UInt8], in hay: [UInt8], from start: Int = 0) -> Int? {
    guard !needle.isEmpty, hay.count >= needle.count else { return needle.isEmpty ? start : nil }
    var i = start
    while i <= hay.count - needle.count {
        if hay[i] == needle[0] && Array(hay[i..<(i + needle.count)]) == needle { return i }
        i += 1
    }
    return nil
}

/// Whether `output` shows a piece of `secret` that the input did not show on
/// its own.  Any run of `minimum` or more leading bytes of the secret in the
/// output counts as a leak unless the input holds that same run somewhere
/// other than inside a whole copy of the secret (then the server sent the
/// fragment itself, and echoing it is no leak).
func leaksSecret(_ output: [UInt8], secret: [UInt8], input: [UInt8], minimum: Int = 8) -> String? {
    if containsBytes(output, secret) { return "the whole secret" }
    guard secret.count > minimum else { return nil }
    // The longest prefix of the secret (>= minimum) found in the output.
    var longest = 0
    var k = secret.count - 1
    while k >= minimum {
        if containsBytes(output, Array(secret[0..<k])) { longest = k; break }
        k -= 1
    }
    if longest == 0 { return nil }
    let prefix = Array(secret[0..<longest])
    // Does the input hold the prefix other than as the start of a whole secret?
    var from = 0
    while let i = firstIndex(of: prefix, in: input, from: from) {
        let end = i + secret.count
        if end > input.count || Array(input[i..<end]) != secret { return nil }
        from = i + 1
    }
    return "a \(longest)-byte prefix of the secret"
}

/// Parses JSON text exactly as the library does (JSONValue.parse): the same
/// jansson flags and length (the text up to its first NUL).
func parseLikeLibrary(_ text: UnsafePointer<CChar>) -> UnsafeMutablePointer<json_t>? {
    let n = strnlen(text, 1024 * 1024 + 1)
    guard n <= 1024 * 1024 else { return nil }
    var err = json_error_t()
    return json_loadb(text, n, Int(JSON_REJECT_DUPLICATES | JSON_DECODE_ANY | JSON_ALLOW_NUL), &err)
}

/// Compact text of a jansson value (keys with NUL kept), or nil.
func dumpJSON(_ j: UnsafeMutablePointer<json_t>) -> [UInt8]? {
    guard let p = json_dumps(j, Int(JSON_COMPACT | JSON_ENCODE_ANY)) else { return nil }
    defer { free(p) }
    return Array(UnsafeBufferPointer(start: UnsafeRawPointer(p).assumingMemoryBound(to: UInt8.self), count: strlen(p)))
}

/// Members of an object whose key, read as a C string (as the library reads
/// keys: up to the first NUL), equals `name`.
func membersNamed(_ object: UnsafeMutablePointer<json_t>, _ name: String) -> [UnsafeMutableRawPointer] {
    var out: [UnsafeMutableRawPointer] = []
    var it = json_object_iter(object)
    while let i = it {
        if let k = json_object_iter_key(i), strcmp(k, name) == 0 { out.append(i) }
        it = json_object_iter_next(object, i)
    }
    return out
}

/// The error object text the library returned: a JSON object whose "code"
/// is `rc` and whose "class" is ckpt_strerror(rc).  Returns its error_msg.
func checkErrorText(_ text: UnsafeMutablePointer<CChar>?, rc: Int32, className: String, context: String) -> [UInt8] {
    guard let text else { finding("\(context): failure \(rc) without an error object") }
    var err = json_error_t()
    guard let j = json_loads(text, 0, &err) else {
        finding("\(context): the error text is not JSON", String(cString: text))
    }
    defer { json_decref(j) }
    require(jsonType(j) == JSON_OBJECT, "\(context): the error is not an object", String(cString: text))
    let code = json_object_get(j, "code").map { json_integer_value($0) } ?? 0
    require(code == Int64(rc), "\(context): error code \(code) != return value \(rc)", String(cString: text))
    let cls = json_object_get(j, "class").flatMap { json_string_value($0) }.map { String(cString: $0) }
    require(cls == className, "\(context): error class \(cls ?? "nil") != \(className)", String(cString: text))
    for key in ["http_status", "error_code", "error_msg", "request_id"] {
        require(json_object_get(j, key) != nil, "\(context): the error object has no \(key)", String(cString: text))
    }
    guard let m = json_object_get(j, "error_msg"), let s = json_string_value(m) else { return [] }
    return Array(UnsafeBufferPointer(start: UnsafeRawPointer(s).assumingMemoryBound(to: UInt8.self),
                                     count: json_string_length(m)))
}

func text(_ p: UnsafeMutablePointer<CChar>?) -> String { p.map { String(cString: $0) } ?? "(null)" }

func className(_ rc: Int32) -> String {
    ["ok", "invalid", "not_found", "conflict", "quota", "auth", "permission", "timeout", "network", "remote",
     "storage", "internal"][Int(-rc)]
}

/// A private directory for anything a target must write (the default store
/// of a configuration without "path"); removed at exit.
func makeScratchDirectory() -> String {
    let base = getenv("FUZZ_TMPDIR").map { String(cString: $0) } ?? "/tmp"
    var template = Array("\(base)/ckpt-fuzz.XXXXXX".utf8CString)
    let dir = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) }
    guard let dir else { finding("cannot create a scratch directory under \(base)") }
    scratchDirectory = dir
    atexit {
        if let d = scratchDirectory { _ = system("rm -rf '\(d)'") }
    }
    return dir
}

nonisolated(unsafe) var scratchDirectory: String?

/// jansson's json_typeof macro.
func jsonType(_ j: UnsafePointer<json_t>) -> json_type { j.pointee.type }

/// Every `token` in `input` replaced by its id (the fixtures' placeholders).
func replacing(_ input: [UInt8], _ ids: [(String, String)]) -> [UInt8] {
    var out = input
    for (token, id) in ids {
        let t = Array(token.utf8), r = Array(id.utf8)
        var i = 0
        var result: [UInt8] = []
        result.reserveCapacity(out.count)
        while i < out.count {
            if i + t.count <= out.count && out[i] == t[0] && Array(out[i..<(i + t.count)]) == t {
                result += r
                i += t.count
            } else {
                result.append(out[i])
                i += 1
            }
        }
        out = result
    }
    return out
}

/// A request as the targets write it on the wire:
///     METHOD SP TARGET [SP VERSION]    (TARGET = path ["?" query])
///     Name: value                      (any number of header lines)
///                                      (empty line)
///     body
/// Lines end in "\n" (a "\r" before it is dropped); a header line without
/// ":" is skipped.
struct WireRequest {
    var method = ""
    var path = ""
    var query: String?
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []

    init?(_ input: [UInt8]) {
        var lines: [[UInt8]] = []
        var i = 0
        while true {
            guard let nl = input[i...].firstIndex(of: UInt8(ascii: "\n")) else {
                if lines.isEmpty { lines.append(Array(input[i...])) } else { body = Array(input[i...]) }
                break
            }
            var line = Array(input[i..<nl])
            if line.last == UInt8(ascii: "\r") { line.removeLast() }
            i = nl + 1
            if line.isEmpty && !lines.isEmpty { body = Array(input[i...]); break }
            lines.append(line)
        }
        guard let first = lines.first else { return nil }
        let requestLine = String(decoding: first, as: UTF8.self)
        let sp = requestLine.firstIndex(of: " ") ?? requestLine.endIndex
        method = String(requestLine[..<sp])
        var target = sp < requestLine.endIndex ? String(requestLine[requestLine.index(after: sp)...]) : "/"
        if let v = target.firstIndex(of: " ") { target = String(target[..<v]) }
        if let q = target.firstIndex(of: "?") {
            path = String(target[..<q])
            query = String(target[target.index(after: q)...])
        } else {
            path = target
        }
        for line in lines.dropFirst() {
            let text = String(decoding: line, as: UTF8.self)
            guard let colon = text.firstIndex(of: ":") else { continue }
            headers.append(HTTPHeader(String(text[..<colon]), String(text[text.index(after: colon)...])))
        }
    }
}
