extension Fields {
    /// Tags: `[{"key", "value"}]`, at most 10.
    package func tags(_ key: String) throws(CkptError) -> [JSONValue] {
        let list = try objects(key) ?? []
        if list.count > 10 { throw fail(key, "has more than 10 items") }
        for t in list {
            try t.only(["key", "value"])
            _ = try t.string("key", required: true, maxLength: 128)
            _ = try t.string("value", nonEmpty: false, maxLength: 255)
        }
        return list.map { .object($0.object) }
    }
}
