import CkptCore

/// The `created_us` of new backups and tasks: the wall clock (plus the
/// handle's simulated offset), but always after the newest row of the
/// table, so that two rows never share a `created_at` (one microsecond apart
/// at worst) and ids made from it (`UUIDGenerator.makeTimeOrdered(micros:)`)
/// keep the table's key order its `created_at` order.  Call
/// inside the write that inserts the rows.
struct Stamps {
    private var next: Int64

    /// The tables whose rows are stamped; each names its query, written
    /// once (a create asks two of them).
    enum Table {
        case backups, operationLogs

        var newestQuery: String {
            switch self {
            case .backups: "SELECT created_us FROM backups ORDER BY id DESC LIMIT 1"
            case .operationLogs: "SELECT created_us FROM operation_logs ORDER BY id DESC LIMIT 1"
            }
        }
    }

    init(_ db: Database, table: Table, now: Int64) throws(CkptError) {
        let s = try db.statement(table.newestQuery)
        let last = try s.step() ? s.int(0) : Int64.min
        next = max(now, last == .min ? now : last &+ 1)
    }

    /// The next stamp; each is one microsecond after the one before at least.
    mutating func take() -> Int64 {
        defer { next &+= 1 }
        return next
    }
}
