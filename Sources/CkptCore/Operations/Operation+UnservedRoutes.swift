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
        .get("/v3/{project_id}/vaults"),
        .put("/v3/{project_id}/vaults/{vault_id}"),
        .delete("/v3/{project_id}/vaults/{vault_id}"),
        .post("/v3/{project_id}/vaults/{vault_id}/addresources"),
        .post("/v3/{project_id}/vaults/{vault_id}/removeresources"),
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
        .get("/v1/{project_id}/providers/{provider_id}/checkpoints"),
        .delete("/v1/{project_id}/providers/{provider_id}/checkpoints/{checkpoint_id}"),
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
