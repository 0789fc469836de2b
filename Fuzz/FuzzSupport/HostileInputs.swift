import Foundation

/// The hostile inputs the issue lists, built in code (nothing large is stored in the repository).
public enum HostileInputs {
    public enum Expectation: Sendable, Equatable {
        case imported
        /// Rejected, with a path starting with `pathPrefix` and a message containing `fragment`
        /// (case-insensitive).
        case rejected(pathPrefix: String, fragment: String)
        /// Either, as long as the contract holds (e.g. the importer may skip a null element).
        case either
    }

    public struct Case: Sendable {
        public var name: String
        public var data: Data
        public var expectation: Expectation
        public init(name: String, data: Data, expectation: Expectation) {
            self.name = name; self.data = data; self.expectation = expectation
        }
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    /// `pattern` repeated `count` times, built with memcpy so a debug build makes megabytes fast.
    static func repeated(_ pattern: String, _ count: Int) -> [UInt8] {
        let p = bytes(pattern)
        return [UInt8](unsafeUninitializedCapacity: p.count * count) { buffer, initialized in
            p.withUnsafeBytes { src in
                for i in 0..<count { UnsafeMutableRawPointer(buffer.baseAddress! + i * p.count).copyMemory(from: src.baseAddress!, byteCount: p.count) }
            }
            initialized = p.count * count
        }
    }

    // Built once per process: the large inputs are the same for every entry.
    static let tenMB = repeated("a", 10 * 1024 * 1024)
    static let tenMBEscapes = repeated("\\n", 5 * 1024 * 1024)
    static let millionZeros = bytes("[") + repeated("0,", 999_999) + bytes("0]")
    static let millionNulls = bytes("[") + repeated("null,", 999_999) + bytes("null]")
    static let millionObjects = bytes("[") + repeated("{},", 999_999) + bytes("{}]")
    static let deepArrays = repeated("[", 100_000) + repeated("]", 100_000)
    static let deepObjects = repeated("{\"a\":", 100_000) + bytes("1") + repeated("}", 100_000)

    /// A minimal valid document for `entry`, with `value` (raw JSON bytes) planted in a field
    /// that is read and kept (a name).
    public static func document(_ entry: ImportEntry, nameValue value: [UInt8]) -> [UInt8] {
        switch entry {
        case .cluster, .bundle:
            return bytes(#"{"id": "/subscriptions/0/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/c", "location": "westeurope", "name": "#) + value + bytes(#", "properties": {"kubernetesVersion": "1.31"}}"#)
        case .kubernetes, .kubernetesFile, .kubernetesScrub:
            return bytes(#"{"apiVersion": "v1", "kind": "List", "items": [{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "default", "name": "#) + value + bytes(#"}}]}"#)
        default:
            return bytes(#"[{"id": "/subscriptions/0/resourceGroups/rg/providers/X/y/z", "name": "#) + value + bytes(#", "properties": {}}]"#)
        }
    }

    /// The document entry's hostile cases (for `.bundle`, wrap them with `bundleCases`).
    public static func cases(for entry: ImportEntry) -> [Case] {
        var result: [Case] = []
        func add(_ name: String, _ b: [UInt8], _ e: Expectation) { result.append(Case(name: name, data: Data(b), expectation: e)) }
        let valid = document(entry, nameValue: bytes("\"plain\""))
        add("valid baseline", valid, .imported)

        // Truncated files: every prefix length class, including inside a string and a number.
        for cut in Set([0, 1, valid.count / 3, valid.count / 2, valid.count - 2, valid.count - 1]) where cut < valid.count {
            add("truncated at \(cut) of \(valid.count)", Array(valid.prefix(cut)), .rejected(pathPrefix: "$", fragment: cut == 0 ? "" : "truncated"))
        }
        add("empty file", [], .rejected(pathPrefix: "$", fragment: ""))
        add("only whitespace", bytes("  \n\t "), .rejected(pathPrefix: "$", fragment: ""))

        // Invalid UTF-8 in a string value.
        for (label, seq) in [("lone 0xFF", [UInt8(0xFF)]), ("overlong slash", [0xC0, 0xAF]), ("UTF-16 surrogate", [0xED, 0xA0, 0x80]),
                             ("cut multibyte", [0xE2, 0x82]), ("above U+10FFFF", [0xF4, 0x90, 0x80, 0x80]), ("continuation only", [0x80])] as [(String, [UInt8])] {
            add("invalid UTF-8 (\(label)) in a name", document(entry, nameValue: [0x22] + bytes("ab") + seq + bytes("cd") + [0x22]),
                .rejected(pathPrefix: "$", fragment: "UTF-8"))
        }
        add("invalid UTF-8 in a member name", bytes("{\"na") + [0xFF] + bytes("me\": 1}"), .rejected(pathPrefix: "$", fragment: "UTF-8"))
        add("lone surrogate escape", document(entry, nameValue: bytes(#""\ud800x""#)), .rejected(pathPrefix: "$", fragment: "surrogate"))

        // UTF-8 byte order mark.
        add("UTF-8 BOM before the document", [0xEF, 0xBB, 0xBF] + valid, .imported)
        add("two BOMs", [0xEF, 0xBB, 0xBF, 0xEF, 0xBB, 0xBF] + valid, .rejected(pathPrefix: "$", fragment: ""))
        add("BOM after the document", valid + [0xEF, 0xBB, 0xBF], .rejected(pathPrefix: "$", fragment: "after the end"))

        // NUL bytes.
        add("NUL before the document", [0x00] + valid, .rejected(pathPrefix: "$", fragment: ""))
        add("NUL after the document", valid + [0x00], .rejected(pathPrefix: "$", fragment: "after the end"))
        add("raw NUL inside a string", document(entry, nameValue: bytes("\"a") + [0x00] + bytes("b\"")), .rejected(pathPrefix: "$", fragment: "NUL"))
        add("escaped NUL inside a string", document(entry, nameValue: bytes(#""a\u0000b""#)), .either)

        // Duplicate keys: last wins (documented in JSONReaderTests); must not crash or mix values.
        add("duplicate name keys", document(entry, nameValue: bytes(#""first", "name": "second""#)), .imported)
        add("duplicate object and null", document(entry, nameValue: bytes(#""x", "properties": {}, "properties": null"#)), .either)

        // Numbers out of range where a number is expected, and numbers as names.
        for number in ["1e999", "-1e999", "123456789012345678901234567890", "-9223372036854775809", "1.5", "-0", "0.0000000000000000000001e-400"] {
            add("number \(number) as a name", document(entry, nameValue: bytes(number)), .either)
        }
        for bad in ["NaN", "Infinity", "-Infinity", "01", "1.", ".5", "+1", "0x10", "1e", "--1"] {
            add("invalid number \(bad)", document(entry, nameValue: bytes(bad)), .rejected(pathPrefix: "$", fragment: ""))
        }

        // A 10 MB string, as a value and as a member name.
        add("10 MB string as a name", document(entry, nameValue: [0x22] + tenMB + [0x22]), .either)
        add("10 MB member name", bytes("{\"") + tenMB + bytes("\": 1}"), .either)
        add("10 MB string of escapes", document(entry, nameValue: [0x22] + tenMBEscapes + [0x22]), .either)

        // Arrays of a million elements.
        add("a million numbers", millionZeros, .either)
        add("a million nulls", millionNulls, .either)
        add("a million empty objects", millionObjects, .either)
        add("a million numbers under value", bytes("{\"value\": ") + millionZeros + bytes("}"), .either)
        add("a million numbers under items", bytes("{\"kind\": \"List\", \"items\": ") + millionZeros + bytes("}"), .either)
        add("a million nulls under items", bytes("{\"items\": ") + millionNulls + bytes(", \"kind\": \"List\"}"), .either)
        add("a million kindless objects under items", bytes("{\"items\": ") + millionObjects + bytes(", \"kind\": \"List\"}"), .either)
        add("a million numbers as a name", document(entry, nameValue: millionZeros), .either)

        // Nesting 100,000 levels deep: arrays, objects, closed and unclosed, and inside items.
        add("100,000 nested arrays", deepArrays, .rejected(pathPrefix: "$", fragment: "nest"))
        add("100,000 nested objects", deepObjects, .rejected(pathPrefix: "$", fragment: "nest"))
        add("100,000 unclosed arrays", repeated("[", 100_000), .rejected(pathPrefix: "$", fragment: ""))
        add("100,000 nested arrays as a name", document(entry, nameValue: deepArrays), .rejected(pathPrefix: "$", fragment: "nest"))
        add("100,000 nested arrays under items", bytes("{\"kind\": \"List\", \"items\": [") + deepArrays + bytes("]}"), .rejected(pathPrefix: "$", fragment: "nest"))

        // Wrong shapes.
        for shape in ["null", "true", "0", "\"text\"", "[]", "{}", "[[]]", "{\"value\": {}}", "{\"items\": 7}", "{\"properties\": []}"] {
            add("shape \(shape)", bytes(shape), .either)
        }
        return result
    }
}
