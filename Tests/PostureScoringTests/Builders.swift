import Foundation
import XCTest
import PostureModel
@testable import PostureScoring

/// Fixed evaluation date: scoring never reads the clock.
let testNow = ISO8601DateFormatter().date(from: "2026-11-29T00:00:00Z")!

let allKinds: Set<String> = ["Namespace", "ServiceAccount", "Pod", "Deployment", "ReplicaSet", "StatefulSet", "DaemonSet",
                             "Job", "CronJob", "Service", "Ingress", "NetworkPolicy", "Role", "RoleBinding", "ClusterRole",
                             "ClusterRoleBinding", "Secret", "ConfigMap", "SecretProviderClass"]

func pool(_ name: String, _ mutate: (inout NodePool) -> Void = { _ in }) -> NodePool {
    var p = NodePool(name: name)
    p.mode = "System"; p.osType = "Linux"; p.osSKU = "AzureLinux"; p.sshAccess = "Disabled"
    p.enableEncryptionAtHost = true; p.enableNodePublicIP = false
    p.orchestratorVersion = "1.33.2"; p.currentOrchestratorVersion = "1.33.2"
    p.vnetSubnetID = "/subscriptions/s1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1/subnets/aks"
    mutate(&p)
    return p
}

/// A cluster that passes every cluster-level check.
func goodCluster(_ mutate: (inout ManagedCluster) -> Void = { _ in }) -> ManagedCluster {
    var c = ManagedCluster(name: "aks-good")
    c.id = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/aks-good"
    c.resourceGroup = "rg"; c.location = "westeurope"; c.kubernetesVersion = "1.33.2"; c.currentKubernetesVersion = "1.33.2"
    c.nodeResourceGroup = "MC_rg_aks-good_westeurope"; c.skuName = "Base"; c.skuTier = "Standard"
    c.enableRBAC = true; c.disableLocalAccounts = true
    var aad = AADProfile(); aad.managed = true; aad.enableAzureRBAC = true; aad.tenantID = "t"
    c.aad = aad
    c.apiServer.enablePrivateCluster = true; c.apiServer.disableRunCommand = true
    c.identityType = "SystemAssigned"; c.servicePrincipalClientID = "msi"
    c.kubeletIdentity = ManagedIdentityRef(clientID: "kubelet-client", objectID: "kubelet-object")
    c.oidcIssuerEnabled = true; c.workloadIdentityEnabled = true
    c.network.networkPlugin = "azure"; c.network.networkPluginMode = "overlay"; c.network.networkPolicy = "cilium"
    c.network.networkDataplane = "cilium"; c.network.outboundType = "userDefinedRouting"
    c.addons = ["azurepolicy": AddonProfile(enabled: true),
                "azurekeyvaultsecretsprovider": AddonProfile(enabled: true, config: ["enableSecretRotation": "true", "rotationPollInterval": "2m"])]
    c.defenderSecurityMonitoringEnabled = true
    var kms = KMSProfile(); kms.enabled = true; kms.keyVaultNetworkAccess = "Private"; kms.keyID = "https://kv/keys/k/1"
    c.kms = kms
    c.imageCleanerEnabled = true
    c.diskEncryptionSetID = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des"
    c.upgradeChannel = "stable"; c.nodeOSUpgradeChannel = "NodeImage"
    c.agentPoolProfiles = [pool("system")]
    mutate(&c)
    return c
}

func meta(_ name: String, _ ns: String?, labels: [String: String] = [:], annotations: [String: String] = [:]) -> ObjectMeta {
    var m = ObjectMeta(name: name, namespace: ns); m.labels = labels; m.annotations = annotations
    return m
}

func container(_ name: String = "app", image: String = "myacr.azurecr.io/app:1", _ mutate: (inout Container) -> Void = { _ in }) -> Container {
    var c = Container(name: name, image: image)
    c.allowPrivilegeEscalation = false; c.runAsNonRoot = true; c.runAsUser = 1000; c.privileged = false
    mutate(&c)
    return c
}

func workload(_ kind: String = "Deployment", _ name: String, ns: String = "app", sa: String? = "api",
              _ mutate: (inout Workload) -> Void = { _ in }) -> Workload {
    var w = Workload(kind: kind, meta: meta(name, ns))
    w.serviceAccountName = sa; w.replicas = 2
    w.containers = [container()]
    w.automountServiceAccountToken = false
    mutate(&w)
    return w
}

func serviceAccount(_ name: String, ns: String = "app", automount: Bool? = false, clientID: String? = nil) -> ServiceAccount {
    var sa = ServiceAccount(meta: meta(name, ns, annotations: clientID.map { ["azure.workload.identity/client-id": $0] } ?? [:]))
    sa.automountServiceAccountToken = automount
    return sa
}

func denyAll(_ ns: String) -> NetworkPolicy {
    var p = NetworkPolicy(meta: meta("default-deny-all", ns)); p.selectsAllPods = true; p.policyTypes = ["Ingress", "Egress"]
    return p
}

func clusterRole(_ name: String, _ rules: [PolicyRule], bootstrap: Bool = false) -> RBACRole {
    var r = RBACRole(kind: "ClusterRole", meta: meta(name, nil, labels: bootstrap ? ["kubernetes.io/bootstrapping": "rbac-defaults"] : [:]))
    r.rules = rules
    return r
}

func role(_ name: String, ns: String, _ rules: [PolicyRule]) -> RBACRole {
    var r = RBACRole(kind: "Role", meta: meta(name, ns)); r.rules = rules
    return r
}

func roleBinding(_ name: String, ns: String, roleKind: String = "ClusterRole", role: String, _ subjects: [RBACSubject]) -> RBACBinding {
    rawBinding("RoleBinding", name, ns: ns, roleKind: roleKind, role: role, subjects, bootstrap: false)
}

func binding(_ name: String, role: String, _ subjects: [RBACSubject], bootstrap: Bool = false) -> RBACBinding {
    rawBinding("ClusterRoleBinding", name, ns: nil, roleKind: "ClusterRole", role: role, subjects, bootstrap: bootstrap)
}

func rawBinding(_ kind: String, _ name: String, ns: String?, roleKind: String, role: String,
                _ subjects: [RBACSubject], bootstrap: Bool) -> RBACBinding {
    var b = RBACBinding(kind: kind, meta: meta(name, ns, labels: bootstrap ? ["kubernetes.io/bootstrapping": "rbac-defaults"] : [:]), roleRefKind: roleKind, roleRefName: role)
    b.subjects = subjects
    return b
}

/// An inventory with one well-configured app and the built-in objects every cluster has.
func goodInventory(_ mutate: (inout KubernetesInventory) -> Void = { _ in }) -> KubernetesInventory {
    var k = KubernetesInventory()
    k.collectedKinds = allKinds
    k.namespaces = ["default", "kube-system", "kube-public", "kube-node-lease", "app"].map { KubeNamespace(meta: meta($0, nil)) }
    k.serviceAccounts = [serviceAccount("default", ns: "app", automount: false), serviceAccount("api", ns: "app", automount: false),
                         serviceAccount("default", ns: "default", automount: false), serviceAccount("default", ns: "kube-system", automount: nil)]
    k.workloads = [workload("Deployment", "api") { w in
        w.volumes = [{ var v = Volume(name: "kv", source: .csi); v.csiDriver = "secrets-store.csi.k8s.io"; v.secretProviderClass = "api-kv"; return v }()]
    }]
    var kubeProxy = Workload(kind: "DaemonSet", meta: meta("kube-proxy", "kube-system"))
    kubeProxy.hostNetwork = true
    kubeProxy.containers = [Container(name: "kube-proxy", image: "mcr.microsoft.com/oss/kubernetes/kube-proxy:v1.33.2")]
    kubeProxy.containers[0].privileged = true
    k.workloads.append(kubeProxy)
    k.services = [KubeService(meta: meta("kubernetes", "default"), type: "ClusterIP"), KubeService(meta: meta("api", "app"), type: "ClusterIP")]
    k.networkPolicies = [denyAll("app"), denyAll("default")]
    k.roles = [clusterRole("cluster-admin", [PolicyRule(apiGroups: ["*"], resources: ["*"], verbs: ["*"])], bootstrap: true),
               clusterRole("system:discovery", [PolicyRule(nonResourceURLs: ["/api"])], bootstrap: true),
               role("api-config", ns: "app", [PolicyRule(apiGroups: [""], resources: ["configmaps"], verbs: ["get"])])]
    k.bindings = [binding("cluster-admin", role: "cluster-admin", [RBACSubject(kind: "Group", name: "system:masters")], bootstrap: true),
                  binding("system:discovery", role: "system:discovery", [RBACSubject(kind: "Group", name: "system:authenticated")], bootstrap: true),
                  roleBinding("api-config", ns: "app", roleKind: "Role", role: "api-config", [RBACSubject(kind: "ServiceAccount", name: "api", namespace: "app")])]
    var spc = SecretProviderClass(meta: meta("api-kv", "app")); spc.provider = "azure"; spc.keyvaultName = "kv1"
    k.secretProviderClasses = [spc]
    k.configMaps = [ConfigMapMeta(meta: meta("kube-root-ca.crt", "default"))]
    mutate(&k)
    return k
}

func goodRegistry(_ mutate: (inout ContainerRegistry) -> Void = { _ in }) -> ContainerRegistry {
    var r = ContainerRegistry(name: "myacr")
    r.id = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myacr"
    r.loginServer = "myacr.azurecr.io"; r.skuName = "Premium"; r.adminUserEnabled = false; r.anonymousPullEnabled = false
    r.publicNetworkAccess = "Disabled"; r.networkRuleDefaultAction = "Deny"; r.armAudienceTokenPolicyStatus = "disabled"
    var pe = PrivateEndpointConnection(); pe.status = "Approved"; pe.groupIDs = ["registry"]
    pe.privateEndpointID = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-acr"
    r.privateEndpointConnections = [pe]
    mutate(&r)
    return r
}

func goodVault(_ mutate: (inout KeyVault) -> Void = { _ in }) -> KeyVault {
    var v = KeyVault(name: "kv1")
    v.enableRbacAuthorization = true; v.enableSoftDelete = true; v.enablePurgeProtection = true
    v.publicNetworkAccess = "Disabled"; v.networkDefaultAction = "Deny"
    mutate(&v)
    return v
}

func acrEndpoint() -> PrivateEndpoint {
    var pe = PrivateEndpoint(name: "pe-acr")
    pe.id = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.Network/privateEndpoints/pe-acr"
    var conn = PrivateEndpoint.Connection(); conn.groupIDs = ["registry"]; conn.status = "Approved"
    conn.privateLinkServiceID = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myacr"
    pe.connections = [conn]
    var g = PrivateEndpoint.DNSZoneGroup(); g.name = "default"
    g.privateDNSZoneIDs = ["/subscriptions/s1/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io"]
    pe.dnsZoneGroups = [g]
    return pe
}

func acrZone(linkedTo vnet: String? = "/subscriptions/s1/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet1") -> PrivateDNSZone {
    var z = PrivateDNSZone(name: "privatelink.azurecr.io")
    z.id = "/subscriptions/s1/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io"
    var link = PrivateDNSZone.VirtualNetworkLink(); link.virtualNetworkID = vnet
    z.virtualNetworkLinks = vnet == nil ? [] : [link]
    return z
}

/// Everything collected and everything good.
func goodSnapshot(cluster: ManagedCluster = goodCluster(), _ mutate: (inout Snapshot) -> Void = { _ in }) -> Snapshot {
    var s = Snapshot(collection: CollectionInfo(collectedAt: testNow.addingTimeInterval(-3600),
                                                sources: SourceKind.allCases.map { SourceStatus(source: $0, state: .collected) }),
                     cluster: cluster)
    s.nodePoolsFromCluster = true
    s.registries = [goodRegistry()]
    s.keyVaults = [goodVault()]
    s.privateEndpoints = [acrEndpoint()]
    s.privateDNSZones = [acrZone()]
    var ra = RoleAssignment(); ra.principalName = "kubelet"; ra.roleDefinitionName = "AcrPull"
    ra.scope = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myacr"
    s.roleAssignments = [ra]
    var ds = DiagnosticSetting(name: "audit"); ds.workspaceID = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.OperationalInsights/workspaces/law"
    ds.logs = [.init(category: "kube-audit-admin", enabled: true)]
    s.diagnosticSettings = [ds]
    s.kubernetes = goodInventory()
    mutate(&s)
    return s
}

/// A snapshot with only `cluster.json`.
func clusterOnly(_ c: ManagedCluster = goodCluster()) -> Snapshot {
    Snapshot(collection: CollectionInfo(collectedAt: testNow, sources: [SourceStatus(source: .cluster, state: .collected)]), cluster: c)
}

func finding(_ id: String, _ s: Snapshot, config: ScoringConfiguration = .default, exceptions: [ScoringException] = []) -> Finding {
    PostureScorer(configuration: config, exceptions: exceptions).score(s, now: testNow).finding(id)!
}

func assertCheck(_ id: String, _ s: Snapshot, _ status: CheckStatus, credit: Double? = nil, config: ScoringConfiguration = .default,
                 summaryContains: String? = nil, affected: Int? = nil, file: StaticString = #filePath, line: UInt = #line) {
    let f = finding(id, s, config: config)
    XCTAssertEqual(f.status, status, "\(id): \(f.summary) \(f.evidence.map { "\($0.path)=\($0.value)" })", file: file, line: line)
    if let credit {
        XCTAssertNotNil(f.credit, "\(id) has no credit", file: file, line: line)
        XCTAssertEqual(f.credit ?? -1, credit, accuracy: 1e-9, "\(id) credit: \(f.summary)", file: file, line: line)
    }
    if !status.isScored { XCTAssertNil(f.credit, "\(id) unscored status must have no credit", file: file, line: line) }
    if let summaryContains { XCTAssertTrue(f.summary.contains(summaryContains), "\(id) summary \"\(f.summary)\" lacks \"\(summaryContains)\"", file: file, line: line) }
    if let affected { XCTAssertEqual(f.affectedTotal, affected, "\(id) affected: \(f.affected)", file: file, line: line) }
}

func withCluster(_ mutate: (inout ManagedCluster) -> Void) -> Snapshot { goodSnapshot(cluster: goodCluster(mutate)) }
func withK8s(_ mutate: (inout KubernetesInventory) -> Void) -> Snapshot { goodSnapshot { $0.kubernetes = goodInventory(mutate) } }
