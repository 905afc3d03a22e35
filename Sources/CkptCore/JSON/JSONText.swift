/// One pass over JSON text that checks it and drops the whitespace between
/// tokens, without building anything: for answers that are passed through.
///
/// It is conservative: it accepts only text that jansson and `JSONValue`
/// accept too (the same depth and value limits, no duplicate keys), and
/// answers nil for anything it is not sure of (a `\u0000`, a lone
/// surrogate, a huge number, an escaped key, an object of many members,
/// invalid UTF-8), so the caller can fall back to a full parse that decides
/// and explains.
package enum JSONText {
    static let maxDepth = Limits.maxDepth
    /// Members per object checked for duplicates here (by comparing raw
    /// bytes); a larger object goes the slow way, which hashes.
    static let maxMembers = 64

    /// The compact text of `bytes` if they hold exactly one JSON object.
    package static func compactObject(_ bytes: UnsafeRawBufferPointer) -> String? {
        var scanner = Scanner(bytes: bytes.bindMemory(to: UInt8.self))
        guard let out = scanner.run(), let first = out.first, first == UInt8(ascii: "{") else { return nil }
        return String(validating: out, as: UTF8.self)
    }

    private struct Scanner {
        let bytes: UnsafeBufferPointer<UInt8>
        var i = 0
        var out: [UInt8] = []
        var values = 0

        init(bytes: UnsafeBufferPointer<UInt8>) {
            self.bytes = bytes
            out.reserveCapacity(bytes.count)
        }

        mutating func run() -> [UInt8]? {
            skipSpace()
            guard value(depth: 1) else { return nil }
            skipSpace()
            return i == bytes.count ? out : nil
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0a || bytes[i] == 0x0d || bytes[i] == 0x09 { i += 1 }
        }

        mutating func literal(_ word: StaticString) -> Bool {
            let n = word.utf8CodeUnitCount
            guard bytes.count - i >= n else { return false }
            for k in 0..<n where bytes[i + k] != word.utf8Start[k] { return false }
            out.append(contentsOf: UnsafeBufferPointer(start: word.utf8Start, count: n))
            i += n
            return true
        }

        mutating func value(depth: Int) -> Bool {
            guard i < bytes.count, depth <= JSONText.maxDepth else { return false }
            values += 1
            guard values <= Limits.maxNodes else { return false }
            switch bytes[i] {
            case UInt8(ascii: "{"): return container(close: UInt8(ascii: "}"), keyed: true, depth: depth)
            case UInt8(ascii: "["): return container(close: UInt8(ascii: "]"), keyed: false, depth: depth)
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return literal("true")
            case UInt8(ascii: "f"): return literal("false")
            case UInt8(ascii: "n"): return literal("null")
            default: return number()
            }
        }

        mutating func container(close: UInt8, keyed: Bool, depth: Int) -> Bool {
            out.append(bytes[i])
            i += 1
            skipSpace()
            if i < bytes.count, bytes[i] == close {
                out.append(close)
                i += 1
                return true
            }
            // Raw key bytes seen in this object, to refuse a duplicate.
            var keys: [Range<Int>] = []
            while true {
                if keyed {
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), keys.count < JSONText.maxMembers else {
                        return false
                    }
                    let keyStart = i
                    guard string() else { return false }
                    let key = keyStart..<i
                    // An escape could spell a key two ways: leave those to the full parser.
                    if bytes[key].contains(UInt8(ascii: "\\")) { return false }
                    for k in keys where k.count == key.count && bytes[k].elementsEqual(bytes[key]) { return false }
                    keys.append(key)
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return false }
                    out.append(bytes[i])
                    i += 1
                    skipSpace()
                }
                guard value(depth: depth + 1) else { return false }
                skipSpace()
                guard i < bytes.count else { return false }
                if bytes[i] == UInt8(ascii: ",") {
                    out.append(bytes[i])
                    i += 1
                    skipSpace()
                    continue
                }
                guard bytes[i] == close else { return false }
                out.append(close)
                i += 1
                return true
            }
        }

        /// A string, copied as it is.  Raw bytes are checked as UTF-8 at the
        /// end (by the caller); here: escapes, no control characters, no
        /// `\u0000`, surrogates only in valid pairs.
        mutating func string() -> Bool {
            out.append(bytes[i])
            i += 1
            var pendingHigh = false
            while i < bytes.count {
                let c = bytes[i]
                if c == UInt8(ascii: "\"") {
                    guard !pendingHigh else { return false }
                    out.append(c)
                    i += 1
                    return true
                }
                guard c >= 0x20 else { return false }
                if c != UInt8(ascii: "\\") {
                    guard !pendingHigh else { return false }
                    out.append(c)
                    i += 1
                    continue
                }
                guard i + 1 < bytes.count else { return false }
                let e = bytes[i + 1]
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    guard !pendingHigh else { return false }
                    out.append(c)
                    out.append(e)
                    i += 2
                case UInt8(ascii: "u"):
                    guard bytes.count - i >= 6 else { return false }
                    var code: UInt32 = 0
                    for k in 2..<6 {
                        guard let h = Scanner.hex(bytes[i + k]) else { return false }
                        code = code << 4 | h
                    }
                    if code == 0 { return false }
                    let isHigh = (0xD800...0xDBFF).contains(code), isLow = (0xDC00...0xDFFF).contains(code)
                    if pendingHigh {
                        guard isLow else { return false }
                        pendingHigh = false
                    } else if isLow {
                        return false
                    } else {
                        pendingHigh = isHigh
                    }
                    for k in 0..<6 { out.append(bytes[i + k]) }
                    i += 6
                default:
                    return false
                }
            }
            return false
        }

        static func hex(_ c: UInt8) -> UInt32? {
            switch c {
            case 48...57: return UInt32(c - 48)
            case 65...70: return UInt32(c - 55)
            case 97...102: return UInt32(c - 87)
            default: return nil
            }
        }

        /// `-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?`, with at most 18
        /// integer digits and a two-digit exponent, so it fits what jansson
        /// stores without overflow.
        mutating func number() -> Bool {
            let start = i
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            let intStart = i
            guard i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 else { return false }
            if bytes[i] == 48 {
                i += 1
            } else {
                while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
            }
            guard i - intStart <= 18 else { return false }
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                let fracStart = i
                while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
                guard i > fracStart, i - fracStart <= 17 else { return false }
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                let expStart = i
                while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { i += 1 }
                guard i > expStart, i - expStart <= 2 else { return false }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<i]))
            return true
        }
    }
}
