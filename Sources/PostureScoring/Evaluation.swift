import PostureModel

/// An input a check reads.
public enum CheckDataSource: Hashable, Sendable, CustomStringConvertible {
    /// A bundle file (`cluster.json`, `acr.json`, …). Node pools come from `nodepools.json`
    /// or, failing that, the cluster's `agentPoolProfiles`, so pool checks name `.cluster`.
    case azure(SourceKind)
    /// Kubernetes kinds that must all be in `KubernetesInventory.collectedKinds`.
    case kubernetes([String])
    /// Any workload kind (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, CronJob).
    case kubernetesWorkloads
    /// Data the bundle format does not carry; checks that need it are unknown by construction.
    case notInBundle(String)

    public var description: String {
        switch self {
        case .azure(let s): s.fileName
        case .kubernetes(let kinds): "kubectl " + kinds.joined(separator: ",")
        case .kubernetesWorkloads: "kubectl workloads"
        case .notInBundle(let what): "\(what) (not in the bundle)"
        }
    }
}

/// What one check's evaluation produced, before the scorer adds catalog data and weights.
struct CheckOutcome {
    var status: CheckStatus
    var credit: Double?
    var summary: String
    var evidence: [Evidence]
    var affected: [AffectedObject]

    static func unknown(_ summary: String, _ evidence: [Evidence] = []) -> CheckOutcome {
        CheckOutcome(status: .unknown, credit: nil, summary: summary, evidence: evidence, affected: [])
    }
    static func notApplicable(_ summary: String, _ evidence: [Evidence] = []) -> CheckOutcome {
        CheckOutcome(status: .notApplicable, credit: nil, summary: summary, evidence: evidence, affected: [])
    }
    static func pass(_ summary: String, _ evidence: [Evidence] = [], affected: [AffectedObject] = []) -> CheckOutcome {
        CheckOutcome(status: .pass, credit: 1, summary: summary, evidence: evidence, affected: affected)
    }
    static func fail(_ summary: String, _ evidence: [Evidence] = [], affected: [AffectedObject] = []) -> CheckOutcome {
        CheckOutcome(status: .fail, credit: 0, summary: summary, evidence: evidence, affected: affected)
    }
    /// Status from the credit: 1 → pass, 0 → fail, anything between → partial.
    static func graded(_ credit: Double, _ summary: String, _ evidence: [Evidence] = [], affected: [AffectedObject] = []) -> CheckOutcome {
        let c = min(1, max(0, credit))
        let status: CheckStatus = c >= 1 ? .pass : (c <= 0 ? .fail : .partial)
        return CheckOutcome(status: status, credit: c, summary: summary, evidence: evidence, affected: affected)
    }
}

/// An object-level waiver pattern in force for one check of one evaluation.
struct ObjectWaiverPattern {
    var pattern: String
    var exceptionIndex: Int
    var waiver: Waiver
}

/// Per-check evaluation state: the snapshot, the configuration, and the object-level waivers
/// of this check (every object a check considers goes through `admit`, which records waived ones).
final class EvaluationContext {
    let snapshot: Snapshot
    let configuration: ScoringConfiguration
    let checkID: String
    let objectWaivers: [ObjectWaiverPattern]
    private(set) var waived: [(object: AffectedObject, waiver: Waiver)] = []
    private(set) var usedExceptionIndices: Set<Int> = []
    private var seenWaived = Set<String>()

    /// Lookups shared by the contexts of one `score` call.
    let index: SnapshotIndex

    init(snapshot: Snapshot, configuration: ScoringConfiguration, checkID: String, objectWaivers: [ObjectWaiverPattern],
         index: SnapshotIndex? = nil) {
        self.snapshot = snapshot; self.configuration = configuration; self.checkID = checkID; self.objectWaivers = objectWaivers
        self.index = index ?? SnapshotIndex(snapshot: snapshot, configuration: configuration)
    }

    var cluster: ManagedCluster { snapshot.cluster }
    var k8s: KubernetesInventory? { snapshot.kubernetes }

    /// Whether an object takes part in the evaluation; false when an object-level exception waives it.
    /// Namespaced objects match patterns as `namespace/name`, cluster-scoped and Azure objects as `name`.
    func admit(kind: String, namespace: String?, name: String) -> Bool {
        guard !objectWaivers.isEmpty else { return true }
        let key = namespace.map { "\($0)/\(name)" } ?? name
        for w in objectWaivers where Glob.matches(w.pattern, key) {
            usedExceptionIndices.insert(w.exceptionIndex)
            let id = "\(kind)|\(key)"
            if seenWaived.insert(id).inserted {
                waived.append((AffectedObject(kind: kind, namespace: namespace, name: name, detail: "waived: \(w.waiver.reason)"), w.waiver))
            }
            return false
        }
        return true
    }

    /// Whether an affected object appended after `count` others reaches the report. Findings
    /// keep the first `affectedLimit` affected objects and only count the rest, so checks that
    /// flag tens of thousands of workloads compose details for those alone.
    func reportsDetail(afterAffected count: Int) -> Bool { count < configuration.affectedLimit }

    func isSystemNamespace(_ ns: String?) -> Bool {
        guard let ns else { return false }
        return configuration.systemNamespaces.contains(ns)
    }

    /// Top-level workloads outside system namespaces that are not waived, by `KubeRef`.
    func appWorkloads() -> WorkloadList {
        guard let k8s else { return WorkloadList(all: [], order: []) }
        // The list and its order come from the shared index; object waivers only take objects
        // out. `admit` is called in inventory order, so recorded waivers keep that order.
        guard !objectWaivers.isEmpty else { return WorkloadList(all: k8s.workloads, order: index.appWorkloadOrder) }
        var admitted = [Bool](repeating: false, count: k8s.workloads.count)
        for i in index.topLevelWorkloadIndices {
            let m = k8s.workloads[i].meta
            guard !isSystemNamespace(m.namespace) else { continue }
            admitted[i] = admit(kind: k8s.workloads[i].kind, namespace: m.namespace, name: m.name)
        }
        return WorkloadList(all: k8s.workloads, order: index.appWorkloadOrder.filter { admitted[$0] })
    }

    /// Node pools (from `nodepools.json` or `agentPoolProfiles`) that are not waived, by name.
    func pools() -> [NodePool] {
        snapshot.nodePools
            .filter { admit(kind: "NodePool", namespace: nil, name: $0.name) }
            .sorted { $0.name < $1.name }
    }

    var nodePoolPathPrefix: String { "agentPoolProfiles" }
    func poolPath(_ pool: NodePool, _ field: String) -> String { "\(nodePoolPathPrefix)[\(pool.name)].\(field)" }
}

/// `*` matches any run of characters (including `/`); everything else matches itself, case-sensitively.
enum Glob {
    static func matches(_ pattern: String, _ text: String) -> Bool {
        if pattern == "*" { return true }
        if !pattern.contains("*") { return pattern == text }
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count && p[pi] != "*" && p[pi] == t[ti] { pi += 1; ti += 1 }
            else if pi < p.count && p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count && p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}

/// Rendering of observed values in evidence.
enum Show {
    static let absent = "(absent)"
    static func bool(_ b: Bool?) -> String { b.map { $0 ? "true" : "false" } ?? absent }
    static func str(_ s: String?) -> String { s.map { "\"\($0)\"" } ?? absent }
    static func list(_ l: [String]?) -> String {
        guard let l else { return absent }
        return "[" + l.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
    }
    static func int(_ i: Int?) -> String { i.map(String.init) ?? absent }
    static func pct(_ x: Double) -> String {
        let v = (x * 1000).rounded() / 10
        return v == v.rounded() ? "\(Int(v))%" : "\(v)%"
    }
}

/// Kubernetes kind names: `collectedKinds` may hold kinds (`Pod`) or resource names (`pods`);
/// both are accepted, case-insensitively.
enum KubeKinds {
    static let workloadKinds = ["Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "CronJob", "ReplicationController"]

    static func plural(_ kind: String) -> String {
        let l = kind.lowercased()
        if l.hasSuffix("policy") { return String(l.dropLast()) + "ies" }
        if l.hasSuffix("ss") || l.hasSuffix("s") { return l + "es" }
        return l + "s"
    }

    static func isCollected(_ kind: String, in collected: Set<String>) -> Bool {
        let lower = Set(collected.map { $0.lowercased() })
        return lower.contains(kind.lowercased()) || lower.contains(plural(kind))
    }
}

extension String {
    var lowerTrimmed: String { trimmingCharacters(in: .whitespaces).lowercased() }
}

import Foundation
