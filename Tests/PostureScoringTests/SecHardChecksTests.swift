import XCTest
import PostureModel
@testable import PostureScoring

final class SecChecksTests: XCTestCase {
    func testSEC01And02CSIAddon() {
        assertCheck("SEC-01", goodSnapshot(), .pass)
        assertCheck("SEC-02", goodSnapshot(), .pass)
        let noRotation = withCluster { $0.addons["azurekeyvaultsecretsprovider"] = AddonProfile(enabled: true, config: ["enableSecretRotation": "false"]) }
        assertCheck("SEC-01", noRotation, .partial, credit: 0.6)
        assertCheck("SEC-02", noRotation, .fail)
        let off = withCluster { $0.addons["azurekeyvaultsecretsprovider"] = nil }
        assertCheck("SEC-01", off, .fail)
        assertCheck("SEC-02", off, .notApplicable)
        // Add-on keys are case-insensitive; the rotation flag is a string.
        let camel = withCluster { c in
            c.addons = ["azurepolicy": AddonProfile(enabled: true)]
            c.addons["azureKeyvaultSecretsProvider".lowercased()] = AddonProfile(enabled: true, config: ["EnableSecretRotation": "True"])
        }
        assertCheck("SEC-01", camel, .pass)
    }

    func testSEC03KMSTiers() {
        assertCheck("SEC-03", goodSnapshot(), .pass)
        assertCheck("SEC-03", withCluster { $0.kms?.keyVaultNetworkAccess = "Public" }, .partial, credit: 0.7)
        assertCheck("SEC-03", withCluster { $0.kms = nil; $0.infrastructureEncryption = "Enabled" }, .partial, credit: 0.5)
        assertCheck("SEC-03", withCluster { $0.kms = nil }, .fail)
    }

    func testSEC04EnvSecrets() {
        assertCheck("SEC-04", goodSnapshot(), .pass)
        let envSecret: (inout Workload) -> Void = { $0.containers[0].secretEnv = [SecretEnvRef(variable: "DB_PASSWORD", secretName: "db", key: "password")] }
        // 1 of 4 with env secrets → 75% → partial 0.75.
        assertCheck("SEC-04", withK8s { k in
            k.workloads[0] = workload("Deployment", "api", envSecret)
            k.workloads += [workload("Deployment", "b"), workload("Deployment", "c"), workload("Deployment", "d")]
        }, .partial, credit: 0.75, affected: 1)
        // 1 of 2 → 50% → fail.
        assertCheck("SEC-04", withK8s { k in k.workloads[0] = workload("Deployment", "api", envSecret); k.workloads.append(workload("Deployment", "b")) }, .fail, credit: 0)
        assertCheck("SEC-04", withK8s { k in k.workloads.removeAll { $0.meta.namespace == "app" } }, .notApplicable)
    }

    func testSEC05KeyVaultBackedShare() {
        assertCheck("SEC-05", goodSnapshot(), .pass)
        let plain: (String) -> Workload = { name in
            workload("Deployment", name) { w in var v = Volume(name: "s", source: .secret); v.secretName = "\(name)-creds"; w.volumes = [v] }
        }
        assertCheck("SEC-05", withK8s { k in k.workloads.append(plain("b")) }, .partial, credit: 0.5, affected: 1)
        assertCheck("SEC-05", withK8s { k in k.workloads = [plain("b")] }, .fail)
        // A Secret synced by a SecretProviderClass counts as Key Vault-backed.
        assertCheck("SEC-05", withK8s { k in k.workloads = [plain("b")]; k.secretProviderClasses[0].syncedSecretNames = ["b-creds"] }, .pass)
        assertCheck("SEC-05", withK8s { k in k.workloads = [workload("Deployment", "nosecrets")] }, .notApplicable)
    }

    func testSEC06CredentialLiterals() {
        assertCheck("SEC-06", goodSnapshot(), .pass)
        assertCheck("SEC-06", withK8s { k in k.workloads[0].containers[0].credentialLikeEnvNames = ["API_TOKEN"] }, .fail, affected: 1)
        assertCheck("SEC-06", withK8s { k in var cm = ConfigMapMeta(meta: meta("cfg", "app")); cm.credentialLikeKeys = ["password"]; k.configMaps.append(cm) }, .fail)
        // ConfigMaps not collected: workloads still evaluated, evidence says so.
        let f = finding("SEC-06", withK8s { $0.collectedKinds.remove("ConfigMap") })
        XCTAssertEqual(f.status, .pass)
        XCTAssertTrue(f.evidence.contains(Evidence(path: "configmaps.data (credential-like keys)", value: "not collected")))
    }

    func testSEC07To09KeyVaults() {
        assertCheck("SEC-07", goodSnapshot(), .pass)
        assertCheck("SEC-07", goodSnapshot { $0.keyVaults = [goodVault { $0.enableRbacAuthorization = nil }] }, .fail)
        assertCheck("SEC-07", goodSnapshot { $0.keyVaults = [] }, .notApplicable)
        assertCheck("SEC-07", goodSnapshot { $0.keyVaults = nil }, .unknown)
        assertCheck("SEC-08", goodSnapshot(), .pass)
        assertCheck("SEC-08", goodSnapshot { $0.keyVaults = [goodVault { $0.enablePurgeProtection = nil }] }, .partial, credit: 0.5)
        assertCheck("SEC-08", goodSnapshot { $0.keyVaults = [goodVault { $0.enablePurgeProtection = false; $0.enableSoftDelete = false }] }, .fail)
        assertCheck("SEC-09", goodSnapshot(), .pass)
        assertCheck("SEC-09", goodSnapshot { $0.keyVaults = [goodVault { $0.publicNetworkAccess = "Enabled" }] }, .partial, credit: 0.5)
        assertCheck("SEC-09", goodSnapshot { $0.keyVaults = [goodVault { $0.publicNetworkAccess = "Enabled"; $0.networkDefaultAction = "Allow" }] }, .fail)
        // Worst vault decides.
        assertCheck("SEC-09", goodSnapshot { $0.keyVaults = [goodVault(), goodVault { $0.name = "kv2"; $0.publicNetworkAccess = nil; $0.networkDefaultAction = nil }] }, .fail, affected: 1)
    }

    func testSEC10() {
        assertCheck("SEC-10", goodSnapshot(), .pass)
        assertCheck("SEC-10", withCluster { $0.diskEncryptionSetID = nil }, .fail)
    }
}

final class HardChecksTests: XCTestCase {
    func pools(_ p: [NodePool]) -> Snapshot { goodSnapshot(cluster: goodCluster { $0.agentPoolProfiles = p }) }

    func testHARD01WorstPoolWithPerPoolEvidence() {
        assertCheck("HARD-01", goodSnapshot(), .pass)
        let entra = pools([pool("system"), pool("user") { $0.sshAccess = "EntraId" }])
        assertCheck("HARD-01", entra, .partial, credit: 0.5, affected: 1)
        let local = pools([pool("system") { $0.sshAccess = nil }, pool("user") { $0.sshAccess = "EntraId" }])
        assertCheck("HARD-01", local, .fail, credit: 0, affected: 2)
        let f = finding("HARD-01", local)
        XCTAssertTrue(f.evidence.contains(Evidence(path: "agentPoolProfiles[system].securityProfile.sshAccess", value: "(absent)")))
        XCTAssertTrue(f.evidence.contains(Evidence(path: "agentPoolProfiles[user].securityProfile.sshAccess", value: "\"EntraId\"")))
        assertCheck("HARD-01", pools([pool("system") { $0.sshAccess = "LocalUser" }]), .fail)
        // Windows pools have no sshAccess setting.
        assertCheck("HARD-01", pools([pool("system"), pool("win") { $0.osType = "Windows"; $0.osSKU = "Windows2022"; $0.sshAccess = nil }]), .pass)
        assertCheck("HARD-01", pools([]), .unknown)
    }

    func testHARD02OSSKU() {
        assertCheck("HARD-02", goodSnapshot(), .pass)
        assertCheck("HARD-02", pools([pool("system"), pool("u") { $0.osSKU = "Ubuntu2204" }]), .partial, credit: 0.5)
        assertCheck("HARD-02", pools([pool("system") { $0.osSKU = "CBLMariner" }]), .partial, credit: 0.25)
        assertCheck("HARD-02", pools([pool("win") { $0.osType = "Windows"; $0.osSKU = "Windows2022" }]), .notApplicable)
        assertCheck("HARD-02", pools([pool("system") { $0.osSKU = nil }]), .unknown)
    }

    func testHARD03And04And10And13Addons() {
        assertCheck("HARD-03", goodSnapshot(), .pass)
        assertCheck("HARD-03", withCluster { $0.addons["azurepolicy"] = AddonProfile(enabled: false) }, .fail)
        assertCheck("HARD-04", goodSnapshot(), .pass)
        assertCheck("HARD-04", withCluster { $0.defenderSecurityMonitoringEnabled = nil }, .fail)
        assertCheck("HARD-10", goodSnapshot(), .pass)
        assertCheck("HARD-10", withCluster { $0.imageCleanerEnabled = false }, .fail)
        assertCheck("HARD-13", goodSnapshot(), .pass)
        assertCheck("HARD-13", withCluster { $0.addons["kubedashboard"] = AddonProfile(enabled: true) }, .fail)
        assertCheck("HARD-13", withCluster { $0.addons["httpapplicationrouting"] = AddonProfile(enabled: false) }, .pass)
    }

    func testHARD05IsInformational() {
        assertCheck("HARD-05", goodSnapshot(), .notApplicable)
        let auto = withCluster { $0.skuName = "Automatic" }
        assertCheck("HARD-05", auto, .pass)
        XCTAssertEqual(finding("HARD-05", auto).weight, 0)
        XCTAssertEqual(finding("HARD-05", auto).severity, .info)
    }

    func testHARD06And07UpgradeChannels() {
        assertCheck("HARD-06", goodSnapshot(), .pass)
        assertCheck("HARD-06", withCluster { $0.upgradeChannel = "node-image" }, .partial, credit: 0.5)
        assertCheck("HARD-06", withCluster { $0.upgradeChannel = "none" }, .fail)
        assertCheck("HARD-06", withCluster { $0.upgradeChannel = nil }, .fail)
        assertCheck("HARD-07", goodSnapshot(), .pass)
        assertCheck("HARD-07", withCluster { $0.nodeOSUpgradeChannel = "Unmanaged" }, .partial, credit: 0.5)
        assertCheck("HARD-07", withCluster { $0.nodeOSUpgradeChannel = "None" }, .fail)
        assertCheck("HARD-07", withCluster { $0.nodeOSUpgradeChannel = nil; $0.upgradeChannel = "node-image" }, .pass)
    }

    func testHARD08NeedsConfiguredVersions() {
        assertCheck("HARD-08", goodSnapshot(), .unknown, summaryContains: "not collected")
        var cfg = ScoringConfiguration.default
        cfg.supportedKubernetesMinors = ["1.32", "1.33", "1.34"]
        assertCheck("HARD-08", goodSnapshot(), .pass, config: cfg)
        assertCheck("HARD-08", withCluster { $0.currentKubernetesVersion = "1.32.5"; $0.agentPoolProfiles = [pool("system") { $0.currentOrchestratorVersion = "1.32.5" }] },
                    .partial, credit: 0.5, config: cfg)
        assertCheck("HARD-08", withCluster { $0.agentPoolProfiles = [pool("system"), pool("old") { $0.currentOrchestratorVersion = "1.29.9" }] },
                    .fail, config: cfg, affected: 1)
    }

    func testHARD09EncryptionAtHostFraction() {
        assertCheck("HARD-09", goodSnapshot(), .pass)
        assertCheck("HARD-09", pools([pool("a"), pool("b") { $0.enableEncryptionAtHost = nil }]), .partial, credit: 0.5)
        assertCheck("HARD-09", pools([pool("a") { $0.enableEncryptionAtHost = false }]), .fail)
    }

    func testHARD11AuditLogs() {
        assertCheck("HARD-11", goodSnapshot(), .pass)
        assertCheck("HARD-11", goodSnapshot { s in s.diagnosticSettings![0].logs = [.init(category: "kube-apiserver", enabled: true)] }, .partial, credit: 0.5)
        assertCheck("HARD-11", goodSnapshot { s in s.diagnosticSettings![0].logs = [.init(categoryGroup: "audit", enabled: true)] }, .pass)
        assertCheck("HARD-11", goodSnapshot { $0.diagnosticSettings = [] }, .fail)
        assertCheck("HARD-11", goodSnapshot { $0.diagnosticSettings = nil }, .unknown, summaryContains: "diagnostic-settings.json missing")
        var failed = goodSnapshot { $0.diagnosticSettings = nil }
        failed.collection.sources = [SourceStatus(source: .diagnosticSettings, state: .failed, detail: "ERROR: forbidden")]
        assertCheck("HARD-11", failed, .unknown, summaryContains: "collection failed: ERROR: forbidden")
    }

    func testHARD12UnknownByConstruction() {
        let f = finding("HARD-12", goodSnapshot())
        XCTAssertEqual(f.status, .unknown)
        XCTAssertEqual(f.summary, "not collected (maintenance configurations are not part of the bundle)")
    }

    func testHARD14ApprovedRegistries() {
        assertCheck("HARD-14", goodSnapshot(), .pass)
        let dockerHub = withK8s { k in k.workloads.append(workload("Deployment", "redis") { $0.containers = [container(image: "redis:7")] }) }
        assertCheck("HARD-14", dockerHub, .fail, affected: 1) // 1 of 2 = 50% < 90%
        var cfg = ScoringConfiguration.default
        cfg.approvedRegistries = ["myacr.azurecr.io", "docker.io/library"]
        assertCheck("HARD-14", dockerHub, .pass, config: cfg)
        cfg.approvedRegistries = ["*.azurecr.io"]
        assertCheck("HARD-14", goodSnapshot(), .pass, config: cfg)
        // 10 workloads, one unapproved → 90% → partial 0.9.
        assertCheck("HARD-14", withK8s { k in
            k.workloads += (1...8).map { workload("Deployment", "w\($0)") }
            k.workloads.append(workload("Deployment", "x") { $0.containers = [container(image: "ghcr.io/x/y:1")] })
        }, .partial, credit: 0.9)
        assertCheck("HARD-14", goodSnapshot { $0.registries = nil }, .unknown, summaryContains: "approvedRegistries")
        XCTAssertEqual(HardChecks.registryHost("nginx"), "docker.io")
        XCTAssertEqual(HardChecks.registryHost("localhost:5000/x"), "localhost:5000")
        XCTAssertEqual(HardChecks.registryHost("MyAcr.azurecr.io/app:1"), "myacr.azurecr.io")
        XCTAssertEqual(HardChecks.normalizedImage("redis:7"), "docker.io/library/redis:7")
        XCTAssertEqual(HardChecks.normalizedImage("bitnami/redis"), "docker.io/bitnami/redis")
        XCTAssertEqual(HardChecks.normalizedImage("docker.io/redis"), "docker.io/library/redis")
        XCTAssertFalse(HardChecks.isApproved("docker.io/librarything/x", ["docker.io/library"]))
    }

    func testHARD15And16SecurityContext() {
        assertCheck("HARD-15", goodSnapshot(), .pass) // kube-proxy in kube-system is skipped
        assertCheck("HARD-15", withK8s { $0.workloads[0].hostPID = true }, .fail, affected: 1)
        assertCheck("HARD-15", withK8s { $0.workloads[0].containers[0].privileged = true }, .fail)
        assertCheck("HARD-16", goodSnapshot(), .pass)
        assertCheck("HARD-16", withK8s { k in k.workloads.append(workload("Deployment", "root") { $0.containers = [container { $0.runAsNonRoot = nil; $0.runAsUser = nil }] }) },
                    .partial, credit: 0.5)
        assertCheck("HARD-16", withK8s { k in k.workloads[0].containers[0].allowPrivilegeEscalation = nil }, .fail)
        // Pod-level runAsNonRoot is inherited.
        assertCheck("HARD-16", withK8s { k in k.workloads[0].podRunAsNonRoot = true; k.workloads[0].containers[0].runAsNonRoot = nil; k.workloads[0].containers[0].runAsUser = nil }, .pass)
    }

    func testHARD17DefaultNamespace() {
        assertCheck("HARD-17", goodSnapshot(), .pass)
        assertCheck("HARD-17", withK8s { $0.workloads.append(workload("Deployment", "stray", ns: "default")) }, .fail, affected: 1)
        assertCheck("HARD-17", withK8s { $0.services.append(KubeService(meta: meta("x", "default"), type: "ClusterIP")) }, .fail)
        assertCheck("HARD-17", withK8s { $0.collectedKinds = ["Namespace"] }, .unknown)
    }
}
