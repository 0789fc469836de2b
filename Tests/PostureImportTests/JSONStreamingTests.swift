import Foundation
import XCTest
import PostureModel
@testable import PostureImport

/// The file window (`JSONReader.streamObject(_: JSONFile…)`) against the whole-buffer parse: the
/// window may end inside any token, so every document here is streamed through windows of a few
/// bytes and must give exactly the events, values, byte offsets and errors of the buffer.
final class JSONStreamingTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-stream-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: directory)
    }

    /// Every token kind, including the ones the end of a window can cut: escapes, a surrogate pair
    /// (12 bytes), multi-byte UTF-8, literals, numbers at the end of an item, keys with escapes.
    private static let list = "\u{FEFF}" + #"""
    {"apiVersion": "v1", "items": [
      {"kind": "ConfigMap", "metadata": {"name": "cm-\u00e9\ud83d\ude00", "k\u0065y": "ü€😀"},
       "data": {"n": -12.5e+3, "t": true, "f": false, "z": null, "e": [], "o": {}, "deep": [[[1], {"x": "\"\\\/"}]]}},
      12345678, "plain", null, true, -0.25,
      {"kind": "Secret", "metadata": {"name": "s"}}
    ], "kind": "List", "metadata": {"resourceVersion": ""}}
    """#

    private func write(_ bytes: [UInt8], name: String = "k.json") throws -> URL {
        let url = directory.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url
    }

    /// Everything a consumer can observe of a stream: events, materialized values, document root
    /// paths, node paths and byte offsets of every scalar — or the error.
    private func transcript(_ run: ((JSONReader.StreamEvent) throws -> Void) throws -> Bool) -> [String] {
        var out: [String] = []
        func walk(_ node: JSONNode) {
            switch node.kind {
            case .array: node.elements.forEach(walk)
            case .object: node.forEachMember { _, v in walk(v) }
            default: out.append("  \(node.path) @\(node.byteOffset) \(node.materialize())")
            }
        }
        do {
            let wasObject = try run { event in
                switch event {
                case .member(let key, let value):
                    out.append("member \(key) \(value.document.rootPath) \(value.materialize())")
                    walk(value)
                case .item(let index, let value):
                    out.append("item \(index) \(value.document.rootPath) \(value.materialize())")
                    walk(value)
                }
            }
            out.append("object: \(wasObject)")
        } catch let e as ImportError {
            out.append("error \(e.file) \(e.path) \(e.message) \(e.byteOffset.map(String.init) ?? "-")")
        } catch {
            out.append("other error \(error)")
        }
        return out
    }

    private func bufferTranscript(_ bytes: [UInt8], maxValueSpan: Int = JSONReader.maxValueSpan) -> [String] {
        transcript { try JSONReader.streamObject(JSONBuffer(copying: bytes), file: "k.json", maxValueSpan: maxValueSpan, $0) }
    }

    private func fileTranscript(_ url: URL, window: Int, maxValueSpan: Int = JSONReader.maxValueSpan) -> [String] {
        transcript { body in
            let file = try JSONFile(contentsOf: url, displayName: "k.json")
            return try JSONReader.streamObject(file, windowCapacity: window, maxValueSpan: maxValueSpan, body)
        }
    }

    private let windows = [1, 2, 3, 5, 8, 13, 64, 4096]

    func testTinyWindowsGiveTheBufferResult() throws {
        let bytes = Array(Self.list.utf8)
        let expected = bufferTranscript(bytes)
        XCTAssertEqual(expected.last, "object: true")
        XCTAssertTrue(expected.contains { $0.hasPrefix("item 6 $.items[6]") }, expected.joined(separator: "\n"))
        let url = try write(bytes)
        for window in windows {
            XCTAssertEqual(fileTranscript(url, window: window), expected, "window \(window)")
        }
    }

    /// A number is the one token that ends without a delimiter of its own: a window ending inside
    /// one must not hand over its first digits as the whole value.
    func testNumbersCutByTheWindowAreReadWhole() throws {
        let bytes = Array(#"{"a": 1234567890, "items": [1234567, 98765.4321e-3, {"n": 123456789}, -7], "b": -42}"#.utf8)
        let expected = bufferTranscript(bytes)
        XCTAssertTrue(expected.contains("item 0 $.items[0] number(\"1234567\")"), expected.joined(separator: "\n"))
        let url = try write(bytes)
        for window in 1...24 {
            XCTAssertEqual(fileTranscript(url, window: window), expected, "window \(window)")
        }
    }

    func testByteOffsetsAreFileOffsets() throws {
        let bytes = Array(Self.list.utf8)
        let url = try write(bytes)
        var offsets: [Int: String] = [:]
        let file = try JSONFile(contentsOf: url, displayName: "k.json")
        _ = try JSONReader.streamObject(file, windowCapacity: 16, maxValueSpan: JSONReader.maxValueSpan) { event in
            guard case .item(_, let value) = event, let name = value["metadata"]?["name"] else { return }
            offsets[name.byteOffset] = name.stringValue
        }
        XCTAssertEqual(offsets.count, 2)
        for (offset, name) in offsets {
            // The offset points at the token in the file, whatever the window held then.
            let token = String(decoding: bytes[offset..<offset + 1], as: UTF8.self)
            XCTAssertEqual(token, String(name.prefix(1)))
        }
        XCTAssertEqual(file.byteCount, bytes.count)
    }

    func testEveryTruncationGivesTheBufferError() throws {
        let bytes = Array(Self.list.utf8)
        for length in 0..<bytes.count {
            let prefix = Array(bytes[0..<length])
            let expected = bufferTranscript(prefix)
            let url = try write(prefix)
            for window in [1, 3, 7, 64] {
                XCTAssertEqual(fileTranscript(url, window: window), expected, "length \(length), window \(window)")
            }
        }
    }

    func testHostileBytesAtEveryPositionGiveTheBufferError() throws {
        let bytes = Array(Self.list.utf8)
        // NUL, invalid UTF-8, a stray quote, a closing bracket, a raw control character, a digit.
        for replacement: UInt8 in [0x00, 0xFF, 0xC3, 0x22, 0x5D, 0x0A, 0x31] {
            for position in stride(from: 0, to: bytes.count, by: 3) {
                var mutated = bytes
                mutated[position] = replacement
                let expected = bufferTranscript(mutated)
                let url = try write(mutated)
                for window in [2, 5] {
                    XCTAssertEqual(fileTranscript(url, window: window), expected, "byte 0x\(String(replacement, radix: 16)) at \(position), window \(window)")
                }
            }
        }
    }

    func testDeepNestingAndLongWhitespaceAcrossWindows() throws {
        let deep = Array((#"{"items": ["# + String(repeating: "[", count: 100_000)).utf8)
        let deepURL = try write(deep, name: "deep.json")
        let deepError = fileTranscript(deepURL, window: 64)
        XCTAssertEqual(deepError, bufferTranscript(deep))
        XCTAssertTrue(deepError.last?.contains("nesting deeper than 1000") ?? false, deepError.joined())

        // Whitespace runs far longer than the window between every token.
        let gap = String(repeating: " ", count: 300)
        let spaced = Array((gap + "{" + gap + #""items""# + gap + ":" + gap + "[" + gap + "1" + gap + "," + gap + #"{"a":"b"}"# + gap + "]" + gap + "}" + gap).utf8)
        let spacedURL = try write(spaced, name: "spaced.json")
        let expected = bufferTranscript(spaced)
        XCTAssertEqual(expected.last, "object: true")
        XCTAssertEqual(fileTranscript(spacedURL, window: 16), expected)
    }

    /// The 4 GiB limit belongs to one value, not to the file: with the limit set to 200 bytes, a
    /// list many times longer streams (offsets past the limit are right), and only an item longer
    /// than the limit is refused, by its path.
    func testValueLimitAppliesToItemsNotToTheFile() throws {
        var text = #"{"kind": "List", "items": ["#
        for i in 0..<100 {
            if i > 0 { text += ", " }
            text += #"{"kind": "ConfigMap", "metadata": {"name": "cm\#(i)"}}"#
        }
        text += "]}"
        let bytes = Array(text.utf8)
        XCTAssertGreaterThan(bytes.count, 20 * 200)
        let unlimited = bufferTranscript(bytes)
        XCTAssertEqual(unlimited.last, "object: true")
        // A buffer longer than the limit is cut into per-item copies, like a file.
        XCTAssertEqual(bufferTranscript(bytes, maxValueSpan: 200), unlimited)
        let url = try write(bytes)
        for window in [8, 64, 4096] {
            XCTAssertEqual(fileTranscript(url, window: window, maxValueSpan: 200), unlimited, "window \(window)")
        }

        let long = #"{"kind": "List", "items": [{"kind": "ConfigMap"}, {"kind": "ConfigMap", "data": {"big": ""# + String(repeating: "x", count: 300) + #""}}]}"#
        let longBytes = Array(long.utf8)
        let longURL = try write(longBytes, name: "long.json")
        for transcript in [bufferTranscript(longBytes, maxValueSpan: 200), fileTranscript(longURL, window: 8, maxValueSpan: 200),
                           fileTranscript(longURL, window: 4096, maxValueSpan: 200)] {
            XCTAssertTrue(transcript.contains { $0.hasPrefix("item 0 $.items[0]") }, transcript.joined(separator: "\n"))
            let last = try XCTUnwrap(transcript.last)
            XCTAssertTrue(last.hasPrefix("error k.json $.items[1]"), last)
            XCTAssertTrue(last.contains("value too large: one JSON value longer than 200 bytes"), last)
        }
    }

    /// The bundle loader streams kubernetes.json: a List, a bare array and a single object
    /// (both read whole after the stream finds no List) give the objects and the byte count once.
    func testBundleStreamsKubernetesFileInEveryShape() throws {
        let shapes = [
            "list": #"{"kind": "List", "items": [{"kind": "Namespace", "metadata": {"name": "a"}}, {"kind": "Namespace", "metadata": {"name": "b"}}]}"#,
            "array": #"[{"kind": "Namespace", "metadata": {"name": "a"}}, {"kind": "Namespace", "metadata": {"name": "b"}}]"#,
            "object": #"{"kind": "Namespace", "metadata": {"name": "a"}}"#,
        ]
        for (name, kubernetes) in shapes {
            let bundle = directory.appendingPathComponent(name, isDirectory: true)
            try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
            try Data(Fixtures.clusterREST.utf8).write(to: bundle.appendingPathComponent("cluster.json"))
            try Data(kubernetes.utf8).write(to: bundle.appendingPathComponent("kubernetes.json"))
            let snapshot = try BundleImporter().load(bundle: bundle)
            XCTAssertEqual(snapshot.collection.rawBytes, Fixtures.clusterREST.utf8.count + kubernetes.utf8.count, name)
            var inventory = KubernetesInventory()
            try DocumentImporter.kubernetes(from: Data(kubernetes.utf8), file: "\(name)/kubernetes.json", into: &inventory)
            XCTAssertEqual(snapshot.kubernetes, inventory, name)
            XCTAssertEqual(snapshot.kubernetes?.namespaces.count, name == "object" ? 1 : 2, name)
        }
    }

    func testStreamedFileErrorsNameTheBundleFileAndPath() throws {
        let bundle = directory.appendingPathComponent("bad", isDirectory: true)
        try FileManager.default.createDirectory(at: bundle, withIntermediateDirectories: true)
        try Data(Fixtures.clusterREST.utf8).write(to: bundle.appendingPathComponent("cluster.json"))
        try Data(#"{"kind": "List", "items": [{"kind": "Namespace", "metadata": {"name": "a"}}, {"kind": "Namespace", "metadata": {"name": "b\#u{0}"}}]}"#.utf8)
            .write(to: bundle.appendingPathComponent("kubernetes.json"))
        XCTAssertThrowsError(try BundleImporter().load(bundle: bundle)) { error in
            guard let e = error as? ImportError else { return XCTFail("\(error)") }
            XCTAssertEqual(e.file, "bad/kubernetes.json")
            XCTAssertEqual(e.path, "$.items[1].metadata.name")
            XCTAssertTrue(e.message.contains("NUL byte in string"), e.message)
        }
    }
}
