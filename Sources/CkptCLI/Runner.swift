import ArgumentParser
import CkptCLIKit
import CkptClient
import CkptCore

/// Runs one command: opens the client, runs the operation, prints the
/// response on stdout, or the error object on stderr with the class's exit
/// status.
enum Runner {

    /// - Parameter render: prints the response for people instead of as
    ///   JSON (the prune plan's table on a terminal).
    static func execute(_ global: GlobalOptions, render custom: ((JSONValue) -> String)? = nil,
                        _ body: (Client) throws(CkptError) -> Reply) throws
    {
        do throws(CkptError) {
            let client = try Client(config: global.configuration())
            defer { client.close() }
            let reply = try body(client)
            let text: String
            if let custom { text = custom(reply.body) } else { text = try render(reply, pretty: global.pretty) }
            IO.out(text + "\n")
        } catch {
            throw fail(error, pretty: global.pretty)
        }
    }

    /// Prints the error object on stderr; returns the exit status to throw.
    static func fail(_ error: CkptError, pretty: Bool) -> ExitCode {
        Failure.report(error, rendered: try? render(error.json, pretty: pretty))
    }

    /// Runs `operation` with `request`, as `ckpt call` does.
    static func call(_ global: GlobalOptions, _ operation: String, _ request: JSONValue?) throws {
        if global.dryRun {
            let plan: JSONValue = ["operation": .string(operation), "request": request ?? [:]]
            guard let text = global.pretty ? PrettyJSON.render(plan) : plan.serialized() else { throw ExitCode(20) }
            IO.out(text + "\n")
            return
        }
        try execute(global) { (client) throws(CkptError) -> Reply in
            try callShowingProgress(client, Operation.named(operation), request ?? [:])
        }
    }

    /// Runs an operation; a wait shows a progress line on stderr when it is
    /// a terminal (the status, a task's progress, the time so far).
    static func callShowingProgress(_ client: Client, _ op: Operation, _ request: JSONValue) throws(CkptError) -> Reply {
        guard IO.stderrIsTerminal, op == .checkpointWait || op == .backupWait || op == .operationLogWait else {
            return try client.call(op, request)
        }
        let parsed = try op.parse(request)
        defer { IO.err("\r\u{1B}[K") }
        let progress: Client.Progress = { body, elapsedMs in
            let subject = body.objectValue?.members.first?.value
            let status = subject?["status"]?.stringValue ?? "?"
            let percent = subject?["extra_info"]?["common"]?["progress"]?.intValue.map { " \($0)%" } ?? ""
            let ms = max(elapsedMs, 0)
            IO.err("\rwaiting: \(status.prefix(32))\(percent) (\(ms / 1000).\(ms % 1000 / 100) s)\u{1B}[K")
            return true
        }
        switch parsed {
        case let r as CheckpointWaitRequest: return try client.wait(r, progress: progress)
        case let r as BackupWaitRequest: return try client.wait(r, progress: progress)
        case let r as OperationLogWaitRequest: return try client.wait(r, progress: progress)
        default: return try client.perform(op, parsed)
        }
    }

    /// Compact output is the reply's own text (a stored document goes out
    /// as it was stored); pretty output is built from the value.
    static func render(_ reply: Reply, pretty: Bool) throws(CkptError) -> String {
        if !pretty, let text = reply.text { return text }
        return try render(reply.body, pretty: pretty)
    }

    static func render(_ value: JSONValue, pretty: Bool) throws(CkptError) -> String {
        guard let text = pretty ? PrettyJSON.render(value) : value.serialized() else {
            throw .internalError("out of memory rendering the JSON output")
        }
        return text
    }
}
