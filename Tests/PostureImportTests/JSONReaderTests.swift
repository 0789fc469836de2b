import Foundation
import XCTest
@testable import PostureImport

final class JSONReaderTests: XCTestCase {
    private func parse(_ text: String) throws -> JSONDocument {
        try JSONReader.parse(Data(text.utf8), file: "t.json")
    }

    private func parseBytes(_ bytes: [UInt8]) throws -> JSONDocument {
        try JSONReader.parse(Data(bytes), file: "t.json")
    }

    /// Asserts an ImportError naming the file and the given path, with a message containing `fragment`.
    private func assertError(_ bytes: [UInt8], path: String, contains fragment: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try parseBytes(bytes), file: file, line: line) { error in
            guard let e = error as? ImportError else { return XCTFail("not an ImportError: \(error)", file: file, line: line) }
            XCTAssertEqual(e.file, "t.json", file: file, line: line)
            XCTAssertEqual(e.path, path, file: file, line: line)
            XCTAssertTrue(e.message.contains(fragment), "message: \(e.message)", file: file, line: line)
            XCTAssertNotNil(e.byteOffset, file: file, line: line)
        }
    }

    private func assertError(_ text: String, path: String, contains fragment: String,
                             file: StaticString = #filePath, line: UInt = #line) {
        assertError(Array(text.utf8), path: path, contains: fragment, file: file, line: line)
    }

    func testScalarsContainersAndOrder() throws {
        let doc = try parse(#" { "b": [1, -2.5e3, true, false, null, "x"], "a": {"k": "v"}, "e": [], "o": {} } "#)
        let root = doc.root
        XCTAssertEqual(root.kind, .object)
        XCTAssertEqual(root.members.map(\.key), ["b", "a", "e", "o"])
        let b = try XCTUnwrap(root["b"])
        XCTAssertEqual(b.count, 6)
        XCTAssertEqual(b[0]?.intValue, 1)
        XCTAssertEqual(b[1]?.doubleValue, -2500)
        XCTAssertEqual(b[1]?.numberText, "-2.5e3")
        XCTAssertEqual(b[2]?.boolValue, true)
        XCTAssertEqual(b[3]?.boolValue, false)
        XCTAssertEqual(b[4]?.isNull, true)
        XCTAssertEqual(b[5]?.stringValue, "x")
        XCTAssertEqual(root["a"]?["k"]?.stringValue, "v")
        XCTAssertEqual(root["e"]?.count, 0)
        XCTAssertEqual(root["o"]?.count, 0)
        XCTAssertEqual(root["a"]?["k"]?.path, "$.a.k")
        XCTAssertEqual(b[5]?.path, "$.b[5]")
        XCTAssertEqual(root.materialize()["A"]?["K"], .string("v"))
    }

    func testEscapesAndUnicode() throws {
        let doc = try parse(#"{"s": "a\"b\\c\/d\b\f\n\r\t\u00e9\ud83d\ude00 ü", "k\u0065y": 1}"#)
        XCTAssertEqual(doc.root["s"]?.stringValue, "a\"b\\c/d\u{8}\u{c}\n\r\té😀 ü")
        XCTAssertEqual(doc.root["KEY"]?.intValue, 1, "escaped keys are matched after decoding")
    }

    func testCaseInsensitiveLookupAndDuplicateKeysLastWins() throws {
        let doc = try parse(#"{"enableAzureRBAC": true, "name": "first", "NAME": "second"}"#)
        XCTAssertEqual(doc.root["enableAzureRbac"]?.boolValue, true)
        XCTAssertEqual(doc.root["name"]?.stringValue, "second")
        XCTAssertEqual(doc.root.materialize()["name"], .string("second"))
    }

    func testBOMIsSkipped() throws {
        let doc = try parseBytes([0xEF, 0xBB, 0xBF] + Array(#"{"a": 1}"#.utf8))
        XCTAssertEqual(doc.root["a"]?.intValue, 1)
    }

    func testNumbersOutOfRangeKeepTheirText() throws {
        let doc = try parse(#"{"big": 123456789012345678901234567890, "neg": -9223372036854775809, "max": 9223372036854775807, "huge": 1e999, "frac": 2.0}"#)
        XCTAssertNil(doc.root["big"]?.intValue)
        XCTAssertEqual(doc.root["big"]?.numberText, "123456789012345678901234567890")
        XCTAssertNil(doc.root["neg"]?.intValue)
        XCTAssertEqual(doc.root["max"]?.intValue, Int.max)
        XCTAssertNil(doc.root["huge"]?.doubleValue)
        XCTAssertEqual(doc.root["huge"]?.numberText, "1e999")
        XCTAssertEqual(doc.root["frac"]?.intValue, 2)
    }

    func testTruncatedInputs() {
        assertError(#"{"a": [1, 2"#, path: "$.a[2]", contains: "truncated")
        assertError(#"{"a": "abc"#, path: "$.a", contains: "unterminated string")
        assertError(#"{"a""#, path: "$.a", contains: "truncated")
        assertError(#"{"a": tr"#, path: "$.a", contains: "truncated")
        assertError("", path: "$", contains: "truncated")
    }

    func testStrayBytesAndBadTokens() {
        assertError(#"{"a": 1} x"#, path: "$", contains: "after the end")
        assertError(#"{"a": 1,}"#, path: "$", contains: "member name")
        assertError(#"[1 2]"#, path: "$[1]", contains: "expected ',' or ']'")
        assertError(#"{"a": 01}"#, path: "$.a", contains: "expected ',' or '}'")
        assertError(#"{"a": -}"#, path: "$.a", contains: "invalid number")
        assertError(#"{"a": nul}"#, path: "$.a", contains: "invalid literal")
        assertError(#"{'a': 1}"#, path: "$", contains: "member name")
        assertError(Array(#"{"a": 1}"#.utf8) + [0x00], path: "$", contains: "byte 0x00")
        assertError(Array(#"{"a": "#.utf8) + [0x00], path: "$.a", contains: "byte 0x00")
    }

    func testStringErrors() {
        assertError(Array(#"{"a": "x"#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8), path: "$.a", contains: "invalid UTF-8")
        assertError(Array(#"{"a": "x"#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8), path: "$.a", contains: "invalid UTF-8")
        assertError(Array(#"{"a": "x"#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8), path: "$.a", contains: "invalid UTF-8")
        assertError(Array(#"{"a": "x"#.utf8) + [0x00] + Array(#""}"#.utf8), path: "$.a", contains: "NUL byte")
        assertError(Array(#"{"a": "x"#.utf8) + [0x0A] + Array(#""}"#.utf8), path: "$.a", contains: "control character")
        assertError(#"{"a": "\q"}"#, path: "$.a", contains: "invalid escape")
        assertError(#"{"a": "\ud800"}"#, path: "$.a", contains: "lone high surrogate")
        assertError(#"{"a": "\udc00x"}"#, path: "$.a", contains: "lone low surrogate")
        assertError(#"{"a": "\u12G4"}"#, path: "$.a", contains: "hex digits")
        // Invalid UTF-8 outside a string is a stray byte.
        assertError([0xFF], path: "$", contains: "byte 0xFF")
    }

    func testErrorCarriesByteOffset() throws {
        let text = #"{"items": [{"metadata": {"name": "a"}}, {"metadata": {"name": "b"#
        XCTAssertThrowsError(try parse(text + "\u{1}\"}}]}")) { error in
            let e = error as! ImportError
            XCTAssertEqual(e.path, "$.items[1].metadata.name")
            XCTAssertEqual(e.byteOffset, text.utf8.count)
            XCTAssertTrue(e.message.hasPrefix("at byte \(text.utf8.count):"), e.message)
        }
    }

    func testDeepNestingIsACleanError() {
        let depth = 100_000
        let bytes = [UInt8](repeating: UInt8(ascii: "["), count: depth) + [UInt8](repeating: UInt8(ascii: "]"), count: depth)
        XCTAssertThrowsError(try parseBytes(bytes)) { error in
            let e = error as! ImportError
            XCTAssertEqual(e.message, "at byte 1000: nesting deeper than 1000")
            XCTAssertTrue(e.path.hasPrefix("$[0][0][0]"), e.path)
            XCTAssertEqual(e.path.count, 1 + 3 * 1000)
        }
        let objects = String(repeating: #"{"a":"#, count: depth)
        XCTAssertThrowsError(try parse(objects)) { error in
            XCTAssertTrue((error as! ImportError).message.contains("nesting deeper than 1000"))
        }
        // Exactly at the limit is fine.
        let ok = [UInt8](repeating: UInt8(ascii: "["), count: 1000) + [UInt8](repeating: UInt8(ascii: "]"), count: 1000)
        XCTAssertNoThrow(try parseBytes(ok))
    }

    func testTenMegabyteString() throws {
        let big = String(repeating: "abcdefgh", count: 10 * 1024 * 1024 / 8) + "é\\n"
        let doc = try parse("{\"s\": \"\(big)\"}")
        let s = try XCTUnwrap(doc.root["s"]?.stringValue)
        XCTAssertEqual(s.utf8.count, 10 * 1024 * 1024 + 3)
        XCTAssertTrue(s.hasSuffix("é\n"))
    }

    func testMillionElementArray() throws {
        var bytes: [UInt8] = [UInt8(ascii: "[")]
        bytes.reserveCapacity(2_000_002)
        for i in 0..<1_000_000 {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(UInt8(ascii: "0") + UInt8(i % 10))
        }
        bytes.append(UInt8(ascii: "]"))
        let doc = try parseBytes(bytes)
        XCTAssertEqual(doc.root.count, 1_000_000)
        XCTAssertEqual(doc.root[999_999]?.intValue, 9)
        XCTAssertEqual(doc.root.elements.count, 1_000_000)
    }

    func testStreamingHandsOverItemsOneAtATime() throws {
        var text = #"{"apiVersion": "v1", "items": ["#
        for i in 0..<500 {
            if i > 0 { text += "," }
            text += #"{"kind": "ConfigMap", "metadata": {"name": "cm\#(i)"}, "data": {"k": "v"}}"#
        }
        text += #"], "kind": "List"}"#
        var names: [String] = []
        var members: [String] = []
        var largestItemTape = 0
        let wasObject = try JSONReader.streamObject(JSONBuffer(copying: Data(text.utf8)), file: "k.json") { event in
            switch event {
            case .member(let key, _): members.append(key)
            case .item(let index, let value):
                XCTAssertEqual(value.document.rootPath, "$.items[\(index)]")
                XCTAssertEqual(value["metadata"]?["name"]?.path, "$.items[\(index)].metadata.name")
                largestItemTape = max(largestItemTape, value.document.nodeCount)
                names.append(value["metadata"]?["name"]?.stringValue ?? "")
            }
        }
        XCTAssertTrue(wasObject)
        XCTAssertEqual(members, ["apiVersion", "kind"])
        XCTAssertEqual(names.count, 500)
        XCTAssertEqual(names.last, "cm499")
        // Each item is its own small document, not a slice of one tree of the whole list.
        XCTAssertEqual(largestItemTape, 11)
    }

    func testStreamingReportsSyntaxErrorsWithItemPath() {
        let text = #"{"items": [{"a": 1}, {"a": [1,]}]}"#
        XCTAssertThrowsError(try JSONReader.streamObject(JSONBuffer(copying: Data(text.utf8)), file: "k.json") { _ in }) { error in
            let e = error as! ImportError
            XCTAssertEqual(e.file, "k.json")
            XCTAssertEqual(e.path, "$.items[1].a[1]")
        }
    }

    func testStreamingDeepNestingInsideItems() {
        let text = #"{"items": ["# + String(repeating: "[", count: 5000)
        XCTAssertThrowsError(try JSONReader.streamObject(JSONBuffer(copying: Data(text.utf8)), file: "k.json") { _ in }) { error in
            XCTAssertTrue((error as! ImportError).message.contains("nesting deeper than 1000"))
        }
    }
}
