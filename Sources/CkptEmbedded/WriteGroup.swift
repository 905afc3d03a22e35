import CkptCore

/// Group commit: the writers of one handle share a transaction and its
/// fsync.
///
/// A writer queues its body, then waits for the connection.  Whoever gets
/// the connection first (the leader) takes every queued body, runs each in
/// a savepoint of its own inside one `BEGIN IMMEDIATE` transaction, commits
/// once, and hands each writer its outcome; a writer whose body a leader ran
/// finds it done when it gets the connection and returns at once.  While a
/// leader waits for its fsync, the writers arriving meanwhile queue up and
/// the next leader commits them together, so at durability `full` eight
/// writers pay about one fsync instead of eight.  Every writer returns only
/// after the commit that holds its write: what returned success is on disk.
final class WriteGroup: @unchecked Sendable {
    private let lock = Lock()
    // Guarded by `lock`.
    private var queued: [PendingWrite] = []
    /// Transactions committed (or tried) and the writes they held; written
    /// by the leader while it holds the connection.
    private(set) var transactions = 0
    private(set) var writes = 0

    /// Queues a body; then, holding the connection, `takeQueued` and `commit`.
    func enqueue(_ write: PendingWrite) {
        lock.withLock { queued.append(write) }
    }

    /// Takes every queued body, the caller's own among them unless a
    /// leader already ran it.
    func takeQueued() -> [PendingWrite] {
        lock.withLock {
            defer { queued = [] }
            return queued
        }
    }

    /// Runs `batch` in one transaction on `db` (the caller holds it), each
    /// body in a savepoint (a body that throws is rolled back alone and gets
    /// its error), and commits once.  A busy store reruns the whole batch
    /// (`Database.write` retries its transaction; nothing was committed).
    /// A failed commit is every body's failure.  Every write in `batch` is
    /// done afterwards.
    func commit(_ batch: [PendingWrite], on db: Database, settle: (Database) throws(CkptError) -> Void) {
        transactions &+= 1
        writes &+= batch.count
        do {
            try db.write { () throws(CkptError) in
                try settle(db)
                // One body alone needs no savepoint: its failure rolls the
                // transaction back, as before group commit.
                if batch.count == 1, let only = batch.first {
                    try only.run(db, savepoint: false)
                } else {
                    for write in batch { try write.run(db, savepoint: true) }
                }
            }
            for write in batch { write.finish(nil) }
        } catch {
            for write in batch { write.finish(error) }
        }
    }
}

/// One writer's body, run by whichever writer leads the group.
protocol PendingWrite: AnyObject {
    /// Runs the body, keeping its outcome.  Throws only what must undo the
    /// whole batch: SQLITE_BUSY (the batch is run again), or, without a
    /// savepoint, the body's own error (the transaction rolls back).
    func run(_ db: Database, savepoint: Bool) throws(CkptError)
    /// After the commit (nil) or the batch's failure: the outcome is final.
    func finish(_ batchError: CkptError?)
    var isDone: Bool { get }
}

/// A `PendingWrite` with a result of type `T`.  Its fields are written by
/// the leader and read by the writer only while each holds the connection
/// lock, so they need no lock of their own.
final class WriteJob<T>: PendingWrite {
    private var body: ((Database) throws(CkptError) -> T)?
    private var outcome: Result<T, CkptError>?
    private(set) var isDone = false

    init(_ body: @escaping (Database) throws(CkptError) -> T) {
        self.body = body
    }

    func run(_ db: Database, savepoint: Bool) throws(CkptError) {
        outcome = nil
        guard let body else { return }
        guard savepoint else {
            outcome = .success(try body(db))
            return
        }
        try db.control("SAVEPOINT write_group")
        do {
            outcome = .success(try body(db))
            db.resetAll()
            try db.control("RELEASE write_group")
        } catch where error == BusyError.busy {
            throw error
        } catch {
            // Undo this body's writes only; the others commit.
            db.resetAll()
            try db.control("ROLLBACK TO write_group")
            try db.control("RELEASE write_group")
            outcome = .failure(error)
        }
    }

    func finish(_ batchError: CkptError?) {
        if let batchError { outcome = .failure(batchError) }
        body = nil // nothing of the caller's is kept past its call
        isDone = true
    }

    /// The body's result, or its error, or the batch's.
    func result() throws(CkptError) -> T {
        guard let outcome else { throw .internalError("a write finished without an outcome") }
        return try outcome.get()
    }
}
