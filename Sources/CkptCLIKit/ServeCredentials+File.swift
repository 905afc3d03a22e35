import CkptCore
import CkptServeConfig
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ServeCredentials {
    /// Reads a credentials file, refusing one that group or others may
    /// read or write (as ssh refuses such a private key): its secrets would
    /// be anyone's.  Not a regular file, unreadable, too large: refused too.
    /// The mode is checked on the descriptor that is then read.
    package static func readFile(_ path: String) throws(CkptError) -> String {
        let source = "credentials file \(path)"
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw fail("\(source): cannot open: \(Errno(errno).message)") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw fail("\(source): cannot stat: \(Errno(errno).message)") }
        guard st.st_mode & S_IFMT == S_IFREG else { throw fail("\(source): not a regular file") }
        let mode = st.st_mode & 0o777
        guard mode & 0o077 == 0 else {
            throw fail("\(source): its permissions \(octal(mode)) let group or others read or change it, "
                + "and it holds secrets; refused (run: chmod 600 \(path))")
        }
        let bytes: [UInt8]
        switch IO.readAll(fd, limit: maxBytes) {
        case .success(let b): bytes = b
        case .failure(let e): throw fail("\(source): cannot read: \(e.message)")
        }
        guard bytes.count <= maxBytes else { throw fail("\(source): larger than \(maxBytes) bytes") }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw fail("\(source): not valid UTF-8") }
        return text
    }
}
