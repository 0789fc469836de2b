import Foundation

/// Strict RFC 8259 reader producing a flat node tape.
///
/// Iterative (an explicit frame stack, never recursion), so hostile nesting cannot overflow the
/// call stack; nesting beyond `maxDepth` is an error. Strings are validated (UTF-8, escapes,
/// surrogate pairs, no raw control characters) while scanning and decoded only on demand.
public enum JSONReader {
    public static let defaultMaxDepth = 1_000

    /// Parses one complete document. A UTF-8 BOM is skipped; anything but whitespace after the
    /// value is an error.
    public static func parse(_ buffer: JSONBuffer, file: String, maxDepth: Int = defaultMaxDepth) throws -> JSONDocument {
        var parser = try JSONParser(buffer: buffer, file: file, maxDepth: maxDepth)
        parser.skipBOM()
        let tape = try parser.parseValue(rootPath: "$", depthOffset: 0)
        parser.skipWhitespace()
        if parser.pos < parser.end {
            throw parser.error("unexpected \(parser.describeByte(parser.pos)) after the end of the document", rootPath: "$")
        }
        return JSONDocument(buffer: buffer, tape: tape, file: file, rootPath: "$")
    }

    public static func parse(_ data: Data, file: String, maxDepth: Int = defaultMaxDepth) throws -> JSONDocument {
        try parse(JSONBuffer(copying: data), file: file, maxDepth: maxDepth)
    }

    /// The parts of a top-level object, with the elements of its `items` array handed over one
    /// at a time so a large Kubernetes `List` is never held as one tree.
    public enum StreamEvent {
        /// A top-level member other than `items`, e.g. `kind` or `metadata`.
        case member(key: String, value: JSONNode)
        /// One element of the top-level `items` array; its document's `rootPath` is `$.items[i]`.
        case item(index: Int, value: JSONNode)
    }

    /// Streams a top-level object member by member, `items` element by element. Returns false
    /// without calling `body` when the root is not an object (parse it with `parse` instead).
    /// The whole input is still validated: a syntax error anywhere throws.
    @discardableResult
    public static func streamObject(_ buffer: JSONBuffer, file: String, maxDepth: Int = defaultMaxDepth,
                                    _ body: (StreamEvent) throws -> Void) throws -> Bool {
        var parser = try JSONParser(buffer: buffer, file: file, maxDepth: maxDepth)
        parser.skipBOM()
        parser.skipWhitespace()
        guard parser.pos < parser.end, parser.byte(parser.pos) == UInt8(ascii: "{") else { return false }
        parser.pos += 1
        parser.skipWhitespace()
        if parser.peek() == UInt8(ascii: "}") {
            parser.pos += 1
        } else {
            var itemCapacity = 64
            while true {
                parser.skipWhitespace()
                guard parser.peek() == UInt8(ascii: "\"") else {
                    throw parser.error(parser.pos < parser.end ? "expected a member name, found \(parser.describeByte(parser.pos))" : "truncated input: expected a member name", rootPath: "$")
                }
                let keyStart = parser.pos + 1
                let escaped = try parser.scanString(rootPath: "$")
                let keyNode = TapeNode(kind: .string, flags: escaped ? 1 : 0, parent: TapeNode.noParent,
                                       a: UInt32(keyStart), b: UInt32(parser.pos - 1))
                let key = JSONNode.decodeString(buffer.bytes, keyNode) ?? ""
                let memberPath = "$" + JSONPath.keyComponent(key)
                parser.skipWhitespace()
                guard parser.peek() == UInt8(ascii: ":") else {
                    throw parser.error(parser.pos < parser.end ? "expected ':' after member name, found \(parser.describeByte(parser.pos))" : "truncated input: expected ':'", rootPath: memberPath)
                }
                parser.pos += 1
                parser.skipWhitespace()
                if key.lowercased() == "items" && parser.peek() == UInt8(ascii: "[") {
                    parser.pos += 1
                    parser.skipWhitespace()
                    if parser.peek() == UInt8(ascii: "]") {
                        parser.pos += 1
                    } else {
                        var index = 0
                        while true {
                            let itemPath = "\(memberPath)[\(index)]"
                            parser.reserve = itemCapacity
                            let tape = try parser.parseValue(rootPath: itemPath, depthOffset: 2)
                            // The previous item's size, not a floor of 64: a tape is kept alive as long as its item
                            // (kindless items are buffered until the list's kind is known), and a fixed 1 KB
                            // reserve made a list of a million `{}` (3 MB) hold 1.1 GB.
                            itemCapacity = tape.count
                            let doc = JSONDocument(buffer: buffer, tape: tape, file: file, rootPath: itemPath)
                            try body(.item(index: index, value: doc.root))
                            index += 1
                            parser.skipWhitespace()
                            let c = parser.peek()
                            if c == UInt8(ascii: ",") { parser.pos += 1; continue }
                            if c == UInt8(ascii: "]") { parser.pos += 1; break }
                            throw parser.error(parser.pos < parser.end ? "expected ',' or ']' after array element, found \(parser.describeByte(parser.pos))" : "truncated input: unterminated array", rootPath: memberPath)
                        }
                    }
                } else {
                    parser.reserve = 16
                    let tape = try parser.parseValue(rootPath: memberPath, depthOffset: 1)
                    let doc = JSONDocument(buffer: buffer, tape: tape, file: file, rootPath: memberPath)
                    try body(.member(key: key, value: doc.root))
                }
                parser.skipWhitespace()
                let c = parser.peek()
                if c == UInt8(ascii: ",") { parser.pos += 1; continue }
                if c == UInt8(ascii: "}") { parser.pos += 1; break }
                throw parser.error(parser.pos < parser.end ? "expected ',' or '}' after object member, found \(parser.describeByte(parser.pos))" : "truncated input: unterminated object", rootPath: "$")
            }
        }
        parser.skipWhitespace()
        if parser.pos < parser.end {
            throw parser.error("unexpected \(parser.describeByte(parser.pos)) after the end of the document", rootPath: "$")
        }
        return true
    }
}

struct JSONParser {
    let buffer: JSONBuffer
    let base: UnsafePointer<UInt8>
    let end: Int
    var pos = 0
    let file: String
    let maxDepth: Int
    /// Capacity to reserve for the next tape.
    var reserve = 256

    private struct Frame {
        var node: Int
        var count: Int
        var isObject: Bool
        /// Tape index of the current member's key, -1 while the key is being read.
        var key: Int
    }
    private var frames: [Frame] = []
    private var tape: [TapeNode] = []
    private var rootPath = "$"

    init(buffer: JSONBuffer, file: String, maxDepth: Int) throws {
        self.buffer = buffer
        self.file = file
        self.maxDepth = maxDepth
        guard buffer.count < Int(UInt32.max) else {
            throw ImportError(file: file, path: "$", message: "file too large (\(buffer.count) bytes; the limit is 4 GiB)")
        }
        // An empty buffer still has a valid (1-byte) allocation behind it.
        self.base = buffer.bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) }
            ?? UnsafePointer(bitPattern: 0x10)!
        self.end = buffer.count
        frames.reserveCapacity(32)
    }

    @inline(__always) func byte(_ i: Int) -> UInt8 { base[i] }
    @inline(__always) func peek() -> UInt8 { pos < end ? base[pos] : 0 }

    mutating func skipBOM() {
        if end >= 3 && base[0] == 0xEF && base[1] == 0xBB && base[2] == 0xBF { pos = 3 }
    }

    @inline(__always) mutating func skipWhitespace() {
        // Pretty-printed input indents with long runs of spaces: skip them 8 at a time.
        while pos + 8 <= end && UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self) == 0x2020_2020_2020_2020 {
            pos += 8
        }
        while pos < end {
            let c = base[pos]
            if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { pos += 1 } else { return }
        }
    }

    func describeByte(_ i: Int) -> String {
        let c = base[i]
        if c >= 0x21 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        return String(format: "byte 0x%02X", c)
    }

    /// The JSON path of the position being parsed, from the open frames.
    private func currentPath(rootPath: String) -> String {
        var path = rootPath
        for f in frames {
            if f.isObject {
                if f.key >= 0 { path += JSONPath.keyComponent(JSONNode.decodeString(buffer.bytes, tape[f.key]) ?? "") }
            } else {
                path += "[\(f.count)]"
            }
        }
        return path
    }

    func error(_ message: String, rootPath: String, at offset: Int? = nil) -> ImportError {
        let at = offset ?? pos
        return ImportError(file: file, path: currentPath(rootPath: rootPath), message: "at byte \(at): \(message)", byteOffset: at)
    }

    private func truncated(_ what: String) -> ImportError {
        error("truncated input: \(what)", rootPath: rootPath)
    }

    /// Parses exactly one value at `pos` into a fresh tape.
    mutating func parseValue(rootPath: String, depthOffset: Int) throws -> [TapeNode] {
        self.rootPath = rootPath
        tape = []
        tape.reserveCapacity(reserve)
        frames.removeAll(keepingCapacity: true)
        let quote = UInt8(ascii: "\"")

        valueLoop: while true {
            skipWhitespace()
            guard pos < end else { throw truncated("expected a value") }
            let parent = frames.isEmpty ? TapeNode.noParent : UInt32(frames[frames.count - 1].node)
            let c = base[pos]
            switch c {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = c == UInt8(ascii: "{")
                if frames.count + depthOffset >= maxDepth {
                    throw error("nesting deeper than \(maxDepth)", rootPath: rootPath)
                }
                let nodeIndex = tape.count
                tape.append(TapeNode(kind: isObject ? .object : .array, flags: 0, parent: parent, a: 0, b: 0))
                frames.append(Frame(node: nodeIndex, count: 0, isObject: isObject, key: -1))
                pos += 1
                skipWhitespace()
                let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                if pos < end && base[pos] == close {
                    pos += 1
                    closeTop()
                } else if isObject {
                    try readKey(parent: UInt32(nodeIndex))
                    continue valueLoop
                } else {
                    continue valueLoop
                }
            case quote:
                let start = pos + 1
                let escaped = try scanString(rootPath: rootPath)
                tape.append(TapeNode(kind: .string, flags: escaped ? 1 : 0, parent: parent, a: UInt32(start), b: UInt32(pos - 1)))
            case UInt8(ascii: "t"):
                try literal("true")
                tape.append(TapeNode(kind: .bool, flags: 1, parent: parent, a: UInt32(pos - 4), b: UInt32(pos)))
            case UInt8(ascii: "f"):
                try literal("false")
                tape.append(TapeNode(kind: .bool, flags: 0, parent: parent, a: UInt32(pos - 5), b: UInt32(pos)))
            case UInt8(ascii: "n"):
                try literal("null")
                tape.append(TapeNode(kind: .null, flags: 0, parent: parent, a: UInt32(pos - 4), b: UInt32(pos)))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = pos
                let integer = try scanNumber()
                tape.append(TapeNode(kind: .number, flags: integer ? 1 : 0, parent: parent, a: UInt32(start), b: UInt32(pos)))
            default:
                throw error("unexpected \(describeByte(pos)), expected a value", rootPath: rootPath)
            }

            // A value is complete: close every container that ends here, or move to the next sibling.
            while !frames.isEmpty {
                let top = frames.count - 1
                frames[top].count += 1
                skipWhitespace()
                guard pos < end else {
                    throw truncated(frames[top].isObject ? "unterminated object" : "unterminated array")
                }
                let d = base[pos]
                if d == UInt8(ascii: ",") {
                    pos += 1
                    if frames[top].isObject {
                        frames[top].key = -1
                        skipWhitespace()
                        try readKey(parent: UInt32(frames[top].node))
                    }
                    continue valueLoop
                }
                if d == (frames[top].isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    pos += 1
                    closeTop()
                    continue
                }
                let expected = frames[top].isObject ? "',' or '}' after object member" : "',' or ']' after array element"
                throw error("expected \(expected), found \(describeByte(pos))", rootPath: rootPath)
            }
            break
        }
        let result = tape
        tape = []
        return result
    }

    /// Completes the innermost container; its parent then sees it as one finished value.
    private mutating func closeTop() {
        let f = frames.removeLast()
        tape[f.node].a = UInt32(f.count)
        tape[f.node].b = UInt32(tape.count)
    }

    private mutating func readKey(parent: UInt32) throws {
        guard pos < end else { throw truncated("expected a member name") }
        guard base[pos] == UInt8(ascii: "\"") else {
            throw error("expected a member name in double quotes, found \(describeByte(pos))", rootPath: rootPath)
        }
        let start = pos + 1
        let escaped = try scanString(rootPath: rootPath)
        tape.append(TapeNode(kind: .string, flags: escaped ? 1 : 0, parent: parent, a: UInt32(start), b: UInt32(pos - 1)))
        frames[frames.count - 1].key = tape.count - 1
        skipWhitespace()
        guard pos < end else { throw truncated("expected ':'") }
        guard base[pos] == UInt8(ascii: ":") else {
            throw error("expected ':' after member name, found \(describeByte(pos))", rootPath: rootPath)
        }
        pos += 1
    }

    private mutating func literal(_ word: StaticString) throws {
        let n = word.utf8CodeUnitCount
        let w = word.utf8Start
        for j in 0..<n {
            guard pos + j < end else { throw truncated("incomplete literal") }
            if base[pos + j] != w[j] {
                throw error("invalid literal, expected '\(word)'", rootPath: rootPath, at: pos + j)
            }
        }
        pos += n
    }

    /// Validates a number token; returns whether it used the integer grammar.
    private mutating func scanNumber() throws -> Bool {
        var integer = true
        if base[pos] == UInt8(ascii: "-") { pos += 1 }
        guard pos < end else { throw truncated("incomplete number") }
        if base[pos] == UInt8(ascii: "0") {
            pos += 1
        } else if base[pos] >= UInt8(ascii: "1") && base[pos] <= UInt8(ascii: "9") {
            while pos < end && base[pos] &- 48 < 10 { pos += 1 }
        } else {
            throw error("invalid number: expected a digit, found \(describeByte(pos))", rootPath: rootPath)
        }
        if pos < end && base[pos] == UInt8(ascii: ".") {
            integer = false
            pos += 1
            guard pos < end else { throw truncated("incomplete number") }
            guard base[pos] &- 48 < 10 else { throw error("invalid number: expected a digit after '.'", rootPath: rootPath) }
            while pos < end && base[pos] &- 48 < 10 { pos += 1 }
        }
        if pos < end && (base[pos] | 0x20) == UInt8(ascii: "e") {
            integer = false
            pos += 1
            if pos < end && (base[pos] == UInt8(ascii: "+") || base[pos] == UInt8(ascii: "-")) { pos += 1 }
            guard pos < end else { throw truncated("incomplete number") }
            guard base[pos] &- 48 < 10 else { throw error("invalid number: expected a digit in the exponent", rootPath: rootPath) }
            while pos < end && base[pos] &- 48 < 10 { pos += 1 }
        }
        return integer
    }

    /// Scans a string starting at the opening quote; leaves `pos` after the closing quote.
    /// Returns whether the string contains escapes.
    mutating func scanString(rootPath: String) throws -> Bool {
        let open = pos
        pos += 1
        var escaped = false
        while true {
            // Fast path: 8 bytes at a time while none is a quote, backslash, control or non-ASCII byte.
            while pos + 8 <= end {
                let w = UnsafeRawPointer(base + pos).loadUnaligned(as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                let highs: UInt64 = 0x8080_8080_8080_8080
                let q = w ^ (ones &* 0x22)
                let bs = w ^ (ones &* 0x5C)
                let hasQuote = (q &- ones) & ~q & highs
                let hasBackslash = (bs &- ones) & ~bs & highs
                let hasControl = (w &- ones &* 0x20) & ~w & highs
                if (hasQuote | hasBackslash | hasControl | (w & highs)) != 0 { break }
                pos += 8
            }
            guard pos < end else {
                throw ImportError(file: file, path: currentPath(rootPath: rootPath),
                                  message: "at byte \(open): truncated input: unterminated string", byteOffset: open)
            }
            let c = base[pos]
            if c == UInt8(ascii: "\"") { pos += 1; return escaped }
            if c == UInt8(ascii: "\\") {
                escaped = true
                guard pos + 1 < end else { throw error("truncated input: incomplete escape", rootPath: rootPath) }
                let e = base[pos + 1]
                switch e {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    pos += 2
                case UInt8(ascii: "u"):
                    let first = try hexEscape(at: pos)
                    if first >= 0xDC00 && first <= 0xDFFF {
                        throw error("lone low surrogate \\u\(String(first, radix: 16, uppercase: true)) in string", rootPath: rootPath)
                    }
                    if first >= 0xD800 && first <= 0xDBFF {
                        guard pos + 12 <= end, base[pos + 6] == UInt8(ascii: "\\"), base[pos + 7] == UInt8(ascii: "u") else {
                            throw error("lone high surrogate \\u\(String(first, radix: 16, uppercase: true)) in string", rootPath: rootPath)
                        }
                        let second = try hexEscape(at: pos + 6)
                        guard second >= 0xDC00 && second <= 0xDFFF else {
                            throw error("lone high surrogate \\u\(String(first, radix: 16, uppercase: true)) in string", rootPath: rootPath)
                        }
                        pos += 12
                    } else {
                        pos += 6
                    }
                default:
                    // Described, never echoed: the byte may be a C1 control such as CSI (0x9B).
                    throw error("invalid escape: '\\' followed by \(describeByte(pos + 1)) in string", rootPath: rootPath)
                }
                continue
            }
            if c < 0x20 {
                throw error(c == 0 ? "NUL byte in string" : String(format: "raw control character 0x%02X in string (must be escaped)", c), rootPath: rootPath)
            }
            if c < 0x80 { pos += 1; continue }
            try validateUTF8Sequence()
        }
    }

    private func hexEscape(at i: Int) throws -> UInt32 {
        guard i + 6 <= end else { throw error("truncated input: incomplete \\u escape", rootPath: rootPath, at: i) }
        var v: UInt32 = 0
        for j in 2..<6 {
            let h = JSONUnescape.hexValue(base[i + j])
            if h == 0xFF { throw error("invalid \\u escape: expected 4 hex digits", rootPath: rootPath, at: i) }
            v = v << 4 | UInt32(h)
        }
        return v
    }

    /// Validates one multi-byte UTF-8 sequence at `pos` (rejecting overlongs, surrogates and
    /// code points above U+10FFFF) and moves past it.
    private mutating func validateUTF8Sequence() throws {
        let c = base[pos]
        var need = 0
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE, 0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default:
            throw error(String(format: "invalid UTF-8 (byte 0x%02X)", c), rootPath: rootPath)
        }
        guard pos + need < end else { throw error("invalid UTF-8 (truncated sequence)", rootPath: rootPath) }
        let second = base[pos + 1]
        guard second >= lo && second <= hi else {
            throw error(String(format: "invalid UTF-8 (byte 0x%02X 0x%02X)", c, second), rootPath: rootPath)
        }
        if need >= 2 {
            for j in 2...need where base[pos + j] & 0xC0 != 0x80 {
                throw error(String(format: "invalid UTF-8 (byte 0x%02X)", base[pos + j]), rootPath: rootPath, at: pos + j)
            }
        }
        pos += need + 1
    }
}
