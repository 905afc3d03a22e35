import CkptCore
import CkptRemote
import CkptWire
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("Remote configuration")
struct RemoteConfigTests {
    private func config(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONObject {
        var o = JSONObject()
        for (k, v) in pairs { o[k] = v }
        return o
    }

    /// The error a configuration gives: always class invalid with a 9900.
    private func failure(_ o: JSONObject, env: [String: String] = [:]) -> CkptError? {
        do {
            _ = try RemoteConfig.parse(o, environment: env)
            return nil
        } catch {
            #expect(error.errorClass == .invalid)
            #expect(error.errorCode == "BackupService.9900")
            return error
        }
    }

    @Test func tokenConfigWithDefaults() throws {
        let c = try RemoteConfig.parse(config([
            "backend": "remote", "project_id": "p1", "endpoint": "https://cbr.ap-southeast-1.myhuaweicloud.com/",
            "token": "t0k",
        ]), environment: ["HUAWEICLOUD_SDK_AK": "ignored", "HUAWEICLOUD_SDK_SK": "ignored"])
        #expect(c.projectId == "p1")
        #expect(c.endpoint.url == "https://cbr.ap-southeast-1.myhuaweicloud.com")
        #expect(c.endpoint.authority == "cbr.ap-southeast-1.myhuaweicloud.com")
        #expect(c.csbsEndpoint == c.endpoint)
        #expect(c.credentials == .token("t0k"))
        #expect(c.connectTimeoutMs == 10_000 && c.timeoutMs == 30_000 && c.retries == 3)
        #expect(c.maxResponseBytes == 16 * 1024 * 1024)
        #expect(!c.insecure && c.caFile == nil && c.proxy == nil)
        #expect(c.userAgent == RemoteConfig.defaultUserAgent)
    }

    @Test func regionAndEveryOption() throws {
        let c = try RemoteConfig.parse(config([
            "project_id": "p1", "region": "ap-southeast-1", "csbs_endpoint": "http://127.0.0.1:8799/karbor/",
            "ak": "AK1", "sk": "SK1", "security_token": "ST1", "connect_timeout_ms": 500, "timeout_ms": 1500,
            "retries": 0, "insecure": true, "proxy": "http://127.0.0.1:3128", "user_agent": "tool/2",
            "max_response_bytes": 4096, "ca_file": "/dev/null",
        ]), environment: [:])
        #expect(c.endpoint.url == "https://cbr.ap-southeast-1.myhuaweicloud.com")
        #expect(c.csbsEndpoint.url == "http://127.0.0.1:8799/karbor")
        #expect(c.csbsEndpoint.authority == "127.0.0.1:8799" && c.csbsEndpoint.basePath == "/karbor")
        #expect(c.credentials == .accessKey(ak: "AK1", sk: "SK1", securityToken: "ST1"))
        #expect(c.connectTimeoutMs == 500 && c.timeoutMs == 1500 && c.retries == 0)
        #expect(c.insecure && c.proxy == "http://127.0.0.1:3128" && c.userAgent == "tool/2")
        #expect(c.maxResponseBytes == 4096 && c.caFile == "/dev/null")
    }

    @Test func credentialsFromTheEnvironment() throws {
        let env = ["HUAWEICLOUD_SDK_AK": "EAK", "HUAWEICLOUD_SDK_SK": "ESK",
                   "HUAWEICLOUD_SDK_SECURITY_TOKEN": "EST", "HUAWEICLOUD_SDK_PROJECT_ID": "eproj"]
        let c = try RemoteConfig.parse(config(["endpoint": "http://127.0.0.1:1"]), environment: env)
        #expect(c.projectId == "eproj")
        #expect(c.credentials == .accessKey(ak: "EAK", sk: "ESK", securityToken: "EST"))
        // The configuration wins, and is never mixed with the environment.
        let d = try RemoteConfig.parse(config(["endpoint": "http://127.0.0.1:1", "project_id": "p", "ak": "A", "sk": "S"]),
                                       environment: env)
        #expect(d.projectId == "p")
        #expect(d.credentials == .accessKey(ak: "A", sk: "S", securityToken: nil))
        let t = try RemoteConfig.parse(config(["endpoint": "http://127.0.0.1:1", "token": "T"]), environment: env)
        #expect(t.credentials == .token("T"))
    }

    @Test func exactlyOneAuthentication() {
        let base: KeyValuePairs<String, JSONValue> = ["endpoint": "http://127.0.0.1:1", "project_id": "p"]
        func with(_ extra: KeyValuePairs<String, JSONValue>) -> JSONObject {
            var o = config(base)
            for (k, v) in extra { o[k] = v }
            return o
        }
        #expect(failure(with([:]))?.message.contains("exactly one") == true)
        #expect(failure(with(["token": "t", "ak": "a", "sk": "s"]))?.message.contains("exactly one") == true)
        #expect(failure(with(["token": "t", "sk": "s"])) != nil)
        #expect(failure(with(["ak": "a"]))?.message.contains("together") == true)
        #expect(failure(with(["sk": "s"]))?.message.contains("together") == true)
        #expect(failure(with(["token": "t", "security_token": "st"]))?.message.contains("security_token") == true)
        #expect(failure(with([:]), env: ["HUAWEICLOUD_SDK_AK": "a"])?.message.contains("together") == true)
        #expect(failure(with(["token": ""]))?.message.contains("config.token") == true)
    }

    @Test func unknownKeysAndWrongTypes() {
        let ok: KeyValuePairs<String, JSONValue> = ["endpoint": "http://127.0.0.1:1", "project_id": "p", "token": "t"]
        func with(_ key: String, _ value: JSONValue) -> JSONObject {
            var o = config(ok)
            o[key] = value
            return o
        }
        #expect(failure(with("tiemout_ms", 5))?.message.contains("unknown configuration key \"tiemout_ms\"") == true)
        let cases: [(String, JSONValue)] = [
            ("timeout_ms", "5"), ("timeout_ms", 0), ("connect_timeout_ms", .double(1.5)), ("retries", 11),
            ("retries", -1), ("insecure", "yes"), ("max_response_bytes", 0), ("endpoint", "ftp://host"),
            ("endpoint", "http://user@host"), ("endpoint", "http://host:99999"), ("endpoint", "http://ho st"),
            ("endpoint", "https://"), ("endpoint", 7), ("region", "ap southeast"), ("csbs_endpoint", "nope"),
            ("project_id", ""), ("project_id", "p\r\nX-Evil: 1"), ("backend", "embedded"), ("user_agent", "a\nb"),
            ("ca_file", "/nonexistent/ca.pem"), ("proxy", 1),
        ]
        for (key, value) in cases {
            let e = failure(with(key, value))
            #expect(e?.message.contains("config.\(key)") == true, "\(key) = \(value)")
        }
        var noEndpoint = config(ok)
        noEndpoint["endpoint"] = nil
        #expect(failure(noEndpoint)?.message.contains("config.endpoint") == true)
        var noProject = config(ok)
        noProject["project_id"] = nil
        #expect(failure(noProject)?.message.contains("project_id") == true)
    }

    @Test func secretsNeverPrinted() throws {
        let c = try RemoteConfig.parse(config(["endpoint": "http://127.0.0.1:1", "project_id": "p",
                                               "ak": "AKVISIBLE", "sk": "SKHIDDEN42", "security_token": "STHIDDEN42"]),
                                       environment: [:])
        for text in [String(describing: c), String(reflecting: c), "\(c.credentials)"] {
            #expect(!text.contains("SKHIDDEN42") && !text.contains("STHIDDEN42"))
        }
        let e = failure(config(["endpoint": "http://127.0.0.1:1", "project_id": "p", "token": "tok\nSECRET99"]))
        #expect(e?.message.contains("SECRET99") == false)
    }
}

@Suite("Remote configuration environment")
struct RemoteConfigEnvironmentTests {
    // Reads, never sets: other tests spawn processes, which read environ.
    @Test func readsOnlyTheSDKVariables() {
        let env = RemoteConfig.processEnvironment()
        #expect(Set(env.keys).isSubset(of: Set(RemoteConfig.environmentNames)))
        for name in RemoteConfig.environmentNames {
            #expect(env[name] == getenv(name).map { String(cString: $0) })
        }
    }
}
