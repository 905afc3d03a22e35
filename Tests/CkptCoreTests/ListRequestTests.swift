import CkptCore
import CkptWire
import Testing

@Suite("List requests (SPEC 6.2)")
struct ListRequestTests {
    func parse(_ request: JSONValue, _ schema: ListSchema = .backups) throws(CkptError) -> ListRequest {
        try ListRequest(request, schema: schema, family: .cbr)
    }

    @Test func defaults() throws {
        let r = try parse([:])
        #expect(r.limit == 1000 && r.offset == 0 && r.marker == nil)
        #expect(r.sort == [SortKey("created_at", ascending: false)])
        #expect(r.httpQuery.isEmpty)
    }

    @Test(arguments: [
        (#"{"limit":0}"#, "limit"), (#"{"limit":1001}"#, "limit"), (#"{"offset":-1}"#, "offset"),
        (#"{"limit":"10"}"#, "limit"), (#"{"sort":"size"}"#, "sort"), (#"{"sort":"name:up"}"#, "sort"),
        (#"{"sort":"name,name"}"#, "sort"), (#"{"marker":"x"}"#, "marker"), (#"{"start_time":"2026-04-31T00:00:00Z"}"#, "start_time"),
        (#"{"status":[]}"#, "status"), (#"{"status":["available","gone"]}"#, "status[1]"), (#"{"status":7}"#, "status"),
        (#"{"incremental":"true"}"#, "incremental"), (#"{"colour":"blue"}"#, "colour"),
    ])
    func refusals(text: String, field: String) throws {
        let value = try JSONValue.parse(text)
        let e = parameterError { () throws(CkptError) in _ = try parse(value) }
        #expect(e?.errorCode == "BackupService.9900" && e?.message.hasPrefix(field) == true, "\(e?.message ?? "accepted")")
    }

    @Test func filtersAreNormalised() throws {
        let r = try parse(["vault_id": "3B5816B5-F29C-4172-9D9A-76C719A659CE", "status": "available",
                           "start_time": "2018-02-01T12:00:00Z", "sort": "name:asc,created_at"])
        #expect(r.string("vault_id") == "3b5816b5-f29c-4172-9d9a-76c719a659ce")
        #expect(r.strings("status") == ["available"])
        #expect(r.micros("start_time") == 1_517_486_400_000_000)
        #expect(r.sort == [SortKey("name", ascending: true), SortKey("created_at", ascending: false)])
    }

    /// The query the remote backend sends reads back, in the emulator, as the same request.
    @Test func theQueryRoundTrips() throws {
        let r = try parse(["status": ["available", "error"], "incremental": false, "limit": 5, "name": "a b&c=d",
                           "marker": "3b5816b5-f29c-4172-9d9a-76c719a659ce"])
        let query = PercentEncoding.queryString(r.httpQuery)
        #expect(query.contains("status=available&status=error") && query.contains("incremental=false"))
        let back = try parse(.object(ListSchema.backups.members(ofQuery: PercentEncoding.queryPairs(query))))
        #expect(back.filters == r.filters && back.limit == 5 && back.marker == r.marker)
    }

    @Test func operationLogsHaveTheirOwnSchema() throws {
        let e = parameterError { () throws(CkptError) in _ = try parse(["checkpoint_id": "3b5816b5-f29c-4172-9d9a-76c719a659ce"], .operationLogs) }
        #expect(e?.message.contains("checkpoint_id: unknown field") == true)
        _ = try parse(["operation_type": "restore", "status": "running", "sort": "updated_at:asc"], .operationLogs)
    }
}
