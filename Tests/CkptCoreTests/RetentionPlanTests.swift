import CkptCore
import Testing

/// Microseconds of a UTC date and time.
func at(_ y: Int64, _ m: Int64, _ d: Int64, _ h: Int64 = 12) -> Int64 {
    (CivilDate.dayNumber(year: y, month: m, day: d) * 86_400 + h * 3600) * 1_000_000
}

@Suite("Retention (backup.prune's plan)")
struct RetentionPlanTests {
    @Test(arguments: [
        // (date, ISO year * 100 + week): the week's Thursday decides the year.
        ((2026, 12, 2), 202649), ((2021, 1, 3), 202053), ((2021, 1, 4), 202101), ((2020, 12, 31), 202053),
        ((2024, 12, 30), 202501), ((2027, 1, 1), 202653), ((1970, 1, 1), 197001),
    ] as [((Int64, Int64, Int64), Int64)])
    func isoWeeks(_ date: (Int64, Int64, Int64), _ week: Int64) {
        #expect(CivilDate(micros: at(date.0, date.1, date.2)).isoWeekNumber == week)
    }

    @Test func civilDatesRoundTrip() {
        for day in stride(from: Int64(-800), to: 40_000, by: 37) {
            let d = CivilDate(dayNumber: day)
            #expect(CivilDate.dayNumber(year: d.year, month: d.month, day: d.day) == day)
        }
        #expect(CivilDate(micros: at(2026, 2, 28, 23) + 3_599_999_999).text == "2026-02-28")
        #expect(CivilDate(micros: -1).text == "1969-12-31")
    }

    @Test func keepLastKeepsTheNewest() {
        let b = (1...5).map { RetentionPlan.Backup(id: "b\($0)", createdMicros: at(2026, 1, Int64($0))) }
        let plan = RetentionPlan.plan(b.shuffled(), RetentionRules(last: 2))
        #expect(plan.keep.map(\.id) == ["b5", "b4"])
        #expect(plan.keep.allSatisfy { $0.reasons == ["last"] })
        #expect(plan.remove == ["b3", "b2", "b1"])
    }

    @Test func dailyKeepsTheNewestOfEachDayWithBackups() {
        // Two a day on the 1st, 2nd and 4th (none on the 3rd).
        var b: [RetentionPlan.Backup] = []
        for d: Int64 in [1, 2, 4] {
            b.append(.init(id: "d\(d)-am", createdMicros: at(2026, 3, d, 8)))
            b.append(.init(id: "d\(d)-pm", createdMicros: at(2026, 3, d, 20)))
        }
        let plan = RetentionPlan.plan(b, RetentionRules(daily: 2))
        #expect(plan.keep.map(\.id) == ["d4-pm", "d2-pm"])
        #expect(plan.keep.map(\.reasons) == [["daily 2026-03-04"], ["daily 2026-03-02"]])
        #expect(Set(plan.remove) == ["d4-am", "d2-am", "d1-pm", "d1-am"])
    }

    @Test func rulesCombineAndReasonsAddUp() {
        let b = [
            RetentionPlan.Backup(id: "new", createdMicros: at(2026, 12, 2)),
            RetentionPlan.Backup(id: "week", createdMicros: at(2026, 11, 25)),
            RetentionPlan.Backup(id: "month", createdMicros: at(2026, 10, 1)),
            RetentionPlan.Backup(id: "old", createdMicros: at(2025, 1, 1)),
        ]
        let plan = RetentionPlan.plan(b, RetentionRules(last: 1, weekly: 2, monthly: 3, withinDays: 7))
        #expect(plan.keep.map(\.id) == ["new", "week", "month"])
        #expect(plan.keep[0].reasons == ["last", "weekly 2026-W49", "monthly 2026-12", "within 7 days"])
        #expect(plan.keep[1].reasons == ["weekly 2026-W48", "monthly 2026-11"])
        #expect(plan.keep[2].reasons == ["monthly 2026-10"])
        #expect(plan.remove == ["old"])
    }

    @Test func withinIsRelativeToTheNewestBackupAndStrict() {
        let day: Int64 = 86_400_000_000
        let newest = at(2020, 6, 15)
        let b = [RetentionPlan.Backup(id: "n", createdMicros: newest),
                 RetentionPlan.Backup(id: "edge", createdMicros: newest - 3 * day),
                 RetentionPlan.Backup(id: "in", createdMicros: newest - 3 * day + 1)]
        let plan = RetentionPlan.plan(b, RetentionRules(withinDays: 3))
        #expect(plan.keep.map(\.id) == ["n", "in"])
        #expect(plan.remove == ["edge"])
    }

    @Test func nothingToJudge() {
        let plan = RetentionPlan.plan([], RetentionRules(last: 1))
        #expect(plan.keep.isEmpty && plan.remove.isEmpty)
    }

    @Test func pruneRequestsNeedAKeepRule() throws {
        let vault = "3b5816b5-f29c-4172-9d9a-76c719a659ce"
        let e = parameterError { () throws(CkptError) in _ = try BackupPruneRequest(["vault_id": .string(vault)]) }
        #expect(e?.errorCode == "BackupService.9900" && e?.message.contains("keep") == true)
        let zero = parameterError { () throws(CkptError) in
            _ = try BackupPruneRequest(["vault_id": .string(vault), "keep_last": 0])
        }
        #expect(zero?.message.contains("keep_last") == true)
        let r = try BackupPruneRequest(["vault_id": .string(vault), "keep_daily": 7, "dry_run": true])
        #expect(r.rules == RetentionRules(daily: 7) && r.dryRun)
    }
}
