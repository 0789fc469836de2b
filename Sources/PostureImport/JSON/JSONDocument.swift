import Foundation

public enum JSONKind: UInt8, Sendable {
    case null, bool, number, string, array, object
}

/// One entry of the flat node tape (16 bytes).
///
/// Scalars: `a..<b` is the byte range of the token (strings without their quotes).
/// Containers: `a` is the element/member count, `b` the tape index just past the last descendant,
/// so a whole subtree is skipped in O(1). Object members are a key (string) node followed by its value.
@usableFromInline
struct TapeNode: Sendable {
    @usableFromInline var kind: JSONKind
    /// bool: 1 = true. string: 1 = contains escapes. number: 1 = integer grammar (no `.`/`e`).
    @usableFromInline var flags: UInt8
    @usableFromInline var parent: UInt32
    @usableFromInline var a: UInt32
    @usableFromInline var b: UInt32
    static let noParent = UInt32.max
}

/// A parsed JSON document: the bytes plus a flat tape of nodes. Read through `root`.
public final class JSONDocument: Sendable {
    public let buffer: JSONBuffer
    let tape: [TapeNode]
    /// File name used in errors.
    public let file: String
    /// JSON path of this document's root inside the file (`$`, or `$.items[12]` for a streamed item).
    public let rootPath: String

    /// File offset of `buffer`'s first byte: 0, or where a streamed item's copy was cut from.
    let baseOffset: Int

    init(buffer: JSONBuffer, tape: [TapeNode], file: String, rootPath: String, baseOffset: Int = 0) {
        self.buffer = buffer; self.tape = tape; self.file = file; self.rootPath = rootPath; self.baseOffset = baseOffset
    }

    public var root: JSONNode { JSONNode(document: self, index: 0) }
    /// Number of nodes (values and keys) in the document.
    public var nodeCount: Int { tape.count }
}

/// A view of one value inside a `JSONDocument`. Cheap to copy; keeps the document alive.
public struct JSONNode: Sendable {
    public let document: JSONDocument
    public let index: Int

    @inline(__always) var node: TapeNode { document.tape[index] }

    public var kind: JSONKind { node.kind }
    public var isNull: Bool { node.kind == .null }
    public var isObject: Bool { node.kind == .object }
    public var isArray: Bool { node.kind == .array }

    public var boolValue: Bool? { node.kind == .bool ? node.flags == 1 : nil }

    public var stringValue: String? {
        let n = node
        guard n.kind == .string else { return nil }
        return JSONNode.decodeString(document.buffer.bytes, n)
    }

    /// The number exactly as written in the document.
    public var numberText: String? {
        let n = node
        guard n.kind == .number else { return nil }
        return String(decoding: UnsafeRawBufferPointer(rebasing: document.buffer.bytes[Int(n.a)..<Int(n.b)]), as: UTF8.self)
    }

    /// The number as an `Int` when it is integral and in range; nil otherwise (never traps).
    public var intValue: Int? {
        let n = node
        guard n.kind == .number else { return nil }
        if n.flags == 1 {
            let bytes = document.buffer.bytes
            var i = Int(n.a)
            let end = Int(n.b)
            let negative = bytes[i] == UInt8(ascii: "-")
            if negative { i += 1 }
            var value = 0
            while i < end {
                let digit = Int(bytes[i] &- 48)
                let (m, o1) = value.multipliedReportingOverflow(by: 10)
                let (s, o2) = negative ? m.subtractingReportingOverflow(digit) : m.addingReportingOverflow(digit)
                if o1 || o2 { return nil }
                value = s
                i += 1
            }
            return value
        }
        guard let d = doubleValue, d.rounded() == d, d >= -9.2e18, d <= 9.2e18 else { return nil }
        return Int(d)
    }

    /// The number as a finite `Double`; nil when out of range.
    public var doubleValue: Double? {
        guard let text = numberText, let d = Double(text), d.isFinite else { return nil }
        return d
    }

    /// Elements of an array or members of an object; 0 for scalars.
    public var count: Int {
        let n = node
        return (n.kind == .array || n.kind == .object) ? Int(n.a) : 0
    }

    @inline(__always) func nextSibling(_ i: Int) -> Int {
        let n = document.tape[i]
        return (n.kind == .array || n.kind == .object) ? Int(n.b) : i + 1
    }

    /// Array elements (empty for non-arrays).
    public var elements: [JSONNode] {
        let n = node
        guard n.kind == .array else { return [] }
        var out: [JSONNode] = []
        out.reserveCapacity(Int(n.a))
        var i = index + 1
        for _ in 0..<Int(n.a) {
            out.append(JSONNode(document: document, index: i))
            i = nextSibling(i)
        }
        return out
    }

    public subscript(position: Int) -> JSONNode? {
        let n = node
        guard n.kind == .array, position >= 0, position < Int(n.a) else { return nil }
        var i = index + 1
        for _ in 0..<position { i = nextSibling(i) }
        return JSONNode(document: document, index: i)
    }

    /// Object members in document order (duplicates included; lookups use the last one).
    public var members: [(key: String, value: JSONNode)] {
        var out: [(key: String, value: JSONNode)] = []
        forEachMember { k, v in out.append((k.stringValue ?? "", v)) }
        return out
    }

    /// Calls `body` with each member's key node and value node, without decoding keys.
    @inline(__always)
    public func forEachMember(_ body: (JSONNode, JSONNode) throws -> Void) rethrows {
        let n = node
        guard n.kind == .object else { return }
        var i = index + 1
        for _ in 0..<Int(n.a) {
            try body(JSONNode(document: document, index: i), JSONNode(document: document, index: i + 1))
            i = nextSibling(i + 1)
        }
    }

    /// Case-insensitive (ASCII) member lookup; when a key repeats, the last one wins.
    public subscript(key: String) -> JSONNode? {
        var key = key
        return key.withUTF8 { member(caseInsensitive: $0) }
    }

    func member(caseInsensitive query: UnsafeBufferPointer<UInt8>) -> JSONNode? {
        let tape = document.tape
        let n = tape[index]
        guard n.kind == .object else { return nil }
        let bytes = document.buffer.bytes
        var found = -1
        var i = index + 1
        for _ in 0..<Int(n.a) {
            let k = tape[i]
            if k.flags == 0 {
                if Int(k.b - k.a) == query.count && JSONNode.asciiCaseInsensitiveEqual(bytes, Int(k.a), query) {
                    found = i + 1
                }
            } else if let decoded = JSONNode.decodeString(bytes, k), decoded.lowercased() == String(decoding: query, as: UTF8.self).lowercased() {
                found = i + 1
            }
            let v = tape[i + 1]
            i = (v.kind == .array || v.kind == .object) ? Int(v.b) : i + 2
        }
        return found < 0 ? nil : JSONNode(document: document, index: found)
    }

    @inline(__always)
    static func asciiCaseInsensitiveEqual(_ bytes: UnsafeRawBufferPointer, _ start: Int, _ query: UnsafeBufferPointer<UInt8>) -> Bool {
        for j in 0..<query.count {
            var x = bytes[start + j], y = query[j]
            if x == y { continue }
            if x &- 65 < 26 { x |= 0x20 }
            if y &- 65 < 26 { y |= 0x20 }
            if x != y { return false }
        }
        return true
    }

    /// Exact (case-sensitive) comparison of a string node with `text`.
    func stringEquals(_ text: String) -> Bool {
        let n = node
        guard n.kind == .string else { return false }
        if n.flags != 0 { return stringValue == text }
        var text = text
        return text.withUTF8 { q in
            guard q.count == Int(n.b - n.a) else { return false }
            let bytes = document.buffer.bytes
            for j in 0..<q.count where bytes[Int(n.a) + j] != q[j] { return false }
            return true
        }
    }

    /// JSON path of this node, e.g. `$.items[12].metadata.name`.
    public var path: String {
        var components: [String] = []
        var i = index
        let tape = document.tape
        while tape[i].parent != TapeNode.noParent {
            let p = Int(tape[i].parent)
            if tape[p].kind == .object {
                let key = JSONNode.decodeString(document.buffer.bytes, tape[i - 1]) ?? ""
                components.append(JSONPath.keyComponent(key))
            } else {
                var j = p + 1, position = 0
                while j < i { j = nextSibling(j); position += 1 }
                components.append("[\(position)]")
            }
            i = p
        }
        return document.rootPath + components.reversed().joined()
    }

    /// Path of a member of this object that may not exist (for "missing field" errors).
    public func path(appending key: String) -> String { path + JSONPath.keyComponent(key) }

    /// Byte offset in the file of the value's first byte (strings: after the opening quote).
    public var byteOffset: Int {
        let n = node
        switch n.kind {
        case .string, .number: return document.baseOffset + Int(n.a)
        default: return -1
        }
    }

    /// A short word for errors: "an object", "a string", ….
    public var kindDescription: String {
        switch node.kind {
        case .null: "null"
        case .bool: "a boolean"
        case .number: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }

    /// The value as a standalone tree. Bounded by the parser's maximum depth.
    public func materialize() -> JSONValue {
        switch node.kind {
        case .null: return .null
        case .bool: return .bool(node.flags == 1)
        case .number: return .number(numberText ?? "0")
        case .string: return .string(stringValue ?? "")
        case .array: return .array(elements.map { $0.materialize() })
        case .object:
            var members: [JSONValue.Member] = []
            members.reserveCapacity(count)
            forEachMember { k, v in members.append(JSONValue.Member(key: k.stringValue ?? "", value: v.materialize())) }
            return .object(members)
        }
    }

    /// A string token's bytes (without quotes) as text; `escaped` when it contains escapes.
    static func decodeString(_ slice: UnsafeRawBufferPointer, escaped: Bool) -> String {
        escaped ? String(decoding: JSONUnescape.unescape(slice), as: UTF8.self) : String(decoding: slice, as: UTF8.self)
    }

    static func decodeString(_ bytes: UnsafeRawBufferPointer, _ n: TapeNode) -> String? {
        guard n.kind == .string else { return nil }
        let slice = UnsafeRawBufferPointer(rebasing: bytes[Int(n.a)..<Int(n.b)])
        if n.flags == 0 { return String(decoding: slice, as: UTF8.self) }
        return String(decoding: JSONUnescape.unescape(slice), as: UTF8.self)
    }
}

/// A materialized JSON value (ordered members; numbers keep their text).
public indirect enum JSONValue: Sendable, Hashable {
    public struct Member: Sendable, Hashable {
        public var key: String
        public var value: JSONValue
        public init(key: String, value: JSONValue) { self.key = key; self.value = value }
    }
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSONValue])
    case object([Member])

    /// Case-insensitive member lookup; the last duplicate wins.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        let k = key.lowercased()
        return members.last { $0.key.lowercased() == k }?.value
    }
    public var intValue: Int? { if case .number(let t) = self { return Int(t) } else { return nil } }
    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
}

enum JSONPath {
    static func keyComponent(_ key: String) -> String {
        var simple = !key.isEmpty
        for (offset, u) in key.utf8.enumerated() {
            let isLetter = (u | 0x20) >= 97 && (u | 0x20) <= 122
            let isDigit = u >= 48 && u <= 57
            if !(isLetter || u == 95 || (offset > 0 && isDigit)) { simple = false; break }
        }
        if simple { return "." + key }
        var escaped = ""
        for ch in key.unicodeScalars {
            switch ch {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            default:
                if ch.value < 0x20 { escaped += String(format: "\\u%04x", ch.value) } else { escaped.unicodeScalars.append(ch) }
            }
        }
        return "[\"" + escaped + "\"]"
    }
}

enum JSONUnescape {
    /// Decodes escapes of a string token already validated by the parser.
    static func unescape(_ s: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            let c = s[i]
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            let e = s[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(s, i)
                i += 4
                if scalar >= 0xD800 && scalar < 0xDC00 {
                    let low = hex4(s, i + 2)
                    i += 6
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                }
                appendUTF8(&out, scalar)
            default: out.append(e) // " \ /
            }
        }
        return out
    }

    static func hex4(_ s: UnsafeRawBufferPointer, _ i: Int) -> UInt32 {
        var v: UInt32 = 0
        for j in 0..<4 { v = v << 4 | UInt32(hexValue(s[i + j])) }
        return v
    }

    @inline(__always) static func hexValue(_ c: UInt8) -> UInt8 {
        switch c {
        case 48...57: return c - 48
        case 65...70: return c - 55
        case 97...102: return c - 87
        default: return 0xFF
        }
    }

    static func appendUTF8(_ out: inout [UInt8], _ v: UInt32) {
        switch v {
        case ..<0x80: out.append(UInt8(v))
        case ..<0x800:
            out.append(UInt8(0xC0 | (v >> 6))); out.append(UInt8(0x80 | (v & 0x3F)))
        case ..<0x10000:
            out.append(UInt8(0xE0 | (v >> 12))); out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        default:
            out.append(UInt8(0xF0 | (v >> 18))); out.append(UInt8(0x80 | ((v >> 12) & 0x3F)))
            out.append(UInt8(0x80 | ((v >> 6) & 0x3F))); out.append(UInt8(0x80 | (v & 0x3F)))
        }
    }
}
