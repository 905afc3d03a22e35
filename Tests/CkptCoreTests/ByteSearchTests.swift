import CkptCore
import Testing

@Suite("Byte-level substring search")
struct ByteSearchTests {
    @Test func offsetsAreLeftToRightAndDoNotOverlap() {
        #expect(ByteSearch.offsets(of: Array("aa".utf8), in: Array("aaaaa".utf8)) == [0, 2])
        #expect(ByteSearch.offsets(of: Array("ab".utf8), in: Array("xabyab".utf8)) == [1, 4])
        #expect(ByteSearch.offsets(of: [], in: Array("abc".utf8)) == [])
        #expect(ByteSearch.offsets(of: Array("abcd".utf8), in: Array("abc".utf8)) == [])
        #expect(ByteSearch.offsets(of: Array("abc".utf8), in: Array("abc".utf8)) == [0])
    }

    @Test func containsComparesBytesNotCharacters() {
        // "auto" followed by a combining acute accent is one Character
        // ("autó") to String, but its bytes still hold "auto".
        #expect(ByteSearch.contains("{\"created_by\": \"auto\u{301}\"}", "auto"))
        #expect(ByteSearch.contains("{\"created_by\": \"auto\"}", "auto"))
        #expect(!ByteSearch.contains("{\"created_by\": \"manual\"}", "auto"))
        #expect(!ByteSearch.contains("anything", ""))
    }

    @Test func replacingAllReplacesEveryOccurrence() {
        #expect(ByteSearch.replacingAll("SK", in: "SK=SK\u{301}, sk", with: "[r]") == "[r]=[r]\u{301}, sk")
        #expect(ByteSearch.replacingAll("x", in: "abc", with: "y") == "abc")
        #expect(ByteSearch.replacingAll("abc", in: "abc", with: "") == "")
        #expect(ByteSearch.replacingAll("", in: "abc", with: "y") == "abc")
    }
}
