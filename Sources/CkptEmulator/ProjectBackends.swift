import CkptCore
import CkptEmbedded

/// One embedded backend per project, all on the server's store file.
///
/// A backend keeps one SQLite connection and runs each call as a short
/// transaction: nothing is held open between requests, so `ckpt call` in
/// another process can use the same store at any time.  At most
/// `maxCached` projects keep a connection; requests for further projects
/// open one for the request and close it afterwards, so a flood of project
/// ids cannot exhaust file descriptors.
package final class ProjectBackends: @unchecked Sendable {
    let storePath: String
    let maxCached: Int
    private let lock = Lock()
    // Guarded by `lock`.
    private var backends: [String: EmbeddedBackend] = [:]
    private var closed = false

    package init(storePath: String, maxCached: Int = 64) {
        self.storePath = storePath
        self.maxCached = maxCached
    }

    /// Runs `body` with the backend of `project` (blocking: call it off the
    /// event loops).
    package func withBackend<T>(_ project: String, _ body: (EmbeddedBackend) throws(CkptError) -> T) throws(CkptError) -> T {
        if let cached = try cachedBackend(project) { return try body(cached) }
        // Opened outside the lock: opening may wait for another process's
        // write lock, and other projects must not wait for that.
        let opened = try EmbeddedBackend(EmbeddedConfig(path: storePath, projectId: project, fullDurability: true))
        switch place(opened, project) {
        case .kept:
            return try body(opened)
        case .temporary:
            defer { opened.close() }
            return try body(opened)
        case .raced(let other):
            opened.close()
            return try body(other)
        case .closed:
            opened.close()
            throw .internalError("the server is shutting down")
        }
    }

    private enum Placement {
        /// Cached: it stays open for later requests.
        case kept
        /// The cache is full: this request only.
        case temporary
        /// Another request cached one first: use that one.
        case raced(EmbeddedBackend)
        case closed
    }

    private func place(_ opened: EmbeddedBackend, _ project: String) -> Placement {
        lock.withLock { () -> Placement in
            if closed { return .closed }
            if let other = backends[project] { return .raced(other) }
            guard backends.count < maxCached else { return .temporary }
            backends[project] = opened
            return .kept
        }
    }

    private func cachedBackend(_ project: String) throws(CkptError) -> EmbeddedBackend? {
        try lock.withLock { () throws(CkptError) -> EmbeddedBackend? in
            guard !closed else { throw .internalError("the server is shutting down") }
            return backends[project]
        }
    }

    /// Opens (and closes) the store once, so a bad path fails at start-up.
    package func check() throws(CkptError) {
        try withBackend(ProjectId.defaultId) { (_: EmbeddedBackend) throws(CkptError) in }
    }

    /// Closes every connection; later requests fail.
    package func closeAll() {
        let all = lock.withLock { () -> [EmbeddedBackend] in
            closed = true
            defer { backends.removeAll() }
            return Array(backends.values)
        }
        for c in all { c.close() }
    }
}
