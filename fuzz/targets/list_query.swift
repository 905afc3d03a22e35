// Fuzz target: the query of a list, as the emulator reads it and the remote
// backend writes it: PercentEncoding.queryPairs, ListSchema.members(ofQuery:),
// the list schemas (ListRequest), ListRequest.httpQuery and
// PercentEncoding.queryString.
//
// Input: byte 0 picks the list (backup.list, operation_log.list, vault.list,
// policy.checkpoint_list); the rest is a raw query string (what follows `?`).
//
// Properties checked:
//   - a refusal is a 400 BackupService.9900 (CSBS.9001 for a v1 list) of
//     class invalid;
//   - an accepted request has limit 1-1000 and offset >= 0, and every
//     filter it kept is one of its schema's;
//   - the query the remote backend would send for it, read back as the
//     emulator reads it, gives the same request (the two ends agree).
import CkptCore
import CkptWire
#if canImport(Glibc)
import Glibc
#endif

private let lists: [Operation] = [.backupList, .operationLogList, .vaultList, .policyCheckpointList]

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzBytes(data, size)
    guard let selector = input.first else { return 0 }
    let op = lists[Int(selector) % lists.count]
    guard let schema = op.list else { finding("\(op.name) has no list schema") }
    let query = String(decoding: input.dropFirst(), as: UTF8.self)
    let members = schema.members(ofQuery: PercentEncoding.queryPairs(query))
    let parsed: ListRequest
    do throws(CkptError) {
        parsed = try ListRequest(.object(members), schema: schema, family: op.family)
    } catch {
        let code = op.family == .cbr ? "BackupService.9900" : "CSBS.9001"
        require(error.errorClass == .invalid && error.httpStatus == 400 && error.errorCode == code,
                "\(op.name): a query was refused with \(error.errorClass.name) \(error.httpStatus) \(error.errorCode)",
                "query: \(query.prefix(400))\nmessage: \(error.message)")
        return 0
    }
    require((1...ListSchema.maxLimit).contains(parsed.limit) && parsed.offset >= 0,
            "\(op.name): limit \(parsed.limit), offset \(parsed.offset) accepted", "query: \(query.prefix(400))")
    for key in parsed.filters.keys {
        require(schema.filter(key) != nil, "\(op.name): kept the unknown filter \(key)", "query: \(query.prefix(400))")
    }
    // The remote backend's query, read back by the emulator.
    let sent = PercentEncoding.queryString(parsed.httpQuery)
    let again: ListRequest
    do throws(CkptError) {
        again = try ListRequest(.object(schema.members(ofQuery: PercentEncoding.queryPairs(sent))), schema: schema,
                                family: op.family)
    } catch {
        finding("\(op.name): the query sent for an accepted request is refused: \(error.message)",
                "query: \(query.prefix(400))\nsent: \(sent.prefix(400))")
    }
    require(again.filters == parsed.filters && again.limit == parsed.limit && again.offset == parsed.offset
                && again.marker == parsed.marker && again.sort == parsed.sort,
            "\(op.name): the query sent reads back as another request",
            "query: \(query.prefix(400))\nsent: \(sent.prefix(400))")
    return 0
}
