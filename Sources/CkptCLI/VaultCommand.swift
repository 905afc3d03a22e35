import ArgumentParser
import CkptClient
import CkptCore

struct Vault: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Create and show CBR vaults.",
        subcommands: [Create.self, Show.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create",
            abstract: "Create a vault (vault.create).",
            discussion: "Sends {\"vault\": {\"name\", \"description\", \"billing\": {\"size\", \"object_type\"}, \"resources\"}}.")

        @Option(help: "The vault name (1 to 64 characters).")
        var name: String

        @Option(name: .customLong("size-gb"), help: "The capacity in GB (billing.size).")
        var sizeGB: Int64

        @Option(name: .customLong("resource"), help: ArgumentHelp(ResourceSpec.help, valueName: "id:type[:name[:size-gb]]"),
                transform: ResourceSpec.parse)
        var resources: [ResourceSpec] = []

        @Option(help: "A description (at most 255 characters).")
        var description: String?

        @Option(name: .customLong("object-type"),
                help: "billing.object_type: server (the default), disk, turbo, workspace, vmware, rds or file.")
        var objectType: String?

        @OptionGroup var global: GlobalOptions

        func run() throws {
            var billing: JSONObject = ["size": .int(sizeGB)]
            if let objectType { billing["object_type"] = .string(objectType) }
            var vault: JSONObject = ["name": .string(name)]
            if let description { vault["description"] = .string(description) }
            vault["billing"] = .object(billing)
            vault["resources"] = .array(resources.map(\.json))
            try Runner.call(global, "vault.create", ["vault": .object(vault)])
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a vault (vault.get).")

        @Argument(help: ArgumentHelp("The vault id.", valueName: "vault-id"))
        var id: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Runner.call(global, "vault.get", ["vault_id": .string(id)])
        }
    }
}
