#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Wall-clock time and the documents' timestamp format.
package enum Clock {
    /// Milliseconds since the Unix epoch.
    package static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1000 &+ Int64(ts.tv_nsec) / 1_000_000
    }

    /// Monotonic milliseconds, for deadlines.
    package static func monotonicMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) &* 1000 &+ Int64(ts.tv_nsec) / 1_000_000
    }

    /// Microseconds since the Unix epoch.
    package static func nowMicros() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) &* 1_000_000 &+ Int64(ts.tv_nsec) / 1000
    }

    /// `2019-05-10T07:59:12.733403`: UTC, microseconds, no zone (seed 000).
    package static func timestamp() -> String {
        timestamp(micros: nowMicros())
    }

    /// The documents' timestamp of a time in microseconds since the epoch.
    package static func timestamp(micros: Int64) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(26)
        appendTimestamp(micros: micros, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// Appends `YYYY-MM-DDTHH:MM:SS.ffffff` of a time in microseconds: the
    /// digits go straight into the buffer (a list renders three a row).
    package static func appendTimestamp(micros: Int64, to out: inout [UInt8]) {
        let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        let s = fraction < 0 ? seconds &- 1 : seconds
        let f = fraction < 0 ? fraction &+ 1_000_000 : fraction
        var t = time_t(s)
        var parts = tm()
        gmtime_r(&t, &parts)
        func digits(_ v: Int64, _ width: Int) {
            var p: Int64 = 1
            for _ in 1..<width { p &*= 10 }
            var v = v
            if v < 0 || v >= p &* 10 { v = 0 }
            while p > 0 {
                out.append(UInt8(truncatingIfNeeded: 48 &+ (v / p) % 10))
                p /= 10
            }
        }
        digits(Int64(parts.tm_year) &+ 1900, 4)
        out.append(UInt8(ascii: "-"))
        digits(Int64(parts.tm_mon) &+ 1, 2)
        out.append(UInt8(ascii: "-"))
        digits(Int64(parts.tm_mday), 2)
        out.append(UInt8(ascii: "T"))
        digits(Int64(parts.tm_hour), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int64(parts.tm_min), 2)
        out.append(UInt8(ascii: ":"))
        digits(Int64(parts.tm_sec), 2)
        out.append(UInt8(ascii: "."))
        digits(f, 6)
    }

    /// Microseconds since the epoch of `YYYY-MM-DDTHH:MM:SS[.f{1,6}][Z|+00:00]`
    /// (UTC): the query times of the lists, and the documents' own
    /// timestamps.  Nil for anything else, or a date that does not exist.
    package static func micros(parsing text: String) -> Int64? {
        var u = Array(text.utf8)
        if u.last == UInt8(ascii: "Z") {
            u.removeLast()
        } else if u.count > 6, u.suffix(6).elementsEqual("+00:00".utf8) {
            u.removeLast(6) // the OTC examples' spelling of UTC
        }
        guard u.count >= 19, u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"), u[10] == UInt8(ascii: "T"),
              u[13] == UInt8(ascii: ":"), u[16] == UInt8(ascii: ":"),
              let seconds = unixSeconds(u, year: 0, month: 5, day: 8, hour: 11, minute: 14, second: 17)
        else { return nil }
        var fraction: Int64 = 0
        if u.count > 19 {
            guard u[19] == UInt8(ascii: "."), u.count > 20, u.count <= 26, let f = number(u, 20..<u.count) else { return nil }
            fraction = Int64(f)
            for _ in u.count..<26 { fraction &*= 10 }
        }
        return seconds &* 1_000_000 &+ fraction
    }

    /// Unix seconds of a UTC time whose fields are digits of `u` starting at
    /// the given offsets (four for the year, two for the rest).  Nil when a
    /// field is not digits, is out of range, or names a day that does not
    /// exist (timegm would move 31 April to 1 May).
    /// - Parameter maxSecond: 60 where a leap second is allowed.
    package static func unixSeconds(_ u: [UInt8], year y: Int, month mo: Int, day d: Int, hour h: Int,
                                    minute mi: Int, second s: Int, maxSecond: Int32 = 59) -> Int64?
    {
        guard let year = number(u, y..<(y + 4)), let month = number(u, mo..<(mo + 2)), let day = number(u, d..<(d + 2)),
              let hour = number(u, h..<(h + 2)), let minute = number(u, mi..<(mi + 2)), let second = number(u, s..<(s + 2)),
              year >= 1970, (1...12).contains(month), (1...31).contains(day), hour <= 23, minute <= 59,
              second <= maxSecond
        else { return nil }
        var parts = tm()
        parts.tm_year = year - 1900
        parts.tm_mon = month - 1
        parts.tm_mday = day
        parts.tm_hour = hour
        parts.tm_min = minute
        parts.tm_sec = second
        let seconds = Int64(timegm(&parts))
        var back = time_t(seconds)
        var check = tm()
        gmtime_r(&back, &check)
        // A leap second moves to the next minute, and at the end of a month to the next day.
        guard check.tm_mday == day || second == 60, check.tm_mon == month - 1 || second == 60 else { return nil }
        return seconds
    }

    /// The decimal number of `u[range]`, nil unless every byte is a digit
    /// (or the range is outside `u`).  At most 9 digits fit.
    private static func number(_ u: [UInt8], _ range: Range<Int>) -> Int32? {
        guard range.lowerBound >= 0, range.upperBound <= u.count, range.count <= 9 else { return nil }
        var n: Int32 = 0
        for i in range {
            let c = u[i]
            guard c >= 48 && c <= 57 else { return nil }
            n = n &* 10 &+ Int32(c &- 48)
        }
        return n
    }

    /// `YYYYMMDDTHHMMSSZ`, the X-Sdk-Date format, for a Unix time.
    package static func sdkDate(unixSeconds: Int64) -> String {
        var t = time_t(unixSeconds)
        var parts = tm()
        gmtime_r(&t, &parts)
        return "\(pad(Int(parts.tm_year) + 1900, 4))\(pad(Int(parts.tm_mon) + 1, 2))\(pad(Int(parts.tm_mday), 2))T"
            + "\(pad(Int(parts.tm_hour), 2))\(pad(Int(parts.tm_min), 2))\(pad(Int(parts.tm_sec), 2))Z"
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// Sleeps for `ms` milliseconds (interrupted sleeps resume).
    package static func sleep(ms: Int64) {
        guard ms > 0 else { return }
        var req = timespec(tv_sec: Int(ms / 1000), tv_nsec: Int(ms % 1000) * 1_000_000)
        var rem = timespec()
        while nanosleep(&req, &rem) != 0 && errno == EINTR { req = rem }
    }
}
