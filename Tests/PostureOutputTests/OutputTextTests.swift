@testable import PostureOutput
import XCTest

final class OutputTextTests: XCTestCase {
    func testSanitizeMakesUnsafeScalarsVisible() {
        XCTAssertEqual(OutputText.sanitize("plain"), "plain")
        XCTAssertEqual(OutputText.sanitize("a\u{1B}[2Jb\u{7F}\u{9B}\u{202E}\u{200B}\n"), "a␛[2Jb␡��� ␊".replacingOccurrences(of: " ", with: ""))
        XCTAssertEqual(OutputText.sanitize("日本 ✓"), "日本 ✓")
    }

    func testSHA256KnownVectors() {
        XCTAssertEqual(SHA256Digest.hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256Digest.hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256Digest.hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        XCTAssertEqual(SHA256Digest.hex(String(repeating: "a", count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testJSONIsSortedAndEscaped() {
        let v: JSONValue = ["b": 1, "a": ["x\n\"\u{1}", .double(0.5), .double(2), .null, true], "A": [:]]
        XCTAssertEqual(v.serialized(), """
        {
          "A": {},
          "a": [
            "x\\n\\"\\u0001",
            0.5,
            2,
            null,
            true
          ],
          "b": 1
        }

        """)
    }

    func testNumberFormatting() {
        XCTAssertEqual(OutputText.number(87.5), "87.5")
        XCTAssertEqual(OutputText.number(90), "90")
        XCTAssertEqual(OutputText.number(66.666), "66.7")
        XCTAssertEqual(OutputText.number(-0.01), "0")
        XCTAssertEqual(PrometheusReport.value(0.5), "0.5")
        XCTAssertEqual(PrometheusReport.value(1795914000), "1795914000")
    }
}

final class PythonValidatorTests: XCTestCase {
    func testMissingModuleSkipsWithPipLine() throws {
        XCTAssertThrowsError(try PythonValidator.require(modules: ["aksposture_no_such_module"], pip: "aksposture-no-such-module")) { error in
            XCTAssertTrue(error is XCTSkip, "\(error)")
            XCTAssertTrue("\(error)".contains("pip install aksposture-no-such-module"), "\(error)")
        }
    }
}
