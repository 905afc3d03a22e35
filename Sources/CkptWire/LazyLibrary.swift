import CkptCore

/// A C library that libckpt loads the first time it is needed, not when it
/// is itself loaded (CLazyLibs: libcurl for the remote backend, libcrypto
/// for signing and the emulator's credential checks).
package enum LazyLibrary {
    /// Runs one of CLazyLibs' loaders (`ckpt_shim_curl_load`,
    /// `ckpt_shim_crypto_load`): each loads its library once per process.
    /// - Throws: class `network` with the loader's message, which names the
    ///   library and why it could not be loaded.
    package static func load(_ loader: (UnsafeMutablePointer<CChar>?, Int) -> Int32) throws(CkptError) {
        var buffer = [CChar](repeating: 0, count: 512)
        let rc = buffer.withUnsafeMutableBufferPointer { loader($0.baseAddress, $0.count) }
        guard rc == 0 else {
            let message = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw CkptError(.network, httpStatus: 0, code: "", message)
        }
    }
}
