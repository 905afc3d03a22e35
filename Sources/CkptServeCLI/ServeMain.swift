import ArgumentParser
import CkptCLIKit
import CkptCore
import CkptServe
import CkptServeConfig
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `ckpt-serve`: the emulator server, run by `ckpt serve` (or directly).
/// The embedded backend on the REST paths of the documentation, for the
/// remote backend and the official SDKs to test against offline.
struct ServeMain: ParsableCommand {
    static let configuration = ServeArguments.configuration(commandName: "ckpt-serve")

    @OptionGroup var arguments: ServeArguments

    func run() throws {
        guard let (host, port) = ServeOptions.parseListen(arguments.listen), let path = arguments.storePath else {
            throw ExitCode.validationFailure
        }
        // A closed stdout or stderr must not kill the server (EPIPE instead).
        signal(SIGPIPE, SIG_IGN)
        let credentials: ServeCredentials
        do {
            credentials = try Self.credentials(arguments)
        } catch {
            throw Self.fail(error)
        }
        let tokens = credentials.tokens, keys = credentials.keys
        var options = ServeOptions(
            host: host, port: port, storePath: path, tokens: tokens, keys: keys,
            maxSkewSeconds: arguments.maxClockSkew, workerThreads: arguments.threads,
            idleTimeoutSeconds: arguments.idleTimeout, maxConnections: arguments.maxConnections)
        if let cert = arguments.tlsCert, let key = arguments.tlsKey { options.tls = (cert, key) }
        let server = EmulatorServer(options)
        do {
            try server.checkStore()
        } catch {
            throw Self.fail(error)
        }
        IO.err("ckpt serve: store \(path); authentication: "
            + (tokens.isEmpty && keys.isEmpty ? "none (every request is accepted)"
                : "\(tokens.count) token(s), \(keys.count) access key(s)") + "\n")
        do {
            // Unbuffered: the listening line must reach a pipe at once.
            try server.runBlocking { url in IO.out("listening on \(url)\n") }
        } catch {
            throw Self.fail(CkptError(.network, httpStatus: 0, code: "",
                                      "cannot serve on \(arguments.listen): \(String(describing: error))"))
        }
    }

    /// The credentials of every source: the command line (with a warning
    /// for each kind of secret on it), the file, the variable.
    static func credentials(_ arguments: ServeArguments) throws(CkptError) -> ServeCredentials {
        var all = ServeCredentials()
        var keys: [String: String] = [:]
        for (ak, sk) in zip(arguments.accessKeys, arguments.secretKeys) { keys[ak] = sk }
        try all.add(ServeCredentials(tokens: arguments.tokens, keys: keys), from: "--ak")
        for (flag, used) in [("--token", !arguments.tokens.isEmpty), ("--sk", !arguments.secretKeys.isEmpty)] where used {
            IO.err("ckpt serve: warning: \(flag) puts a secret on the command line, where every user of this "
                + "machine can read it (ps, /proc/PID/cmdline); use --credentials-file FILE (mode 600) or "
                + "$\(ServeCredentials.variable) instead\n")
        }
        if let file = arguments.credentialsFile {
            let source = "credentials file \(file)"
            try all.add(ServeCredentials.parse(ServeCredentials.readFile(file), source: source), from: source)
        }
        if let text = IO.env(ServeCredentials.variable) {
            let source = "$\(ServeCredentials.variable)"
            try all.add(ServeCredentials.parse(text, source: source), from: source)
        }
        return all
    }

    /// The error object on stderr (compact); the exit status of its class,
    /// as every ckpt command.
    private static func fail(_ error: CkptError) -> ExitCode {
        Failure.report(error, rendered: error.json.serialized())
    }
}
