import Foundation
import XCTest
import PostureModel
@testable import PostureImport

/// Plants fake canary secrets in every place a secret value can sit in a bundle and checks that
/// none reaches the Snapshot.
final class CanaryTests: XCTestCase {
    static let canary = "CANARY-7c1e9a"

    static func lastApplied(_ place: String) -> String {
        // The annotation repeats the object, including what would be secret data.
        #""kubectl.kubernetes.io/last-applied-configuration": "{\"data\":{\"password\":\"\#(canary)-lastapplied-\#(place)\"}}\n""#
    }

    static var cluster: String {
        #"""
        {"name": "canary-cluster", "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/canary-cluster",
         "properties": {
           "linuxProfile": {"adminUsername": "azureuser", "ssh": {"publicKeys": [{"keyData": "ssh-rsa \#(canary)-sshkey1"}, {"keyData": "ssh-ed25519 \#(canary)-sshkey2"}]}},
           "servicePrincipalProfile": {"clientId": "sp-client", "secret": "\#(canary)-spsecret"},
           "windowsProfile": {"adminUsername": "winadmin", "adminPassword": "\#(canary)-winpassword"},
           "aadProfile": {"managed": false, "clientAppID": "client-app", "serverAppID": "server-app", "serverAppSecret": "\#(canary)-serverappsecret"},
           "kubeConfig": "\#(canary)-kubeconfig",
           "kubeconfigs": [{"name": "clusterAdmin", "value": "\#(canary)-kubeconfigs"}],
           "credentials": {"password": "\#(canary)-credentials"},
           "agentPoolProfiles": [{"name": "p", "count": 1, "windowsProfile": {"adminPassword": "\#(canary)-poolpassword"}}]
         }}
        """#
    }

    static var kubernetes: String {
        #"""
        {"apiVersion": "v1", "kind": "List", "items": [
          {"kind": "Secret", "metadata": {"name": "db", "namespace": "n", "annotations": {\#(lastApplied("secret"))}},
           "data": {"password": "\#(canary)-secretdata"}, "stringData": {"token": "\#(canary)-stringdata"}},
          {"kind": "ConfigMap", "metadata": {"name": "cfg", "namespace": "n", "annotations": {\#(lastApplied("configmap"))}},
           "data": {"db_password": "\#(canary)-cmvalue", "plain": "\#(canary)-cmplain"}, "binaryData": {"blob": "\#(canary)-cmbinary"}},
          {"kind": "Deployment", "metadata": {"name": "web", "namespace": "n", "annotations": {\#(lastApplied("deployment"))}},
           "spec": {"template": {"metadata": {"annotations": {\#(lastApplied("podtemplate"))}},
             "spec": {"containers": [{"name": "app", "image": "web:1", "env": [{"name": "API_KEY", "value": "\#(canary)-envvalue"}, {"name": "GREETING", "value": "\#(canary)-envplain"}]}],
                      "initContainers": [{"name": "init", "image": "init:1", "env": [{"name": "X", "value": "\#(canary)-initenv"}]}]}}}},
          {"kind": "Pod", "metadata": {"name": "p", "namespace": "n", "annotations": {\#(lastApplied("pod"))}},
           "spec": {"containers": [{"name": "c", "image": "i", "env": [{"name": "TOKEN", "value": "\#(canary)-podenv"}]}]}},
          {"kind": "CronJob", "metadata": {"name": "cj", "namespace": "n"},
           "spec": {"jobTemplate": {"spec": {"template": {"metadata": {"annotations": {\#(lastApplied("cronjobtemplate"))}},
             "spec": {"containers": [{"name": "c", "image": "i", "env": [{"name": "PASSWORD", "value": "\#(canary)-cronenv"}]}]}}}}}},
          {"kind": "ServiceAccount", "metadata": {"name": "sa", "namespace": "n", "annotations": {\#(lastApplied("serviceaccount"))}}},
          {"kind": "Service", "metadata": {"name": "svc", "namespace": "n", "annotations": {\#(lastApplied("service"))}}, "spec": {}},
          {"kind": "Ingress", "metadata": {"name": "ing", "namespace": "n", "annotations": {\#(lastApplied("ingress"))}}, "spec": {}},
          {"kind": "NetworkPolicy", "metadata": {"name": "np", "namespace": "n", "annotations": {\#(lastApplied("networkpolicy"))}}, "spec": {}},
          {"kind": "Role", "metadata": {"name": "r", "namespace": "n", "annotations": {\#(lastApplied("role"))}}},
          {"kind": "ClusterRoleBinding", "metadata": {"name": "crb", "annotations": {\#(lastApplied("crb"))}}, "roleRef": {"kind": "ClusterRole", "name": "x"}},
          {"kind": "Namespace", "metadata": {"name": "n", "annotations": {\#(lastApplied("namespace"))}}},
          {"kind": "SecretProviderClass", "metadata": {"name": "spc", "namespace": "n", "annotations": {\#(lastApplied("spc"))}}, "spec": {"provider": "azure"}}
        ]}
        """#
    }

    func testNoCanaryReachesTheSnapshot() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("canary-\(UUID().uuidString)", isDirectory: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try Data(Self.cluster.utf8).write(to: dir.appendingPathComponent("cluster.json"))
        try Data(Self.kubernetes.utf8).write(to: dir.appendingPathComponent("kubernetes.json"))

        // The fixture really carries the canaries (so this test can fail).
        let planted = (Self.cluster + Self.kubernetes).components(separatedBy: Self.canary).count - 1
        XCTAssertEqual(planted, 33)

        let snapshot = try BundleImporter().load(bundle: dir)
        // Sanity: the objects were imported, so their values had a chance to leak.
        XCTAssertEqual(snapshot.kubernetes?.objectCount, 13)
        XCTAssertEqual(snapshot.cluster.linuxSSHKeyCount, 2)
        XCTAssertEqual(snapshot.cluster.servicePrincipalClientID, "sp-client")
        XCTAssertEqual(snapshot.kubernetes?.configMaps.first?.credentialLikeKeys, ["db_password"])
        XCTAssertEqual(snapshot.kubernetes?.workloads.first?.containers.last?.credentialLikeEnvNames, ["API_KEY"])

        let encoded = String(decoding: try JSONEncoder().encode(snapshot), as: UTF8.self)
        XCTAssertFalse(encoded.contains(Self.canary), "leaked: \(leaks(in: encoded))")
        let described = String(describing: snapshot)
        XCTAssertFalse(described.contains(Self.canary), "leaked: \(leaks(in: described))")
    }

    private func leaks(in text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let r = rest.range(of: Self.canary) {
            found.append(String(rest[r.lowerBound...].prefix(40)))
            rest = rest[r.upperBound...]
        }
        return found
    }
}
