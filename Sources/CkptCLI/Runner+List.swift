import ArgumentParser
import CkptClient
import CkptCore

extension Runner {
    /// A list: one page, or with `--all` every page (followed by marker),
    /// printed as `{"<collection>": [...], "count": N}` (for a list without
    /// a count, Karbor's, N is how many were printed).
    static func list(_ global: GlobalOptions, _ op: Operation, _ request: JSONObject, all: Bool) throws {
        guard all, !global.dryRun else {
            try call(global, op.name, .object(request))
            return
        }
        let collection = op.list?.collection ?? "items"
        try execute(global) { (client) throws(CkptError) -> Reply in
            var items: [JSONValue] = []
            var count: JSONValue = 0
            var page = request
            while true {
                let body = try client.call(op, .object(page)).body
                let got = body[collection]?.arrayValue ?? []
                items.append(contentsOf: got)
                count = body["count"] ?? .int(Int64(items.count))
                let limit = page["limit"]?.intValue ?? ListSchema.maxLimit
                // Karbor's pages say whether one follows; the others, by being full.
                let more = op.list?.takesOffset == false ? body[collection + "_links"] != nil : Int64(got.count) == limit
                guard more, let last = got.last?["id"]?.stringValue else { break }
                page["marker"] = .string(last)
                page["offset"] = nil
            }
            return Reply([collection: .array(items), "count": count])
        }
    }
}
