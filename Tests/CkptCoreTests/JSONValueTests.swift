import CJansson
import CkptCore
import Testing

@Suite("JSONValue and its jansson bridge")
struct JSONValueTests {
    @Test func parsesAndKeepsKeyOrder() throws {
        let v = try JSONValue.parse(#"{"z": 1, "a": [true, null, 2.5, "s"], "m": {"k": false}}"#)
        #expect(v.objectValue?.keys == ["z", "a", "m"])
        #expect(v.serialized() == #"{"z":1,"a":[true,null,2.5,"s"],"m":{"k":false}}"#)
    }

    @Test func explicitFalseSurvivesRoundTrip() throws {
        let v = try JSONValue.parse(#"{"incremental": false}"#)
        #expect(v["incremental"] == .bool(false))
        #expect(v.serialized() == #"{"incremental":false}"#)
    }

    @Test(arguments: [
        ("{", "malformed"),
        (#"{"a": 1, "a": 2}"#, "malformed"),
        (#"{"a": "x\u0000y"}"#, "NUL"),
    ])
    func refusesBadText(text: String, message: String) {
        #expect(throws: JSONInputError.self) { try JSONValue.parse(text) }
        do { _ = try JSONValue.parse(text) } catch { #expect(error.message.contains(message)) }
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [CChar] = [34, -1, 34] // "\xff"
        #expect(throws: JSONInputError.self) {
            try bytes.withUnsafeBufferPointer { try JSONValue.parse($0.baseAddress!, length: 3) }
        }
    }

    @Test func refusesDeepNesting() {
        let deep = String(repeating: "[", count: Limits.maxDepth + 1) + String(repeating: "]", count: Limits.maxDepth + 1)
        let ok = String(repeating: "[", count: Limits.maxDepth) + String(repeating: "]", count: Limits.maxDepth)
        #expect(throws: JSONInputError.self) { try JSONValue.parse(deep) }
        #expect((try? JSONValue.parse(ok)) != nil)
    }

    @Test func refusesOversizedText() {
        let big = "\"" + String(repeating: "x", count: Limits.maxRequestBytes) + "\""
        #expect(throws: JSONInputError.self) { try JSONValue.parse(big) }
    }

    @Test func objectSubscriptReplacesInPlace() {
        var o: JSONObject = ["a": 1, "b": 2]
        o["a"] = "x"
        o["c"] = 3
        o["b"] = nil
        #expect(o.keys == ["a", "c"])
        #expect(o["a"] == "x")
    }
}

@Suite("The native serializer matches jansson byte for byte")
struct SerializerTests {
    static let samples: [String] = [
        #"{"a":"plain","b":"quote\" backslash\\ slash/","c":"\b\f\n\r\t\u0001\u001f\u007f","d":"ünï©ødé 𝄞"}"#,
        #"[1,-9223372036854775808,9223372036854775807,0,true,false,null,[],{},[[{"x":[]}]]]"#,
        #"{"real":1.5,"neg":-0.25,"big":1e300,"whole":2.0,"tiny":5e-324}"#,
        #"{"checkpoint":{"status":"protecting","vault":{"skipped_resources":[],"resources":[{"extra_info":{"exclude_volumes":[]}}]}}}"#,
    ]

    @Test(arguments: samples)
    func matchesJansson(text: String) throws {
        let value = try JSONValue.parse(text)
        guard let j = value.makeJansson() else { Issue.record("makeJansson failed"); return }
        defer { json_decref(j) }
        #expect(value.serialized() == JSONValue.dump(j))
    }
}

@Suite("Pass-through validation of JSON text")
struct JSONTextTests {
    func compact(_ s: String) -> String? {
        Array(s.utf8).withUnsafeBytes { JSONText.compactObject($0) }
    }

    @Test(arguments: [
        (" { \"a\" : [ 1 , -2.5e+10 , true , null ] ,\n\t\"b\" : { } , \"c\" : \"x \\\" \\u00e9 \\ud834\\udd1e\" } ",
         #"{"a":[1,-2.5e+10,true,null],"b":{},"c":"x \" \u00e9 \ud834\udd1e"}"#),
        (#"{"checkpoint":{"status":"available","vault":{"resources":[]}}}"#,
         #"{"checkpoint":{"status":"available","vault":{"resources":[]}}}"#),
        ("{\"ü\":\"𝄞\"}", "{\"ü\":\"𝄞\"}"),
    ])
    func keepsTokensAndDropsWhitespace(input: String, expected: String) throws {
        let out = compact(input)
        #expect(out == expected)
        // What passes must mean the same as the original to the full parser.
        if let out { #expect(try JSONValue.parse(out) == JSONValue.parse(input)) }
    }

    @Test(arguments: [
        "", "[]", "\"s\"", "{", "{\"a\":}", "{\"a\":1,}", "{\"a\" 1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":tru}",
        "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud834\"}", "{\"a\":\"\\udd1e\"}", "{\"a\":\"\\x\"}", "{\"a\":\"tab\there\"}",
        "{\"a\":1e400}", "{\"a\":12345678901234567890}", "{} x", "{\"a\":1}{}",
        String(repeating: "{\"a\":", count: 70) + "1" + String(repeating: "}", count: 70),
        // What the full parser refuses, this refuses too.
        "{\"a\":1,\"a\":2}", "{\"a\":1,\"\\u0061\":2}",
        String(repeating: "{\"a\":", count: 32) + "1" + String(repeating: "}", count: 32),
    ])
    func refusesWhatItCannotVouchFor(input: String) {
        #expect(compact(input) == nil)
    }

    @Test func acceptsExactlyTheDepthLimit() throws {
        // 31 objects and the value inside them: 32 levels, the top being level 1.
        let text = String(repeating: "{\"a\":", count: 31) + "1" + String(repeating: "}", count: 31)
        #expect(compact(text) != nil)
        #expect((try? JSONValue.parse(text)) != nil)
    }

    @Test func refusesInvalidUTF8() {
        let bytes: [UInt8] = [123, 34, 97, 34, 58, 34, 0xff, 34, 125] // {"a":"\xff"}
        #expect(bytes.withUnsafeBytes { JSONText.compactObject($0) } == nil)
    }
}
