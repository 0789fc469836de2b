import Foundation
import XCTest
import PostureModel
@testable import PostureViews

/// The hostile strings every pane must neutralize.
enum Hostile {
    static let osc = "ops\u{1b}]0;x\u{07}\u{1b}[2J\u{202e}evil"
    static let c1 = "mallory\u{9b}31m"
    static let zeroWidth = "nginx\u{200b}\u{2060}:latest"
    static let annotation = "note\u{1b}]52;c;Q0FOQVJZ\u{07}\u{feff}"
}

/// An in-memory store: 2 clusters × 3 snapshots, built from model values.
final class MemoryReader: PostureReader {
    var clusterList: [ClusterSummary] = []
    var summaries: [Int64: [SnapshotSummary]] = [:]
    var snapshotsByID: [Int64: Snapshot] = [:]
    var reports: [Int64: ScoreReport] = [:]
    var token: Int64 = 1
    var failing = false
    /// Full reads (with the Kubernetes inventory).
    var snapshotLoads = 0
    /// Reads of the cluster side only.
    var clusterSideLoads = 0
    var tokenPolls = 0

    struct Unreadable: Error, CustomStringConvertible { var description: String { "database disk image is malformed" } }

    func clusters() throws -> [ClusterSummary] { if failing { throw Unreadable() }; return clusterList }
    func snapshots(clusterID: Int64) throws -> [SnapshotSummary] { if failing { throw Unreadable() }; return summaries[clusterID] ?? [] }
    func snapshot(id: Int64) throws -> Snapshot {
        if failing { throw Unreadable() }
        snapshotLoads += 1
        guard let s = snapshotsByID[id] else { throw Unreadable() }
        return s
    }
    func snapshotWithoutInventory(id: Int64) throws -> Snapshot {
        if failing { throw Unreadable() }
        clusterSideLoads += 1
        guard var s = snapshotsByID[id] else { throw Unreadable() }
        s.kubernetes = nil
        return s
    }
    func report(snapshotID: Int64) throws -> ScoreReport? { if failing { throw Unreadable() }; return reports[snapshotID] }
    func changeToken() throws -> Int64 { tokenPolls += 1; if failing { throw Unreadable() }; return token }

    /// Adds a snapshot to a cluster and bumps the change token, as an import would.
    func add(clusterID: Int64, id: Int64, at: Date, snapshot: Snapshot, report: ScoreReport) {
        snapshotsByID[id] = snapshot
        reports[id] = report
        let summary = SnapshotSummary(id: id, clusterID: clusterID, collectedAt: at, importedAt: at.addingTimeInterval(60),
                                      overallScore: report.overall.score, grade: report.overall.grade,
                                      categoryScores: Dictionary(uniqueKeysWithValues: report.categories.compactMap { c in c.score.map { (c.category, $0) } }),
                                      storedBytes: 40_000 + Int(id) * 1_337, objectCount: snapshot.kubernetes?.objectCount ?? 0)
        summaries[clusterID, default: []].append(summary)
        if let i = clusterList.firstIndex(where: { $0.id == clusterID }) {
            clusterList[i].snapshotCount = summaries[clusterID]!.count
            clusterList[i].latest = summary
        }
        token += 1
    }
}

enum Fixture {
    static let now = date("2026-11-29T03:00:00Z")
    static let hardenedID: Int64 = 1
    static let neglectedID: Int64 = 2

    static func date(_ s: String) -> Date { Fmt.parseTimestamp(s)! }

    struct CheckDef { var id: String; var title: String; var severity: Severity }
    static let catalog: [CheckDef] = [
        CheckDef(id: "AUTH-01", title: "Entra ID integration enabled", severity: .high),
        CheckDef(id: "AUTH-02", title: "Azure RBAC for Kubernetes authorization", severity: .medium),
        CheckDef(id: "AUTH-03", title: "Local accounts disabled", severity: .critical),
        CheckDef(id: "IDENT-01", title: "Workload identity enabled", severity: .medium),
        CheckDef(id: "IDENT-02", title: "No cluster-admin for non-system subjects", severity: .high),
        CheckDef(id: "IDENT-03", title: "Service account tokens not automounted", severity: .low),
        CheckDef(id: "NET-01", title: "API server private or restricted", severity: .critical),
        CheckDef(id: "NET-02", title: "Network policy engine enabled", severity: .high),
        CheckDef(id: "NET-03", title: "No public load balancer without source ranges", severity: .medium),
        CheckDef(id: "NET-04", title: "Ingresses terminate TLS", severity: .medium),
        CheckDef(id: "SEC-01", title: "Key Vault provider with rotation", severity: .medium),
        CheckDef(id: "SEC-02", title: "KMS etcd encryption", severity: .medium),
        CheckDef(id: "SEC-03", title: "No secrets in environment variables", severity: .low),
        CheckDef(id: "SEC-04", title: "Key Vault purge protection", severity: .medium),
        CheckDef(id: "HARD-01", title: "Node OS auto-upgrade channel set", severity: .medium),
        CheckDef(id: "HARD-02", title: "Defender for Containers enabled", severity: .high),
        CheckDef(id: "HARD-03", title: "Azure Policy add-on enabled", severity: .medium),
        CheckDef(id: "HARD-04", title: "SSH access to nodes disabled", severity: .low),
    ]

    static func category(of id: String) -> Category { Category.allCases.first { id.hasPrefix($0.rawValue + "-") }! }

    /// A small scorer with the documented shape (Σ w·c / Σ w per category, mean overall,
    /// a cap when local accounts are on), so the views see realistic, consistent reports.
    static func report(_ statuses: [String: CheckStatus], affected: [String: [AffectedObject]] = [:], waivers: [String: Waiver] = [:]) -> ScoreReport {
        func credit(_ s: CheckStatus) -> Double? { s == .pass ? 1 : s == .partial ? 0.5 : s == .fail ? 0 : nil }
        let findings = catalog.map { d -> Finding in
            let st = statuses[d.id] ?? .pass
            return Finding(checkID: d.id, title: d.title, category: category(of: d.id), severity: d.severity, status: st,
                           credit: credit(st), weight: d.severity.defaultWeight,
                           summary: st == .pass ? "\(d.title): yes" : "\(d.title): not met",
                           evidence: [Evidence(path: "properties.\(d.id.lowercased())", value: st == .pass ? "true" : "false")],
                           affected: affected[d.id] ?? [], rationale: "Why \(d.id) matters: it narrows what an attacker can reach.\nSecond line of the rationale.",
                           remediation: "az aks update -g rg -n cluster --fix-\(d.id.lowercased())",
                           references: ["CIS AKS 5.\(d.id.count)", "Azure Policy \(d.id)"], waiver: waivers[d.id])
        }
        func score(_ fs: [Finding]) -> [CategoryScore] {
            Category.allCases.map { c in
                let mine = fs.filter { $0.category == c }
                let scored = mine.filter { $0.status.isScored }
                let earned = scored.reduce(0) { $0 + $1.weight * ($1.credit ?? 0) }
                let possible = scored.reduce(0) { $0 + $1.weight }
                var counts: [CheckStatus: Int] = [:]
                for f in mine { counts[f.status, default: 0] += 1 }
                return CategoryScore(category: c, score: possible > 0 ? earned / possible * 100 : nil,
                                     coverage: Double(scored.count) / Double(max(1, mine.count)), earned: earned, possible: possible, counts: counts)
            }
        }
        func overall(_ fs: [Finding]) -> OverallScore {
            let cats = score(fs).compactMap(\.score)
            let uncapped = cats.isEmpty ? 0 : cats.reduce(0, +) / Double(cats.count)
            var caps: [ScoreCap] = []
            if fs.first(where: { $0.checkID == "AUTH-03" })?.status == .fail {
                caps.append(ScoreCap(limit: 60, reason: "local accounts are enabled", checkIDs: ["AUTH-03"]))
            }
            let scored = fs.filter { $0.status.isScored }.count
            return OverallScore(score: min(uncapped, caps.map(\.limit).min() ?? 100), uncapped: uncapped, caps: caps,
                                coverage: Double(scored) / Double(fs.count))
        }
        let o = overall(findings)
        var fixes: [TopFix] = []
        for f in findings where f.status == .fail || f.status == .partial {
            var alt = findings
            let i = alt.firstIndex { $0.checkID == f.checkID }!
            alt[i].status = .pass; alt[i].credit = 1
            let gain = overall(alt).score - o.score
            fixes.append(TopFix(checkID: f.checkID, title: f.title, category: f.category, severity: f.severity, gain: gain, remediation: f.remediation))
        }
        fixes.sort { ($0.gain, $1.checkID) > ($1.gain, $0.checkID) }
        return ScoreReport(overall: o, categories: score(findings), findings: findings, topFixes: Array(fixes.prefix(5)),
                           exceptionNotes: [], configFingerprint: "test")
    }

    static func meta(_ name: String, _ ns: String? = nil, created: String = "2026-10-01T00:00:00Z", labels: [String: String] = [:], annotations: [String: String] = [:]) -> ObjectMeta {
        var m = ObjectMeta(name: name, namespace: ns)
        m.creationTimestamp = created; m.labels = labels; m.annotations = annotations
        return m
    }

    // MARK: hardened cluster

    static func hardened(index: Int, at: Date) -> Snapshot {
        var c = ManagedCluster(name: "aks-prod-hardened")
        c.id = "/subscriptions/0000/resourceGroups/rg-prod/providers/Microsoft.ContainerService/managedClusters/aks-prod-hardened"
        c.resourceGroup = "rg-prod"; c.location = "westeurope"; c.kubernetesVersion = "1.30.4"; c.currentKubernetesVersion = "1.30.4"
        c.skuName = "Base"; c.skuTier = "Standard"; c.enableRBAC = true; c.disableLocalAccounts = true
        var aad = AADProfile(); aad.managed = true; aad.enableAzureRBAC = true; aad.adminGroupObjectIDs = ["6f1d2e00-aaaa-4bbb-8ccc-000000000001"]
        c.aad = aad
        c.apiServer.enablePrivateCluster = true; c.apiServer.enablePrivateClusterPublicFQDN = false
        c.privateFQDN = "aks-prod-hardened-1a2b.privatelink.westeurope.azmk8s.io"
        c.identityType = "UserAssigned"
        c.userAssignedIdentities = [ManagedIdentityRef(resourceID: "/subscriptions/0000/resourcegroups/rg-prod/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id-aks-prod", clientID: "11111111-2222-3333-4444-555555555555")]
        c.servicePrincipalClientID = "msi"
        c.kubeletIdentity = ManagedIdentityRef(clientID: "99999999-8888-7777-6666-555555555555")
        c.oidcIssuerEnabled = true; c.workloadIdentityEnabled = true
        c.network.networkPlugin = "azure"; c.network.networkPluginMode = "overlay"; c.network.networkPolicy = "cilium"
        c.network.networkDataplane = "cilium"; c.network.outboundType = "userDefinedRouting"; c.network.loadBalancerSKU = "standard"
        c.addons["azurekeyvaultsecretsprovider"] = AddonProfile(enabled: true, config: ["enableSecretRotation": "true", "rotationPollInterval": "2m"])
        c.addons["azurepolicy"] = AddonProfile(enabled: true)
        var kms = KMSProfile(); kms.enabled = true; kms.keyVaultNetworkAccess = "Private"; c.kms = kms
        c.nodeOSUpgradeChannel = "NodeImage"
        var sys = NodePool(name: "system"); sys.mode = "System"; sys.count = 3; sys.vmSize = "Standard_D4ds_v5"; sys.enableNodePublicIP = false
        var user = NodePool(name: "user"); user.mode = "User"; user.count = 5; user.vmSize = "Standard_D8ds_v5"; user.enableNodePublicIP = false
        c.agentPoolProfiles = [sys, user]
        var snap = Snapshot(collection: CollectionInfo(collectedAt: at, collectorVersion: "aksposture 0.1.0",
                                                       sources: SourceKind.allCases.map { SourceStatus(source: $0, state: .collected) }), cluster: c)
        var acr = ContainerRegistry(name: "acrprod"); acr.loginServer = "acrprod.azurecr.io"; acr.skuName = "Premium"; acr.publicNetworkAccess = "Disabled"
        acr.adminUserEnabled = false; acr.anonymousPullEnabled = false
        var pec = PrivateEndpointConnection(); pec.status = "Approved"; pec.groupIDs = ["registry"]; acr.privateEndpointConnections = [pec]
        snap.registries = [acr]
        var kv = KeyVault(name: "kv-prod-payments"); kv.vaultURI = "https://kv-prod-payments.vault.azure.net/"; kv.enableRbacAuthorization = true
        kv.enableSoftDelete = true; kv.enablePurgeProtection = true; kv.publicNetworkAccess = "Disabled"; kv.privateEndpointConnections = [pec]
        snap.keyVaults = [kv]
        var z1 = PrivateDNSZone(name: "privatelink.azurecr.io"); z1.virtualNetworkLinks = [PrivateDNSZone.VirtualNetworkLink()]
        var z2 = PrivateDNSZone(name: "privatelink.vaultcore.azure.net"); z2.virtualNetworkLinks = [PrivateDNSZone.VirtualNetworkLink(), PrivateDNSZone.VirtualNetworkLink()]
        snap.privateDNSZones = [z1, z2]
        snap.privateEndpoints = []; snap.roleAssignments = []; snap.diagnosticSettings = []

        var inv = KubernetesInventory()
        inv.collectedKinds = ["Namespace", "ServiceAccount", "Deployment", "Service", "Ingress", "NetworkPolicy", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Secret", "SecretProviderClass"]
        inv.namespaces = ["default", "kube-system", "payments", "web"].map { KubeNamespace(meta: meta($0)) }
        inv.networkPolicies = ["default", "kube-system", "payments", "web"].map { ns in
            var p = NetworkPolicy(meta: meta("default-deny", ns)); p.selectsAllPods = true; p.policyTypes = ["Ingress", "Egress"]; return p
        }
        var apiSA = ServiceAccount(meta: meta("api-sa", "payments", annotations: ["azure.workload.identity/client-id": "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"]))
        apiSA.automountServiceAccountToken = false
        var webSA = ServiceAccount(meta: meta("frontend", "web")); webSA.automountServiceAccountToken = false
        inv.serviceAccounts = [apiSA, webSA, ServiceAccount(meta: meta("default", "payments"))]
        var api = Workload(kind: "Deployment", meta: meta("api", "payments")); api.replicas = 3; api.serviceAccountName = "api-sa"
        var vol = Volume(name: "kv", source: .csi); vol.csiDriver = "secrets-store.csi.k8s.io"; vol.secretProviderClass = "kv-api"
        api.volumes = [vol]; api.containers = [Container(name: "api", image: "acrprod.azurecr.io/payments/api:2.4.1")]
        var web = Workload(kind: "Deployment", meta: meta("frontend", "web")); web.replicas = index + 1; web.serviceAccountName = "frontend"
        web.containers = [Container(name: "web", image: "acrprod.azurecr.io/web/frontend:1.9.\(index)")]
        inv.workloads = [api, web]
        var lb = KubeService(meta: meta("payments-internal", "payments", annotations: ["service.beta.kubernetes.io/azure-load-balancer-internal": "true"]), type: "LoadBalancer")
        lb.loadBalancerIngress = ["10.240.0.7"]; lb.ports = [ServicePort(port: 443, protocol: "TCP")]
        inv.services = [lb, KubeService(meta: meta("frontend", "web"), type: "ClusterIP")]
        var ing = Ingress(meta: meta("frontend", "web")); ing.ingressClassName = "webapprouting.kubernetes.azure.com"
        ing.ruleHosts = ["shop.contoso.example"]
        // snapshot 3 adds a host without TLS: NET-04 becomes partial
        if index == 2 { ing.ruleHosts.append("beta.contoso.example") }
        ing.tlsHosts = ["shop.contoso.example"]; ing.tlsSecretNames = ["frontend-tls"]; ing.hasTLS = true; ing.loadBalancerIngress = ["10.240.0.9"]
        inv.ingresses = [ing]
        var admins = RBACBinding(kind: "ClusterRoleBinding", meta: meta("aks-cluster-admin-binding-aad"), roleRefKind: "ClusterRole", roleRefName: "cluster-admin")
        admins.subjects = [RBACSubject(kind: "Group", name: "6f1d2e00-aaaa-4bbb-8ccc-000000000001")]
        var masters = RBACBinding(kind: "ClusterRoleBinding", meta: meta("cluster-admin", labels: ["kubernetes.io/bootstrapping": "rbac-defaults"]), roleRefKind: "ClusterRole", roleRefName: "cluster-admin")
        masters.subjects = [RBACSubject(kind: "Group", name: "system:masters")]
        var deployer = RBACRole(kind: "Role", meta: meta("deployer", "payments"))
        deployer.rules = [PolicyRule(apiGroups: ["apps"], resources: ["deployments"], verbs: ["get", "list", "update", "patch"])]
        var deployBinding = RBACBinding(kind: "RoleBinding", meta: meta("deployers", "payments"), roleRefKind: "Role", roleRefName: "deployer")
        deployBinding.subjects = [RBACSubject(kind: "Group", name: "payments-devs")]
        inv.roles = [deployer]
        inv.bindings = [admins, masters, deployBinding]
        var tls = SecretMeta(meta: meta("frontend-tls", "web", created: "2026-11-01T00:00:00Z"), type: "kubernetes.io/tls"); tls.keys = ["tls.crt", "tls.key"]
        var synced = SecretMeta(meta: meta("api-db", "payments", created: "2026-09-15T12:00:00Z"), type: "Opaque"); synced.keys = ["connection-string"]
        inv.secrets = [tls, synced]
        var spc = SecretProviderClass(meta: meta("kv-api", "payments")); spc.provider = "azure"; spc.keyvaultName = "kv-prod-payments"
        spc.clientID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"; spc.tenantID = "tttttttt-0000-0000-0000-000000000000"
        spc.objectNames = ["db-connection", "api-signing-key"]; spc.syncedSecretNames = ["api-db"]
        inv.secretProviderClasses = [spc]
        snap.kubernetes = inv
        return snap
    }

    // MARK: neglected cluster

    static func neglected(index: Int, at: Date) -> Snapshot {
        var c = ManagedCluster(name: "aks-dev-neglected")
        c.id = "/subscriptions/0000/resourceGroups/rg-dev/providers/Microsoft.ContainerService/managedClusters/aks-dev-neglected"
        c.resourceGroup = "rg-dev"; c.location = "eastus"; c.kubernetesVersion = "1.27.9"; c.skuName = "Base"; c.skuTier = "Free"
        c.enableRBAC = true; c.disableLocalAccounts = false
        c.fqdn = "aks-dev-neglected-dns-7f3e.hcp.eastus.azmk8s.io"
        c.apiServer.enablePrivateCluster = false
        if index == 2 { c.apiServer.authorizedIPRanges = ["203.0.113.7/32", "10.0.0.0/8"] }
        c.servicePrincipalClientID = "a1b2c3d4-0000-1111-2222-333344445555"
        c.network.networkPlugin = "kubenet"; c.network.outboundType = "loadBalancer"; c.network.loadBalancerSKU = "standard"
        c.tags = ["owner": Hostile.osc]
        var pool = NodePool(name: "nodepool1"); pool.mode = "System"; pool.count = 2; pool.vmSize = "Standard_B2s"; pool.enableNodePublicIP = true
        pool.sshAccess = "LocalUser"
        c.agentPoolProfiles = [pool]
        var sources = SourceKind.allCases.map { SourceStatus(source: $0, state: .collected) }
        sources[SourceKind.allCases.firstIndex(of: .privateDNSZones)!] = SourceStatus(source: .privateDNSZones, state: .missing)
        sources[SourceKind.allCases.firstIndex(of: .diagnosticSettings)!] = SourceStatus(source: .diagnosticSettings, state: .failed,
            detail: "ERROR: (AuthorizationFailed) client does not have authorization \u{1b}[31m")
        var snap = Snapshot(collection: CollectionInfo(collectedAt: at, collectorVersion: "aksposture 0.1.0", sources: sources), cluster: c)
        var acr = ContainerRegistry(name: "acrdevshared"); acr.loginServer = "acrdevshared.azurecr.io"; acr.skuName = "Basic"
        acr.publicNetworkAccess = "Enabled"; acr.networkRuleDefaultAction = "Allow"; acr.adminUserEnabled = true; acr.anonymousPullEnabled = index == 2
        snap.registries = [acr]
        var kv = KeyVault(name: "kv-dev-misc"); kv.vaultURI = "https://kv-dev-misc.vault.azure.net/"; kv.enableRbacAuthorization = false
        kv.accessPolicyCount = 7; kv.enableSoftDelete = true; kv.enablePurgeProtection = false; kv.publicNetworkAccess = "Enabled"; kv.networkDefaultAction = "Allow"
        snap.keyVaults = [kv]
        snap.privateEndpoints = []; snap.roleAssignments = []

        var inv = KubernetesInventory()
        inv.collectedKinds = ["Namespace", "ServiceAccount", "Pod", "Deployment", "DaemonSet", "Service", "Ingress", "NetworkPolicy", "ClusterRole", "ClusterRoleBinding", "Role", "RoleBinding", "Secret"]
        inv.namespaces = ["default", "kube-system", "shop", "秘密-team"].map { KubeNamespace(meta: meta($0)) }
        inv.serviceAccounts = [ServiceAccount(meta: meta("default", "shop")), ServiceAccount(meta: meta("ci-bot", "shop")),
                               ServiceAccount(meta: meta("default", "default"))]
        var web = Workload(kind: "Deployment", meta: meta("web", "shop")); web.replicas = 2
        var ctr = Container(name: "web", image: Hostile.zeroWidth)
        ctr.secretEnv = [SecretEnvRef(variable: "DB_PASSWORD", secretName: "db-creds", key: "password")]
        if index >= 1 { ctr.secretEnv.append(SecretEnvRef(variable: nil, secretName: "api-keys", key: nil)) }
        ctr.credentialLikeEnvNames = ["API_TOKEN"]
        ctr.ports = [ContainerPort(containerPort: 8080, hostPort: 8080, protocol: "TCP")]
        web.containers = [ctr]
        var agent = Workload(kind: "DaemonSet", meta: meta("log-agent", "kube-system")); agent.hostNetwork = true; agent.serviceAccountName = "default"
        agent.containers = [Container(name: "agent", image: "docker.io/library/fluentd:v1")]
        var debug = Workload(kind: "Pod", meta: meta("debug-" + Hostile.osc, "default", annotations: ["note": Hostile.annotation]))
        debug.containers = [Container(name: "sh", image: "busybox" + Hostile.c1)]
        inv.workloads = [web, agent, debug]
        var lb = KubeService(meta: meta("web", "shop"), type: "LoadBalancer"); lb.loadBalancerIngress = ["20.50.1.2"]
        lb.ports = [ServicePort(port: 80, protocol: "TCP"), ServicePort(port: 443, protocol: "TCP")]
        var np = KubeService(meta: meta("admin", "shop"), type: "NodePort"); np.ports = [ServicePort(port: 80, nodePort: 30080, protocol: "TCP")]
        inv.services = [lb, np]
        var ing = Ingress(meta: meta("web", "shop")); ing.ruleHosts = ["shop.dev.example"]; ing.loadBalancerIngress = ["20.50.1.3"]
        inv.ingresses = [ing]
        var execRole = RBACRole(kind: "ClusterRole", meta: meta("pod-exec"))
        execRole.rules = [PolicyRule(apiGroups: [""], resources: ["pods/exec"], verbs: ["create"]), PolicyRule(apiGroups: [""], resources: ["nodes/proxy"], verbs: ["get"])]
        var secretReader = RBACRole(kind: "ClusterRole", meta: meta("secret-reader"))
        secretReader.rules = [PolicyRule(apiGroups: [""], resources: ["secrets"], verbs: ["get", "list"])]
        var escalator = RBACRole(kind: "Role", meta: meta("escalator", "shop"))
        escalator.rules = [PolicyRule(apiGroups: ["rbac.authorization.k8s.io"], resources: ["roles", "rolebindings"], verbs: ["bind", "escalate"]),
                           PolicyRule(apiGroups: [""], resources: ["users", "groups", "serviceaccounts"], verbs: ["impersonate"])]
        inv.roles = [execRole, secretReader, escalator]
        var ciAdmin = RBACBinding(kind: "ClusterRoleBinding", meta: meta("ci-admin", annotations: ["owner": Hostile.annotation]), roleRefKind: "ClusterRole", roleRefName: "cluster-admin")
        ciAdmin.subjects = [RBACSubject(kind: "User", name: Hostile.osc), RBACSubject(kind: "ServiceAccount", name: "ci-bot", namespace: "shop")]
        var exec = RBACBinding(kind: "ClusterRoleBinding", meta: meta("support-exec"), roleRefKind: "ClusterRole", roleRefName: "pod-exec")
        exec.subjects = [RBACSubject(kind: "Group", name: "support")]
        var read = RBACBinding(kind: "RoleBinding", meta: meta("read-secrets", "shop"), roleRefKind: "ClusterRole", roleRefName: "secret-reader")
        read.subjects = [RBACSubject(kind: "ServiceAccount", name: "default", namespace: "shop")]
        var esc = RBACBinding(kind: "RoleBinding", meta: meta("escalate", "shop"), roleRefKind: "Role", roleRefName: "escalator")
        esc.subjects = [RBACSubject(kind: "User", name: Hostile.c1)]
        var edit = RBACBinding(kind: "RoleBinding", meta: meta("devs-edit", "shop"), roleRefKind: "ClusterRole", roleRefName: "edit")
        edit.subjects = [RBACSubject(kind: "Group", name: "devs")]
        inv.bindings = [ciAdmin, exec, read, esc, edit]
        var db = SecretMeta(meta: meta("db-creds", "shop", created: "2025-06-01T00:00:00Z"), type: "Opaque"); db.keys = ["username", "password"]
        var pull = SecretMeta(meta: meta("registry", "shop"), type: "kubernetes.io/dockerconfigjson"); pull.keys = [".dockerconfigjson"]
        var keys = SecretMeta(meta: meta("api-keys", "shop", created: "2026-11-20T08:00:00Z"), type: "Opaque"); keys.keys = ["stripe", "sendgrid", Hostile.c1]
        var cjk = SecretMeta(meta: meta("秘密-config", "秘密-team"), type: "Opaque"); cjk.keys = ["設定"]
        inv.secrets = [db, pull, keys, cjk]
        snap.kubernetes = inv
        return snap
    }

    static let hardenedStatuses: [[String: CheckStatus]] = [
        ["IDENT-03": .partial, "SEC-02": .fail, "HARD-04": .fail, "HARD-02": .unknown],
        ["IDENT-03": .partial, "HARD-04": .fail, "HARD-02": .unknown],
        ["IDENT-03": .partial, "NET-04": .partial, "HARD-02": .unknown, "SEC-03": .notApplicable],
    ]
    static let neglectedStatuses: [[String: CheckStatus]] = [
        ["AUTH-01": .fail, "AUTH-02": .fail, "AUTH-03": .fail, "IDENT-01": .fail, "IDENT-02": .fail, "IDENT-03": .fail,
         "NET-01": .fail, "NET-02": .fail, "NET-03": .fail, "NET-04": .fail, "SEC-01": .fail, "SEC-02": .fail, "SEC-03": .partial,
         "SEC-04": .fail, "HARD-01": .fail, "HARD-02": .unknown, "HARD-03": .fail, "HARD-04": .fail],
        ["AUTH-01": .fail, "AUTH-02": .fail, "AUTH-03": .fail, "IDENT-01": .fail, "IDENT-02": .fail, "IDENT-03": .fail,
         "NET-01": .fail, "NET-02": .fail, "NET-03": .fail, "NET-04": .fail, "SEC-01": .fail, "SEC-02": .fail, "SEC-03": .fail,
         "SEC-04": .fail, "HARD-01": .pass, "HARD-02": .unknown, "HARD-03": .fail, "HARD-04": .fail],
        ["AUTH-01": .fail, "AUTH-02": .fail, "AUTH-03": .fail, "IDENT-01": .fail, "IDENT-02": .fail, "IDENT-03": .fail,
         "NET-01": .partial, "NET-02": .fail, "NET-03": .fail, "NET-04": .fail, "SEC-01": .fail, "SEC-02": .fail, "SEC-03": .fail,
         "SEC-04": .fail, "HARD-01": .pass, "HARD-02": .unknown, "HARD-03": .waived, "HARD-04": .fail],
    ]

    static func reader() -> MemoryReader {
        let r = MemoryReader()
        r.clusterList = [
            ClusterSummary(id: hardenedID, key: "/subscriptions/0000/resourcegroups/rg-prod/providers/microsoft.containerservice/managedclusters/aks-prod-hardened",
                           name: "aks-prod-hardened", resourceGroup: "rg-prod", location: "westeurope", snapshotCount: 0, latest: nil),
            ClusterSummary(id: neglectedID, key: "/subscriptions/0000/resourcegroups/rg-dev/providers/microsoft.containerservice/managedclusters/aks-dev-neglected",
                           name: "aks-dev-neglected", resourceGroup: "rg-dev", location: "eastus", snapshotCount: 0, latest: nil),
        ]
        let hardenedTimes = [now.addingTimeInterval(-50 * 3600), now.addingTimeInterval(-26 * 3600), now.addingTimeInterval(-2 * 3600)]
        let neglectedTimes = [now.addingTimeInterval(-48 * 3600), now.addingTimeInterval(-24 * 3600), now.addingTimeInterval(-30 * 60)]
        let hostileAffected = [AffectedObject(kind: "ClusterRoleBinding", name: "ci-admin", detail: "binds cluster-admin to User " + Hostile.osc),
                               AffectedObject(kind: "ClusterRoleBinding", name: "ci-admin", detail: "binds cluster-admin to ServiceAccount shop/ci-bot")]
        for i in 0..<3 {
            r.add(clusterID: hardenedID, id: Int64(11 + i), at: hardenedTimes[i], snapshot: hardened(index: i, at: hardenedTimes[i]),
                  report: report(hardenedStatuses[i], affected: ["NET-04": [AffectedObject(kind: "Ingress", namespace: "web", name: "frontend", detail: "host beta.contoso.example without TLS")]]))
            r.add(clusterID: neglectedID, id: Int64(21 + i), at: neglectedTimes[i], snapshot: neglected(index: i, at: neglectedTimes[i]),
                  report: report(neglectedStatuses[i], affected: ["IDENT-02": hostileAffected],
                                 waivers: i == 2 ? ["HARD-03": Waiver(reason: "policy add-on replaced by Gatekeeper", owner: "platform-team", expires: "2027-01-31")] : [:]))
        }
        r.token = 100
        return r
    }
}

// MARK: golden files

/// Compares a screen with `__Snapshots__/<name>.txt` next to this file. A missing file, or
/// `RECORD_SNAPSHOTS=1`, records it and fails, so a recording run can never pass silently.
func assertGolden(_ screen: Screen, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    let dir = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().appendingPathComponent("__Snapshots__")
    let url = dir.appendingPathComponent(name + ".txt")
    let actual = screen.plainText()
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    if record || !FileManager.default.fileExists(atPath: url.path) {
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        do { try actual.write(to: url, atomically: true, encoding: .utf8) } catch { XCTFail("cannot write \(url.path): \(error)", file: file, line: line) }
        XCTFail("recorded new golden \(name).txt; re-run the tests to compare against it", file: file, line: line)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else { XCTFail("cannot read \(url.path)", file: file, line: line); return }
    if expected != actual {
        let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
        let i = (0..<min(e.count, a.count)).first { e[$0] != a[$0] } ?? min(e.count, a.count)
        XCTFail("""
            \(name) differs from its golden at line \(i + 1) (RECORD_SNAPSHOTS=1 re-records):
            expected: \(i < e.count ? e[i] : "<end>")
              actual: \(i < a.count ? a[i] : "<end>")
            """, file: file, line: line)
    }
}

extension Screen {
    var text: String { plainText() }
    /// Rows whose text contains `needle`.
    func rows(containing needle: String) -> [Int] { textLines().enumerated().filter { $0.element.contains(needle) }.map(\.offset) }
    func roles(onRow y: Int) -> Set<Role> { Set((0..<width).map { self[$0, y].role }) }
}
