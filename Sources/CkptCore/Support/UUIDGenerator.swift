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
    /// random bits.  The ids of checkpoints are these: made in time order,
    /// they go in at the end of the store's index instead of at a random
    /// leaf of it.
    package static func makeTimeOrdered(unixMs: Int64 = Clock.nowMs()) -> String {
        makeTimeOrdered(micros: max(unixMs, 0) &* 1000)
    }

    /// A version-7 UUID of a time in microseconds: the milliseconds, then
    /// the microseconds within them in the 12 bits RFC 9562 leaves for
    /// extra precision ("method 3"), then 62 random bits.  The order of
    /// these ids is the order of their times: the ids of backups and tasks
    /// are made from their `created_us`, so their tables, keyed by id, are
    /// in `created_at` order.
    package static func makeTimeOrdered(micros: Int64) -> String {
        var rng = SystemRandomNumberGenerator()
        var bytes = draw(&rng)
        let prefix = timePrefix(micros: micros)
        for i in 0..<8 { bytes[i] = prefix[i] }
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        return UUIDText.text(of: bytes)
    }

    /// The first 8 bytes of `makeTimeOrdered(micros:)`: the time and the version.
    package static func timePrefix(micros: Int64) -> [UInt8] {
        // 48 bits of milliseconds: up to the year 10889.
        let t = UInt64(min(max(micros, 0), Int64(1 << 48) &* 1000 &- 1))
        let ms = t / 1000, sub = t % 1000
        var out = [UInt8](repeating: 0, count: 8)
        for i in 0..<6 { out[i] = UInt8(truncatingIfNeeded: ms >> (UInt64(5 - i) * 8)) }
        out[6] = 0x70 | UInt8(truncatingIfNeeded: sub >> 8)
        out[7] = UInt8(truncatingIfNeeded: sub)
        return out
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
