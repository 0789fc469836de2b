import Foundation

/// Deterministic JSON for content addressing: equal values always give identical bytes, in every
/// process. `JSONEncoder` cannot promise that: a `Set`, or a `Dictionary` whose key is not `String`
/// or `Int` (such as `[CheckStatus: Int]` in `CategoryScore`), is written in hash-table iteration
/// order, which Swift seeds per process. Here struct properties come in the order their (synthesized)
/// `encode(to:)` writes them, dictionary entries sorted by key, set elements and non-string-keyed
/// dictionary entries sorted by their own canonical encoding.
///
/// The output is what `JSONDecoder` (default strategies) reads back: dates as seconds since the
/// reference date, `Data` as an array of bytes, other dictionaries as `[key, value, key, value…]`.
enum CanonicalJSON {
    /// `prefix` bytes come first (the object's tag byte), saving a copy of the whole encoding.
    static func encode<T: Encodable>(_ value: T, prefix: [UInt8] = []) throws -> [UInt8] {
        let stream = CanonicalStreamEncoder()
        stream.out.append(contentsOf: prefix)
        // Whatever the stream cannot follow, or any error (reported with its coding path by the
        // tree), is encoded again through the tree.
        if (try? stream.writeValue(value)) != nil, !stream.unstreamable { return stream.out }
        return prefix + (try encodeThroughTree(value))
    }

    /// The reference encoding: builds the value's tree, then writes it.
    static func encodeThroughTree<T: Encodable>(_ value: T) throws -> [UInt8] {
        let node = try CanonicalNodeEncoder.node(for: value, codingPath: [])
        var out: [UInt8] = []
        out.reserveCapacity(512)
        node.write(to: &out)
        return out
    }
}

final class CanonicalArray { var items: [CanonicalNode] = [] }
/// Entries in encoding order: synthesized `Codable` encodes properties in declaration order, and
/// dictionaries are sorted when intercepted, so no sorting is needed when writing.
final class CanonicalObject { var entries: [(key: String, value: CanonicalNode)] = [] }

enum CanonicalNode {
    case null
    case bool(Bool)
    /// Already formatted as a JSON number.
    case number(String)
    case string(String)
    case array(CanonicalArray)
    case object(CanonicalObject)

    private static let nullBytes = Array("null".utf8)
    private static let trueBytes = Array("true".utf8)
    private static let falseBytes = Array("false".utf8)

    func write(to out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: Self.nullBytes)
        case .bool(let b): out.append(contentsOf: b ? Self.trueBytes : Self.falseBytes)
        case .number(var n): n.withUTF8 { out.append(contentsOf: $0) }
        case .string(let s): Self.writeString(s, to: &out)
        case .array(let a):
            out.append(UInt8(ascii: "["))
            var first = true
            for item in a.items {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                item.write(to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let o):
            out.append(UInt8(ascii: "{"))
            var first = true
            for (key, value) in o.entries {
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                Self.writeString(key, to: &out)
                out.append(UInt8(ascii: ":"))
                value.write(to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The digits `String(value)` gives, without the String.
    static func writeInt<I: FixedWidthInteger>(_ value: I, to out: inout [UInt8]) {
        if value < 0 { out.append(UInt8(ascii: "-")) }
        var magnitude = UInt64(value.magnitude)
        let start = out.count
        repeat {
            out.append(UInt8(ascii: "0") + UInt8(magnitude % 10))
            magnitude /= 10
        } while magnitude > 0
        out[start...].reverse()
    }

    static func writeBool(_ value: Bool, to out: inout [UInt8]) {
        if value { out.append(contentsOf: [0x74, 0x72, 0x75, 0x65]) } else { out.append(contentsOf: [0x66, 0x61, 0x6C, 0x73, 0x65]) }
    }

    static func writeStrings(_ values: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (i, value) in values.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(value, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Sorted by key, as `CanonicallyUnordered` sorts String-keyed dictionaries.
    static func writeStringDictionary(_ values: [String: String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (i, entry) in values.sorted(by: { $0.key < $1.key }).enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            writeString(entry.key, to: &out)
            out.append(UInt8(ascii: ":"))
            writeString(entry.value, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    static func writeString(_ string: String, to out: inout [UInt8]) {
        var string = string
        out.append(UInt8(ascii: "\""))
        string.withUTF8 { bytes in
            var plainFrom = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainFrom..<index]))
                plainFrom = index + 1
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                            hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[plainFrom..<bytes.count]))
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Collections whose element order is not part of their value.
protocol CanonicallyUnordered {
    /// nil when the default encoding is already deterministic.
    func canonicalNode(codingPath: [any CodingKey]) throws -> CanonicalNode?
}

extension Set: CanonicallyUnordered where Element: Encodable {
    func canonicalNode(codingPath: [any CodingKey]) throws -> CanonicalNode? {
        let encoded = try map { element -> ([UInt8], CanonicalNode) in
            let node = try CanonicalNodeEncoder.node(for: element, codingPath: codingPath)
            var bytes: [UInt8] = []
            node.write(to: &bytes)
            return (bytes, node)
        }
        let array = CanonicalArray()
        array.items = encoded.sorted { $0.0.lexicographicallyPrecedes($1.0) }.map(\.1)
        return .array(array)
    }
}

extension Dictionary: CanonicallyUnordered where Key: Encodable, Value: Encodable {
    func canonicalNode(codingPath: [any CodingKey]) throws -> CanonicalNode? {
        if Key.self == String.self || Key.self == Int.self || Key.self is any CodingKeyRepresentable.Type {
            // A JSON object, as JSONDecoder expects for these keys. Distinct String keys are never
            // canonically equivalent (they would be one key), so String order is total here.
            var entries: [(key: String, value: CanonicalNode)] = []
            entries.reserveCapacity(count)
            for (key, value) in self {
                let name: String
                if let string = key as? String { name = string }
                else if let int = key as? Int { name = String(int) }
                else { name = (key as! any CodingKeyRepresentable).codingKey.stringValue }
                entries.append((name, try CanonicalNodeEncoder.node(for: value, codingPath: codingPath)))
            }
            let object = CanonicalObject()
            object.entries = entries.sorted { $0.key < $1.key }
            return .object(object)
        }
        let pairs = try map { key, value -> ([UInt8], CanonicalNode, CanonicalNode) in
            let keyNode = try CanonicalNodeEncoder.node(for: key, codingPath: codingPath)
            var bytes: [UInt8] = []
            keyNode.write(to: &bytes)
            return (bytes, keyNode, try CanonicalNodeEncoder.node(for: value, codingPath: codingPath))
        }
        let array = CanonicalArray()
        for pair in pairs.sorted(by: { $0.0.lexicographicallyPrecedes($1.0) }) {
            array.items.append(pair.1)
            array.items.append(pair.2)
        }
        return .array(array)
    }
}

final class CanonicalNodeEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var result: CanonicalNode?

    init(codingPath: [any CodingKey]) { self.codingPath = codingPath }

    static func node<T: Encodable>(for value: T, codingPath: [any CodingKey]) throws -> CanonicalNode {
        // Dynamic casts cost more than the rest of the encoding; most types need none.
        if T.self is any CanonicallyUnordered.Type {
            if let unordered = value as? any CanonicallyUnordered,
               let node = try unordered.canonicalNode(codingPath: codingPath) {
                return node
            }
        } else if T.self == URL.self || T.self == Decimal.self {
            // Mirror JSONDecoder's special cases so the bytes decode back to the same value.
            if let url = value as? URL { return .string(url.absoluteString) }
            if let decimal = value as? Decimal { return .number(decimal.description) }
        }
        let encoder = CanonicalNodeEncoder(codingPath: codingPath)
        try value.encode(to: encoder)
        return encoder.result ?? .object(CanonicalObject())
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let object: CanonicalObject
        if case .object(let existing)? = result { object = existing } else {
            object = CanonicalObject()
            result = .object(object)
        }
        return KeyedEncodingContainer(KeyedContainer<Key>(object: object, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let array: CanonicalArray
        if case .array(let existing)? = result { array = existing } else {
            array = CanonicalArray()
            result = .array(array)
        }
        return UnkeyedContainer(array: array, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }

    static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F, codingPath: [any CodingKey]) throws -> CanonicalNode {
        guard value.isFinite else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "non-finite number \(value) cannot be stored"))
        }
        // `description` is the shortest text that reads back as the same value.
        return .number(value.description)
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let object: CanonicalObject
        let codingPath: [any CodingKey]

        // The coding path is not extended per key: building it costs an allocation per value and it
        // would only serve the message of the one error this encoder throws (non-finite numbers).
        private func put(_ key: Key, _ node: CanonicalNode) { object.entries.append((key.stringValue, node)) }

        mutating func encodeNil(forKey key: Key) throws { put(key, .null) }
        mutating func encode(_ value: Bool, forKey key: Key) throws { put(key, .bool(value)) }
        mutating func encode(_ value: String, forKey key: Key) throws { put(key, .string(value)) }
        mutating func encode(_ value: Double, forKey key: Key) throws { put(key, try CanonicalNodeEncoder.number(value, codingPath: codingPath + [key])) }
        mutating func encode(_ value: Float, forKey key: Key) throws { put(key, try CanonicalNodeEncoder.number(value, codingPath: codingPath + [key])) }
        mutating func encode(_ value: Int, forKey key: Key) throws { put(key, .number(String(value))) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { put(key, .number(String(value))) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { put(key, .number(String(value))) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
            put(key, try CanonicalNodeEncoder.node(for: value, codingPath: codingPath))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            let nested = CanonicalObject()
            put(key, .object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: codingPath + [key]))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            let nested = CanonicalArray()
            put(key, .array(nested))
            return UnkeyedContainer(array: nested, codingPath: codingPath + [key])
        }
        mutating func superEncoder() -> any Encoder {
            DeferredEncoder(codingPath: codingPath) { [object] in object.entries.append(("super", $0)) }
        }
        mutating func superEncoder(forKey key: Key) -> any Encoder {
            DeferredEncoder(codingPath: codingPath + [key]) { [object] in object.entries.append((key.stringValue, $0)) }
        }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let array: CanonicalArray
        let codingPath: [any CodingKey]
        var count: Int { array.items.count }

        mutating func encodeNil() throws { array.items.append(.null) }
        mutating func encode(_ value: Bool) throws { array.items.append(.bool(value)) }
        mutating func encode(_ value: String) throws { array.items.append(.string(value)) }
        mutating func encode(_ value: Double) throws { array.items.append(try CanonicalNodeEncoder.number(value, codingPath: codingPath)) }
        mutating func encode(_ value: Float) throws { array.items.append(try CanonicalNodeEncoder.number(value, codingPath: codingPath)) }
        mutating func encode(_ value: Int) throws { array.items.append(.number(String(value))) }
        mutating func encode(_ value: UInt8) throws { array.items.append(.number(String(value))) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            array.items.append(try CanonicalNodeEncoder.node(for: value, codingPath: codingPath))
        }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let nested = CanonicalObject()
            array.items.append(.object(nested))
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(object: nested, codingPath: codingPath))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let nested = CanonicalArray()
            array.items.append(.array(nested))
            return UnkeyedContainer(array: nested, codingPath: codingPath)
        }
        mutating func superEncoder() -> any Encoder {
            let index = array.items.count
            array.items.append(.null)
            return DeferredEncoder(codingPath: codingPath) { [array] in array.items[index] = $0 }
        }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: CanonicalNodeEncoder
        var codingPath: [any CodingKey] { encoder.codingPath }
        mutating func encodeNil() throws { encoder.result = .null }
        mutating func encode(_ value: Bool) throws { encoder.result = .bool(value) }
        mutating func encode(_ value: String) throws { encoder.result = .string(value) }
        mutating func encode(_ value: Double) throws { encoder.result = try CanonicalNodeEncoder.number(value, codingPath: codingPath) }
        mutating func encode(_ value: Float) throws { encoder.result = try CanonicalNodeEncoder.number(value, codingPath: codingPath) }
        mutating func encode(_ value: Int) throws { encoder.result = .number(String(value)) }
        mutating func encode(_ value: Int8) throws { encoder.result = .number(String(value)) }
        mutating func encode(_ value: Int16) throws { encoder.result = .number(String(value)) }
        mutating func encode(_ value: Int32) throws { encoder.result = .number(String(value)) }
        mutating func encode(_ value: Int64) throws { encoder.result = .number(String(value)) }
        mutating func encode(_ value: UInt) throws { encoder.result = .number(String(value)) }
        mutating func encode(_ value: UInt8) throws { encoder.result = .number(String(value)) }
        mutating func encode(_ value: UInt16) throws { encoder.result = .number(String(value)) }
        mutating func encode(_ value: UInt32) throws { encoder.result = .number(String(value)) }
        mutating func encode(_ value: UInt64) throws { encoder.result = .number(String(value)) }
        mutating func encode<T: Encodable>(_ value: T) throws {
            encoder.result = try CanonicalNodeEncoder.node(for: value, codingPath: codingPath)
        }
    }
}

/// The encoder handed out by `superEncoder()`: its value lands in the parent when it is released.
final class DeferredEncoder: Encoder {
    private let inner: CanonicalNodeEncoder
    private let store: (CanonicalNode) -> Void
    init(codingPath: [any CodingKey], store: @escaping (CanonicalNode) -> Void) {
        inner = CanonicalNodeEncoder(codingPath: codingPath)
        self.store = store
    }
    deinit { store(inner.result ?? .object(CanonicalObject())) }
    var codingPath: [any CodingKey] { inner.codingPath }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> { inner.container(keyedBy: type) }
    func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
    func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
}
