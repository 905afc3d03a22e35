import ArgumentParser
import CkptClient
import CkptCore

/// `--timeout` in seconds, as the waits take it.
enum Seconds {
    static func check(_ s: Double) throws {
        guard s.isFinite, s >= 0, s <= 86400 else { throw ValidationError("--timeout must be between 0 and 86400 seconds") }
    }

    static func ms(_ s: Double) -> Int64 {
        Int64(s.isFinite ? min(max(s * 1000, 0), 86_400_000).rounded() : 60_000)
    }
}
