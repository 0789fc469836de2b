import Foundation

/// Writes canonical JSON straight into a byte buffer while `encode(to:)` runs, instead of
/// building a `CanonicalNode` tree first (an allocation per value, then a second pass). Synthesized
/// `Codable` code uses its containers strictly in order (each value is complete before the next
/// one starts), which is all a stream can follow. Any other use (writing to a container after a
/// later sibling was started, replacing a value, `superEncoder`) throws `Unstreamable` or sets
/// `unstreamable`, and `CanonicalJSON.encode` then encodes the whole value through the tree: both
/// paths give the same bytes, the stream is only faster.
struct Unstreamable: Error {}

final class CanonicalStreamEncoder: Encoder {
    var out: [UInt8] = []
    /// Open containers, innermost last. `token` identifies a container handle's frame.
    private var frames: [(isObject: Bool, count: Int, token: Int)] = []
    private var nextToken = 0
    /// `frames.count` when the value being written started, and whether it has begun.
    private var slotBase = 0
    private var slotFilled = false
    /// Set where the stream cannot follow and cannot throw (a container request that would
    /// replace a value, `superEncoder`): the output is then discarded.
    var unstreamable = false

    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init() { out.reserveCapacity(1024) }

    // MARK: Values

    /// Writes one complete JSON value.
    func writeValue<T: Encodable>(_ value: T) throws {
        // Exact-type fast paths for the leaves that dominate objects; the bytes are what the
        // generic path writes for them.
        if T.self == String.self { return CanonicalNode.writeString(unsafeBitCast(value, to: String.self), to: &out) }
        if T.self == Int.self { return writeInt(unsafeBitCast(value, to: Int.self)) }
        if T.self == Bool.self { return writeBool(unsafeBitCast(value, to: Bool.self)) }
        if T.self == [String].self { return writeStrings(unsafeBitCast(value, to: [String].self)) }
        if T.self == [String: String].self { return writeStringDictionary(unsafeBitCast(value, to: [String: String].self)) }
        if T.self is any CanonicallyUnordered.Type {
            if let unordered = value as? any CanonicallyUnordered, try writeUnordered(unordered) { return }
        } else if T.self == URL.self || T.self == Decimal.self {
            // The tree encoder's special cases, kept there: rare values.
            throw Unstreamable()
        }
        let savedBase = slotBase, savedFilled = slotFilled
        slotBase = frames.count
        slotFilled = false
        try value.encode(to: self)
        if slotFilled {
            try closeFrames(downTo: slotBase)
        } else {
            // What the tree writes for a value that encoded nothing.
            out.append(UInt8(ascii: "{")); out.append(UInt8(ascii: "}"))
        }
        slotBase = savedBase
        slotFilled = savedFilled
    }

    private func closeFrames(downTo depth: Int) throws {
        while frames.count > depth {
            out.append(frames.removeLast().isObject ? UInt8(ascii: "}") : UInt8(ascii: "]"))
        }
    }

    private func openFrame(isObject: Bool) -> Int {
        out.append(isObject ? UInt8(ascii: "{") : UInt8(ascii: "["))
        nextToken += 1
        frames.append((isObject, 0, nextToken))
        return nextToken
    }

    /// Makes the container `token` the innermost open one and counts the element about to be
    /// written into it, writing the separating comma.
    func beginElement(in token: Int) throws {
        var index = frames.count - 1
        if index < 0 || frames[index].token != token {
            guard let found = frames.lastIndex(where: { $0.token == token }) else { throw Unstreamable() }
            index = found
        }
        // Below slotBase: a container of an enclosing value, written while this value is unfinished.
        guard index >= slotBase else { throw Unstreamable() }
        // Containers opened inside this one after it are finished: nothing may write to them again.
        try closeFrames(downTo: index + 1)
        if frames[index].count > 0 { out.append(UInt8(ascii: ",")) }
        frames[index].count += 1
    }

    /// Begins a primitive written through a single-value container.
    func beginSingleValue() throws {
        guard !slotFilled, frames.count == slotBase else { throw Unstreamable() }
        slotFilled = true
    }

    func writeKey(_ key: String) {
        CanonicalNode.writeString(key, to: &out)
        out.append(UInt8(ascii: ":"))
    }

    func writeBool(_ value: Bool) { CanonicalNode.writeBool(value, to: &out) }

    func writeNull() { out.append(contentsOf: [0x6E, 0x75, 0x6C, 0x6C]) }

    func writeInt<I: FixedWidthInteger>(_ value: I) { CanonicalNode.writeInt(value, to: &out) }

    func writeFloat<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) throws {
        // Non-finite numbers are an error; the tree encoder reports it with its coding path.
        guard value.isFinite else { throw Unstreamable() }
        var text = value.description
        text.withUTF8 { out.append(contentsOf: $0) }
    }

    private func writeStrings(_ values: [String]) { CanonicalNode.writeStrings(values, to: &out) }

    private func writeStringDictionary(_ values: [String: String]) { CanonicalNode.writeStringDictionary(values, to: &out) }

    /// Sets and other dictionaries: sorted as `CanonicallyUnordered.canonicalNode` sorts them.
    /// Returns false when the default encoding is already deterministic.
    private func writeUnordered(_ value: any CanonicallyUnordered) throws -> Bool {
        guard let node = try value.canonicalNode(codingPath: []) else { return false }
        node.write(to: &out)
        return true
    }

    // MARK: Encoder

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        KeyedEncodingContainer(KeyedContainer<Key>(encoder: self, token: openOrReuse(isObject: true)))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        UnkeyedContainer(encoder: self, token: openOrReuse(isObject: false))
    }

    func singleValueContainer() -> any SingleValueEncodingContainer { SingleContainer(encoder: self) }

    /// The tree encoder returns the value's existing container of the same shape when asked
    /// twice; anything else would replace a value already written. Such a request hands out a
    /// dead token, whose first use throws `Unstreamable`.
    private func openOrReuse(isObject: Bool) -> Int {
        if !slotFilled && frames.count == slotBase {
            slotFilled = true
            return openFrame(isObject: isObject)
        }
        if slotFilled && frames.count > slotBase && frames[slotBase].isObject == isObject { return frames[slotBase].token }
        unstreamable = true
        return -1
    }

    func nested(isObject: Bool, after begin: () throws -> Void) -> Int {
        do { try begin() } catch {
            unstreamable = true
            return -1
        }
        return openFrame(isObject: isObject)
    }

    func unstreamableSuperEncoder() -> any Encoder {
        unstreamable = true
        return CanonicalStreamEncoder()
    }

    struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
        let encoder: CanonicalStreamEncoder
        let token: Int
        var codingPath: [any CodingKey] { [] }

        private func begin(_ key: Key) throws {
            try encoder.beginElement(in: token)
            encoder.writeKey(key.stringValue)
        }

        mutating func encodeNil(forKey key: Key) throws { try begin(key); encoder.writeNull() }
        mutating func encode(_ value: Bool, forKey key: Key) throws { try begin(key); encoder.writeBool(value) }
        mutating func encode(_ value: String, forKey key: Key) throws { try begin(key); CanonicalNode.writeString(value, to: &encoder.out) }
        mutating func encode(_ value: Double, forKey key: Key) throws { try begin(key); try encoder.writeFloat(value) }
        mutating func encode(_ value: Float, forKey key: Key) throws { try begin(key); try encoder.writeFloat(value) }
        mutating func encode(_ value: Int, forKey key: Key) throws { try begin(key); encoder.writeInt(value) }
        mutating func encode(_ value: Int64, forKey key: Key) throws { try begin(key); encoder.writeInt(value) }
        mutating func encode(_ value: UInt64, forKey key: Key) throws { try begin(key); encoder.writeInt(value) }
        mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws { try begin(key); try encoder.writeValue(value) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
            KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: encoder, token: encoder.nested(isObject: true) { try begin(key) }))
        }
        mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
            UnkeyedContainer(encoder: encoder, token: encoder.nested(isObject: false) { try begin(key) })
        }
        mutating func superEncoder() -> any Encoder { encoder.unstreamableSuperEncoder() }
        mutating func superEncoder(forKey key: Key) -> any Encoder { encoder.unstreamableSuperEncoder() }
    }

    struct UnkeyedContainer: UnkeyedEncodingContainer {
        let encoder: CanonicalStreamEncoder
        let token: Int
        var codingPath: [any CodingKey] { [] }
        var count: Int { encoder.frames.last(where: { $0.token == token })?.count ?? 0 }

        mutating func encodeNil() throws { try encoder.beginElement(in: token); encoder.writeNull() }
        mutating func encode(_ value: Bool) throws { try encoder.beginElement(in: token); encoder.writeBool(value) }
        mutating func encode(_ value: String) throws { try encoder.beginElement(in: token); CanonicalNode.writeString(value, to: &encoder.out) }
        mutating func encode(_ value: Double) throws { try encoder.beginElement(in: token); try encoder.writeFloat(value) }
        mutating func encode(_ value: Float) throws { try encoder.beginElement(in: token); try encoder.writeFloat(value) }
        mutating func encode(_ value: Int) throws { try encoder.beginElement(in: token); encoder.writeInt(value) }
        mutating func encode(_ value: UInt8) throws { try encoder.beginElement(in: token); encoder.writeInt(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try encoder.beginElement(in: token); try encoder.writeValue(value) }
        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
            let encoder = self.encoder, token = self.token
            return KeyedEncodingContainer(KeyedContainer<NestedKey>(encoder: encoder, token: encoder.nested(isObject: true) { try encoder.beginElement(in: token) }))
        }
        mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
            let encoder = self.encoder, token = self.token
            return UnkeyedContainer(encoder: encoder, token: encoder.nested(isObject: false) { try encoder.beginElement(in: token) })
        }
        mutating func superEncoder() -> any Encoder { encoder.unstreamableSuperEncoder() }
    }

    struct SingleContainer: SingleValueEncodingContainer {
        let encoder: CanonicalStreamEncoder
        var codingPath: [any CodingKey] { [] }
        mutating func encodeNil() throws { try encoder.beginSingleValue(); encoder.writeNull() }
        mutating func encode(_ value: Bool) throws { try encoder.beginSingleValue(); encoder.writeBool(value) }
        mutating func encode(_ value: String) throws { try encoder.beginSingleValue(); CanonicalNode.writeString(value, to: &encoder.out) }
        mutating func encode(_ value: Double) throws { try encoder.beginSingleValue(); try encoder.writeFloat(value) }
        mutating func encode(_ value: Float) throws { try encoder.beginSingleValue(); try encoder.writeFloat(value) }
        mutating func encode(_ value: Int) throws { try encoder.beginSingleValue(); encoder.writeInt(value) }
        mutating func encode(_ value: Int8) throws { try encoder.beginSingleValue(); encoder.writeInt(value) }
        mutating func encode(_ value: Int16) throws { try encoder.beginSingleValue(); encoder.writeInt(value) }
        mutating func encode(_ value: Int32) throws { try encoder.beginSingleValue(); encoder.writeInt(value) }
        mutating func encode(_ value: Int64) throws { try encoder.beginSingleValue(); encoder.writeInt(value) }
        mutating func encode(_ value: UInt) throws { try encoder.beginSingleValue(); encoder.writeInt(value) }
        mutating func encode(_ value: UInt8) throws { try encoder.beginSingleValue(); encoder.writeInt(value) }
        mutating func encode(_ value: UInt16) throws { try encoder.beginSingleValue(); encoder.writeInt(value) }
        mutating func encode(_ value: UInt32) throws { try encoder.beginSingleValue(); encoder.writeInt(value) }
        mutating func encode(_ value: UInt64) throws { try encoder.beginSingleValue(); encoder.writeInt(value) }
        mutating func encode<T: Encodable>(_ value: T) throws { try encoder.beginSingleValue(); try encoder.writeValue(value) }
    }
}
