import ArgumentParser
import CkptClient
import CkptCLIKit
import CkptCore

struct Call: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "call",
        abstract: "Run any operation with a JSON request.",
        discussion: """
        OPERATION is a canonical name: \(Operation.all.filter { !$0.isLocalOnly }.map(\.name).joined(separator: ", ")), \
        and the embedded backend's local test controls \
        \(Operation.all.filter(\.isLocalOnly).map(\.name).joined(separator: " and ")). `ckpt operations` lists them \
        with their REST paths. REQUEST is the documented body plus the path parameters as \
        top-level fields, e.g. '{"checkpoint_id": "..."}'; "-" reads it from stdin; omitted means {}.
        """
    )

    @Argument(help: ArgumentHelp("The canonical operation name, e.g. checkpoint.get.", valueName: "operation"))
    var operation: String

    @Argument(help: ArgumentHelp("The request JSON, or - to read it from stdin (default: {}).", valueName: "request-json"))
    var request: String?

    @OptionGroup var global: GlobalOptions

    func run() throws {
        let body: JSONValue?
        do throws(CkptError) {
            body = try readRequest()
        } catch {
            throw Runner.fail(error, pretty: global.pretty)
        }
        try Runner.call(global, operation, body)
    }

    private func readRequest() throws(CkptError) -> JSONValue? {
        guard let request else { return nil }
        if request == "-" {
            switch IO.readAll(0, limit: Limits.maxRequestBytes) {
            case .success(let bytes): return try IO.parseJSON(bytes, what: "request (stdin)")
            case .failure(let e): throw .argument("request (stdin): cannot read it: \(e.message)")
            }
        }
        return try IO.parseJSON(Array(request.utf8), what: "request")
    }
}
