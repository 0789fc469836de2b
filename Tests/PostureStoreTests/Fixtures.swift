import Foundation
import PostureModel
import XCTest

/// Deterministic random numbers, so a failing size or churn test fails the same way every run.
struct SeededRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Builds Snapshots and ScoreReports in the shapes the importer and scorer produce: an AKS
/// cluster with node pools and Azure resources, and per namespace a set of apps, each a
/// Deployment → ReplicaSet → Pods with a ServiceAccount, Service, ConfigMap and Secret metadata.
enum Fixture {
    static let epoch = Date(timeIntervalSince1970: 1_795_000_000) // 2026-11-18, a whole number of seconds

    static func snapshot(cluster name: String = "aks-prod", resourceGroup: String = "rg-prod",
                         namespaces: Int = 20, appsPerNamespace: Int = 15, podsPerApp: Int = 3,
                         at date: Date = epoch) -> Snapshot {
        var cluster = ManagedCluster(name: name)
        cluster.id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/\(resourceGroup)/providers/Microsoft.ContainerService/managedClusters/\(name)"
        cluster.resourceGroup = resourceGroup
        cluster.subscriptionID = "00000000-0000-0000-0000-000000000000"
        cluster.location = "westeurope"
        cluster.kubernetesVersion = "1.31.2"
        cluster.currentKubernetesVersion = "1.31.2"
        cluster.skuName = "Base"
        cluster.skuTier = "Standard"
        cluster.fqdn = "\(name)-dns-1a2b3c4d.hcp.westeurope.azmk8s.io"
        cluster.nodeResourceGroup = "MC_\(resourceGroup)_\(name)_westeurope"
        cluster.provisioningState = "Succeeded"
        cluster.powerState = "Running"
        cluster.tags = ["env": "prod", "owner": "platform-team", "costcenter": "4711"]
        cluster.enableRBAC = true
        cluster.disableLocalAccounts = true
        var aad = AADProfile()
        aad.managed = true
        aad.enableAzureRBAC = true
        aad.adminGroupObjectIDs = ["11111111-2222-3333-4444-555555555555"]
        aad.tenantID = "99999999-8888-7777-6666-555555555555"
        cluster.aad = aad
        cluster.apiServer.enablePrivateCluster = false
        cluster.apiServer.authorizedIPRanges = ["203.0.113.0/24", "198.51.100.7/32"]
        cluster.identityType = "SystemAssigned"
        cluster.identityPrincipalID = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
        cluster.kubeletIdentity = ManagedIdentityRef(resourceID: "/subscriptions/0/resourceGroups/MC/providers/Microsoft.ManagedIdentity/userAssignedIdentities/\(name)-agentpool",
                                                     clientID: "c1c1c1c1-0000-0000-0000-000000000001", objectID: "o1o1o1o1-0000-0000-0000-000000000001")
        cluster.oidcIssuerEnabled = true
        cluster.oidcIssuerURL = "https://westeurope.oic.prod-aks.azure.com/9999/\(name)/"
        cluster.workloadIdentityEnabled = true
        cluster.network.networkPlugin = "azure"
        cluster.network.networkPluginMode = "overlay"
        cluster.network.networkPolicy = "cilium"
        cluster.network.networkDataplane = "cilium"
        cluster.network.outboundType = "loadBalancer"
        cluster.network.podCIDR = "10.244.0.0/16"
        cluster.network.serviceCIDR = "10.0.0.0/16"
        cluster.network.loadBalancerSKU = "standard"
        cluster.addons = [
            "azurepolicy": AddonProfile(enabled: true, identityClientID: "p0p0p0p0-0000-0000-0000-000000000000"),
            "omsagent": AddonProfile(enabled: true, config: ["logAnalyticsWorkspaceResourceID": "/subscriptions/0/resourcegroups/rg-logs/providers/microsoft.operationalinsights/workspaces/logs"]),
            "azurekeyvaultsecretsprovider": AddonProfile(enabled: true, config: ["enableSecretRotation": "true", "rotationPollInterval": "2m"]),
        ]
        cluster.defenderSecurityMonitoringEnabled = true
        cluster.imageCleanerEnabled = true
        cluster.upgradeChannel = "patch"
        cluster.nodeOSUpgradeChannel = "NodeImage"
        cluster.linuxAdminUsername = "azureuser"
        cluster.linuxSSHKeyCount = 1
        cluster.agentPoolProfiles = ["system", "user1", "user2"].enumerated().map { index, poolName in
            var pool = NodePool(name: poolName)
            pool.mode = index == 0 ? "System" : "User"
            pool.count = 3 + index
            pool.vmSize = "Standard_D4ds_v5"
            pool.osType = "Linux"
            pool.osSKU = "AzureLinux"
            pool.orchestratorVersion = "1.31.2"
            pool.nodeImageVersion = "AKSAzureLinux-V2gen2-202611.10.0"
            pool.enableNodePublicIP = false
            pool.enableEncryptionAtHost = true
            pool.sshAccess = "Disabled"
            pool.osDiskType = "Ephemeral"
            pool.maxPods = 110
            pool.type = "VirtualMachineScaleSets"
            pool.availabilityZones = ["1", "2", "3"]
            pool.vnetSubnetID = "/subscriptions/0/resourceGroups/\(resourceGroup)/providers/Microsoft.Network/virtualNetworks/vnet/subnets/\(poolName)"
            return pool
        }

        var collection = CollectionInfo(collectedAt: date, collectorVersion: "aksposture 0.1.0",
                                        toolVersions: ["az": "2.67.0", "kubectl": "Client Version: v1.31.2"])
        collection.sources = SourceKind.allCases.map { SourceStatus(source: $0, state: .collected) }
        var snapshot = Snapshot(collection: collection, cluster: cluster)

        var registry = ContainerRegistry(name: "\(name.replacingOccurrences(of: "-", with: ""))acr")
        registry.id = "/subscriptions/0/resourceGroups/\(resourceGroup)/providers/Microsoft.ContainerRegistry/registries/\(registry.name)"
        registry.loginServer = "\(registry.name).azurecr.io"
        registry.skuName = "Premium"
        registry.adminUserEnabled = false
        registry.publicNetworkAccess = "Disabled"
        registry.networkRuleDefaultAction = "Deny"
        snapshot.registries = [registry]
        var vault = KeyVault(name: "kv-\(name)")
        vault.enableRbacAuthorization = true
        vault.enableSoftDelete = true
        vault.enablePurgeProtection = true
        vault.publicNetworkAccess = "Disabled"
        snapshot.keyVaults = [vault]
        snapshot.privateEndpoints = []
        snapshot.privateDNSZones = [PrivateDNSZone(name: "privatelink.azurecr.io")]
        snapshot.roleAssignments = (0..<8).map { index in
            var assignment = RoleAssignment()
            assignment.id = "/subscriptions/0/providers/Microsoft.Authorization/roleAssignments/\(index)"
            assignment.principalID = "aaaaaaaa-bbbb-cccc-dddd-00000000000\(index)"
            assignment.principalType = "ServicePrincipal"
            assignment.roleDefinitionName = ["AcrPull", "Network Contributor", "Key Vault Secrets User", "Reader"][index % 4]
            assignment.scope = "/subscriptions/0/resourceGroups/\(resourceGroup)"
            return assignment
        }
        var diagnostics = DiagnosticSetting(name: "aks-diagnostics")
        diagnostics.logs = [DiagnosticSetting.LogSetting(category: "kube-audit-admin", enabled: true),
                            DiagnosticSetting.LogSetting(category: "guard", enabled: true)]
        diagnostics.workspaceID = "/subscriptions/0/resourcegroups/rg-logs/providers/microsoft.operationalinsights/workspaces/logs"
        snapshot.diagnosticSettings = [diagnostics]

        var inventory = KubernetesInventory()
        inventory.collectedKinds = ["namespaces", "serviceaccounts", "pods", "deployments", "replicasets", "services",
                                    "ingresses", "networkpolicies", "roles", "rolebindings", "clusterroles",
                                    "clusterrolebindings", "secrets", "configmaps", "secretproviderclasses"]
        inventory.otherKindCounts = ["HorizontalPodAutoscaler": 12, "PodDisruptionBudget": 7]
        for n in 0..<namespaces {
            let ns = "team-\(n)"
            var namespace = KubeNamespace(meta: meta("\(ns)", nil, index: n))
            namespace.meta.labels = ["kubernetes.io/metadata.name": ns, "team": "t\(n % 5)"]
            namespace.phase = "Active"
            inventory.namespaces.append(namespace)
            inventory.serviceAccounts.append(ServiceAccount(meta: meta("default", ns, index: n)))
            var policy = NetworkPolicy(meta: meta("default-deny", ns, index: n))
            policy.selectsAllPods = true
            policy.policyTypes = ["Ingress", "Egress"]
            inventory.networkPolicies.append(policy)
            var role = RBACRole(kind: "Role", meta: meta("\(ns)-developer", ns, index: n))
            role.rules = [PolicyRule(apiGroups: ["", "apps"], resources: ["pods", "deployments", "services"], verbs: ["get", "list", "watch"])]
            inventory.roles.append(role)
            var binding = RBACBinding(kind: "RoleBinding", meta: meta("\(ns)-developers", ns, index: n), roleRefKind: "Role", roleRefName: role.meta.name)
            binding.subjects = [RBACSubject(kind: "Group", name: "\(ns)-devs")]
            inventory.bindings.append(binding)
            for a in 0..<appsPerNamespace {
                let app = "app-\(a)"
                let index = n * 1000 + a
                var account = ServiceAccount(meta: meta(app, ns, index: index))
                account.automountServiceAccountToken = false
                account.meta.annotations["azure.workload.identity/client-id"] = "c0ffee00-0000-0000-0000-\(String(format: "%012d", index))"
                inventory.serviceAccounts.append(account)
                let container = makeContainer(app: app, tag: "1.\(a).0")
                var deployment = Workload(kind: "Deployment", meta: meta(app, ns, index: index))
                deployment.meta.labels = ["app.kubernetes.io/name": app, "app.kubernetes.io/part-of": ns]
                deployment.meta.annotations = ["deployment.kubernetes.io/revision": "3"]
                deployment.replicas = podsPerApp
                deployment.podLabels = ["app.kubernetes.io/name": app, "azure.workload.identity/use": "true"]
                deployment.serviceAccountName = app
                deployment.podRunAsNonRoot = true
                deployment.volumes = [tokenVolume(), secretVolume(app)]
                deployment.containers = [container]
                inventory.workloads.append(deployment)
                var replicaSet = deployment
                replicaSet.kind = "ReplicaSet"
                replicaSet.meta = meta("\(app)-7d9f8c6b5", ns, index: index + 500)
                replicaSet.meta.ownerReferences = [OwnerRef(kind: "Deployment", name: app, controller: true)]
                replicaSet.podLabels["pod-template-hash"] = "7d9f8c6b5"
                inventory.workloads.append(replicaSet)
                for p in 0..<podsPerApp {
                    var pod = replicaSet
                    pod.kind = "Pod"
                    pod.replicas = nil
                    pod.meta = meta("\(app)-7d9f8c6b5-\(suffix(index * 10 + p))", ns, index: index * 10 + p)
                    pod.meta.labels = replicaSet.podLabels
                    pod.meta.ownerReferences = [OwnerRef(kind: "ReplicaSet", name: replicaSet.meta.name, controller: true)]
                    pod.phase = "Running"
                    pod.nodeName = "aks-user1-12345678-vmss00000\(p)"
                    inventory.workloads.append(pod)
                }
                var service = KubeService(meta: meta(app, ns, index: index), type: a == 0 ? "LoadBalancer" : "ClusterIP")
                service.clusterIP = "10.0.\(n).\(a + 10)"
                service.ports = [ServicePort(name: "http", port: 80, targetPort: "8080", protocol: "TCP")]
                service.selector = ["app.kubernetes.io/name": app]
                if a == 0 {
                    service.meta.annotations["service.beta.kubernetes.io/azure-load-balancer-internal"] = "true"
                    service.loadBalancerIngress = ["10.1.\(n).4"]
                }
                inventory.services.append(service)
                if a % 5 == 0 {
                    var ingress = Ingress(meta: meta(app, ns, index: index))
                    ingress.ingressClassName = "webapprouting.kubernetes.azure.com"
                    ingress.ruleHosts = ["\(app).\(ns).example.com"]
                    ingress.tlsHosts = ingress.ruleHosts
                    ingress.tlsSecretNames = ["\(app)-tls"]
                    ingress.hasTLS = true
                    inventory.ingresses.append(ingress)
                }
                var configMap = ConfigMapMeta(meta: meta("\(app)-config", ns, index: index))
                configMap.keys = ["LOG_LEVEL", "FEATURE_FLAGS", "application.yaml"]
                inventory.configMaps.append(configMap)
                var secret = SecretMeta(meta: meta("\(app)-credentials", ns, index: index), type: "Opaque")
                secret.keys = ["username", "password"]
                inventory.secrets.append(secret)
            }
        }
        for r in 0..<60 {
            var role = RBACRole(kind: "ClusterRole", meta: meta("system:controller:role-\(r)", nil, index: 90_000 + r))
            role.meta.labels = ["kubernetes.io/bootstrapping": "rbac-defaults"]
            role.rules = [PolicyRule(apiGroups: [""], resources: ["pods", "events"], verbs: ["get", "list", "watch", "create"])]
            inventory.roles.append(role)
            var binding = RBACBinding(kind: "ClusterRoleBinding", meta: meta(role.meta.name, nil, index: 91_000 + r),
                                      roleRefKind: "ClusterRole", roleRefName: role.meta.name)
            binding.subjects = [RBACSubject(kind: "ServiceAccount", name: "controller-\(r)", namespace: "kube-system")]
            inventory.bindings.append(binding)
        }
        var spc = SecretProviderClass(meta: meta("azure-kv", "team-0", index: 99_999))
        spc.provider = "azure"
        spc.keyvaultName = vault.name
        spc.clientID = "c0ffee00-0000-0000-0000-000000000000"
        spc.objectNames = ["db-password"]
        inventory.secretProviderClasses = [spc]
        snapshot.kubernetes = inventory
        return snapshot
    }

    static func meta(_ name: String, _ namespace: String?, index: Int) -> ObjectMeta {
        var meta = ObjectMeta(name: name, namespace: namespace)
        meta.uid = String(format: "%08x-1a2b-4c3d-8e9f-%012x", index, index &* 2_654_435_761 & 0xFFFF_FFFF_FFFF)
        meta.creationTimestamp = "2026-10-\(String(format: "%02d", 1 + index % 28))T08:15:00Z"
        return meta
    }

    static func suffix(_ n: Int) -> String {
        let letters = Array("bcdfghjklmnpqrstvwxz2456789")
        var value = n
        var out = ""
        for _ in 0..<5 { out.append(letters[value % letters.count]); value /= letters.count }
        return out
    }

    static func makeContainer(app: String, tag: String) -> Container {
        var container = Container(name: app, image: "contosoacr.azurecr.io/\(app):\(tag)")
        container.allowPrivilegeEscalation = false
        container.runAsNonRoot = true
        container.readOnlyRootFilesystem = true
        container.ports = [ContainerPort(name: "http", containerPort: 8080, protocol: "TCP")]
        container.secretEnv = [SecretEnvRef(variable: "DB_PASSWORD", secretName: "\(app)-credentials", key: "password")]
        container.literalEnvNames = ["LOG_LEVEL", "PORT"]
        container.configMapEnvNames = ["\(app)-config"]
        return container
    }

    static func tokenVolume() -> Volume {
        var volume = Volume(name: "kube-api-access", source: .projected)
        volume.projectsServiceAccountToken = true
        return volume
    }

    static func secretVolume(_ app: String) -> Volume {
        var volume = Volume(name: "credentials", source: .secret)
        volume.secretName = "\(app)-credentials"
        return volume
    }

    /// Changes about `fraction` of the Kubernetes objects the way a live cluster drifts: image
    /// tags roll, annotations move, pods restart under a new name.
    static func churn(_ snapshot: inout Snapshot, fraction: Double, round: Int, using random: inout SeededRandom) {
        guard var inventory = snapshot.kubernetes else { return }
        let changes = max(1, Int((Double(inventory.objectCount) * fraction).rounded()))
        for change in 0..<changes {
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<5:
                let i = Int.random(in: 0..<inventory.workloads.count, using: &random)
                if inventory.workloads[i].kind == "Pod" && change % 2 == 0 {
                    inventory.workloads[i].meta.name = "\(inventory.workloads[i].meta.name.dropLast(5))\(suffix(round * 100_000 + change))"
                    inventory.workloads[i].meta.uid = "restarted-\(round)-\(change)"
                } else if !inventory.workloads[i].containers.isEmpty {
                    inventory.workloads[i].containers[0].image = "contosoacr.azurecr.io/app:\(round).\(change)"
                }
            case 5..<7:
                let i = Int.random(in: 0..<inventory.configMaps.count, using: &random)
                inventory.configMaps[i].meta.annotations["checksum/config"] = "r\(round)c\(change)"
            case 7..<9:
                let i = Int.random(in: 0..<inventory.services.count, using: &random)
                inventory.services[i].meta.annotations["last-seen-round"] = String(round)
            default:
                let i = Int.random(in: 0..<inventory.serviceAccounts.count, using: &random)
                inventory.serviceAccounts[i].automountServiceAccountToken = (round % 2 == 0)
            }
        }
        snapshot.kubernetes = inventory
    }

    /// A report shaped like the scorer's: one finding per catalog check, some with affected objects.
    static func report(for snapshot: Snapshot, fingerprint: String = "cfg-1") -> ScoreReport {
        let workloads = snapshot.kubernetes?.topLevelWorkloads ?? []
        var findings: [Finding] = []
        for (c, category) in Category.allCases.enumerated() {
            for n in 1...12 {
                let status: CheckStatus = [.pass, .pass, .fail, .partial, .unknown, .notApplicable][(c + n) % 6]
                let affected = status == .fail
                    ? workloads.prefix(5).map { AffectedObject(kind: $0.kind, namespace: $0.meta.namespace, name: $0.meta.name, detail: "image \($0.containers.first?.image ?? "")") }
                    : []
                findings.append(Finding(
                    checkID: "\(category.rawValue)-\(String(format: "%02d", n))", title: "Check \(n) of \(category.title)",
                    category: category, severity: Severity.allCases[n % 5], status: status,
                    credit: status.isScored ? (status == .pass ? 1 : status == .partial ? 0.5 : 0) : nil,
                    weight: Severity.allCases[n % 5].defaultWeight,
                    summary: "\(workloads.count) workloads examined", evidence: [Evidence(path: "aadProfile.enableAzureRBAC", value: "true")],
                    affected: affected, affectedTotal: affected.isEmpty ? 0 : workloads.count,
                    rationale: "Why check \(n) matters for \(category.shortTitle).",
                    remediation: "az aks update -g rg -n cluster --enable-thing-\(n)", references: ["CIS 5.\(n)", "Azure Policy \(n)"]))
            }
        }
        let categories = Category.allCases.enumerated().map { index, category in
            CategoryScore(category: category, score: index == 4 ? nil : 62.5 + Double(index) * 7.25, coverage: 0.8,
                          earned: 40, possible: 64, counts: [.pass: 4, .fail: 2, .partial: 2, .unknown: 2, .notApplicable: 2])
        }
        return ScoreReport(overall: OverallScore(score: 71.3, uncapped: 74.9, caps: [ScoreCap(limit: 75, reason: "local accounts", checkIDs: ["AUTH-02"])], coverage: 0.82),
                           categories: categories, findings: findings,
                           topFixes: [TopFix(checkID: "NET-03", title: "Restrict API server", category: .net, severity: .high, gain: 4.5, remediation: "az aks update …")],
                           exceptionNotes: ["waiver for HARD-07 expired 2026-10-01"], configFingerprint: fingerprint)
    }
}

/// A private temporary directory per test, removed afterwards.
final class TemporaryDirectory {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-store-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }
    func path(_ relative: String) -> URL { url.appendingPathComponent(relative) }
    deinit { try? FileManager.default.removeItem(at: url) }
}
