import Foundation

/// SplitMix64 finaliser: a cheap, well-mixed hash. Every generated value is a pure function
/// of (seed, what, index, version), so snapshot k of a history is reproducible on its own
/// and an object that did not change prints byte-identically in consecutive snapshots.
@inline(__always)
func mix(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

/// A small deterministic stream for one object: `Draw(seed, tag, index, version)`.
struct Draw {
    private var state: UInt64
    init(_ seed: UInt64, _ tag: Tag, _ index: Int, _ version: Int = 0) {
        state = mix(mix(mix(seed ^ tag.rawValue) ^ UInt64(truncatingIfNeeded: index)) ^ UInt64(truncatingIfNeeded: version) &* 0x100000001B3)
    }
    mutating func next() -> UInt64 {
        state = mix(state)
        return state
    }
    /// Uniform in 0..<n.
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    /// True with probability p.
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
    mutating func pick<T>(_ xs: [T]) -> T { xs[below(xs.count)] }
    /// `count` lower-case hex digits.
    mutating func hex(_ count: Int) -> String {
        var s = ""
        s.reserveCapacity(count)
        var bits = next(); var left = 16
        for _ in 0..<count {
            if left == 0 { bits = next(); left = 16 }
            s.unicodeScalars.append(Self.hexDigits[Int(bits & 0xF)])
            bits >>= 4; left -= 1
        }
        return s
    }
    /// Characters Kubernetes uses for generated name suffixes (no vowels, so no words).
    mutating func suffix(_ count: Int) -> String {
        var s = ""
        for _ in 0..<count { s.unicodeScalars.append(Self.suffixChars[below(Self.suffixChars.count)]) }
        return s
    }
    mutating func uuid() -> String {
        let h = hex(32)
        let u = Array(h.utf8)
        func part(_ a: Int, _ b: Int) -> String { String(decoding: u[a..<b], as: UTF8.self) }
        return "\(part(0, 8))-\(part(8, 12))-4\(part(13, 16))-a\(part(17, 20))-\(part(20, 32))"
    }
    private static let hexDigits: [Unicode.Scalar] = Array("0123456789abcdef".unicodeScalars)
    private static let suffixChars: [Unicode.Scalar] = Array("bcdfghjklmnpqrstvwxz2456789".unicodeScalars)
}

/// Distinguishes the streams of different kinds of things drawn with the same index.
enum Tag: UInt64 {
    case namespace = 1, serviceAccount, pod, deployment, replicaSet, daemonSet, statefulSet, cronJob, job
    case service, ingress, networkPolicy, role, roleBinding, clusterRole, clusterRoleBinding
    case secret, configMap, spc, nodePool, azure, change, replacement, layout
}

/// Base64 (standard alphabet, padded) — Secret `data` values are base64 of fake text.
func base64(_ s: String) -> String { Data(s.utf8).base64EncodedString() }

/// RFC 3339 UTC with second precision, as kubectl and az print it.
func rfc3339(_ d: Date) -> String {
    var t = time_t(d.timeIntervalSince1970.rounded(.down))
    var tmv = tm()
    gmtime_r(&t, &tmv)
    func p2(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
    return "\(tmv.tm_year + 1900)-\(p2(tmv.tm_mon + 1))-\(p2(tmv.tm_mday))T\(p2(tmv.tm_hour)):\(p2(tmv.tm_min)):\(p2(tmv.tm_sec))Z"
}
