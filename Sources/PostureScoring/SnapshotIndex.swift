import Foundation
import PostureModel

/// Lookups derived once per `score` call from the snapshot and the configuration, shared by every
/// check. At the size of the largest clusters (100,000 pods, 10,000 bindings) rebuilding these per
/// check — string-keyed sets of every workload, re-sorted copies of every binding — was most of
/// the scoring time. Everything here is independent of exceptions: object waivers only filter
/// what the checks read from it (see `EvaluationContext.appWorkloads`), so the waiver and
/// no-waiver paths share one code path and one order.
///
/// Lists of Kubernetes objects are kept as indices into the inventory's arrays, so building them
/// copies no object.
final class SnapshotIndex {
    let snapshot: Snapshot
    let configuration: ScoringConfiguration
    /// The inventory (nil when `kubernetes.json` was not collected).
    let k8s: KubernetesInventory?

    init(snapshot: Snapshot, configuration: ScoringConfiguration) {
        self.snapshot = snapshot
        self.configuration = configuration
        self.k8s = snapshot.kubernetes
    }

    func isSystemNamespace(_ ns: String?) -> Bool {
        guard let ns else { return false }
        return configuration.systemNamespaces.contains(ns)
    }

    // MARK: Workloads

    /// Indices (into `k8s.workloads`, ascending) of `KubernetesInventory.topLevelWorkloads`: the
    /// workloads whose controller owner is not itself a collected workload of the same namespace.
    private(set) lazy var topLevelWorkloadIndices: [Int] = {
        guard let ws = k8s?.workloads else { return [] }
        return Self.topLevelIndices(ws)
    }()

    /// Same rule as `KubernetesInventory.topLevelWorkloads` (owner matched on kind, namespace
    /// — nil and "" alike — and name), without building one interpolated string per workload.
    ///
    /// At 130,000 workloads, hashing (namespace, name) string pairs with the standard library's
    /// seeded SipHash was a quarter of the scoring time. Namespaces are few and listed in runs,
    /// so each is turned into a small number once; owner candidates go into an open-addressing
    /// table keyed by (owner kind, namespace number, name) with a cheap byte hash of the name.
    /// Equality is still decided by comparing the strings, so collisions cost time, not answers.
    static func topLevelIndices(_ ws: [Workload]) -> [Int] {
        // Fields are read through the buffer so no whole `Workload` (≈20 fields) is copied.
        ws.withUnsafeBufferPointer { buf in
            let n = buf.count
            // `ObjectMeta.controllerOwner` (another module's computed property) would copy the
            // whole metadata per call; the same rule is applied to the stored array instead.
            // Only kinds that some workload names as its controller can be an owner (a handful:
            // a list compares faster than a set hashes).
            var ownerKinds: [String] = []
            // Per workload: position of its controller owner in `ownerReferences` (-1: none).
            var controllerAt = [Int32](repeating: -1, count: n)
            for i in 0..<n {
                guard let j = buf[i].meta.ownerReferences.firstIndex(where: { $0.controller }) else { continue }
                controllerAt[i] = Int32(j)
                let kind = buf[i].meta.ownerReferences[j].kind
                if !ownerKinds.contains(kind) { ownerKinds.append(kind) }
            }
            guard !ownerKinds.isEmpty else { return Array(buf.indices) }

            // Namespace numbers (nil and "" alike); a run of one namespace is looked up once.
            var namespaceNumbers: [String: Int32] = [:]
            var namespaceOf = [Int32](repeating: 0, count: n)
            var previousNamespace: String? = nil, previousNumber: Int32 = 0
            for i in 0..<n {
                let ns = buf[i].meta.namespace ?? ""
                if ns != previousNamespace {
                    if let k = namespaceNumbers[ns] { previousNumber = k } else {
                        previousNumber = Int32(namespaceNumbers.count); namespaceNumbers[ns] = previousNumber
                    }
                    previousNamespace = ns
                }
                namespaceOf[i] = previousNumber
            }

            // Workloads whose kind some controller names, with their owner-kind number.
            var kindOf = [Int8](repeating: -1, count: n)
            var candidates = 0
            var previousKind: String? = nil, previousKindNumber: Int8 = -1
            for i in 0..<n {
                let kind = buf[i].kind
                if kind != previousKind {
                    previousKind = kind
                    previousKindNumber = ownerKinds.firstIndex(of: kind).map { Int8(truncatingIfNeeded: $0) } ?? -1
                }
                kindOf[i] = previousKindNumber
                if previousKindNumber >= 0 { candidates += 1 }
            }

            var table = OwnerTable(capacityFor: candidates)
            for i in 0..<n where kindOf[i] >= 0 {
                table.insert(i, hash: OwnerTable.hash(kind: kindOf[i], namespace: namespaceOf[i], name: buf[i].meta.name))
            }

            var out: [Int] = []
            out.reserveCapacity(n)
            // Replicas of one owner are usually listed together: the last answer is reused
            // while the owner stays the same.
            var last: (kind: Int8, namespace: Int32, name: String, present: Bool)? = nil
            for i in 0..<n {
                let j = Int(controllerAt[i])
                guard j >= 0 else { out.append(i); continue }
                let owner = buf[i].meta.ownerReferences[j]
                // Every controller kind is in `ownerKinds` by construction.
                let k = Int8(truncatingIfNeeded: ownerKinds.firstIndex(of: owner.kind)!)
                let ns = namespaceOf[i]
                let isPresent: Bool
                if let l = last, l.kind == k, l.namespace == ns, l.name == owner.name {
                    isPresent = l.present
                } else {
                    let h = OwnerTable.hash(kind: k, namespace: ns, name: owner.name)
                    isPresent = table.contains(hash: h) { w in kindOf[w] == k && namespaceOf[w] == ns && buf[w].meta.name == owner.name }
                    last = (k, ns, owner.name, isPresent)
                }
                if !isPresent { out.append(i) }
            }
            return out
        }
    }

    /// Top-level workloads outside system namespaces, as indices in report order: by `KubeRef`
    /// (kind, namespace, name), ties in inventory order — exactly what a stable sort by `ref` of
    /// the filtered `topLevelWorkloads` gives.
    private(set) lazy var appWorkloadOrder: [Int] = {
        guard let ws = k8s?.workloads else { return [] }
        let candidates = topLevelWorkloadIndices.filter { !isSystemNamespace(ws[$0].meta.namespace) }
        return Self.sortedByRef(candidates, in: ws, kind: { $0.pointee.kind }, namespace: { $0.pointee.meta.namespace }, name: { $0.pointee.meta.name })
    }()


    /// Sorts `indices` of `items` by (kind, namespace ?? "", name), ties by index — the order of a
    /// stable sort by `KubeRef` — comparing ranks for kind and namespace (few distinct values) so
    /// most comparisons touch only one string.
    static func sortedByRef<T>(_ indices: [Int], in items: [T], kind: (UnsafePointer<T>) -> String, namespace: (UnsafePointer<T>) -> String?,
                               name: (UnsafePointer<T>) -> String) -> [Int] {
        guard !indices.isEmpty else { return [] }
        // The key closures read fields through a pointer: handing them the element itself
        // would copy it whole (every field retained and released).
        let (kinds, namespaces, names) = items.withUnsafeBufferPointer { buf in
            let base = buf.baseAddress!
            return (indices.map { kind(base + $0) }, indices.map { namespace(base + $0) ?? "" }, indices.map { name(base + $0) })
        }
        let kindRank = ranks(kinds), nsRank = ranks(namespaces)
        var keyed: [(kind: Int, ns: Int, pos: Int)] = []
        keyed.reserveCapacity(indices.count)
        for p in indices.indices { keyed.append((kindRank[p], nsRank[p], p)) }
        keyed.sort { a, b in
            if a.kind != b.kind { return a.kind < b.kind }
            if a.ns != b.ns { return a.ns < b.ns }
            if names[a.pos] != names[b.pos] { return names[a.pos] < names[b.pos] }
            return indices[a.pos] < indices[b.pos]
        }
        return keyed.map { indices[$0.pos] }
    }

    /// Sorts `indices` of `items` by (namespace ?? "", name), ties by index.
    static func sortedByNamespaceAndName<T>(_ indices: [Int], in items: [T], namespace: (UnsafePointer<T>) -> String?, name: (UnsafePointer<T>) -> String) -> [Int] {
        sortedByRef(indices, in: items, kind: { _ in "" }, namespace: namespace, name: name)
    }

    /// For each value, its rank among the distinct values in `String` order (equal values, equal rank).
    static func ranks(_ values: [String]) -> [Int] {
        // Runs of equal values (a namespace's objects are usually listed together) skip the lookup.
        var distinct: [String: Int] = [:]
        var previous: String? = nil
        for v in values where v != previous { previous = v; if distinct[v] == nil { distinct[v] = 0 } }
        for (r, v) in distinct.keys.sorted().enumerated() { distinct[v] = r }
        var out: [Int] = []
        out.reserveCapacity(values.count)
        previous = nil
        var rank = 0
        for v in values {
            if v != previous { previous = v; rank = distinct[v]! }
            out.append(rank)
        }
        return out
    }

    // MARK: Service accounts

    /// Service account by namespace and name; with duplicates the last one wins, as in a
    /// dictionary filled in inventory order.
    private(set) lazy var serviceAccountByKey: [AccountKey: Int] = {
        var out: [AccountKey: Int] = [:]
        for (i, sa) in (k8s?.serviceAccounts ?? []).enumerated() { out[AccountKey(namespace: sa.meta.namespace ?? "", name: sa.meta.name)] = i }
        return out
    }()

    func serviceAccount(namespace: String?, name: String) -> ServiceAccount? {
        guard let k8s, let i = serviceAccountByKey[AccountKey(namespace: namespace ?? "", name: name)] else { return nil }
        return k8s.serviceAccounts[i]
    }

    /// `automountServiceAccountToken` of the service account; nil when it is unset or the account is missing.
    func serviceAccountAutomount(namespace: String?, name: String) -> Bool? {
        guard let k8s, let i = serviceAccountByKey[AccountKey(namespace: namespace ?? "", name: name)] else { return nil }
        return k8s.serviceAccounts[i].automountServiceAccountToken
    }

    // MARK: RBAC

    private(set) lazy var rbac: RBACIndex = RBACIndex(k8s ?? KubernetesInventory())

}

/// HARD-14's allow-list, normalized once per evaluation: `HardChecks.isApproved` trims and
/// lower-cases every entry for every image through Foundation, and builds the host and the
/// normalized reference as new strings — at 100,000 containers most of HARD-14's time.
struct RegistryAllowList {
    let allow: [String]
    private struct Entry {
        var pattern: String
        var isPath: Bool
        var pathPrefix: String
        var hasStar: Bool
        var isASCII: Bool
    }
    private let entries: [Entry]

    init(_ allow: [String]) {
        self.allow = allow
        entries = allow.map { entry in
            let e = entry.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
            return Entry(pattern: e, isPath: e.contains("/"), pathPrefix: e + "/", hasStar: e.contains("*"), isASCII: e.utf8.allSatisfy { $0 < 0x80 })
        }
    }

    /// Same answer as `HardChecks.isApproved(image, allow)`. ASCII references (all real ones)
    /// are read as bytes; anything else goes through the original function.
    func approves(_ image: String) -> Bool {
        let fast: Bool? = image.utf8.withContiguousStorageIfAvailable { u -> Bool? in
            guard u.allSatisfy({ $0 < 0x80 }) else { return nil }
            let hostRange = Self.hostRange(u)
            var host: String? = nil, full: String? = nil
            for e in entries {
                if e.isPath {
                    if full == nil { full = Self.asciiNormalizedImage(image) }
                    if full!.hasPrefix(e.pathPrefix) { return true }
                } else if e.hasStar || !e.isASCII {
                    if host == nil { host = hostRange.map { Self.asciiLowercased(UnsafeBufferPointer(rebasing: u[$0])) } ?? "docker.io" }
                    if Glob.matches(e.pattern, host!) { return true }
                } else if let r = hostRange {
                    // `Glob.matches` of a pattern without `*` is `==`; for ASCII both sides, bytes.
                    if Self.equalLowercased(u[r], e.pattern.utf8) { return true }
                } else if e.pattern == "docker.io" {
                    return true
                }
            }
            return false
        } ?? nil
        return fast ?? HardChecks.isApproved(image, allow)
    }

    private static let dot = UInt8(ascii: "."), colon = UInt8(ascii: ":"), slash = UInt8(ascii: "/")

    /// Where `HardChecks.registryHost` finds a registry host in an ASCII reference (nil: Docker
    /// Hub). It splits the characters at the first `/` with empty parts left out; in ASCII every
    /// character is one byte (CR LF aside, which holds no `/`), so the bytes split the same way.
    static func hostRange(_ u: UnsafeBufferPointer<UInt8>) -> Range<Int>? {
        var i = 0
        while i < u.count && u[i] == slash { i += 1 }
        let start = i
        while i < u.count && u[i] != slash { i += 1 }
        // One part only: no `/` after the first part, or nothing after it.
        guard start < i, i + 1 < u.count else { return nil }
        let first = u[start..<i]
        if equalLowercased(first, "index.docker.io".utf8) { return nil }
        if first.contains(dot) || first.contains(colon) || equalLowercased(first, "localhost".utf8) { return start..<i }
        return nil
    }

    private static func lower(_ b: UInt8) -> UInt8 { b &- UInt8(ascii: "A") < 26 ? b | 0x20 : b }

    /// ASCII bytes, lower-cased, equal to `other`.
    static func equalLowercased<A: Collection<UInt8>, B: Collection<UInt8>>(_ bytes: A, _ other: B) -> Bool {
        bytes.count == other.count && zip(bytes, other).allSatisfy { lower($0) == $1 }
    }

    /// `String.lowercased()` of ASCII text.
    static func asciiLowercased<C: Collection<UInt8>>(_ bytes: C) -> String {
        String(unsafeUninitializedCapacity: bytes.count) { out in
            var n = 0
            for b in bytes { out[n] = lower(b); n += 1 }
            return n
        }
    }

    /// `HardChecks.normalizedImage` for an ASCII reference, on bytes (split as in `hostRange`).
    static func asciiNormalizedImage(_ image: String) -> String {
        let lower = asciiLowercased(image.utf8)
        let parts = lower.utf8.split(separator: slash, maxSplits: 1)
        if parts.count == 2, parts[0].contains(dot) || parts[0].contains(colon) || parts[0].elementsEqual("localhost".utf8) {
            if parts[0].elementsEqual("docker.io".utf8) || parts[0].elementsEqual("index.docker.io".utf8) {
                let rest = String(decoding: parts[1], as: UTF8.self)
                return parts[1].contains(slash) ? "docker.io/" + rest : "docker.io/library/" + rest
            }
            return lower
        }
        return parts.count == 1 ? "docker.io/library/" + lower : "docker.io/" + lower
    }
}

/// Workloads in report order, as positions in the inventory's array: handing out the
/// workloads themselves would copy each (some twenty fields retained and released).
struct WorkloadList {
    let all: [Workload]
    let order: [Int]
    var count: Int { order.count }
    var isEmpty: Bool { order.isEmpty }
    /// The workload at `position` in report order (a copy).
    subscript(position: Int) -> Workload { all[order[position]] }

    /// Calls `body` with a pointer to each workload, in report order; read `pointee.field`.
    func forEachPointer(_ body: (UnsafePointer<Workload>) throws -> Void) rethrows {
        try all.withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            for i in order { try body(base + i) }
        }
    }
}

/// Open-addressing set of workload positions, probed linearly; the caller supplies the hash
/// and decides equality (see `SnapshotIndex.topLevelIndices`).
struct OwnerTable {
    private var slots: [Int32]
    private var hashes: [UInt32]
    private let mask: Int

    init(capacityFor count: Int) {
        var size = 16
        while size < count * 2 { size <<= 1 }
        slots = Array(repeating: -1, count: size)
        hashes = Array(repeating: 0, count: size)
        mask = size - 1
    }

    mutating func insert(_ position: Int, hash: UInt64) {
        var s = Int(truncatingIfNeeded: hash) & mask
        while slots[s] >= 0 { s = (s + 1) & mask }
        slots[s] = Int32(position)
        hashes[s] = UInt32(truncatingIfNeeded: hash >> 32)
    }

    func contains(hash: UInt64, where isMatch: (Int) -> Bool) -> Bool {
        var s = Int(truncatingIfNeeded: hash) & mask
        let tag = UInt32(truncatingIfNeeded: hash >> 32)
        while slots[s] >= 0 {
            if hashes[s] == tag && isMatch(Int(slots[s])) { return true }
            s = (s + 1) & mask
        }
        return false
    }

    /// FNV-1a over the name's UTF-8 bytes, mixed with the kind and namespace numbers. Not
    /// seeded: the keys come from one snapshot, and a collision only costs a string comparison.
    static func hash(kind: Int8, namespace: Int32, name: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        let done: Bool? = name.utf8.withContiguousStorageIfAvailable { bytes in
            for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
            return true
        }
        if done == nil { for b in name.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 } }
        h ^= UInt64(UInt32(bitPattern: namespace)) &* 0x9e37_79b9_7f4a_7c15
        h ^= UInt64(UInt8(bitPattern: kind)) << 56
        // Final mix so the low bits (the slot) depend on every input byte.
        h ^= h >> 33; h = h &* 0xff51_afd7_ed55_8ccd; h ^= h >> 33
        h = h &* 0xc4ce_b9fe_1a85_ec53; h ^= h >> 33
        return h
    }
}

/// Kind, namespace (nil as "") and name of an object.
struct ObjectKey: Hashable {
    var kind: String
    var namespace: String
    var name: String
}

/// Namespace (nil as "") and name of a service account.
struct AccountKey: Hashable {
    var namespace: String
    var name: String
}

extension Array {
    /// `forEach` over pointers to the elements. Iterating the elements (or passing them to a
    /// closure) copies each one: for a `Workload` that retains and releases some twenty fields,
    /// and a dozen checks walk 30,000 workloads each. Reading `pointee.field` copies only that
    /// field. The array must not change during the call.
    func forEachPointer(_ body: (UnsafePointer<Element>) throws -> Void) rethrows {
        try withUnsafeBufferPointer { buf in
            guard let base = buf.baseAddress else { return }
            for i in buf.indices { try body(base + i) }
        }
    }
}
