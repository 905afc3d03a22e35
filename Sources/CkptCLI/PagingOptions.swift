import ArgumentParser
import CkptClient
import CkptCore

/// The list a `PagingOptions` pages: its help names that list's sort keys,
/// from the operation table.
protocol PagedList {
    static var operation: Operation { get }
}

enum BackupPages: PagedList { static var operation: Operation { .backupList } }
enum TaskPages: PagedList { static var operation: Operation { .operationLogList } }
enum VaultPages: PagedList { static var operation: Operation { .vaultList } }

/// The paging of every list (SPEC 6.2), and `--all`.
struct PagingOptions<List: PagedList>: ParsableArguments {
    @Option(help: "Items per page, 1 to 1000 (default 1000).")
    var limit: Int64?

    @Option(help: "Items to skip (default 0).")
    var offset: Int64?

    @Option(help: ArgumentHelp("Start after the item with this id (the previous page's last).", valueName: "id"))
    var marker: String?

    @Option(help: ArgumentHelp(
        "key[:asc|desc],... over \((List.operation.list?.sortKeys ?? []).joined(separator: ", ")) (default created_at:desc).",
        valueName: "keys"))
    var sort: String?

    @Flag(help: "Follow every page (by marker) and print them as one list.")
    var all = false

    func apply(to request: inout JSONObject) {
        if let limit { request["limit"] = .int(limit) }
        if let offset { request["offset"] = .int(offset) }
        if let marker { request["marker"] = .string(marker) }
        if let sort { request["sort"] = .string(sort) }
    }
}
