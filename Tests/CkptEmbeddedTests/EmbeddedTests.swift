import CkptClient
import CkptCore
import CkptEmbedded
import Dispatch
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

let server1 = "94eba8b2-acc9-4d82-badc-127144cc5526"
let server2 = "7a32a8b5-7977-4e24-b5da-e0eb457db75b"

func tempStore() -> String {
    var template = Array("/tmp/ckpt-test-XXXXXX".utf8CString)
    let dir = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
    return String(cString: dir!) + "/store.db"
}

func client(_ extra: JSONObject = [:], path: String = ":memory:") throws -> Client {
    var config: JSONObject = ["path": .string(path)]
    for m in extra.members { config[m.key] = m.value }
    return try Client(config: .object(config))
}

func error(_ body: () throws(CkptError) -> Void) -> CkptError? {
    do throws(CkptError) { try body() } catch { return error }
    return nil
}

extension Client {
    func vault(size: Int64 = 100, resources: [(String, Int64)] = [(server1, 40)]) throws -> String {
        let res: [JSONValue] = resources.map {
            ["id": .string($0.0), "type": "OS::Nova::Server", "name": "ecs", "size": .int($0.1)]
        }
        let v = try call("vault.create", ["vault": ["name": "v1", "billing": ["size": .int(size)], "resources": .array(res)]])
        return v.body["vault"]?["id"]?.stringValue ?? ""
    }

    func backup(_ vault: String, _ params: JSONObject = [:]) throws(CkptError) -> JSONValue {
        try call("checkpoint.create", ["checkpoint": ["vault_id": .string(vault), "parameters": .object(params)]]).body
    }

    func status(_ id: String) throws -> String {
        try call("checkpoint.get", ["checkpoint_id": .string(id)]).body["checkpoint"]?["status"]?.stringValue ?? ""
    }
}

@Suite("Embedded backend")
struct EmbeddedTests {
    @Test func createReturnsProtectingThenGetIsAvailable() throws {
        let c = try client()
        let vault = try c.vault()
        let cp = try c.backup(vault, ["name": "n", "incremental": false])
        #expect(cp["checkpoint"]?["status"] == "protecting")
        #expect(cp["checkpoint"]?["vault"]?["provider_id"] == nil)
        #expect(cp["checkpoint"]?["extra_info"]?["retention_duration"] == .int(-1))
        let id = cp["checkpoint"]?["id"]?.stringValue ?? ""
        let got = try c.call("checkpoint.get", ["checkpoint_id": .string(id)]).body
        #expect(got["checkpoint"]?["status"] == "available")
        #expect(got["checkpoint"]?["vault"]?["provider_id"] == "0daac4c5-6707-4851-97ba-169e36266b66")
        #expect(got["checkpoint"]?["vault"]?["resources"]?.arrayValue?.first?["resource_size"] == "40")
    }

    @Test func vaultErrors() throws {
        let c = try client()
        let missing = error { () throws(CkptError) in _ = try c.backup("3b5816b5-f29c-4172-9d9a-76c719a659ce") }
        #expect(missing?.errorCode == "BackupService.6105")
        let vault = try c.vault()
        _ = try c.call("local.vault.set_status", ["vault_id": .string(vault), "status": "frozen"])
        let frozen = error { () throws(CkptError) in _ = try c.backup(vault) }
        #expect(frozen?.errorCode == "BackupService.6113")
        #expect(frozen?.errorClass == .conflict)
        let v = try c.call("vault.get", ["vault_id": .string(vault)]).body
        #expect(v["vault"]?["billing"]?["status"] == "frozen")
    }

    @Test func capacityIsCountedAndErrorsReleaseIt() throws {
        let c = try client(["simulate": ["fail_resources": .array([.string(server2)])]])
        let vault = try c.vault(size: 100, resources: [(server1, 40), (server2, 50)])
        _ = try c.backup(vault, ["resources": [.string(server1)]])
        _ = try c.backup(vault, ["resources": [.string(server1)]])
        let over = error { () throws(CkptError) in _ = try c.backup(vault, ["resources": [.string(server1)]]) }
        #expect(over?.errorCode == "BackupService.6114")
        #expect(over?.errorClass == .quota)
        // A failed backup stores nothing, so it does not use capacity.
        let v = try c.call("vault.get", ["vault_id": .string(vault)]).body
        #expect(v["vault"]?["billing"]?["used"] == .int(80))
    }

    @Test func noResourceAndUnknownResource() throws {
        let c = try client()
        let empty = try c.vault(resources: [])
        #expect(error { () throws(CkptError) in _ = try c.backup(empty) }?.errorCode == "BackupService.0001")
        let vault = try c.vault()
        let e = error { () throws(CkptError) in _ = try c.backup(vault, ["resources": [.string(server2)]]) }
        #expect(e?.errorCode == "BackupService.9900")
        #expect(e?.message.contains("checkpoint.parameters.resources[0]") == true)
    }

    @Test func busyResourcesAreSkippedThenRefused() throws {
        let c = try client(["simulate": ["backup_ms_per_gb": 3_600_000]])
        let vault = try c.vault(size: 1000, resources: [(server1, 1), (server2, 1)])
        _ = try c.backup(vault, ["resources": [.string(server1)]])
        let second = try c.backup(vault)
        let skipped = second["checkpoint"]?["vault"]?["skipped_resources"]?.arrayValue ?? []
        #expect(skipped.count == 1)
        #expect(skipped.first?["id"] == .string(server1))
        #expect(skipped.first?["code"]?.stringValue?.isEmpty == false)
        let third = error { () throws(CkptError) in _ = try c.backup(vault) }
        #expect(third?.errorCode == "BackupService.1001")
        #expect(third?.errorClass == .conflict)
    }

    @Test func lifecycleWithSimulatedDurationAndWait() throws {
        let c = try client(["simulate": ["backup_ms_per_gb": 100]])
        let vault = try c.vault(resources: [(server1, 1)])
        let id = try c.backup(vault)["checkpoint"]?["id"]?.stringValue ?? ""
        #expect(try c.status(id) == "protecting")
        var polls = 0
        let done = try c.wait(CheckpointWaitRequest(["checkpoint_id": .string(id), "timeout_ms": 5000])) { _, _ in polls += 1 }
        #expect(done.body["checkpoint"]?["status"] == "available")
        #expect(polls >= 2)
    }

    @Test func waitTimesOutAndReportsError() throws {
        let c = try client(["simulate": ["backup_ms_per_gb": 3_600_000, "fail_resources": .array([.string(server1)])]])
        let vault = try c.vault(resources: [(server1, 1)])
        let id = try c.backup(vault)["checkpoint"]?["id"]?.stringValue ?? ""
        let t = error { () throws(CkptError) in
            _ = try c.call("checkpoint.wait", ["checkpoint_id": .string(id), "timeout_ms": 50])
        }
        #expect(t?.errorClass == .timeout)
        _ = try c.call("local.checkpoint.set_status", ["checkpoint_id": .string(id), "status": "error"])
        let failed = error { () throws(CkptError) in _ = try c.call("checkpoint.wait", ["checkpoint_id": .string(id)]) }
        #expect(failed?.errorClass == .conflict)
        #expect(failed?.checkpoint?["id"] == .string(id))
    }

    @Test func projectsAreIsolated() throws {
        let path = tempStore()
        let a = try client(["project_id": "projecta"], path: path)
        let b = try client(["project_id": "projectb"], path: path)
        let vault = try a.vault()
        let id = try a.backup(vault)["checkpoint"]?["id"]?.stringValue ?? ""
        #expect(error { () throws(CkptError) in _ = try b.call("checkpoint.get", ["checkpoint_id": .string(id)]) }?.errorClass == .notFound)
        #expect(error { () throws(CkptError) in _ = try b.call("vault.get", ["vault_id": .string(vault)]) }?.errorClass == .notFound)
        #expect(error { () throws(CkptError) in _ = try b.backup(vault) }?.errorCode == "BackupService.6105")
        #expect(try a.status(id) == "available")
    }

    @Test func successIsOnDiskForTheNextHandle() throws {
        let path = tempStore()
        let first = try client(path: path)
        let vault = try first.vault()
        let id = try first.backup(vault)["checkpoint"]?["id"]?.stringValue ?? ""
        first.close()
        #expect(try client(path: path).status(id) == "available")
    }

    @Test func policyExecuteReturnsTheV1Shape() throws {
        let c = try client()
        let policy = try c.call("policy.create", ["policy": [
            "name": "plan",
            "resources": [["id": .string(server1), "type": "OS::Nova::Server", "name": "server0",
                           "extra_info": ["exclude_volumes": ["53dbb1f8-0b14-4850-9346-ef5067acbeb5"]]]],
        ]]).body
        let plan = policy["policy"]?["id"]?.stringValue ?? ""
        let cp = try c.call("policy.execute", ["checkpoint": ["plan_id": .string(plan), "parameters": ["auto_trigger": false]]]).body
        #expect(cp["checkpoint"]?["resource_graph"] == .null)
        #expect(cp["checkpoint"]?["extra_info"] == #"{"created_by": "manual"}"#)
        let res = cp["checkpoint"]?["protection_plan"]?["resources"]?.arrayValue?.first
        #expect(res?["extra_info"] == #"{"exclude_volumes": ["53dbb1f8-0b14-4850-9346-ef5067acbeb5"]}"#)
        let id = cp["checkpoint"]?["id"]?.stringValue ?? ""
        let got = try c.call("policy.checkpoint_get", ["checkpoint_id": .string(id)]).body
        #expect(got["checkpoint"]?["status"] == "available")
        // A v1 checkpoint is not a v3 one.
        #expect(error { () throws(CkptError) in _ = try c.call("checkpoint.get", ["checkpoint_id": .string(id)]) }?.errorClass == .notFound)
    }

    @Test func configurationIsChecked() {
        #expect(error { () throws(CkptError) in _ = try Client(config: ["colour": "blue"]) }?.message.contains("config.colour") == true)
        #expect(error { () throws(CkptError) in _ = try Client(config: ["durability": "sometimes"]) }?.errorClass == .invalid)
        #expect(error { () throws(CkptError) in _ = try Client(config: ["path": "/nonexistent-dir/x/store.db"]) }?.errorClass == .storage)
        #expect(error { () throws(CkptError) in _ = try Client(config: ["project_id": "a/b"]) }?.errorClass == .invalid)
    }

    @Test func defaultStoreLivesUnderXDGDataHome() throws {
        let dir = String(tempStore().dropLast("/store.db".count))
        let c = try Client(config: nil, environment: ["XDG_DATA_HOME": dir])
        _ = try c.vault()
        #expect(access(dir + "/ckpt/store.db", F_OK) == 0)
    }

    /// A handle keeps parsed vault documents; a vault another handle has
    /// changed since (resources, name, capacity) is read again, not served
    /// from the cache.
    @Test func vaultChangesByAnotherHandleAreSeen() throws {
        let path = tempStore()
        let a = try client(path: path), b = try client(path: path)
        let vault = try a.vault(size: 100, resources: [(server1, 10)])
        _ = try a.backup(vault) // a parses and keeps the document
        _ = try b.call("vault.add_resources", ["vault_id": .string(vault), "resources": [
            ["id": .string(server2), "type": "OS::Nova::Server", "name": "second", "size": 5],
        ]])
        _ = try b.call("vault.update", ["vault_id": .string(vault), "vault": ["name": "renamed", "billing": ["size": 30]]])
        let cp = try a.backup(vault)
        let resources = cp["checkpoint"]?["vault"]?["resources"]?.arrayValue?.compactMap { $0["id"]?.stringValue }
        #expect(resources == [server1, server2])
        #expect(cp["checkpoint"]?["vault"]?["name"] == "renamed")
        // 10 + 10 + 5 GB used of 30: one more backup of both is over capacity.
        let over = error { () throws(CkptError) in _ = try a.backup(vault) }
        #expect(over?.errorCode == "BackupService.6114", "\(over?.message ?? "accepted")")
        _ = try b.call("vault.remove_resources", ["vault_id": .string(vault), "resource_ids": [.string(server1)]])
        let third = try a.backup(vault)
        #expect(third["checkpoint"]?["vault"]?["resources"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [server2])
    }

    /// Group commit: 8 threads on one handle at durability full share
    /// transactions, yet each writer gets its own outcome: a failing write
    /// (an unknown vault) is rolled back alone, and every acknowledged
    /// create is in the store, for this handle and the next.
    @Test func groupCommitKeepsEachWritersOutcome() throws {
        let path = tempStore()
        let c = try client(["durability": "full"], path: path)
        let threads = 8, rounds = 40
        final class Outcomes: @unchecked Sendable {
            let lock = Lock()
            var created: [String] = []
            var wrong: [String] = []
        }
        let outcomes = Outcomes()
        // Threads of their own (not a pool that may run the writers one
        // after another), started together.
        let start = DispatchSemaphore(value: 0)
        let finished = DispatchGroup()
        for t in 0..<threads {
            finished.enter()
            let thread = Thread {
                defer { finished.leave() }
                start.wait()
                for i in 0..<rounds {
                    do throws(CkptError) {
                        if i % 2 == 0 {
                            let v = try c.call("vault.create", ["vault": ["name": .string("g\(t)-\(i)"),
                                                                          "billing": ["size": 10], "resources": []]])
                            let id = v.body["vault"]?["id"]?.stringValue ?? ""
                            outcomes.lock.withLock { outcomes.created.append(id) }
                        } else {
                            _ = try c.call("local.vault.set_status",
                                           ["vault_id": .string("00000000-0000-4000-8000-00000000000\(t)"), "status": "frozen"])
                            outcomes.lock.withLock { outcomes.wrong.append("set_status of an unknown vault succeeded") }
                        }
                    } catch {
                        if i % 2 == 0 || error.errorClass != .notFound {
                            outcomes.lock.withLock { outcomes.wrong.append("\(i): \(error.message)") }
                        }
                    }
                }
            }
            thread.start()
        }
        for _ in 0..<threads { start.signal() }
        finished.wait()
        #expect(outcomes.wrong.isEmpty, "\(outcomes.wrong.prefix(3))")
        #expect(outcomes.created.count == threads * rounds / 2)
        // The writes did share transactions (fewer commits than writes),
        // failing ones among them.
        let stats = (c.backend as? EmbeddedBackend)?.writeTransactions
        #expect(stats?.writes == threads * rounds)
        #expect((stats?.transactions ?? .max) < threads * rounds)
        c.close()
        let next = try client(path: path)
        let listed = try next.call("vault.list", ["limit": 1000]).body
        #expect(listed["count"]?.intValue == Int64(threads * rounds / 2))
        for id in outcomes.created {
            #expect(try next.call("vault.get", ["vault_id": .string(id)]).body["vault"]?["id"]?.stringValue == id)
        }
    }
}
