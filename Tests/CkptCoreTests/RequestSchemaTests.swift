import CkptCore
import Testing

/// The request example of seeds 000 and 001.
let seedCreate = #"""
{"checkpoint":{"parameters":{"auto_trigger":true,"description":"backup_description","incremental":true,
"name":"backup_name","resources":["94eba8b2-acc9-4d82-badc-127144cc5526"]},
"vault_id":"3b5816b5-f29c-4172-9d9a-76c719a659ce"}}
"""#

/// The request example of seed 002, with the provider path parameter.
let seedExecute = #"""
{"checkpoint":{"plan_id":"62171999-3df1-42f7-9513-6f9b1bea4744","parameters":{"auto_trigger":false,
"resources":["7a32a8b5-7977-4e24-b5da-e0eb457db75b","b2b433bf-7dd6-4a74-aa8f-85673dfbda48"]}}}
"""#

func parameterError(_ body: () throws(CkptError) -> Void) -> CkptError? {
    do throws(CkptError) { try body() } catch { return error }
    return nil
}

@Suite("Request schemas")
struct RequestSchemaTests {
    @Test func seedCheckpointCreateParses() throws {
        let r = try CheckpointCreateRequest(JSONValue.parse(seedCreate))
        #expect(r.vaultId == "3b5816b5-f29c-4172-9d9a-76c719a659ce")
        #expect(r.parameters?.incremental == true)
        #expect(r.parameters?.resources == ["94eba8b2-acc9-4d82-badc-127144cc5526"])
        // The body for the wire is the documented one, key for key.
        #expect(r.body == (try JSONValue.parse(seedCreate)))
    }

    @Test func explicitFalseIsKeptOnTheWire() throws {
        let r = try CheckpointCreateRequest(JSONValue.parse(
            #"{"checkpoint":{"vault_id":"3b5816b5-f29c-4172-9d9a-76c719a659ce","parameters":{"incremental":false,"auto_trigger":false}}}"#))
        #expect(r.body["checkpoint"]?["parameters"]?["incremental"] == .bool(false))
        #expect(r.body["checkpoint"]?["parameters"]?["auto_trigger"] == .bool(false))
    }

    @Test(arguments: [
        (#"{"checkpoint":{}}"#, "checkpoint.vault_id: is required"),
        (#"{"checkpoint":{"vault_id":7}}"#, "checkpoint.vault_id: expected string, got number"),
        (#"{"checkpoint":{"vault_id":"../../etc/passwd"}}"#, "checkpoint.vault_id: must be a UUID"),
        (#"{"checkpoint":{"vault_id":"3b5816b5-f29c-4172-9d9a-76c719a659ce","parameters":{"incremental":"yes"}}}"#,
         "checkpoint.parameters.incremental: expected boolean, got string"),
        (#"{"checkpoint":{"vault_id":"3b5816b5-f29c-4172-9d9a-76c719a659ce","parameters":{"incremantal":true}}}"#,
         "checkpoint.parameters.incremantal: unknown field"),
        (#"{"checkpoint":{"vault_id":"3b5816b5-f29c-4172-9d9a-76c719a659ce","parameters":{"resources":["94eba8b2-acc9-4d82-badc-127144cc5526","94eba8b2-acc9-4d82-badc-127144cc5526"]}}}"#,
         "checkpoint.parameters.resources[1]: duplicates"),
        (#"{"checkpoint":{"vault_id":"3b5816b5-f29c-4172-9d9a-76c719a659ce","parameters":{"name":null}}}"#,
         "checkpoint.parameters.name: expected string, got null"),
        (#"[]"#, "request: expected object, got array"),
    ])
    func checkpointCreateNamesTheOffendingField(text: String, message: String) throws {
        let value = try JSONValue.parse(text)
        let e = parameterError { () throws(CkptError) in _ = try CheckpointCreateRequest(value) }
        #expect(e?.errorCode == "BackupService.9900")
        #expect(e?.httpStatus == 400)
        #expect(e?.errorClass == .invalid)
        #expect(e?.message.contains(message) == true, "\(e?.message ?? "no error")")
    }

    @Test func namesAreBounded() throws {
        let long = String(repeating: "n", count: Limits.maxNameLength + 1)
        let value = try JSONValue.parse(
            #"{"checkpoint":{"vault_id":"3b5816b5-f29c-4172-9d9a-76c719a659ce","parameters":{"name":"\#(long)"}}}"#)
        let e = parameterError { () throws(CkptError) in _ = try CheckpointCreateRequest(value) }
        #expect(e?.message.contains("longer than 64") == true)
    }

    @Test func uuidsAreNormalisedToLowerCase() {
        #expect(UUIDText.normalized("3B5816B5-F29C-4172-9D9A-76C719A659CE") == "3b5816b5-f29c-4172-9d9a-76c719a659ce")
        #expect(UUIDText.normalized("3b5816b5f29c41729d9a76c719a659ce") == nil)
        #expect(UUIDText.normalized("3b5816b5-f29c-4172-9d9a-76c719a659cg") == nil)
        #expect(UUIDText.normalized("3b5816b5-f29c-4172-9d9a-76c719a659ce") == "3b5816b5-f29c-4172-9d9a-76c719a659ce")
        #expect(UUIDText.normalized("3b5816b5-f29c-4172-9d9a_76c719a659ce") == nil)
        #expect(UUIDText.normalized("3b5816b5-f29c-4172-9d9a-76c719a659cé") == nil) // 36 characters, 37 bytes
        #expect(UUIDText.normalized("3b5816b5-f29c-4172-9d9a-76c719a659c\u{FF}") == nil)
    }

    @Test func uuidBytesRoundTrip() {
        let text = "00ff10ab-c9d8-4e7f-8a6b-5c4d3e2f1a0b"
        let bytes: [UInt8] = [0x00, 0xff, 0x10, 0xab, 0xc9, 0xd8, 0x4e, 0x7f,
                              0x8a, 0x6b, 0x5c, 0x4d, 0x3e, 0x2f, 0x1a, 0x0b]
        #expect(UUIDText.bytes(text) == bytes)
        #expect(UUIDText.bytes(text.uppercased()) == bytes)
        #expect(UUIDText.text(of: bytes) == text)
        #expect(UUIDText.text(of: Array(bytes.prefix(15))) == "")
        // A dash out of place, a non-hex digit, the wrong length: not a UUID.
        for bad in ["00ff10abc-9d8-4e7f-8a6b-5c4d3e2f1a0b", "00ff10ab-c9d8-4e7f-8a6b-5c4d3e2f1a0g",
                    "00ff10ab-c9d8-4e7f-8a6b-5c4d3e2f1a0", "", "00ff10ab-c9d8-4e7f-8a6b-5c4d3e2f1a0b0"]
        {
            #expect(UUIDText.bytes(bad) == nil, "\(bad)")
        }
    }

    @Test func seedPolicyExecuteParses() throws {
        let r = try PolicyExecuteRequest(JSONValue.parse(seedExecute))
        #expect(r.providerId == csbsProviderId)
        #expect(r.autoTrigger == false)
        #expect(r.resources?.count == 2)
        #expect(r.body == (try JSONValue.parse(seedExecute)))
    }

    @Test func policyExecuteUsesCSBSCodes() throws {
        let value = try JSONValue.parse(#"{"provider_id":"3b5816b5-f29c-4172-9d9a-76c719a659ce","checkpoint":{}}"#)
        let e = parameterError { () throws(CkptError) in _ = try PolicyExecuteRequest(value) }
        #expect(e?.errorCode == "CSBS.9001")
        #expect(e?.message.contains("provider_id") == true)
        let badExtra = try JSONValue.parse(#"{"checkpoint":{"plan_id":"62171999-3df1-42f7-9513-6f9b1bea4744","extra-info":"x"}}"#)
        let e2 = parameterError { () throws(CkptError) in _ = try PolicyExecuteRequest(badExtra) }
        #expect(e2?.errorCode == "CSBS.9001")
        #expect(e2?.message == "checkpoint.extra-info: expected object or null, got string")
    }

    /// python-karborclient sends `{"plan_id", "extra-info"}` and no
    /// `parameters` (SPEC 6.7): both forms of extra-info parse, and are sent on.
    @Test func policyExecuteTakesKarborsBody() throws {
        for extra in ["null", #"{"k":"v"}"#] {
            let text = #"{"checkpoint":{"plan_id":"62171999-3df1-42f7-9513-6f9b1bea4744","extra-info":"# + extra + "}}"
            let r = try PolicyExecuteRequest(JSONValue.parse(text))
            #expect(r.autoTrigger == nil && r.resources == nil)
            #expect(r.body["checkpoint"]?["extra-info"] == (try JSONValue.parse(extra)))
            #expect(r.body["checkpoint"]?["parameters"] == [:])
        }
        let plain = try PolicyExecuteRequest(JSONValue.parse(#"{"checkpoint":{"plan_id":"62171999-3df1-42f7-9513-6f9b1bea4744"}}"#))
        #expect(plain.body["checkpoint"]?["extra-info"] == nil)
    }

    @Test func unknownOperationIsInvalid() {
        let e = parameterError { () throws(CkptError) in _ = try Operation.named("checkpoint.delete") }
        #expect(e?.errorClass == .invalid)
        #expect(e?.message.contains("checkpoint.delete") == true)
    }

    @Test func errorObjectHasEveryField() {
        let e = CkptError.vaultCapacity("v", used: 1, adding: 2, size: 2)
        #expect(e.json.objectValue?.keys == ["code", "class", "http_status", "error_code", "error_msg", "request_id"])
        #expect(e.json["code"] == .int(-4))
        #expect(e.json["class"] == "quota")
        #expect(e.json["request_id"] == .null)
    }
}
