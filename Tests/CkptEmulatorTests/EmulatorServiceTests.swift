import CkptCore
@testable import CkptEmulator
import CkptWire
import Testing

/// The emulator without its socket: what `ckpt serve` answers, request by
/// request (the e2e suites check the same over HTTP, with the official SDK).
@Suite("Emulator service")
struct EmulatorServiceTests {
    static let token = "test-token-0123456789"
    let service = EmulatorService(tokens: [Self.token], keys: [:], storePath: ":memory:")

    func send(_ method: String, _ target: String, _ body: String = "", token: String? = Self.token,
              id: String = "rid") -> (status: Int, headers: [HTTPHeader], json: JSONValue?)
    {
        let parts = target.split(separator: "?", maxSplits: 1).map(String.init)
        var headers = [HTTPHeader("Host", "localhost")]
        if let token { headers.append(HTTPHeader("X-Auth-Token", token)) }
        let r = service.handle(EmulatorRequest(method: method, path: parts[0], query: parts.count > 1 ? parts[1] : nil,
                                               headers: headers, body: Array(body.utf8)),
                               requestId: id, nowUnixSeconds: Clock.nowMs() / 1000)
        return (r.status, r.headers, r.body.flatMap { try? JSONValue.parse($0) })
    }

    @Test func routesResolveByMethodAndShape() {
        guard case .operation(let op, _, let parameters) = EmulatorService.resolve(method: "GET", path: "/v3/p1/vaults/a%2Fb")
        else { Issue.record("GET /v3/p1/vaults/x is not an operation"); return }
        #expect(op.name == "vault.get")
        #expect(parameters.map { "\($0.name)=\($0.raw)" } == ["project_id=p1", "vault_id=a%2Fb"])
        guard case .methodNotAllowed(let allowed) = EmulatorService.resolve(method: "PATCH", path: "/v3/p1/vaults/x")
        else { Issue.record("PATCH is not a 405"); return }
        #expect(allowed == ["DELETE", "GET", "PUT"])
        guard case .methodNotAllowed(let docAllowed) = EmulatorService.resolve(method: "POST", path: "/openapi.json")
        else { Issue.record("POST /openapi.json is not a 405"); return }
        #expect(docAllowed == ["GET"])
        for path in ["/v3/p1/vaults/x/", "/v3//vaults/x", "v3/p1/vaults", "", "/v3/p1/nothing"] {
            guard case .notFound = EmulatorService.resolve(method: "GET", path: path) else {
                Issue.record("\(path) is not a 404"); continue
            }
        }
        guard case .unserved = EmulatorService.resolve(method: "GET", path: "/v3/p1/backups/b/metadata") else {
            Issue.record("backup metadata is not a 501"); return
        }
        // A literal beats a parameter, whichever comes first in the table.
        guard case .unserved(_, let summary) = EmulatorService.resolve(method: "GET", path: "/v3/p1/vaults/summary")
        else { Issue.record("GET /v3/p1/vaults/summary is not the unserved route"); return }
        #expect(summary.template == "/v3/{project_id}/vaults/summary")
    }

    @Test func aVaultIsCreatedReadAndDeleted() throws {
        let created = send("POST", "/v3/p1/vaults", #"{"vault":{"name":"v","billing":{"size":10},"resources":[]}}"#)
        #expect(created.status == 200)
        #expect(created.headers.values("X-Request-Id") == ["rid"])
        #expect(created.headers.values("Content-Type") == ["application/json;charset=UTF-8"])
        let id = try #require(created.json?["vault"]?["id"]?.stringValue)
        let read = send("GET", "/v3/p1/vaults/\(id)")
        #expect(read.status == 200 && read.json?["vault"]?["name"]?.stringValue == "v")
        #expect(send("GET", "/v3/other/vaults/\(id)").status == 404)   // each project has its own
        let deleted = send("DELETE", "/v3/p1/vaults/\(id)")
        #expect(deleted.status == 204 && deleted.json == nil)
        #expect(deleted.headers.values("Content-Type").isEmpty)
        #expect(send("GET", "/v3/p1/vaults/\(id)").status == 404)
    }

    @Test func gatewayAnswersCarryTheRequestId() {
        for (method, path, status) in [("GET", "/v3/p1/nothing", 404), ("PATCH", "/v3/p1/vaults/x", 405),
                                       ("GET", "/v3/p1/backups/b/metadata", 501)] {
            let r = send(method, path, id: "abc")
            #expect(r.status == status, "\(method) \(path)")
            #expect(r.json?["error_code"]?.stringValue == "APIGW.0101")
            #expect(r.json?["request_id"]?.stringValue == "abc")
            #expect(r.headers.values("Allow") == (status == 405 ? ["DELETE, GET, PUT"] : []))
        }
    }

    @Test func credentialsComeFirst() {
        // Even an unknown path asks for credentials: a stranger learns no routes.
        for token in [nil, "wrong"] as [String?] {
            let r = send("GET", "/v3/p1/nothing", token: token)
            #expect(r.status == 401 && r.json?["error_code"]?.stringValue == "APIGW.0301")
            let text = r.json?.serialized() ?? ""
            #expect(!text.contains(Self.token))
        }
        // The API's description is public.
        let doc = send("GET", "/openapi.json", token: nil)
        #expect(doc.status == 200 && doc.json?["openapi"] != nil)
    }

    @Test func badInputIsA4xx() {
        #expect(send("POST", "/v3/p1/vaults", #"{"vault":"#).status == 400)
        #expect(send("POST", "/v3/p1/checkpoints", "[1]").status == 400)
        #expect(send("GET", "/v3/p1/vaults/%ff%fe").status == 400)      // not UTF-8
        #expect(send("GET", "/v3/p.1/vaults").status == 400)            // not a project id
        #expect(send("GET", "/v3/p1/backups?limit=-1").status == 400)
        let big = send("POST", "/v3/p1/vaults", String(repeating: " ", count: Limits.maxRequestBytes + 1))
        #expect(big.status == 413 && big.json?["error_code"]?.stringValue == "APIGW.0201")
    }
}
