import CkptCore

/// A durable local checkpoint service in one SQLite file: the default
/// backend, and the emulator other teams test against.
///
/// Lifecycle is evaluated lazily (`Lifecycle`): what is in progress is
/// stored with the time it ends, and every call first moves on what is due,
/// so many processes agree without a background thread.
package final class EmbeddedBackend: Backend, @unchecked Sendable {
    package let kind = BackendKind.embedded
    private let lock = Lock()
    private var database: Database?
    let vaultDocuments = DocumentCache()
    let config: EmbeddedConfig
    /// The project's number in the backup and task rows.
    let projectNo: Int64

    package init(_ config: EmbeddedConfig) throws(CkptError) {
        self.config = config
        let db = try Database(path: config.path, durability: config.fullDurability ? .full : .normal)
        try StoreSchema.migrate(db)
        let project = config.projectId
        let known = try db.retryingBusy { () throws(CkptError) -> Int64? in
            try Projects.number(db, project, create: false)
        }
        if let known {
            projectNo = known
        } else {
            projectNo = try db.retryingBusy { () throws(CkptError) -> Int64 in
                try db.write { () throws(CkptError) -> Int64 in try Projects.number(db, project, create: true) ?? 0 }
            }
        }
        db.resetAll()
        database = db
    }

    package func close() {
        lock.withLock {
            database?.close()
            database = nil
        }
    }

    /// Runs `body` on the connection, one call at a time per handle.
    /// - Parameter settle: first move on what is due (`Lifecycle.settleDue`):
    ///   a read that shows lifecycle state asks for it; a write settles
    ///   inside its own transaction instead (no second lock); a read of one
    ///   checkpoint checks that checkpoint alone.
    func withDatabase<T>(settle: Bool = false, _ body: (Database) throws(CkptError) -> T) throws(CkptError) -> T {
        try lock.withLock { () throws(CkptError) -> T in
            guard let database else { throw .argument("the client is closed") }
            // Reads can meet a busy lock too (WAL recovery by another process).
            defer { database.resetAll() }
            return try database.retryingBusy { () throws(CkptError) -> T in
                if settle { try Lifecycle.settleDue(database) }
                return try body(database)
            }
        }
    }

    /// Runs `body` in a write transaction, after moving on what is due.
    /// Concurrent writers of this handle share the transaction and its
    /// commit (group commit, `WriteGroup`); each returns only once the commit
    /// that holds its write is done (and, at durability `full`, on disk).
    /// A body may run on another writer's thread while its own waits.
    func withWrite<T>(_ body: @escaping (Database) throws(CkptError) -> T) throws(CkptError) -> T {
        let job = WriteJob(body)
        writeGroup.enqueue(job)
        lock.withLock {
            // A leader may have committed it while this thread waited.
            guard !job.isDone else { return }
            let batch = writeGroup.takeQueued()
            guard let database else {
                for write in batch { write.finish(.argument("the client is closed")) }
                return
            }
            defer { database.resetAll() }
            writeGroup.commit(batch, on: database, settle: Lifecycle.settleDue)
        }
        return try job.result()
    }

    private let writeGroup = WriteGroup()

    /// How many write transactions this handle ran, and how many writes they
    /// held (more writes than transactions: group commit at work).
    package var writeTransactions: (transactions: Int, writes: Int) {
        lock.withLock { (writeGroup.transactions, writeGroup.writes) }
    }

    var project: String { config.projectId }

    /// `created_at` time for what this handle creates, in µs.
    var nowMicros: Int64 { Clock.nowMicros() &+ config.clockOffsetMs &* 1000 }

    // MARK: Vaults

    package func createVault(_ r: VaultCreateRequest) throws(CkptError) -> Reply {
        let id = UUIDGenerator.make()
        let doc = Documents.vault(r, id: id, projectId: project, createdAt: Clock.timestamp())
        let text = try Documents.text(doc)
        try withWrite { [self] (db) throws(CkptError) in
            let s = try db.statement(
                "INSERT INTO vaults(project_id, id, status, size_gb, used_gb, doc) VALUES(?, ?, 'available', ?, 0, ?)")
            s.bind(1, project); s.bind(2, id); s.bind(3, r.sizeGB); s.bind(4, text)
            try s.run()
        }
        return Reply(doc)
    }

    package func getVault(id: String) throws(CkptError) -> Reply {
        try withDatabase(settle: true) { (db) throws(CkptError) in
            guard let v = try VaultRow.load(db, project: project, id: id) else { throw .vaultNotFound(id) }
            return Reply(try v.document())
        }
    }

    package func setVaultStatus(_ r: SetStatusRequest) throws(CkptError) -> Reply {
        try withWrite { [self] (db) throws(CkptError) in
            // A status set by hand holds: a `deleting` one never ends by itself.
            let s = try db.statement("UPDATE vaults SET status = ?, ready_at = -1 WHERE project_id = ? AND id = ?")
            s.bind(1, r.status); s.bind(2, project); s.bind(3, r.id)
            try s.run()
            guard db.changes == 1, let v = try VaultRow.load(db, project: project, id: r.id) else {
                throw .vaultNotFound(r.id)
            }
            return Reply(try v.document())
        }
    }

    // MARK: Policies

    package func createPolicy(_ r: PolicyCreateRequest) throws(CkptError) -> Reply {
        let id = UUIDGenerator.make()
        let doc = Documents.policy(r, id: id, projectId: project, createdAt: Clock.timestamp())
        let text = try Documents.text(doc)
        let sizes = try Documents.text(.object(JSONObject(r.resources.map { ($0.id, JSONValue.int($0.sizeGB)) })))
        try withWrite { [self] (db) throws(CkptError) in
            let s = try db.statement("INSERT INTO policies(project_id, id, sizes, doc) VALUES(?, ?, ?, ?)")
            s.bind(1, project); s.bind(2, id); s.bind(3, sizes); s.bind(4, text)
            try s.run()
        }
        return Reply(doc)
    }

    package func getPolicy(id: String) throws(CkptError) -> Reply {
        try withDatabase { (db) throws(CkptError) in
            let s = try db.statement("SELECT doc FROM policies WHERE project_id = ? AND id = ?")
            s.bind(1, project); s.bind(2, id)
            guard try s.step() else { throw .policyNotFound(id) }
            return Reply(text: s.text(0))
        }
    }

    // MARK: Checkpoints

    package func getCheckpoint(id: String) throws(CkptError) -> Reply {
        try withDatabase { (db) throws(CkptError) in
            guard let row = try CheckpointRow.current(db, project: project, id: id, api: .cbr) else {
                throw .checkpointNotFound(id)
            }
            return row.reply
        }
    }

    package func getPolicyCheckpoint(providerId: String, id: String) throws(CkptError) -> Reply {
        try withDatabase { (db) throws(CkptError) in
            guard let row = try CheckpointRow.current(db, project: project, id: id, api: .csbs) else {
                throw .csbsCheckpointNotFound(id)
            }
            return row.reply
        }
    }

    package func setCheckpointStatus(_ r: SetStatusRequest) throws(CkptError) -> Reply {
        try withWrite { [self] (db) throws(CkptError) in
            guard var row = try CheckpointRow.load(db, project: project, id: r.id, api: nil) else {
                throw .checkpointNotFound(r.id)
            }
            try Lifecycle.setStatus(db, &row, project: project, to: CheckpointStatus(rawValue: r.status) ?? .error)
            return row.reply
        }
    }

    package func createCheckpoint(_ r: CheckpointCreateRequest) throws(CkptError) -> Reply {
        let param = r.parameters ?? CheckpointParam()
        return try withWrite { [self] (db) throws(CkptError) in
            guard let vault = try VaultRow.load(db, project: project, id: r.vaultId, cache: vaultDocuments) else {
                throw .vaultMissing(r.vaultId)
            }
            guard vault.status == .available else { throw .vaultStatus(r.vaultId, vault.status.rawValue) }

            let (name, available) = try vault.resources()
            let chosen = try Self.choose(available, param.resources, family: .cbr,
                                         field: "checkpoint.parameters.resources")
            if chosen.isEmpty { throw .noResource(r.vaultId) }
            let (free, skipped) = try ResourceLocks.partition(db, project: project, chosen)
            if free.isEmpty { throw .vaultBusy(r.vaultId) }
            let size = free.reduce(Int64(0)) { $0 &+ $1.sizeGB }
            if vault.usedGB &+ size > vault.sizeGB {
                throw .vaultCapacity(r.vaultId, used: vault.usedGB, adding: size, size: vault.sizeGB)
            }

            let id = UUIDGenerator.makeTimeOrdered()
            var stamps = try Stamps(db, table: .backups, now: nowMicros)
            let created = stamps.take()
            let stored = Documents.checkpoint(
                id: id, projectId: project, createdAt: Clock.timestamp(micros: created), vaultId: r.vaultId,
                vaultName: name, providerId: vault.providerId, resources: free, skipped: skipped, param: param)
            let backup = NewBackups(
                checkpoint: id, vault: r.vaultId, vaultName: name, provider: ProviderKind(id: vault.providerId),
                name: Documents.backupName(id: id, param.name, autoTrigger: param.autoTrigger ?? false),
                description: param.description ?? "", incremental: param.incremental ?? true,
                autoTrigger: param.autoTrigger ?? false, policyId: param.policyId ?? "")
            try insert(db, id: id, api: .cbr, container: r.vaultId, resources: free, size: size, doc: stored,
                       backups: backup, stamps: &stamps, firstStamp: created)
            return Reply(text: try Documents.text(Documents.removingProviderId(stored)))
        }
    }

    package func executePolicy(_ r: PolicyExecuteRequest) throws(CkptError) -> Reply {
        try withWrite { [self] (db) throws(CkptError) in
            let s = try db.statement("SELECT doc, sizes FROM policies WHERE project_id = ? AND id = ?")
            s.bind(1, project); s.bind(2, r.planId)
            guard try s.step() else { throw .policyNotFound(r.planId) }
            let policy = try Documents.parse(s, 0)
            let sizes = try Documents.parse(s, 1)

            let available = Documents.policyResources(policy, sizes: sizes)
            let chosen = try Self.choose(available, r.resources, family: .csbs,
                                         field: "checkpoint.parameters.resources")
            if chosen.isEmpty { throw .policyNoResource(r.planId) }
            let (free, _) = try ResourceLocks.partition(db, project: project, chosen)
            if free.isEmpty { throw .policyBusy(r.planId) }
            let size = free.reduce(Int64(0)) { $0 &+ $1.sizeGB }

            let id = UUIDGenerator.makeTimeOrdered()
            var stamps = try Stamps(db, table: .backups, now: nowMicros)
            let created = stamps.take()
            let doc = Documents.policyCheckpoint(
                id: id, projectId: project, createdAt: Clock.timestamp(micros: created), planId: r.planId,
                planName: policy["policy"]?["name"]?.stringValue ?? "", resources: free,
                autoTrigger: r.autoTrigger ?? false)
            let backup = NewBackups(
                checkpoint: id, vault: "", vaultName: "", provider: .csbs,
                name: Documents.backupName(id: id, nil, autoTrigger: r.autoTrigger ?? false), description: "",
                incremental: true, autoTrigger: r.autoTrigger ?? false, policyId: r.planId)
            try insert(db, id: id, api: .csbs, container: r.planId, resources: free, size: size, doc: doc,
                       backups: backup, stamps: &stamps, firstStamp: created)
            return Reply(text: try Documents.text(doc))
        }
    }

    /// The resources a create backs up: all of `available` when `requested`
    /// is nil, else each requested one, which must belong to the container.
    static func choose(_ available: [ProtectedResource], _ requested: [String]?, family: APIFamily,
                       field: String) throws(CkptError) -> [ProtectedResource]
    {
        guard let requested else { return available }
        var out: [ProtectedResource] = []
        for (i, id) in requested.enumerated() {
            guard let r = available.first(where: { $0.id == id }) else {
                throw .parameter(family, "\(field)[\(i)]: resource \(id) is not protected by this \(family == .cbr ? "vault" : "policy")")
            }
            out.append(r)
        }
        return out
    }

    /// What the backups of a new checkpoint share.
    struct NewBackups {
        var checkpoint: String
        var vault: String
        var vaultName: String
        var provider: ProviderKind
        var name: String
        var description: String
        var incremental: Bool
        var autoTrigger: Bool
        var policyId: String
    }

    /// Stores a new checkpoint with one backup and one `backup` task per
    /// resource, all `protecting` (or `running`) until `ready_at`, holding
    /// their resources.  With no simulated duration they are stored as they
    /// end, at once, and hold nothing (the create still answers
    /// `protecting`, as the documents show).  `doc` is the document as
    /// created; the store keeps it rendered for its status.
    private func insert(_ db: Database, id: String, api: CheckpointRow.API, container: String,
                        resources: [ProtectedResource], size: Int64, doc: JSONValue, backups shared: NewBackups,
                        stamps: inout Stamps, firstStamp: Int64) throws(CkptError)
    {
        let fails = resources.contains { config.failResources.contains($0.id) }
        let duration = config.backupMsPerGB &* max(size, 1)
        let now = Clock.nowMs()
        let done = duration == 0
        let readyAt = now &+ duration
        var logStamps = try Stamps(db, table: .operationLogs, now: firstStamp)
        // The backups' created_us run on from firstStamp, one apart: their
        // ids are the range the checkpoint's backups_from and backups_count give.
        var rows: [BackupRow] = []
        var logs: [OperationLogRow] = []
        for (i, r) in resources.enumerated() {
            let created = i == 0 ? firstStamp : stamps.take()
            let failing = config.failResources.contains(r.id)
            let status: BackupStatus = done ? (failing ? .error : .available) : .protecting
            rows.append(BackupRow(
                id: UUIDGenerator.makeTimeOrdered(micros: created), project: projectNo, checkpoint: id, vault: shared.vault, resourceId: r.id,
                resourceName: r.name, resourceType: ResourceType(rawValue: r.type) ?? .server, provider: shared.provider,
                name: shared.name, description: shared.description, status: status, sizeGB: r.sizeGB,
                incremental: shared.incremental, autoTrigger: shared.autoTrigger, fails: failing, createdUs: created,
                updatedUs: created, protectedUs: status == .available ? created : nil, readyAt: done ? 0 : readyAt))
            var log = OperationLogRow.about(rows[i], type: .backup, createdUs: logStamps.take(), nowMs: now,
                                            endsMs: readyAt, vaultName: shared.vaultName, policyId: shared.policyId)
            if done { try Lifecycle.endBackupTask(&log, failed: failing, resource: r.id, atMicros: created) }
            rows[i].job = log.id
            logs.append(log)
        }
        let status: CheckpointStatus = done ? (fails ? .error : .available) : .protecting
        let docText = try Documents.text(done ? CheckpointRow.render(doc, status: status, backups: rows) : doc)
        let s = try db.statement("""
            INSERT INTO checkpoints(id, project_id, api, container_id, status, ready_at, fails, size_gb, doc,
                                    backups_from, backups_count)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        s.bind(1, id); s.bind(2, project); s.bind(3, api.rawValue); s.bind(4, container)
        s.bind(5, status.rawValue); s.bind(6, done ? CheckpointRow.nothingPending : readyAt); s.bind(7, fails ? 1 : 0)
        s.bind(8, size); s.bind(9, docText); s.bind(10, firstStamp); s.bind(11, Int64(rows.count))
        try s.run()
        if !done { try ResourceLocks.take(db, project: project, checkpoint: id, resources.map(\.id)) }
        // A backup counts against its vault unless it failed.
        if api == .cbr {
            try VaultRow.addUsage(db, project: project, id: container, rows.filter(\.usesCapacity).reduce(0) { $0 &+ $1.sizeGB })
        }
        for i in rows.indices {
            try logs[i].insert(db)
            try rows[i].insert(db)
        }
    }
}
