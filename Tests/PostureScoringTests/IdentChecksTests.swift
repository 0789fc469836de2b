import XCTest
import PostureModel
@testable import PostureScoring

final class IdentChecksTests: XCTestCase {
    func testIDENT01() {
        assertCheck("IDENT-01", goodSnapshot(), .pass)
        assertCheck("IDENT-01", withCluster { $0.identityType = nil; $0.servicePrincipalClientID = "11111111-2222-3333-4444-555555555555" }, .fail)
        assertCheck("IDENT-01", withCluster { $0.kubeletIdentity = nil }, .unknown)
        assertCheck("IDENT-01", withCluster { $0.identityType = nil; $0.servicePrincipalClientID = nil; $0.kubeletIdentity = nil }, .unknown)
    }

    func testIDENT02Tiers() {
        assertCheck("IDENT-02", goodSnapshot(), .pass)
        assertCheck("IDENT-02", withCluster { $0.workloadIdentityEnabled = false }, .partial, credit: 0.5)
        assertCheck("IDENT-02", withCluster { $0.workloadIdentityEnabled = nil; $0.oidcIssuerEnabled = nil }, .fail)
    }

    func testIDENT03Wiring() {
        assertCheck("IDENT-03", goodSnapshot(), .pass) // WI on, nobody uses it
        let labelled: (inout KubernetesInventory) -> Void = { k in k.workloads[0].podLabels["azure.workload.identity/use"] = "true" }
        assertCheck("IDENT-03", withK8s { k in labelled(&k); k.serviceAccounts[1] = serviceAccount("api", clientID: "cid") }, .pass)
        assertCheck("IDENT-03", withK8s(labelled), .fail, affected: 1)
        assertCheck("IDENT-03", withK8s { k in k.serviceAccounts[1] = serviceAccount("api", clientID: "cid") }, .partial, credit: 0.5, summaryContains: "half-wired")
        assertCheck("IDENT-03", withK8s { k in k.serviceAccounts.append(serviceAccount("orphan", clientID: "cid")) }, .partial, credit: 0.5)
        assertCheck("IDENT-03", goodSnapshot(cluster: goodCluster { $0.workloadIdentityEnabled = false }), .notApplicable)
        var s = goodSnapshot(cluster: goodCluster { $0.workloadIdentityEnabled = false })
        s.kubernetes = goodInventory(labelled)
        assertCheck("IDENT-03", s, .fail, summaryContains: "labelled")
        assertCheck("IDENT-03", withK8s { $0.collectedKinds.remove("ServiceAccount") }, .unknown)
    }

    func testIDENT04() {
        assertCheck("IDENT-04", goodSnapshot(), .pass)
        assertCheck("IDENT-04", withCluster { $0.podIdentityEnabled = true }, .fail)
    }

    func testIDENT05HostPathCredentials() {
        assertCheck("IDENT-05", goodSnapshot(), .pass)
        assertCheck("IDENT-05", withK8s { k in
            var v = Volume(name: "azure", source: .hostPath); v.hostPath = "/etc/kubernetes/azure.json"
            k.workloads[0].volumes.append(v)
        }, .fail, affected: 1)
        assertCheck("IDENT-05", withK8s { k in
            var v = Volume(name: "data", source: .hostPath); v.hostPath = "/var/lib/app"
            k.workloads[0].volumes.append(v)
        }, .pass)
        XCTAssertTrue(IdentChecks.isCredentialPath("/home/u/.azure/"))
        XCTAssertTrue(IdentChecks.isCredentialPath("/"))
        XCTAssertFalse(IdentChecks.isCredentialPath("/etcd-data"))
    }

    func testIDENT06AutomountFraction() {
        assertCheck("IDENT-06", goodSnapshot(), .pass)
        // Two app workloads, one automounting through its service account (nil on pod, nil on SA → true).
        assertCheck("IDENT-06", withK8s { k in
            k.workloads.append(workload("StatefulSet", "db", sa: "db") { $0.automountServiceAccountToken = nil })
            k.serviceAccounts.append(serviceAccount("db", automount: nil))
        }, .partial, credit: 0.5, affected: 1)
        // The service account's false is inherited when the pod says nothing.
        assertCheck("IDENT-06", withK8s { k in
            k.workloads.append(workload("StatefulSet", "db", sa: "db") { $0.automountServiceAccountToken = nil })
            k.serviceAccounts.append(serviceAccount("db", automount: false))
        }, .pass)
        assertCheck("IDENT-06", withK8s { k in k.workloads[0].automountServiceAccountToken = true }, .fail, credit: 0)
        assertCheck("IDENT-06", withK8s { k in k.workloads.removeAll { $0.meta.namespace == "app" } }, .notApplicable)
    }

    func testIDENT06CountsADeploymentOnceNotPerReplica() {
        let s = withK8s { k in
            k.workloads[0].automountServiceAccountToken = nil
            k.serviceAccounts[1].automountServiceAccountToken = nil
            var rs = Workload(kind: "ReplicaSet", meta: meta("api-5d9", "app"))
            rs.meta.ownerReferences = [OwnerRef(kind: "Deployment", name: "api", controller: true)]
            rs.containers = [container()]
            k.workloads.append(rs)
            for i in 0..<3 {
                var p = Workload(kind: "Pod", meta: meta("api-5d9-\(i)", "app"))
                p.meta.ownerReferences = [OwnerRef(kind: "ReplicaSet", name: "api-5d9", controller: true)]
                p.containers = [container()]
                k.workloads.append(p)
            }
        }
        assertCheck("IDENT-06", s, .fail, affected: 1)
    }

    func testIDENT07DefaultServiceAccount() {
        assertCheck("IDENT-07", goodSnapshot(), .pass)
        // Items: 1 workload + 2 default SAs; the workload runs as default → 2/3.
        assertCheck("IDENT-07", withK8s { k in k.workloads[0].serviceAccountName = nil }, .partial, credit: 2.0 / 3.0)
        assertCheck("IDENT-07", withK8s { k in k.bindings.append(roleBinding("d", ns: "app", role: "view", [RBACSubject(kind: "ServiceAccount", name: "default", namespace: "app")])) }, .fail)
        assertCheck("IDENT-07", withK8s { k in k.workloads = [] ; k.serviceAccounts = [] }, .notApplicable)
        // Built-in namespaces without pods do not count.
        assertCheck("IDENT-07", withK8s { k in k.serviceAccounts.append(serviceAccount("default", ns: "kube-public", automount: nil)) }, .pass)
    }

    func testIDENT08TakeoverRoles() {
        assertCheck("IDENT-08", goodSnapshot(), .pass)
        assertCheck("IDENT-08", withK8s { k in k.bindings.append(binding("api-admin", role: "cluster-admin", [RBACSubject(kind: "ServiceAccount", name: "api", namespace: "app")])) },
                    .fail, affected: 1)
        assertCheck("IDENT-08", withK8s { k in k.bindings.append(binding("all-sa", role: "cluster-admin", [RBACSubject(kind: "Group", name: "system:serviceaccounts:app")])) }, .fail)
    }

    func testIDENT09And10Registries() {
        assertCheck("IDENT-09", goodSnapshot(), .pass)
        assertCheck("IDENT-09", goodSnapshot { $0.registries = [goodRegistry(), goodRegistry { $0.name = "old"; $0.adminUserEnabled = true }] }, .fail, affected: 1)
        assertCheck("IDENT-09", goodSnapshot { $0.registries = [] }, .notApplicable)
        assertCheck("IDENT-09", goodSnapshot { $0.registries = nil }, .unknown, summaryContains: "acr.json missing")
        assertCheck("IDENT-09", goodSnapshot { $0.registries = [goodRegistry { $0.adminUserEnabled = nil }] }, .unknown)

        assertCheck("IDENT-10", goodSnapshot(), .pass)
        assertCheck("IDENT-10", goodSnapshot { $0.registries = [goodRegistry { $0.armAudienceTokenPolicyStatus = "enabled" }] }, .partial, credit: 0.5)
        assertCheck("IDENT-10", goodSnapshot { $0.registries = [goodRegistry { $0.anonymousPullEnabled = true }] }, .fail)
        assertCheck("IDENT-10", goodSnapshot { $0.registries = nil }, .unknown)
    }

    func testIDENT11RoleAssignments() {
        assertCheck("IDENT-11", goodSnapshot(), .pass)
        func with(_ role: String, _ scope: String) -> Snapshot {
            goodSnapshot { s in
                var a = RoleAssignment(); a.principalName = "wi-app"; a.roleDefinitionName = role; a.scope = scope
                s.roleAssignments!.append(a)
            }
        }
        assertCheck("IDENT-11", with("Contributor", "/subscriptions/s1/resourceGroups/rg"), .fail, affected: 1)
        assertCheck("IDENT-11", with("Owner", "/subscriptions/s1"), .fail)
        assertCheck("IDENT-11", with("Reader", "/subscriptions/s1/resourceGroups/rg"), .partial, credit: 0.5)
        assertCheck("IDENT-11", with("Contributor", "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/st"), .pass)
        // The node resource group belongs to AKS.
        assertCheck("IDENT-11", with("Contributor", "/subscriptions/s1/resourceGroups/MC_rg_aks-good_westeurope"), .pass)
        assertCheck("IDENT-11", goodSnapshot { $0.roleAssignments = nil }, .unknown)
        // Role given only by definition id.
        assertCheck("IDENT-11", goodSnapshot { s in
            var a = RoleAssignment(); a.principalID = "p"; a.scope = "/subscriptions/s1"
            a.roleDefinitionID = "/subscriptions/s1/providers/Microsoft.Authorization/roleDefinitions/8e3af657-a8ff-443c-a75c-2fe8c4bcb635"
            s.roleAssignments = [a]
        }, .fail)
    }
}
