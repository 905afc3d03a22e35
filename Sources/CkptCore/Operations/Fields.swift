/// Reads and checks the members of one request object.  Every failure is a
/// parameter-check error (9900) that names the offending field by its full
/// path, e.g. `checkpoint.parameters.incremental`.
package struct Fields: Sendable {
    package let object: JSONObject
    package let path: String
    package let family: APIFamily

    /// - Throws: 9900 when `value` is missing (and required) or not an object.
    package init(_ value: JSONValue?, path: String, family: APIFamily) throws(CkptError) {
        self.path = path
        self.family = family
        switch value {
        case .object(let o): object = o
        case nil: throw .parameter(family, "\(path.isEmpty ? "request" : path): is required")
        case .some(let v): throw .parameter(family, "\(path.isEmpty ? "request" : path): expected object, got \(v.typeName)")
        }
    }

    package func name(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    package func fail(_ key: String, _ what: String) -> CkptError {
        .parameter(family, "\(name(key)): \(what)")
    }

    /// Refuses members outside `allowed`, so a misspelt field is an error
    /// rather than silently ignored.  A list, not a set: a request object
    /// has a handful of members, and every request checks several objects,
    /// so a scan beats building and hashing a set each time.
    package func only(_ allowed: [String]) throws(CkptError) {
        for key in object.keys where !allowed.contains(key) {
            throw .parameter(family, "\(name(clipped(key))): unknown field")
        }
    }

    private func value(_ key: String, required: Bool) throws(CkptError) -> JSONValue? {
        guard let v = object[key] else {
            if required { throw fail(key, "is required") }
            return nil
        }
        return v
    }

    private func typed<T>(_ key: String, _ required: Bool, _ type: String, _ get: (JSONValue) -> T?) throws(CkptError) -> T? {
        guard let v = try value(key, required: required) else { return nil }
        guard let t = get(v) else { throw fail(key, "expected \(type), got \(v.typeName)") }
        return t
    }

    package func bool(_ key: String, required: Bool = false) throws(CkptError) -> Bool? {
        try typed(key, required, "boolean", \.boolValue)
    }

    package func int(_ key: String, required: Bool = false, in range: ClosedRange<Int64>) throws(CkptError) -> Int64? {
        guard let i = try typed(key, required, "integer", \.intValue) else { return nil }
        guard range.contains(i) else { throw fail(key, "must be between \(range.lowerBound) and \(range.upperBound)") }
        return i
    }

    /// A string of 0 (or 1 when `nonEmpty`) to `maxLength` characters.
    package func string(_ key: String, required: Bool = false, nonEmpty: Bool = true,
                        maxLength: Int = 255) throws(CkptError) -> String?
    {
        guard let s = try typed(key, required, "string", \.stringValue) else { return nil }
        try Fields.checkLength(s, nonEmpty: nonEmpty, maxLength: maxLength) { fail(key, $0) }
        return s
    }

    package static func checkLength(_ s: String, nonEmpty: Bool, maxLength: Int,
                                    _ fail: (String) -> CkptError) throws(CkptError)
    {
        if nonEmpty && s.isEmpty { throw fail("must not be empty") }
        if s.unicodeScalars.count > maxLength { throw fail("is longer than \(maxLength) characters") }
    }

    /// One of `allowed`.
    package func enumeration(_ key: String, required: Bool = false, _ allowed: [String]) throws(CkptError) -> String? {
        guard let s = try typed(key, required, "string", \.stringValue) else { return nil }
        guard allowed.contains(s) else {
            throw fail(key, "must be one of \(allowed.joined(separator: ", "))")
        }
        return s
    }

    /// One of the cases of `E`, by raw value.
    package func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, required: Bool = false,
                                                                 _ type: E.Type) throws(CkptError) -> E?
        where E.RawValue == String
    {
        guard let s = try enumeration(key, required: required, E.allCases.map(\.rawValue)) else { return nil }
        return E(rawValue: s)
    }

    /// A UUID (any case), returned in lower case.
    package func uuid(_ key: String, required: Bool = false) throws(CkptError) -> String? {
        guard let s = try typed(key, required, "string", \.stringValue) else { return nil }
        guard let id = UUIDText.normalized(s) else { throw fail(key, "must be a UUID") }
        return id
    }

    package func object(_ key: String, required: Bool = false) throws(CkptError) -> Fields? {
        guard let v = try value(key, required: required) else { return nil }
        return try Fields(v, path: name(key), family: family)
    }

    package func array(_ key: String, required: Bool = false, maxCount: Int = Limits.maxResources,
                       nonEmpty: Bool = false) throws(CkptError) -> [JSONValue]?
    {
        guard let a = try typed(key, required, "array", \.arrayValue) else { return nil }
        if a.count > maxCount { throw fail(key, "has more than \(maxCount) items") }
        if nonEmpty && a.isEmpty { throw fail(key, "must not be empty") }
        return a
    }

    /// An array of distinct UUIDs.
    package func uuidArray(_ key: String, required: Bool = false, nonEmpty: Bool = false) throws(CkptError) -> [String]? {
        guard let items = try array(key, required: required, nonEmpty: nonEmpty) else { return nil }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            guard case .string(let s) = item else { throw fail("\(key)[\(i)]", "expected string, got \(item.typeName)") }
            guard let id = UUIDText.normalized(s) else { throw fail("\(key)[\(i)]", "must be a UUID") }
            if out.contains(id) { throw fail("\(key)[\(i)]", "duplicates resource \(id)") }
            out.append(id)
        }
        return out
    }

    /// Each element of an array of objects, with its indexed path.
    package func objects(_ key: String, required: Bool = false, nonEmpty: Bool = false) throws(CkptError) -> [Fields]? {
        guard let items = try array(key, required: required, nonEmpty: nonEmpty) else { return nil }
        var out: [Fields] = []
        for (i, item) in items.enumerated() {
            out.append(try Fields(item, path: name("\(key)[\(i)]"), family: family))
        }
        return out
    }
}
