/// backup.prune: retention in the manner of `restic forget` (SPEC 6.1):
/// `{"vault_id", "resource_id"?, "keep_last"?, "keep_daily"?,
/// "keep_weekly"?, "keep_monthly"?, "keep_within_days"?, "dry_run"?}`.
/// A request with no keep rule is refused, so that nothing is deleted by
/// accident.
package struct BackupPruneRequest: OperationRequest, Equatable {
    package var vaultId: String
    package var resourceId: String?
    package var rules: RetentionRules
    package var dryRun: Bool

    package init(_ request: JSONValue) throws(CkptError) {
        let f = try Fields(request, path: "", family: .cbr)
        try f.only(["vault_id", "resource_id", "keep_last", "keep_daily", "keep_weekly", "keep_monthly",
                    "keep_within_days", "dry_run"])
        guard let vault = try f.uuid("vault_id", required: true) else { throw .internalError("unreachable") }
        vaultId = vault
        resourceId = try f.uuid("resource_id")
        let counts: ClosedRange<Int64> = 1...1_000_000
        rules = RetentionRules(last: try f.int("keep_last", in: counts), daily: try f.int("keep_daily", in: counts),
                               weekly: try f.int("keep_weekly", in: counts), monthly: try f.int("keep_monthly", in: counts),
                               withinDays: try f.int("keep_within_days", in: 1...36_500))
        guard !rules.isEmpty else {
            throw f.fail("keep_last", "is required, or another keep rule (keep_daily, keep_weekly, keep_monthly, "
                         + "keep_within_days): a prune with no keep rule would delete every backup")
        }
        dryRun = try f.bool("dry_run") ?? false
    }
}
