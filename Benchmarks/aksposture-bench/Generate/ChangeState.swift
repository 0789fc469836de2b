import Foundation

/// How far each object has drifted from its first version in a generated history.
///
/// Between consecutive snapshots every object changes independently with probability `churn`.
/// A change bumps the object's version (new resourceVersion, a label/annotation edit; for pods a
/// restart) and remembers the snapshot it happened in. Some pod changes replace the pod (a new
/// name and uid: one pod removed, one added), and some Deployment changes are rollouts (a new
/// image, so a new ReplicaSet whose pods are all new).
struct ChangeState {
    struct Track {
        var version: [UInt16]
        var changedAt: [UInt16]
        init(_ n: Int) { version = .init(repeating: 0, count: n); changedAt = .init(repeating: 0, count: n) }
        func v(_ i: Int) -> Int { i < version.count ? Int(version[i]) : 0 }
        func at(_ i: Int) -> Int { i < changedAt.count ? Int(changedAt[i]) : 0 }
    }
    private(set) var snapshot = 0
    private(set) var tracks: [Tag: Track] = [:]
    /// Pod replacements so far, by global pod index.
    private(set) var podGeneration: [UInt16]
    /// Rollouts so far, by deployment index.
    private(set) var rollouts: [UInt16]
    /// Snapshot of the last rollout, by deployment index.
    private(set) var rolledOutAt: [UInt16]

    let seed: UInt64
    let churn: Double

    init(layout: ClusterLayout, churn: Double) {
        seed = layout.seed
        self.churn = churn
        let counts: [Tag: Int] = ChangeState.counts(layout)
        for (t, n) in counts { tracks[t] = Track(n) }
        podGeneration = .init(repeating: 0, count: layout.podCount)
        rollouts = .init(repeating: 0, count: layout.deployments.count)
        rolledOutAt = .init(repeating: 0, count: layout.deployments.count)
    }

    static func counts(_ l: ClusterLayout) -> [Tag: Int] {
        [.namespace: l.namespaceNames.count, .serviceAccount: l.scale.serviceAccounts + l.namespaceNames.count,
         .pod: l.podCount, .deployment: l.deployments.count, .daemonSet: l.daemonSets.count,
         .statefulSet: l.statefulSets.count, .cronJob: l.cronJobs.count, .service: l.scale.services,
         .ingress: l.ingressCount, .networkPolicy: l.scale.networkPolicies, .role: l.roleCount,
         .roleBinding: l.scale.roleBindings, .clusterRole: 80 + l.customClusterRoleCount,
         .clusterRoleBinding: 60 + l.customClusterRoleBindingCount, .secret: l.scale.secrets,
         .configMap: l.configMapCount + l.namespaceNames.count, .spc: l.spcCount]
    }

    /// Moves to the next snapshot, drawing which objects change.
    mutating func advance() {
        snapshot += 1
        guard churn > 0 else { return }
        let k = UInt16(truncatingIfNeeded: snapshot)
        for tag in tracks.keys.sorted(by: { $0.rawValue < $1.rawValue }) {
            var t = tracks[tag]!
            for i in t.version.indices {
                var d = Draw(seed, .change, Int(tag.rawValue) << 40 | i, snapshot)
                guard d.chance(churn) else { continue }
                t.version[i] &+= 1
                t.changedAt[i] = k
                if tag == .pod, d.chance(0.3) { podGeneration[i] &+= 1 }
                if tag == .deployment, d.chance(0.2) { rollouts[i] &+= 1; rolledOutAt[i] = k }
            }
            tracks[tag] = t
        }
    }

    func version(_ tag: Tag, _ i: Int) -> Int { tracks[tag]?.v(i) ?? 0 }
    func changedAt(_ tag: Tag, _ i: Int) -> Int { tracks[tag]?.at(i) ?? 0 }
    func podGen(_ p: Int) -> Int { p < podGeneration.count ? Int(podGeneration[p]) : 0 }
    func rollout(_ d: Int) -> Int { d < rollouts.count ? Int(rollouts[d]) : 0 }
    func rolledOut(_ d: Int) -> Int { d < rolledOutAt.count ? Int(rolledOutAt[d]) : 0 }
}
