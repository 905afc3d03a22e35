import CkptCore
import CkptRemote
import CkptWire
import Foundation

/// The Python fault-injection server (Fixtures/fault_server.py), started once
/// per test run on a loopback port it picks itself.  It exits when this
/// process does (its stdin closes) or after 15 minutes.
final class FaultServer: @unchecked Sendable {
    static let accessKey = "HPUFAULTSERVERTESTAK"
    static let secretKey = "SKfault-server-secret-0123456789abcdefghij"

    static let shared: Result<FaultServer, Error> = Result { try FaultServer() }

    static func get() throws -> FaultServer { try shared.get() }

    let port: Int
    private let process: Process
    private let stdin: Pipe

    private init() throws {
        guard let script = Bundle.module.url(forResource: "fault_server", withExtension: "py", subdirectory: "Fixtures")
        else { throw ServerError("Fixtures/fault_server.py is not in the test bundle") }
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script.path, "--ak", Self.accessKey, "--sk", Self.secretKey,
                             "--stall", "10", "--lifetime", "900"]
        stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        try process.run()
        // The first line is "PORT <n>"; EOF (an empty read) means it died.
        var text = ""
        for _ in 0..<100 where !text.contains("\n") {
            let data = stdout.fileHandleForReading.availableData
            if data.isEmpty { break }
            text += String(decoding: data, as: UTF8.self)
        }
        guard let line = text.split(separator: "\n").first, line.hasPrefix("PORT "),
              let port = Int(line.dropFirst(5))
        else {
            process.terminate()
            throw ServerError("the fault server did not report its port: \(text)")
        }
        self.port = port
    }

    var base: String { "http://127.0.0.1:\(port)" }

    /// How many requests reached `path` (`/<mode>/v3/...`).
    func hits(_ path: String) throws -> Int {
        let config = try RemoteConfig.parse(TestConfig.object(endpoint: base), environment: [:])
        let transport = try HTTPTransport(config: config)
        defer { transport.close() }
        let response = try transport.perform(HTTPRequest(method: "GET", url: base + "/__hits", headers: []),
                                             timeoutMs: 5_000, freshConnection: false).get()
        let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Int]
        return json?[path] ?? 0
    }
}

struct ServerError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Configurations for tests.
enum TestConfig {
    static let token = "tok-SECRET-e4f1c2d3b4a5968778695a4b3c2d1e0f"

    static func object(endpoint: String, _ extra: KeyValuePairs<String, JSONValue> = [:]) -> JSONObject {
        var o = JSONObject()
        o["backend"] = "remote"
        o["project_id"] = .string(UUIDGenerator.make().replacingOccurrences(of: "-", with: ""))
        o["endpoint"] = .string(endpoint)
        o["token"] = .string(token)
        for (k, v) in extra { o[k] = v }
        // An explicit null removes a default key.
        for m in o.members where m.value == .null { o[m.key] = nil }
        return o
    }
}
