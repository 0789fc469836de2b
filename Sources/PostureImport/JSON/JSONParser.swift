import Foundation

/// Strict RFC 8259 reader producing a flat node tape.
///
/// Iterative (an explicit frame stack, never recursion), so hostile nesting cannot overflow the
/// call stack; nesting beyond `maxDepth` is an error. Strings are validated (UTF-8, escapes,
/// surrogate pairs, no raw control characters) while scanning and decoded only on demand.
public enum JSONReader {
    public static let defaultMaxDepth = 1_000
    /// The longest value one tape can address: its byte offsets are 32-bit, counted from the
    /// first byte of the value (a streamed item), not of the file, so only a single value —
    /// not a streamed file — is limited to 4 GiB.
    static let maxValueSpan = Int(UInt32.max)

    /// Parses one complete document. A UTF-8 BOM is skipped; anything but whitespace after the
    /// value is an error.
    public static func parse(_ buffer: JSONBuffer, file: String, maxDepth: Int = defaultMaxDepth) throws -> JSONDocument {
        guard buffer.count <= maxValueSpan else {
            throw ImportError(file: file, path: "$", message: "file too large (\(buffer.count) bytes): only the items of a top-level Kubernetes List are read one by one; any other document is limited to 4 GiB")
        }
        var parser = JSONParser(buffer: buffer, file: file, maxDepth: maxDepth, maxValueSpan: maxValueSpan)
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
        try streamObject(buffer, file: file, maxDepth: maxDepth, maxValueSpan: maxValueSpan, body)
    }

    /// `maxValueSpan` is a seam for tests: a buffer longer than it is streamed the way a file is
    /// (each value copied out, offsets counted from the value), so the 4 GiB logic runs on bytes.
    static func streamObject(_ buffer: JSONBuffer, file: String, maxDepth: Int = defaultMaxDepth, maxValueSpan: Int,
                             _ body: (StreamEvent) throws -> Void) throws -> Bool {
        var parser = JSONParser(buffer: buffer, file: file, maxDepth: maxDepth, maxValueSpan: maxValueSpan)
        return try parser.streamObject(body)
    }

    /// Streams a file the same way, reading it through a window (4 MiB, doubled for a longer
    /// item) instead of whole: memory holds the window and the item being handled, never the
    /// file, and files of any size are read (each item must stay under 4 GiB).
    @discardableResult
    public static func streamObject(_ file: JSONFile, maxDepth: Int = defaultMaxDepth,
                                    _ body: (StreamEvent) throws -> Void) throws -> Bool {
        try streamObject(file, windowCapacity: JSONWindow.defaultCapacity, maxValueSpan: maxValueSpan, maxDepth: maxDepth, body)
    }

    /// `windowCapacity` and `maxValueSpan` are seams for tests (a window of a few bytes slides
    /// inside every token; a small span limit stands for 4 GiB).
    static func streamObject(_ file: JSONFile, windowCapacity: Int, maxValueSpan: Int, maxDepth: Int = defaultMaxDepth,
                             _ body: (StreamEvent) throws -> Void) throws -> Bool {
        let window = try JSONWindow(file: file, capacity: windowCapacity)
        var parser = JSONParser(window: window, file: file.displayName, maxDepth: maxDepth, maxValueSpan: maxValueSpan)
        return try parser.streamObject(body)
    }
}

struct JSONParser {
    /// The whole document when it is in memory; nil when `window` holds part of a file.
    let buffer: JSONBuffer?
    let window: JSONWindow?
    /// The bytes in view: the whole buffer, or the window (which moves as it slides).
    private(set) var base: UnsafePointer<UInt8>
    private(set) var end: Int
    /// Document offset of `base[0]`, for the byte offsets in errors.
    private(set) var origin = 0
    var pos = 0
    let file: String
    let maxDepth: Int
    /// The longest value a tape may address (4 GiB; smaller in tests).
    let maxValueSpan: Int
    /// Each parsed value gets its own copy of its bytes and tape offsets counted from its first
    /// byte (a file window, or a buffer too long for 32-bit offsets); otherwise values share the
    /// buffer and offsets are counted from its start.
    let copiesValues: Bool
    /// Position that tape offsets of the value being parsed are counted from.
    private(set) var tapeOrigin = 0
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

    init(buffer: JSONBuffer, file: String, maxDepth: Int, maxValueSpan: Int) {
        self.buffer = buffer
        self.window = nil
        self.file = file
        self.maxDepth = maxDepth
        self.maxValueSpan = maxValueSpan
        self.copiesValues = buffer.count > maxValueSpan
        // An empty buffer still has a valid (1-byte) allocation behind it.
        self.base = buffer.bytes.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) }
            ?? UnsafePointer(bitPattern: 0x10)!
        self.end = buffer.count
        frames.reserveCapacity(32)
    }

    init(window: JSONWindow, file: String, maxDepth: Int, maxValueSpan: Int) {
        self.buffer = nil
        self.window = window
        self.file = file
        self.maxDepth = maxDepth
        self.maxValueSpan = maxValueSpan
        self.copiesValues = true
        self.base = UnsafePointer(window.storage.assumingMemoryBound(to: UInt8.self))
        self.end = window.count
        self.origin = window.origin
        frames.reserveCapacity(32)
    }

    /// No byte after `end` will ever come into view.
    var atEnd: Bool { window?.atEnd ?? true }

    // MARK: - Streaming a top-level object

    mutating func streamObject(_ body: (JSONReader.StreamEvent) throws -> Void) throws -> Bool {
        try ensureAvailable(3)
        skipBOM()
        try skipWhitespaceRefilling()
        guard pos < end, byte(pos) == UInt8(ascii: "{") else { return false }
        pos += 1
        try skipWhitespaceRefilling()
        if peek() == UInt8(ascii: "}") {
            pos += 1
        } else {
            var itemCapacity = 64
            while true {
                try skipWhitespaceRefilling()
                guard peek() == UInt8(ascii: "\"") else {
                    throw error(pos < end ? "expected a member name, found \(describeByte(pos))" : "truncated input: expected a member name", rootPath: "$")
                }
                let key = try refilling { p -> String in
                    let keyStart = p.pos + 1
                    let escaped = try p.scanString(rootPath: "$")
                    return JSONNode.decodeString(UnsafeRawBufferPointer(start: p.base + keyStart, count: p.pos - 1 - keyStart), escaped: escaped)
                }
                let memberPath = "$" + JSONPath.keyComponent(key)
                try skipWhitespaceRefilling()
                guard peek() == UInt8(ascii: ":") else {
                    throw error(pos < end ? "expected ':' after member name, found \(describeByte(pos))" : "truncated input: expected ':'", rootPath: memberPath)
                }
                pos += 1
                try skipWhitespaceRefilling()
                if key.lowercased() == "items" && peek() == UInt8(ascii: "[") {
                    pos += 1
                    try skipWhitespaceRefilling()
                    if peek() == UInt8(ascii: "]") {
                        pos += 1
                    } else {
                        var index = 0
                        while true {
                            let itemPath = "\(memberPath)[\(index)]"
                            reserve = itemCapacity
                            let doc = try refilling { p in try p.parseDocument(rootPath: itemPath, depthOffset: 2) }
                            // The previous item's size, not a floor of 64: a tape is kept alive as long as its item
                            // (kindless items are buffered until the list's kind is known), and a fixed 1 KB
                            // reserve made a list of a million `{}` (3 MB) hold 1.1 GB.
                            itemCapacity = doc.nodeCount
                            try body(.item(index: index, value: doc.root))
                            index += 1
                            try skipWhitespaceRefilling()
                            let c = peek()
                            if c == UInt8(ascii: ",") { pos += 1; continue }
                            if c == UInt8(ascii: "]") { pos += 1; break }
                            throw error(pos < end ? "expected ',' or ']' after array element, found \(describeByte(pos))" : "truncated input: unterminated array", rootPath: memberPath)
                        }
                    }
                } else {
                    reserve = 16
                    let doc = try refilling { p in try p.parseDocument(rootPath: memberPath, depthOffset: 1) }
                    try body(.member(key: key, value: doc.root))
                }
                try skipWhitespaceRefilling()
                let c = peek()
                if c == UInt8(ascii: ",") { pos += 1; continue }
                if c == UInt8(ascii: "}") { pos += 1; break }
                throw error(pos < end ? "expected ',' or '}' after object member, found \(describeByte(pos))" : "truncated input: unterminated object", rootPath: "$")
            }
        }
        try skipWhitespaceRefilling()
        if pos < end {
            throw error("unexpected \(describeByte(pos)) after the end of the document", rootPath: "$")
        }
        return true
    }

    /// One value at `pos` as its own document: sharing the buffer, or with a copy of its bytes.
    private mutating func parseDocument(rootPath: String, depthOffset: Int) throws -> JSONDocument {
        let tape = try parseValue(rootPath: rootPath, depthOffset: depthOffset)
        if let buffer, !copiesValues {
            return JSONDocument(buffer: buffer, tape: tape, file: file, rootPath: rootPath)
        }
        let bytes = JSONBuffer(copying: UnsafeRawBufferPointer(start: base + tapeOrigin, count: pos - tapeOrigin))
        return JSONDocument(buffer: bytes, tape: tape, file: file, rootPath: rootPath, baseOffset: origin + tapeOrigin)
    }

    // MARK: - The window

    /// Runs one step of the top-level walk (a member name, a value) from `pos`. When the step
    /// fails, or succeeds but ends at the end of the window (a number may go on), while the file
    /// goes on, the window slides to keep the bytes from where the step began, reads on, and the
    /// step runs again on the longer input. Every check the end of the input can fail is made
    /// within 12 bytes of it (a surrogate pair `\uD83D\uDE00` is the longest), so a failure
    /// further from the end is the input's own and is thrown at once.
    @inline(__always)
    private mutating func refilling<T>(_ step: (inout JSONParser) throws -> T) throws -> T {
        while true {
            let start = pos
            do {
                let result = try step(&self)
                if pos < end || atEnd { return result }
            } catch {
                if atEnd || pos + 16 < end { throw error }
            }
            pos = start
            try slideWindow(keepingFrom: start)
        }
    }

    /// Drops the window's bytes before `keep` and reads on; `keep` becomes position 0.
    private mutating func slideWindow(keepingFrom keep: Int) throws {
        guard let window else { return }
        if keep == 0 && window.count == window.capacity && window.count > maxValueSpan {
            throw error("value too large: one JSON value longer than \(maxValueSpanDescription); only the items of a top-level Kubernetes List are read one by one, and each must be shorter", rootPath: rootPath, at: keep)
        }
        try window.slide(keepingFrom: keep)
        pos -= keep
        tapeOrigin = 0
        base = UnsafePointer(window.storage.assumingMemoryBound(to: UInt8.self))
        end = window.count
        origin = window.origin
    }

    private mutating func ensureAvailable(_ count: Int) throws {
        while end - pos < count && !atEnd { try slideWindow(keepingFrom: pos) }
    }

    private mutating func skipWhitespaceRefilling() throws {
        while true {
            skipWhitespace()
            if pos < end || atEnd { return }
            try slideWindow(keepingFrom: pos)
        }
    }

    private var maxValueSpanDescription: String {
        maxValueSpan == Int(UInt32.max) ? "4 GiB" : "\(maxValueSpan) bytes"
    }

    // MARK: - Values

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
                if f.key >= 0 {
                    let bytes = UnsafeRawBufferPointer(start: base + tapeOrigin, count: end - tapeOrigin)
                    path += JSONPath.keyComponent(JSONNode.decodeString(bytes, tape[f.key]) ?? "")
                }
            } else {
                path += "[\(f.count)]"
            }
        }
        return path
    }

    func error(_ message: String, rootPath: String, at offset: Int? = nil) -> ImportError {
        let at = origin + (offset ?? pos)
        return ImportError(file: file, path: currentPath(rootPath: rootPath), message: "at byte \(at): \(message)", byteOffset: at)
    }

    /// A position as a tape offset (counted from the value's first byte or the buffer's start).
    /// Truncating: a value longer than 4 GiB is refused once it is complete (or the window stops
    /// growing), before its tape is used.
    @inline(__always) private func offset(_ position: Int) -> UInt32 {
        UInt32(truncatingIfNeeded: position &- tapeOrigin)
    }

    private func truncated(_ what: String) -> ImportError {
        error("truncated input: \(what)", rootPath: rootPath)
    }

    /// Parses exactly one value at `pos` into a fresh tape.
    mutating func parseValue(rootPath: String, depthOffset: Int) throws -> [TapeNode] {
        self.rootPath = rootPath
        tapeOrigin = copiesValues ? pos : 0
        tape = []
        tape.reserveCapacity(reserve)
        frames.removeAll(keepingCapacity: true)
        let quote = UInt8(ascii: "\"")

        valueLoop: while true {
            skipWhitespace()
            guard pos < end else { throw truncated("expected a value") }
            let parent = frames.isEmpty ? TapeNode.noParent : UInt32(truncatingIfNeeded: frames[frames.count - 1].node)
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
                    try readKey(parent: UInt32(truncatingIfNeeded: nodeIndex))
                    continue valueLoop
                } else {
                    continue valueLoop
                }
            case quote:
                let start = pos + 1
                let escaped = try scanString(rootPath: rootPath)
                tape.append(TapeNode(kind: .string, flags: escaped ? 1 : 0, parent: parent, a: offset(start), b: offset(pos - 1)))
            case UInt8(ascii: "t"):
                try literal("true")
                tape.append(TapeNode(kind: .bool, flags: 1, parent: parent, a: offset(pos - 4), b: offset(pos)))
            case UInt8(ascii: "f"):
                try literal("false")
                tape.append(TapeNode(kind: .bool, flags: 0, parent: parent, a: offset(pos - 5), b: offset(pos)))
            case UInt8(ascii: "n"):
                try literal("null")
                tape.append(TapeNode(kind: .null, flags: 0, parent: parent, a: offset(pos - 4), b: offset(pos)))
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let start = pos
                let integer = try scanNumber()
                tape.append(TapeNode(kind: .number, flags: integer ? 1 : 0, parent: parent, a: offset(start), b: offset(pos)))
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
                        try readKey(parent: UInt32(truncatingIfNeeded: frames[top].node))
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
        if pos - tapeOrigin > maxValueSpan {
            throw error("value too large: one JSON value longer than \(maxValueSpanDescription); only the items of a top-level Kubernetes List are read one by one, and each must be shorter", rootPath: rootPath, at: tapeOrigin)
        }
        let result = tape
        tape = []
        return result
    }

    /// Completes the innermost container; its parent then sees it as one finished value.
    private mutating func closeTop() {
        let f = frames.removeLast()
        tape[f.node].a = UInt32(truncatingIfNeeded: f.count)
        tape[f.node].b = UInt32(truncatingIfNeeded: tape.count)
    }

    private mutating func readKey(parent: UInt32) throws {
        guard pos < end else { throw truncated("expected a member name") }
        guard base[pos] == UInt8(ascii: "\"") else {
            throw error("expected a member name in double quotes, found \(describeByte(pos))", rootPath: rootPath)
        }
        let start = pos + 1
        let escaped = try scanString(rootPath: rootPath)
        tape.append(TapeNode(kind: .string, flags: escaped ? 1 : 0, parent: parent, a: offset(start), b: offset(pos - 1)))
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
                                  message: "at byte \(origin + open): truncated input: unterminated string", byteOffset: origin + open)
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
