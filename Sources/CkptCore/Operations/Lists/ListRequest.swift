/// A list request checked against its `ListSchema`: the filters as given
/// (and normalised), and the paging of SPEC 6.2.
///
/// In the C API the filters and the paging are the top-level members of the
/// request, with their JSON types; on the wire they are the query, as the
/// official SDK writes it (`httpQuery`).
package struct ListRequest: OperationRequest {
    package let schema: ListSchema
    /// CBR v3 or CSBS v1: which code a refusal carries (9900 or CSBS.9001).
    package let family: APIFamily
    /// The filters, checked: UUIDs in lower case, a list filter always an
    /// array, a time as its microseconds since the epoch (`.int`).  An
    /// `accepted` filter is not here.
    package let filters: JSONObject
    /// 1 to 1000; default 1000.
    package let limit: Int64
    /// 0 or more; default 0.
    package let offset: Int64
    /// The id of the last item of the previous page: the page starts after it.
    package let marker: String?
    /// Default `created_at:desc`; ties break on `id`.
    package let sort: [SortKey]
    /// The members as given (checked), for the query.
    private let given: JSONObject
    /// The path parameters (a v1 list's `provider_id`), by name.
    private let path: [String: String]

    /// - Parameter pathParameters: the route's own (`provider_id`, optional
    ///   and defaulting to the CSBS provider), which are not in the query.
    package init(_ request: JSONValue, schema: ListSchema, family: APIFamily,
                 pathParameters: [String] = []) throws(CkptError)
    {
        self.schema = schema
        self.family = family
        let f = try Fields(request, path: "", family: family)
        try f.only(schema.filters.map(\.name) + schema.paging + pathParameters)
        var path: [String: String] = [:]
        for name in pathParameters {
            if name == "provider_id" {
                path[name] = try ProviderId.read(f)
            } else {
                guard let id = try f.uuid(name, required: true) else { throw .internalError("unreachable") }
                path[name] = id
            }
        }
        self.path = path
        var filters = JSONObject()
        for filter in schema.filters {
            guard let value = try Self.read(filter, f) else { continue }
            filters[filter.name] = value
        }
        self.filters = filters
        limit = try f.int("limit", in: 1...ListSchema.maxLimit) ?? ListSchema.maxLimit
        offset = schema.takesOffset ? try f.int("offset", in: 0...Int64(Int32.max)) ?? 0 : 0
        marker = try f.uuid("marker")
        if let text = try f.string("sort", maxLength: ListSchema.maxSortLength) {
            sort = try SortKey.parse(text, allowed: schema.sortKeys) { f.fail("sort", $0) }
        } else {
            sort = SortKey.newestFirst
        }
        var given = f.object
        for name in pathParameters { given[name] = nil }
        self.given = given
    }

    package func pathParameter(_ name: String) -> String? { path[name] }

    /// One filter's checked, normalised value, or nil when it is absent or
    /// only accepted.
    private static func read(_ filter: ListSchema.Filter, _ f: Fields) throws(CkptError) -> JSONValue? {
        let name = filter.name
        switch filter.kind {
        case .uuid:
            return try f.uuid(name).map(JSONValue.string)
        case .string(let maxLength):
            return try f.string(name, maxLength: maxLength).map(JSONValue.string)
        case .enumeration(let allowed):
            return try f.enumeration(name, allowed).map(JSONValue.string)
        case .bool:
            return try f.bool(name).map(JSONValue.bool)
        case .time:
            guard let text = try f.string(name, maxLength: 32) else { return nil }
            guard let micros = Clock.micros(parsing: text) else {
                throw f.fail(name, "must be a time as YYYY-MM-DDTHH:MM:SSZ (UTC)")
            }
            return .int(micros)
        case .date(let endOfDay):
            guard let text = try f.string(name, maxLength: 32) else { return nil }
            let day = text.utf8.count == 10
            guard let micros = Clock.micros(parsing: day ? text + "T00:00:00Z" : text) else {
                throw f.fail(name, "must be a date as YYYY-MM-DD (UTC)")
            }
            return .int(day && endOfDay ? micros &+ 86_400_000_000 &- 1 : micros)
        case .uuidCommaList:
            guard let text = try f.string(name, maxLength: 256 * 37) else { return nil }
            var ids: [JSONValue] = []
            for (i, part) in text.split(separator: ",", omittingEmptySubsequences: false).enumerated() {
                guard let id = UUIDText.normalized(String(part)) else {
                    throw f.fail(name, "item \(i + 1) is not a UUID (expected UUIDs separated by commas)")
                }
                ids.append(.string(id))
            }
            return .array(ids)
        case .enumerationList(let allowed):
            guard let value = f.object[name] else { return nil }
            if case .string = value { return .array([.string(try f.enumeration(name, allowed) ?? "")]) }
            guard let items = try f.array(name, maxCount: Int(ListSchema.maxLimit), nonEmpty: true) else { return nil }
            for (i, item) in items.enumerated() {
                guard case .string(let s) = item, allowed.contains(s) else {
                    throw f.fail("\(name)[\(i)]", "must be one of \(allowed.joined(separator: ", "))")
                }
            }
            return .array(items)
        case .uuidList:
            guard let value = f.object[name] else { return nil }
            if case .string = value { return .array([.string(try f.uuid(name) ?? "")]) }
            return try f.uuidArray(name, nonEmpty: true).map { .array($0.map(JSONValue.string)) }
        case .accepted:
            if case .bool? = f.object[name] { return nil }
            _ = try f.string(name, nonEmpty: false, maxLength: 255)
            return nil
        }
    }

    /// The checked value of a string filter.
    package func string(_ name: String) -> String? { filters[name]?.stringValue }

    /// The values of a list filter (or of a scalar one, as one value).
    package func strings(_ name: String) -> [String]? {
        switch filters[name] {
        case .array(let items)?: return items.compactMap(\.stringValue)
        case .string(let s)?: return [s]
        default: return nil
        }
    }

    package func bool(_ name: String) -> Bool? { filters[name]?.boolValue }

    /// A time filter, in microseconds since the epoch.
    package func micros(_ name: String) -> Int64? { filters[name]?.intValue }

    /// The members as the official SDK puts them in a query: booleans
    /// `true`/`false`, a list as the key repeated, numbers in decimal.
    package var httpQuery: [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        for m in given.members {
            switch m.value {
            case .array(let items):
                for item in items { if let s = Self.queryValue(item) { out.append((m.key, s)) } }
            default:
                if let s = Self.queryValue(m.value) { out.append((m.key, s)) }
            }
        }
        return out
    }

    private static func queryValue(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .bool(let b): return b ? "true" : "false"
        default: return nil
        }
    }
}
