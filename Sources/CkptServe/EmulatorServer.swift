import CkptCore
import CkptEmulator
import CkptServeConfig
import CkptWire
import Dispatch
import Hummingbird
import HummingbirdCore
import HummingbirdTLS
import HTTPTypes
import NIOSSL

/// The emulator server: `EmulatorService` (the embedded backend on the REST
/// paths of SPEC section 1, CkptEmulator) on HTTP/1.1, with or without TLS,
/// so that the remote backend and other clients (the official Huawei Cloud
/// SDKs included) can be tested offline.
///
/// Every request gets a fresh `X-Request-Id` (errors and unknown routes
/// included); the caller is authenticated as far as the headers allow
/// before the body is read (at most 1 MiB), and the rest (the signature,
/// the route, the operation) runs on a worker thread: the embedded backend
/// blocks on SQLite, so it never runs on an event loop.
package final class EmulatorServer: Sendable {
    package let options: ServeOptions
    let service: EmulatorService
    let pool: BlockingPool

    package init(_ options: ServeOptions) {
        self.options = options
        service = EmulatorService(tokens: options.tokens, keys: options.keys, maxSkewSeconds: options.maxSkewSeconds,
                                  storePath: options.storePath)
        pool = BlockingPool(threads: options.workerThreads)
    }

    /// Opens the store once, so that a bad path fails before listening, and
    /// loads libcrypto (token and AK/SK checks), which libckpt loads on
    /// first use: a missing one fails here, class `network`, not per request.
    /// With TLS, reads the certificate and key, so that a bad file fails here.
    package func checkStore() throws(CkptError) {
        try service.check()
        _ = try tlsConfiguration()
    }

    /// The server's TLS configuration (TLS 1.2 and up), or nil without TLS.
    /// Errors name the file, never its content.
    func tlsConfiguration() throws(CkptError) -> TLSConfiguration? {
        guard let tls = options.tls else { return nil }
        let chain: [NIOSSLCertificate]
        do {
            chain = try NIOSSLCertificate.fromPEMFile(tls.certificatePath)
        } catch {
            throw .argument("--tls-cert \(tls.certificatePath): not a readable PEM certificate chain (\(Self.describe(error)))")
        }
        guard !chain.isEmpty else { throw .argument("--tls-cert \(tls.certificatePath): holds no certificate") }
        let key: NIOSSLPrivateKey
        do {
            key = try NIOSSLPrivateKey(file: tls.keyPath, format: .pem)
        } catch {
            throw .argument("--tls-key \(tls.keyPath): not a readable PEM private key (\(Self.describe(error)))")
        }
        var config = TLSConfiguration.makeServerConfiguration(certificateChain: chain.map { .certificate($0) },
                                                              privateKey: .privateKey(key))
        config.minimumTLSVersion = .tlsv12
        return config
    }

    /// An NIOSSL error's kind, without any file content.
    static func describe(_ error: any Error) -> String {
        if let e = error as? NIOSSLError { return "\(e)" }
        if let e = error as? BoringSSLError { return "\(e)".prefix(200).description }
        return String(describing: type(of: error))
    }

    /// Serves until SIGINT or SIGTERM, then shuts down gracefully (requests
    /// in flight complete) and returns.  `announce` receives the base URL
    /// once the socket is listening (with the real port when 0 was asked).
    package func run(announce: @escaping @Sendable (String) -> Void) async throws {
        defer { service.closeAll() }
        let options = self.options
        let connections = ConnectionCapHandler.Counter(cap: options.maxConnections)
        var http1 = HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionCapHandler(connections), ExpectContinueHandler()],
            idleTimeout: .seconds(Int64(options.idleTimeoutSeconds)))
        // A larger head is a 400 (and the connection closed), before any of it
        // reaches a route.
        http1.httpDecoder = .init(maxHeaderFieldSize: ServeOptions.maxHeaderFieldBytes,
                                  maxHeaderListSize: ServeOptions.maxHeaderBytes, maxHeaderFieldCount: 200)
        let builder: HTTPServerBuilder
        if let tls = try tlsConfiguration() {
            builder = try .tls(.http1(configuration: http1), tlsConfiguration: tls)
        } else {
            builder = .http1(configuration: http1)
        }
        let app = Application(
            responder: ServeResponder(server: self),
            server: builder,
            configuration: .init(address: .hostname(options.host, port: options.port)),
            onServerRunning: { channel in
                announce(options.url(port: channel.localAddress?.port ?? options.port))
            })
        try await app.runService(gracefulShutdownSignals: [.sigterm, .sigint])
    }

    /// `run` for synchronous callers (a `ParsableCommand`): blocks the
    /// calling thread until the server has stopped.
    package func runBlocking(announce: @escaping @Sendable (String) -> Void) throws {
        let outcome = Outcome()
        let done = DispatchSemaphore(value: 0)
        Task {
            do {
                try await self.run(announce: announce)
            } catch {
                outcome.set(error)
            }
            done.signal()
        }
        done.wait()
        if let error = outcome.error { throw error }
    }

    private final class Outcome: @unchecked Sendable {
        private let lock = Lock()
        private var stored: (any Error)?
        func set(_ e: any Error) { lock.withLock { stored = e } }
        var error: (any Error)? { lock.withLock { stored } }
    }

    // MARK: - HTTP

    /// Reads the whole body, refusing more than `Limits.maxRequestBytes`
    /// (413, from the declared length when there is one, before reading).
    /// Broken framing (a bad chunk size, a missing CRLF, a connection that
    /// ends inside the body) is a 400, never a 500.
    static func readBody(_ request: Request, family: APIFamily) async throws(CkptError) -> [UInt8] {
        let limit = Limits.maxRequestBytes
        if let declared = request.headers[.contentLength], let n = Int(declared), n > limit {
            throw EmulatorService.tooLarge
        }
        var bytes: [UInt8] = []
        do {
            for try await chunk in request.body {
                guard chunk.readableBytes <= limit &- bytes.count else { throw EmulatorService.tooLarge }
                bytes.append(contentsOf: chunk.readableBytesView)
            }
        } catch let e as CkptError {
            throw e
        } catch {
            throw .parameter(family, "request body: cannot be read: the HTTP message is malformed or cut short")
        }
        return bytes
    }

    /// Every header as received, with `Host` (which HTTP types keep apart,
    /// as the authority) put back: the signature may cover it.
    static func headers(_ request: Request) -> [HTTPHeader] {
        var out: [HTTPHeader] = []
        var hasHost = false
        for field in request.headers {
            if HTTPHeader.lowercased(field.name.rawName) == "host" { hasHost = true }
            out.append(HTTPHeader(field.name.rawName, field.value))
        }
        if !hasHost, let authority = request.head.authority { out.append(HTTPHeader("Host", authority)) }
        return out
    }

    /// The service's answer as a Hummingbird response.
    static func response(_ answer: EmulatorResponse) -> Response {
        let fields = fields(answer.headers)
        let status = HTTPResponse.Status(code: (100...599).contains(answer.status) ? answer.status : 500)
        guard let text = answer.body else { return Response(status: status, headers: fields) }
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Headers as HTTP fields (the service only writes valid names).
    static func fields(_ headers: [HTTPHeader]) -> HTTPFields {
        var fields = HTTPFields()
        for h in headers {
            if let name = HTTPField.Name(h.name) { fields.append(HTTPField(name: name, value: h.value)) }
        }
        return fields
    }
}
