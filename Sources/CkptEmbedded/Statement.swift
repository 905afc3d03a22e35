import CSQLiteShim
import CkptCore
import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// A prepared statement in use.  Columns are read by index.
struct Statement {
    let stmt: OpaquePointer
    unowned let database: Database

    func bind(_ index: Int32, _ text: String) {
        var text = text
        text.withUTF8 { buf in
            buf.withMemoryRebound(to: CChar.self) { p in
                if let base = p.baseAddress {
                    _ = ckpt_shim_bind_text(stmt, index, base, Int32(clamping: buf.count))
                } else {
                    _ = ckpt_shim_bind_text(stmt, index, "", 0)
                }
            }
        }
    }

    func bind(_ index: Int32, _ value: Int64) {
        sqlite3_bind_int64(stmt, index, value)
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(stmt, index, value) } else { sqlite3_bind_null(stmt, index) }
    }

    /// A blob (a UUID's 16 bytes; an empty array binds a zero-length blob).
    func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { raw in
            _ = ckpt_shim_bind_blob(stmt, index, raw.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32(clamping: raw.count))
        }
    }

    /// Binds each value in order from `start`: what a built query collects.
    func bind(_ values: [SQLValue], from start: Int32 = 1) {
        for (i, v) in values.enumerated() {
            let n = start + Int32(i)
            switch v {
            case .int(let x): bind(n, x)
            case .text(let t): bind(n, t)
            case .blob(let b): bind(n, blob: b)
            }
        }
    }

    /// Steps once: true for a row, false when done.
    func step() throws(CkptError) -> Bool {
        let rc = sqlite3_step(stmt)
        switch rc & 0xff {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        case SQLITE_BUSY: sqlite3_reset(stmt); throw BusyError.busy
        default:
            let e = database.failure(rc, "query")
            sqlite3_reset(stmt)
            throw e
        }
    }

    /// Ends the statement's run, so that it can be bound and run again.
    func reset() { sqlite3_reset(stmt) }

    /// Runs a statement that returns no rows.
    func run() throws(CkptError) {
        while try step() {}
    }

    func text(_ col: Int32) -> String {
        guard let p = sqlite3_column_text(stmt, col) else { return "" }
        let n = Int(sqlite3_column_bytes(stmt, col))
        return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
    }

    func int(_ col: Int32) -> Int64 { sqlite3_column_int64(stmt, col) }

    /// nil for SQL NULL.
    func optionalInt(_ col: Int32) -> Int64? {
        sqlite3_column_type(stmt, col) == SQLITE_NULL ? nil : sqlite3_column_int64(stmt, col)
    }

    func blob(_ col: Int32) -> [UInt8] {
        guard let p = sqlite3_column_blob(stmt, col) else { return [] }
        let n = Int(sqlite3_column_bytes(stmt, col))
        return Array(UnsafeRawBufferPointer(start: p, count: n))
    }

    /// A column as a value to bind again (NULL reads as -1: the lists'
    /// sort expressions never yield NULL).
    func value(_ col: Int32) -> SQLValue {
        switch sqlite3_column_type(stmt, col) {
        case SQLITE_TEXT: return .text(text(col))
        case SQLITE_BLOB: return .blob(blob(col))
        case SQLITE_INTEGER: return .int(int(col))
        default: return .int(-1)
        }
    }

    /// A UUID kept as its 16 bytes, as text ("" for a zero-length blob).
    func uuid(_ col: Int32) -> String { UUIDText.text(of: blob(col)) }

    /// Runs `body` over the column's raw bytes (no copy into a String).
    func withBytes<T>(_ col: Int32, _ body: (UnsafePointer<CChar>, Int) throws(CkptError) -> T) throws(CkptError) -> T {
        // column_text first, then column_bytes: SQLite's documented order.
        guard let p = sqlite3_column_text(stmt, col) else {
            throw .storage("missing document in store")
        }
        let n = Int(sqlite3_column_bytes(stmt, col))
        return try p.withMemoryRebound(to: CChar.self, capacity: n) { (c) throws(CkptError) -> T in try body(c, n) }
    }
}
