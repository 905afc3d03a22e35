/// Writes compact JSON text straight from values, for documents rendered
/// from columns (a page of a thousand backups): the same bytes as
/// `JSONValue.serialized()` gives, without building the values first.
/// Members are written in the order they are added.
package struct JSONWriter {
    package private(set) var bytes: [UInt8] = []
    /// Whether the container being written has a member yet, per level.
    private var hasMember: [Bool] = []

    package init(capacity: Int = 1024) {
        bytes.reserveCapacity(capacity)
    }

    package var text: String { String(decoding: bytes, as: UTF8.self) }

    private mutating func separate() {
        if let last = hasMember.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            hasMember[hasMember.count - 1] = true
        }
    }

    /// `"key":` (inside an object), before its value.
    package mutating func key(_ k: String) {
        separate()
        JSONValue.writeString(k, into: &bytes)
        bytes.append(UInt8(ascii: ":"))
        valuePending = true
    }

    /// A key was written: the next value is its value, not a new element.
    private var valuePending = false

    /// Before every value: the comma between elements, none after a key.
    private mutating func beginValue() {
        if valuePending {
            valuePending = false
        } else {
            separate()
        }
    }

    package mutating func beginObject() {
        beginValue()
        bytes.append(UInt8(ascii: "{"))
        hasMember.append(false)
    }

    package mutating func endObject() {
        hasMember.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    package mutating func beginArray() {
        beginValue()
        bytes.append(UInt8(ascii: "["))
        hasMember.append(false)
    }

    package mutating func endArray() {
        hasMember.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    package mutating func string(_ s: String) {
        beginValue()
        JSONValue.writeString(s, into: &bytes)
    }

    package mutating func int(_ i: Int64) {
        beginValue()
        bytes.append(contentsOf: String(i).utf8)
    }

    package mutating func bool(_ b: Bool) {
        beginValue()
        bytes.append(contentsOf: (b ? "true" : "false").utf8)
    }

    package mutating func null() {
        beginValue()
        bytes.append(contentsOf: "null".utf8)
    }

    /// A value that is already compact JSON text (a stored document).
    package mutating func raw(_ text: String) {
        beginValue()
        bytes.append(contentsOf: text.utf8)
    }

    /// A value built as a `JSONValue`.
    package mutating func value(_ v: JSONValue) {
        beginValue()
        _ = v.write(into: &bytes)
    }

    /// A timestamp string (`Clock.appendTimestamp`) of µs since the epoch.
    package mutating func timestamp(micros: Int64) {
        beginValue()
        bytes.append(UInt8(ascii: "\""))
        Clock.appendTimestamp(micros: micros, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    // Shorthands for one member.
    package mutating func member(_ k: String, _ s: String) { key(k); string(s) }
    package mutating func member(_ k: String, _ i: Int64) { key(k); int(i) }
    package mutating func member(_ k: String, _ b: Bool) { key(k); bool(b) }
    package mutating func member(_ k: String, micros: Int64) { key(k); timestamp(micros: micros) }
    package mutating func member(_ k: String, orNull s: String?) {
        key(k)
        if let s { string(s) } else { null() }
    }
}
