import CCkptABI
import CJansson
import CkptClient
import CkptCore
#if canImport(Glibc)
import Glibc
#endif

/// Where a failure's error object goes: a json_t** or a char**.
protocol ErrorSink {
    func clear()
    func deliver(_ error: CkptError)
}

struct JSONErrorSink: ErrorSink {
    let out: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?
    init(_ out: UnsafeMutablePointer<UnsafeMutablePointer<json_t>?>?) { self.out = out }
    func clear() { out?.pointee = nil }
    func deliver(_ error: CkptError) { out?.pointee = error.json.makeJansson() }
}

struct TextErrorSink: ErrorSink {
    let out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    init(_ out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) { self.out = out }
    func clear() { out?.pointee = nil }
    func deliver(_ error: CkptError) { out?.pointee = error.json.serialized().flatMap { strdup($0) } }
}
