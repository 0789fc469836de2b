import Foundation
import XCTest
import Yams
import PostureModel
@testable import PostureImport

/// Every JSON/YAML file of the shared real-data corpus goes through the importer function for
/// its document type, and selected real values are checked. The corpus is read in place, never copied.
final class CorpusConformanceTests: XCTestCase {

    // MARK: Locating the corpus

    static var corpusRoot: URL {
        if let env = ProcessInfo.processInfo.environment["AKSPOSTURE_CORPUS"], !env.isEmpty {
            return URL(fileURLWithPath: env, isDirectory: true)
        }
        var dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        while dir.path != "/" {
            if FileManager.default.fileExists(atPath: dir.appendingPathComponent("Package.swift").path) { break }
            dir = dir.deletingLastPathComponent()
        }
        return dir.deletingLastPathComponent().appendingPathComponent("shared/corpus", isDirectory: true)
    }

    /// 75 data files are listed in SOURCES.md (76 counting SOURCES.md); used only in the skip message.
    static let expectedFileCount = 75

    static func corpusFiles() throws -> [String] {
        let root = corpusRoot
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root.path, isDirectory: &isDir), isDir.boolValue else {
            throw XCTSkip("corpus not found at \(root.path) (set AKSPOSTURE_CORPUS): skipped \(expectedFileCount) corpus files")
        }
        let all = try FileManager.default.subpathsOfDirectory(atPath: root.path)
        let files = all.filter { p in [".json", ".yaml", ".yml"].contains { p.lowercased().hasSuffix($0) } }.sorted()
        if files.isEmpty { throw XCTSkip("corpus at \(root.path) holds no JSON/YAML files: skipped \(expectedFileCount) corpus files") }
        return files
    }

    static func read(_ relative: String) throws -> Data {
        try Data(contentsOf: corpusRoot.appendingPathComponent(relative))
    }

    // MARK: Shapes

    /// REST API examples: the documents a GET/PUT returns (`responses.200.body`, `responses.201.body`)
    /// and the request bodies (object-valued `parameters.*`).
    struct RESTExample {
        var responses: [[String: Any]] = []
        var requests: [[String: Any]] = []
        var parameters: [String: Any] = [:]
    }

    static func restExample(_ data: Data) throws -> RESTExample {
        let top = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        var ex = RESTExample()
        ex.parameters = top["parameters"] as? [String: Any] ?? [:]
        for (_, value) in ex.parameters { if let body = value as? [String: Any] { ex.requests.append(body) } }
        let responses = top["responses"] as? [String: Any] ?? [:]
        for code in ["200", "201"] {
            if let r = responses[code] as? [String: Any], let body = r["body"] as? [String: Any] { ex.responses.append(body) }
        }
        return ex
    }

    static func json(_ object: Any) throws -> Data { try JSONSerialization.data(withJSONObject: object) }

    /// Request bodies carry the resource name in the URL, not the body.
    static func named(_ body: [String: Any], _ name: Any?) -> [String: Any] {
        var b = body
        if b["name"] == nil { b["name"] = name as? String ?? "from-url" }
        return b
    }

    /// YAML → JSON-compatible values (timestamps as strings, keys as strings).
    static func jsonCompatible(_ value: Any) -> Any {
        switch value {
        case let d as [String: Any]: return d.mapValues(jsonCompatible)
        case let d as [AnyHashable: Any]:
            var out: [String: Any] = [:]
            for (k, v) in d { out["\(k)"] = jsonCompatible(v) }
            return out
        case let a as [Any]: return a.map(jsonCompatible)
        case let date as Date: return ISO8601DateFormatter().string(from: date)
        case let data as Data: return data.base64EncodedString()
        case is NSNull: return NSNull()
        case let s as String: return s
        case let b as Bool: return b
        case let i as Int: return i
        case let d as Double: return d
        default: return "\(value)"
        }
    }

    static func yamlDocuments(_ relative: String) throws -> [Data] {
        let text = String(decoding: try read(relative), as: UTF8.self)
        return try Yams.load_all(yaml: text).compactMap { doc -> Data? in
            let mirror = Mirror(reflecting: doc)
            if doc is NSNull || (mirror.displayStyle == .optional && mirror.children.isEmpty) { return nil }
            return try json(jsonCompatible(doc))
        }
    }

    // MARK: Routing

    enum Route {
        case cluster, clusterList, nodePools, registries, registryConnection, keyVaults, vaultConnections,
             privateEndpoints, privateDNSZones, zoneLinks, kubernetesJSON, kubernetesYAML, credentials
        case notABundleDocument(String)
    }

    static func route(_ path: String) -> Route {
        let name = (path as NSString).lastPathComponent
        let lower = path.lowercased()
        if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return .kubernetesYAML }
        if path.hasPrefix("kubescape+") { return .cluster }
        if path.hasPrefix("derailed+k9s/") || path.hasPrefix("kubernetes+kubernetes/") { return .kubernetesJSON }
        switch name {
        case "ManagedClustersList.json": return .clusterList
        case "ManagedClustersListClusterAdminCredentials.json": return .credentials
        case "IdentityBindings_Get.json": return .notABundleDocument("AKS identity binding (not collected)")
        case "MaintenanceConfigurationsCreate_Update_MaintenanceWindow.json": return .notABundleDocument("maintenance configuration (not collected)")
        case "PrivateLinkResourcesList.json", "RegistryGetPrivateLinkResource.json": return .notABundleDocument("private link resource types (not collected)")
        case "PrivateEndpointConnectionsGet.json": return .notABundleDocument("AKS API-server private endpoint connection (no model field)")
        case "PrivateEndpointConnectionGet.json": return .registryConnection
        case "listPrivateEndpointConnection.json": return .vaultConnections
        case "VirtualNetworkLinkList.json": return .zoneLinks
        case "PrivateZoneGet.json": return .privateDNSZones
        default: break
        }
        if name.hasPrefix("ManagedClusters") || name.hasPrefix("AdvancedNetworking") { return .cluster }
        if name.hasPrefix("AgentPools") { return .nodePools }
        if name.hasPrefix("Registry") { return .registries }
        if lower.contains("/keyvault/") { return .keyVaults }
        if name.hasPrefix("PrivateEndpoint") { return .privateEndpoints }
        return .notABundleDocument("unrouted")
    }

    // MARK: The test

    func testEveryCorpusFileImports() throws {
        let files = try Self.corpusFiles()
        var clusters: [String: [ManagedCluster]] = [:]
        var pools: [String: [NodePool]] = [:]
        var registries: [String: [ContainerRegistry]] = [:]
        var vaults: [String: [KeyVault]] = [:]
        var endpoints: [String: [PrivateEndpoint]] = [:]
        var zones: [String: [PrivateDNSZone]] = [:]
        var kube: [String: KubernetesInventory] = [:]
        var imported = 0
        var skipped: [String] = []

        for path in files {
            let data = try Self.read(path)
            let key = (path as NSString).lastPathComponent
            do {
                if path.lowercased().hasSuffix(".json") {
                    // The reader agrees with Foundation on every corpus JSON file.
                    let doc = try JSONReader.parse(data, file: path)
                    XCTAssertTrue(Self.same(doc.root, try JSONSerialization.jsonObject(with: data, options: .fragmentsAllowed)), "reader disagrees on \(path)")
                }
                switch Self.route(path) {
                case .cluster:
                    if path.hasPrefix("kubescape+") {
                        clusters[path, default: []].append(try DocumentImporter.cluster(from: data, file: path))
                    } else {
                        let ex = try Self.restExample(data)
                        XCTAssertFalse(ex.responses.isEmpty, path)
                        for body in ex.responses {
                            clusters[key, default: []].append(try DocumentImporter.cluster(from: try Self.json(body), file: path))
                        }
                        for body in ex.requests {
                            _ = try DocumentImporter.cluster(from: try Self.json(Self.named(body, ex.parameters["resourceName"])), file: path)
                        }
                    }
                case .clusterList:
                    for body in try Self.restExample(data).responses {
                        for item in body["value"] as? [Any] ?? [] {
                            clusters[key, default: []].append(try DocumentImporter.cluster(from: try Self.json(item), file: path))
                        }
                    }
                case .credentials:
                    // A kubeconfig listing is not a cluster: the importer refuses it rather than reading it.
                    for body in try Self.restExample(data).responses {
                        XCTAssertThrowsError(try DocumentImporter.cluster(from: try Self.json(body), file: path))
                    }
                case .nodePools:
                    let ex = try Self.restExample(data)
                    for body in ex.responses { pools[key, default: []] += try DocumentImporter.nodePools(from: try Self.json(body), file: path) }
                    for body in ex.requests {
                        _ = try DocumentImporter.nodePools(from: try Self.json(Self.named(body, ex.parameters["agentPoolName"])), file: path)
                    }
                case .registries:
                    let ex = try Self.restExample(data)
                    for body in ex.responses { registries[key, default: []] += try DocumentImporter.registries(from: try Self.json(body), file: path) }
                    for body in ex.requests {
                        _ = try DocumentImporter.registries(from: try Self.json(Self.named(body, ex.parameters["registryName"])), file: path)
                    }
                case .registryConnection:
                    for body in try Self.restExample(data).responses {
                        let wrapped: [String: Any] = ["name": "acr", "properties": ["privateEndpointConnections": [body]]]
                        registries[key, default: []] += try DocumentImporter.registries(from: try Self.json(wrapped), file: path)
                    }
                case .keyVaults:
                    let ex = try Self.restExample(data)
                    for body in ex.responses { vaults[key, default: []] += try DocumentImporter.keyVaults(from: try Self.json(body), file: path) }
                    for body in ex.requests {
                        _ = try DocumentImporter.keyVaults(from: try Self.json(Self.named(body, ex.parameters["vaultName"])), file: path)
                    }
                case .vaultConnections:
                    for body in try Self.restExample(data).responses {
                        let wrapped: [String: Any] = ["name": "kv", "properties": ["privateEndpointConnections": body]]
                        vaults[key, default: []] += try DocumentImporter.keyVaults(from: try Self.json(wrapped), file: path)
                    }
                case .privateEndpoints:
                    for body in try Self.restExample(data).responses {
                        endpoints[key, default: []] += try DocumentImporter.privateEndpoints(from: try Self.json(body), file: path)
                    }
                case .privateDNSZones:
                    for body in try Self.restExample(data).responses {
                        zones[key, default: []] += try DocumentImporter.privateDNSZones(from: try Self.json(body), file: path)
                    }
                case .zoneLinks:
                    // The collector attaches `az network private-dns link vnet list` output to each zone.
                    for body in try Self.restExample(data).responses {
                        let zone: [String: Any] = ["name": "privatelink.azurecr.io", "virtualNetworkLinks": body]
                        zones[key, default: []] += try DocumentImporter.privateDNSZones(from: try Self.json(zone), file: path)
                    }
                case .kubernetesJSON:
                    var inv = KubernetesInventory()
                    try DocumentImporter.kubernetes(from: data, file: path, into: &inv)
                    kube[key] = inv
                case .kubernetesYAML:
                    var inv = KubernetesInventory()
                    let docs = try Self.yamlDocuments(path)
                    XCTAssertFalse(docs.isEmpty, path)
                    for doc in docs { try DocumentImporter.kubernetes(from: doc, file: path, into: &inv) }
                    kube[path] = inv
                case .notABundleDocument(let why):
                    XCTAssertNotEqual(why, "unrouted", "no importer route for \(path)")
                    skipped.append(path)
                    continue
                }
                imported += 1
            } catch let e as ImportError {
                XCTFail("\(path): \(e)")
            }
        }
        XCTAssertEqual(imported + skipped.count, files.count)
        XCTAssertLessThanOrEqual(skipped.count, 5, "\(skipped)")

        // Real values from the corpus.
        func cluster(_ name: String) throws -> ManagedCluster { try XCTUnwrap(clusters[name]?.first, name) }
        XCTAssertEqual(try cluster("ManagedClustersCreate_PrivateClusterFQDNSubdomain.json").apiServer.enablePrivateCluster, true)
        XCTAssertEqual(try cluster("ManagedClustersCreate_PrivateClusterPublicFQDN.json").apiServer.enablePrivateClusterPublicFQDN, true)
        XCTAssertEqual(try cluster("ManagedClustersCreate_UpdateWithEnableAzureRBAC.json").aad?.enableAzureRBAC, true)
        XCTAssertEqual(try cluster("ManagedClustersCreate_AzureKeyvaultSecretsProvider.json").addon("azureKeyvaultSecretsProvider")?.configValue("enableSecretRotation"), "true")
        XCTAssertEqual(try cluster("ManagedClustersCreate_DisableRunCommand.json").apiServer.disableRunCommand, true)
        XCTAssertEqual(try cluster("ManagedClustersCreate_PodIdentity.json").podIdentityEnabled, true)
        XCTAssertEqual(try cluster("ManagedClustersCreate_SecurityProfile.json").defenderSecurityMonitoringEnabled, true)
        XCTAssertEqual(try cluster("ManagedClustersCreate_SecurityProfile.json").workloadIdentityEnabled, true)
        XCTAssertEqual(try cluster("ManagedClustersCreate_Premium.json").skuTier, "Premium")
        XCTAssertEqual(try cluster("ManagedClustersCreate_NodePublicIPPrefix.json").agentPoolProfiles.first?.enableNodePublicIP, true)
        XCTAssertEqual(try cluster("ManagedClustersCreate_OSSKU.json").agentPoolProfiles.first?.osSKU, "AzureLinux")
        let get = try cluster("ManagedClustersGet.json")
        XCTAssertEqual(get.enableRBAC, false)
        XCTAssertEqual(get.resourceGroup, "rg1")
        XCTAssertEqual(get.linuxSSHKeyCount, 1)
        XCTAssertFalse(clusters["ManagedClustersList.json"]?.isEmpty ?? true)
        let kubescape = "kubescape+regolibrary/rules/"
        XCTAssertEqual(try cluster(kubescape + "secret-etcd-encryption-cloud/test/aks_kms/input/aks.json").kms?.enabled, true)
        XCTAssertEqual(try cluster(kubescape + "rbac-enabled-cloud/test/failed/input/aks.json").enableRBAC, false)
        XCTAssertEqual(try cluster(kubescape + "rule-cni-enabled-aks/test/aks-calico-azure-pass/input/aks.json").network.networkPolicy, "calico")
        XCTAssertEqual(try cluster(kubescape + "ensure-azure-rbac-is-set/test/failed/input/ClusterDescribe.json").aad?.enableAzureRBAC, false)
        let restricted = try cluster(kubescape + "restrict-access-to-the-control-plane-endpoint/test/success/input/aks.json")
        XCTAssertFalse(restricted.apiServer.authorizedIPRanges?.isEmpty ?? true)

        XCTAssertEqual(pools["AgentPoolsCreate_EnableFIPS.json"]?.first?.enableFIPS, true)
        XCTAssertEqual(pools["AgentPoolsCreate_EnableEncryptionAtHost.json"]?.first?.enableEncryptionAtHost, true)
        XCTAssertEqual(pools["AgentPoolsCreate_OSSKU.json"]?.first?.osSKU, "AzureLinux")
        XCTAssertGreaterThan(pools["AgentPoolsList.json"]?.count ?? 0, 0)
        XCTAssertEqual(registries["RegistryGet.json"]?.first?.adminUserEnabled, false)
        XCTAssertEqual(registries["RegistryUpdate.json"]?.first?.adminUserEnabled, true)
        XCTAssertEqual(registries["RegistryGet.json"]?.first?.networkRuleDefaultAction, "Allow")
        XCTAssertNotNil(registries["PrivateEndpointConnectionGet.json"]?.first?.privateEndpointConnections.first?.status)
        XCTAssertEqual(vaults["createVaultWithNetworkAcls.json"]?.first?.networkDefaultAction, "Deny")
        XCTAssertEqual(vaults["createVaultWithNetworkAcls.json"]?.first?.ipRuleCount, 2)
        XCTAssertEqual(vaults["getVault.json"]?.first?.publicNetworkAccess, "Enabled")
        XCTAssertFalse(vaults["listPrivateEndpointConnection.json"]?.first?.privateEndpointConnections.isEmpty ?? true)
        XCTAssertTrue(endpoints["PrivateEndpointList.json"]?.flatMap(\.connections).contains { $0.status == "Pending" } ?? false)
        XCTAssertNotNil(endpoints["PrivateEndpointGet.json"]?.first?.subnetID)
        XCTAssertEqual(zones["PrivateZoneGet.json"]?.first?.recordSetCount, 1)
        XCTAssertFalse(zones["VirtualNetworkLinkList.json"]?.first?.virtualNetworkLinks?.isEmpty ?? true)

        let multi = try XCTUnwrap(kube["multi-resource-list.json"])
        XCTAssertEqual(multi.services.count, 1)
        XCTAssertEqual(multi.workloads.first?.kind, "ReplicationController")
        XCTAssertEqual(kube["multi-resource-svclist.json"]?.services.count, 2)
        XCTAssertEqual(kube["po.json"]?.workloads.first?.phase, "Running")
        XCTAssertEqual(kube["po.json"]?.workloads.first?.meta.annotations["kubectl.kubernetes.io/last-applied-configuration"], nil)
        XCTAssertEqual(kube["ing.json"]?.ingresses.count, 1)
        XCTAssertEqual(kube["sec.json"]?.secrets.count, 1)
        let denyAll = try XCTUnwrap(kube["kubernetes+website/content/en/examples/service/networking/network-policy-default-deny-all.yaml"]?.networkPolicies.first)
        XCTAssertTrue(denyAll.selectsAllPods)
        XCTAssertEqual(Set(denyAll.policyTypes), ["Ingress", "Egress"])
        let sas = try XCTUnwrap(kube["derailed+popeye/internal/lint/testdata/core/sa/1.yaml"]?.serviceAccounts)
        XCTAssertEqual(Set(sas.map { $0.automountServiceAccountToken.map { "\($0)" } ?? "unset" }), ["true", "false", "unset"])
        let spc = try XCTUnwrap(kube["Azure+secrets-store-csi-driver-provider-azure/examples/sync-as-kubernetes-secret/synck8s_v1alpha1_secretproviderclass.yaml"]?.secretProviderClasses.first)
        XCTAssertEqual(spc.objectNames, ["$SECRET_NAME", "$KEY_NAME"])
        XCTAssertEqual(spc.syncedSecretNames, ["foosecret"])
        XCTAssertEqual(kube["Azure+secrets-store-csi-driver-provider-azure/examples/pod-identity/v1alpha1_secretproviderclass_pod_identity.yaml"]?.secretProviderClasses.first?.usePodIdentity, true)
        let csiPod = try XCTUnwrap(kube["kubescape+regolibrary/rules/ensure-external-secrets-storage-is-in-use/test/success/input/pod.yaml"]?.workloads.first)
        XCTAssertEqual(csiPod.volumes.first { $0.source == .csi }?.csiDriver, "secrets-store.csi.k8s.io")
        let proxy = try XCTUnwrap(kube["Azure+azure-workload-identity/examples/migration/pod-with-proxy-init-and-proxy-sidecar.yaml"]?.workloads.first)
        XCTAssertTrue(proxy.containers.contains { $0.isInit && $0.addedCapabilities.contains("NET_ADMIN") })
        let todo = try XCTUnwrap(kube["Azure-Samples+azure-ad-workload-identity-mi/scripts/todolist-deployments.yml"])
        XCTAssertTrue(todo.workloads.contains { $0.podLabels["azure.workload.identity/use"] == "true" && $0.serviceAccountName == "todo-sa" })
        let webhook = try XCTUnwrap(kube["Azure+azure-workload-identity/deploy/azure-wi-webhook.yaml"])
        XCTAssertGreaterThan(webhook.otherKindCounts["MutatingWebhookConfiguration"] ?? 0, 0)
    }

    /// Structural equality of our tree and Foundation's.
    static func same(_ node: JSONNode, _ any: Any) -> Bool {
        switch node.kind {
        case .null: return any is NSNull
        case .bool:
            return (any as? Bool) == node.boolValue
        case .number:
            guard let n = any as? NSNumber else { return false }
            return n.doubleValue == node.doubleValue
        case .string: return (any as? String) == node.stringValue
        case .array:
            guard let a = any as? [Any], a.count == node.count else { return false }
            return zip(node.elements, a).allSatisfy { same($0, $1) }
        case .object:
            guard let d = any as? [String: Any] else { return false }
            var seen = Set<String>()
            for (k, v) in node.members {
                seen.insert(k)
                guard let other = d[k], same(v, other) else { return false }
            }
            return seen.count == d.count
        }
    }
}
