import XCTest
import PostureModel
@testable import PostureScoring

/// The per-score index must give exactly what the checks derived before it existed: the same
/// top-level workloads, the same order, the same lookups, and waivers recorded in the same order.
final class SnapshotIndexTests: XCTestCase {
    private func owned(_ kind: String, _ name: String, ns: String?, by ownerKind: String, _ owner: String, controller: Bool = true) -> Workload {
        var w = Workload(kind: kind, meta: meta(name, ns))
        w.meta.ownerReferences = [OwnerRef(kind: ownerKind, name: owner, controller: controller)]
        return w
    }

    /// Owners in another namespace, of another kind, missing, or not the controller; nil and ""
    /// namespaces; equal names across namespaces; duplicates.
    private func trickyWorkloads() -> [Workload] {
        [
            Workload(kind: "Deployment", meta: meta("web", "a")),
            owned("ReplicaSet", "web-1", ns: "a", by: "Deployment", "web"),          // owner present → not top level
            owned("Pod", "web-1-x", ns: "a", by: "ReplicaSet", "web-1"),             // owner present → not top level
            owned("ReplicaSet", "web-1", ns: "b", by: "Deployment", "web"),          // same names, no Deployment in b → top level
            owned("Pod", "web-1-x", ns: "b", by: "ReplicaSet", "web-1"),             // owner present in b → not top level
            owned("Pod", "orphan", ns: "a", by: "ReplicaSet", "gone"),               // owner missing → top level
            owned("Pod", "kindless", ns: "a", by: "StatefulSet", "web"),             // a Deployment "web" is not a StatefulSet → top level
            owned("Pod", "ref-only", ns: "a", by: "ReplicaSet", "web-1", controller: false), // not the controller → top level
            Workload(kind: "Job", meta: meta("j", nil)),
            owned("Pod", "j-pod", ns: "", by: "Job", "j"),                           // nil and "" namespaces match, as before
            Workload(kind: "Deployment", meta: meta("web", "a")),                     // duplicate ref
            Workload(kind: "CronJob", meta: meta("web", "a")),
            Workload(kind: "Deployment", meta: meta("Web", "a")),
            Workload(kind: "DaemonSet", meta: meta("agent", "kube-system")),
        ]
    }

    func testTopLevelIndicesMatchTheModelRule() {
        var k = KubernetesInventory()
        k.workloads = trickyWorkloads()
        let indices = SnapshotIndex.topLevelIndices(k.workloads)
        XCTAssertEqual(indices.map { k.workloads[$0] }, k.topLevelWorkloads)
        XCTAssertEqual(indices.map { k.workloads[$0].meta.name },
                       ["web", "web-1", "orphan", "kindless", "ref-only", "j", "web", "web", "Web", "agent"])
        // No owner references at all: every workload, in order.
        k.workloads = [Workload(kind: "Pod", meta: meta("p", "a")), Workload(kind: "Pod", meta: meta("q", "a"))]
        XCTAssertEqual(SnapshotIndex.topLevelIndices(k.workloads), [0, 1])
    }

    /// Many owners, namespaces in and out of runs, nil/"" namespaces, non-ASCII and long names,
    /// controllers and non-controllers: the hash table answers as the model's rule does.
    func testTopLevelIndicesMatchTheModelRuleOnRandomInventories() {
        var rng = SystemRandomNumberGenerator()
        let kinds = ["Deployment", "ReplicaSet", "Pod", "Job", "CronJob", "StatefulSet"]
        let namespaces: [String?] = [nil, "", "a", "b", "ns-with-a-rather-long-name-over-fifteen-bytes", "é"]
        let names = ["web", "web-1", "Web", "wéb", "x", "a-name-that-is-longer-than-fifteen-bytes-0", "a-name-that-is-longer-than-fifteen-bytes-1"]
        for _ in 0..<50 {
            var k = KubernetesInventory()
            for _ in 0..<Int.random(in: 0...300, using: &rng) {
                var w = Workload(kind: kinds.randomElement(using: &rng)!, meta: meta(names.randomElement(using: &rng)!, namespaces.randomElement(using: &rng)!))
                for _ in 0..<Int.random(in: 0...2, using: &rng) {
                    w.meta.ownerReferences.append(OwnerRef(kind: kinds.randomElement(using: &rng)!, name: names.randomElement(using: &rng)!,
                                                           controller: Bool.random(using: &rng)))
                }
                k.workloads.append(w)
            }
            let indices = SnapshotIndex.topLevelIndices(k.workloads)
            XCTAssertEqual(indices.map { k.workloads[$0] }, k.topLevelWorkloads)
        }
    }

    /// Equal hashes are told apart by the caller's equality, and a probe runs past other entries.
    func testOwnerTableSeparatesCollidingEntries() {
        var table = OwnerTable(capacityFor: 40)
        for p in 0..<40 { table.insert(p, hash: 7) }
        for p in 0..<40 { XCTAssertTrue(table.contains(hash: 7) { $0 == p }) }
        XCTAssertFalse(table.contains(hash: 7) { $0 == 40 })
        // Same slot, another tag: the caller is never asked.
        XCTAssertFalse(table.contains(hash: (1 << 32) | 7) { _ in true })
        XCTAssertNotEqual(OwnerTable.hash(kind: 0, namespace: 0, name: "web"), OwnerTable.hash(kind: 1, namespace: 0, name: "web"))
        XCTAssertNotEqual(OwnerTable.hash(kind: 0, namespace: 0, name: "web"), OwnerTable.hash(kind: 0, namespace: 1, name: "web"))
    }

    func testAppWorkloadOrderIsTheStableSortByRef() {
        var k = KubernetesInventory()
        k.workloads = trickyWorkloads()
        let snapshot = goodSnapshot { $0.kubernetes = k }
        let index = SnapshotIndex(snapshot: snapshot, configuration: .default)
        let expected = k.topLevelWorkloads.enumerated()
            .filter { !ScoringConfiguration.default.systemNamespaces.contains($0.element.meta.namespace ?? "\u{0}") }
            .sorted { $0.element.ref < $1.element.ref }
        XCTAssertEqual(index.appWorkloadOrder.map { k.workloads[$0] }, expected.map(\.element))
        let context = EvaluationContext(snapshot: snapshot, configuration: .default, checkID: "HARD-15", objectWaivers: [], index: index)
        let list = context.appWorkloads()
        XCTAssertEqual((0..<list.count).map { list[$0] }, expected.map(\.element))
        var visited: [String] = []
        list.forEachPointer { visited.append($0.pointee.meta.name) }
        XCTAssertEqual(visited, expected.map(\.element.meta.name))
        // The two Deployments a/web are equal by ref: inventory order is kept.
        XCTAssertEqual(index.appWorkloadOrder.filter { k.workloads[$0].ref == KubeRef(kind: "Deployment", namespace: "a", name: "web") }, [0, 10])
        XCTAssertFalse(index.appWorkloadOrder.contains { k.workloads[$0].meta.namespace == "kube-system" })
    }

    func testSortedByRefEqualsAStableSortOnRandomData() {
        var rng = SystemRandomNumberGenerator()
        let kinds = ["Pod", "Deployment", "Job"], namespaces: [String?] = [nil, "", "a", "b", "B"], names = ["x", "y", "X", "x-1", ""]
        for _ in 0..<50 {
            let items = (0..<40).map { _ in
                KubeRef(kind: kinds.randomElement(using: &rng)!, namespace: namespaces.randomElement(using: &rng)!, name: names.randomElement(using: &rng)!)
            }
            let subset = items.indices.filter { _ in Bool.random(using: &rng) }
            let got = SnapshotIndex.sortedByRef(subset, in: items, kind: { $0.pointee.kind }, namespace: { $0.pointee.namespace }, name: { $0.pointee.name })
            XCTAssertEqual(got, subset.sorted { items[$0] < items[$1] })
            let byName = SnapshotIndex.sortedByNamespaceAndName(subset, in: items, namespace: { $0.pointee.namespace }, name: { $0.pointee.name })
            XCTAssertEqual(byName, subset.sorted { (items[$0].namespace ?? "", items[$0].name) < (items[$1].namespace ?? "", items[$1].name) })
        }
    }

    func testRBACIndexSortsBindingsAndResolvesRoleAndClusterRoleOfTheSameName() {
        var k = KubernetesInventory()
        k.roles = [clusterRole("reader", [PolicyRule(apiGroups: [""], resources: ["secrets"], verbs: ["list"])]),
                   role("reader", ns: "a", [PolicyRule(apiGroups: [""], resources: ["pods"], verbs: ["get"])]),
                   role("reader", ns: "b", [PolicyRule(apiGroups: ["*"], resources: ["*"], verbs: ["*"])])]
        k.bindings = [roleBinding("r", ns: "b", roleKind: "Role", role: "reader", []),
                      roleBinding("r", ns: "a", roleKind: "Role", role: "reader", []),
                      binding("c", role: "reader", []),
                      roleBinding("r", ns: "a", roleKind: "ClusterRole", role: "reader", []),
                      roleBinding("missing", ns: "a", roleKind: "Role", role: "nope", [])]
        let index = RBACIndex(k)
        XCTAssertEqual(index.bindings, k.bindings.sorted { $0.ref < $1.ref })
        for (i, b) in index.bindings.enumerated() {
            XCTAssertEqual(index.role(ofBinding: i), index.role(for: b))
            let expected: RBACRole?
            if b.roleRefName == "nope" { expected = nil }
            else if b.roleRefKind == "ClusterRole" { expected = k.roles[0] }
            else { expected = k.roles.first { $0.kind == "Role" && $0.meta.namespace == b.meta.namespace } }
            XCTAssertEqual(index.role(ofBinding: i), expected, "\(b.ref) → \(b.roleRefKind) \(b.roleRefName)")
            XCTAssertEqual(index.escalations(ofBinding: i), RBACRules.escalations(expected?.rules ?? []))
            XCTAssertEqual(index.readsSecrets(ofBinding: i), expected?.rules.contains(where: RBACRules.readsSecrets) ?? false)
            XCTAssertEqual(index.listsSecrets(ofBinding: i), expected?.rules.contains(where: RBACRules.listsSecrets) ?? false)
        }
    }

    func testServiceAccountsWithTheSameNameInTwoNamespaces() {
        // IDENT-06 looks service accounts up by namespace and name: "api" opts out in app, not in other.
        let s = withK8s { k in
            k.serviceAccounts.append(serviceAccount("api", ns: "other", automount: true))
            k.namespaces.append(KubeNamespace(meta: meta("other", nil)))
            k.workloads.append(workload("Deployment", "api", ns: "other") { $0.automountServiceAccountToken = nil })
            k.workloads.append(workload("Deployment", "api2", ns: "app") { $0.automountServiceAccountToken = nil })
        }
        let f = finding("IDENT-06", s)
        XCTAssertEqual(f.affected.map { "\($0.namespace ?? "")/\($0.name)" }, ["other/api"])
        XCTAssertEqual(f.affectedTotal, 1)
    }

    func testIDENT08BindingsToGroupsAndServiceAccounts() {
        let admin = [PolicyRule(apiGroups: ["*"], resources: ["*"], verbs: ["*"])]
        let s = withK8s { k in
            k.namespaces += ["ns1", "ns2"].map { KubeNamespace(meta: meta($0, nil)) }
            k.roles.append(clusterRole("power", admin))
            k.workloads += [workload("Deployment", "w1", ns: "ns1", sa: "runner"), workload("Deployment", "w2", ns: "ns2", sa: "runner"),
                            workload("Deployment", "w3", ns: "ns2", sa: "other")]
            // The namespace group grants ns1 only; the direct binding names ns2/runner twice.
            k.bindings += [roleBinding("g", ns: "ns1", role: "power", [RBACSubject(kind: "Group", name: "system:serviceaccounts:ns1")]),
                           binding("sa", role: "power", [RBACSubject(kind: "ServiceAccount", name: "runner", namespace: "ns2"),
                                                         RBACSubject(kind: "ServiceAccount", name: "runner", namespace: "ns2"),
                                                         RBACSubject(kind: "User", name: "runner")])]
        }
        let f = finding("IDENT-08", s)
        XCTAssertEqual(f.status, .fail)
        XCTAssertEqual(f.affected.map(\.name), ["w1", "w2"])
        XCTAssertEqual(f.affected[0].detail, "service account runner: ClusterRole power (admin) via RoleBinding g")
        XCTAssertEqual(f.affected[1].detail, "service account runner: ClusterRole power (admin) via ClusterRoleBinding sa")
        // The all-service-accounts group reaches every workload, each binding once.
        let all = withK8s { k in
            k.roles.append(clusterRole("power", admin))
            k.bindings.append(binding("every", role: "power", [RBACSubject(kind: "Group", name: "system:serviceaccounts"),
                                                                RBACSubject(kind: "Group", name: "system:serviceaccounts:app")]))
        }
        let g = finding("IDENT-08", all)
        XCTAssertEqual(g.affected.map(\.name), ["api"])
        XCTAssertEqual(g.affected.first?.detail, "service account api: ClusterRole power (admin) via ClusterRoleBinding every")
    }

    func testAWaiverOnOneObjectKeepsTheOrderOfEverythingElse() {
        let s = withK8s { k in
            for (i, n) in ["zeta", "alpha", "mid"].enumerated() {
                k.workloads.append(workload(i == 1 ? "StatefulSet" : "Deployment", n) { $0.hostPID = true })
            }
        }
        let plain = finding("HARD-15", s)
        XCTAssertEqual(plain.affected.map(\.name), ["mid", "zeta", "alpha"])
        let ex = [ScoringException(check: "HARD-15", objects: ["app/zeta"], reason: "r", owner: "o", expires: "2027-01-01")]
        let waived = finding("HARD-15", s, exceptions: ex)
        XCTAssertEqual(waived.affected.map(\.name), ["mid", "alpha"])
        XCTAssertEqual(waived.evidence.filter { $0.path == "waived" }.map(\.value), ["Deployment app/zeta: r (o, until 2027-01-01)"])
        // A pattern matching several objects records them in inventory order; other checks are untouched.
        let many = [ScoringException(check: "HARD-15", objects: ["app/*a"], reason: "r", owner: "o", expires: "2027-01-01")]
        let report = PostureScorer(exceptions: many).score(s, now: testNow)
        XCTAssertEqual(report.finding("HARD-15")!.evidence.filter { $0.path == "waived" }.map(\.value),
                       ["Deployment app/zeta: r (o, until 2027-01-01)", "StatefulSet app/alpha: r (o, until 2027-01-01)"])
        XCTAssertEqual(report.finding("HARD-16")!.affected, finding("HARD-16", s).affected)
    }

    func testRegistryAllowListAgreesWithIsApproved() {
        let images = ["nginx", "nginx:1.27", "library/nginx", "bitnami/redis:7", "docker.io/nginx", "Docker.IO/bitnami/redis",
                      "index.docker.io/nginx", "INDEX.docker.io/x/y", "myacr.azurecr.io/app:1", "MyACR.AzureCR.io/App:1",
                      "myacr.azurecr.io", "myacr.azurecr.io/", "/myacr.azurecr.io/app", "//myacr.azurecr.io//app", "a//b",
                      "localhost/app", "LOCALHOST/app", "localhost:5000/app", "registry:5000/app", "mcr.microsoft.com/oss/x:1",
                      "ghcr.io/org/app@sha256:abc", "", "/", "//", "ü.example.com/app", "myacr.azurecr.io/äpp", "evil.io/myacr.azurecr.io/app"]
        let lists: [[String]] = [["myacr.azurecr.io", "mcr.microsoft.com"], ["docker.io"], ["*.azurecr.io", " MCR.microsoft.com/ "],
                                 ["docker.io/library", "ghcr.io/org"], ["*"], ["localhost"], ["Ü.example.com"], []]
        for allow in lists {
            let list = RegistryAllowList(allow)
            for image in images {
                XCTAssertEqual(list.approves(image), HardChecks.isApproved(image, allow), "\(image) against \(allow)")
            }
        }
    }
}
