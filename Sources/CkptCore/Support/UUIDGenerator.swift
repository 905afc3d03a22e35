/// UUIDs from the kernel's generator (getrandom, through the standard
/// library).
package enum UUIDGenerator {
    /// A random version-4 UUID.
    package static func make() -> String {
        // Two 8-byte draws: one getrandom call each.
        var rng = SystemRandomNumberGenerator()
        var bytes = draw(&rng)
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUIDText.text(of: bytes)
    }

    /// A version-7 UUID (RFC 9562): the Unix time in milliseconds, then 74
    /// random bits.  The ids of checkpoints, backups and tasks are these:
    /// made in time order, they go in at the end of the store's indexes,
    /// so a create touches the same few pages as the one before it instead
    /// of a random leaf of each index.
    package static func makeTimeOrdered(unixMs: Int64 = Clock.nowMs()) -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = draw(&rng)
        let ms = UInt64(truncatingIfNeeded: max(unixMs, 0))
        for i in 0..<6 { bytes[i] = UInt8(truncatingIfNeeded: ms >> (UInt64(5 - i) * 8)) }
        bytes[6] = (bytes[6] & 0x0f) | 0x70
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUIDText.text(of: bytes)
    }

    private static func draw(_ rng: inout SystemRandomNumberGenerator) -> [UInt8] {
        let a = rng.next() as UInt64, b = rng.next() as UInt64
        var bytes = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            bytes[i] = UInt8(truncatingIfNeeded: a >> (UInt64(i) * 8))
            bytes[i + 8] = UInt8(truncatingIfNeeded: b >> (UInt64(i) * 8))
        }
        return bytes
    }
}
