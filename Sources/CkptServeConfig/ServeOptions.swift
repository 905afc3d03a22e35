import CkptCore

/// What `ckpt serve` was asked to do.
package struct ServeOptions: Sendable {
    /// The address to bind: a host name or IP (IPv6 without brackets).
    package var host: String
    /// 0 picks a free port.
    package var port: Int
    /// The embedded store file shared by every project.
    package var storePath: String
    package var tokens: [String]
    /// AK -> SK.
    package var keys: [String: String]
    /// How far an `X-Sdk-Date` may be from the server clock.
    package var maxSkewSeconds: Int64
    /// Worker threads for the (blocking) embedded backend.
    package var workerThreads: Int
    /// Seconds a connection may sit idle (no request in progress) before
    /// it is closed.
    package var idleTimeoutSeconds: Int
    /// Connections open at once; one more is answered 429 and closed.
    package var maxConnections: Int

    /// PEM files of the certificate chain and its private key: HTTPS when set.
    package var tls: (certificatePath: String, keyPath: String)?

    /// The largest request head (request line and headers) read.
    package static let maxHeaderBytes = 32 << 10
    /// The largest single header line.
    package static let maxHeaderFieldBytes = 16 << 10
    package static let defaultIdleTimeoutSeconds = 60
    package static let defaultMaxConnections = 1024

    package init(host: String, port: Int, storePath: String, tokens: [String] = [], keys: [String: String] = [:],
                 maxSkewSeconds: Int64 = 15 * 60, workerThreads: Int = 8,
                 idleTimeoutSeconds: Int = defaultIdleTimeoutSeconds, maxConnections: Int = defaultMaxConnections)
    {
        self.idleTimeoutSeconds = idleTimeoutSeconds
        self.maxConnections = maxConnections
        self.host = host
        self.port = port
        self.storePath = storePath
        self.tokens = tokens
        self.keys = keys
        self.maxSkewSeconds = maxSkewSeconds
        self.workerThreads = workerThreads
    }

    /// The base URL clients use, e.g. `http://127.0.0.1:8080`
    /// (`https://` with TLS).
    package func url(port: Int) -> String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(tls == nil ? "http" : "https")://\(h):\(port)"
    }

    /// Parses `HOST:PORT`, `[IPV6]:PORT` or `:PORT` (meaning 127.0.0.1).
    /// PORT is 0 to 65535; 0 picks a free port.
    package static func parseListen(_ text: String) -> (host: String, port: Int)? {
        let hostPart: Substring
        let portPart: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            hostPart = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portPart = rest.dropFirst()
            guard !hostPart.isEmpty, hostPart.contains(":") else { return nil }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return nil }
            hostPart = text[..<colon]
            portPart = text[text.index(after: colon)...]
            guard !hostPart.contains(":") else { return nil }
        }
        guard !portPart.isEmpty, portPart.count <= 5, portPart.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }),
              let port = Int(portPart), port <= 65535
        else { return nil }
        guard hostPart.utf8.allSatisfy({ c in
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)
                || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: ":")
                || c == UInt8(ascii: "%") || c == UInt8(ascii: "_")
        }) else { return nil }
        return (hostPart.isEmpty ? "127.0.0.1" : String(hostPart), port)
    }
}
