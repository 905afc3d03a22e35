import CkptCore

/// How checkpoints, their backups and their tasks move through their
/// phases (SPEC 6.4).
///
/// A phase that ends by itself (a checkpoint `protecting`, a backup
/// `deleting` or `restoring`) is stored with the time it ends, and the first
/// call that finds it due moves it on (`settleDue`, at the start of every
/// operation), in a write transaction that reads the rows again, so many
/// processes agree without a background thread.  Capacity is counted per
/// backup: a vault's `used` is the size of its backups that are not in
/// `error`.
enum Lifecycle {
    /// Moves on everything whose time has come.  Idle, this is two probes
    /// of indexes that hold only the work in flight.
    static func settleDue(_ db: Database) throws(CkptError) {
        let now = Clock.nowMs()
        // One statement asks first, inside a write too (the same
        // transaction): most writes find nothing due.
        guard try anyDue(db, now) else { return }
        try db.write { () throws(CkptError) in
            let c = try db.statement(dueCheckpointsQuery)
            c.bind(1, now)
            var checkpoints: [(CheckpointRow, String)] = []
            while try c.step() { checkpoints.append((CheckpointRow.read(c), c.text(8))) }
            for (row, project) in checkpoints {
                var row = row
                try settle(db, &row, project: project)
            }
            let b = try db.statement(dueBackupsQuery)
            b.bind(1, now)
            var backups: [(BackupRow, String)] = []
            while try b.step() { backups.append((BackupRow.read(b), b.text(BackupRow.columnCount))) }
            for (row, project) in backups {
                var row = row
                try settle(db, backup: &row, project: project)
            }
            let v = try db.statement(dueVaultsQuery)
            v.bind(1, now)
            var vaults: [(String, String, Int64)] = []
            while try v.step() { vaults.append((v.text(0), v.text(1), v.int(2))) }
            for (project, id, at) in vaults { try purgeVault(db, project: project, id: id, atMs: at) }
        }
    }

    // Built once: statements are looked up by their text on every write.
    private static let dueCheckpointsQuery = """
        SELECT \(CheckpointRow.columns), project_id FROM checkpoints
        WHERE status = 'protecting' AND ready_at BETWEEN 0 AND ?
        """
    private static let dueBackupsQuery = """
        SELECT \(BackupRow.columns), (SELECT id FROM projects WHERE no = backups.project) FROM backups
        WHERE \(StoreSchema.transitionalBackups) AND ready_at BETWEEN 0 AND ?
        """
    private static let dueVaultsQuery = """
        SELECT project_id, id, ready_at FROM vaults WHERE \(StoreSchema.deletingVaults) AND ready_at BETWEEN 0 AND ?
        """
    private static let anyDueQuery = """
        SELECT EXISTS(SELECT 1 FROM checkpoints WHERE status = 'protecting' AND ready_at BETWEEN 0 AND ?1)
            OR EXISTS(SELECT 1 FROM backups WHERE \(StoreSchema.transitionalBackups) AND ready_at BETWEEN 0 AND ?1)
            OR EXISTS(SELECT 1 FROM vaults WHERE \(StoreSchema.deletingVaults) AND ready_at BETWEEN 0 AND ?1)
        """

    private static func anyDue(_ db: Database, _ now: Int64) throws(CkptError) -> Bool {
        let s = try db.statement(anyDueQuery)
        s.bind(1, now)
        let due = try s.step() && s.int(0) != 0
        s.reset()
        return due
    }

    // MARK: Checkpoints

    /// The end of a checkpoint's `protecting` phase: each of its backups in
    /// progress ends `available`, or `error` for a resource set up to fail,
    /// and its task with it; the checkpoint is `error` if any backup is.
    static func settle(_ db: Database, _ row: inout CheckpointRow, project: String) throws(CkptError) {
        let at = row.readyAt >= 0 ? row.readyAt : Clock.nowMs()
        var backups = try BackupRow.ofCheckpoint(db, row.id)
        for i in backups.indices where backups[i].status == .protecting {
            try finishProtecting(db, &backups[i], backups[i].fails ? .error : .available, atMs: at, project: project)
        }
        let failed = backups.contains { $0.status == .error } || (backups.isEmpty && row.fails)
        try row.transition(db, project: project, to: failed ? .error : .available, readyAt: nil, backups: backups)
    }

    /// `local.checkpoint.set_status`: the checkpoint takes the status, and
    /// for `protecting`, `available` and `error` its backups follow (a
    /// backup being deleted is left to finish); `protecting` holds them
    /// until the status is set again.
    static func setStatus(_ db: Database, _ row: inout CheckpointRow, project: String,
                          to status: CheckpointStatus) throws(CkptError)
    {
        var backups = try BackupRow.ofCheckpoint(db, row.id)
        let now = Clock.nowMs()
        for i in backups.indices where backups[i].status != .deleting {
            switch status {
            case .protecting:
                try setBackupStatus(db, &backups[i], .protecting, atMs: now, project: project)
                backups[i].readyAt = -1
                try backups[i].save(db)
            case .available, .error:
                let outcome: BackupStatus = status == .available ? .available : .error
                if backups[i].status == .protecting {
                    try finishProtecting(db, &backups[i], outcome, atMs: now, project: project)
                } else {
                    try setBackupStatus(db, &backups[i], outcome, atMs: now, project: project)
                    try backups[i].save(db)
                }
            default:
                break
            }
        }
        try row.transition(db, project: project, to: status, readyAt: status == .protecting ? -1 : nil, backups: backups)
    }

    // MARK: Backups

    /// The end of a backup's own phase: a delete removes it, a restore
    /// makes it `available` again.
    static func settle(_ db: Database, backup b: inout BackupRow, project: String) throws(CkptError) {
        switch b.status {
        case .deleting:
            try remove(db, b, counted: true, atMs: b.readyAt, project: project)
        case .restoring:
            b.status = .available
            b.updatedUs = max(b.readyAt &* 1000, b.createdUs)
            b.readyAt = 0
            try b.save(db)
            try finishTask(db, b.job, .success, atMs: b.updatedUs / 1000)
            try refreshCheckpoint(db, b.checkpoint, project: project)
        case .protecting:
            // Its checkpoint ends at the same time; settle through it.
            if var row = try CheckpointRow.load(db, project: project, id: b.checkpoint, api: nil),
               row.status == .protecting
            {
                try settle(db, &row, project: project)
            } else {
                try finishProtecting(db, &b, b.fails ? .error : .available, atMs: b.readyAt, project: project)
            }
        default:
            break
        }
    }

    /// A backup that was being made ends `available` or `error`, with its task.
    static func finishProtecting(_ db: Database, _ b: inout BackupRow, _ outcome: BackupStatus, atMs: Int64,
                                 project: String) throws(CkptError)
    {
        try setBackupStatus(db, &b, outcome, atMs: atMs, project: project)
        b.readyAt = 0
        try b.save(db)
        guard var log = try OperationLogRow.load(db, id: b.job), !log.status.isFinal else { return }
        try endBackupTask(&log, failed: outcome != .available, resource: b.resourceId, atMicros: atMs &* 1000)
        try log.save(db)
    }

    /// Ends a backup's task (not saved): `success`, or `failed` with why.
    static func endBackupTask(_ log: inout OperationLogRow, failed: Bool, resource: String,
                              atMicros: Int64) throws(CkptError)
    {
        log.finish(failed ? .failed : .success, atMicros: atMicros,
                   error: failed ? ("BackupService.9910", "The backup of resource \(resource) failed (simulate.fail_resources).") : nil)
    }

    /// Sets a backup's status (not saved), keeping its vault's usage right
    /// when it crosses `error`, and `protected_at` once it is available.
    static func setBackupStatus(_ db: Database, _ b: inout BackupRow, _ new: BackupStatus, atMs: Int64,
                                project: String) throws(CkptError)
    {
        let wasCounted = b.usesCapacity
        b.status = new
        b.updatedUs = max(atMs &* 1000, b.createdUs)
        if new == .available && b.protectedUs == nil { b.protectedUs = b.updatedUs }
        if wasCounted != b.usesCapacity {
            try addUsage(db, b, b.usesCapacity ? b.sizeGB : 0 &- b.sizeGB, project: project)
        }
    }

    /// Removes a backup: frees its size if it was `counted`, ends its
    /// delete task, and removes its checkpoint with its last backup.
    static func remove(_ db: Database, _ b: BackupRow, counted: Bool, atMs: Int64, project: String) throws(CkptError) {
        try b.remove(db)
        if counted { try addUsage(db, b, 0 &- b.sizeGB, project: project) }
        try finishTask(db, b.job, .success, atMs: atMs)
        try refreshCheckpoint(db, b.checkpoint, project: project)
    }

    /// Re-renders a checkpoint's document from its backups, or removes the
    /// checkpoint when it has none left (it then reads as not found).
    static func refreshCheckpoint(_ db: Database, _ id: String, project: String) throws(CkptError) {
        guard var row = try CheckpointRow.load(db, project: project, id: id, api: nil) else { return }
        let backups = try BackupRow.ofCheckpoint(db, id)
        if backups.isEmpty {
            try row.remove(db)
        } else {
            try row.save(db, backups: backups)
        }
    }

    private static func addUsage(_ db: Database, _ b: BackupRow, _ gb: Int64, project: String) throws(CkptError) {
        guard !b.vault.isEmpty, gb != 0 else { return }
        try VaultRow.addUsage(db, project: project, id: b.vault, gb)
    }

    // MARK: Vaults

    /// The end of a vault delete (SPEC 6.4, 6.8): the vault goes with every
    /// backup in it, their checkpoints and every task about it but its
    /// `vault_delete` tasks, which are the record of the delete and end
    /// `success` with their counts.
    static func purgeVault(_ db: Database, project: String, id: String, atMs: Int64) throws(CkptError) {
        let vault = UUIDText.bytes(id) ?? []
        let projectNo = try Projects.number(db, project, create: false) ?? -1
        // The checkpoints the vault's backups belong to (a checkpoint with no
        // backup left is gone already).
        let c = try db.statement("SELECT DISTINCT checkpoint FROM backups WHERE vault = ?")
        c.bind(1, blob: vault)
        var checkpoints: [String] = []
        while try c.step() { checkpoints.append(c.uuid(0)) }
        let d = try db.statement("DELETE FROM backups WHERE vault = ?")
        d.bind(1, blob: vault)
        try d.run()
        let removed = Int64(db.changes)
        if removed > 0 {
            // The project's count loses them; the vault's own count goes below.
            try BackupCounts.add(db, 0 &- removed, vault: "", project: projectNo)
        }
        let counts = try db.statement("DELETE FROM backup_counts WHERE scope = ?")
        counts.bind(1, blob: vault)
        try counts.run()
        for checkpoint in checkpoints {
            if let row = try CheckpointRow.load(db, project: project, id: checkpoint, api: .cbr) { try row.remove(db) }
        }
        let logs = try db.statement("DELETE FROM operation_logs WHERE vault = ? AND type != ?")
        logs.bind(1, blob: vault); logs.bind(2, OperationType.vaultDelete.code)
        try logs.run()
        let running = try db.statement("""
            SELECT \(OperationLogRow.columns) FROM operation_logs WHERE vault = ? AND type = ? AND status = ?
            """)
        running.bind(1, blob: vault); running.bind(2, OperationType.vaultDelete.code)
        running.bind(3, OperationLogStatus.running.code)
        var tasks: [OperationLogRow] = []
        while try running.step() { tasks.append(OperationLogRow.read(running)) }
        for var task in tasks {
            task.finish(.success, atMicros: atMs &* 1000)
            task.extra = #"{"fail_count":0,"total_count":\#(removed)}"#
            try task.save(db)
        }
        let v = try db.statement("DELETE FROM vaults WHERE project_id = ? AND id = ?")
        v.bind(1, project); v.bind(2, id)
        try v.run()
    }

    /// Ends a running task (none, or one that has ended already: nothing).
    static func finishTask(_ db: Database, _ job: String, _ outcome: OperationLogStatus, atMs: Int64,
                           error: (code: String, message: String)? = nil) throws(CkptError)
    {
        guard var log = try OperationLogRow.load(db, id: job), !log.status.isFinal else { return }
        log.finish(outcome, atMicros: atMs &* 1000, error: error)
        try log.save(db)
    }
}
