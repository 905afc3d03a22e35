import CkptCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An errno value with its system message.
package struct Errno: Error {
    package var code: Int32
    package init(_ code: Int32) { self.code = code }
    package var message: String { String(cString: strerror(code)) }
}
