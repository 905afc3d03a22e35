import CkptCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The secrets `ckpt serve` accepts: X-Auth-Token values and AK/SK pairs.
///
/// They come from `--credentials-file FILE`, from `$CKPT_SERVE_CREDENTIALS`,
/// or (visible to every user of the machine in `/proc/PID/cmdline`) from
/// `--token`, `--ak` and `--sk`; the sources add up.  Both the file and the
/// variable hold `{"tokens": ["..."], "keys": [{"ak": "...", "sk": "..."}]}`.
/// No message here ever quotes a secret: a malformed file is described by
/// position only.
package struct ServeCredentials: Sendable, Equatable {
    package var tokens: [String] = []
    /// AK -> SK.
    package var keys: [String: String] = [:]

    package init(tokens: [String] = [], keys: [String: String] = [:]) {
        self.tokens = tokens
        self.keys = keys
    }

    /// The largest credentials file or variable read.
    package static let maxBytes = 1 << 20

    /// The environment variable that may hold the credentials' JSON.
    package static let variable = "CKPT_SERVE_CREDENTIALS"

    /// Parses the JSON of a file or the variable; `source` names it in errors.
    package static func parse(_ text: String, source: String) throws(CkptError) -> ServeCredentials {
        guard text.utf8.count <= maxBytes else { throw fail("\(source): larger than \(maxBytes) bytes") }
        let value: JSONValue
        do throws(JSONInputError) {
            value = try JSONValue.parse(text)
        } catch {
            throw fail("\(source): \(error.messageWithoutExcerpt)")
        }
        guard case .object(let top) = value else {
            throw fail(#"\#(source): expected an object {"tokens": [...], "keys": [{"ak", "sk"}]}"#)
        }
        // The unknown member is not named: a secret pasted in the wrong
        // place would be its name.
        guard top.keys.allSatisfy({ $0 == "tokens" || $0 == "keys" }) else {
            throw fail("\(source): has an unknown member (expected only tokens and keys)")
        }
        var out = ServeCredentials()
        if let tokens = top["tokens"] {
            guard case .array(let items) = tokens else { throw fail("\(source): tokens: expected an array") }
            for (i, item) in items.enumerated() {
                guard case .string(let t) = item, !t.isEmpty else {
                    throw fail("\(source): tokens[\(i)]: expected a non-empty string")
                }
                out.tokens.append(t)
            }
        }
        if let keys = top["keys"] {
            guard case .array(let items) = keys else { throw fail("\(source): keys: expected an array") }
            for (i, item) in items.enumerated() {
                guard case .object(let pair) = item, pair.count == 2,
                      case .string(let ak)? = pair["ak"], case .string(let sk)? = pair["sk"], !ak.isEmpty, !sk.isEmpty
                else {
                    throw fail(#"\#(source): keys[\#(i)]: expected {"ak": "...", "sk": "..."} with non-empty strings"#)
                }
                guard out.keys[ak] == nil else {
                    throw fail("\(source): keys[\(i)]: access key \(ak) is given more than once")
                }
                out.keys[ak] = sk
            }
        }
        return out
    }

    /// Adds `other`'s credentials; an access key given twice (with any SK)
    /// is refused, naming the two sources.
    package mutating func add(_ other: ServeCredentials, from source: String) throws(CkptError) {
        for (ak, sk) in other.keys.sorted(by: { $0.key < $1.key }) {
            guard keys[ak] == nil else {
                throw Self.fail("\(source): access key \(ak) is already given by another source")
            }
            keys[ak] = sk
        }
        for t in other.tokens where !tokens.contains(t) { tokens.append(t) }
    }

    /// A refused configuration: class `invalid`, no HTTP status or
    /// service code (nothing was sent anywhere).
    package static func fail(_ message: String) -> CkptError {
        CkptError(.invalid, httpStatus: 0, code: "", message)
    }

    package static func octal(_ mode: mode_t) -> String {
        var digits = ""
        var m = mode
        for _ in 0..<4 {
            digits = String(m & 7) + digits
            m >>= 3
        }
        return digits
    }
}
