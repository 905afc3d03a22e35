// Fuzz target: the SDK-HMAC-SHA256 verifier the emulator server runs on every
// AK/SK request (RequestSigner.verify).
//
// Input: a request, as on the wire (WireRequest in Support.swift):
//     METHOD SP TARGET            (TARGET = path ["?" query])
//     Name: value                 (any number of header lines)
//                                 (empty line)
//     body
// Lines end in "\n" (a "\r" before it is dropped).  The query is split and
// decoded by PercentEncoding.queryPairs, as the emulator does.  The verifier's
// clock is the test vectors' X-Sdk-Date (2024-01-02T03:04:05Z); the known
// access keys are the vectors' AK (with the vectors' SK) and "EMPTYSK" (whose
// SK is empty, which must never verify).
//
// Properties checked:
//   - verify never traps, and fails only with class auth, 401, APIGW.0301;
//   - its messages never contain the SK or the presented signature;
//   - an accepted request names a known AK, is within the allowed skew, and
//     carries exactly the signature that RequestSigner.sign computes for the
//     same method, path, query, signed headers (in the order the
//     Authorization header lists them, when that order is the sorted one)
//     and body: verify and sign agree.
import CkptCore
import CkptRemote
import CkptWire
#if canImport(Glibc)
import Glibc
#endif

private let ak = "HPUABCDEFGHIJKLMNOPQ"
private let sk = "SKtest0123456789abcdefghijklmnopqrstuvwx"
private let now: Int64 = 1_704_164_645   // 20240102T030405Z
/// FUZZ_VERBOSE=1: say what verify decided (to check the seeds).
private let verbose = getenv("FUZZ_VERBOSE") != nil

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let input = fuzzBytes(data, size)
    guard let request = WireRequest(input) else { return 0 }
    let (method, path, query, headers, body) = (request.method, request.path, request.query, request.headers,
                                                request.body)
    let pairs = PercentEncoding.queryPairs(query)

    let presented = headers.values("Authorization").first.flatMap { RequestSigner.parseAuthorization(HTTPHeader.trimmed($0)) }
    do throws(CkptError) {
        let who = try RequestSigner.verify(method: method, path: path, query: pairs, headers: headers, body: body,
                                           secretKey: { $0 == ak ? sk : $0 == "EMPTYSK" ? "" : nil },
                                           nowUnixSeconds: now)
        if verbose { fputs("verify: accepted (\(method) \(path))\n", stderr) }
        // Accepted: it must be what sign produces.
        require(who == ak, "verify accepted access key \(who.debugDescription)")
        guard let credential = presented else { finding("verify accepted an Authorization that does not parse") }
        let dates = headers.values(RequestSigner.dateHeader)
        require(dates.count == 1, "verify accepted \(dates.count) X-Sdk-Date headers")
        guard let date = RequestSigner.parseDate(HTTPHeader.trimmed(dates[0])) else {
            finding("verify accepted an unparsable X-Sdk-Date")
        }
        require(abs(now - date) <= RequestSigner.defaultMaxSkewSeconds, "verify accepted a date \(now - date) s away")
        let signed = Set(credential.signedHeaders)
        require(signed.contains("x-sdk-date"), "verify accepted a request whose X-Sdk-Date is not signed")
        if credential.signedHeaders == credential.signedHeaders.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) })
            && signed.count == credential.signedHeaders.count
        {
            let covered = headers.filter { signed.contains(HTTPHeader.lowercased($0.name)) }
            do throws(CkptError) {
                let s = try RequestSigner.sign(method: method, path: path, query: pairs, headers: covered, body: body,
                                               accessKey: ak, secretKey: sk)
                require(s.signature == HTTPHeader.lowercased(credential.signature),
                        "verify accepted a signature sign does not produce",
                        "canonical request:\n\(s.canonicalRequest)")
            } catch {
                finding("verify accepted a request sign refuses: \(error.message)")
            }
        }
    } catch {
        if verbose { fputs("verify: refused: \(error.message)\n", stderr) }
        require(error.errorClass == .auth && error.httpStatus == 401 && error.errorCode == "APIGW.0301",
                "verify failed with \(error.errorClass.name) \(error.httpStatus) \(error.errorCode)")
        require(!containsBytes(Array(error.message.utf8), Array(sk.utf8)), "verify's message contains the SK")
        if let sig = presented?.signature, sig.utf8.count >= 16 {
            require(!containsBytes(Array(error.message.utf8), Array(sig.utf8)), "verify's message contains the presented signature", error.message)
        }
    }
    return 0
}
