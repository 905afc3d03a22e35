import CkptCore
import CkptRemote
import CkptWire
import Testing

@Suite("Service error bodies")
struct ServiceErrorBodyTests {
    private func error(_ status: Int, _ body: String, requestId: String? = "rid") -> CkptError {
        ServiceErrorBody.error(status: status, body: Array(body.utf8), requestId: requestId) {
            Redaction.redact($0, ["TOPSECRET"])
        }
    }

    @Test(arguments: [
        #"{"error_code": "BackupService.6105", "error_msg": "no vault"}"#,
        #"{"errorCode": "BackupService.6105", "errorMsg": "no vault"}"#,
        #"{"code": "BackupService.6105", "message": "no vault"}"#,
        #"{"error": {"code": "BackupService.6105", "message": "no vault", "title": "Bad"}}"#,
        #"{"badRequest": {"error_code": "BackupService.6105", "error_msg": "no vault"}}"#,
    ])
    func readsEverySpelling(_ body: String) {
        let e = error(400, body)
        #expect(e.errorCode == "BackupService.6105")
        #expect(e.message == "no vault")
        #expect(e.errorClass == .invalid && e.httpStatus == 400 && e.requestId == "rid")
    }

    @Test func classesFollowCodeThenStatus() {
        #expect(error(400, #"{"error_code": "BackupService.6114", "error_msg": "m"}"#).errorClass == .quota)
        #expect(error(400, #"{"error_code": "BackupService.1001", "error_msg": "m"}"#).errorClass == .conflict)
        #expect(error(500, #"{"error_code": "CSBS.6032", "error_msg": "m"}"#).errorClass == .conflict)
        #expect(error(400, #"{"error_code": "BackupService.9900", "error_msg": "m"}"#).errorClass == .invalid)
        #expect(error(401, #"{"error_code": "APIGW.0301", "error_msg": "m"}"#).errorClass == .auth)
        #expect(error(403, "{}").errorClass == .permission)
        #expect(error(404, "").errorClass == .notFound)
        #expect(error(429, "").errorClass == .remote)
        // Too large is the caller's to fix, not the service's failure.
        #expect(error(413, #"{"error_code": "APIGW.0201", "error_msg": "m"}"#).errorClass == .invalid)
        #expect(error(503, "").errorClass == .remote)
        #expect(error(500, "").message == "the service answered HTTP 500")
    }

    @Test func nonJSONBodyIsExcerpted() {
        let body = "<html>" + String(repeating: "é bad gateway ", count: 100) + "</html>"
        let e = error(502, body)
        #expect(e.httpStatus == 502 && e.errorClass == .remote && e.errorCode == "")
        #expect(e.message.unicodeScalars.count <= 200)
        #expect(e.message.hasPrefix("<html>é bad gateway"))
        // Cut in the middle of a multi-byte character: still valid text.
        var bytes = Array("x".utf8) + Array(repeating: 0xC3, count: 300)
        bytes.append(0xA9)
        let f = ServiceErrorBody.error(status: 502, body: bytes, requestId: nil) { $0 }
        #expect(f.message.unicodeScalars.count <= 200)
    }

    @Test func requestIdFromBodyWhenNoHeader() {
        let e = error(401, #"{"error_code": "APIGW.0301", "error_msg": "m", "request_id": "body-rid"}"#, requestId: nil)
        #expect(e.requestId == "body-rid")
    }

    @Test func secretsAreRedactedBeforeTruncation() {
        let e = error(400, #"{"error_code": "X.1", "error_msg": "token TOPSECRET leaked"}"#)
        #expect(e.message == "token [redacted] leaked")
        let long = String(repeating: "a", count: 195) + "TOPSECRET"
        #expect(!error(502, long).message.contains("TOPS"))
    }
}
