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
    static func topLevelIndices(_ ws: [Workload]) -> [Int] {
        // Fields are read through the buffer so no whole `Workload` (≈20 fields) is copied.
        ws.withUnsafeBufferPointer { buf in
            // Only kinds that some workload names as its controller can be an owner, so only
            // those go into the set (at 100,000 pods that leaves out almost every Pod).
            // `ObjectMeta.controllerOwner` (another module's computed property) would copy the
            // whole metadata per call; the same rule is applied to the stored array instead.
            func controllerOwner(_ i: Int) -> OwnerRef? { buf[i].meta.ownerReferences.first { $0.controller } }
            var ownerKinds = Set<String>()
            for i in buf.indices { if let o = controllerOwner(i) { ownerKinds.insert(o.kind) } }
            guard !ownerKinds.isEmpty else { return Array(buf.indices) }
            var present = Set<ObjectKey>()
            for i in buf.indices where ownerKinds.contains(buf[i].kind) {
                present.insert(ObjectKey(kind: buf[i].kind, namespace: buf[i].meta.namespace ?? "", name: buf[i].meta.name))
            }
            var out: [Int] = []
            out.reserveCapacity(buf.count)
            for i in buf.indices {
                if let o = controllerOwner(i), present.contains(ObjectKey(kind: o.kind, namespace: buf[i].meta.namespace ?? "", name: o.name)) { continue }
                out.append(i)
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
        return Self.sortedByRef(candidates, in: ws, kind: { $0.kind }, namespace: { $0.meta.namespace }, name: { $0.meta.name })
    }()

    /// The app workloads themselves, built once for the checks that run without object waivers.
    private(set) lazy var appWorkloads: [Workload] = {
        guard let ws = k8s?.workloads else { return [] }
        return appWorkloadOrder.map { ws[$0] }
    }()

    /// Sorts `indices` of `items` by (kind, namespace ?? "", name), ties by index — the order of a
    /// stable sort by `KubeRef` — comparing ranks for kind and namespace (few distinct values) so
    /// most comparisons touch only one string.
    static func sortedByRef<T>(_ indices: [Int], in items: [T], kind: (T) -> String, namespace: (T) -> String?, name: (T) -> String) -> [Int] {
        let kindRank = ranks(indices.map { kind(items[$0]) })
        let nsRank = ranks(indices.map { namespace(items[$0]) ?? "" })
        var keyed: [(kind: Int, ns: Int, pos: Int)] = []
        keyed.reserveCapacity(indices.count)
        for p in indices.indices { keyed.append((kindRank[p], nsRank[p], p)) }
        let names = indices.map { name(items[$0]) }
        keyed.sort { a, b in
            if a.kind != b.kind { return a.kind < b.kind }
            if a.ns != b.ns { return a.ns < b.ns }
            if names[a.pos] != names[b.pos] { return names[a.pos] < names[b.pos] }
            return indices[a.pos] < indices[b.pos]
        }
        return keyed.map { indices[$0.pos] }
    }

    /// Sorts `indices` of `items` by (namespace ?? "", name), ties by index.
    static func sortedByNamespaceAndName<T>(_ indices: [Int], in items: [T], namespace: (T) -> String?, name: (T) -> String) -> [Int] {
        sortedByRef(indices, in: items, kind: { _ in "" }, namespace: namespace, name: name)
    }

    /// For each value, its rank among the distinct values in `String` order (equal values, equal rank).
    static func ranks(_ values: [String]) -> [Int] {
        var distinct: [String: Int] = [:]
        for v in values where distinct[v] == nil { distinct[v] = 0 }
        for (r, v) in distinct.keys.sorted().enumerated() { distinct[v] = r }
        return values.map { distinct[$0]! }
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

    // MARK: Images

    private var imageApproval: [String: Bool] = [:]
    private var imageAllowList: RegistryAllowList?

    /// `HardChecks.isApproved`, remembered per distinct image for one allow-list (a cluster runs
    /// far fewer images than containers).
    func isApproved(_ image: String, allow: [String]) -> Bool {
        if imageAllowList?.allow != allow { imageApproval = [:]; imageAllowList = RegistryAllowList(allow) }
        if let known = imageApproval[image] { return known }
        let ok = imageAllowList!.approves(image)
        imageApproval[image] = ok
        return ok
    }
}

/// HARD-14's allow-list with its entries normalized once (`HardChecks.isApproved` trims and
/// lower-cases every entry for every image, through Foundation).
struct RegistryAllowList {
    let allow: [String]
    private let entries: [(isPath: Bool, pathPrefix: String, pattern: String)]

    init(_ allow: [String]) {
        self.allow = allow
        entries = allow.map { entry in
            let e = entry.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "/ "))
            return (e.contains("/"), e + "/", e)
        }
    }

    /// Same answer as `HardChecks.isApproved(image, allow)`. ASCII references (all real ones)
    /// take a byte-level path; anything else goes through the original function.
    func approves(_ image: String) -> Bool {
        guard image.utf8.allSatisfy({ $0 < 0x80 }) else { return HardChecks.isApproved(image, allow) }
        let host = Self.asciiRegistryHost(image), full = Self.asciiNormalizedImage(image)
        return entries.contains { e in e.isPath ? full.hasPrefix(e.pathPrefix) : Glob.matches(e.pattern, host) }
    }

    private static let dot = UInt8(ascii: "."), colon = UInt8(ascii: ":"), slash = UInt8(ascii: "/")

    /// `String.lowercased()` of ASCII text.
    private static func asciiLowercased<C: Collection<UInt8>>(_ bytes: C) -> String {
        String(decoding: bytes.lazy.map { $0 &- UInt8(ascii: "A") < 26 ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Whether an ASCII host part is a registry name: `registryHost`'s test.
    private static func looksLikeHost<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        bytes.contains(dot) || bytes.contains(colon) || bytes.elementsEqual("localhost".utf8)
    }

    /// `HardChecks.registryHost` for an ASCII reference, on bytes. Splitting the UTF-8 view
    /// finds the same parts as splitting the characters: in ASCII every character is one byte,
    /// except CR LF, which holds no `/`.
    static func asciiRegistryHost(_ image: String) -> String {
        let parts = image.utf8.split(separator: slash, maxSplits: 1)
        guard parts.count == 2 else { return "docker.io" }
        let first = asciiLowercased(parts[0])
        if first == "index.docker.io" { return "docker.io" }
        if looksLikeHost(first.utf8) { return first }
        return "docker.io"
    }

    /// `HardChecks.normalizedImage` for an ASCII reference, on bytes.
    static func asciiNormalizedImage(_ image: String) -> String {
        let lower = asciiLowercased(image.utf8)
        let parts = lower.utf8.split(separator: slash, maxSplits: 1)
        if parts.count == 2, looksLikeHost(parts[0]) {
            if parts[0].elementsEqual("docker.io".utf8) || parts[0].elementsEqual("index.docker.io".utf8) {
                let rest = String(decoding: parts[1], as: UTF8.self)
                return parts[1].contains(slash) ? "docker.io/" + rest : "docker.io/library/" + rest
            }
            return lower
        }
        return parts.count == 1 ? "docker.io/library/" + lower : "docker.io/" + lower
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
