// Fuzz target: JSONText.compactObject, the one-pass scanner that lets a 2xx
// answer of the remote backend through as text without a full parse
// (RemoteBackend.reply), checked against the full parser.
//
// Input: any bytes (an HTTP response body).
//
// Properties checked, whenever the scanner accepts the bytes:
//   - the full parser (JSONValue.parse, as ServiceErrorBody.parseOrExplain
//     runs it: jansson with duplicate keys refused, the depth and node limits,
//     NUL and UTF-8 checks) accepts them too, and finds an object: the
//     scanner's own contract ("accepts only text that jansson and JSONValue
//     accept too"), so that passing text through never lets through what
//     the parse would have refused (finding "jsontext-accepts-more");
//   - the compact text parses to the same value as the input;
//   - it is compact: scanning it again gives the same text.
import CkptCore
import CkptRemote
import CkptWire
#if canImport(Glibc)
import Glibc
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzBytes(data, size)
    guard let compact = input.withUnsafeBytes({ JSONText.compactObject($0) }) else { return 0 }
    let shown = String(decoding: input.prefix(400), as: UTF8.self)
    let full: JSONValue
    switch ServiceErrorBody.parseOrExplain(input) {
    case .success(let v):
        full = v
    case .failure(let why):
        finding(named: "jsontext-accepts-more",
                "JSONText.compactObject passes through text the full parse refuses: \(why.message)", "input: \(shown)")
        return 0
    }
    require(full.objectValue != nil, "JSONText.compactObject accepted a \(full.typeName)", "input: \(shown)")
    let again: JSONValue
    do throws(JSONInputError) {
        again = try JSONValue.parse(compact)
    } catch {
        finding("the compact text does not parse: \(error.message)", "compact: \(compact.prefix(400))\ninput: \(shown)")
    }
    require(again == full, "the compact text is another value than the input",
            "compact: \(compact.prefix(400))\ninput: \(shown)")
    // Compact: scanning it again changes nothing.
    var bytes = Array(compact.utf8)
    let twice = bytes.withUnsafeMutableBytes { JSONText.compactObject(UnsafeRawBufferPointer($0)) }
    require(twice == compact, "compacting the compact text changes it", "compact: \(compact.prefix(400))")
    return 0
}
