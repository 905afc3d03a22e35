import CkptCore
import CkptRemote
import CkptWire
import Foundation
import Testing

/// One vector of Fixtures/sdk-hmac-sha256.json.
struct SigningVector: CustomTestStringConvertible, Sendable {
    var name, method, path, body, bodySHA256, canonicalRequest, stringToSign, authorization: String
    var query: [Pair]
    var headers: [HTTPHeader]
    var testDescription: String { name }

    struct Pair: Sendable { var name, value: String }

    static let ak = "HPUABCDEFGHIJKLMNOPQ"
    static let sk = "SKtest0123456789abcdefghijklmnopqrstuvwx"

    static func load() throws -> [SigningVector] {
        guard let url = Bundle.module.url(forResource: "sdk-hmac-sha256", withExtension: "json", subdirectory: "Fixtures")
        else { throw ServerError("vectors missing") }
        let root = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any]
        guard let root, root["ak"] as? String == ak, root["sk"] as? String == sk,
              let vectors = root["vectors"] as? [[String: Any]]
        else { throw ServerError("unexpected vector file") }
        return try vectors.map { v in
            guard let name = v["name"] as? String, let method = v["method"] as? String,
                  let path = v["wire_uri"] as? String, let body = v["body"] as? String,
                  let bodySHA256 = v["body_sha256"] as? String, let cr = v["canonical_request"] as? String,
                  let sts = v["string_to_sign"] as? String, let auth = v["authorization"] as? String,
                  let headers = v["headers_before_signing"] as? [String: String],
                  let query = v["query_input"] as? [[String]]
            else { throw ServerError("malformed vector") }
            return SigningVector(name: name, method: method, path: path, body: body, bodySHA256: bodySHA256,
                                 canonicalRequest: cr, stringToSign: sts, authorization: auth,
                                 query: query.compactMap { $0.count == 2 ? Pair(name: $0[0], value: $0[1]) : nil },
                                 headers: headers.map { HTTPHeader($0.key, $0.value) })
        }
    }
}

@Suite("SDK-HMAC-SHA256 signing")
struct SignerTests {
    @Test func vectorFileHasVectors() throws {
        #expect(try SigningVector.load().count >= 2)
    }

    @Test(arguments: try SigningVector.load())
    func reproducesVector(_ v: SigningVector) throws {
        #expect(Digest.sha256Hex(Array(v.body.utf8)) == v.bodySHA256)
        let s = try RequestSigner.sign(method: v.method, path: v.path, query: v.query.map { ($0.name, $0.value) },
                                       headers: v.headers, body: Array(v.body.utf8),
                                       accessKey: SigningVector.ak, secretKey: SigningVector.sk)
        #expect(s.canonicalRequest == v.canonicalRequest)
        #expect(s.stringToSign == v.stringToSign)
        #expect(s.authorization == v.authorization)
        // The pieces on their own give the same.
        let date = try #require(v.headers.first("X-Sdk-Date"))
        #expect(RequestSigner.stringToSign(canonicalRequest: v.canonicalRequest, date: date) == v.stringToSign)
    }

    @Test func knownDigests() {
        #expect(Digest.sha256Hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        // RFC 4231, test case 2.
        #expect(Digest.hmacSHA256Hex(key: "Jefe", message: "what do ya want for nothing?")
            == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
        #expect(Digest.hmacSHA256Hex(key: "", message: "x") == nil)
        #expect(Digest.constantTimeEqual("abc", "abc"))
        #expect(!Digest.constantTimeEqual("abc", "abd"))
        #expect(!Digest.constantTimeEqual("abc", "abcd"))
    }

    @Test func canonicalURIAndQuery() {
        #expect(RequestSigner.canonicalURI("/v3/p/checkpoints") == "/v3/p/checkpoints/")
        #expect(RequestSigner.canonicalURI("/v3/p/") == "/v3/p/")
        #expect(RequestSigner.canonicalURI("/a b/c%2Fd/%E2%82%AC~x") == "/a%20b/c/d/%E2%82%AC~x/")
        #expect(RequestSigner.canonicalQuery([("b", "2"), ("a", "z z"), ("a", "1")]) == "a=1&a=z%20z&b=2")
        #expect(RequestSigner.canonicalQuery([]) == "")
    }

    // MARK: Verifying

    private static let ak = "HPUVERIFYTESTAK00001"
    private static let sk = "SK-verify-test-secret-abcdefghijklmnop"
    private static let body = Array(#"{"checkpoint":{"vault_id":"3b5816b5-f29c-4172-9d9a-76c719a659ce"}}"#.utf8)

    private static func signed(date: Int64, body: [UInt8] = body, secret: String = sk) throws -> [HTTPHeader] {
        var headers = [
            HTTPHeader("Content-Type", "application/json;charset=utf-8"),
            HTTPHeader("Host", "127.0.0.1:8080"),
            HTTPHeader("X-Project-Id", "p1"),
            HTTPHeader("X-Sdk-Date", Clock.sdkDate(unixSeconds: date)),
        ]
        let s = try RequestSigner.sign(method: "POST", path: "/v3/p1/checkpoints", headers: headers, body: body,
                                       accessKey: ak, secretKey: secret)
        headers.append(HTTPHeader("Authorization", s.authorization))
        return headers
    }

    private static func verify(_ headers: [HTTPHeader], body: [UInt8] = body, now: Int64,
                               path: String = "/v3/p1/checkpoints") throws(CkptError) -> String
    {
        try RequestSigner.verify(method: "POST", path: path, headers: headers, body: body,
                                 secretKey: { $0 == ak ? sk : nil }, nowUnixSeconds: now)
    }

    private static var now: Int64 { Clock.nowMs() / 1000 }

    @Test func verifierAcceptsFreshSignature() throws {
        #expect(try Self.verify(Self.signed(date: Self.now), now: Self.now) == Self.ak)
        // Up to 15 minutes either way.
        #expect(try Self.verify(Self.signed(date: Self.now - 14 * 60), now: Self.now) == Self.ak)
        #expect(try Self.verify(Self.signed(date: Self.now + 14 * 60), now: Self.now) == Self.ak)
    }

    /// Found by the emulator_request fuzzer: a header with an empty name
    /// was signed into "SignedHeaders=;host;...", which no verifier parses.
    /// A name that is not an HTTP token is refused instead.
    @Test func signingRefusesAHeaderNameThatIsNotAToken() {
        for name in ["", "a;b", "a,b", "a b", "caf\u{e9}", "x:y"] {
            let headers = [HTTPHeader("X-Sdk-Date", "20240102T030405Z"), HTTPHeader(name, "v")]
            #expect(throws: CkptError.self, "\(name.debugDescription)") {
                try RequestSigner.sign(method: "GET", path: "/", headers: headers, body: [], accessKey: Self.ak,
                                       secretKey: Self.sk)
            }
        }
        #expect(HTTPHeader.isToken("X-Sdk-Date") && HTTPHeader.isToken("!#$%&'*+-.^_`|~09azAZ"))
        #expect(!HTTPHeader.isToken("@") && !HTTPHeader.isToken("[") && !HTTPHeader.isToken("{"))
    }

    @Test func verifierAcceptsTheVectors() throws {
        for v in try SigningVector.load() {
            let headers = v.headers + [HTTPHeader("Authorization", v.authorization)]
            let date = try #require(RequestSigner.parseDate("20240102T030405Z"))
            let ak = try RequestSigner.verify(method: v.method, path: v.path, headers: headers, body: Array(v.body.utf8),
                                              secretKey: { $0 == SigningVector.ak ? SigningVector.sk : nil },
                                              nowUnixSeconds: date + 60)
            #expect(ak == SigningVector.ak)
        }
    }

    private func expectRejected(_ why: String, _ body: () throws -> String) {
        do {
            _ = try body()
            Issue.record("accepted: \(why)")
        } catch let e as CkptError {
            #expect(e.errorClass == .auth && e.httpStatus == 401, "\(why)")
            #expect(!e.message.contains(Self.sk), "\(why)")
            #expect(e.message.range(of: "[0-9a-f]{64}", options: .regularExpression) == nil, "\(why)")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test func verifierRejectsForgeries() throws {
        let now = Self.now
        let good = try Self.signed(date: now)
        expectRejected("wrong SK") { try Self.verify(Self.signed(date: now, secret: "another-secret"), now: now) }
        var tampered = Self.body
        tampered[tampered.count - 3] = UInt8(ascii: "d")
        expectRejected("tampered body") { try Self.verify(good, body: tampered, now: now) }
        expectRejected("other path") { try Self.verify(good, now: now, path: "/v3/p2/checkpoints") }
        expectRejected("date too old") { try Self.verify(Self.signed(date: now - 16 * 60), now: now) }
        expectRejected("date too new") { try Self.verify(Self.signed(date: now + 16 * 60), now: now) }
        expectRejected("no Authorization") { try Self.verify(good.filter { $0.name != "Authorization" }, now: now) }
        let changedHeader = good.map { $0.name == "X-Project-Id" ? HTTPHeader($0.name, "p2") : $0 }
        expectRejected("changed signed header") { try Self.verify(changedHeader, now: now) }
        let unknownAK = good.map {
            $0.name == "Authorization" ? HTTPHeader($0.name, $0.value.replacingOccurrences(of: Self.ak, with: "NOPE")) : $0
        }
        expectRejected("unknown AK") { try Self.verify(unknownAK, now: now) }
        let noDateSigned = good.map {
            $0.name == "Authorization"
                ? HTTPHeader($0.name, $0.value.replacingOccurrences(of: ";x-sdk-date", with: "")) : $0
        }
        expectRejected("date not signed") { try Self.verify(noDateSigned, now: now) }
        let badSyntax = good.map { $0.name == "Authorization" ? HTTPHeader($0.name, "SDK-HMAC-SHA256 garbage") : $0 }
        expectRejected("garbage Authorization") { try Self.verify(badSyntax, now: now) }
        let emptySignature = good.map {
            $0.name == "Authorization"
                ? HTTPHeader($0.name, $0.value.components(separatedBy: "Signature=")[0] + "Signature=") : $0
        }
        expectRejected("empty signature") { try Self.verify(emptySignature, now: now) }
    }

    @Test func parsesSdkDates() {
        #expect(RequestSigner.parseDate("20240102T030405Z") == 1_704_164_645)
        #expect(RequestSigner.parseDate("20240102T030405") == nil)
        #expect(RequestSigner.parseDate("2024-01-02T03:04") == nil)
        #expect(RequestSigner.parseDate("20241302T030405Z") == nil)
        #expect(RequestSigner.parseDate("2024010xT030405Z") == nil)
        #expect(RequestSigner.parseDate("20240231T030405Z") == nil, "31 February does not exist")
        #expect(RequestSigner.parseDate("20240229T030405Z") == 1_709_175_845)
        #expect(RequestSigner.parseDate("20161231T235960Z") == 1_483_228_800, "a leap second")
        #expect(RequestSigner.parseDate("20240102T036005Z") == nil)
    }
}
