import CkptCore

/// The embedded backend's configuration (SPEC section 2).
package struct EmbeddedConfig: Sendable, Equatable {
    package var path: String
    package var projectId: String
    package var fullDurability: Bool
    /// Simulated backup time per GB of resources (local test control).
    package var backupMsPerGB: Int64
    /// Resources whose backups end in `error` (local test control).
    package var failResources: Set<String>

    package init(path: String, projectId: String, fullDurability: Bool = true,
                 backupMsPerGB: Int64 = 0, failResources: Set<String> = [])
    {
        self.path = path
        self.projectId = projectId
        self.fullDurability = fullDurability
        self.backupMsPerGB = backupMsPerGB
        self.failResources = failResources
    }
}

/// A durable local checkpoint service in one SQLite file: the default
/// backend, and the emulator other teams test against.
///
/// Lifecycle is evaluated lazily: a checkpoint is stored with the time its
/// `protecting` phase ends, and the first read or write that finds it due
/// moves it on, in a write transaction guarded by its old status, so many
/// processes agree without a background thread.
package final class EmbeddedBackend: Backend, @unchecked Sendable {
    package let kind = BackendKind.embedded
    private let lock = Lock()
    private var database: Database?
    private let vaultDocuments = DocumentCache()
    let config: EmbeddedConfig

    package init(_ config: EmbeddedConfig) throws(CkptError) {
        self.config = config
        let db = try Database(path: config.path, durability: config.fullDurability ? .full : .normal)
        try StoreSchema.migrate(db)
        database = db
    }

    package func close() {
        lock.withLock {
            database?.close()
            database = nil
        }
    }

    /// Runs `body` on the connection, one call at a time per handle.
    func withDatabase<T>(_ body: (Database) throws(CkptError) -> T) throws(CkptError) -> T {
        try lock.withLock { () throws(CkptError) -> T in
            guard let database else { throw .argument("the client is closed") }
            // Reads can meet a busy lock too (WAL recovery by another process).
            defer { database.resetAll() }
            return try database.retryingBusy { () throws(CkptError) -> T in try body(database) }
        }
    }

    var project: String { config.projectId }

    // MARK: Vaults

    package func createVault(_ r: VaultCreateRequest) throws(CkptError) -> Reply {
        let id = UUIDGenerator.make()
        let doc = Documents.vault(r, id: id, projectId: project, createdAt: Clock.timestamp())
        let text = try Documents.text(doc)
        try withDatabase { (db) throws(CkptError) in
            try db.write { () throws(CkptError) in
                let s = try db.statement(
                    "INSERT INTO vaults(project_id, id, status, size_gb, used_gb, doc) VALUES(?, ?, 'available', ?, 0, ?)")
                s.bind(1, project); s.bind(2, id); s.bind(3, r.sizeGB); s.bind(4, text)
                try s.run()
            }
        }
        return Reply(doc)
    }

    package func getVault(id: String) throws(CkptError) -> Reply {
        try withDatabase { (db) throws(CkptError) in
            guard let v = try VaultRow.load(db, project: project, id: id) else { throw .vaultNotFound(id) }
            return Reply(try v.document())
        }
    }

    package func setVaultStatus(_ r: SetStatusRequest) throws(CkptError) -> Reply {
        try withDatabase { (db) throws(CkptError) in
            try db.write { () throws(CkptError) in
                let s = try db.statement("UPDATE vaults SET status = ? WHERE project_id = ? AND id = ?")
                s.bind(1, r.status); s.bind(2, project); s.bind(3, r.id)
                try s.run()
                guard db.changes == 1, let v = try VaultRow.load(db, project: project, id: r.id) else {
                    throw .vaultNotFound(r.id)
                }
                return Reply(try v.document())
            }
        }
    }

    // MARK: Policies

    package func createPolicy(_ r: PolicyCreateRequest) throws(CkptError) -> Reply {
        let id = UUIDGenerator.make()
        let doc = Documents.policy(r, id: id, projectId: project, createdAt: Clock.timestamp())
        let text = try Documents.text(doc)
        let sizes = try Documents.text(.object(JSONObject(r.resources.map { ($0.id, JSONValue.int($0.sizeGB)) })))
        try withDatabase { (db) throws(CkptError) in
            try db.write { () throws(CkptError) in
                let s = try db.statement("INSERT INTO policies(project_id, id, sizes, doc) VALUES(?, ?, ?, ?)")
                s.bind(1, project); s.bind(2, id); s.bind(3, sizes); s.bind(4, text)
                try s.run()
            }
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
        try withDatabase { (db) throws(CkptError) in
            try db.write { () throws(CkptError) in
                guard var row = try CheckpointRow.load(db, project: project, id: r.id, api: nil) else {
                    throw .checkpointNotFound(r.id)
                }
                let status = CheckpointStatus(rawValue: r.status) ?? .error
                // `protecting` holds the backup in progress until moved on again.
                try row.transition(db, project: project, to: status, readyAt: status == .protecting ? -1 : nil)
                return row.reply
            }
        }
    }

    package func createCheckpoint(_ r: CheckpointCreateRequest) throws(CkptError) -> Reply {
        let param = r.parameters ?? CheckpointParam()
        return try withDatabase { (db) throws(CkptError) in
            try db.write { () throws(CkptError) in
                guard let vault = try VaultRow.load(db, project: project, id: r.vaultId, cache: vaultDocuments) else {
                    throw .vaultMissing(r.vaultId)
                }
                guard vault.status == .available else { throw .vaultStatus(r.vaultId, vault.status.rawValue) }
                try CheckpointRow.settleDue(db, project: project, container: r.vaultId)

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

                let id = UUIDGenerator.make()
                let stored = Documents.checkpoint(
                    id: id, projectId: project, createdAt: Clock.timestamp(), vaultId: r.vaultId, vaultName: name,
                    providerId: vault.providerId, resources: free, skipped: skipped, param: param)
                try insert(db, id: id, api: .cbr, container: r.vaultId, resources: free, size: size, doc: stored)
                return Reply(Documents.removingProviderId(stored))
            }
        }
    }

    package func executePolicy(_ r: PolicyExecuteRequest) throws(CkptError) -> Reply {
        try withDatabase { (db) throws(CkptError) in
            try db.write { () throws(CkptError) in
                let s = try db.statement("SELECT doc, sizes FROM policies WHERE project_id = ? AND id = ?")
                s.bind(1, project); s.bind(2, r.planId)
                guard try s.step() else { throw .policyNotFound(r.planId) }
                let policy = try Documents.parse(s, 0)
                let sizes = try Documents.parse(s, 1)
                try CheckpointRow.settleDue(db, project: project, container: r.planId)

                let available = Documents.policyResources(policy, sizes: sizes)
                let chosen = try Self.choose(available, r.resources, family: .csbs,
                                             field: "checkpoint.parameters.resources")
                if chosen.isEmpty { throw .policyNoResource(r.planId) }
                let (free, _) = try ResourceLocks.partition(db, project: project, chosen)
                if free.isEmpty { throw .policyBusy(r.planId) }
                let size = free.reduce(Int64(0)) { $0 &+ $1.sizeGB }

                let id = UUIDGenerator.make()
                let doc = Documents.policyCheckpoint(
                    id: id, projectId: project, createdAt: Clock.timestamp(), planId: r.planId,
                    planName: policy["policy"]?["name"]?.stringValue ?? "", resources: free,
                    autoTrigger: r.autoTrigger ?? false)
                try insert(db, id: id, api: .csbs, container: r.planId, resources: free, size: size, doc: doc)
                return Reply(doc)
            }
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

    /// Stores a new checkpoint.  With no simulated duration it is done at
    /// once (the create still answers `protecting`, as the documents show);
    /// otherwise it holds its resources until `ready_at`.  `doc` is the
    /// document as created; the store keeps it rendered for its status.
    private func insert(_ db: Database, id: String, api: CheckpointRow.API, container: String,
                        resources: [ProtectedResource], size: Int64, doc: JSONValue) throws(CkptError)
    {
        let fails = resources.contains { config.failResources.contains($0.id) }
        let duration = config.backupMsPerGB &* max(size, 1)
        let now = Clock.nowMs()
        let status: CheckpointStatus = duration > 0 ? .protecting : (fails ? .error : .available)
        let s = try db.statement("""
            INSERT INTO checkpoints(id, project_id, api, container_id, status, ready_at, fails, size_gb, doc)
            VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        s.bind(1, id); s.bind(2, project); s.bind(3, api.rawValue); s.bind(4, container); s.bind(5, status.rawValue)
        s.bind(6, now &+ duration); s.bind(7, fails ? 1 : 0); s.bind(8, size)
        s.bind(9, try Documents.text(status == .protecting ? doc : CheckpointRow.render(doc, status: status)))
        try s.run()
        if status == .protecting {
            try ResourceLocks.take(db, project: project, checkpoint: id, resources.map(\.id))
        }
        if api == .cbr && status != .error {
            try VaultRow.addUsage(db, project: project, id: container, size)
        }
    }
}
