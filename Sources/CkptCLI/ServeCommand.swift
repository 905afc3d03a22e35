import ArgumentParser
import CkptCore
import CkptServe
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `ckpt serve`: the emulator server, the embedded backend on the REST paths
/// of the documentation, for the remote backend and the official SDKs to
/// test against offline.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve the embedded backend over the CBR v3 / CSBS v1 REST API (an emulator).",
        discussion: """
        Serves POST/GET /v3/{project_id}/checkpoints[/{checkpoint_id}], /v3/{project_id}/vaults[/{vault_id}], \
        /v1/{project_id}/policies[/{policy_id}] and \
        /v1/{project_id}/providers/{provider_id}/checkpoints[/{checkpoint_id}] from one store file. \
        The project comes from the path; projects are kept apart. Errors are the service error body \
        {"error_code","error_msg"} with its HTTP status; every response carries an X-Request-Id.

        Authentication: with --token, a request must carry one of the tokens as X-Auth-Token; with \
        --ak/--sk pairs (matched by position), an SDK-HMAC-SHA256 Authorization header signed with one of \
        them is accepted, its X-Sdk-Date within --max-clock-skew of the server clock. Anything else is a \
        401 APIGW.0301. With neither, every request is accepted. Secrets are never printed or logged.

        Prints "listening on http://HOST:PORT" on stdout once it listens (PORT 0 picks a free port and \
        the line shows it). SIGINT or SIGTERM shut it down gracefully (requests in flight complete), \
        exit status 0. Set LOG_LEVEL=debug for one line per request on stderr.
        """
    )

    @Option(name: .long, help: ArgumentHelp(
        "The address to listen on: HOST:PORT or [IPV6]:PORT; port 0 picks a free port.", valueName: "host:port"))
    var listen = "127.0.0.1:8080"

    @Option(name: .long, help: ArgumentHelp(
        "The embedded store file, shared by every project (default: $CKPT_STORE).", valueName: "path"))
    var store: String?

    @Option(name: .customLong("token"), help: ArgumentHelp(
        "An accepted X-Auth-Token (repeatable).", valueName: "token"))
    var tokens: [String] = []

    @Option(name: .customLong("ak"), help: ArgumentHelp(
        "An accepted access key (repeatable; paired with the --sk in the same position).", valueName: "ak"))
    var accessKeys: [String] = []

    @Option(name: .customLong("sk"), help: ArgumentHelp(
        "The secret key of the --ak in the same position (repeatable).", valueName: "sk"))
    var secretKeys: [String] = []

    @Option(name: .customLong("max-clock-skew"), help: ArgumentHelp(
        "Seconds an X-Sdk-Date may be from the server clock.", valueName: "seconds"))
    var maxClockSkew: Int64 = 900

    @Option(name: .long, help: ArgumentHelp(
        "Worker threads that run the (blocking) store calls.", valueName: "n"))
    var threads = 8

    func validate() throws {
        guard ServeOptions.parseListen(listen) != nil else {
            throw ValidationError("--listen: expected HOST:PORT or [IPV6]:PORT with PORT 0 to 65535")
        }
        guard storePath != nil else { throw ValidationError("--store: required (or set $CKPT_STORE)") }
        guard accessKeys.count == secretKeys.count else {
            throw ValidationError("--ak and --sk must come in pairs: \(accessKeys.count) --ak, \(secretKeys.count) --sk")
        }
        guard !tokens.contains(where: \.isEmpty) else { throw ValidationError("--token: must not be empty") }
        guard !accessKeys.contains(where: \.isEmpty), !secretKeys.contains(where: \.isEmpty) else {
            throw ValidationError("--ak and --sk must not be empty")
        }
        guard Set(accessKeys).count == accessKeys.count else {
            throw ValidationError("--ak: the same access key is given more than once")
        }
        guard (0...86_400).contains(maxClockSkew) else {
            throw ValidationError("--max-clock-skew: 0 to 86400 seconds")
        }
        guard (1...256).contains(threads) else { throw ValidationError("--threads: 1 to 256") }
    }

    private var storePath: String? {
        if let store, !store.isEmpty { return store }
        guard let p = getenv("CKPT_STORE") else { return nil }
        let s = String(cString: p)
        return s.isEmpty ? nil : s
    }

    func run() throws {
        guard let (host, port) = ServeOptions.parseListen(listen), let path = storePath else {
            throw ExitCode.validationFailure
        }
        // A closed stdout or stderr must not kill the server (EPIPE instead).
        signal(SIGPIPE, SIG_IGN)
        var keys: [String: String] = [:]
        for (ak, sk) in zip(accessKeys, secretKeys) { keys[ak] = sk }
        let server = EmulatorServer(ServeOptions(
            host: host, port: port, storePath: path, tokens: tokens, keys: keys,
            maxSkewSeconds: maxClockSkew, workerThreads: threads))
        do {
            try server.checkStore()
        } catch {
            throw Self.fail(error)
        }
        Self.write(2, "ckpt serve: store \(path); authentication: "
            + (tokens.isEmpty && keys.isEmpty ? "none (every request is accepted)"
                : "\(tokens.count) token(s), \(keys.count) access key(s)") + "\n")
        do {
            try server.runBlocking { url in Self.write(1, "listening on \(url)\n") }
        } catch {
            throw Self.fail(CkptError(.network, httpStatus: 0, code: "",
                                      "cannot serve on \(listen): \(String(describing: error))"))
        }
    }

    /// The error object on stderr; the exit status of its class, as every
    /// other command.
    private static func fail(_ error: CkptError) -> ExitCode {
        Runner.fail(error, pretty: false)
    }

    /// Unbuffered: the listening line must reach a pipe at once.
    private static func write(_ fd: Int32, _ text: String) {
        IO.write(fd, text)
    }
}
