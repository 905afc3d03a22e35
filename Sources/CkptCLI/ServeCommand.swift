import ArgumentParser
import CkptCLIKit
import CkptCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `ckpt serve`: the emulator server.  The options are parsed and checked
/// here (so `ckpt serve --help`, the man page and the completion know them),
/// then the process becomes `ckpt-serve` with the same arguments: the server
/// (Hummingbird, SwiftNIO, Foundation) lives in that executable, so that
/// every other command starts without loading it.
struct ServeCommand: ParsableCommand {
    static let configuration = ServeArguments.configuration(commandName: "serve")

    @OptionGroup var arguments: ServeArguments

    /// The environment variable that names the server executable.
    static let serverVariable = "CKPT_SERVE_BIN"

    func run() throws {
        // `ckpt serve ARGS...`: the root command takes no options, so the
        // subcommand is always the first argument.
        let argv = CommandLine.arguments
        guard argv.count >= 2, argv[1] == "serve" else {
            throw Runner.fail(.internalError("ckpt serve: unexpected command line"), pretty: false)
        }
        let candidates = Self.serverCandidates()
        guard let server = candidates.first(where: { access($0, X_OK) == 0 }) else {
            throw Runner.fail(CkptError(.invalid, httpStatus: 0, code: "",
                "ckpt serve: the server executable ckpt-serve is not installed (looked for "
                + candidates.joined(separator: ", ") + "; $\(Self.serverVariable) names another)"), pretty: false)
        }
        // The path without its ../ (ps and /proc show what runs).
        let path = realpath(server, nil).map { p in defer { free(p) }; return String(cString: p) } ?? server
        let args = [path] + argv.dropFirst(2)
        var cArgs: [UnsafeMutablePointer<CChar>?] = args.map { strdup($0) } + [nil]
        execv(path, &cArgs)
        let reason = Errno(errno).message
        for p in cArgs { free(p) }
        throw Runner.fail(CkptError(.invalid, httpStatus: 0, code: "", "ckpt serve: cannot run \(server): \(reason)"),
                          pretty: false)
    }

    /// $CKPT_SERVE_BIN, else ckpt-serve beside this executable (the build
    /// tree), else ../libexec/ckpt/ckpt-serve from it (`make install`, the
    /// .deb: /usr/bin/ckpt and /usr/libexec/ckpt/ckpt-serve).
    static func serverCandidates() -> [String] {
        if let explicit = IO.env(serverVariable) { return [explicit] }
        var buffer = [CChar](repeating: 0, count: 4096)
        let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard n > 0 else { return [] }
        let exe = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = exe.lastIndex(of: "/") else { return [] }
        let dir = String(exe[..<slash])
        return [dir + "/ckpt-serve", dir + "/../libexec/ckpt/ckpt-serve"]
    }
}
