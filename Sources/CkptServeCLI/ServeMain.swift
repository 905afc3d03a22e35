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
        var keys: [String: String] = [:]
        for (ak, sk) in zip(arguments.accessKeys, arguments.secretKeys) { keys[ak] = sk }
        let tokens = arguments.tokens
        let server = EmulatorServer(ServeOptions(
            host: host, port: port, storePath: path, tokens: tokens, keys: keys,
            maxSkewSeconds: arguments.maxClockSkew, workerThreads: arguments.threads))
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

    /// The error object on stderr (compact); the exit status of its class,
    /// as every ckpt command.
    private static func fail(_ error: CkptError) -> ExitCode {
        Failure.report(error, rendered: error.json.serialized())
    }
}
