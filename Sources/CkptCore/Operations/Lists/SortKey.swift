/// One key of a list's `sort` (`key[:asc|desc]`, SPEC 6.2).
package struct SortKey: Sendable, Equatable {
    package let key: String
    package let ascending: Bool

    package init(_ key: String, ascending: Bool) {
        self.key = key
        self.ascending = ascending
    }

    /// The default order of every list: newest first.
    package static let newestFirst = [SortKey("created_at", ascending: false)]

    /// Parses `key[:asc|desc],...` (at most 255 characters; the direction
    /// defaults to `desc`, as on the service); each key once, from `allowed`.
    package static func parse(_ text: String, allowed: [String], _ fail: (String) -> CkptError) throws(CkptError) -> [SortKey] {
        guard text.utf8.count <= ListSchema.maxSortLength else {
            throw fail("is longer than \(ListSchema.maxSortLength) characters")
        }
        var out: [SortKey] = []
        for part in text.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            guard pieces.count <= 2, let first = pieces.first else { throw fail("\"\(clipped(String(part)))\" is not key[:asc|desc]") }
            let key = String(first)
            guard allowed.contains(key) else {
                throw fail("unknown sort key \"\(clipped(key))\"; expected one of \(allowed.joined(separator: ", "))")
            }
            guard !out.contains(where: { $0.key == key }) else { throw fail("sorts on \(key) twice") }
            var ascending = false
            if pieces.count == 2 {
                switch pieces[1] {
                case "asc": ascending = true
                case "desc": ascending = false
                default: throw fail("direction \"\(clipped(String(pieces[1])))\" is not asc or desc")
                }
            }
            out.append(SortKey(key, ascending: ascending))
        }
        return out
    }
}
