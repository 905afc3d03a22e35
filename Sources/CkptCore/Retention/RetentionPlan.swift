/// What backup.prune keeps and removes among one resource's backups, and
/// why: `restic forget`'s policy (its `ApplyPolicy`), on UTC calendar days.
///
/// The backups are walked newest first.  Each count rule has a bucket per
/// backup (the backup itself for `keep_last`, its day, ISO week or month)
/// and a budget: a backup whose bucket differs from the last one the rule
/// kept is kept by that rule, and the rule's budget goes down by one.  A
/// backup kept by any rule is kept.  `keep_within_days` keeps every backup
/// created after the newest backup's time minus that many days.
package enum RetentionPlan {
    package struct Backup: Sendable, Equatable {
        package var id: String
        /// Microseconds since the epoch (`created_at`).
        package var createdMicros: Int64

        package init(id: String, createdMicros: Int64) {
            self.id = id
            self.createdMicros = createdMicros
        }
    }

    package struct Kept: Sendable, Equatable {
        package var id: String
        /// e.g. `last`, `daily 2026-12-01`, `weekly 2026-W49`,
        /// `monthly 2026-12`, `within 7 days`.
        package var reasons: [String]
    }

    private struct Rule {
        var budget: Int64
        var last: Int64?
        /// The bucket of a backup: its time in µs and its rank (newest 0).
        let bucket: (Int64, Int) -> Int64
        let reason: (Int64) -> String
    }

    /// - Parameter backups: one resource's backups, in any order.
    /// - Returns: the kept ones with their reasons and the ids of the
    ///   others, both newest first.
    package static func plan(_ backups: [Backup], _ rules: RetentionRules) -> (keep: [Kept], remove: [String]) {
        let sorted = backups.sorted { a, b in
            a.createdMicros != b.createdMicros ? a.createdMicros > b.createdMicros : a.id > b.id
        }
        guard let newest = sorted.first else { return ([], []) }
        var counted: [Rule] = []
        if let n = rules.last {
            counted.append(Rule(budget: n, last: nil, bucket: { _, rank in Int64(rank) }, reason: { _ in "last" }))
        }
        if let n = rules.daily {
            counted.append(Rule(budget: n, last: nil, bucket: { t, _ in CivilDate(micros: t).dayNumber },
                                reason: { "daily \(CivilDate(dayNumber: $0).text)" }))
        }
        if let n = rules.weekly {
            counted.append(Rule(budget: n, last: nil, bucket: { t, _ in CivilDate(micros: t).isoWeekNumber },
                                reason: { "weekly \(CivilDate.isoWeekText($0))" }))
        }
        if let n = rules.monthly {
            counted.append(Rule(budget: n, last: nil, bucket: { t, _ in CivilDate(micros: t).monthNumber },
                                reason: { "monthly \(CivilDate.monthText($0))" }))
        }
        let withinFrom: Int64? = rules.withinDays.map { newest.createdMicros &- $0 &* 86_400_000_000 }

        var keep: [Kept] = []
        var remove: [String] = []
        for (rank, backup) in sorted.enumerated() {
            var reasons: [String] = []
            for i in counted.indices where counted[i].budget > 0 {
                let bucket = counted[i].bucket(backup.createdMicros, rank)
                if bucket != counted[i].last {
                    counted[i].last = bucket
                    counted[i].budget -= 1
                    reasons.append(counted[i].reason(bucket))
                }
            }
            if let from = withinFrom, let days = rules.withinDays, backup.createdMicros > from {
                reasons.append("within \(days) days")
            }
            if reasons.isEmpty {
                remove.append(backup.id)
            } else {
                keep.append(Kept(id: backup.id, reasons: reasons))
            }
        }
        return (keep, remove)
    }
}
