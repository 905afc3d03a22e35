/// How long a wait polls, and how often: `timeout_ms` (0 to 24 h, default
/// 60 s) and `interval_ms` (1 ms to 60 s; default a backoff that grows).
package struct WaitTiming: Sendable, Equatable {
    package var timeoutMs: Int64
    package var intervalMs: Int64?

    package static let defaultTimeoutMs: Int64 = 60_000
    package static let maxTimeoutMs: Int64 = 86_400_000

    package init(timeoutMs: Int64 = defaultTimeoutMs, intervalMs: Int64? = nil) {
        self.timeoutMs = timeoutMs
        self.intervalMs = intervalMs
    }

    package init(_ f: Fields) throws(CkptError) {
        timeoutMs = try f.int("timeout_ms", in: 0...Self.maxTimeoutMs) ?? Self.defaultTimeoutMs
        intervalMs = try f.int("interval_ms", in: 1...60_000)
    }

    package static let names = ["timeout_ms", "interval_ms"]
}
