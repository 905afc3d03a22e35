import ArgumentParser
import CkptClient
import CkptCore

struct Policy: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "policy",
        abstract: "Create, show and run CSBS backup policies.",
        subcommands: [Create.self, Show.self, Execute.self])

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
}
