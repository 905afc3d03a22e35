import CCkptABI
import CJansson
import CkptClient
import CkptCore
#if canImport(Glibc)
import Glibc
#endif

/// Client handles: a retained `Client` behind an opaque pointer.
enum Handle {
    static func make(_ client: Client) -> OpaquePointer {
        OpaquePointer(Unmanaged.passRetained(client).toOpaque())
    }

    /// Borrows the client for one call (the caller promises not to close it
    /// meanwhile, as the header says).
    static func client(_ p: OpaquePointer) -> Client {
        Unmanaged<Client>.fromOpaque(UnsafeRawPointer(p)).takeUnretainedValue()
    }
}
