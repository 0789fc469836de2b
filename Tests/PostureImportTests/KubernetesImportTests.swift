import Foundation
import XCTest
import PostureModel
@testable import PostureImport

final class KubernetesImportTests: XCTestCase {
    private func inventory(_ json: String, file: String = "objects.json") throws -> KubernetesInventory {
        var inv = KubernetesInventory()
        try DocumentImporter.kubernetes(from: Data(json.utf8), file: file, into: &inv)
        return inv
    }

    static let workloads = #"""
    {"apiVersion": "v1", "items": [
      {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "shop", "uid": "u1", "labels": {"app": "web"},
         "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}", "note": "x"},
         "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-abc", "controller": true}]},
       "spec": {"serviceAccountName": "web-sa", "automountServiceAccountToken": false, "hostNetwork": true, "nodeName": "node-1",
         "securityContext": {"runAsNonRoot": true, "runAsUser": 1000},
         "volumes": [{"name": "host", "hostPath": {"path": "/var/run/docker.sock"}}, {"name": "sec", "secret": {"secretName": "db"}},
                     {"name": "cm", "configMap": {"name": "cfg"}}, {"name": "kv", "csi": {"driver": "secrets-store.csi.k8s.io", "volumeAttributes": {"secretProviderClass": "spc-kv"}}},
                     {"name": "tok", "projected": {"sources": [{"serviceAccountToken": {"path": "token"}}, {"secret": {"name": "extra"}}]}},
                     {"name": "tmp", "emptyDir": {}}, {"name": "data", "persistentVolumeClaim": {"claimName": "pvc"}}, {"name": "nfs", "nfs": {"server": "x"}}],
         "initContainers": [{"name": "init", "image": "busybox:1.36", "securityContext": {"privileged": true, "capabilities": {"add": ["NET_ADMIN"]}}}],
         "containers": [{"name": "app", "image": "acrone.azurecr.io/web:1.2", "ports": [{"containerPort": 8080, "hostPort": 80, "protocol": "TCP"}],
           "securityContext": {"allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true, "runAsUser": 2000},
           "env": [{"name": "DB_PASSWORD", "value": "fixture-literal"}, {"name": "LOG_LEVEL", "value": "debug"}, {"name": "EMPTY_TOKEN", "value": ""},
                   {"name": "STORAGE", "value": "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=fixture"},
                   {"name": "DB_USER", "valueFrom": {"secretKeyRef": {"name": "db", "key": "user"}}},
                   {"name": "MODE", "valueFrom": {"configMapKeyRef": {"name": "cfg", "key": "mode"}}},
                   {"name": "POD_IP", "valueFrom": {"fieldRef": {"fieldPath": "status.podIP"}}}],
           "envFrom": [{"secretRef": {"name": "all-db"}}, {"configMapRef": {"name": "cfg"}}]}]},
       "status": {"phase": "Running"}},
      {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "nightly", "namespace": "shop"},
       "spec": {"schedule": "0 1 * * *", "jobTemplate": {"spec": {"template": {"metadata": {"labels": {"job": "nightly"}, "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{}"}},
         "spec": {"serviceAccount": "legacy-sa", "hostPID": true, "containers": [{"name": "run", "image": "tool:latest"}]}}}}}},
      {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "shop"},
       "spec": {"replicas": 3, "template": {"metadata": {"labels": {"app": "web", "azure.workload.identity/use": "true"}}, "spec": {"containers": [{"name": "app", "image": "web:1"}]}}}},
      {"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "old", "namespace": "shop"},
       "spec": {"replicas": 1, "template": {"spec": {"hostIPC": true, "containers": [{"name": "c", "image": "old:1"}]}}}}
    ], "kind": "List", "metadata": {"resourceVersion": ""}}
    """#

    func testWorkloads() throws {
        let inv = try inventory(Self.workloads)
        XCTAssertEqual(inv.workloads.map(\.kind), ["Pod", "CronJob", "Deployment", "ReplicationController"])
        let pod = inv.workloads[0]
        XCTAssertEqual(pod.meta.annotations, ["note": "x"], "last-applied-configuration is dropped")
        XCTAssertEqual(pod.meta.controllerOwner?.name, "web-abc")
        XCTAssertEqual(pod.podLabels, ["app": "web"])
        XCTAssertEqual(pod.serviceAccountName, "web-sa")
        XCTAssertEqual(pod.automountServiceAccountToken, false)
        XCTAssertTrue(pod.hostNetwork)
        XCTAssertEqual(pod.phase, "Running")
        XCTAssertEqual(pod.nodeName, "node-1")
        XCTAssertEqual(pod.podRunAsNonRoot, true)
        XCTAssertEqual(pod.podRunAsUser, 1000)
        XCTAssertEqual(pod.volumes.map(\.source), [.hostPath, .secret, .configMap, .csi, .projected, .emptyDir, .persistentVolumeClaim, .other])
        XCTAssertEqual(pod.volumes[0].hostPath, "/var/run/docker.sock")
        XCTAssertEqual(pod.volumes[1].secretName, "db")
        XCTAssertEqual(pod.volumes[3].secretProviderClass, "spc-kv")
        XCTAssertEqual(pod.volumes[4].projectedSecretNames, ["extra"])
        XCTAssertTrue(pod.volumes[4].projectsServiceAccountToken)
        XCTAssertEqual(pod.containers.map(\.name), ["init", "app"])
        XCTAssertTrue(pod.containers[0].isInit)
        XCTAssertEqual(pod.containers[0].privileged, true)
        XCTAssertEqual(pod.containers[0].addedCapabilities, ["NET_ADMIN"])
        let app = pod.containers[1]
        XCTAssertEqual(app.ports, [ContainerPort(containerPort: 8080, hostPort: 80, protocol: "TCP")])
        XCTAssertEqual(app.readOnlyRootFilesystem, true)
        XCTAssertEqual(app.runAsUser, 2000)
        XCTAssertEqual(app.literalEnvNames, ["DB_PASSWORD", "LOG_LEVEL", "EMPTY_TOKEN", "STORAGE"])
        XCTAssertEqual(app.credentialLikeEnvNames, ["DB_PASSWORD", "STORAGE"])
        XCTAssertEqual(app.secretEnv, [SecretEnvRef(variable: "DB_USER", secretName: "db", key: "user"),
                                       SecretEnvRef(variable: nil, secretName: "all-db", key: nil)])
        XCTAssertEqual(app.configMapEnvNames, ["MODE"])

        let cron = inv.workloads[1]
        XCTAssertEqual(cron.podLabels, ["job": "nightly"])
        XCTAssertEqual(cron.podAnnotations, [:])
        XCTAssertEqual(cron.serviceAccountName, "legacy-sa")
        XCTAssertTrue(cron.hostPID)
        XCTAssertEqual(cron.containers.first?.image, "tool:latest")
        XCTAssertEqual(inv.workloads[2].replicas, 3)
        XCTAssertEqual(inv.workloads[2].effectiveServiceAccountName, "default")
        XCTAssertTrue(inv.workloads[3].hostIPC)
        XCTAssertEqual(inv.collectedKinds, ["Pod", "CronJob", "Deployment", "ReplicationController"])
    }

    func testNetworkObjects() throws {
        let json = #"""
        {"kind": "List", "items": [
          {"kind": "Service", "metadata": {"name": "lb", "namespace": "shop", "annotations": {"service.beta.kubernetes.io/azure-load-balancer-internal": "true"}},
           "spec": {"type": "LoadBalancer", "clusterIP": "10.0.1.2", "loadBalancerSourceRanges": ["10.0.0.0/8"], "selector": {"app": "web"},
                    "ports": [{"name": "http", "port": 80, "targetPort": "http", "nodePort": 31000, "protocol": "TCP"}, {"port": 443, "targetPort": 8443}]},
           "status": {"loadBalancer": {"ingress": [{"ip": "10.1.2.3"}, {"hostname": "lb.example"}]}}},
          {"kind": "Service", "metadata": {"name": "plain"}, "spec": {}},
          {"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "web", "namespace": "shop"},
           "spec": {"ingressClassName": "nginx", "rules": [{"host": "shop.example"}, {"http": {}}], "tls": [{"hosts": ["shop.example"], "secretName": "shop-tls"}]}},
          {"apiVersion": "extensions/v1beta1", "kind": "Ingress", "metadata": {"name": "legacy", "namespace": "shop", "annotations": {"kubernetes.io/ingress.class": "azure/application-gateway"}},
           "spec": {"backend": {"serviceName": "web", "servicePort": 80}, "rules": [{"host": "old.example", "http": {"paths": [{"backend": {"serviceName": "web", "servicePort": "http"}}]}}]}},
          {"kind": "NetworkPolicy", "metadata": {"name": "deny-all", "namespace": "shop"}, "spec": {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}},
          {"kind": "NetworkPolicy", "metadata": {"name": "allow-web", "namespace": "shop"},
           "spec": {"podSelector": {"matchLabels": {"app": "web"}}, "ingress": [{"ports": [{"port": 80}]}, {"from": [{"podSelector": {}}]}], "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]}},
          {"kind": "NetworkPolicy", "metadata": {"name": "by-expr", "namespace": "shop"}, "spec": {"podSelector": {"matchExpressions": [{"key": "a", "operator": "Exists"}]}, "ingress": []}}
        ]}
        """#
        let inv = try inventory(json)
        XCTAssertEqual(inv.services.count, 2)
        let lb = inv.services[0]
        XCTAssertEqual(lb.type, "LoadBalancer")
        XCTAssertTrue(lb.isInternalLoadBalancer)
        XCTAssertEqual(lb.loadBalancerIngress, ["10.1.2.3", "lb.example"])
        XCTAssertEqual(lb.ports.map(\.targetPort), ["http", "8443"])
        XCTAssertEqual(lb.ports.first?.nodePort, 31000)
        XCTAssertEqual(inv.services[1].type, "ClusterIP")
        XCTAssertEqual(inv.ingresses.map(\.ingressClassName), ["nginx", "azure/application-gateway"])
        XCTAssertEqual(inv.ingresses[0].ruleHosts, ["shop.example", ""])
        XCTAssertEqual(inv.ingresses[0].tlsSecretNames, ["shop-tls"])
        XCTAssertTrue(inv.ingresses[0].hasTLS)
        XCTAssertFalse(inv.ingresses[1].hasTLS)
        XCTAssertEqual(inv.ingresses[1].ruleHosts, ["old.example"])
        let deny = inv.networkPolicies[0]
        XCTAssertTrue(deny.selectsAllPods)
        XCTAssertEqual(deny.policyTypes, ["Ingress", "Egress"])
        XCTAssertFalse(deny.allowsAllIngress)
        let allow = inv.networkPolicies[1]
        XCTAssertFalse(allow.selectsAllPods)
        XCTAssertEqual(allow.podSelector, ["app": "web"])
        XCTAssertEqual(allow.policyTypes, ["Ingress", "Egress"], "Kubernetes default when egress rules exist")
        XCTAssertEqual(allow.ingressRuleCount, 2)
        XCTAssertTrue(allow.allowsAllIngress, "a rule with ports but no peers admits every source")
        XCTAssertFalse(allow.allowsAllEgress)
        XCTAssertFalse(inv.networkPolicies[2].selectsAllPods)
        XCTAssertEqual(inv.networkPolicies[2].policyTypes, ["Ingress"])
    }

    func testRBACSecretsConfigMapsAndProviderClasses() throws {
        let json = #"""
        {"kind": "List", "items": [
          {"kind": "ClusterRole", "metadata": {"name": "admin-ish", "labels": {"kubernetes.io/bootstrapping": "rbac-defaults"}}, "rules": [{"apiGroups": ["*"], "resources": ["*"], "verbs": ["*"]}, {"nonResourceURLs": ["/metrics"], "verbs": ["get"]}]},
          {"kind": "ClusterRole", "metadata": {"name": "agg"}, "aggregationRule": {"clusterRoleSelectors": []}, "rules": null},
          {"kind": "Role", "metadata": {"name": "read-secrets", "namespace": "shop"}, "rules": [{"apiGroups": [""], "resources": ["secrets"], "resourceNames": ["db"], "verbs": ["get"]}]},
          {"kind": "ClusterRoleBinding", "metadata": {"name": "crb"}, "roleRef": {"apiGroup": "rbac.authorization.k8s.io", "kind": "ClusterRole", "name": "cluster-admin"},
           "subjects": [{"kind": "Group", "name": "system:masters"}, {"kind": "ServiceAccount", "name": "web-sa", "namespace": "shop"}]},
          {"kind": "RoleBinding", "metadata": {"name": "rb", "namespace": "shop"}, "roleRef": {"kind": "Role", "name": "read-secrets"}},
          {"kind": "ServiceAccount", "metadata": {"name": "web-sa", "namespace": "shop", "annotations": {"azure.workload.identity/client-id": "wi-client"}}, "automountServiceAccountToken": true, "secrets": [{"name": "web-sa-token"}], "imagePullSecrets": [{"name": "acr-pull"}]},
          {"kind": "Namespace", "metadata": {"name": "shop"}, "status": {"phase": "Active"}},
          {"kind": "Secret", "metadata": {"name": "db", "namespace": "shop"}, "type": "kubernetes.io/basic-auth", "data": {"username": "Zml4dHVyZQ==", "password": "Zml4dHVyZQ=="}, "stringData": {"extra": "x"}, "immutable": true},
          {"kind": "Secret", "metadata": {"name": "empty", "namespace": "shop"}},
          {"kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "shop"}, "data": {"mode": "fast", "api_key": "fixture", "emptyPassword": "", "cert.pem": "-----BEGIN RSA PRIVATE KEY-----\nfixture\n-----END RSA PRIVATE KEY-----", "conn": "Server=x;Password=fixture"}, "binaryData": {"token.bin": "AAAA"}},
          {"apiVersion": "secrets-store.csi.x-k8s.io/v1", "kind": "SecretProviderClass", "metadata": {"name": "spc-kv", "namespace": "shop"},
           "spec": {"provider": "azure", "secretObjects": [{"secretName": "synced", "type": "Opaque"}],
             "parameters": {"usePodIdentity": "false", "useVMManagedIdentity": "true", "userAssignedIdentityID": "uami-client", "keyvaultName": "kv-one", "tenantId": "tenant-1",
               "objects": "array:\n  - |\n    objectName: secret1   # the first\n    objectType: secret\n    objectVersion: \"\"\n  - |\n    objectName: \"key1\"\n    objectType: key\n"}}},
          {"kind": "PodDisruptionBudget", "metadata": {"name": "pdb", "namespace": "shop"}},
          {"kind": "PodDisruptionBudget", "metadata": {"name": "pdb2", "namespace": "shop"}}
        ]}
        """#
        let inv = try inventory(json)
        XCTAssertEqual(inv.roles.map(\.kind), ["ClusterRole", "ClusterRole", "Role"])
        XCTAssertTrue(inv.roles[0].isBootstrapDefault)
        XCTAssertEqual(inv.roles[0].rules[1].nonResourceURLs, ["/metrics"])
        XCTAssertTrue(inv.roles[1].isAggregated)
        XCTAssertEqual(inv.roles[2].rules.first?.resourceNames, ["db"])
        XCTAssertEqual(inv.bindings.map(\.roleRefName), ["cluster-admin", "read-secrets"])
        XCTAssertEqual(inv.bindings[0].subjects.last, RBACSubject(kind: "ServiceAccount", name: "web-sa", namespace: "shop"))
        XCTAssertEqual(inv.bindings[1].meta.namespace, "shop")
        XCTAssertEqual(inv.serviceAccounts.first?.workloadIdentityClientID, "wi-client")
        XCTAssertEqual(inv.serviceAccounts.first?.secretNames, ["web-sa-token"])
        XCTAssertEqual(inv.serviceAccounts.first?.imagePullSecretNames, ["acr-pull"])
        XCTAssertEqual(inv.namespaces.first?.phase, "Active")
        XCTAssertEqual(inv.secrets[0].keys, ["extra", "password", "username"])
        XCTAssertEqual(inv.secrets[0].type, "kubernetes.io/basic-auth")
        XCTAssertEqual(inv.secrets[0].immutable, true)
        XCTAssertEqual(inv.secrets[1].type, "Opaque")
        XCTAssertEqual(inv.configMaps.first?.keys, ["api_key", "cert.pem", "conn", "emptyPassword", "mode", "token.bin"])
        XCTAssertEqual(inv.configMaps.first?.credentialLikeKeys, ["api_key", "cert.pem", "conn", "token.bin"])
        let spc = try XCTUnwrap(inv.secretProviderClasses.first)
        XCTAssertEqual(spc.provider, "azure")
        XCTAssertEqual(spc.keyvaultName, "kv-one")
        XCTAssertEqual(spc.tenantID, "tenant-1")
        XCTAssertEqual(spc.clientID, "uami-client")
        XCTAssertEqual(spc.usePodIdentity, false)
        XCTAssertEqual(spc.useVMManagedIdentity, true)
        XCTAssertEqual(spc.objectNames, ["secret1", "key1"])
        XCTAssertEqual(spc.syncedSecretNames, ["synced"])
        XCTAssertEqual(inv.otherKindCounts, ["PodDisruptionBudget": 2])
        XCTAssertTrue(inv.collectedKinds.contains("PodDisruptionBudget"))
    }

    func testTypedListWithKindlessItemsAfterOrBeforeKind() throws {
        let before = #"{"kind": "ServiceList", "apiVersion": "v1", "items": [{"metadata": {"name": "a"}, "spec": {"type": "NodePort"}}]}"#
        let after = #"{"apiVersion": "v1", "items": [{"metadata": {"name": "a"}, "spec": {"type": "NodePort"}}], "kind": "ServiceList"}"#
        XCTAssertEqual(try inventory(before).services.first?.type, "NodePort")
        XCTAssertEqual(try inventory(after).services.first?.type, "NodePort")
        // A generic List whose items lack `kind` cannot be classified.
        XCTAssertThrowsError(try inventory(#"{"kind": "List", "items": [{"metadata": {"name": "a"}}]}"#)) { error in
            XCTAssertEqual((error as! ImportError).path, "$.items[0].kind")
        }
    }

    func testSingleObjectAndBareArray() throws {
        XCTAssertEqual(try inventory(#"{"kind": "Secret", "metadata": {"name": "s", "namespace": "n"}, "data": {"k": "dg=="}}"#).secrets.first?.keys, ["k"])
        XCTAssertEqual(try inventory(#"[{"kind": "Namespace", "metadata": {"name": "a"}}, {"kind": "Namespace", "metadata": {"name": "b"}}]"#).namespaces.count, 2)
        XCTAssertEqual(try inventory(#"{"kind": "List", "items": []}"#).objectCount, 0)
    }

    func testCollectedKindsFromFileNames() throws {
        let empty = #"{"apiVersion": "v1", "items": [], "kind": "List", "metadata": {"resourceVersion": ""}}"#
        var inv = KubernetesInventory()
        try DocumentImporter.kubernetes(from: Data(empty.utf8), file: "b/kubernetes/secretproviderclasses.json", into: &inv)
        try DocumentImporter.kubernetes(from: Data(empty.utf8), file: "b/kubernetes/clusterrolebindings.json", into: &inv)
        XCTAssertEqual(inv.collectedKinds, ["SecretProviderClass", "ClusterRoleBinding"])
        var whole = KubernetesInventory()
        try DocumentImporter.kubernetes(from: Data(empty.utf8), file: "b/kubernetes.json", into: &whole)
        XCTAssertEqual(whole.collectedKinds, KubernetesNormalizer.standardKinds)
        XCTAssertEqual(whole.collectedKinds.count, 19)
        XCTAssertEqual(KubernetesNormalizer.kind(forResource: "secretproviderclasses.secrets-store.csi.x-k8s.io"), "SecretProviderClass")
        XCTAssertEqual(KubernetesNormalizer.kind(forResource: "po"), "Pod")
        XCTAssertNil(KubernetesNormalizer.kind(forResource: "nodes"))
    }

    func testObjectErrorsNameTheItemPath() {
        let json = #"{"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "ok"}}, {"kind": "Pod", "metadata": {"namespace": "x"}}]}"#
        XCTAssertThrowsError(try inventory(json, file: "b/kubernetes.json")) { error in
            let e = error as! ImportError
            XCTAssertEqual(e.file, "b/kubernetes.json")
            XCTAssertEqual(e.path, "$.items[1].metadata.name")
        }
        let badType = #"{"kind": "List", "items": [{"kind": "Pod", "metadata": {"name": "p"}, "spec": {"hostNetwork": {"x": 1}}}]}"#
        XCTAssertThrowsError(try inventory(badType)) { error in
            XCTAssertEqual((error as! ImportError).path, "$.items[0].spec.hostNetwork")
        }
        XCTAssertThrowsError(try inventory(#"{"kind": "List", "items": [{"kind": "RoleBinding", "metadata": {"name": "rb"}}]}"#)) { error in
            XCTAssertEqual((error as! ImportError).path, "$.items[0].roleRef")
        }
        XCTAssertThrowsError(try inventory(#"{"kind": "List", "items": {"a": 1}}"#)) { error in
            XCTAssertEqual((error as! ImportError).path, "$.items")
        }
    }

    func testObjectNamesScanner() {
        XCTAssertEqual(KubernetesNormalizer.objectNames(inObjectsParameter: "array:\n  - |\n    objectName: a\n    objectAlias: b\n  - |\n    objectName: 'c'\n"), ["a", "c"])
        XCTAssertEqual(KubernetesNormalizer.objectNames(inObjectsParameter: ""), [])
        XCTAssertEqual(KubernetesNormalizer.objectNames(inObjectsParameter: "- objectName: x\r\n- objectName:\n"), ["x"])
    }
}

final class CredentialHeuristicsTests: XCTestCase {
    func testSettingsAboutCredentialsAreNotCredentials() {
        // Names seen in real manifests: a path to a mounted token, a flag, a file-based password.
        XCTAssertFalse(CredentialHeuristics.isCredentialLike(name: "AZURE_FEDERATED_TOKEN_FILE", value: "/var/run/secrets/azure/tokens/azure-identity-token"))
        XCTAssertFalse(CredentialHeuristics.isCredentialLike(name: "POSTGRES_PASSWORD_FILE", value: "/run/secrets/pg"))
        XCTAssertFalse(CredentialHeuristics.isCredentialLike(name: "ALLOW_EMPTY_PASSWORD", value: "yes"))
        XCTAssertFalse(CredentialHeuristics.isCredentialLike(name: "REDIS_PASSWORD", value: "false"))
        XCTAssertFalse(CredentialHeuristics.isCredentialLike(name: "TOKEN_TTL", value: "3600"))
    }

    func testLiteralCredentialsAreStillFlagged() {
        XCTAssertTrue(CredentialHeuristics.isCredentialLike(name: "DB_PASSWORD", value: "hunter2-demo"))
        XCTAssertTrue(CredentialHeuristics.isCredentialLike(name: "API_KEY", value: "abc123"))
        XCTAssertTrue(CredentialHeuristics.isCredentialLike(name: "SETTINGS", value: "Server=x;Password=y"))
    }
}
