import CSQLiteShim
import CkptCore
import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// One SQLite connection with a cache of prepared statements.  Not
/// thread-safe by itself: `EmbeddedBackend` serialises use behind its lock.
final class Database {
    private let db: OpaquePointer
    private var statements: [SQLKey: OpaquePointer] = [:]
    let path: String

    /// How long a writer waits for another writer before giving up.  Far
    /// beyond any transaction here, so "database is locked" never surfaces.
    static let busyDeadlineMs: Int64 = 120_000

    /// The WAL is truncated to this size when a checkpoint resets it, and to
    /// zero when the last connection closes.
    static let walSizeLimitBytes = 64 << 20

    enum Durability: String { case full, normal }

    init(path: String, durability: Durability) throws(CkptError) {
        self.path = path
        var handle: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX
        let rc = sqlite3_open_v2(path, &handle, flags, nil)
        guard rc == SQLITE_OK, let handle else {
            let msg = handle.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_close(handle)
            throw .storage("cannot open store \(path): \(Database.explain(path) ?? msg)")
        }
        db = handle
        // Keep the WAL file when the last connection closes, so a short-lived
        // process (a `ckpt call`) does not create and delete it every run.
        var persist: Int32 = 1
        sqlite3_file_control(db, "main", SQLITE_FCNTL_PERSIST_WAL, &persist)
        sqlite3_busy_timeout(db, 250)
        sqlite3_extended_result_codes(db, 1)
        do {
            if path != ":memory:" {
                // Switching to WAL takes a write lock: retry while another
                // process holds one.
                try retryingBusy { () throws(CkptError) in try exec("PRAGMA journal_mode=WAL") }
            }
            try exec("PRAGMA synchronous=\(durability == .full ? "FULL" : "NORMAL")")
            // With a size limit the last connection to close truncates the
            // persistent WAL to zero bytes after its checkpoint.  Without
            // one the WAL keeps its frames, and every process that opens the
            // store next (each `ckpt call`) recovers them and copies them into
            // the database again: 18 page writes and 3 fsyncs for a get of a
            // small store.  The limit also bounds the WAL of a long-lived
            // process once a checkpoint resets it.
            try exec("PRAGMA journal_size_limit=\(Database.walSizeLimitBytes)")
        } catch {
            close() // marks it closed, so deinit does not close it again
            throw error
        }
    }

    deinit { close() }

    /// Why a store path cannot be opened, when the file system can say.
    static func explain(_ path: String) -> String? {
        guard path != ":memory:" else { return nil }
        let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
        var st = stat()
        if stat(dir.isEmpty ? "/" : dir, &st) != 0 { return "the directory \(dir) does not exist" }
        if (st.st_mode & S_IFMT) != S_IFDIR { return "\(dir) is not a directory" }
        if access(dir.isEmpty ? "/" : dir, W_OK) != 0 { return "the directory \(dir) is not writable" }
        return nil
    }

    private var closed = false

    func close() {
        guard !closed else { return }
        closed = true
        for (_, s) in statements { sqlite3_finalize(s) }
        statements.removeAll()
        for (_, s) in listStatements { sqlite3_finalize(s) }
        listStatements.removeAll()
        sqlite3_close_v2(db)
    }

    func failure(_ rc: Int32, _ what: String) -> CkptError {
        let msg = String(cString: sqlite3_errmsg(db))
        if rc & 0xff == SQLITE_FULL { return .storage("\(what): the disk is full (\(msg))") }
        return .storage("\(what): \(msg)")
    }

    func exec(_ sql: String) throws(CkptError) {
        var err: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &err)
        if rc != SQLITE_OK {
            let msg = err.map { String(cString: $0) } ?? String(cString: sqlite3_errstr(rc))
            sqlite3_free(err)
            throw rc & 0xff == SQLITE_BUSY ? BusyError.busy : .storage("\(sql.prefix(40)): \(msg)")
        }
    }

    /// Runs a transaction control statement (BEGIN, COMMIT, SAVEPOINT...)
    /// prepared once and kept in the statement cache: `exec` would parse
    /// it again on every transaction.  Errors read as `exec`'s do.
    func control(_ sql: String) throws(CkptError) {
        let stmt = try statement(sql).stmt
        let rc = sqlite3_step(stmt)
        defer { sqlite3_reset(stmt) }
        guard rc & 0xff != SQLITE_DONE else { return }
        if rc & 0xff == SQLITE_BUSY { throw BusyError.busy }
        throw .storage("\(sql.prefix(40)): \(String(cString: sqlite3_errmsg(db)))")
    }

    /// A cached prepared statement, reset and with its bindings cleared.
    func statement(_ sql: String) throws(CkptError) -> Statement {
        if let s = statements[SQLKey(sql)] {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
            return Statement(stmt: s, database: self)
        }
        var s: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &s, nil)
        guard rc == SQLITE_OK, let s else { throw failure(rc, "prepare") }
        statements[SQLKey(sql)] = s
        return Statement(stmt: s, database: self)
    }

    /// A prepared statement for SQL built at run time (a list with its
    /// filters): kept in a small cache of its own, oldest out first, so
    /// that varied lists cannot grow the statement cache without bound.
    /// It stays valid until the next call of `listStatement`.
    func listStatement(_ sql: String) throws(CkptError) -> Statement {
        if let s = listStatements[sql] {
            sqlite3_reset(s)
            sqlite3_clear_bindings(s)
            return Statement(stmt: s, database: self)
        }
        if listStatements.count >= Database.maxListStatements, let oldest = listOrder.first {
            listOrder.removeFirst()
            if let s = listStatements.removeValue(forKey: oldest) { sqlite3_finalize(s) }
        }
        var s: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, sql, -1, 0, &s, nil)
        guard rc == SQLITE_OK, let s else { throw failure(rc, "prepare") }
        listStatements[sql] = s
        listOrder.append(sql)
        return Statement(stmt: s, database: self)
    }

    private var listStatements: [String: OpaquePointer] = [:]
    private var listOrder: [String] = []
    static let maxListStatements = 32

    var changes: Int { Int(sqlite3_changes(db)) }

    var lastInsertRowid: Int64 { sqlite3_last_insert_rowid(db) }

    /// Resets every cached statement, ending any read they hold open.
    func resetAll() {
        for (_, s) in statements { sqlite3_reset(s) }
        for (_, s) in listStatements { sqlite3_reset(s) }
    }

    /// Runs `body` in a `BEGIN IMMEDIATE` transaction, so the write lock is
    /// taken up front and a reader never has to upgrade (which SQLite
    /// cannot wait for).  A busy lock anywhere rolls back and runs the whole
    /// transaction again, up to `busyDeadlineMs`; nothing was committed then,
    /// so nothing is done twice.
    func write<T>(_ body: () throws(CkptError) -> T) throws(CkptError) -> T {
        if inTransaction { return try body() }
        return try retryingBusy { () throws(CkptError) -> T in
            try control("BEGIN IMMEDIATE")
            inTransaction = true
            defer { inTransaction = false }
            do throws(CkptError) {
                let result = try body()
                // A statement left on a row would keep the transaction open.
                resetAll()
                try control("COMMIT")
                return result
            } catch {
                try? control("ROLLBACK")
                throw error
            }
        }
    }

    private var inTransaction = false

    /// Retries an operation that failed with SQLITE_BUSY (after SQLite's own
    /// busy handler gave up), with a short sleep, until the deadline.
    func retryingBusy<T>(_ op: () throws(CkptError) -> T) throws(CkptError) -> T {
        let deadline = Clock.monotonicMs() &+ Database.busyDeadlineMs
        var pause: Int64 = 1
        while true {
            do {
                return try op()
            } catch where error == BusyError.busy {
                if Clock.monotonicMs() >= deadline {
                    throw .storage("the store \(path) stayed locked by another writer for \(Database.busyDeadlineMs / 1000) s")
                }
                Clock.sleep(ms: pause)
                pause = min(pause * 2, 50)
            }
        }
    }
}

/// The statement cache's key: SQL text, hashed by its length and its first
/// and last 32 bytes rather than all of it.  A write looks up a dozen
/// statements of 100 to 400 bytes; their ends tell them apart, and equal
/// hashes are settled by comparing the whole text.
struct SQLKey: Hashable {
    let sql: String

    init(_ sql: String) { self.sql = sql }

    func hash(into h: inout Hasher) {
        var s = sql
        s.withUTF8 { b in
            h.combine(b.count)
            if b.count <= 64 {
                h.combine(bytes: UnsafeRawBufferPointer(b))
            } else {
                let raw = UnsafeRawBufferPointer(b)
                h.combine(bytes: UnsafeRawBufferPointer(rebasing: raw[0..<32]))
                h.combine(bytes: UnsafeRawBufferPointer(rebasing: raw[(raw.count - 32)..<raw.count]))
            }
        }
    }

    static func == (a: SQLKey, b: SQLKey) -> Bool { a.sql == b.sql }
}
