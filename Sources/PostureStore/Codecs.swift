import Foundation

/// A stored blob that does not have the shape this binary wrote.
struct DamagedData: Error, CustomStringConvertible {
    var what: String
    var description: String { what }
}

/// LEB128 unsigned integers: small numbers (id gaps, lengths) take one or two bytes.
enum VarInt {
    static func append(_ value: UInt64, to out: inout [UInt8]) {
        var v = value
        while v >= 0x80 {
            out.append(UInt8(v & 0x7F) | 0x80)
            v >>= 7
        }
        out.append(UInt8(v))
    }

    static func read(_ bytes: [UInt8], at index: inout Int) throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard index < bytes.count, shift < 64 else { throw DamagedData(what: "truncated number") }
            let byte = bytes[index]
            index += 1
            result |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    /// Sorted, distinct ids as gaps: a snapshot's few thousand ids take a few kilobytes.
    static func appendSorted(_ ids: [Int64], to out: inout [UInt8]) {
        append(UInt64(ids.count), to: &out)
        var previous: Int64 = 0
        for id in ids {
            append(UInt64(id - previous), to: &out)
            previous = id
        }
    }

    static func readSorted(_ bytes: [UInt8], at index: inout Int) throws -> [Int64] {
        let count = try read(bytes, at: &index)
        guard count <= UInt64(bytes.count) else { throw DamagedData(what: "id list longer than its blob") }
        var ids: [Int64] = []
        ids.reserveCapacity(Int(count))
        var previous: Int64 = 0
        for _ in 0..<count {
            let gap = try read(bytes, at: &index)
            guard gap <= UInt64(Int64.max - previous) else { throw DamagedData(what: "id out of range") }
            previous += Int64(gap)
            ids.append(previous)
        }
        return ids
    }
}

/// Which objects make up a snapshot: all of them (a keyframe), or what changed since the base
/// snapshot (a delta). Ids are `object.id` values.
enum Membership: Equatable {
    case keyframe([Int64])
    case delta(added: [Int64], removed: [Int64])

    private static let keyframeFormat: UInt8 = 0x4B   // "K"
    private static let deltaFormat: UInt8 = 0x44      // "D"

    func encoded() -> Data {
        var out: [UInt8] = []
        switch self {
        case .keyframe(let ids):
            out.append(Self.keyframeFormat)
            VarInt.appendSorted(ids, to: &out)
        case .delta(let added, let removed):
            out.append(Self.deltaFormat)
            VarInt.appendSorted(added, to: &out)
            VarInt.appendSorted(removed, to: &out)
        }
        return Data(out)
    }

    static func decode(_ data: Data) throws -> Membership {
        let bytes = [UInt8](data)
        guard let format = bytes.first else { throw DamagedData(what: "empty membership") }
        var index = 1
        let result: Membership
        switch format {
        case keyframeFormat:
            result = .keyframe(try VarInt.readSorted(bytes, at: &index))
        case deltaFormat:
            let added = try VarInt.readSorted(bytes, at: &index)
            let removed = try VarInt.readSorted(bytes, at: &index)
            result = .delta(added: added, removed: removed)
        default:
            throw DamagedData(what: "unknown membership format \(format)")
        }
        guard index == bytes.count else { throw DamagedData(what: "trailing bytes in membership") }
        return result
    }

    /// Ids this record brings into the store's live set: every id of a keyframe, the additions of
    /// a delta. The union over all snapshots equals the union of their full memberships.
    var introducedIDs: [Int64] {
        switch self {
        case .keyframe(let ids): ids
        case .delta(let added, _): added
        }
    }

    static func diff(from base: Set<Int64>, to target: Set<Int64>) -> Membership {
        .delta(added: target.subtracting(base).sorted(), removed: base.subtracting(target).sorted())
    }
}

/// An object stored as the bytes that differ from an earlier version of itself: the common
/// prefix and suffix are kept by length only. Enough for the usual change (one field, an image
/// tag, a label) to cost tens of bytes instead of the whole object.
enum ByteDelta {
    static func make(base: [UInt8], target: [UInt8]) -> [UInt8] {
        let limit = min(base.count, target.count)
        var prefix = 0
        while prefix < limit && base[prefix] == target[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < limit - prefix && base[base.count - 1 - suffix] == target[target.count - 1 - suffix] { suffix += 1 }
        var out: [UInt8] = []
        VarInt.append(UInt64(prefix), to: &out)
        VarInt.append(UInt64(suffix), to: &out)
        out.append(contentsOf: target[prefix..<(target.count - suffix)])
        return out
    }

    static func apply(base: [UInt8], delta: [UInt8]) throws -> [UInt8] {
        var index = 0
        let prefix = try VarInt.read(delta, at: &index)
        let suffix = try VarInt.read(delta, at: &index)
        guard prefix <= UInt64(base.count), suffix <= UInt64(base.count) - prefix else {
            throw DamagedData(what: "object delta longer than its base")
        }
        var out = [UInt8](base[0..<Int(prefix)])
        out.append(contentsOf: delta[index...])
        out.append(contentsOf: base[(base.count - Int(suffix))...])
        return out
    }
}
