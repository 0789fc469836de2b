import Foundation
@testable import PostureImport
import PostureModel
import XCTest

/// Stand-in `az` and `kubectl` executables for collector tests: small bash scripts in a temp
/// directory that print fixture JSON written by the tests, log their argv (fields separated by
/// U+001F, one invocation per line) and fail or hang on request through environment variables.
final class CollectorStandIn {
    let root: URL
    let azBin: URL
    let kubectlBin: URL
    let fixtures: URL
    let log: URL
    let bundle: URL

    static let subscription = "00000000-0000-0000-0000-0000000000f1"
    static let clusterPrincipal = "00000000-0000-0000-0000-0000000000c1"
    static let kubeletObject = "00000000-0000-0000-0000-0000000000c2"
    static let workloadClient = "00000000-0000-0000-0000-0000000000c3"

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-collector-\(UUID().uuidString)")
        azBin = root.appendingPathComponent("bin-az")
        kubectlBin = root.appendingPathComponent("bin-kubectl")
        fixtures = root.appendingPathComponent("fixtures")
        log = root.appendingPathComponent("argv.log")
        bundle = root.appendingPathComponent("bundle")
        for d in [azBin, kubectlBin, fixtures] {
            try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
        }
        try write(script: Self.azScript, to: azBin.appendingPathComponent("az"))
        try write(script: Self.kubectlScript, to: kubectlBin.appendingPathComponent("kubectl"))
        for (name, text) in Self.fixtureFiles { try text.write(to: fixtures.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    func write(script: String, to url: URL) throws {
        try script.write(to: url, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: url.path)
    }

    /// The environment handed to the collector: only the stand-ins on PATH (unless told otherwise).
    func environment(path: [URL]? = nil, extra: [String: String] = [:]) -> [String: String] {
        var env = ["PATH": (path ?? [azBin, kubectlBin]).map(\.path).joined(separator: ":"),
                   "STANDIN_DIR": root.path, "HOME": root.path]
        env.merge(extra) { _, new in new }
        return env
    }

    /// Every recorded invocation as its argv.
    func invocations() -> [[String]] {
        guard let text = try? String(contentsOf: log, encoding: .utf8) else { return [] }
        return text.split(separator: "\n").map { $0.split(separator: "\u{1F}", omittingEmptySubsequences: false).map(String.init) }
    }

    func json(_ relative: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(contentsOf: bundle.appendingPathComponent(relative)))
    }

    /// All paths under the bundle, relative, recursively.
    func bundleContents() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: bundle.path) else { return [] }
        return (e.allObjects as? [String] ?? []).sorted()
    }

    static let azScript = #"""
    #!/bin/bash
    export PATH=/usr/bin:/bin
    fx="$STANDIN_DIR/fixtures"
    { printf 'az'; for a in "$@"; do printf '\x1f%s' "$a"; done; printf '\n'; } >> "$STANDIN_DIR/argv.log"
    args="$*"
    if [[ -n "${STANDIN_AZ_FAIL:-}" && "$args" == *"$STANDIN_AZ_FAIL"* ]]; then
      echo "WARNING: The command requires the extension resource-graph." >&2
      echo "ERROR: (AuthorizationFailed) denied; client_secret=abc123supersecret Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" >&2
      exit 1
    fi
    if [[ -n "${STANDIN_AZ_HANG:-}" && "$args" == *"$STANDIN_AZ_HANG"* ]]; then exec sleep 30; fi
    f=""
    case "$args" in
      "version -o json") f=az-version.json ;;
      "aks show "*) f=cluster.json ;;
      "aks nodepool list "*) f=nodepools.json ;;
      "acr list "*) f=acr.json ;;
      "keyvault list "*) f=keyvault-list.json ;;
      "keyvault show "*) f="keyvault-$4.json" ;;
      "network private-endpoint list "*) f=pe-list.json ;;
      "network private-endpoint dns-zone-group list "*) f=pe-zonegroups.json ;;
      "network private-dns zone list "*) f=zones.json ;;
      "network private-dns link vnet list "*) f=links.json ;;
      "role assignment list "*)
        prev=""; for a in "$@"; do [[ "$prev" == "--assignee" ]] && f="ra-$a.json"; prev="$a"; done ;;
      "monitor diagnostic-settings list "*) f=diag.json ;;
    esac
    if [[ -n "$f" && -f "$fx/$f" ]]; then cat "$fx/$f"; exit 0; fi
    echo "ERROR: (ResourceNotFound) stand-in az has no answer for: $args" >&2
    exit 3
    """#

    static let kubectlScript = #"""
    #!/bin/bash
    export PATH=/usr/bin:/bin
    fx="$STANDIN_DIR/fixtures"
    { printf 'kubectl'; for a in "$@"; do printf '\x1f%s' "$a"; done; printf '\n'; } >> "$STANDIN_DIR/argv.log"
    if [[ "$*" == "version --client -o json" ]]; then cat "$fx/kubectl-version.json"; exit 0; fi
    if [[ "$1" == "--context" ]]; then shift 2; fi
    if [[ "$1" == "get" ]]; then
      res="$2"
      if [[ ",${STANDIN_KUBECTL_FAIL:-}," == *",$res,"* ]]; then
        echo "E1129 01:00:00.000000   4242 memcache.go:265] couldn't get current server API group list: the server could not find the requested resource" >&2
        echo "error: the server doesn't have a resource type \"$res\"" >&2
        exit 1
      fi
      if [[ -f "$fx/k8s-$res.json" ]]; then cat "$fx/k8s-$res.json"; else
        printf '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n'
      fi
      exit 0
    fi
    echo "error: unknown command \"$1\" for \"kubectl\"" >&2
    exit 1
    """#

    static let clusterJSON = """
    {
      "aadProfile": null,
      "id": "/subscriptions/\(subscription)/resourcegroups/rg-test/providers/Microsoft.ContainerService/managedClusters/aks-test",
      "identity": {"principalId": "\(clusterPrincipal)", "tenantId": "00000000-0000-0000-0000-0000000000aa", "type": "SystemAssigned", "userAssignedIdentities": null},
      "identityProfile": {"kubeletidentity": {"clientId": "00000000-0000-0000-0000-0000000000d2", "objectId": "\(kubeletObject)", "resourceId": "/subscriptions/\(subscription)/resourcegroups/MC_rg-test_aks-test_westeurope/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aks-test-agentpool"}},
      "location": "westeurope",
      "name": "aks-test",
      "resourceGroup": "rg-test",
      "servicePrincipalProfile": {"clientId": "msi", "secret": null},
      "type": "Microsoft.ContainerService/ManagedClusters"
    }

    """

    static let fixtureFiles: [String: String] = [
        "az-version.json": #"{"azure-cli": "2.80.0", "azure-cli-core": "2.80.0", "azure-cli-telemetry": "1.1.0", "extensions": {}}"#,
        "kubectl-version.json": #"{"clientVersion": {"major": "1", "minor": "34", "gitVersion": "v1.34.2", "platform": "linux/amd64"}, "kustomizeVersion": "v5.7.1"}"#,
        "cluster.json": clusterJSON,
        "nodepools.json": #"[{"name": "system", "osSku": "AzureLinux", "typePropertiesType": "VirtualMachineScaleSets", "resourceGroup": "rg-test"}]"#,
        "acr.json": #"[{"name": "crtest", "loginServer": "crtest.azurecr.io", "adminUserEnabled": false, "resourceGroup": "rg-test"}]"#,
        "keyvault-list.json": #"""
        [{"id": "/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.KeyVault/vaults/kv-a", "name": "kv-a", "resourceGroup": "rg-test", "type": "Microsoft.KeyVault/vaults"},
         {"id": "/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.KeyVault/vaults/kv-b", "name": "kv-b", "resourceGroup": "rg-test", "type": "Microsoft.KeyVault/vaults"},
         {"id": "/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.KeyVault/managedHSMs/hsm-c", "name": "hsm-c", "resourceGroup": "rg-test", "type": "Microsoft.KeyVault/managedHSMs"}]
        """#,
        "keyvault-kv-a.json": #"{"id": "/subscriptions/x/resourceGroups/rg-test/providers/Microsoft.KeyVault/vaults/kv-a", "name": "kv-a", "properties": {"enableRbacAuthorization": true, "enablePurgeProtection": true}, "resourceGroup": "rg-test", "type": "Microsoft.KeyVault/vaults"}"#,
        "pe-list.json": #"[{"name": "pe-crtest", "resourceGroup": "rg-net", "privateLinkServiceConnections": [{"groupIds": ["registry"]}]}]"#,
        "pe-zonegroups.json": #"[{"name": "default", "privateDnsZoneConfigs": [{"name": "privatelink-azurecr-io", "privateDnsZoneId": "/subscriptions/x/resourceGroups/rg-net/providers/Microsoft.Network/privateDnsZones/privatelink.azurecr.io"}]}]"#,
        "zones.json": #"[{"name": "privatelink.azurecr.io", "resourceGroup": "rg-net", "numberOfRecordSets": 2}]"#,
        "links.json": #"[{"name": "link-vnet", "registrationEnabled": false, "virtualNetwork": {"id": "/subscriptions/x/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-test"}, "virtualNetworkLinkState": "Completed"}]"#,
        "ra-\(clusterPrincipal).json": #"[{"id": "/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/a1", "principalId": "c1", "roleDefinitionName": "Network Contributor"}, {"id": "/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/shared", "roleDefinitionName": "Reader"}]"#,
        "ra-\(kubeletObject).json": #"[{"id": "/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/a2", "principalId": "c2", "roleDefinitionName": "AcrPull"}, {"id": "/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/SHARED", "roleDefinitionName": "Reader"}]"#,
        "ra-\(workloadClient).json": #"[{"id": "/subscriptions/x/providers/Microsoft.Authorization/roleAssignments/a3", "principalName": "c3", "roleDefinitionName": "Key Vault Secrets User"}]"#,
        "diag.json": #"[{"name": "aks-audit", "logs": [{"category": "kube-audit", "enabled": true}]}]"#,
        "k8s-serviceaccounts.json": """
        {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
          {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "default", "namespace": "apps"}},
          {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "api", "namespace": "apps", "annotations": {"azure.workload.identity/client-id": "\(workloadClient)"}}},
          {"apiVersion": "v1", "kind": "ServiceAccount", "metadata": {"name": "api2", "namespace": "other", "annotations": {"azure.workload.identity/client-id": "\(workloadClient)"}}}
        ]}
        """,
        "k8s-pods.json": #"{"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "api-0", "namespace": "apps"}, "spec": {"containers": [{"name": "api", "image": "crtest.azurecr.io/api:1"}]}}]}"#,
    ]
}

final class CollectorTests: XCTestCase {
    let now = Date(timeIntervalSince1970: 1_795_914_000) // 2026-11-29T01:00:00Z

    func makeCollector(_ s: CollectorStandIn, env: [String: String]? = nil, subscription: String? = CollectorStandIn.subscription,
                       clusterName: String = "aks-test") -> Collector {
        Collector(resourceGroup: "rg-test", clusterName: clusterName, subscription: subscription,
                  environment: env ?? s.environment())
    }

    func manifest(_ s: CollectorStandIn) throws -> [String: Any] {
        try XCTUnwrap(try s.json("collected.json") as? [String: Any])
    }

    func source(_ m: [String: Any], _ name: String) throws -> [String: Any] {
        let sources = try XCTUnwrap(m["sources"] as? [[String: Any]])
        return try XCTUnwrap(sources.first { $0["source"] as? String == name }, "no source \(name) in collected.json")
    }

    func assertNoScratchFiles(_ s: CollectorStandIn, file: StaticString = #filePath, line: UInt = #line) {
        let leftovers = s.bundleContents().filter { $0.split(separator: "/").last?.hasPrefix(".") ?? false }
        XCTAssertEqual(leftovers, [], "temporary files left in the bundle", file: file, line: line)
    }

    func testCollectsEverySourceIntoTheBundle() throws {
        let s = try CollectorStandIn()
        var c = makeCollector(s, env: s.environment(extra: ["STANDIN_KUBECTL_FAIL": "secretproviderclasses"]))
        c.kubeContext = "ctx-test"
        let info = try c.collect(into: s.bundle, now: now)

        for file in ["cluster.json", "nodepools.json", "acr.json", "keyvaults.json", "private-endpoints.json",
                     "private-dns-zones.json", "role-assignments.json", "diagnostic-settings.json", "collected.json",
                     "kubernetes/pods.json", "kubernetes/serviceaccounts.json", "kubernetes/clusterrolebindings.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: s.bundle.appendingPathComponent(file).path), "missing \(file)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.bundle.appendingPathComponent("kubernetes/secretproviderclasses.json").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.bundle.appendingPathComponent("kubernetes.json").path))
        // Single-command outputs are stored byte for byte.
        XCTAssertEqual(try String(contentsOf: s.bundle.appendingPathComponent("cluster.json"), encoding: .utf8), CollectorStandIn.clusterJSON)
        let pods = try XCTUnwrap(try s.json("kubernetes/pods.json") as? [String: Any])
        XCTAssertEqual((pods["items"] as? [Any])?.count, 1)

        // Key Vaults: shown vault kept whole, failed show falls back to the list item, HSM skipped.
        let vaults = try XCTUnwrap(try s.json("keyvaults.json") as? [[String: Any]])
        XCTAssertEqual(vaults.map { $0["name"] as? String }, ["kv-a", "kv-b"])
        XCTAssertNotNil(vaults[0]["properties"])
        XCTAssertNil(vaults[1]["properties"])

        let zones = try XCTUnwrap(try s.json("private-dns-zones.json") as? [[String: Any]])
        XCTAssertEqual((zones.first?["virtualNetworkLinks"] as? [Any])?.count, 1)
        XCTAssertEqual(zones.first?["numberOfRecordSets"] as? Int, 2)
        let endpoints = try XCTUnwrap(try s.json("private-endpoints.json") as? [[String: Any]])
        XCTAssertEqual((endpoints.first?["privateDnsZoneGroups"] as? [Any])?.count, 1)

        // Role assignments: cluster, kubelet and the (de-duplicated) workload identity, merged by id.
        let assignments = try XCTUnwrap(try s.json("role-assignments.json") as? [[String: Any]])
        XCTAssertEqual(assignments.compactMap { ($0["id"] as? String)?.split(separator: "/").last.map(String.init) },
                       ["a1", "shared", "a2", "a3"])
        let assignees = s.invocations().filter { $0.starts(with: ["az", "role", "assignment", "list"]) }
            .compactMap { argv in argv.firstIndex(of: "--assignee").map { argv[$0 + 1] } }
        XCTAssertEqual(assignees, [CollectorStandIn.clusterPrincipal, CollectorStandIn.kubeletObject, CollectorStandIn.workloadClient])

        // collected.json
        let m = try manifest(s)
        XCTAssertEqual(m["collectedAt"] as? String, "2026-11-29T01:00:00Z")
        XCTAssertEqual(m["collector"] as? String, "aksposture 0.1.0")
        XCTAssertEqual(m["tools"] as? [String: String], ["az": "2.80.0", "kubectl": "Client Version: v1.34.2"])
        for name in ["cluster", "nodePools", "registries", "keyVaults", "privateEndpoints", "privateDNSZones",
                     "roleAssignments", "diagnosticSettings", "kubernetes"] {
            XCTAssertEqual(try source(m, name)["state"] as? String, "collected", name)
        }
        XCTAssertEqual(try source(m, "cluster")["command"] as? [String],
                       ["az", "aks", "show", "-g", "rg-test", "-n", "aks-test", "-o", "json", "--subscription", CollectorStandIn.subscription])
        let kube = try source(m, "kubernetes")
        XCTAssertEqual(kube["file"] as? String, "kubernetes/")
        let kindFailures = try XCTUnwrap(kube["kindFailures"] as? [String: String])
        XCTAssertEqual(Array(kindFailures.keys), ["secretproviderclasses"])
        XCTAssertEqual(kindFailures["secretproviderclasses"], #"error: the server doesn't have a resource type "secretproviderclasses""#)
        let kvFailures = try XCTUnwrap(try source(m, "keyVaults")["itemFailures"] as? [String: String])
        XCTAssertTrue(kvFailures["kv-b"]?.contains("ResourceNotFound") ?? false, "\(kvFailures)")

        XCTAssertEqual(info.collectedAt, now)
        XCTAssertEqual(info.toolVersions["az"], "2.80.0")
        XCTAssertEqual(info.state(of: .kubernetes), .collected)
        XCTAssertEqual(info.sources.first { $0.source == .kubernetes }?.detail, "not collected: secretproviderclasses")
        XCTAssertEqual(Set(info.sources.map(\.source)), Set(SourceKind.allCases))

        // Every az command but `az version` carries the subscription; kubectl carries the context.
        let calls = s.invocations()
        XCTAssertFalse(calls.isEmpty)
        for argv in calls where argv.first == "az" && argv[1] != "version" {
            XCTAssertEqual(Array(argv.suffix(2)), ["--subscription", CollectorStandIn.subscription], argv.joined(separator: " "))
        }
        let kubectlGets = calls.filter { $0.first == "kubectl" && $0.contains("get") }
        XCTAssertEqual(kubectlGets.count, Collector.standardKubernetesResources.count)
        for argv in kubectlGets {
            XCTAssertEqual(Array(argv.prefix(4)), ["kubectl", "--context", "ctx-test", "get"])
            XCTAssertEqual(Array(argv.suffix(3)), ["-A", "-o", "json"])
        }
        assertNoScratchFiles(s)
    }

    /// kubectl prints Secret values, ConfigMap values and env literals; the bundle collect writes
    /// keeps their names (and the credential-like flags) but none of the values.
    func testKubernetesValuesNeverReachTheBundle() throws {
        let s = try CollectorStandIn()
        let lastApplied = #"{\"apiVersion\":\"v1\",\"data\":{\"password\":\"c2VjcmV0LWxhc3RhcHBsaWVk\"},\"kind\":\"Secret\"}"#
        try #"""
        {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
          {"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
           "metadata": {"name": "db", "namespace": "shop", "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "\#(lastApplied)", "team": "shop"}},
           "data": {"password": "c2VjcmV0LXZhbHVlLTE=", "user": "c2hvcA=="}, "stringData": {"token": "secret-value-2"}}
        ]}
        """#.write(to: s.fixtures.appendingPathComponent("k8s-secrets.json"), atomically: true, encoding: .utf8)
        try #"""
        {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
          {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "app", "namespace": "shop"},
           "data": {"app.conf": "Server=db;Password=secret-value-3", "mode": "fast"}, "binaryData": {"api-key.bin": "c2VjcmV0LXZhbHVlLTQ="}}
        ]}
        """#.write(to: s.fixtures.appendingPathComponent("k8s-configmaps.json"), atomically: true, encoding: .utf8)
        try #"""
        {"apiVersion": "v1", "kind": "List", "metadata": {"resourceVersion": ""}, "items": [
          {"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "backup", "namespace": "shop"},
           "spec": {"schedule": "0 1 * * *", "jobTemplate": {"spec": {"template": {"spec": {
             "initContainers": [{"name": "init", "image": "busybox", "env": [{"name": "DB_PASSWORD", "value": "secret-value-5"}]}],
             "containers": [{"name": "backup", "image": "backup:1",
               "args": ["--db-password=secret-value-7", "--port=8080", "--token-file=/var/run/secrets/token", "Server=db;Password=secret-value-8"],
               "env": [{"name": "LOG_LEVEL", "value": "secret-value-6"},
               {"name": "FROM_SECRET", "valueFrom": {"secretKeyRef": {"name": "db", "key": "password"}}}]}]}}}}}}
        ]}
        """#.write(to: s.fixtures.appendingPathComponent("k8s-cronjobs.json"), atomically: true, encoding: .utf8)

        _ = try makeCollector(s).collect(into: s.bundle, now: now)
        for relative in s.bundleContents() {
            var isDirectory: ObjCBool = false
            let url = s.bundle.appendingPathComponent(relative)
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let text = try String(contentsOf: url, encoding: .utf8)
            for needle in ["secret-value", "c2VjcmV0", "apiVersion\\\"", "\\\"kind"] {
                XCTAssertFalse(text.contains(needle), "\(needle) reached \(relative)")
            }
        }
        // The rest is written as kubectl printed it; the last-applied annotation is kept, emptied.
        let secrets = try String(contentsOf: s.bundle.appendingPathComponent("kubernetes/secrets.json"), encoding: .utf8)
        XCTAssertTrue(secrets.contains(#""kubectl.kubernetes.io/last-applied-configuration": "", "team": "shop""#), secrets)
        XCTAssertTrue(secrets.contains(#""data": {"password": "", "user": ""}, "stringData": {"token": ""}}"#), secrets)
        // Arguments: only those carrying a credential are emptied, keeping the flag's name.
        let cronjobs = try String(contentsOf: s.bundle.appendingPathComponent("kubernetes/cronjobs.json"), encoding: .utf8)
        XCTAssertTrue(cronjobs.contains(#""args": ["--db-password=<credential-like value removed by aksposture collect>", "--port=8080", "--token-file=/var/run/secrets/token", "Server=<credential-like value removed by aksposture collect>"]"#), cronjobs)
        assertNoScratchFiles(s)

        let snapshot = try BundleImporter().load(bundle: s.bundle)
        let k = try XCTUnwrap(snapshot.kubernetes)
        XCTAssertEqual(k.secrets.first?.keys, ["password", "token", "user"])
        XCTAssertEqual(k.secrets.first?.meta.annotations, ["team": "shop"])
        XCTAssertEqual(k.configMaps.first?.keys, ["api-key.bin", "app.conf", "mode"])
        XCTAssertEqual(k.configMaps.first?.credentialLikeKeys, ["api-key.bin", "app.conf"])
        let containers = try XCTUnwrap(k.workloads.first { $0.kind == "CronJob" }?.containers)
        XCTAssertEqual(containers.flatMap(\.credentialLikeEnvNames), ["DB_PASSWORD"])
        XCTAssertEqual(containers.flatMap(\.literalEnvNames).sorted(), ["DB_PASSWORD", "LOG_LEVEL"])
        XCTAssertEqual(containers.flatMap(\.secretEnv).map(\.secretName), ["db"])
    }

    func testArgumentsReachTheToolVerbatimWithoutAShell() throws {
        let s = try CollectorStandIn()
        let hostile = "aks-test; touch PWNED $(touch PWNED2) `touch PWNED3` | tee x"
        try makeCollector(s, clusterName: hostile).collect(into: s.bundle, now: now)
        let show = try XCTUnwrap(s.invocations().first { $0.starts(with: ["az", "aks", "show"]) })
        XCTAssertEqual(show, ["az", "aks", "show", "-g", "rg-test", "-n", hostile, "-o", "json", "--subscription", CollectorStandIn.subscription])
        let cwd = FileManager.default.currentDirectoryPath
        for dir in [s.root.path, s.bundle.path, cwd] {
            for name in ["PWNED", "PWNED2", "PWNED3", "x"] {
                XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/" + name), "\(name) created in \(dir)")
            }
        }
    }

    func testNoSubscriptionFlagWhenNoneIsGiven() throws {
        let s = try CollectorStandIn()
        try makeCollector(s, subscription: nil).collect(into: s.bundle, now: now)
        let az = s.invocations().filter { $0.first == "az" }
        XCTAssertGreaterThan(az.count, 5)
        XCTAssertFalse(az.contains { $0.contains("--subscription") })
    }

    func testMissingKubectlIsRecordedAsFailedAndAzureSourcesStillLand() throws {
        let s = try CollectorStandIn()
        let info = try makeCollector(s, env: s.environment(path: [s.azBin])).collect(into: s.bundle, now: now)
        let m = try manifest(s)
        let kube = try source(m, "kubernetes")
        XCTAssertEqual(kube["state"] as? String, "failed")
        XCTAssertEqual(kube["error"] as? String, "kubectl not found on PATH")
        XCTAssertNil((m["tools"] as? [String: String])?["kubectl"])
        XCTAssertEqual(info.state(of: .kubernetes), .failed)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.bundle.appendingPathComponent("kubernetes").path))
        XCTAssertEqual(info.state(of: .cluster), .collected)
        XCTAssertEqual(info.state(of: .keyVaults), .collected)
        // Without service accounts only the cluster and kubelet identities are looked up.
        XCTAssertEqual(s.invocations().filter { $0.starts(with: ["az", "role"]) }.count, 2)
        assertNoScratchFiles(s)
    }

    func testFailingAzSourceIsRecordedWithAMaskedOneLineErrorAndTheRestContinues() throws {
        let s = try CollectorStandIn()
        let info = try makeCollector(s, env: s.environment(extra: ["STANDIN_AZ_FAIL": "acr list"])).collect(into: s.bundle, now: now)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.bundle.appendingPathComponent("acr.json").path))
        let acr = try source(try manifest(s), "registries")
        XCTAssertEqual(acr["state"] as? String, "failed")
        let error = try XCTUnwrap(acr["error"] as? String)
        XCTAssertTrue(error.hasPrefix("ERROR: (AuthorizationFailed) denied"), error)
        XCTAssertFalse(error.contains("abc123supersecret"), error)
        XCTAssertFalse(error.contains("eyJ"), error)
        XCTAssertFalse(error.contains("\n"))
        XCTAssertEqual(info.state(of: .registries), .failed)
        XCTAssertEqual(info.sources.first { $0.source == .registries }?.detail, error)
        XCTAssertEqual(info.state(of: .nodePools), .collected)
        XCTAssertEqual(info.state(of: .kubernetes), .collected)
        assertNoScratchFiles(s)
    }

    func testFailedAksShowThrowsAndStillWritesCollectedJSON() throws {
        let s = try CollectorStandIn()
        XCTAssertThrowsError(try makeCollector(s, env: s.environment(extra: ["STANDIN_AZ_FAIL": "aks show"])).collect(into: s.bundle, now: now)) { error in
            guard case let CollectorError.clusterUnavailable(rg, name, detail) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(rg, "rg-test"); XCTAssertEqual(name, "aks-test")
            XCTAssertTrue(detail.hasPrefix("ERROR: (AuthorizationFailed)"), detail)
            XCTAssertTrue("\(error)".contains("no usable snapshot"))
        }
        XCTAssertEqual(s.bundleContents(), ["collected.json"])
        let cluster = try source(try manifest(s), "cluster")
        XCTAssertEqual(cluster["state"] as? String, "failed")
    }

    func testMissingAzMeansNoSnapshot() throws {
        let s = try CollectorStandIn()
        XCTAssertThrowsError(try makeCollector(s, env: s.environment(path: [s.kubectlBin])).collect(into: s.bundle, now: now)) { error in
            XCTAssertEqual(error as? CollectorError,
                           .clusterUnavailable(resourceGroup: "rg-test", clusterName: "aks-test", detail: "az not found on PATH"))
        }
        XCTAssertEqual(try source(try manifest(s), "cluster")["error"] as? String, "az not found on PATH")
    }

    func testHungCommandTimesOutAndIsRecorded() throws {
        let s = try CollectorStandIn()
        var c = makeCollector(s, env: s.environment(extra: ["STANDIN_AZ_HANG": "acr list"]))
        c.commandTimeout = 1
        let info = try c.collect(into: s.bundle, now: now)
        XCTAssertEqual(info.state(of: .registries), .failed)
        XCTAssertEqual(info.sources.first { $0.source == .registries }?.detail, "az timed out after 1 s")
        XCTAssertEqual(info.state(of: .keyVaults), .collected)
        assertNoScratchFiles(s)
    }

    func testRefusesANonEmptyBundleDirectory() throws {
        let s = try CollectorStandIn()
        try FileManager.default.createDirectory(at: s.bundle, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: s.bundle.appendingPathComponent("acr.json"))
        XCTAssertThrowsError(try makeCollector(s).collect(into: s.bundle, now: now)) { error in
            guard case CollectorError.bundleDirectoryUnusable = error else { return XCTFail("\(error)") }
        }
        XCTAssertEqual(s.invocations(), [], "nothing may run before the directory is checked")
    }

    func testNonJSONOutputIsAFailureNotAFile() throws {
        let s = try CollectorStandIn()
        try "Please run 'az login' first\n".write(to: s.fixtures.appendingPathComponent("nodepools.json"), atomically: true, encoding: .utf8)
        let info = try makeCollector(s).collect(into: s.bundle, now: now)
        XCTAssertEqual(info.sources.first { $0.source == .nodePools }?.detail, "az printed something that is not JSON")
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.bundle.appendingPathComponent("nodepools.json").path))
        assertNoScratchFiles(s)
    }

    /// kubectl output cut off after a Secret value: the kind is recorded as failed with the JSON
    /// path, no file is written, and the value is quoted nowhere (the manifest is kept in the store).
    func testBrokenKubectlOutputIsAFailureThatQuotesNoValue() throws {
        let s = try CollectorStandIn()
        try #"{"apiVersion": "v1", "kind": "List", "items": [{"kind": "Secret", "metadata": {"name": "db"}, "data": {"password": "c2VjcmV0LXZhbHVl"#
            .write(to: s.fixtures.appendingPathComponent("k8s-secrets.json"), atomically: true, encoding: .utf8)
        _ = try makeCollector(s).collect(into: s.bundle, now: now)
        let failures = try XCTUnwrap(try source(try manifest(s), "kubernetes")["kindFailures"] as? [String: String])
        XCTAssertEqual(failures["secrets"], "kubectl printed something that is not JSON (at $.items[0].data.password)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.bundle.appendingPathComponent("kubernetes/secrets.json").path))
        let manifestText = try String(contentsOf: s.bundle.appendingPathComponent("collected.json"), encoding: .utf8)
        XCTAssertFalse(manifestText.contains("c2VjcmV0"), manifestText)
        assertNoScratchFiles(s)
    }
}

final class CollectorErrorTextTests: XCTestCase {
    /// A tool that leaves a process holding its stdout (a background child) must not hang the
    /// in-memory capture: after the grace period the capture gives up with a clear failure.
    /// (The child is not killed: it is not ours to kill; `sleep 20` ends by itself.)
    func testCaptureGivesUpOnOutputLeftOpenByABackgroundChild() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-capture-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let tool = dir.appendingPathComponent("lingering")
        // The child closes every other descriptor (Foundation notices the tool's exit through one
        // of them) but keeps the tool's stdout, like a helper that daemonizes carelessly.
        try #"""
        #!/bin/bash
        echo '{"items": []}'
        (for f in /proc/$BASHPID/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null; exec sleep 20) &
        exit 0

        """#.write(to: tool, atomically: true, encoding: .utf8)
        chmod(tool.path, 0o755)
        var runner = CommandRunner(environment: ["PATH": dir.path + ":/usr/bin:/bin"], timeout: 30, scratchDirectory: dir)
        runner.outputGrace = 0.5
        let start = Date()
        guard case .failure(let f) = runner.capture(["lingering"]) else { return XCTFail("the capture should have given up") }
        XCTAssertEqual(f.detail, "lingering left its output open after exiting")
        XCTAssertLessThan(Date().timeIntervalSince(start), 10, "the capture waited for the background child")

        let prompt = dir.appendingPathComponent("prompt")
        try "#!/bin/bash\necho '{\"items\": []}'\n".write(to: prompt, atomically: true, encoding: .utf8)
        chmod(prompt.path, 0o755)
        guard case .success(let buffer) = runner.capture(["prompt"]) else { return XCTFail("a normal tool's output was not captured") }
        XCTAssertEqual(String(decoding: buffer.bytes, as: UTF8.self), "{\"items\": []}\n")
    }

    func testPicksTheErrorLineOverKlogNoise() {
        let stderr = "E1129 01:00:00.000000 4242 memcache.go:265] couldn't get current server API group list\nerror: You must be logged in to the server (Unauthorized)\n"
        XCTAssertEqual(ErrorText.summary(ofStderr: stderr), "error: You must be logged in to the server (Unauthorized)")
        XCTAssertEqual(ErrorText.summary(ofStderr: "\n  \nsomething odd happened\nmore\n"), "something odd happened")
        XCTAssertNil(ErrorText.summary(ofStderr: " \n"))
    }

    func testMasksCredentialsAndStripsControlCharacters() {
        let line = ErrorText.oneLine("ERROR: failed \u{1B}]0;pwned\u{07}\u{202E} password=hunter2hunter2 Authorization: Bearer abcdefghijklmnop token: \"q1w2e3r4\" AccountKey=Zm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFyZm9vYmFy==")
        XCTAssertEqual(line, "ERROR: failed ]0;pwned password=*** Authorization: Bearer *** token: \"***\" AccountKey=***")
        let kept = ErrorText.oneLine("ERROR: (AuthorizationFailed) on scope '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-sandbox-dev'")
        XCTAssertEqual(kept, "ERROR: (AuthorizationFailed) on scope '/subscriptions/00000000-0000-0000-0000-000000000003/resourceGroups/rg-sandbox-dev'")
        XCTAssertEqual(ErrorText.oneLine(String(repeating: "x ", count: 400)).count, 300)
    }
}
