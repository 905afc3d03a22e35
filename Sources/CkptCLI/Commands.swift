import ArgumentParser
import CkptClient
import CkptCore

/// `ckpt`: the root command.
struct CkptCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ckpt",
        abstract: "Create and query backup checkpoints (Huawei Cloud CBR v3 / CSBS v1) with libckpt.",
        discussion: """
        Every command prints the response JSON on stdout (one compact line; --pretty indents it). \
        On failure it prints the error object on stderr, \
        {"code","class","http_status","error_code","error_msg","request_id"}, \
        and exits with the status of the error's class.

        Configuration: --config FILE (or $CKPT_CONFIG) names a JSON file holding the \
        configuration object of ckpt_client_open() (backend, path, project_id, ...); \
        --store PATH (or $CKPT_STORE) sets the embedded store file, overriding the file's "path". \
        Flags win over the environment. Remote credentials also come from HUAWEICLOUD_SDK_AK, \
        HUAWEICLOUD_SDK_SK, HUAWEICLOUD_SDK_SECURITY_TOKEN and HUAWEICLOUD_SDK_PROJECT_ID.

        Exit status:
           0  success
          10  invalid      CKPT_EINVAL     bad argument, request, JSON or configuration
          11  not_found    CKPT_ENOTFOUND  no such vault, policy or checkpoint
          12  conflict     CKPT_ECONFLICT  state forbids it: busy, vault status, error
          13  quota        CKPT_EQUOTA     capacity or quota exceeded
          14  auth         CKPT_EAUTH      authentication failed (401)
          15  permission   CKPT_EPERM      permission denied (403)
          16  timeout      CKPT_ETIMEOUT   a timeout expired (e.g. checkpoint wait)
          17  network      CKPT_ENETWORK   connection, DNS or TLS failure
          18  remote       CKPT_EREMOTE    the service failed (429, 5xx, garbage)
          19  storage      CKPT_ESTORAGE   the local store failed (I/O, path)
          20  internal     CKPT_EINTERNAL  a bug in libckpt
          64  usage                        bad command line (ArgumentParser)
        An error class exits with 9 minus its CKPT_E* code.
        """,
        version: libraryVersion,
        subcommands: [Call.self, Operations.self, Vault.self, CheckpointCmd.self, BackupCmd.self, TaskCmd.self, Policy.self,
                      ServeCommand.self]
    )
}

// MARK: - ckpt call

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

// MARK: - Resource arguments

/// `ID:TYPE[:NAME[:SIZE_GB]]` of --resource.
struct ResourceSpec {
    var id: String
    var type: String
    var name: String?
    var sizeGB: Int64?

    static let help = """
        A resource as ID:TYPE[:NAME[:SIZE_GB]]. TYPE is server, volume, baremetal, or a full type \
        (OS::Nova::Server, OS::Cinder::Volume, OS::Ironic::BareMetalServer). SIZE_GB (local: used \
        for capacity and the simulated backup time) is the part after the last colon when it is \
        all digits; end a NAME that itself ends in :DIGITS with :0. Repeat for more resources.
        """

    static let aliases = [
        "server": "OS::Nova::Server", "volume": "OS::Cinder::Volume", "baremetal": "OS::Ironic::BareMetalServer",
    ]

    static func parse(_ text: String) throws -> ResourceSpec {
        let usage = "expected ID:TYPE[:NAME[:SIZE_GB]], got \"\(text.prefix(200))\""
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 2, !parts[0].isEmpty else { throw ValidationError(usage) }
        var rest = parts[1...]
        let type: String
        if rest.count >= 5, rest[rest.startIndex] == "OS", rest[rest.startIndex + 1] == "",
           rest[rest.startIndex + 3] == ""
        {
            type = rest.prefix(5).joined(separator: ":")
            rest = rest.dropFirst(5)
        } else {
            type = rest[rest.startIndex]
            rest = rest.dropFirst()
        }
        guard !type.isEmpty else { throw ValidationError(usage) }
        var spec = ResourceSpec(id: parts[0], type: aliases[type] ?? type)
        if rest.isEmpty { return spec }
        if rest.count >= 2, let last = rest.last, !last.isEmpty, last.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            guard let size = Int64(last) else { throw ValidationError("resource size \(last.prefix(40)) is too large") }
            spec.sizeGB = size
            rest = rest.dropLast()
        }
        spec.name = rest.joined(separator: ":")
        return spec
    }

    init(id: String, type: String) {
        self.id = id
        self.type = type
    }

    /// `{"id", "type", "name"?, "size"?}`: the Resource body of vault.create
    /// and policy.create (`size` is the embedded backend's local field).
    var json: JSONValue {
        var o: JSONObject = ["id": .string(id), "type": .string(type)]
        if let name { o["name"] = .string(name) }
        if let sizeGB { o["size"] = .int(sizeGB) }
        return .object(o)
    }
}

// MARK: - ckpt vault

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

// MARK: - ckpt checkpoint

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

        @OptionGroup var paging: PagingOptions
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

// MARK: - ckpt policy

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
