#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A fixed set of plain threads for blocking work (the embedded backend's
/// SQLite calls), so that it never runs on a NIO event loop or on the Swift
/// concurrency pool.  Jobs run in submission order, one per free thread.
final class BlockingPool: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    // Guarded by `mutex`.
    private var jobs: [@Sendable () -> Void] = []
    private var head = 0
    private var started = 0

    /// Starts `threads` detached worker threads (at least one).
    init(threads: Int) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        condition = .allocate(capacity: 1)
        condition.initialize(to: pthread_cond_t())
        pthread_cond_init(condition, nil)
        for _ in 0..<max(1, threads) where startThread() { started += 1 }
    }

    // The workers hold a reference for as long as they run, so a pool with
    // running threads is never deinitialised; this only runs when none started.
    deinit {
        pthread_cond_destroy(condition)
        condition.deinitialize(count: 1)
        condition.deallocate()
        pthread_mutex_destroy(mutex)
        mutex.deinitialize(count: 1)
        mutex.deallocate()
    }

    private func startThread() -> Bool {
        let argument = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let rc = pthread_create(&thread, nil, { raw in
            guard let raw else { return nil }
            Unmanaged<BlockingPool>.fromOpaque(raw).takeRetainedValue().workerLoop()
            return nil
        }, argument)
        guard rc == 0 else {
            Unmanaged<BlockingPool>.fromOpaque(argument).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    private func workerLoop() {
        while true {
            pthread_mutex_lock(mutex)
            while head == jobs.count { pthread_cond_wait(condition, mutex) }
            let job = jobs[head]
            head += 1
            if head == jobs.count {
                jobs.removeAll(keepingCapacity: true)
                head = 0
            }
            pthread_mutex_unlock(mutex)
            job()
        }
    }

    /// Queues `job`; when no worker thread could be started it runs here.
    func submit(_ job: @escaping @Sendable () -> Void) {
        pthread_mutex_lock(mutex)
        let hasWorkers = started > 0
        if hasWorkers {
            jobs.append(job)
            pthread_cond_signal(condition)
        }
        pthread_mutex_unlock(mutex)
        if !hasWorkers { job() }
    }

    /// Runs `work` on a pool thread and returns its result to the caller's task.
    func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async -> T {
        await withCheckedContinuation { (continuation: CheckedContinuation<T, Never>) in
            submit { continuation.resume(returning: work()) }
        }
    }
}
