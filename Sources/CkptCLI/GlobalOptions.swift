import ArgumentParser
import CkptClient
import CkptCLIKit
import CkptCore

/// The options every command takes: where the store and the configuration
/// are, and how to print.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(
        "The embedded store file; overrides the configuration's \"path\" (default: $CKPT_STORE).",
        valueName: "path"))
    var store: String?

    @Option(name: .long, help: ArgumentHelp(
        "A JSON file holding the configuration object (default: $CKPT_CONFIG).",
        valueName: "file"))
    var config: String?

    @Flag(name: .long, help: "Indent the JSON output for people (default: one compact line).")
    var pretty = false

    @Flag(name: .customLong("dry-run"),
          help: "Print {\"operation\", \"request\"} instead of running it (nothing is opened).")
    var dryRun = false

    /// The configuration object, from the flags first, then the environment:
    ///   configuration file: --config, else $CKPT_CONFIG;
    ///   store path: --store, else the "path" of a --config file, else
    ///   $CKPT_STORE, else the "path" of the $CKPT_CONFIG file.
    func configuration() throws(CkptError) -> JSONValue? {
        let file = config ?? IO.env("CKPT_CONFIG")
        var value: JSONValue? = nil
        if let file {
            let what = "config file \(file)"
            switch IO.readFile(file, limit: Limits.maxRequestBytes) {
            case .success(let bytes): value = try IO.parseJSON(bytes, what: what)
            case .failure(let e): throw .argument("\(what): cannot read it: \(e.message)")
            }
        }
        var path = store
        if path == nil {
            let fileHasPath = value?["path"] != nil
            if !(config != nil && fileHasPath) { path = IO.env("CKPT_STORE") }
        }
        guard let path else { return value }
        switch value {
        case nil:
            return ["path": .string(path)]
        case .object(var o)?:
            o["path"] = .string(path)
            return .object(o)
        case let other?:
            return other // not an object: the library refuses it by name
        }
    }
}
