import ArgumentParser
import CkptCLIKit
import CkptCore

/// `ckpt operations`: the operation table, as JSON.
struct Operations: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "operations",
        abstract: "List every operation with its REST path (the operation table), as JSON.",
        discussion: """
        Prints {"version", "operations": [{"name", "family", "kind", "method", "path", "success", \\
        "retry_safe", "summary"}], "unserved": [{"family", "method", "path"}]}. kind is "service" \\
        (a REST call: the remote backend sends it, `ckpt serve` serves it), "client" (libckpt's own, \\
        run on either backend) or "local" (a test control of the embedded backend). "unserved" lists \\
        the real service's other paths, which `ckpt serve` answers with 501 and APIGW.0101.
        """)

    @Flag(name: .long, help: "Indent the JSON output for people (default: one compact line).")
    var pretty = false

    func run() throws {
        let table: JSONValue = [
            "version": .string(libraryVersion),
            "operations": .array(Operation.all.map(Self.entry)),
            "unserved": .array(Operation.unservedRoutes.map { u in
                ["family": .string(Self.familyName(u.family)), "method": .string(u.route.method.rawValue),
                 "path": .string(u.route.template)]
            }),
        ]
        IO.out(try Runner.render(table, pretty: pretty) + "\n")
    }

    static func familyName(_ f: APIFamily) -> String { f == .cbr ? "cbr_v3" : "csbs_v1" }

    static func entry(_ op: Operation) -> JSONValue {
        var o: JSONObject = ["name": .string(op.name), "family": .string(familyName(op.family))]
        switch op.kind {
        case .service(let route, let success):
            o["kind"] = "service"
            o["method"] = .string(route.method.rawValue)
            o["path"] = .string(route.template)
            o["success"] = .int(Int64(success))
        case .client: o["kind"] = "client"
        case .local: o["kind"] = "local"
        }
        o["retry_safe"] = .bool(op.isRetrySafe)
        o["summary"] = .string(op.summary)
        return .object(o)
    }
}
