import Foundation

/// Writes pretty-printed JSON straight to a file through a fixed-size byte buffer, so a
/// multi-hundred-megabyte `kubectl get -A -o json` List never exists in memory as a whole.
///
/// Output looks like what the tools print: `kubectl` indents by 4 and `az` by 2, both put
/// `": "` after a key and print empty containers as `{}` / `[]`. Keys are written in the
/// order the caller gives them; the generators pass them sorted, as Go's encoder does.
final class JSONStreamWriter {
    private let sink: Sink
    private var buffer: [UInt8] = []
    private let indentUnit: Int
    private let pretty: Bool
    /// Number of members written so far in each open container.
    private var counts: [Int] = []
    private var afterKey = false
    private var indentCache: [[UInt8]] = []
    private(set) var bytesWritten: Int = 0

    private enum Sink {
        case file(FileHandle)
        case memory
    }

    private static let flushThreshold = 1 << 20

    init(path: String, indent: Int) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw GeneratorError("cannot create \(path)")
        }
        guard let fh = FileHandle(forWritingAtPath: path) else { throw GeneratorError("cannot open \(path) for writing") }
        sink = .file(fh)
        indentUnit = indent
        pretty = indent > 0
        buffer.reserveCapacity(Self.flushThreshold + 64 * 1024)
    }

    /// A compact in-memory writer (for `last-applied-configuration`, which kubectl stores minified).
    init(compact: Void) {
        sink = .memory
        indentUnit = 0
        pretty = false
    }

    var compactString: String { String(decoding: buffer, as: UTF8.self) }

    func close() throws {
        try flush()
        if case .file(let fh) = sink {
            try fh.write(contentsOf: [0x0A])
            bytesWritten += 1
            try fh.close()
        }
    }

    private func flush() throws {
        guard case .file(let fh) = sink, !buffer.isEmpty else { return }
        try fh.write(contentsOf: buffer)
        bytesWritten += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    private func maybeFlush() {
        if buffer.count >= Self.flushThreshold {
            // A write error here would otherwise be silent; generation cannot continue without disk.
            do { try flush() } catch { fatalError("write failed: \(error)") }
        }
    }

    private func newlineAndIndent(_ depth: Int) {
        guard pretty else { return }
        buffer.append(0x0A)
        while indentCache.count <= depth {
            indentCache.append([UInt8](repeating: 0x20, count: indentCache.count * indentUnit))
        }
        buffer.append(contentsOf: indentCache[depth])
    }

    /// Separator and indentation before a value that is an array element or the document.
    private func beginValue() {
        if afterKey { afterKey = false; return }
        guard !counts.isEmpty else { return }
        if counts[counts.count - 1] > 0 { buffer.append(0x2C) }
        counts[counts.count - 1] += 1
        newlineAndIndent(counts.count)
    }

    func key(_ k: String) {
        if counts[counts.count - 1] > 0 { buffer.append(0x2C) }
        counts[counts.count - 1] += 1
        newlineAndIndent(counts.count)
        appendQuoted(k)
        if pretty { buffer.append(0x3A); buffer.append(0x20) } else { buffer.append(0x3A) }
        afterKey = true
    }

    func object(_ body: () -> Void) {
        beginValue()
        buffer.append(0x7B)
        counts.append(0)
        body()
        let n = counts.removeLast()
        if n > 0 { newlineAndIndent(counts.count) }
        buffer.append(0x7D)
        maybeFlush()
    }

    func array(_ body: () -> Void) {
        beginValue()
        buffer.append(0x5B)
        counts.append(0)
        body()
        let n = counts.removeLast()
        if n > 0 { newlineAndIndent(counts.count) }
        buffer.append(0x5D)
        maybeFlush()
    }

    func string(_ s: String) { beginValue(); appendQuoted(s) }
    func int(_ v: Int) { beginValue(); buffer.append(contentsOf: String(v).utf8) }
    func bool(_ v: Bool) { beginValue(); buffer.append(contentsOf: (v ? "true" : "false").utf8) }
    func null() { beginValue(); buffer.append(contentsOf: "null".utf8) }

    // Member shorthands.
    func field(_ k: String, _ v: String) { key(k); string(v) }
    func field(_ k: String, _ v: Int) { key(k); int(v) }
    func field(_ k: String, _ v: Bool) { key(k); bool(v) }
    func field(_ k: String, _ v: String?) { key(k); if let v { string(v) } else { null() } }
    func nullField(_ k: String) { key(k); null() }
    func object(_ k: String, _ body: () -> Void) { key(k); object(body) }
    func array(_ k: String, _ body: () -> Void) { key(k); array(body) }
    func stringMap(_ k: String, _ pairs: KeyValuePairs<String, String>) {
        key(k); object { for (a, b) in pairs { field(a, b) } }
    }
    func stringMap(_ k: String, _ pairs: [(String, String)]) {
        key(k); object { for (a, b) in pairs { field(a, b) } }
    }
    func stringArray(_ k: String, _ items: [String]) {
        key(k); array { for s in items { string(s) } }
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    private func appendQuoted(_ s: String) {
        buffer.append(0x22)
        var needsEscape = false
        for b in s.utf8 where b < 0x20 || b == 0x22 || b == 0x5C { needsEscape = true; break }
        if !needsEscape {
            buffer.append(contentsOf: s.utf8)
        } else {
            for b in s.utf8 {
                switch b {
                case 0x22: buffer.append(0x5C); buffer.append(0x22)
                case 0x5C: buffer.append(0x5C); buffer.append(0x5C)
                case 0x0A: buffer.append(0x5C); buffer.append(0x6E)
                case 0x09: buffer.append(0x5C); buffer.append(0x74)
                case 0x0D: buffer.append(0x5C); buffer.append(0x72)
                case ..<0x20:
                    buffer.append(contentsOf: Array("\\u00".utf8))
                    buffer.append(Self.hex[Int(b >> 4)]); buffer.append(Self.hex[Int(b & 0xF)])
                default: buffer.append(b)
                }
            }
        }
        buffer.append(0x22)
    }
}

struct GeneratorError: Error, CustomStringConvertible {
    var description: String
    init(_ d: String) { description = d }
}
