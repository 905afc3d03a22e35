import ArgumentParser
import CkptClient
import CkptCore

struct TaskCmd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "task",
        abstract: "List, show and wait for tasks (operation logs: backups, deletes, restores).",
        subcommands: [List.self, Show.self, Wait.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List tasks (operation_log.list).",
            discussion: "Prints {\"operation_logs\": [...], \"count\", \"offset\", \"limit\"}.")

        @Option(name: .customLong("operation-type"), help: "backup, delete, restore, vault_delete, remove_resource, ...")
        var operationType: String?

        @Option(help: "waiting, running, success, failed, timeout or skipped.")
        var status: String?

        @Option(name: .customLong("vault-id"), help: "Tasks of this vault.")
        var vaultId: String?

        @Option(name: .customLong("vault-name"), help: "Tasks of vaults of this name.")
        var vaultName: String?

        @Option(name: .customLong("resource-id"), help: "Tasks of this resource.")
        var resourceId: String?

        @Option(name: .customLong("resource-name"), help: "Tasks of resources of this name.")
        var resourceName: String?

        @Option(name: .customLong("provider-id"), help: "Tasks of this provider.")
        var providerId: String?

        @Option(name: .customLong("start-time"), help: ArgumentHelp("Created at or after (YYYY-MM-DDTHH:MM:SSZ).", valueName: "time"))
        var startTime: String?

        @Option(name: .customLong("end-time"), help: ArgumentHelp("Created at or before (YYYY-MM-DDTHH:MM:SSZ).", valueName: "time"))
        var endTime: String?

        @OptionGroup var paging: PagingOptions<TaskPages>
        @OptionGroup var global: GlobalOptions

        func run() throws {
            var r = JSONObject()
            for (key, value) in [("operation_type", operationType), ("status", status), ("vault_id", vaultId),
                                 ("vault_name", vaultName), ("resource_id", resourceId), ("resource_name", resourceName),
                                 ("provider_id", providerId), ("start_time", startTime), ("end_time", endTime)]
            {
                if let value { r[key] = .string(value) }
            }
            paging.apply(to: &r)
            try Runner.list(global, .operationLogList, r, all: paging.all)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a task (operation_log.get).")

        @Argument(help: ArgumentHelp("The task (operation log) id.", valueName: "task-id"))
        var id: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Runner.call(global, Operation.operationLogGet.name, ["operation_log_id": .string(id)])
        }
    }

    struct Wait: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wait", abstract: "Wait until a task ends (operation_log.wait).",
            discussion: """
            Polls the task until it succeeds (exit 0, printing it), fails, times out or is skipped (exit 12), \
            or --timeout passes (exit 16). On a terminal, stderr shows the status and the progress.
            """)

        @Argument(help: ArgumentHelp("The task (operation log) id, e.g. a restore's job_id.", valueName: "task-id"))
        var id: String

        @Option(help: ArgumentHelp("How long to wait, in seconds (0 to 86400).", valueName: "seconds"))
        var timeout: Double = 60

        @OptionGroup var global: GlobalOptions

        func validate() throws { try Seconds.check(timeout) }

        func run() throws {
            try Runner.call(global, Operation.operationLogWait.name,
                            ["operation_log_id": .string(id), "timeout_ms": .int(Seconds.ms(timeout))])
        }
    }
}
