import ArgumentParser
import CkptClient
import CkptCLIKit
import CkptCore

struct BackupCmd: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "List, show, rename, delete, restore, wait for and prune backups.",
        subcommands: [List.self, Show.self, Rename.self, Delete.self, Restore.self, Wait.self, Prune.self])

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "List backups (backup.list).",
            discussion: "Prints {\"backups\": [...], \"count\", \"offset\", \"limit\"}; count is the total of matches.")

        @Option(name: .customLong("checkpoint-id"), help: "Backups of this checkpoint.")
        var checkpointId: String?

        @OptionGroup var filters: BackupFilters
        @OptionGroup var paging: PagingOptions<BackupPages>
        @OptionGroup var global: GlobalOptions

        func run() throws {
            var r = JSONObject()
            if let checkpointId { r["checkpoint_id"] = .string(checkpointId) }
            filters.apply(to: &r)
            paging.apply(to: &r)
            try Runner.list(global, .backupList, r, all: paging.all)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a backup (backup.get).")

        @Argument(help: ArgumentHelp("The backup id.", valueName: "backup-id"))
        var id: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Runner.call(global, Operation.backupGet.name, ["backup_id": .string(id)])
        }
    }

    struct Rename: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rename", abstract: "Rename a backup (backup.update).")

        @Argument(help: ArgumentHelp("The backup id.", valueName: "backup-id"))
        var id: String

        @Option(help: "The new name (1 to 64 characters).")
        var name: String

        @OptionGroup var global: GlobalOptions

        func run() throws {
            try Runner.call(global, Operation.backupUpdate.name, ["backup_id": .string(id), "backup": ["name": .string(name)]])
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "delete", abstract: "Delete a backup (backup.delete).",
            discussion: """
            The backup is "deleting", then gone. Prints {}; with --wait, waits until it is gone and prints it \
            with the status "deleted".
            """)

        @Argument(help: ArgumentHelp("The backup id.", valueName: "backup-id"))
        var id: String

        @Flag(help: "Wait until the backup is gone.")
        var wait = false

        @Option(help: ArgumentHelp("How long --wait waits, in seconds (0 to 86400).", valueName: "seconds"))
        var timeout: Double = 600

        @OptionGroup var global: GlobalOptions

        func validate() throws { try Seconds.check(timeout) }

        func run() throws {
            let request: JSONValue = ["backup_id": .string(id)]
            guard wait, !global.dryRun else {
                try Runner.call(global, Operation.backupDelete.name, request)
                return
            }
            try Runner.execute(global) { (client) throws(CkptError) -> Reply in
                _ = try client.call(.backupDelete, request)
                return try Runner.callShowingProgress(client, .backupWait, [
                    "backup_id": .string(id), "status": "deleted", "timeout_ms": .int(Seconds.ms(timeout)),
                ])
            }
        }
    }

    struct Restore: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "restore", abstract: "Restore a backup (backup.restore).",
            discussion: """
            Sends {"restore": {"server_id", "volume_id", "resource_id", "power_on", "mappings"}} with the options \
            given, and prints {"job_id"}: the restore task, which `ckpt task wait` follows. A server backup needs \
            --server-id (or --resource-id), a volume backup --volume-id. With --wait it waits for the task and \
            prints it.
            """)

        @Argument(help: ArgumentHelp("The backup id.", valueName: "backup-id"))
        var id: String

        @Option(name: .customLong("server-id"), help: "The server to restore into.")
        var serverId: String?

        @Option(name: .customLong("volume-id"), help: "The volume to restore into.")
        var volumeId: String?

        @Option(name: .customLong("resource-id"), help: "The resource to restore into.")
        var resourceId: String?

        @Flag(name: .customLong("power-on"), inversion: .prefixedNo, help: "Start the server after the restore.")
        var powerOn: Bool?

        @Option(name: .customLong("mapping"),
                help: ArgumentHelp("A disk backup and the volume it goes to (repeatable).", valueName: "backup-id:volume-id"))
        var mappings: [String] = []

        @Flag(help: "Wait for the restore task to end.")
        var wait = false

        @Option(help: ArgumentHelp("How long --wait waits, in seconds (0 to 86400).", valueName: "seconds"))
        var timeout: Double = 600

        @OptionGroup var global: GlobalOptions

        func validate() throws {
            try Seconds.check(timeout)
            for m in mappings where m.split(separator: ":", omittingEmptySubsequences: false).count != 2 {
                throw ValidationError("--mapping must be BACKUP_ID:VOLUME_ID, got \"\(m.prefix(200))\"")
            }
        }

        func run() throws {
            var restore = JSONObject()
            if let serverId { restore["server_id"] = .string(serverId) }
            if let volumeId { restore["volume_id"] = .string(volumeId) }
            if let resourceId { restore["resource_id"] = .string(resourceId) }
            if let powerOn { restore["power_on"] = .bool(powerOn) }
            if !mappings.isEmpty {
                restore["mappings"] = .array(mappings.map { m in
                    let parts = m.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                    return ["backup_id": .string(parts.first ?? ""), "volume_id": .string(parts.last ?? "")]
                })
            }
            let request: JSONValue = ["backup_id": .string(id), "restore": .object(restore)]
            guard wait, !global.dryRun else {
                try Runner.call(global, Operation.backupRestore.name, request)
                return
            }
            try Runner.execute(global) { (client) throws(CkptError) -> Reply in
                let job = try client.call(.backupRestore, request).body["job_id"]?.stringValue ?? ""
                return try Runner.callShowingProgress(client, .operationLogWait, [
                    "operation_log_id": .string(job), "timeout_ms": .int(Seconds.ms(timeout)),
                ])
            }
        }
    }

    struct Wait: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "wait", abstract: "Wait until a backup reaches a status (backup.wait).",
            discussion: """
            Polls the backup until it reaches --status (default available; "deleted" waits until it is gone), \
            goes to "error" (exit 12), or --timeout passes (exit 16). On a terminal, stderr shows the status.
            """)

        @Argument(help: ArgumentHelp("The backup id.", valueName: "backup-id"))
        var id: String

        @Option(help: "The status to wait for (default: available).")
        var status: String?

        @Option(help: ArgumentHelp("How long to wait, in seconds (0 to 86400).", valueName: "seconds"))
        var timeout: Double = 60

        @OptionGroup var global: GlobalOptions

        func validate() throws { try Seconds.check(timeout) }

        func run() throws {
            var r: JSONObject = ["backup_id": .string(id), "timeout_ms": .int(Seconds.ms(timeout))]
            if let status { r["status"] = .string(status) }
            try Runner.call(global, Operation.backupWait.name, .object(r))
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune", abstract: "Delete a vault's old backups by keep rules (backup.prune).",
            discussion: """
            Like `restic forget`: each resource's available backups are judged apart, newest first; \
            --keep-last N keeps the N newest, --keep-daily/--keep-weekly/--keep-monthly N the newest of each of \
            the N latest days, ISO weeks or months (UTC) that have backups, --keep-within-days D every backup \
            newer than the newest one minus D days. A backup kept by any rule is kept; the rest are deleted. \
            At least one rule is required.

            Nothing is deleted without --yes: without it (or with --dry-run) the plan is computed and printed, \
            and nothing changes. The plan is a table on a terminal and JSON otherwise \
            ({"keep": [{"id", "resource_id", "created_at", "reasons"}], "remove": [ids], "dry_run"}).
            """)

        @Option(name: .customLong("vault-id"), help: "The vault.")
        var vaultId: String

        @Option(name: .customLong("resource-id"), help: "Only this resource's backups.")
        var resourceId: String?

        @Option(name: .customLong("keep-last"), help: "Keep the N newest backups.")
        var keepLast: Int64?

        @Option(name: .customLong("keep-daily"), help: "Keep the newest backup of each of the N latest days.")
        var keepDaily: Int64?

        @Option(name: .customLong("keep-weekly"), help: "Keep the newest backup of each of the N latest ISO weeks.")
        var keepWeekly: Int64?

        @Option(name: .customLong("keep-monthly"), help: "Keep the newest backup of each of the N latest months.")
        var keepMonthly: Int64?

        @Option(name: .customLong("keep-within-days"), help: "Keep every backup within D days of the newest.")
        var keepWithinDays: Int64?

        @Flag(help: "Delete what the plan removes (without it, nothing is deleted).")
        var yes = false

        @OptionGroup var global: GlobalOptions

        func run() throws {
            // --dry-run (a global flag: print, send nothing) means the prune's
            // own dry run here: the plan is computed, and nothing is deleted.
            let dryRun = global.dryRun || !yes
            var r: JSONObject = ["vault_id": .string(vaultId)]
            if let resourceId { r["resource_id"] = .string(resourceId) }
            if let keepLast { r["keep_last"] = .int(keepLast) }
            if let keepDaily { r["keep_daily"] = .int(keepDaily) }
            if let keepWeekly { r["keep_weekly"] = .int(keepWeekly) }
            if let keepMonthly { r["keep_monthly"] = .int(keepMonthly) }
            if let keepWithinDays { r["keep_within_days"] = .int(keepWithinDays) }
            r["dry_run"] = .bool(dryRun)
            var options = global
            options.dryRun = false
            let render: ((JSONValue) -> String)? = IO.stdoutIsTerminal && !global.pretty ? { Self.table($0) } : nil
            try Runner.execute(options, render: render) { (client) throws(CkptError) -> Reply in
                let reply = try client.call(.backupPrune, .object(r))
                if dryRun && !yes && !global.dryRun {
                    let n = reply.body["remove"]?.arrayValue?.count ?? 0
                    IO.err("nothing was deleted: this is the plan; pass --yes to delete the \(n) backup(s) it removes\n")
                }
                return reply
            }
        }

        /// The plan for people: one line per backup, kept ones with why.
        static func table(_ body: JSONValue) -> String {
            var rows: [[String]] = [["ACTION", "BACKUP", "RESOURCE", "CREATED", "REASONS"]]
            for k in body["keep"]?.arrayValue ?? [] {
                let reasons = (k["reasons"]?.arrayValue ?? []).compactMap(\.stringValue).joined(separator: ", ")
                rows.append(["keep", k["id"]?.stringValue ?? "", k["resource_id"]?.stringValue ?? "",
                             k["created_at"]?.stringValue ?? "", reasons])
            }
            for id in body["remove"]?.arrayValue ?? [] {
                rows.append(["remove", id.stringValue ?? "", "", "", ""])
            }
            var widths = [Int](repeating: 0, count: 5)
            for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
            var out = ""
            for row in rows {
                let cells = row.enumerated().map { i, cell in
                    i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
                }
                out += cells.joined(separator: "  ") + "\n"
            }
            let dry = body["dry_run"]?.boolValue ?? true
            out += "\(body["keep"]?.arrayValue?.count ?? 0) kept, \(body["remove"]?.arrayValue?.count ?? 0) "
                + (dry ? "to remove (dry run: nothing deleted)" : "removed")
            return out
        }
    }
}
