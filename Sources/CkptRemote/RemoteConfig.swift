import CkptCore
import CkptWire
#if canImport(Glibc)
import Glibc
#endif

/// The configuration of the remote backend (SPEC section 3).
///
/// Credentials come from the configuration or, where it names none, from the
/// environment variables the official SDKs read.  Printing a configuration
/// never shows a secret.
package struct RemoteConfig: Sendable {
    /// How requests authenticate: exactly one of the two.
    package enum Credentials: Sendable, Equatable, CustomStringConvertible, CustomDebugStringConvertible,
        CustomReflectable
    {
        /// An IAM or Keystone token, sent as `X-Auth-Token`.
        case token(String)
        /// AK/SK signing, with the temporary credential's security token if any.
        case accessKey(ak: String, sk: String, securityToken: String?)

        package var description: String {
            switch self {
            case .token: return "token(redacted)"
            case .accessKey(_, _, let st): return "accessKey(redacted\(st == nil ? "" : ", security token"))"
            }
        }

        package var debugDescription: String { description }
        package var customMirror: Mirror { Mirror(self, children: [:]) }

        /// The strings that must never appear in a message.
        package var secrets: [String] {
            switch self {
            case .token(let t): return [t]
            case .accessKey(_, let sk, let st): return [sk] + (st.map { [$0] } ?? [])
            }
        }
    }

    /// Where one API family is served: `scheme://authority` plus an optional
    /// path prefix (no trailing `/`).
    package struct Endpoint: Sendable, Equatable {
        package var scheme: String
        /// `host` or `host:port`, exactly as it goes into the `Host` header.
        package var authority: String
        package var basePath: String

        package var url: String { "\(scheme)://\(authority)\(basePath)" }

        /// Parses `http(s)://host[:port][/prefix]`; nil for anything else
        /// (user info, a query, a fragment, spaces or control characters).
        package init?(_ text: String) {
            let lower = HTTPHeader.lowercased(text)
            let scheme: String
            if lower.hasPrefix("https://") { scheme = "https" } else if lower.hasPrefix("http://") { scheme = "http" } else { return nil }
            let rest = text.dropFirst(scheme.count + 3)
            guard !rest.utf8.contains(where: { $0 <= 32 || $0 == 127 || $0 == UInt8(ascii: "@")
                    || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") || $0 == UInt8(ascii: "\\") })
            else { return nil }
            let authority: Substring
            var path: Substring
            if let slash = rest.firstIndex(of: "/") {
                authority = rest[..<slash]
                path = rest[slash...]
            } else {
                authority = rest
                path = ""
            }
            while path.hasSuffix("/") { path = path.dropLast() }
            guard Endpoint.isValidAuthority(authority) else { return nil }
            self.scheme = scheme
            self.authority = String(authority)
            self.basePath = String(path)
        }

        /// `host`, `host:port` or `[v6]:port`, with a port of 1 to 65535.
        private static func isValidAuthority(_ a: Substring) -> Bool {
            guard !a.isEmpty else { return false }
            var host = a
            if a.hasPrefix("[") {
                guard let close = a.firstIndex(of: "]") else { return false }
                let after = a[a.index(after: close)...]
                if after.isEmpty { return close != a.index(after: a.startIndex) }
                guard after.hasPrefix(":") else { return false }
                return isValidPort(after.dropFirst())
            }
            if let colon = a.firstIndex(of: ":") {
                host = a[..<colon]
                guard isValidPort(a[a.index(after: colon)...]) else { return false }
            }
            return !host.isEmpty && host.utf8.allSatisfy {
                PercentEncoding.isUnreserved($0) && $0 != UInt8(ascii: "~")
            }
        }

        private static func isValidPort(_ p: Substring) -> Bool {
            guard !p.isEmpty, p.count <= 5, p.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let n = Int(p) else { return false }
            return (1...65535).contains(n)
        }
    }

    package var projectId: String
    /// CBR v3.
    package var endpoint: Endpoint
    /// CSBS v1 (or an OpenStack Karbor deployment).
    package var csbsEndpoint: Endpoint
    package var credentials: Credentials
    package var connectTimeoutMs: Int64
    /// The whole call, across retries.
    package var timeoutMs: Int64
    /// How many times a retryable failure is retried.
    package var retries: Int
    package var caFile: String?
    package var insecure: Bool
    package var proxy: String?
    package var userAgent: String
    package var maxResponseBytes: Int

    package static let defaultUserAgent = "libckpt/\(libraryVersion)"
    package static let defaultConnectTimeoutMs: Int64 = 10_000
    package static let defaultTimeoutMs: Int64 = 30_000
    package static let defaultRetries = 3
    package static let defaultMaxResponseBytes = 16 * 1024 * 1024

    /// The keys a remote configuration may carry.
    package static let keys: [String] = [
        "backend", "project_id", "endpoint", "region", "csbs_endpoint", "token", "ak", "sk", "security_token",
        "connect_timeout_ms", "timeout_ms", "retries", "ca_file", "insecure", "proxy", "user_agent",
        "max_response_bytes",
    ]

    /// The environment variables the official SDKs read, which `parse` falls
    /// back on.
    package static let environmentNames = [
        "HUAWEICLOUD_SDK_AK", "HUAWEICLOUD_SDK_SK", "HUAWEICLOUD_SDK_SECURITY_TOKEN", "HUAWEICLOUD_SDK_PROJECT_ID",
    ]

    /// Those variables as this process sees them (`getenv`), for `parse`.
    package static func processEnvironment() -> [String: String] {
        var env: [String: String] = [:]
        for name in environmentNames {
            if let value = getenv(name) { env[name] = String(cString: value) }
        }
        return env
    }

    /// Tokens (an IAM token is several kilobytes) and other long strings.
    private static let maxSecretLength = 65_536

    /// Reads and checks a remote configuration.
    ///
    /// - Parameters:
    ///   - config: the client's whole configuration object.
    ///   - environment: where `HUAWEICLOUD_SDK_AK`, `HUAWEICLOUD_SDK_SK`,
    ///     `HUAWEICLOUD_SDK_SECURITY_TOKEN` and `HUAWEICLOUD_SDK_PROJECT_ID`
    ///     are looked up when the configuration leaves them out.
    /// - Throws: a 9900 (class invalid) naming the offending key.
    package static func parse(_ config: JSONObject, environment: [String: String]) throws(CkptError) -> RemoteConfig {
        for key in config.keys where !keys.contains(key) {
            throw .argument("unknown configuration key \"\(clipped(key))\"; expected one of: \(keys.joined(separator: ", "))")
        }
        let f = try Fields(.object(config), path: "config", family: .cbr)
        if let backend = try f.string("backend"), backend != "remote" {
            throw f.fail("backend", "must be \"remote\" for the remote backend")
        }

        func header(_ key: String, _ value: String?, envName: String? = nil) throws(CkptError) -> String? {
            guard let value else { return nil }
            let name = envName ?? f.name(key)
            if value.isEmpty { throw .argument("\(name): must not be empty") }
            if value.unicodeScalars.count > maxSecretLength {
                throw .argument("\(name): is longer than \(maxSecretLength) characters")
            }
            if !HTTPHeader.isSafeValue(value) { throw .argument("\(name): must not contain control characters") }
            return value
        }
        func env(_ name: String) throws(CkptError) -> String? {
            try header(name, environment[name].flatMap { $0.isEmpty ? nil : $0 }, envName: name)
        }
        func string(_ key: String) throws(CkptError) -> String? {
            try header(key, try f.string(key, nonEmpty: false, maxLength: maxSecretLength))
        }

        var projectId = try string("project_id")
        if projectId == nil { projectId = try env("HUAWEICLOUD_SDK_PROJECT_ID") }
        guard let projectId else {
            throw .argument("config.project_id: is required (or set HUAWEICLOUD_SDK_PROJECT_ID)")
        }

        var regionEndpoint: Endpoint?
        if let region = try string("region") {
            guard region.utf8.allSatisfy({ PercentEncoding.isUnreserved($0) && $0 != UInt8(ascii: "~") }),
                  let e = Endpoint("https://cbr.\(region).myhuaweicloud.com")
            else { throw f.fail("region", "must be a region name such as ap-southeast-1") }
            regionEndpoint = e
        }
        // An explicit endpoint wins over the one the region implies.
        let endpoint: Endpoint
        if let text = try string("endpoint") {
            guard let e = Endpoint(text) else { throw f.fail("endpoint", "must be http(s)://host[:port][/path]") }
            endpoint = e
        } else if let regionEndpoint {
            endpoint = regionEndpoint
        } else {
            throw .argument("config.endpoint: is required (or set config.region)")
        }
        var csbsEndpoint = endpoint
        if let text = try string("csbs_endpoint") {
            guard let e = Endpoint(text) else { throw f.fail("csbs_endpoint", "must be http(s)://host[:port][/path]") }
            csbsEndpoint = e
        }

        let credentials = try readCredentials(token: try string("token"), ak: try string("ak"), sk: try string("sk"),
                                              securityToken: try string("security_token"), env: env)

        let connectTimeoutMs = try f.int("connect_timeout_ms", in: 1...600_000) ?? defaultConnectTimeoutMs
        let timeoutMs = try f.int("timeout_ms", in: 1...86_400_000) ?? defaultTimeoutMs
        let retries = try f.int("retries", in: 0...10).map { Int($0) } ?? defaultRetries
        let maxResponseBytes = try f.int("max_response_bytes", in: 1...1_073_741_824).map { Int($0) }
            ?? defaultMaxResponseBytes
        let caFile = try string("ca_file")
        if let caFile, access(caFile, R_OK) != 0 {
            throw f.fail("ca_file", "cannot read \(clipped(caFile, 256))")
        }
        let proxy = try string("proxy")
        let userAgent = try string("user_agent")

        return RemoteConfig(projectId: projectId, endpoint: endpoint, csbsEndpoint: csbsEndpoint,
                            credentials: credentials, connectTimeoutMs: connectTimeoutMs, timeoutMs: timeoutMs,
                            retries: retries, caFile: caFile, insecure: try f.bool("insecure") ?? false,
                            proxy: proxy, userAgent: userAgent ?? defaultUserAgent, maxResponseBytes: maxResponseBytes)
    }

    /// Exactly one way to authenticate.  The environment is read only when
    /// the configuration names no credential at all, and its security token
    /// only goes with its own AK/SK, so two sources are never mixed.
    private static func readCredentials(token: String?, ak: String?, sk: String?, securityToken: String?,
                                        env: (String) throws(CkptError) -> String?) throws(CkptError) -> Credentials
    {
        let exactlyOne = "config: give exactly one of token, or ak and sk"
        switch (token, ak, sk) {
        case (let token?, nil, nil):
            if securityToken != nil { throw .argument("config.security_token: goes with ak and sk, not with token") }
            return .token(token)
        case (nil, let ak?, let sk?):
            return .accessKey(ak: ak, sk: sk, securityToken: securityToken)
        case (nil, nil, nil):
            if securityToken != nil { throw .argument("config.security_token: goes with ak and sk") }
            switch (try env("HUAWEICLOUD_SDK_AK"), try env("HUAWEICLOUD_SDK_SK")) {
            case (let ak?, let sk?):
                return .accessKey(ak: ak, sk: sk, securityToken: try env("HUAWEICLOUD_SDK_SECURITY_TOKEN"))
            case (nil, nil):
                throw .argument("\(exactlyOne) (or set HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK)")
            default:
                throw .argument("HUAWEICLOUD_SDK_AK and HUAWEICLOUD_SDK_SK must be set together")
            }
        case (nil, _, _):
            throw .argument("config.ak and config.sk must be given together")
        default:
            throw .argument(exactlyOne)
        }
    }
}
