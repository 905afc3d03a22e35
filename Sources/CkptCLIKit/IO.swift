import CkptCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Unbuffered output and bounded input on the standard descriptors, without
/// Foundation (startup time matters for a command run once per shell line).
package enum IO {
    /// Writes all of `text` to a descriptor; gives up quietly on a closed
    /// pipe or another write error (the exit status still tells the story).
    package static func write(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buf in
            guard var p = buf.baseAddress else { return }
            var left = buf.count
            while left > 0 {
                let n = Glibc.write(fd, p, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    return
                }
                if n == 0 { return }
                p += n
                left -= n
            }
        }
    }

    package static func out(_ text: String) { write(1, text) }
    package static func err(_ text: String) { write(2, text) }

    package static var stderrIsTerminal: Bool { isatty(2) == 1 }
    package static var stdoutIsTerminal: Bool { isatty(1) == 1 }
    package static var stdinIsTerminal: Bool { isatty(0) == 1 }

    /// One line of stdin (at most `limit` bytes, without its newline, and
    /// trimmed of spaces); nil at end of input.
    package static func readLine(limit: Int) -> String? {
        var bytes: [UInt8] = []
        var c: UInt8 = 0
        while bytes.count < limit {
            let n = read(0, &c, 1)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self) }
            if c == UInt8(ascii: "\n") { break }
            if c != UInt8(ascii: " ") && c != UInt8(ascii: "\r") { bytes.append(c) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A non-empty environment variable, or nil.
    package static func env(_ name: String) -> String? {
        guard let p = getenv(name) else { return nil }
        let s = String(cString: p)
        return s.isEmpty ? nil : s
    }

    /// Reads a whole descriptor, at most `limit` + 1 bytes (so that the
    /// caller can tell "too large" from "just fits").
    package static func readAll(_ fd: Int32, limit: Int) -> Result<[UInt8], Errno> {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while out.count <= limit {
            let want = min(chunk.count, limit + 1 - out.count)
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, want) }
            if n < 0 {
                if errno == EINTR { continue }
                return .failure(Errno(errno))
            }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
        }
        return .success(out)
    }

    /// Reads a whole file, at most `limit` + 1 bytes.
    package static func readFile(_ path: String, limit: Int) -> Result<[UInt8], Errno> {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .failure(Errno(errno)) }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { return .failure(Errno(EISDIR)) }
        return readAll(fd, limit: limit)
    }

    /// Parses JSON bytes with the library's limits.  `what` names the input
    /// in the message ("request", "config file /x.json").
    package static func parseJSON(_ bytes: [UInt8], what: String) throws(CkptError) -> JSONValue {
        if bytes.count > Limits.maxRequestBytes {
            throw .argument("\(what): larger than \(Limits.maxRequestBytes) bytes")
        }
        if bytes.isEmpty { throw .argument("\(what): empty, expected JSON text") }
        let result: Result<JSONValue, JSONInputError>? = bytes.withUnsafeBytes { raw in
            guard let base = raw.baseAddress else { return nil }
            let p = base.assumingMemoryBound(to: CChar.self)
            return Result { () throws(JSONInputError) in try JSONValue.parse(p, length: raw.count) }
        }
        switch result {
        case .success(let v)?: return v
        case .failure(let e)?: throw .argument("\(what): \(e.message)")
        case nil: throw .argument("\(what): empty, expected JSON text")
        }
    }
}
