/// A UTC calendar date from a time, for the retention buckets: days,
/// ISO 8601 weeks and months (Howard Hinnant's `civil_from_days`, so no
/// time zone database is involved).
package struct CivilDate: Sendable, Equatable {
    package var year: Int64
    package var month: Int64
    package var day: Int64
    /// Days since 1970-01-01.
    package var dayNumber: Int64

    package init(micros: Int64) {
        let day = micros >= 0 ? micros / 86_400_000_000 : (micros &+ 1) / 86_400_000_000 &- 1
        self.init(dayNumber: day)
    }

    package init(dayNumber z0: Int64) {
        dayNumber = z0
        let z = z0 &+ 719_468
        let era = (z >= 0 ? z : z &- 146_096) / 146_097
        let doe = z &- era &* 146_097
        let yoe = (doe &- doe / 1460 &+ doe / 36524 &- doe / 146_096) / 365
        let doy = doe &- (365 &* yoe &+ yoe / 4 &- yoe / 100)
        let mp = (5 &* doy &+ 2) / 153
        day = doy &- (153 &* mp &+ 2) / 5 &+ 1
        month = mp < 10 ? mp &+ 3 : mp &- 9
        year = yoe &+ era &* 400 &+ (month <= 2 ? 1 : 0)
    }

    /// Monday 1 ... Sunday 7 (1970-01-01 was a Thursday).
    package var isoWeekday: Int64 {
        let w = (dayNumber &+ 3) % 7
        return (w < 0 ? w &+ 7 : w) &+ 1
    }

    /// `year * 100 + month`.
    package var monthNumber: Int64 { year &* 100 &+ month }

    /// `isoYear * 100 + isoWeek`: the week's Thursday decides its year.
    package var isoWeekNumber: Int64 {
        let thursday = CivilDate(dayNumber: dayNumber &- isoWeekday &+ 4)
        let jan1 = Self.dayNumber(year: thursday.year, month: 1, day: 1)
        let week = (thursday.dayNumber &- jan1) / 7 &+ 1
        return thursday.year &* 100 &+ week
    }

    /// `YYYY-MM-DD`.
    package var text: String { "\(Self.pad(year, 4))-\(Self.pad(month, 2))-\(Self.pad(day, 2))" }

    /// `YYYY-Www` of an `isoWeekNumber`.
    package static func isoWeekText(_ n: Int64) -> String { "\(pad(n / 100, 4))-W\(pad(n % 100, 2))" }

    /// `YYYY-MM` of a `monthNumber`.
    package static func monthText(_ n: Int64) -> String { "\(pad(n / 100, 4))-\(pad(n % 100, 2))" }

    /// Days since 1970-01-01 of a date (`days_from_civil`).
    package static func dayNumber(year y0: Int64, month m: Int64, day d: Int64) -> Int64 {
        let y = m <= 2 ? y0 &- 1 : y0
        let era = (y >= 0 ? y : y &- 399) / 400
        let yoe = y &- era &* 400
        let doy = (153 &* (m > 2 ? m &- 3 : m &+ 9) &+ 2) / 5 &+ d &- 1
        let doe = yoe &* 365 &+ yoe / 4 &- yoe / 100 &+ doy
        return era &* 146_097 &+ doe &- 719_468
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }
}
