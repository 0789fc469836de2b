import Foundation

/// SplitMix64: small, deterministic, good enough to pick mutations reproducibly from a seed.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Structure-aware byte mutations for JSON documents, used by the deterministic quick variant
/// (libFuzzer brings its own mutator for the long runs).
public struct JSONMutator: Sendable {
    public var rng: SplitMix64
    public init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    static let interesting: [[UInt8]] = [
        [0x00], [0xFF], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xEF, 0xBB, 0xBF], [0x1B, 0x5D, 0x35, 0x32, 0x3B],
        Array("\"".utf8), Array("\\".utf8), Array("\\u".utf8), Array("\\ud800".utf8), Array("{".utf8), Array("}".utf8),
        Array("[".utf8), Array("]".utf8), Array(",".utf8), Array(":".utf8), Array("null".utf8), Array("true".utf8),
        Array("-".utf8), Array("1e999999".utf8), Array("123456789012345678901234567890".utf8), Array("-0.0e-".utf8),
        Array("\"items\":".utf8), Array("\"kind\":\"List\",".utf8), Array("\"properties\":{".utf8), Array("\"value\":[".utf8),
        Array("\u{202E}".utf8), Array("\u{200B}".utf8), Array("\u{9B}".utf8),
    ]

    /// One to four mutations of `input`; `other` is a splice partner.
    public mutating func mutate(_ input: [UInt8], splicing other: [UInt8]) -> [UInt8] {
        var bytes = input
        let count = Int.random(in: 1...4, using: &rng)
        for _ in 0..<count { bytes = mutateOnce(bytes, other) }
        return bytes
    }

    mutating func position(_ bytes: [UInt8]) -> Int { bytes.isEmpty ? 0 : Int.random(in: 0...bytes.count, using: &rng) }

    mutating func mutateOnce(_ input: [UInt8], _ other: [UInt8]) -> [UInt8] {
        var b = input
        switch Int.random(in: 0..<10, using: &rng) {
        case 0: // truncate
            b = Array(b.prefix(position(b)))
        case 1: // flip a bit
            if !b.isEmpty { let i = Int.random(in: 0..<b.count, using: &rng); b[i] ^= UInt8(1) << UInt8.random(in: 0...7, using: &rng) }
        case 2: // random byte
            if !b.isEmpty { b[Int.random(in: 0..<b.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
        case 3: // insert an interesting token
            b.insert(contentsOf: Self.interesting.randomElement(using: &rng)!, at: position(b))
        case 4: // delete a range
            if !b.isEmpty {
                let i = Int.random(in: 0..<b.count, using: &rng)
                let n = Int.random(in: 1...min(64, b.count - i), using: &rng)
                b.removeSubrange(i..<(i + n))
            }
        case 5: // duplicate a range (duplicate keys, repeated members)
            if !b.isEmpty {
                let i = Int.random(in: 0..<b.count, using: &rng)
                let n = Int.random(in: 1...min(256, b.count - i), using: &rng)
                b.insert(contentsOf: b[i..<(i + n)], at: position(b))
            }
        case 6: // splice with another document
            if !other.isEmpty {
                let i = Int.random(in: 0..<other.count, using: &rng)
                let n = Int.random(in: 1...min(512, other.count - i), using: &rng)
                b.insert(contentsOf: other[i..<(i + n)], at: position(b))
            }
        case 7: // swap a scalar for another type: the next quote, digit or literal becomes something else
            let targets: [UInt8] = [UInt8(ascii: "\""), UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "1")]
            let start = position(b)
            if let i = b[start...].firstIndex(where: { targets.contains($0) }) {
                let replacement = [Array("[]".utf8), Array("{}".utf8), Array("null".utf8), Array("-1".utf8), Array("\"x\"".utf8), Array("1e400".utf8)].randomElement(using: &rng)!
                b.replaceSubrange(i..<min(b.count, i + 1), with: replacement)
            }
        case 8: // deepen: wrap a position in a few brackets
            let depth = Int.random(in: 1...40, using: &rng)
            let i = position(b)
            b.insert(contentsOf: [UInt8](repeating: UInt8(ascii: "["), count: depth), at: i)
        default: // control / bidi / escape characters inside a string
            if let i = b.indices.filter({ b[$0] == UInt8(ascii: "\"") }).randomElement(using: &rng) {
                let payload = [Array("\u{1B}]52;c;Q0FOQVJZ\u{07}".utf8), Array("\u{1B}[2J".utf8), Array("\\u001b[31m".utf8),
                               Array("\u{202E}\u{2066}".utf8), Array("\u{200B}\u{FEFF}".utf8), Array("\\u0000".utf8)].randomElement(using: &rng)!
                b.insert(contentsOf: payload, at: i + 1)
            }
        }
        return b
    }
}
