import CLibcrypto

/// SHA-256 and HMAC-SHA256 from OpenSSL's libcrypto, as lower-case hex.
package enum Digest {
    /// Hex SHA-256 of `bytes`.
    package static func sha256Hex(_ bytes: [UInt8]) -> String {
        var md = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        let ok = bytes.withUnsafeBytes { input in
            md.withUnsafeMutableBufferPointer { out in
                EVP_Digest(input.baseAddress, input.count, out.baseAddress, &length, EVP_sha256(), nil)
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
        let result = key.withUnsafeBytes { k in
            message.withUnsafeBufferPointer { m in
                md.withUnsafeMutableBufferPointer { out in
                    HMAC(EVP_sha256(), k.baseAddress, keyLength, m.baseAddress, m.count, out.baseAddress, &length)
                }
            }
        }
        guard result != nil, length > 0 else { return nil }
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
