import CkptCore
@testable import CkptEmbedded
import Testing

@Suite("Store connection")
struct DatabaseTests {
    /// The statement cache hashes a text by its length and its two ends:
    /// texts that share all three must still get statements of their own.
    @Test func statementCacheTellsApartTextsWithTheSameEnds() throws {
        let db = try Database(path: tempStore(), durability: .normal)
        let head = "SELECT /* the same first thirty-two bytes */ "
        let tail = " AS n /* and the same last thirty-two bytes */"
        let one = head + "1" + tail, two = head + "2" + tail
        #expect(one.utf8.count == two.utf8.count && one.utf8.count > 64)
        #expect(SQLKey(one).hashValue == SQLKey(two).hashValue)
        #expect(SQLKey(one) != SQLKey(two))
        for (sql, want) in [(one, 1), (two, 2), (one, 1)] {
            let s = try db.statement(sql)
            #expect(try s.step())
            #expect(s.int(0) == Int64(want))
        }
    }

    /// BEGIN, COMMIT and ROLLBACK run as cached statements; a failed body
    /// rolls back and the connection takes the next transaction.
    @Test func controlStatementsCommitAndRollBack() throws {
        let db = try Database(path: tempStore(), durability: .normal)
        try db.control("BEGIN IMMEDIATE")
        try db.statement("CREATE TABLE t(x)").run()
        try db.control("COMMIT")
        for round in 0..<3 {
            try db.write { () throws(CkptError) in
                try db.statement("INSERT INTO t VALUES(1)").run()
            }
            #expect(throws: CkptError.self) {
                try db.write { () throws(CkptError) in
                    try db.statement("INSERT INTO t VALUES(2)").run()
                    throw .internalError("roll back")
                }
            }
            let s = try db.statement("SELECT count(*), sum(x) FROM t")
            #expect(try s.step())
            #expect(s.int(0) == Int64(round + 1) && s.int(1) == Int64(round + 1))
        }
        // A COMMIT with no transaction open is a storage error, not a crash.
        #expect(throws: CkptError.self) { try db.control("COMMIT") }
    }
}
