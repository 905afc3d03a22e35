/// An operation log's (a task's) `status` (SPEC 6.3), in alphabetical order;
/// `code` as in `BackupStatus`.
package enum OperationLogStatus: String, Sendable, CaseIterable {
    case failed
    case running
    case skipped
    case success
    case timeout
    case waiting

    package var code: Int64 { Int64(Self.allCases.firstIndex(of: self) ?? 0) }

    package init?(code: Int64) {
        guard code >= 0, code < Int64(Self.allCases.count) else { return nil }
        self = Self.allCases[Int(code)]
    }

    /// Whether the task has ended.
    package var isFinal: Bool { self != .running && self != .waiting }
}
