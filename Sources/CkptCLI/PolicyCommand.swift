import ArgumentParser
import CkptClient
import CkptCore

struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Create, show and run CSBS backup policies; list and delete their checkpoints.",
        subcommands: [Create.self, Show.self, Execute.self, Checkpoints.self, DeleteCheckpoint.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a backup policy (policy.create).",
            discussion: "Sends {\"policy\": {\"name\", \"description\", \"resources\"}} on the CSBS provider.")

        @Option(help: "The policy name (1 to 255 characters).")
        var name: String

        @Option(name: .customLong("resource"), help: ArgumentHelp(ResourceSpec.help, valueName: "id:type[:name[:size-gb]]"),
                transform: ResourceSpec.parse)
        var resources: [ResourceSpec]

        @Option(help: "A description.")
        var description: String?

        @OptionGroup var global: GlobalOptions

        func run() throws {
            var policy: JSONObject = ["name": .string(name)]
            if let description { policy["description"] = .string(description) }
            policy["resources"] = .array(resources.map(\.json))
            try Runner.call(global, "policy.create", ["policy": .object(policy)])
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a backup policy (policy.get).")

        @Argument(help: ArgumentHelp("The policy id.", valueName: "policy-id"))
        var id: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Runner.call(global, "policy.get", ["policy_id": .string(id)])
        }
    }

    struct Execute: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "execute",
            abstract: "Run a backup policy now (policy.execute).",
            discussion: """
            Sends {"checkpoint": {"plan_id", "parameters": {"auto_trigger", "resources"}}} and prints the \
            CSBS v1 checkpoint. Wait for it with `ckpt checkpoint wait ID --provider-id \(csbsProviderId)`.
            """)

        @Argument(help: ArgumentHelp("The policy (plan) id.", valueName: "plan-id"))
        var planId: String

        @Option(name: .customLong("resource"),
                help: ArgumentHelp("A resource id of the policy to back up (repeatable; default: every resource).",
                                   valueName: "id"))
        var resources: [String] = []

        @Flag(name: .customLong("auto-trigger"), help: "Mark the backup as triggered automatically (\"auto_trigger\": true).")
        var autoTrigger = false

        @OptionGroup var global: GlobalOptions

        func run() throws {
            var p = JSONObject()
            if autoTrigger { p["auto_trigger"] = true }
            if !resources.isEmpty { p["resources"] = .array(resources.map(JSONValue.string)) }
            try Runner.call(global, "policy.execute",
                            ["checkpoint": ["plan_id": .string(planId), "parameters": .object(p)]])
        }
    }

    struct Checkpoints: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkpoints", abstract: "List CSBS v1 checkpoints (policy.checkpoint_list).",
            discussion: """
            Prints {"checkpoints": [...]}, with "checkpoints_links": [{"href", "rel": "next"}] when another page \
            follows (Karbor's paging: by --marker, no count).
            """)

        @Option(name: .customLong("plan-id"), help: "Checkpoints of this policy (plan).")
        var planId: String?

        @Option(name: .customLong("start-date"), help: ArgumentHelp("Created on or after this day (YYYY-MM-DD, UTC).", valueName: "date"))
        var startDate: String?

        @Option(name: .customLong("end-date"), help: ArgumentHelp("Created on or before this day (YYYY-MM-DD, UTC).", valueName: "date"))
        var endDate: String?

        @Option(help: "Checkpoints per page, 1 to 1000 (default 1000).")
        var limit: Int64?

        @Option(help: ArgumentHelp("Start after the checkpoint with this id.", valueName: "id"))
        var marker: String?

        @Option(help: ArgumentHelp("key[:asc|desc],... over \((Operation.policyCheckpointList.list?.sortKeys ?? []).joined(separator: ", ")) (default created_at:desc).",
                                   valueName: "keys"))
        var sort: String?

        @Flag(help: "Follow every page and print them as one list.")
        var all = false

        @Option(name: .customLong("provider-id"), help: "The provider (default: the CSBS provider).")
        var providerId: String?

        @OptionGroup var global: GlobalOptions

        func run() throws {
            var r = JSONObject()
            for (key, value) in [("plan_id", planId), ("start_date", startDate), ("end_date", endDate),
                                 ("marker", marker), ("sort", sort), ("provider_id", providerId)]
            {
                if let value { r[key] = .string(value) }
            }
            if let limit { r["limit"] = .int(limit) }
            try Runner.list(global, .policyCheckpointList, r, all: all)
        }
    }

    struct DeleteCheckpoint: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete-checkpoint", abstract: "Delete a CSBS v1 checkpoint and its backups (policy.checkpoint_delete).",
            discussion: "Prints {}. The checkpoint is \"deleting\" until its backups are gone, then it is not found.")

        @Argument(help: ArgumentHelp("The checkpoint id.", valueName: "checkpoint-id"))
        var id: String

        @Option(name: .customLong("provider-id"), help: "The provider (default: the CSBS provider).")
        var providerId: String?

        @OptionGroup var global: GlobalOptions

        func run() throws {
            var r: JSONObject = ["checkpoint_id": .string(id)]
            if let providerId { r["provider_id"] = .string(providerId) }
            try Runner.call(global, Operation.policyCheckpointDelete.name, .object(r))
        }
    }
}
