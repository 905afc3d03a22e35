import CkptCore

/// Builds the documented response bodies, field for field (seeds 000-004).
enum Documents {
    static func text(_ doc: JSONValue) throws(CkptError) -> String {
        guard let t = doc.serialized() else { throw .internalError("out of memory serialising a document") }
        return t
    }

    static func parse(_ text: String) throws(CkptError) -> JSONValue {
        do throws(JSONInputError) { return try JSONValue.parse(text) } catch {
            throw .storage("corrupt document in store: \(error.message)")
        }
    }

    static func parse(_ s: Statement, _ col: Int32) throws(CkptError) -> JSONValue {
        try s.withBytes(col) { (p, n) throws(CkptError) -> JSONValue in
            do throws(JSONInputError) { return try JSONValue.parse(p, length: n) } catch {
                throw .storage("corrupt document in store: \(error.message)")
            }
        }
    }

    // MARK: Vault (CBR v3)

    static func vault(_ r: VaultCreateRequest, id: String, projectId: String, createdAt: String) -> JSONValue {
        let resources: [JSONValue] = r.resources.map(vaultResource)
        var v = JSONObject([
            "id": .string(id), "name": .string(r.name), "description": .string(r.description ?? ""),
            "project_id": .string(projectId),
            "provider_id": .string((r.objectType == "disk" ? ProviderKind.disk : .server).id),
            "resources": .array(resources),
            "billing": .object(JSONObject([
                "allocated": 0, "charging_mode": .string(r.chargingMode), "cloud_type": "public",
                "consistent_level": .string(r.consistentLevel), "object_type": .string(r.objectType),
                "protect_type": .string(r.protectType), "size": .int(r.sizeGB),
                "spec_code": .string(specCode(r)),
                "status": .string(VaultStatus.available.rawValue), "used": 0,
            ])),
            "tags": .array(r.tags), "enterprise_project_id": .string(r.enterpriseProjectId),
            "auto_bind": .bool(r.autoBind), "bind_rules": r.body["vault"]?["bind_rules"] ?? [:],
            "user_id": "", "created_at": .string(createdAt),
        ])
        if let p = r.backupPolicyId { v["backup_policy_id"] = .string(p) }
        return ["vault": .object(v)]
    }

    /// `billing.spec_code`: the one given, else the documented code of the
    /// vault's kind (`vault.backup.volume.normal` for a disk vault, research
    /// 1.8: the typed SDKs list no `...disk...` code).
    static func specCode(_ r: VaultCreateRequest) -> String {
        if let given = r.body["vault"]?["billing"]?["spec_code"]?.stringValue { return given }
        let kind = ["disk": "volume", "rds": "database"][r.objectType] ?? r.objectType
        return "vault.\(r.protectType).\(kind).normal"
    }

    /// A resource of a vault document (ResourceResp): `size`, `backup_size`
    /// and `backup_count` are integers here (SPEC 6.3).
    static func vaultResource(_ res: ProtectedResource) -> JSONValue {
        .object(JSONObject([
            "id": .string(res.id), "name": .string(res.name), "type": .string(res.type),
            "protect_status": .string(ProtectStatus.available.rawValue), "size": .int(res.sizeGB),
            "backup_size": 0, "backup_count": 0,
            "extra_info": extraInfo(res.extraInfo),
        ]))
    }

    /// ResourceExtraInfo with both documented arrays present.
    static func extraInfo(_ given: JSONValue?) -> JSONValue {
        var o = given?.objectValue ?? JSONObject()
        if o["exclude_volumes"] == nil { o["exclude_volumes"] = [] }
        if o["include_volumes"] == nil { o["include_volumes"] = [] }
        return .object(o)
    }

    // MARK: Checkpoint (CBR v3)

    /// The stored document: the create response of seed 000 plus the
    /// vault's `provider_id`, which the query response (seed 004) carries.
    /// A resource's `extra_info` is JSON-encoded text, and `resource_size`,
    /// `backup_size` and `backup_count` are strings (SPEC 6.3); `render`
    /// keeps each `protect_status` in step with the resource's backup.
    static func checkpoint(id: String, projectId: String, createdAt: String, vaultId: String, vaultName: String,
                           providerId: String, resources: [ProtectedResource], skipped: [ProtectedResource],
                           param: CheckpointParam) -> JSONValue
    {
        let res: [JSONValue] = resources.map { r in
            .object(JSONObject([
                "name": .string(r.name), "resource_size": .string(String(r.sizeGB)),
                "protect_status": .string(ProtectStatus.protecting.rawValue),
                "type": .string(r.type), "id": .string(r.id), "extra_info": .string(spaced(extraInfo(r.extraInfo))),
                "backup_size": "0", "backup_count": "0",
            ]))
        }
        let skip: [JSONValue] = skipped.map { r in
            .object(JSONObject([
                "id": .string(r.id), "type": .string(r.type), "name": .string(r.name),
                "code": "BackupService.1001", "reason": "The resource is already being backed up.",
            ]))
        }
        return ["checkpoint": .object(JSONObject([
            "status": .string(CheckpointStatus.protecting.rawValue),
            "created_at": .string(createdAt),
            "vault": .object(JSONObject([
                "skipped_resources": .array(skip), "id": .string(vaultId), "resources": .array(res),
                "name": .string(vaultName), "provider_id": .string(providerId),
            ])),
            "project_id": .string(projectId),
            "id": .string(id),
            "extra_info": .object(JSONObject([
                "retention_duration": -1, "name": .string(backupName(id: id, param.name, autoTrigger: param.autoTrigger ?? false)),
                "description": .string(param.description ?? ""),
            ])),
        ]))]
    }

    /// A checkpoint's and its backups' name: the one asked for, else
    /// `autobk_xxxx` (automatic) or `manualbk_xxxx`, from the checkpoint id's
    /// random end (its start is the time: UUIDGenerator.makeTimeOrdered).
    static func backupName(id: String, _ name: String?, autoTrigger: Bool) -> String {
        name ?? (autoTrigger ? "autobk_" : "manualbk_") + String(id.suffix(4))
    }

    /// A 1.0 checkpoint document in 1.1's resource shape: each resource's
    /// `extra_info` object becomes its JSON text (SPEC 6.3).
    static func withResourceExtraInfoAsText(_ doc: JSONValue) -> JSONValue {
        guard case .object(var top) = doc, case .object(var c)? = top["checkpoint"],
              case .object(var v)? = c["vault"], case .array(let list)? = v["resources"]
        else { return doc }
        v["resources"] = .array(list.map { r in
            guard case .object(var o) = r else { return r }
            if case .object? = o["extra_info"] { o["extra_info"] = .string(spaced(extraInfo(o["extra_info"]))) }
            return .object(o)
        })
        c["vault"] = .object(v)
        top["checkpoint"] = .object(c)
        return .object(top)
    }

    /// The create response has no `vault.provider_id` (seed 000).
    static func removingProviderId(_ doc: JSONValue) -> JSONValue {
        guard case .object(var top) = doc, case .object(var c)? = top["checkpoint"],
              case .object(var v)? = c["vault"]
        else { return doc }
        v["provider_id"] = nil
        c["vault"] = .object(v)
        top["checkpoint"] = .object(c)
        return .object(top)
    }

    // MARK: Policy and its checkpoints (CSBS v1)

    static func policy(_ r: PolicyCreateRequest, id: String, projectId: String, createdAt: String) -> JSONValue {
        let resources: [JSONValue] = r.resources.map { res in
            .object(JSONObject([
                "id": .string(res.id), "type": .string(res.type), "name": .string(res.name),
                "extra_info": res.extraInfo ?? [:],
            ]))
        }
        let ops: [JSONValue] = r.scheduledOperations.map { op in
            guard case .object(var o) = op else { return op }
            if o["id"] == nil { o["id"] = .string(UUIDGenerator.make()) }
            return .object(o)
        }
        return ["policy": .object(JSONObject([
            "id": .string(id), "name": .string(r.name), "description": .string(r.description),
            "provider_id": .string(r.providerId), "project_id": .string(projectId), "status": "suspended",
            "created_at": .string(createdAt), "parameters": r.parameters, "resources": .array(resources),
            "scheduled_operations": .array(ops), "tags": .array(r.tags),
        ]))]
    }

    static func policyResources(_ policy: JSONValue, sizes: JSONValue) -> [ProtectedResource] {
        (policy["policy"]?["resources"]?.arrayValue ?? []).compactMap { r in
            guard let id = r["id"]?.stringValue, let type = r["type"]?.stringValue else { return nil }
            return ProtectedResource(id: id, type: type, name: r["name"]?.stringValue ?? "",
                                     sizeGB: sizes[id]?.intValue ?? 0, extraInfo: r["extra_info"])
        }
    }

    /// checkpoint_resp of seeds 002-003.  Both `extra_info` members are
    /// JSON-encoded strings, as documented, in the documents' spacing.
    static func policyCheckpoint(id: String, projectId: String, createdAt: String, planId: String, planName: String,
                                 resources: [ProtectedResource], autoTrigger: Bool) -> JSONValue
    {
        let res: [JSONValue] = resources.map { r in
            .object(JSONObject([
                "type": .string(r.type), "id": .string(r.id), "name": .string(r.name),
                "extra_info": .string(spaced(r.extraInfo ?? [:])),
            ]))
        }
        return ["checkpoint": .object(JSONObject([
            "status": .string(CheckpointStatus.protecting.rawValue),
            "created_at": .string(createdAt),
            "id": .string(id),
            "resource_graph": .null,
            "project_id": .string(projectId),
            "protection_plan": .object(JSONObject([
                "id": .string(planId), "resources": .array(res), "name": .string(planName),
            ])),
            "extra_info": .string(autoTrigger ? "{\"created_by\": \"auto\"}" : "{\"created_by\": \"manual\"}"),
        ]))]
    }

    /// `{"a": 1, "b": [2, 3]}`: the separators of the documents' examples.
    static func spaced(_ v: JSONValue) -> String {
        switch v {
        case .object(let o):
            return "{" + o.members.map { "\(spaced(.string($0.key))): \(spaced($0.value))" }.joined(separator: ", ") + "}"
        case .array(let a):
            return "[" + a.map(spaced).joined(separator: ", ") + "]"
        default:
            return v.serialized() ?? "null"
        }
    }
}
