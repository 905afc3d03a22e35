/// The keep rules of backup.prune, as `restic forget` has them: each count
/// is a number of buckets (days, ISO weeks, months, or single backups) in
/// which the newest backup is kept; `withinDays` keeps every backup newer
/// than the newest one minus that many days.
package struct RetentionRules: Sendable, Equatable {
    package var last: Int64?
    package var daily: Int64?
    package var weekly: Int64?
    package var monthly: Int64?
    package var withinDays: Int64?

    package init(last: Int64? = nil, daily: Int64? = nil, weekly: Int64? = nil, monthly: Int64? = nil,
                 withinDays: Int64? = nil)
    {
        self.last = last
        self.daily = daily
        self.weekly = weekly
        self.monthly = monthly
        self.withinDays = withinDays
    }

    package var isEmpty: Bool { last == nil && daily == nil && weekly == nil && monthly == nil && withinDays == nil }
}
