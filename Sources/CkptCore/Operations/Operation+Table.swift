/// The operation table: every operation of libckpt (SPEC sections 1 and 6).
///
/// Adding an operation means an entry here and in `all`, its request schema,
/// and its implementation on the embedded backend (`EmbeddedBackend+Operations`)
/// or, for one of libckpt's own, in the client (`Client+Operations`); then
/// its CLI command and its Python method.  The remote backend and the
/// emulator need nothing more.
extension Operation {
    // MARK: CBR v3

    package static let vaultCreate = Operation(
        "vault.create", .cbr, .service(.post("/v3/{project_id}/vaults"), success: 200),
        "Create a vault.") { (r) throws(CkptError) in try VaultCreateRequest(r) }

    package static let vaultGet = Operation.byId(
        "vault.get", .cbr, .get("/v3/{project_id}/vaults/{vault_id}"), "Show a vault.")

    package static let vaultList = Operation.list(
        "vault.list", .cbr, .get("/v3/{project_id}/vaults"), .vaults, "List vaults, with filters and paging.")

    package static let vaultUpdate = Operation(
        "vault.update", .cbr, .service(.put("/v3/{project_id}/vaults/{vault_id}"), success: 200),
        "Rename a vault, or change its capacity (billing.size) and settings.") { (r) throws(CkptError) in
            try VaultUpdateRequest(r)
        }

    package static let vaultDelete = Operation.byId(
        "vault.delete", .cbr, .delete("/v3/{project_id}/vaults/{vault_id}"), success: 204,
        "Delete a vault and its backups (asynchronous: it is deleting, then gone).")

    package static let vaultAddResources = Operation(
        "vault.add_resources", .cbr, .service(.post("/v3/{project_id}/vaults/{vault_id}/addresources"), success: 200),
        "Bind resources to a vault.") { (r) throws(CkptError) in try VaultResourcesRequest(r, adding: true) }

    package static let vaultRemoveResources = Operation(
        "vault.remove_resources", .cbr,
        .service(.post("/v3/{project_id}/vaults/{vault_id}/removeresources"), success: 200),
        "Unbind resources from a vault (their backups stay).") { (r) throws(CkptError) in
            try VaultResourcesRequest(r, adding: false)
        }

    package static let checkpointCreate = Operation(
        "checkpoint.create", .cbr, .service(.post("/v3/{project_id}/checkpoints"), success: 200),
        "Back up a vault now: create a checkpoint (restore point).") { (r) throws(CkptError) in
            try CheckpointCreateRequest(r)
        }

    package static let checkpointGet = Operation.byId(
        "checkpoint.get", .cbr, .get("/v3/{project_id}/checkpoints/{checkpoint_id}"), "Show a checkpoint.")

    package static let backupList = Operation.list(
        "backup.list", .cbr, .get("/v3/{project_id}/backups"), .backups,
        "List backups, with filters and paging.")

    package static let backupGet = Operation.byId(
        "backup.get", .cbr, .get("/v3/{project_id}/backups/{backup_id}"), "Show a backup.")

    package static let backupUpdate = Operation(
        "backup.update", .cbr, .service(.put("/v3/{project_id}/backups/{backup_id}"), success: 200),
        "Rename a backup.") { (r) throws(CkptError) in try BackupUpdateRequest(r) }

    package static let backupDelete = Operation.byId(
        "backup.delete", .cbr, .delete("/v3/{project_id}/backups/{backup_id}"), success: 204,
        "Delete a backup (asynchronous: it is deleting, then gone).")

    package static let backupRestore = Operation(
        "backup.restore", .cbr, .service(.post("/v3/{project_id}/backups/{backup_id}/restore"), success: 202),
        "Restore a backup; answers the job_id of its restore task.") { (r) throws(CkptError) in
            try BackupRestoreRequest(r)
        }

    package static let operationLogList = Operation.list(
        "operation_log.list", .cbr, .get("/v3/{project_id}/operation-logs"), .operationLogs,
        "List tasks (operation logs), with filters and paging.")

    package static let operationLogGet = Operation.byId(
        "operation_log.get", .cbr, .get("/v3/{project_id}/operation-logs/{operation_log_id}"),
        "Show a task (operation log).")

    // MARK: CSBS v1

    package static let policyCreate = Operation(
        "policy.create", .csbs, .service(.post("/v1/{project_id}/policies"), success: 200),
        "Create a CSBS backup policy.") { (r) throws(CkptError) in try PolicyCreateRequest(r) }

    package static let policyGet = Operation.byId(
        "policy.get", .csbs, .get("/v1/{project_id}/policies/{policy_id}"), "Show a CSBS backup policy.")

    package static let policyExecute = Operation(
        "policy.execute", .csbs, .service(.post("/v1/{project_id}/providers/{provider_id}/checkpoints"), success: 200),
        "Run a CSBS backup policy now: create a v1 checkpoint.") { (r) throws(CkptError) in
            try PolicyExecuteRequest(r)
        }

    package static let policyCheckpointGet = Operation.byId(
        "policy.checkpoint_get", .csbs, .get("/v1/{project_id}/providers/{provider_id}/checkpoints/{checkpoint_id}"),
        "Show a CSBS v1 checkpoint.")

    package static let policyCheckpointList = Operation.list(
        "policy.checkpoint_list", .csbs, .get("/v1/{project_id}/providers/{provider_id}/checkpoints"),
        .policyCheckpoints, "List CSBS v1 checkpoints, by plan and date, paged by marker.")

    package static let policyCheckpointDelete = Operation.byId(
        "policy.checkpoint_delete", .csbs,
        .delete("/v1/{project_id}/providers/{provider_id}/checkpoints/{checkpoint_id}"),
        "Delete a CSBS v1 checkpoint and its backups (asynchronous).")

    // MARK: libckpt's own, on either backend

    package static let checkpointWait = Operation(
        "checkpoint.wait", .cbr, .client,
        "Poll a checkpoint until it reaches a status, goes to error, or the timeout passes.") { (r) throws(CkptError) in
            try CheckpointWaitRequest(r)
        }

    package static let backupWait = Operation(
        "backup.wait", .cbr, .client,
        "Poll a backup until it reaches a status (or is gone, for deleted), goes to error, or the timeout passes.") {
            (r) throws(CkptError) in try BackupWaitRequest(r)
        }

    package static let operationLogWait = Operation(
        "operation_log.wait", .cbr, .client,
        "Poll a task until it succeeds, fails, or the timeout passes.") { (r) throws(CkptError) in
            try OperationLogWaitRequest(r)
        }

    package static let backupPrune = Operation(
        "backup.prune", .cbr, .client,
        "Delete a vault's old backups by keep rules, as restic forget does (dry_run previews).") {
            (r) throws(CkptError) in try BackupPruneRequest(r)
        }

    // MARK: Local test controls of the embedded backend

    package static let localVaultSetStatus = Operation(
        "local.vault.set_status", .cbr, .local,
        "Put a vault into a status (embedded backend only).") { (r) throws(CkptError) in
            try SetStatusRequest(r, key: "vault_id", statuses: VaultStatus.allCases.map(\.rawValue))
        }

    package static let localCheckpointSetStatus = Operation(
        "local.checkpoint.set_status", .cbr, .local,
        "Set a checkpoint's status, like Karbor's reset-state (embedded backend only).") { (r) throws(CkptError) in
            try SetStatusRequest(r, key: "checkpoint_id", statuses: CheckpointStatus.allCases.map(\.rawValue))
        }

    /// Every operation, in the order the documents list them.
    package static let all: [Operation] = [
        vaultCreate, vaultGet, policyCreate, policyGet, checkpointCreate, checkpointGet, checkpointWait,
        policyExecute, policyCheckpointGet, localVaultSetStatus, localCheckpointSetStatus,
        backupList, backupGet, backupUpdate, backupDelete, backupRestore, operationLogList, operationLogGet,
        backupWait, operationLogWait, backupPrune,
        vaultList, vaultUpdate, vaultDelete, vaultAddResources, vaultRemoveResources,
        policyCheckpointList, policyCheckpointDelete,
    ]

    /// The routes of every operation of the service.
    package static var serviceRoutes: [(Operation, RouteTemplate)] {
        all.compactMap { op in op.route.map { (op, $0) } }
    }
}

/// The real service's other REST paths: the emulator answers each with 501
/// and `APIGW.0101` (SPEC 6.7), so that a client tried against it learns
/// the call is not emulated instead of reading a 404 as "already gone".
/// Sources: research/cbr-lifecycle.md section 1.0 (CBR v3, from the
/// official SDKs' `cbr_client.py` and `cbr_meta.go`) and section 5 (CSBS
/// v1 and Karbor's `api/v1/router.py`).
extension Operation {
    package static let unservedRoutes: [(family: APIFamily, route: RouteTemplate)] =
        cbrUnserved.map { (.cbr, $0) } + csbsUnserved.map { (.csbs, $0) }

    private static let cbrUnserved: [RouteTemplate] = [
        .get("/v3/{project_id}/backups/{backup_id}/metadata"),
        .post("/v3/{project_id}/backups/{backup_id}/replicate"),
        .post("/v3/{project_id}/backups/sync"),
        .post("/v3/{project_id}/checkpoints/replicate"),
        .post("/v3/{project_id}/checkpoints/sync"),
        .put("/v3/{project_id}/vaults/{vault_id}/set-resources"),
        .post("/v3/{project_id}/vaults/{vault_id}/migrateresources"),
        .post("/v3/{project_id}/vaults/{vault_id}/associatepolicy"),
        .post("/v3/{project_id}/vaults/{vault_id}/dissociatepolicy"),
        .get("/v3/{project_id}/vaults/summary"),
        .get("/v3/{project_id}/policies"),
        .post("/v3/{project_id}/policies"),
        .get("/v3/{project_id}/policies/{policy_id}"),
        .put("/v3/{project_id}/policies/{policy_id}"),
        .delete("/v3/{project_id}/policies/{policy_id}"),
        .get("/v3/{project_id}/storage_usage"),
        .get("/v3/{project_id}/protectables/{protectable_type}/instances"),
        .get("/v3/{project_id}/protectables/{protectable_type}/instances/{instance_id}"),
    ]

    private static let csbsUnserved: [RouteTemplate] = [
        // CSBS v1 and Karbor: checkpoints of a provider.
        .put("/v1/{project_id}/providers/{provider_id}/checkpoints/{checkpoint_id}"),
        .post("/v1/{project_id}/providers/{provider_id}/checkpoints/action"),
        .post("/v1/{project_id}/providers/{provider_id}/resources/{resource_id}/action"),
        .get("/v1/{project_id}/providers"),
        .get("/v1/{project_id}/providers/{provider_id}"),
        // CSBS v1: policies and backups (checkpoint items).
        .get("/v1/{project_id}/policies"),
        .put("/v1/{project_id}/policies/{policy_id}"),
        .delete("/v1/{project_id}/policies/{policy_id}"),
        .get("/v1/{project_id}/checkpoint_items"),
        .get("/v1/{project_id}/checkpoint_items/count"),
        .get("/v1/{project_id}/checkpoint_items/{checkpoint_item_id}"),
        // Karbor v1: restores, plans, protectables, operation logs.
        .get("/v1/{project_id}/restores"),
        .post("/v1/{project_id}/restores"),
        .get("/v1/{project_id}/restores/{restore_id}"),
        .get("/v1/{project_id}/plans"),
        .post("/v1/{project_id}/plans"),
        .get("/v1/{project_id}/plans/{plan_id}"),
        .put("/v1/{project_id}/plans/{plan_id}"),
        .delete("/v1/{project_id}/plans/{plan_id}"),
        .get("/v1/{project_id}/protectables"),
        .get("/v1/{project_id}/protectables/{protectable_type}"),
        .get("/v1/{project_id}/protectables/{protectable_type}/instances"),
        .get("/v1/{project_id}/protectables/{protectable_type}/instances/{protectable_id}"),
        .get("/v1/{project_id}/operation_logs"),
        .get("/v1/{project_id}/operation_logs/{operation_log_id}"),
    ]
}
