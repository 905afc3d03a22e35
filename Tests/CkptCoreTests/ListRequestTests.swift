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

    // MARK: vault.list and policy.checkpoint_list (1.1)

    @Test func vaultFilters() throws {
        let a = "3B5816B5-F29C-4172-9D9A-76C719A659CE", b = "62171999-3df1-42f7-9513-6f9b1bea4744"
        let r = try parse(["id": .string(a), "resource_ids": .string(a + "," + b), "object_type": "disk"], .vaults)
        #expect(r.strings("id") == [a.lowercased()])
        #expect(r.strings("resource_ids") == [a.lowercased(), b])
        // On the wire resource_ids stays the one string the service takes.
        #expect(r.httpQuery.first { $0.name == "resource_ids" }?.value == a + "," + b)
        for bad in [a + ",", "," + b, a + ";" + b, ""] {
            let e = parameterError { () throws(CkptError) in _ = try parse(["resource_ids": .string(bad)], .vaults) }
            #expect(e?.message.hasPrefix("resource_ids") == true, "\(bad): \(e?.message ?? "accepted")")
        }
        let e = parameterError { () throws(CkptError) in _ = try parse(["sort": "updated_at"], .vaults) }
        #expect(e?.message.hasPrefix("sort") == true)
    }

    /// Karbor's list: dates, a provider path parameter that is not in the
    /// query, no offset, and CSBS.9001 for what it refuses.
    @Test func policyCheckpointList() throws {
        let op = Operation.policyCheckpointList
        guard let r = try op.parse(["start_date": "2026-12-01", "end_date": "2026-12-01", "limit": 2,
                                    "provider_id": .string(csbsProviderId)]) as? ListRequest
        else { Issue.record("not a list request"); return }
        #expect(r.micros("start_date") == 1_796_083_200_000_000)
        #expect(r.micros("end_date") == Int64(1_796_169_599_999_999))
        #expect(r.pathParameter("provider_id") == csbsProviderId)
        #expect(!r.httpQuery.contains { $0.name == "provider_id" })
        for (request, field) in [(["offset": 0] as JSONValue, "offset"), (["start_date": "2026-02-30"], "start_date"),
                                 (["provider_id": "0daac4c5-6707-4851-97ba-169e36266b66"], "provider_id"),
                                 (["sort": "name"], "sort")]
        {
            let e = parameterError { () throws(CkptError) in _ = try op.parse(request) }
            #expect(e?.errorCode == "CSBS.9001" && e?.message.hasPrefix(field) == true, "\(e?.message ?? "accepted")")
        }
    }
}
