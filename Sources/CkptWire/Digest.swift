import CLibcrypto

/// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, as lower-case hex.
package enum Digest {
    /// SHA-256, fetched from the provider once: OpenSSL 3 otherwise fetches
    /// it again on every call, which costs more than hashing a request.
    /// (A global is initialised once, thread-safely.)
    nonisolated(unsafe) private static let sha256MD: OpaquePointer? = EVP_MD_fetch(nil, "SHA256", nil)

    private static var digestMD: OpaquePointer? { sha256MD ?? EVP_sha256() }

    /// The SHA-256 of nothing: every GET's body hash.
    static let emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    /// Hex SHA-256 of `bytes`.
    package static func sha256Hex(_ bytes: [UInt8]) -> String {
        if bytes.isEmpty { return emptySHA256 }
        var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            md.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, Digest.digestMD, nil)
            }
        }
        return hex(md, count: ok == 1 ? Int(length) : 0)
    }

    package static func sha256Hex(_ text: String) -> String {
        sha256Hex(Array(text.utf8))
    }

    /// Hex HMAC-SHA256 of `message`, keyed with `key`; nil when the key is
    /// empty or libcrypto fails, so a failure can never look like a match.
    package static func hmacSHA256Hex(key: String, message: String) -> String? {
        let key = Array(key.utf8)
        let message = Array(message.utf8)
        var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        // A key longer than Int32.max cannot come from a configuration
        // (they are bounded), but refuse it rather than truncate it.
        guard !key.isEmpty, let keyLength = Int32(exactly: key.count) else { return nil }
        guard let ctx = HMAC_CTX_new() else { return nil }
        defer { HMAC_CTX_free(ctx) }
        let ok = key.withUnsafeBytes { k in
            message.withUnsafeBufferPointer { m in
                md.withUnsafeMutableBufferPointer { out in
                    HMAC_Init_ex(ctx, k.baseAddress, keyLength, Digest.digestMD, nil) == 1
                        && HMAC_Update(ctx, m.baseAddress, m.count) == 1
                        && HMAC_Final(ctx, out.baseAddress, &length) == 1
                }
            }
        }
        guard ok, length > 0 else { return nil }
        return hex(md, count: Int(length))
    }

    /// Compares two strings in time that depends only on their lengths.
    package static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        if x.isEmpty { return true }
        return x.withUnsafeBytes { p in
            y.withUnsafeBytes { q in CRYPTO_memcmp(p.baseAddress, q.baseAddress, x.count) == 0 }
        }
    }

    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    private static func hex(_ bytes: [UInt8], count: Int) -> String {
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for b in bytes.prefix(count) {
            out.append(digits[Int(b >> 4)])
            out.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
