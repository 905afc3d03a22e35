import ArgumentParser
import CkptClient
import CkptCore

struct CheckpointCmd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkpoint",
        abstract: "Create, show and wait for CBR checkpoints (restore points), and list their backups.",
        subcommands: [Create.self, Show.self, Wait.self, Backups.self])

    struct Backups: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "backups", abstract: "List a checkpoint's backups (backup.list with checkpoint_id).",
            discussion: "Prints {\"backups\": [...], \"count\", \"offset\", \"limit\"}: one backup per resource it protected.")

        @Argument(help: ArgumentHelp("The checkpoint id.", valueName: "checkpoint-id"))
        var id: String

        @OptionGroup var paging: PagingOptions<BackupPages>
        @OptionGroup var global: GlobalOptions

        func run() throws {
            var r: JSONObject = ["checkpoint_id": .string(id)]
            paging.apply(to: &r)
            try Runner.list(global, .backupList, r, all: paging.all)
        }
    }

    enum Mode: String, EnumerableFlag {
        case incremental, full

        static func help(for value: Mode) -> ArgumentHelp? {
            switch value {
            case .incremental: return "Ask for an incremental backup (\"incremental\": true)."
            case .full: return "Ask for a full backup (\"incremental\": false). Neither flag leaves the choice to the service."
            }
        }
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Back up a vault now (checkpoint.create).",
            discussion: """
            Sends {"checkpoint": {"vault_id", "parameters": {"auto_trigger", "description", "incremental", \
            "name", "resources"}}}, with only the parameters given. The new checkpoint is "protecting"; \
            use `ckpt checkpoint wait` to wait until it is "available".
            """)

        @Option(name: .customLong("vault-id"), help: "The vault to back up.")
        var vaultId: String

        @Option(name: .customLong("resource"),
                help: ArgumentHelp("A resource id of the vault to back up (repeatable; default: every resource).",
                                   valueName: "id"))
        var resources: [String] = []

        @Option(help: "The checkpoint name.")
        var name: String?

        @Option(help: "A description.")
        var description: String?

        @Flag(exclusivity: .exclusive) var mode: Mode?

        @Flag(name: .customLong("auto-trigger"), help: "Mark the backup as triggered automatically (\"auto_trigger\": true).")
        var autoTrigger = false

        @OptionGroup var global: GlobalOptions

        func run() throws {
            var p = JSONObject()
            if autoTrigger { p["auto_trigger"] = true }
            if let description { p["description"] = .string(description) }
            if let mode { p["incremental"] = .bool(mode == .incremental) }
            if let name { p["name"] = .string(name) }
            if !resources.isEmpty { p["resources"] = .array(resources.map(JSONValue.string)) }
            var c: JSONObject = ["vault_id": .string(vaultId)]
            if p.count > 0 { c["parameters"] = .object(p) }
            try Runner.call(global, "checkpoint.create", ["checkpoint": .object(c)])
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a checkpoint (checkpoint.get).")

        @Argument(help: ArgumentHelp("The checkpoint id.", valueName: "checkpoint-id"))
        var id: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Runner.call(global, "checkpoint.get", ["checkpoint_id": .string(id)])
        }
    }

    struct Wait: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wait",
            abstract: "Wait until a checkpoint reaches a status (checkpoint.wait).",
            discussion: """
            Polls the checkpoint until it reaches --status (exit 0, printing it), reaches "error" \
            (exit 12, conflict; the error object carries the checkpoint), or --timeout passes \
            (exit 16, timeout). On a terminal, stderr shows the status and the elapsed time.
            """)

        @Argument(help: ArgumentHelp("The checkpoint id.", valueName: "checkpoint-id"))
        var id: String

        @Option(help: "The status to wait for (default: available).")
        var status: String?

        @Option(help: ArgumentHelp("How long to wait, in seconds (decimals allowed, 0 to 86400).", valueName: "seconds"))
        var timeout: Double = 60

        @Option(name: .customLong("provider-id"),
                help: "Wait on a CSBS v1 checkpoint (from `ckpt policy execute`) of this provider.")
        var providerId: String?

        @OptionGroup var global: GlobalOptions

        func validate() throws { try Seconds.check(timeout) }

        func run() throws {
            var r: JSONObject = ["checkpoint_id": .string(id)]
            if let status { r["status"] = .string(status) }
            r["timeout_ms"] = .int(Seconds.ms(timeout))
            if let providerId { r["provider_id"] = .string(providerId) }
            try Runner.call(global, "checkpoint.wait", .object(r))
        }
    }
}
