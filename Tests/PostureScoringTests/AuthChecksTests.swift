import XCTest
import PostureModel
@testable import PostureScoring

final class BaselineTests: XCTestCase {
    func testGoodSnapshotPassesEveryEvaluableCheck() {
        let report = PostureScorer().score(goodSnapshot(), now: testNow)
        XCTAssertEqual(report.findings.count, 62)
        for f in report.findings {
            switch f.checkID {
            case "HARD-08", "HARD-12": XCTAssertEqual(f.status, .unknown, f.checkID)
            case "HARD-05", "SEC-05": XCTAssertTrue(f.status == .notApplicable || f.status == .pass, "\(f.checkID) \(f.status)")
            default: XCTAssertTrue(f.status == .pass || f.status == .notApplicable, "\(f.checkID) \(f.status): \(f.summary)")
            }
        }
        XCTAssertEqual(report.overall.score, 100, accuracy: 1e-9)
        XCTAssertTrue(report.overall.caps.isEmpty)
        XCTAssertEqual(report.overall.grade, .A)
    }

    func testCatalogHasTheSixtyTwoCatalogIDsInOrder() {
        let ids = CheckCatalog.all.map(\.id)
        var expected: [String] = []
        for (prefix, n) in [("AUTH", 10), ("IDENT", 11), ("NET", 14), ("SEC", 10), ("HARD", 17)] {
            expected += (1...n).map { String(format: "%@-%02d", prefix, $0) }
        }
        XCTAssertEqual(ids, expected)
        for d in CheckCatalog.all {
            XCTAssertFalse(d.title.isEmpty); XCTAssertFalse(d.rationale.isEmpty); XCTAssertFalse(d.remediation.isEmpty)
            XCTAssertFalse(d.dataSources.isEmpty, d.id)
            XCTAssertTrue(d.id.hasPrefix(d.category.rawValue + "-"), d.id)
        }
        XCTAssertEqual(CheckCatalog.definition("AUTH-03")?.severity, .critical)
        XCTAssertEqual(CheckCatalog.definition("HARD-05")?.severity, .info)
    }
}

final class AuthChecksTests: XCTestCase {
    func testAUTH01Tiers() {
        assertCheck("AUTH-01", goodSnapshot(), .pass, credit: 1)
        assertCheck("AUTH-01", withCluster { $0.aad?.enableAzureRBAC = false }, .partial, credit: 0.5, summaryContains: "Kubernetes RBAC")
        assertCheck("AUTH-01", withCluster { $0.aad?.managed = false; $0.aad?.enableAzureRBAC = nil; $0.aad?.serverAppID = "srv"; $0.aad?.clientAppID = "cli" },
                    .partial, credit: 0.25, summaryContains: "Legacy")
        assertCheck("AUTH-01", withCluster { $0.aad = nil }, .fail, credit: 0)
        let f = finding("AUTH-01", withCluster { $0.aad?.enableAzureRBAC = false })
        XCTAssertTrue(f.evidence.contains(Evidence(path: "aadProfile.enableAzureRBAC", value: "false")))
    }

    func testAUTH02() {
        assertCheck("AUTH-02", goodSnapshot(), .pass)
        assertCheck("AUTH-02", withCluster { $0.disableLocalAccounts = false }, .fail)
        assertCheck("AUTH-02", withCluster { $0.disableLocalAccounts = nil }, .fail)
    }

    func testAUTH03MissingIsGradedAsFailPerCatalog() {
        assertCheck("AUTH-03", goodSnapshot(), .pass)
        assertCheck("AUTH-03", withCluster { $0.enableRBAC = false }, .fail)
        assertCheck("AUTH-03", withCluster { $0.enableRBAC = nil }, .fail, summaryContains: "not set")
    }

    func testAUTH04() {
        assertCheck("AUTH-04", goodSnapshot(), .pass)
        assertCheck("AUTH-04", withCluster { $0.aad?.enableAzureRBAC = false; $0.aad?.adminGroupObjectIDs = ["g1"] }, .pass)
        assertCheck("AUTH-04", withCluster { $0.aad?.enableAzureRBAC = false }, .fail)
        assertCheck("AUTH-04", withCluster { $0.aad = nil }, .notApplicable)
    }

    func testAUTH05() {
        assertCheck("AUTH-05", goodSnapshot(), .pass)
        assertCheck("AUTH-05", withCluster { $0.apiServer.disableRunCommand = nil }, .fail)
    }

    func testAUTH06ClusterAdminBindings() {
        assertCheck("AUTH-06", goodSnapshot(), .pass)
        assertCheck("AUTH-06", withK8s { $0.bindings.append(binding("ops-admins", role: "cluster-admin", [RBACSubject(kind: "Group", name: "0000-ops")])) },
                    .partial, credit: 0.5, affected: 1)
        assertCheck("AUTH-06", withK8s { $0.bindings.append(binding("alice", role: "cluster-admin", [RBACSubject(kind: "User", name: "alice@example.com")])) },
                    .fail, affected: 1)
        assertCheck("AUTH-06", withK8s { $0.bindings.append(binding("ci", role: "cluster-admin", [RBACSubject(kind: "ServiceAccount", name: "ci", namespace: "app")])) },
                    .fail)
        // AKS-managed bindings (addon-manager label) are built-in.
        assertCheck("AUTH-06", withK8s { k in
            var b = binding("aks-cluster-admin-binding", role: "cluster-admin", [RBACSubject(kind: "User", name: "clusterAdmin")])
            b.meta.labels["addonmanager.kubernetes.io/mode"] = "Reconcile"
            k.bindings.append(b)
        }, .pass)
        assertCheck("AUTH-06", withK8s { $0.collectedKinds.remove("ClusterRoleBinding") }, .unknown, summaryContains: "clusterrolebindings")
        assertCheck("AUTH-06", goodSnapshot { $0.kubernetes = nil }, .unknown, summaryContains: "not collected")
        let f = finding("AUTH-06", withK8s { $0.bindings.append(binding("alice", role: "cluster-admin", [RBACSubject(kind: "User", name: "alice@example.com")])) })
        XCTAssertEqual(f.affected.first?.detail, "binds cluster-admin to User alice@example.com")
    }

    func testAUTH07Wildcards() {
        assertCheck("AUTH-07", goodSnapshot(), .pass)
        // Unbound wildcard role: partial by the fraction of roles without wildcards (1 of 2).
        assertCheck("AUTH-07", withK8s { $0.roles.append(role("all", ns: "app", [PolicyRule(apiGroups: [""], resources: ["*"], verbs: ["get"])])) },
                    .partial, credit: 0.5, affected: 1)
        assertCheck("AUTH-07", withK8s { k in
            k.roles.append(role("all", ns: "app", [PolicyRule(apiGroups: [""], resources: ["*"], verbs: ["get"])]))
            k.bindings.append(roleBinding("all", ns: "app", roleKind: "Role", role: "all", [RBACSubject(kind: "User", name: "bob")]))
        }, .fail)
        assertCheck("AUTH-07", withK8s { $0.collectedKinds.remove("Role") }, .unknown)
    }

    func testAUTH08SecretReads() {
        assertCheck("AUTH-08", goodSnapshot(), .pass)
        let reader = clusterRole("secret-reader", [PolicyRule(apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"])])
        assertCheck("AUTH-08", withK8s { k in
            k.roles.append(reader)
            k.bindings.append(roleBinding("read", ns: "app", roleKind: "ClusterRole", role: "secret-reader", [RBACSubject(kind: "User", name: "bob")]))
        }, .partial, credit: 0.5, affected: 1)
        assertCheck("AUTH-08", withK8s { k in
            k.roles.append(reader)
            k.bindings.append(roleBinding("read1", ns: "app", roleKind: "ClusterRole", role: "secret-reader", [RBACSubject(kind: "User", name: "bob")]))
            k.bindings.append(roleBinding("read2", ns: "app", roleKind: "ClusterRole", role: "secret-reader", [RBACSubject(kind: "Group", name: "devs")]))
            k.bindings.append(roleBinding("read3", ns: "app", roleKind: "ClusterRole", role: "secret-reader", [RBACSubject(kind: "Group", name: "ops")]))
        }, .partial, credit: 0.25, affected: 3)
        assertCheck("AUTH-08", withK8s { k in
            k.roles.append(reader)
            k.bindings.append(binding("read-all", role: "secret-reader", [RBACSubject(kind: "ServiceAccount", name: "api", namespace: "app")]))
        }, .fail, summaryContains: "all namespaces")
    }

    func testAUTH09AnonymousBindings() {
        assertCheck("AUTH-09", goodSnapshot(), .pass) // the bootstrap system:discovery binding is a default
        assertCheck("AUTH-09", withK8s { $0.bindings.append(binding("oops", role: "view", [RBACSubject(kind: "Group", name: "system:authenticated")])) }, .fail, affected: 1)
        assertCheck("AUTH-09", withK8s { $0.bindings.append(roleBinding("anon", ns: "app", role: "view", [RBACSubject(kind: "User", name: "system:anonymous")])) }, .fail)
    }

    func testAUTH10EscalationVerbs() {
        assertCheck("AUTH-10", goodSnapshot(), .pass)
        let exec = role("exec", ns: "app", [PolicyRule(apiGroups: [""], resources: ["pods/exec"], verbs: ["create"])])
        assertCheck("AUTH-10", withK8s { k in
            k.roles.append(exec)
            k.bindings.append(roleBinding("exec", ns: "app", roleKind: "Role", role: "exec", [RBACSubject(kind: "User", name: "bob")]))
        }, .partial, credit: 0.5, affected: 1)
        assertCheck("AUTH-10", withK8s { k in
            k.roles.append(clusterRole("binder", [PolicyRule(apiGroups: ["rbac.authorization.k8s.io"], resources: ["clusterroles"], verbs: ["bind"])]))
            k.bindings.append(binding("binder", role: "binder", [RBACSubject(kind: "ServiceAccount", name: "api", namespace: "app")]))
        }, .fail)
        // A role with only get on pods is no escalation.
        assertCheck("AUTH-10", withK8s { k in
            k.roles.append(role("view-pods", ns: "app", [PolicyRule(apiGroups: [""], resources: ["pods"], verbs: ["get", "list"])]))
            k.bindings.append(roleBinding("v", ns: "app", roleKind: "Role", role: "view-pods", [RBACSubject(kind: "ServiceAccount", name: "api", namespace: "app")]))
        }, .pass)
    }
}
