import CLazyLibs
import CkptCore

/// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, as lower-case hex.
///
/// libcrypto is loaded on first use (see `ckpt_crypto_shim.h`), never at
/// load time: `load()` says whether it is there, and the remote backend and
/// the emulator call it before they need a digest.  Without it every digest
/// here fails closed: an empty hash, a nil HMAC, no equality.
package enum Digest {
    /// Loads libcrypto once per process.
    /// - Throws: class `network`, naming libcrypto.so.3, when it is missing.
    package static func load() throws(CkptError) {
        try LazyLibrary.load(ckpt_shim_crypto_load)
    }

    /// The SHA-256 of nothing: every GET's body hash.
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Hex SHA-256 of `bytes`; "" when libcrypto is missing.
    package static func sha256Hex(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return emptySHA256 }
        var md = [UInt8](repeating: 0, count: Int(CKPT_SHIM_SHA256_SIZE))
        let ok = bytes.withUnsafeBytes { input in
            md.withUnsafeMutableBufferPointer { out in ckpt_shim_sha256(input.baseAddress, input.count, out.baseAddress) }
        }
        return ok == 1 ? hex(md) : ""
    }

    package static func sha256Hex(_ text: String) -> String {
        sha256Hex(Array(text.utf8))
    }

    /// Hex HMAC-SHA256 of `message`, keyed with `key`; nil when the key is
    /// empty or libcrypto fails, so a failure can never look like a match.
    package static func hmacSHA256Hex(key: String, message: String) -> String? {
        let key = Array(key.utf8)
        let message = Array(message.utf8)
        guard !key.isEmpty else { return nil }
        var md = [UInt8](repeating: 0, count: Int(CKPT_SHIM_SHA256_SIZE))
        let ok = key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                md.withUnsafeMutableBufferPointer { out in
                    ckpt_shim_hmac_sha256(k.baseAddress, k.count, m.baseAddress, m.count, out.baseAddress)
                }
            }
        }
        return ok == 1 ? hex(md) : nil
    }

    /// Compares two strings in time that depends only on their lengths.
    package static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBytes { p in
            y.withUnsafeBytes { q in ckpt_shim_memcmp(p.baseAddress, q.baseAddress, x.count) == 0 }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func hex(_ bytes: [UInt8]) -> String {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
