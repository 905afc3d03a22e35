import CkptCore
import CkptRemote
import CkptWire
import Foundation
import Testing

/// The remote backend against Fixtures/fault_server.py on 127.0.0.1.
@Suite("Remote backend fault injection")
struct FaultInjectionTests {
    let server: FaultServer
    let vaultId = "3b5816b5-f29c-4172-9d9a-76c719a659ce"
    let checkpointId = "8b0851a8-adf3-4f4c-a914-dead08bf9664"

    init() throws {
        server = try FaultServer.get()
    }

    private func backend(_ mode: String, _ extra: KeyValuePairs<String, JSONValue> = [:]) throws -> RemoteBackend {
        var o = TestConfig.object(endpoint: "\(server.base)/\(mode)")
        o["timeout_ms"] = 10_000
        o["retries"] = 3
        for (k, v) in extra { o[k] = v }
        for m in o.members where m.value == .null { o[m.key] = nil }
        return try RemoteBackend(config: RemoteConfig.parse(o, environment: [:]))
    }

    private func akskBackend(_ mode: String, _ extra: KeyValuePairs<String, JSONValue> = [:]) throws -> RemoteBackend {
        var o = TestConfig.object(endpoint: "\(server.base)/\(mode)")
        o["token"] = nil
        o["ak"] = .string(FaultServer.accessKey)
        o["sk"] = .string(FaultServer.secretKey)
        for (k, v) in extra { o[k] = v }
        return try RemoteBackend(config: RemoteConfig.parse(o, environment: [:]))
    }

    private func checkpointPath(_ b: RemoteBackend, _ mode: String) -> String {
        "/\(mode)/v3/\(b.config.projectId)/checkpoints/\(checkpointId)"
    }

    private func createPath(_ b: RemoteBackend, _ mode: String) -> String {
        "/\(mode)/v3/\(b.config.projectId)/checkpoints"
    }

    private var create: CheckpointCreateRequest {
        var p = CheckpointParam()
        p.autoTrigger = false
        p.incremental = false
        p.name = "bk"
        return CheckpointCreateRequest(vaultId: vaultId, parameters: p)
    }

    /// Runs `body`, which must fail, and returns the error and the seconds it took.
    private func failure(_ body: () throws -> Reply) -> (CkptError?, Double) {
        let start = Clock.monotonicMs()
        do {
            let r = try body()
            Issue.record("unexpected success: \(r.body.serialized() ?? "")")
            return (nil, 0)
        } catch let error as CkptError {
            #expect(!error.message.contains(TestConfig.token))
            #expect(!error.message.contains(FaultServer.secretKey))
            return (error, Double(Clock.monotonicMs() - start) / 1000)
        } catch {
            Issue.record("not a CkptError: \(error)")
            return (nil, 0)
        }
    }

    // MARK: Success

    @Test func successEchoesTheRequest() throws {
        let b = try backend("ok")
        let reply = try b.createCheckpoint(create)
        let echo = try #require(reply.body["checkpoint"])
        #expect(reply.requestId == "req-ok-1")
        #expect(echo["method"] == "POST")
        #expect(echo["path"]?.stringValue == createPath(b, "ok"))
        #expect(echo["body"]?.stringValue == create.body.serialized())
        let headers = try #require(echo["headers"])
        #expect(headers["x-auth-token"]?.stringValue == TestConfig.token)
        #expect(headers["x-project-id"]?.stringValue == b.config.projectId)
        #expect(headers["content-type"] == "application/json;charset=utf-8")
        #expect(headers["host"]?.stringValue == "127.0.0.1:\(server.port)")
        #expect(headers["user-agent"]?.stringValue == RemoteConfig.defaultUserAgent)
        #expect(headers["authorization"] == nil && headers["expect"] == nil)
        #expect(try server.hits(createPath(b, "ok")) == 1)
    }

    @Test func everyOperationUsesItsPath() throws {
        let b = try backend("s500", ["csbs_endpoint": .string("\(server.base)/ok")])
        let p = b.config.projectId
        let plan = "5b0e9c4a-6d6c-4a2e-9c9e-2a9f3b1d7e11"
        let policyBody: JSONValue = ["policy": ["name": "p", "resources": []]]
        let cases: [(String, () throws -> Reply)] = [
            ("POST /ok/v1/\(p)/policies", { try b.createPolicy(PolicyCreateRequest(policyBody)) }),
            ("GET /ok/v1/\(p)/policies/\(plan)", { try b.getPolicy(id: plan) }),
            ("POST /ok/v1/\(p)/providers/\(csbsProviderId)/checkpoints",
             { try b.executePolicy(PolicyExecuteRequest(planId: plan, autoTrigger: true, resources: nil)) }),
            ("GET /ok/v1/\(p)/providers/a%20b%2Fc/checkpoints/x%3Fy",
             { try b.getPolicyCheckpoint(providerId: "a b/c", id: "x?y") }),
        ]
        for (expected, call) in cases {
            let echo = try call().body["checkpoint"]
            #expect("\(echo?["method"]?.stringValue ?? "") \(echo?["path"]?.stringValue ?? "")" == expected)
        }
        // The v3 operations go to the (failing) CBR endpoint.
        #expect(failure { try b.getVault(id: vaultId) }.0?.httpStatus == 500)
        let vault: JSONValue = ["vault": ["name": "v", "billing": ["size": 10], "resources": []]]
        #expect(failure { try b.createVault(VaultCreateRequest(vault)) }.0?.httpStatus == 500)
        #expect(try server.hits("/s500/v3/\(p)/vaults/\(vaultId)") == 1)
        #expect(try server.hits("/s500/v3/\(p)/vaults") == 1)
    }

    @Test func akskSignatureVerifiedByAnIndependentImplementation() throws {
        let b = try akskBackend("sigcheck")
        let reply = try b.getCheckpoint(id: checkpointId)
        #expect(reply.body["verified"] == true)
        #expect(reply.body["signed_headers"] == ["content-type", "host", "user-agent", "x-project-id", "x-sdk-date"])
        #expect(try b.createCheckpoint(create).body["verified"] == true)
        let odd = try b.getPolicyCheckpoint(providerId: "a b/ü", id: "x%y")
        #expect(odd.body["verified"] == true)
        let st = try akskBackend("sigcheck", ["security_token": "temporary-token-xyz"])
        let r = try st.createCheckpoint(create)
        #expect(r.body["signed_headers"]?.arrayValue?.contains("x-security-token") == true)
        // A wrong SK is refused by the server, and the failure names no secret.
        let wrong = try akskBackend("sigcheck", ["sk": "not-the-secret-key-0000"])
        let (e, _) = failure { try wrong.getCheckpoint(id: checkpointId) }
        #expect(e?.errorClass == .auth && e?.httpStatus == 401 && e?.errorCode == "APIGW.0301")
        #expect(e?.message.contains("not-the-secret-key-0000") == false)
    }

    @Test func localControlsAreRefused() throws {
        let b = try backend("ok")
        let req = try SetStatusRequest(["vault_id": .string(vaultId), "status": "lock"], key: "vault_id", statuses: vaultStatuses)
        let (e, _) = failure { try b.setVaultStatus(req) }
        #expect(e?.errorClass == .invalid && e?.message.contains("embedded backend") == true)
        let (f, _) = failure { try b.setCheckpointStatus(req) }
        #expect(f?.errorClass == .invalid)
    }

    @Test func closedBackendRefusesCalls() throws {
        let b = try backend("ok")
        _ = try b.getCheckpoint(id: checkpointId)
        b.close()
        let (e, _) = failure { try b.getCheckpoint(id: checkpointId) }
        #expect(e?.errorClass == .invalid && e?.message.contains("closed") == true)
    }

    @Test func concurrentCallsShareThePool() async throws {
        let b = try backend("ok")
        let path = checkpointPath(b, "ok")
        let id = checkpointId
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    for _ in 0..<10 {
                        let r = try b.getCheckpoint(id: id)
                        #expect(r.body["checkpoint"]?["path"]?.stringValue == path)
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(try server.hits(path) == 80)
    }

    // MARK: Retries

    @Test(arguments: ["s503", "s502", "s504", "s429-ra0", "reset", "truncated"])
    func getIsRetried(_ mode: String) throws {
        let b = try backend(mode, ["retries": 2])
        let (e, _) = failure { try b.getCheckpoint(id: checkpointId) }
        #expect(try server.hits(checkpointPath(b, mode)) == 3)
        if mode.hasPrefix("s") {
            #expect(e?.errorClass == .remote && e?.httpStatus == Int(mode.dropFirst().prefix(3)))
            #expect(e?.requestId == "req-\(mode)-3")
        } else {
            #expect(e?.errorClass == .network && e?.httpStatus == 0)
        }
    }

    @Test func getSucceedsAfterTransientFailures() throws {
        let b = try backend("flaky2")
        let r = try b.getCheckpoint(id: checkpointId)
        #expect(r.requestId == "req-flaky2-3")
        #expect(try server.hits(checkpointPath(b, "flaky2")) == 3)
    }

    @Test(arguments: ["s500", "s400", "s401", "s403", "s404", "s501"])
    func getIsNotRetriedOnOtherStatuses(_ mode: String) throws {
        let b = try backend(mode)
        let (e, _) = failure { try b.getCheckpoint(id: checkpointId) }
        #expect(e?.httpStatus == Int(mode.dropFirst()))
        #expect(try server.hits(checkpointPath(b, mode)) == 1)
    }

    @Test(arguments: ["s500", "s503", "s502", "s429-ra0", "reset", "truncated", "flaky1"])
    func createIsNeverRepeated(_ mode: String) throws {
        let b = try backend(mode)
        _ = failure { try b.createCheckpoint(create) }
        #expect(try server.hits(createPath(b, mode)) == 1)
        let plan = "5b0e9c4a-6d6c-4a2e-9c9e-2a9f3b1d7e11"
        _ = failure { try b.executePolicy(PolicyExecuteRequest(planId: plan, autoTrigger: true, resources: nil)) }
        #expect(try server.hits("/\(mode)/v1/\(b.config.projectId)/providers/\(csbsProviderId)/checkpoints") == 1)
    }

    /// A PUT or DELETE may have acted once it was sent: like a POST it is
    /// not sent again after a 5xx, a 429 or a dropped connection (SPEC 6.6).
    @Test(arguments: ["s500", "s503", "s429-ra0", "reset", "truncated"])
    func putAndDeleteAreNeverRepeated(_ mode: String) throws {
        let b = try backend(mode, ["csbs_endpoint": .string("\(server.base)/\(mode)"), "retries": 3])
        let p = b.config.projectId
        let update = try VaultUpdateRequest(["vault_id": .string(vaultId), "vault": ["name": "n"]])
        let cases: [(String, () throws -> Reply)] = [
            ("/v3/\(p)/vaults/\(vaultId)", { try b.perform(.vaultUpdate, update) }),
            ("/v3/\(p)/vaults/\(vaultId)", { try b.perform(.vaultDelete, IdRequest(ids: [("vault_id", vaultId)])) }),
            ("/v1/\(p)/providers/\(csbsProviderId)/checkpoints/\(checkpointId)", {
                try b.perform(.policyCheckpointDelete,
                              IdRequest(ids: [("provider_id", csbsProviderId), ("checkpoint_id", checkpointId)]))
            }),
        ]
        var expected: [String: Int] = [:]
        for (path, call) in cases {
            let (e, _) = failure(call)
            #expect(e != nil)
            expected[path, default: 0] += 1
            #expect(try server.hits("/\(mode)" + path) == expected[path], "\(path)")
        }
    }

    /// libcurl re-sends a request by itself when a reused connection drops
    /// before any reply; a create must not get that second chance.
    @Test func createOnAReusedConnectionIsNotRepeated() throws {
        let b = try backend("ok", ["csbs_endpoint": .string("\(server.base)/reset")])
        for _ in 0..<3 {
            _ = try b.getCheckpoint(id: checkpointId) // leaves a kept-alive connection in the pool
            let plan = "5b0e9c4a-6d6c-4a2e-9c9e-2a9f3b1d7e11"
            let (e, _) = failure { try b.executePolicy(PolicyExecuteRequest(planId: plan, autoTrigger: true, resources: nil)) }
            #expect(e?.errorClass == .network)
        }
        #expect(try server.hits("/reset/v1/\(b.config.projectId)/providers/\(csbsProviderId)/checkpoints") == 3)
    }

    @Test func retryAfterIsHonoured() throws {
        let b = try backend("s429-ra1", ["retries": 1])
        let (e, seconds) = failure { try b.getCheckpoint(id: checkpointId) }
        #expect(e?.httpStatus == 429 && e?.errorClass == .remote)
        #expect(seconds >= 0.95)
        #expect(try server.hits(checkpointPath(b, "s429-ra1")) == 2)
    }

    @Test func retriesStopAtTheDeadline() throws {
        // Retry-After 5 s does not fit in 1.5 s: the 429 comes back at once.
        let b = try backend("s429-ra5", ["timeout_ms": 1500])
        let (e, seconds) = failure { try b.getCheckpoint(id: checkpointId) }
        #expect(e?.httpStatus == 429)
        #expect(seconds < 1.0)
        #expect(try server.hits(checkpointPath(b, "s429-ra5")) == 1)
    }

    @Test func connectionRefusedIsNetworkAndNothingWasSent() throws {
        // Port 1 on loopback: nothing listens there.
        var o = TestConfig.object(endpoint: "http://127.0.0.1:1")
        o["retries"] = 1
        let config = try RemoteConfig.parse(o, environment: [:])
        let b = try RemoteBackend(config: config)
        let (e, seconds) = failure { try b.createCheckpoint(create) }
        #expect(e?.errorClass == .network && e?.httpStatus == 0)
        #expect(seconds < 2)
        let transport = try HTTPTransport(config: config)
        let result = transport.perform(HTTPRequest(method: "POST", url: "http://127.0.0.1:1/x", headers: [], body: [1]),
                                       timeoutMs: 2000, freshConnection: true)
        guard case .failure(let f) = result else { Issue.record("connected to port 1"); return }
        #expect(!f.requestSent && f.transient && f.errorClass == .network)
    }

    // MARK: Timeouts

    @Test(arguments: ["GET", "POST"])
    func stallTimesOut(_ method: String) throws {
        let b = try backend("stall", ["timeout_ms": 500])
        let (e, seconds) = failure {
            method == "GET" ? try b.getCheckpoint(id: checkpointId) : try b.createCheckpoint(create)
        }
        #expect(e?.errorClass == .timeout)
        #expect(seconds < 2)
        #expect(try server.hits(method == "GET" ? checkpointPath(b, "stall") : createPath(b, "stall")) == 1)
    }

    // MARK: Bodies

    @Test(arguments: [
        ("s400", ErrorClass.invalid, "BackupService.9999"),
        ("s400-camel-codeBackupService.6114", .quota, "BackupService.6114"),
        ("s400-nested-codeBackupService.1001", .conflict, "BackupService.1001"),
        ("s401-nested", .auth, "BackupService.9999"),
        ("s403-camel", .permission, "BackupService.9999"),
        ("s404-nested-codeBackupService.6302", .notFound, "BackupService.6302"),
    ])
    func errorBodiesInEverySpelling(_ mode: String, _ errorClass: ErrorClass, _ code: String) throws {
        let b = try backend(mode)
        let (e, _) = failure { try b.getCheckpoint(id: checkpointId) }
        #expect(e?.errorClass == errorClass)
        #expect(e?.errorCode == code)
        #expect(e?.message == "injected failure")
        #expect(e?.httpStatus == Int(mode.dropFirst().prefix(3)))
        #expect(e?.requestId == "req-\(mode)-1")
    }

    @Test func nonJSONErrorBodyKeepsStatusAndExcerpt() throws {
        let b = try backend("s502-text", ["retries": 0])
        let (e, _) = failure { try b.getCheckpoint(id: checkpointId) }
        #expect(e?.httpStatus == 502 && e?.errorClass == .remote && e?.errorCode == "")
        #expect(e?.message.hasPrefix("<html><body>gateway trouble é") == true)
        #expect((e?.message.unicodeScalars.count ?? 999) <= 200)
    }

    @Test func garbageSuccessBodyIsRemote() throws {
        let b = try backend("garbage")
        let (e, _) = failure { try b.getCheckpoint(id: checkpointId) }
        #expect(e?.errorClass == .remote && e?.httpStatus == 200)
        #expect(e?.requestId == "req-garbage-1")
        #expect(e?.message.contains("not a JSON object") == true)
    }

    @Test(arguments: ["big5000", "bigstream300000"])
    func oversizedBodiesAreRefused(_ mode: String) throws {
        let b = try backend(mode, ["max_response_bytes": 4096])
        let (e, _) = failure { try b.getCheckpoint(id: checkpointId) }
        #expect(e?.errorClass == .remote)
        #expect(e?.message.contains("larger than 4096 bytes") == true)
        #expect(try server.hits(checkpointPath(b, mode)) == 1)
        // Under the limit, the same body is fine.
        let ok = try backend("big3000", ["max_response_bytes": 4096])
        #expect(try ok.getCheckpoint(id: checkpointId).body["pad"] != nil)
    }

    @Test func secretsEchoedByTheServerAreRedacted() throws {
        let b = try backend("s400-leak")
        let (e, _) = failure { try b.getCheckpoint(id: checkpointId) }
        #expect(e?.message.contains("[redacted]") == true)
        let a = try akskBackend("s400-leak", ["security_token": "sec-token-SECRET-77"])
        let (f, _) = failure { try a.getCheckpoint(id: checkpointId) }
        let message = f?.message ?? ""
        #expect(message.contains("Access=\(FaultServer.accessKey)"))
        #expect(message.contains("Signature=[redacted]"))
        #expect(message.range(of: "[0-9a-f]{64}", options: .regularExpression) == nil)
        #expect(!message.contains("sec-token-SECRET-77"))
    }
}
