import Foundation
import XCTest
import PostureModel
@testable import PostureImport

final class BundleImporterTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-import-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: root)
    }

    private func makeBundle(_ name: String, _ files: [String: String]) throws -> URL {
        let dir = root.appendingPathComponent(name, isDirectory: true)
        for (path, content) in files {
            let url = dir.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: url)
        }
        return dir
    }

    private func assertImportError(_ bundle: URL, file: String, path: String, _ fragment: String, line: UInt = #line) {
        XCTAssertThrowsError(try BundleImporter().load(bundle: bundle), line: line) { error in
            guard let e = error as? ImportError else { return XCTFail("\(error)", line: line) }
            XCTAssertEqual(e.file, file, line: line)
            XCTAssertEqual(e.path, path, line: line)
            XCTAssertTrue(e.message.contains(fragment), e.message, line: line)
        }
    }

    static let collected = #"""
    {"collectedAt": "2026-11-29T01:00:00Z", "collector": "aksposture 0.1.0", "tools": {"az": "2.67.0", "kubectl": "Client Version: v1.31.2"},
     "sources": [
       {"source": "cluster", "file": "cluster.json", "state": "collected", "command": ["az", "aks", "show"]},
       {"source": "keyVaults", "file": "keyvaults.json", "state": "failed", "command": ["az", "keyvault", "list"], "error": "ERROR: Please run 'az login' to setup account.\nmore"},
       {"source": "someFutureSource", "state": "collected"},
       {"source": "kubernetes", "file": "kubernetes/", "state": "collected",
        "kindFailures": {"secretproviderclasses": "error: the server doesn't have a resource type \"secretproviderclasses\""}}
     ]}
    """#

    func testFullBundleWithKubernetesDirectory() throws {
        let emptyList = #"{"apiVersion": "v1", "items": [], "kind": "List", "metadata": {"resourceVersion": ""}}"#
        let bundle = try makeBundle("cluster-a", [
            "cluster.json": Fixtures.clusterAZ,
            "nodepools.json": #"[{"name": "system", "count": 3, "mode": "System"}, {"name": "user1", "count": 5, "mode": "User", "enableNodePublicIp": true}]"#,
            "acr.json": #"{"name": "acrone", "adminUserEnabled": true}"#,
            "role-assignments.json": "[]",
            "diagnostic-settings.json": #"{"value": []}"#,
            "collected.json": Self.collected,
            "kubernetes/pods.json": #"{"apiVersion": "v1", "items": [{"kind": "Pod", "metadata": {"name": "p", "namespace": "n"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}], "kind": "List"}"#,
            "kubernetes/secrets.json": emptyList,
            "kubernetes/networkpolicies.json": emptyList,
            "kubernetes/secretproviderclasses.json": emptyList,
        ])
        let snapshot = try BundleImporter().load(bundle: bundle)
        XCTAssertEqual(snapshot.cluster.name, "aks-one")
        XCTAssertFalse(snapshot.nodePoolsFromCluster)
        XCTAssertEqual(snapshot.nodePools.map(\.name), ["system", "user1"])
        XCTAssertEqual(snapshot.registries?.first?.adminUserEnabled, true)
        XCTAssertNil(snapshot.keyVaults)
        XCTAssertNil(snapshot.privateEndpoints)
        XCTAssertEqual(snapshot.roleAssignments, [])
        XCTAssertEqual(snapshot.diagnosticSettings, [])
        let kube = try XCTUnwrap(snapshot.kubernetes)
        XCTAssertEqual(kube.workloads.count, 1)
        // From file names, minus the kind the collector recorded as failed.
        XCTAssertEqual(kube.collectedKinds, ["Pod", "Secret", "NetworkPolicy"])

        let info = snapshot.collection
        XCTAssertEqual(info.collectedAt, ISO8601DateFormatter().date(from: "2026-11-29T01:00:00Z"))
        XCTAssertEqual(info.collectorVersion, "aksposture 0.1.0")
        XCTAssertEqual(info.toolVersions["az"], "2.67.0")
        XCTAssertEqual(info.state(of: .cluster), .collected)
        XCTAssertEqual(info.state(of: .nodePools), .collected)
        XCTAssertEqual(info.state(of: .keyVaults), .failed)
        XCTAssertEqual(info.sources.first { $0.source == .keyVaults }?.detail, "ERROR: Please run 'az login' to setup account.")
        XCTAssertEqual(info.state(of: .privateEndpoints), .missing)
        XCTAssertEqual(info.state(of: .kubernetes), .collected)
        XCTAssertEqual(info.sources.count, SourceKind.allCases.count)
        let expectedBytes = try FileManager.default.subpathsOfDirectory(atPath: bundle.path).reduce(0) { sum, sub in
            var isDir: ObjCBool = false
            let p = bundle.appendingPathComponent(sub).path
            FileManager.default.fileExists(atPath: p, isDirectory: &isDir)
            return isDir.boolValue ? sum : sum + (try FileManager.default.attributesOfItem(atPath: p)[.size] as! Int)
        }
        XCTAssertEqual(info.rawBytes, expectedBytes)
    }

    func testMinimalBundleFallsBackToAgentPoolProfilesAndFileTimes() throws {
        let bundle = try makeBundle("min", ["cluster.json": Fixtures.clusterREST])
        let stamp = Date(timeIntervalSince1970: 1_800_000_000)
        try FileManager.default.setAttributes([.modificationDate: stamp], ofItemAtPath: bundle.appendingPathComponent("cluster.json").path)
        let snapshot = try BundleImporter().load(bundle: bundle)
        XCTAssertTrue(snapshot.nodePoolsFromCluster)
        XCTAssertEqual(snapshot.nodePools.map(\.name), ["system"])
        XCTAssertNil(snapshot.kubernetes)
        XCTAssertEqual(snapshot.collection.collectedAt, stamp)
        XCTAssertEqual(snapshot.collection.state(of: .nodePools), .missing)
        XCTAssertEqual(snapshot.collection.state(of: .kubernetes), .missing)
        XCTAssertEqual(snapshot.collection.rawBytes, Fixtures.clusterREST.utf8.count)
    }

    func testSingleKubernetesFileRecordsStandardKindsMinusFailures() throws {
        let manifest = #"{"sources": [{"source": "kubernetes", "state": "collected", "kindFailures": {"secretproviderclasses": "x", "cronjobs.batch": "y"}}]}"#
        let bundle = try makeBundle("k", [
            "cluster.json": #"{"name": "c"}"#,
            "collected.json": manifest,
            "kubernetes.json": #"{"apiVersion": "v1", "items": [{"apiVersion": "policy/v1", "kind": "PodDisruptionBudget", "metadata": {"name": "x"}}], "kind": "List"}"#,
        ])
        let kube = try XCTUnwrap(try BundleImporter().load(bundle: bundle).kubernetes)
        var expected = KubernetesNormalizer.standardKinds
        expected.remove("SecretProviderClass")
        expected.remove("CronJob")
        expected.insert("PodDisruptionBudget")
        XCTAssertEqual(kube.collectedKinds, expected)
        XCTAssertEqual(kube.otherKindCounts, ["PodDisruptionBudget": 1])
    }

    func testBundleErrorsNameFileAndPath() throws {
        assertImportError(root.appendingPathComponent("nope"), file: "nope", path: "$", "bundle directory not found")
        assertImportError(try makeBundle("no-cluster", ["acr.json": "[]"]), file: "no-cluster/cluster.json", path: "$", "required")
        assertImportError(try makeBundle("truncated", ["cluster.json": #"{"name": "c", "properties": {"enableRBAC": tr"#]),
                          file: "truncated/cluster.json", path: "$.properties.enableRBAC", "truncated")
        assertImportError(try makeBundle("array", ["cluster.json": #"[{"name": "c"}]"#]), file: "array/cluster.json", path: "$", "managed cluster object")
        assertImportError(try makeBundle("rbac", ["cluster.json": #"{"name": "c", "properties": {"enableRBAC": [1]}}"#]),
                          file: "rbac/cluster.json", path: "$.properties.enableRBAC", "expected a boolean")
        assertImportError(try makeBundle("pools", ["cluster.json": #"{"name": "c"}"#, "nodepools.json": #"[{"name": "a"}, {"count": 1}]"#]),
                          file: "pools/nodepools.json", path: "$[1].name", "missing required field")
        assertImportError(try makeBundle("kube", ["cluster.json": #"{"name": "c"}"#, "kubernetes/pods.json": #"{"items": [{"kind": "Pod", "metadata": {"name": "a"}}, {"kind": "Pod", "metadata": {}}]}"#]),
                          file: "kube/kubernetes/pods.json", path: "$.items[1].metadata.name", "missing required field")
        assertImportError(try makeBundle("both", ["cluster.json": #"{"name": "c"}"#, "kubernetes.json": "[]", "kubernetes/pods.json": "[]"]),
                          file: "both/kubernetes.json", path: "$", "both")
        assertImportError(try makeBundle("manifest", ["cluster.json": #"{"name": "c"}"#, "collected.json": #"{"collectedAt": "yesterday"}"#]),
                          file: "manifest/collected.json", path: "$.collectedAt", "ISO 8601")
        assertImportError(try makeBundle("bom-bad", ["cluster.json": "\u{FEFF}{\"name\": \"c\"} trailing"]), file: "bom-bad/cluster.json", path: "$", "after the end")
        // A BOM alone is fine.
        XCTAssertEqual(try BundleImporter().load(bundle: try makeBundle("bom", ["cluster.json": "\u{FEFF}{\"name\": \"c\"}"])).cluster.name, "c")
    }

    func testSnapshotRoundTripsAndOldCollectionInfoDecodes() throws {
        let snapshot = try BundleImporter().load(bundle: try makeBundle("rt", ["cluster.json": Fixtures.clusterAZ, "collected.json": Self.collected]))
        XCTAssertGreaterThan(snapshot.collection.rawBytes, 0)
        let decoded = try JSONDecoder().decode(Snapshot.self, from: try JSONEncoder().encode(snapshot))
        XCTAssertEqual(decoded, snapshot)
        // CollectionInfo written before `rawBytes` existed.
        let old = #"{"collectedAt": 0, "toolVersions": {}, "sources": []}"#
        XCTAssertEqual(try JSONDecoder().decode(CollectionInfo.self, from: Data(old.utf8)).rawBytes, 0)
    }

    func testDirectoryWhereAFileIsExpected() throws {
        let bundle = try makeBundle("dir", ["cluster.json": #"{"name": "c"}"#])
        try FileManager.default.createDirectory(at: bundle.appendingPathComponent("acr.json"), withIntermediateDirectories: true)
        assertImportError(bundle, file: "dir/acr.json", path: "$", "is a directory")
    }
}
