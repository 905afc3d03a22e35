import CSQLiteShim
import CkptCore
import CSQLite
#if canImport(Glibc)
import Glibc
#endif

/// SQLITE_BUSY, kept apart from real failures so it can be retried.
enum BusyError {
    static let busy = CkptError(.storage, httpStatus: 0, code: "", "SQLITE_BUSY")
}
