import CkptCore

/// One page of a list, as SPEC 6.2 has it: the filters' conditions, the
/// total `count`, the sort with `id` breaking ties, the page after a
/// `marker`, then `offset` and `limit`.
///
/// The table's key (id) is in `created_at` order (`Stamps`), so sorting on
/// `created_at` is sorting on the key, and a page of one vault's newest
/// backups walks the end of the vault's index without sorting.
struct ListQuery {
    let table: String
    /// The sort keys the request may use, as SQL expressions.
    let sortExpressions: [String: String]
    private(set) var conditions: [String] = []
    private(set) var values: [SQLValue] = []

    init(table: String, sortExpressions: [String: String]) {
        self.table = table
        self.sortExpressions = sortExpressions
    }

    /// Adds `sql` (with `?` for each value) to the conditions, ANDed.
    mutating func require(_ sql: String, _ bound: SQLValue...) {
        require(sql, values: bound)
    }

    mutating func require(_ sql: String, values bound: [SQLValue]) {
        conditions.append(sql)
        values.append(contentsOf: bound)
    }

    /// `column IN (?, ...)` over `items`.
    mutating func require(_ column: String, in items: [SQLValue]) {
        conditions.append("\(column) IN (\(Array(repeating: "?", count: items.count).joined(separator: ", ")))")
        values.append(contentsOf: items)
    }

    private var whereClause: String { conditions.isEmpty ? "" : " WHERE " + conditions.joined(separator: " AND ") }

    /// The sort as SQL: each key in its direction, then `id` in the last
    /// key's direction unless a key is unique already (rowid or id).
    private func order(_ sort: [SortKey]) -> [(expression: String, ascending: Bool)] {
        var out: [(String, Bool)] = []
        for key in sort {
            guard let e = sortExpressions[key.key] else { continue }
            out.append((e, key.ascending))
            if e == "rowid" || e == "id" { return out }
        }
        out.append(("id", sort.last?.ascending ?? false))
        return out
    }

    /// Runs the count and the page; `render` is called on each row of
    /// `columns`, in order.
    /// - Parameter markerCondition: how to find the marker's row (`id = ?`
    ///   and the project), when the request has a marker.
    /// - Parameter knownCount: the total when the caller knows it without
    ///   counting (`BackupCounts`).
    /// - Parameter counted: whether to count the matches (a Karbor page has
    ///   no count: -1 then).
    /// - Parameter extra: rows to read past the page (to learn whether a
    ///   next page exists).
    private func run(_ db: Database, columns: String, request: ListRequest, knownCount: Int64? = nil,
             counted: Bool = true, extra: Int64 = 0, markerLookup: MarkerLookup,
             render: (Statement) throws(CkptError) -> Void) throws(CkptError) -> Int64
    {
        let total: Int64
        if let knownCount {
            total = knownCount
        } else if !counted {
            total = -1
        } else {
            let count = try db.listStatement("SELECT COUNT(*) FROM \(table)\(whereClause)")
            count.bind(values)
            total = try count.step() ? count.int(0) : 0
        }

        let sort = order(request.sort)
        var pageConditions = conditions
        var pageValues = values
        if let marker = request.marker {
            guard let (condition, bound) = markerLookup(marker) else {
                throw .parameter(request.family, "marker: \(marker) is not an id this list can start after")
            }
            let m = try db.listStatement(
                "SELECT \(sort.map(\.expression).joined(separator: ", ")) FROM \(table) WHERE \(condition)")
            m.bind(bound)
            guard try m.step() else {
                throw .parameter(request.family, "marker: no item with id \(marker) (the previous page's last item is gone)")
            }
            let markerValues = (0..<sort.count).map { m.value(Int32($0)) }
            // (k1 > v1) OR (k1 = v1 AND k2 > v2) OR ..., each > a < for a descending key.
            var alternatives: [String] = []
            for i in sort.indices {
                var parts = (0..<i).map { "\(sort[$0].expression) = ?" }
                parts.append("\(sort[i].expression) \(sort[i].ascending ? ">" : "<") ?")
                alternatives.append("(" + parts.joined(separator: " AND ") + ")")
                pageValues.append(contentsOf: markerValues[0...i])
            }
            pageConditions.append("(" + alternatives.joined(separator: " OR ") + ")")
        }
        let orderBy = sort.map { "\($0.expression) \($0.ascending ? "ASC" : "DESC")" }.joined(separator: ", ")
        let page = try db.listStatement("""
            SELECT \(columns) FROM \(table)\(pageConditions.isEmpty ? "" : " WHERE " + pageConditions.joined(separator: " AND ")) \
            ORDER BY \(orderBy) LIMIT ? OFFSET ?
            """)
        page.bind(pageValues + [.int(request.limit &+ extra), .int(request.offset)])
        while try page.step() { try render(page) }
        return total
    }

    /// How to find a marker's row: a condition and its values, or nil when
    /// the marker cannot be an id of the list.
    typealias MarkerLookup = (String) -> (String, [SQLValue])?

    /// A marker of a table keyed by 16-byte ids with a project number.
    static func markerOfProject(_ project: Int64) -> MarkerLookup {
        { m in UUIDText.bytes(m).map { ("id = ? AND project = ?", [.blob($0), .int(project)]) } }
    }

    /// The list's answer, `{"<key>": [rows], "count", "offset", "limit"}`,
    /// with `write` rendering each row; a marker is an id of the project's.
    /// - Parameter rowBytes: about how long a row's JSON is.
    func page(_ db: Database, key: String, columns: String, request: ListRequest, project: Int64,
              knownCount: Int64? = nil, marker: MarkerLookup? = nil, rowBytes: Int,
              write: (Statement, inout JSONWriter) throws(CkptError) -> Void) throws(CkptError) -> Reply
    {
        var w = JSONWriter(capacity: 256 &+ Int(min(request.limit, 100)) &* rowBytes)
        w.beginObject()
        w.key(key)
        w.beginArray()
        let total = try run(db, columns: columns, request: request, knownCount: knownCount,
                            markerLookup: marker ?? Self.markerOfProject(project)) { (s) throws(CkptError) in
            try write(s, &w)
        }
        w.endArray()
        w.member("count", total)
        w.member("offset", request.offset)
        w.member("limit", request.limit)
        w.endObject()
        return Reply(text: w.text)
    }

    /// Karbor's answer (research 5.1): `{"<key>": [rows], "<key>_links":
    /// [{"href", "rel": "next"}]}`, the links member only when another item
    /// follows the page (Karbor's view leaves it out otherwise); no count.  `write` renders a row and returns its id.
    /// - Parameter next: the href of the page after the item `id`.
    func linkedPage(_ db: Database, key: String, columns: String, request: ListRequest, marker: MarkerLookup,
                    rowBytes: Int, next: (String) -> String,
                    write: (Statement, inout JSONWriter) throws(CkptError) -> String) throws(CkptError) -> Reply
    {
        var w = JSONWriter(capacity: 256 &+ Int(min(request.limit, 100)) &* rowBytes)
        w.beginObject()
        w.key(key)
        w.beginArray()
        var written: Int64 = 0
        var last = ""
        var more = false
        _ = try run(db, columns: columns, request: request, counted: false, extra: 1,
                    markerLookup: marker) { (s) throws(CkptError) in
            if written == request.limit {
                more = true
                return
            }
            last = try write(s, &w)
            written &+= 1
        }
        w.endArray()
        if more {
            w.key(key + "_links")
            w.beginArray()
            w.beginObject()
            w.member("href", next(last))
            w.member("rel", "next")
            w.endObject()
            w.endArray()
        }
        w.endObject()
        return Reply(text: w.text)
    }
}
