import CkptCore

/// When and how long to wait before trying a request again: exponential
/// backoff from `baseDelayMs` with full jitter, or the server's `Retry-After`.
package struct RetryPolicy: Sendable {
    package var retries: Int
    package var baseDelayMs: Int64 = 100
    package var maxDelayMs: Int64 = 5_000

    /// The statuses worth asking again for: the service is busy or a proxy
    /// in front of it failed.
    package static let retryableStatuses: Set<Int> = [429, 502, 503, 504]

    package init(retries: Int) {
        self.retries = retries
    }

    /// The wait before retry number `attempt + 1` (`attempt` counts from 0).
    package func delayMs(attempt: Int, retryAfterSeconds: Int64?) -> Int64 {
        if let seconds = retryAfterSeconds {
            let (ms, overflow) = seconds.multipliedReportingOverflow(by: 1000)
            return overflow ? Int64.max : max(0, ms)
        }
        let shift = Int64(min(max(attempt, 0), 20))
        let cap = min(maxDelayMs, baseDelayMs << shift)
        return Int64.random(in: 0...max(0, cap))
    }
}
