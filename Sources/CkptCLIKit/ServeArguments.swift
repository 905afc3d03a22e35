import ArgumentParser
import CkptCore
import CkptServeConfig
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The options of the emulator server, shared by `ckpt serve` (which only
/// parses them, for its help, the man page and the completion, then hands
/// the command line to `ckpt-serve`) and `ckpt-serve` (which serves).  The
/// server lives in its own executable so that Hummingbird, SwiftNIO and
/// Foundation cost nothing to the commands that do not serve.
package struct ServeArguments: ParsableArguments {
    package init() {}

    /// The command's help: `ckpt serve` and `ckpt-serve` show the same.
    package static func configuration(commandName: String) -> CommandConfiguration {
        CommandConfiguration(
            commandName: commandName,
            abstract: "Serve the embedded backend over the CBR v3 / CSBS v1 REST API (an emulator).",
            discussion: """
            Serves POST/GET /v3/{project_id}/checkpoints[/{checkpoint_id}], /v3/{project_id}/vaults[/{vault_id}], \
            /v1/{project_id}/policies[/{policy_id}] and \
            /v1/{project_id}/providers/{provider_id}/checkpoints[/{checkpoint_id}] from one store file. \
            The project comes from the path; projects are kept apart. Errors are the service error body \
            {"error_code","error_msg"} with its HTTP status; every response carries an X-Request-Id.

            Authentication: with tokens, a request must carry one of them as X-Auth-Token; with AK/SK pairs, \
            an SDK-HMAC-SHA256 Authorization header signed with one of them is accepted, its X-Sdk-Date within \
            --max-clock-skew of the server clock. Anything else is a 401 APIGW.0301. With neither, every \
            request is accepted. Secrets are never printed or logged.

            Credentials: --credentials-file FILE, or $CKPT_SERVE_CREDENTIALS, holds \
            {"tokens": ["..."], "keys": [{"ak": "...", "sk": "..."}]}. The file must be readable by its owner \
            only (chmod 600): any other is refused, as ssh refuses such a key. --token, --ak and --sk still \
            work, with a warning: every user of the machine can read a command line (ps, /proc/PID/cmdline). \
            The sources add up.

            TLS: with --tls-cert and --tls-key (PEM files) it serves HTTPS (TLS 1.2 and up) and prints an \
            https:// URL; clients verify it against the CA that issued the certificate.

            Prints "listening on http://HOST:PORT" on stdout once it listens (PORT 0 picks a free port and \
            the line shows it). SIGINT or SIGTERM shut it down gracefully (requests in flight complete), \
            exit status 0. Set LOG_LEVEL=debug for one line per request on stderr.

            Limits: a body of at most 1 MiB (413 APIGW.0201 beyond), a request head of at most 32 KiB \
            and a header line of at most 16 KiB (400, connection closed), --idle-timeout, --max-connections.
            """
        )
    }

    @Option(name: .long, help: ArgumentHelp(
        "The address to listen on: HOST:PORT or [IPV6]:PORT; port 0 picks a free port.", valueName: "host:port"))
    package var listen = "127.0.0.1:8080"

    @Option(name: .long, help: ArgumentHelp(
        "The embedded store file, shared by every project (default: $CKPT_STORE).", valueName: "path"))
    package var store: String?

    @Option(name: .customLong("token"), help: ArgumentHelp(
        "An accepted X-Auth-Token (repeatable; visible to every user in ps: prefer --credentials-file).",
        valueName: "token"))
    package var tokens: [String] = []

    @Option(name: .customLong("ak"), help: ArgumentHelp(
        "An accepted access key (repeatable; paired with the --sk in the same position).", valueName: "ak"))
    package var accessKeys: [String] = []

    @Option(name: .customLong("sk"), help: ArgumentHelp(
        "The secret key of the --ak in the same position (repeatable; visible in ps: prefer --credentials-file).",
        valueName: "sk"))
    package var secretKeys: [String] = []

    @Option(name: .customLong("credentials-file"), help: ArgumentHelp(
        #"A JSON file {"tokens": [...], "keys": [{"ak", "sk"}]}, mode 600 (see $CKPT_SERVE_CREDENTIALS)."#,
        valueName: "path"))
    package var credentialsFile: String?

    @Option(name: .customLong("max-clock-skew"), help: ArgumentHelp(
        "Seconds an X-Sdk-Date may be from the server clock.", valueName: "seconds"))
    package var maxClockSkew: Int64 = 900

    @Option(name: .long, help: ArgumentHelp(
        "Worker threads that run the (blocking) store calls.", valueName: "n"))
    package var threads = 8

    @Option(name: .customLong("tls-cert"), help: ArgumentHelp(
        "Serve HTTPS with this PEM certificate chain (with --tls-key).", valueName: "path"))
    package var tlsCert: String?

    @Option(name: .customLong("tls-key"), help: ArgumentHelp(
        "The PEM private key of --tls-cert.", valueName: "path"))
    package var tlsKey: String?

    @Option(name: .customLong("idle-timeout"), help: ArgumentHelp(
        "Seconds a connection may sit idle before it is closed.", valueName: "seconds"))
    package var idleTimeout = ServeOptions.defaultIdleTimeoutSeconds

    @Option(name: .customLong("max-connections"), help: ArgumentHelp(
        "Connections open at once; one more is answered 429 APIGW.0308 and closed.", valueName: "n"))
    package var maxConnections = ServeOptions.defaultMaxConnections

    package func validate() throws {
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
        if let credentialsFile, credentialsFile.isEmpty { throw ValidationError("--credentials-file: must not be empty") }
        guard (0...86_400).contains(maxClockSkew) else {
            throw ValidationError("--max-clock-skew: 0 to 86400 seconds")
        }
        guard (1...256).contains(threads) else { throw ValidationError("--threads: 1 to 256") }
        guard (tlsCert == nil) == (tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        guard tlsCert?.isEmpty != true, tlsKey?.isEmpty != true else {
            throw ValidationError("--tls-cert and --tls-key must not be empty")
        }
        guard (1...86_400).contains(idleTimeout) else { throw ValidationError("--idle-timeout: 1 to 86400 seconds") }
        guard (1...100_000).contains(maxConnections) else { throw ValidationError("--max-connections: 1 to 100000") }
    }

    /// --store, else $CKPT_STORE; nil when neither is set.
    package var storePath: String? {
        if let store, !store.isEmpty { return store }
        return IO.env("CKPT_STORE")
    }
}
