import Foundation
import PostureModel
@testable import PostureStore
import XCTest

final class RoundTripTests: XCTestCase {
    func testSnapshotAndReportReadBackExactly() throws {
        let directory = try TemporaryDirectory()
        let store = try PostureStore(path: directory.path("store/store.sqlite"))
        let snapshot = Fixture.snapshot(namespaces: 4, appsPerNamespace: 6)
        let report = Fixture.report(for: snapshot)
        let summary = try store.importSnapshot(snapshot, report: report)

        XCTAssertEqual(try store.snapshot(id: summary.id), snapshot)
        XCTAssertEqual(try store.report(snapshotID: summary.id), report)
        XCTAssertEqual(summary.collectedAt, snapshot.collection.collectedAt)
        XCTAssertEqual(summary.overallScore, 71.3)
        XCTAssertEqual(summary.grade, .C)
        XCTAssertEqual(summary.categoryScores[.auth], 62.5)
        XCTAssertNil(summary.categoryScores[.hard], "a category without a score has no column value")
        // The cluster object, the inventory header and one per Kubernetes object.
        XCTAssertEqual(summary.objectCount, snapshot.kubernetes!.objectCount + 2)
        XCTAssertGreaterThan(summary.storedBytes, 0)

        let clusters = try store.clusters()
        XCTAssertEqual(clusters.count, 1)
        XCTAssertEqual(clusters[0].key, snapshot.clusterKey)
        XCTAssertEqual(clusters[0].name, "aks-prod")
        XCTAssertEqual(clusters[0].resourceGroup, "rg-prod")
        XCTAssertEqual(clusters[0].snapshotCount, 1)
        XCTAssertEqual(clusters[0].latest, summary)
        XCTAssertEqual(try store.snapshots(clusterID: clusters[0].id), [summary])
        XCTAssertEqual(try store.latestSnapshotID(clusterID: clusters[0].id), summary.id)
    }

    func testOriginalOrderAndDuplicatesSurvive() throws {
        let directory = try TemporaryDirectory()
        let store = try PostureStore(path: directory.path("store.sqlite"))
        var snapshot = Fixture.snapshot(namespaces: 3, appsPerNamespace: 4)
        var random = SeededRandom(seed: 7)
        snapshot.kubernetes!.workloads.shuffle(using: &random)
        snapshot.kubernetes!.secrets.reverse()
        snapshot.kubernetes!.configMaps.append(snapshot.kubernetes!.configMaps[1])   // an exact duplicate
        let id = try store.importSnapshot(snapshot, report: nil).id
        XCTAssertEqual(try store.snapshot(id: id), snapshot)
        XCTAssertNil(try store.report(snapshotID: id))
    }

    func testSnapshotWithoutKubernetesAndEmptyInventory() throws {
        let directory = try TemporaryDirectory()
        let store = try PostureStore(path: directory.path("store.sqlite"))
        var withoutKubernetes = Fixture.snapshot(namespaces: 1, appsPerNamespace: 1)
        withoutKubernetes.kubernetes = nil
        withoutKubernetes.keyVaults = nil
        var emptyInventory = withoutKubernetes
        emptyInventory.kubernetes = KubernetesInventory()
        emptyInventory.collection.collectedAt += 300
        let first = try store.importSnapshot(withoutKubernetes, report: nil).id
        let second = try store.importSnapshot(emptyInventory, report: nil).id
        XCTAssertEqual(try store.snapshot(id: first), withoutKubernetes)
        XCTAssertEqual(try store.snapshot(id: second), emptyInventory)
    }

    func testManySnapshotsAcrossKeyframesAndClusters() throws {
        let directory = try TemporaryDirectory()
        let store = try PostureStore(path: directory.path("store.sqlite"))
        var random = SeededRandom(seed: 42)
        var prod = Fixture.snapshot(namespaces: 2, appsPerNamespace: 3)
        var dev = Fixture.snapshot(cluster: "aks-dev", resourceGroup: "rg-dev", namespaces: 1, appsPerNamespace: 2)
        var imported: [Int64: (Snapshot, ScoreReport)] = [:]
        // More than one keyframe interval, interleaving two clusters.
        for round in 0..<(PostureStore.keyframeInterval + 10) {
            for index in 0..<2 {
                var snapshot = index == 0 ? prod : dev
                snapshot.collection.collectedAt = Fixture.epoch + Double(round) * 300
                Fixture.churn(&snapshot, fraction: 0.05, round: round, using: &random)
                let report = Fixture.report(for: snapshot, fingerprint: "cfg-\(round % 3)")
                imported[try store.importSnapshot(snapshot, report: report).id] = (snapshot, report)
                if index == 0 { prod = snapshot } else { dev = snapshot }
            }
        }
        for (id, expected) in imported {
            XCTAssertEqual(try store.snapshot(id: id), expected.0, "snapshot \(id)")
            XCTAssertEqual(try store.report(snapshotID: id), expected.1, "report \(id)")
        }
        let clusters = try store.clusters()
        XCTAssertEqual(clusters.map(\.name), ["aks-dev", "aks-prod"])
        XCTAssertEqual(clusters.map(\.snapshotCount), [74, 74])
        XCTAssertEqual(try store.cluster(named: "aks-dev")?.id, clusters[0].id)
        XCTAssertEqual(try store.cluster(named: "rg-prod/AKS-PROD")?.id, clusters[1].id)
        XCTAssertEqual(try store.cluster(named: prod.clusterKey)?.id, clusters[1].id)
        XCTAssertNil(try store.cluster(named: "nope"))
        let history = try store.snapshots(clusterID: clusters[1].id)
        XCTAssertEqual(history.map(\.collectedAt), history.map(\.collectedAt).sorted())
    }

    func testReplaceReportSharesAndCleansUp() throws {
        let directory = try TemporaryDirectory()
        let store = try PostureStore(path: directory.path("store.sqlite"))
        let snapshot = Fixture.snapshot(namespaces: 1, appsPerNamespace: 2)
        let report = Fixture.report(for: snapshot)
        let first = try store.importSnapshot(snapshot, report: report).id
        var later = snapshot
        later.collection.collectedAt += 600
        let second = try store.importSnapshot(later, report: report).id
        let objectsBefore = try store.storedObjectIDs().count

        var rescored = report
        rescored.overall = OverallScore(score: 93, uncapped: 93, caps: [], coverage: 0.9)
        rescored.configFingerprint = "cfg-2"
        try store.replaceReport(snapshotID: first, report: rescored)
        XCTAssertEqual(try store.report(snapshotID: first), rescored)
        XCTAssertEqual(try store.report(snapshotID: second), report, "the other snapshot keeps the shared report")
        XCTAssertEqual(try store.snapshots(clusterID: store.clusters()[0].id).map(\.grade), [.A, .C])

        try store.replaceReport(snapshotID: second, report: rescored)
        XCTAssertEqual(try store.report(snapshotID: second), rescored)
        XCTAssertEqual(try store.storedObjectIDs().count, objectsBefore, "old report dropped, new one shared")
        XCTAssertEqual(try store.storedObjectIDs(), try store.objectIDsNeededByReplay())
        XCTAssertThrowsError(try store.replaceReport(snapshotID: 9999, report: rescored))
    }

    func testCanonicalEncodingIsDeterministicForSetsAndEnumKeyedDictionaries() throws {
        // JSONEncoder writes both in per-process hash order; content addressing needs one order.
        var counts: [CheckStatus: Int] = [:]
        for status in CheckStatus.allCases.reversed() { counts[status] = status.rawValue.count }
        var other: [CheckStatus: Int] = [:]
        for status in CheckStatus.allCases { other[status] = status.rawValue.count }
        let a = CategoryScore(category: .net, score: 0.1 + 0.2, coverage: 1e-7, earned: 3, possible: 4, counts: counts)
        let b = CategoryScore(category: .net, score: 0.1 + 0.2, coverage: 1e-7, earned: 3, possible: 4, counts: other)
        XCTAssertEqual(try CanonicalJSON.encode(a), try CanonicalJSON.encode(b))
        XCTAssertEqual(try JSONDecoder().decode(CategoryScore.self, from: Data(CanonicalJSON.encode(a))), a)

        let kinds: Set<String> = Set((0..<50).map { "kind-\($0)" })
        let shuffled = Set(kinds.shuffled())
        XCTAssertEqual(try CanonicalJSON.encode(kinds), try CanonicalJSON.encode(shuffled))
        XCTAssertEqual(String(decoding: try CanonicalJSON.encode(["b": 1, "a": 2, "é": 3, "Z": 4]), as: UTF8.self),
                       #"{"Z":4,"a":2,"b":1,"é":3}"#)
        XCTAssertEqual(String(decoding: try CanonicalJSON.encode(["quote\"back\\slash\nnewline\u{1}"]), as: UTF8.self),
                       #"["quote\"back\\slash\nnewline\u0001"]"#)
        XCTAssertThrowsError(try CanonicalJSON.encode([Double.nan]))
    }

    func testDefaultPath() {
        XCTAssertEqual(PostureStore.defaultPath(environment: ["AKSPOSTURE_STORE": "/data/s.sqlite", "HOME": "/home/u"]).path, "/data/s.sqlite")
        XCTAssertEqual(PostureStore.defaultPath(environment: ["XDG_DATA_HOME": "/xdg", "HOME": "/home/u"]).path, "/xdg/aksposture/store.sqlite")
        XCTAssertEqual(PostureStore.defaultPath(environment: ["XDG_DATA_HOME": "relative", "HOME": "/home/u"]).path,
                       "/home/u/.local/share/aksposture/store.sqlite")
        XCTAssertEqual(PostureStore.defaultPath(environment: ["HOME": "/home/u"]).path, "/home/u/.local/share/aksposture/store.sqlite")
    }

    func testHistoryListingNeverReadsObjects() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let store = try PostureStore(path: path)
        var snapshot = Fixture.snapshot(namespaces: 1, appsPerNamespace: 2)
        for round in 0..<5 {
            snapshot.collection.collectedAt = Fixture.epoch + Double(round) * 60
            try store.importSnapshot(snapshot, report: Fixture.report(for: snapshot))
        }
        // Remove every object behind the store's back: lists and scores must still work.
        try RawDatabase.execute(path, "PRAGMA foreign_keys = OFF; DELETE FROM object;")
        let cluster = try XCTUnwrap(store.clusters().first)
        XCTAssertEqual(cluster.latest?.overallScore, 71.3)
        let history = try store.snapshots(clusterID: cluster.id)
        XCTAssertEqual(history.count, 5)
        XCTAssertEqual(history.last?.categoryScores[.net], 77)
        XCTAssertThrowsError(try store.snapshot(id: history[0].id)) { error in
            XCTAssertTrue("\(error)".contains("missing"), "\(error)")
        }
    }
}
