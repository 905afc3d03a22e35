import ArgumentParser
import CkptClient
import CkptCLIKit
import CkptCore

struct Vault: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vault",
        abstract: "Create, show, list, update and delete CBR vaults, and bind their resources.",
        subcommands: [Create.self, Show.self, List.self, Update.self, Delete.self, AddResource.self,
                      RemoveResource.self])

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

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List vaults (vault.list).",
            discussion: "Prints {\"vaults\": [...], \"count\", \"offset\", \"limit\"}; count is the total of matches.")

        @Option(help: "Vaults of this name (exact).")
        var name: String?

        @Option(help: ArgumentHelp("A vault id (repeatable: any of them).", valueName: "id"))
        var id: [String] = []

        @Option(help: "available, lock, frozen, deleting or error.")
        var status: String?

        @Option(name: .customLong("object-type"), help: "server, disk, turbo, workspace, vmware, rds or file.")
        var objectType: String?

        @Option(name: .customLong("protect-type"), help: "backup, replication or hybrid.")
        var protectType: String?

        @Option(name: .customLong("cloud-type"), help: "public or hybrid.")
        var cloudType: String?

        @Option(name: .customLong("policy-id"), help: "Vaults of this backup policy.")
        var policyId: String?

        @Option(name: .customLong("resource-id"),
                help: ArgumentHelp("Vaults holding this resource (repeatable: any of them).", valueName: "id"))
        var resourceIds: [String] = []

        @OptionGroup var paging: PagingOptions<VaultPages>
        @OptionGroup var global: GlobalOptions

        func run() throws {
            var r = JSONObject()
            if let name { r["name"] = .string(name) }
            if !id.isEmpty { r["id"] = .array(id.map(JSONValue.string)) }
            for (key, value) in [("status", status), ("object_type", objectType), ("protect_type", protectType),
                                 ("cloud_type", cloudType), ("policy_id", policyId)]
            {
                if let value { r[key] = .string(value) }
            }
            if !resourceIds.isEmpty { r["resource_ids"] = .string(resourceIds.joined(separator: ",")) }
            paging.apply(to: &r)
            try Runner.list(global, .vaultList, r, all: paging.all)
        }
    }

    struct Update: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "update", abstract: "Rename a vault or change its capacity (vault.update).",
            discussion: "Sends {\"vault\": {\"name\", \"billing\": {\"size\"}}} with the options given; the capacity may not go below what the vault uses.")

        @Argument(help: ArgumentHelp("The vault id.", valueName: "vault-id"))
        var id: String

        @Option(help: "The new name (1 to 64 characters).")
        var name: String?

        @Option(name: .customLong("size-gb"), help: "The new capacity in GB (billing.size).")
        var sizeGB: Int64?

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            if name == nil && sizeGB == nil { throw ValidationError("give --name, --size-gb or both") }
        }

        func run() throws {
            var vault = JSONObject()
            if let name { vault["name"] = .string(name) }
            if let sizeGB { vault["billing"] = ["size": .int(sizeGB)] }
            try Runner.call(global, Operation.vaultUpdate.name, ["vault_id": .string(id), "vault": .object(vault)])
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Delete a vault and every backup in it (vault.delete).",
            discussion: """
            The vault is "deleting", then gone with its backups; its vault_delete task (`ckpt task list \
            --operation-type vault_delete`) records it. On a terminal it asks first unless --yes is given; from \
            a script (stdin not a terminal) it does not ask. Prints {}; with --wait, waits until the vault is \
            gone and prints it as last seen, with billing.status "deleted".
            """)

        @Argument(help: ArgumentHelp("The vault id.", valueName: "vault-id"))
        var id: String

        @Flag(help: "Do not ask: delete the vault and its backups.")
        var yes = false

        @Flag(help: "Wait until the vault is gone.")
        var wait = false

        @Option(help: ArgumentHelp("How long --wait waits, in seconds (0 to 86400).", valueName: "seconds"))
        var timeout: Double = 600

        @OptionGroup var global: GlobalOptions

        func validate() throws { try Seconds.check(timeout) }

        func run() throws {
            let request: JSONValue = ["vault_id": .string(id)]
            if global.dryRun {
                try Runner.call(global, Operation.vaultDelete.name, request)
                return
            }
            if !yes && IO.stdinIsTerminal {
                IO.err("Delete vault \(id.prefix(64)) and every backup in it? Type yes to go on: ")
                let answer = IO.readLine(limit: 64)
                guard let answer = answer?.lowercased(), answer == "yes" || answer == "y" else {
                    IO.err("not deleted (pass --yes to delete without asking)\n")
                    throw ExitCode(Failure.exitStatus(.invalid))
                }
            }
            try Runner.execute(global) { (client) throws(CkptError) -> Reply in
                _ = try client.call(.vaultDelete, request)
                guard wait else { return Reply([:]) }
                return try Self.waitGone(client, request, timeoutMs: Seconds.ms(timeout))
            }
        }

        /// Polls vault.get until it answers not found, showing the status on
        /// a terminal; a timeout is class timeout carrying the vault.
        static func waitGone(_ client: Client, _ request: JSONValue, timeoutMs: Int64) throws(CkptError) -> Reply {
            let start = Clock.monotonicMs()
            var delay: Int64 = 20
            var last: JSONValue = ["vault": ["id": request["vault_id"] ?? ""]]
            defer { if IO.stderrIsTerminal { IO.err("\r\u{1B}[K") } }
            while true {
                do throws(CkptError) {
                    last = try client.call(.vaultGet, request).body
                } catch where error.errorClass == .notFound {
                    guard case .object(var top) = last, case .object(var v)? = top["vault"] else { return Reply(last) }
                    var billing = v["billing"]?.objectValue ?? JSONObject()
                    billing["status"] = "deleted"
                    v["billing"] = .object(billing)
                    top["vault"] = .object(v)
                    return Reply(.object(top))
                }
                let status = last["vault"]?["billing"]?["status"]?.stringValue ?? "?"
                let elapsed = Clock.monotonicMs() &- start
                if IO.stderrIsTerminal {
                    IO.err("\rwaiting: \(status.prefix(32)) (\(elapsed / 1000).\(elapsed % 1000 / 100) s)\u{1B}[K")
                }
                guard elapsed < timeoutMs else {
                    throw .timeout("vault \(request["vault_id"]?.stringValue ?? "") is still \(status) after \(timeoutMs) ms")
                }
                Clock.sleep(ms: min(delay, timeoutMs &- elapsed))
                delay = min(delay &* 3 / 2, 500)
            }
        }
    }

    struct AddResource: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add-resource", abstract: "Bind resources to a vault (vault.add_resources).",
            discussion: "Prints {\"add_resource_ids\": [...]}. A resource already in this vault or another one is refused.")

        @Argument(help: ArgumentHelp("The vault id.", valueName: "vault-id"))
        var id: String

        @Option(name: .customLong("resource"), help: ArgumentHelp(ResourceSpec.help, valueName: "id:type[:name[:size-gb]]"),
                transform: ResourceSpec.parse)
        var resources: [ResourceSpec]

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Runner.call(global, Operation.vaultAddResources.name,
                            ["vault_id": .string(id), "resources": .array(resources.map(\.json))])
        }
    }

    struct RemoveResource: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "remove-resource", abstract: "Unbind resources from a vault (vault.remove_resources).",
            discussion: "Prints {\"remove_resource_ids\": [...]}. Their backups stay; a resource being backed up is refused.")

        @Argument(help: ArgumentHelp("The vault id.", valueName: "vault-id"))
        var id: String

        @Option(name: .customLong("resource-id"), help: ArgumentHelp("A resource id (repeatable).", valueName: "id"))
        var resourceIds: [String]

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Runner.call(global, Operation.vaultRemoveResources.name,
                            ["vault_id": .string(id), "resource_ids": .array(resourceIds.map(JSONValue.string))])
        }
    }
}
