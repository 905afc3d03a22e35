/// A JSON object: an ordered list of members.  Objects here are small
/// (a dozen members), so a linear scan beats hashing.
package struct JSONObject: Sendable, Equatable {
    package struct Member: Sendable, Equatable {
        package var key: String
        package var value: JSONValue
    }

    package private(set) var members: [Member] = []

    package init() {}

    package init(_ pairs: KeyValuePairs<String, JSONValue>) {
        members.reserveCapacity(pairs.count)
        for (k, v) in pairs { members.append(Member(key: k, value: v)) }
    }

    package init(_ pairs: [(String, JSONValue)]) {
        members = pairs.map { Member(key: $0.0, value: $0.1) }
    }

    package var count: Int { members.count }

    /// Appends without looking for the key: for sources whose keys are
    /// already unique (a jansson object), so building stays linear.
    package mutating func appendUnique(_ key: String, _ value: JSONValue) {
        members.append(Member(key: key, value: value))
    }
    package var keys: [String] { members.map(\.key) }

    package subscript(key: String) -> JSONValue? {
        get {
            for m in members where m.key == key { return m.value }
            return nil
        }
        set {
            if let i = members.firstIndex(where: { $0.key == key }) {
                if let newValue { members[i].value = newValue } else { members.remove(at: i) }
            } else if let newValue {
                members.append(Member(key: key, value: newValue))
            }
        }
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    package init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init(elements)
    }
}
