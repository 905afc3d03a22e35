/// The request schema of a list operation: its filters, its sort keys, and
/// the paging rules every list follows (SPEC 6.2).  The same schema checks
/// a request, writes its query for the remote backend, and reads a query
/// back in the emulator, so the three agree.
package struct ListSchema: Sendable {
    /// How a filter is typed in JSON (and so on the wire, as the official
    /// SDK writes it).
    package enum Kind: Sendable {
        /// A UUID, answered in lower case.
        case uuid
        /// A string of 1 to `maxLength` characters.
        case string(maxLength: Int)
        /// One of the values.
        case enumeration([String])
        /// One value, or an array of several (on the wire: the key repeated).
        case enumerationList([String])
        /// One UUID or an array of several (on the wire: the key repeated).
        case uuidList
        /// `true`/`false`.
        case bool
        /// `YYYY-MM-DDTHH:MM:SSZ` (a fraction and the `Z` may be left out).
        case time
        /// `YYYY-MM-DD` (Karbor's `start_date`, `end_date`), or a time as
        /// `time` takes it.  A day that ends a range (`end_date`) includes
        /// the whole day.
        case date(endOfDay: Bool)
        /// UUIDs separated by commas in one string (CBR's `resource_ids`).
        case uuidCommaList
        /// Accepted for the clients that send it (a string or a boolean),
        /// with no effect on the answer (documented per filter).
        case accepted
    }

    package struct Filter: Sendable {
        package let name: String
        package let kind: Kind

        package init(_ name: String, _ kind: Kind) {
            self.name = name
            self.kind = kind
        }
    }

    /// The member of the response holding the items, e.g. `backups`.
    package let collection: String
    package let filters: [Filter]
    /// The keys `sort` may name; the default is `created_at:desc`.
    package let sortKeys: [String]
    /// Whether the list takes `offset` (Karbor's pages by `marker` only).
    package let takesOffset: Bool

    package static let maxLimit: Int64 = 1000
    package static let maxSortLength = 255
    /// The paging members every list takes.
    package static let pagingNames = ["limit", "offset", "marker", "sort"]

    package init(collection: String, filters: [Filter], sortKeys: [String] = ["created_at", "updated_at", "name", "status", "id"],
                 takesOffset: Bool = true)
    {
        self.collection = collection
        self.filters = filters
        self.sortKeys = sortKeys
        self.takesOffset = takesOffset
    }

    /// The paging members this list takes.
    package var paging: [String] { takesOffset ? Self.pagingNames : Self.pagingNames.filter { $0 != "offset" } }

    package func filter(_ name: String) -> Filter? { filters.first { $0.name == name } }

    /// The request members of a decoded query string, typed as this schema
    /// says (the emulator's reading of what the official SDK sends): a
    /// repeated key is an array, `limit` and `offset` are integers, a
    /// boolean is `true` or `false`.  A value that does not read as its type
    /// stays a string, so the schema check names the field; an unknown key
    /// stays too, and is refused there.
    package func members(ofQuery pairs: [(name: String, value: String)]) -> JSONObject {
        var grouped: [(String, [String])] = []
        var index: [String: Int] = [:]
        for (name, value) in pairs {
            if let i = index[name] {
                grouped[i].1.append(value)
            } else {
                index[name] = grouped.count
                grouped.append((name, [value]))
            }
        }
        var out = JSONObject()
        for (name, values) in grouped {
            let isInteger = name == "limit" || name == "offset"
            var isBool = false
            if case .bool? = filter(name)?.kind { isBool = true }
            func typed(_ v: String) -> JSONValue {
                if isInteger, let i = Int64(v) { return .int(i) }
                if isBool && v == "true" { return true }
                if isBool && v == "false" { return false }
                return .string(v)
            }
            // One value is a scalar, several an array: the schema then
            // accepts an array only where a filter takes several values.
            out[name] = values.count == 1 ? typed(values[0]) : .array(values.map(typed))
        }
        return out
    }
}
