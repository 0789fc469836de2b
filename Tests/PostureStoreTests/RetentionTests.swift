import Foundation
import PostureModel
@testable import PostureStore
import XCTest

final class RetentionTests: XCTestCase {
    /// A whole UTC day, so hour and day buckets line up with `now`.
    let now = Date(timeIntervalSince1970: 1_794_960_000)

    func testParsing() throws {
        XCTAssertEqual(try RetentionPolicy.parse("48h:all,30d:hourly,365d:daily"), .default)
        XCTAssertEqual(RetentionPolicy.default.description, "48h:all,30d:hourly,365d:daily")
        let custom = try RetentionPolicy.parse(" 90m : all , 2w:6h, 1y:weekly ")
        let expectedRules: [RetentionPolicy.Rule] = [
            RetentionPolicy.Rule(maxAge: 5400, keep: .all),
            RetentionPolicy.Rule(maxAge: 1_209_600, keep: .onePer(21600)),
            RetentionPolicy.Rule(maxAge: 31_536_000, keep: .onePer(604_800)),
        ]
        XCTAssertEqual(custom.rules, expectedRules)
        XCTAssertEqual(try RetentionPolicy.parse(custom.description), custom)

        for bad in ["", "48h", "48x:all", "h:all", "0d:all", "-1d:all", "30d:all,2d:hourly", "30d:all,30d:daily", "1d:sometimes", "1d:all:x"] {
            XCTAssertThrowsError(try RetentionPolicy.parse(bad), bad) { error in
                XCTAssertTrue("\(error)".contains("retention policy \"\(bad)\""), "\(error)")
            }
        }
        XCTAssertTrue("\(try XCTUnwrap(parseError("30d:all,2d:hourly")))".contains("ages must increase"))
    }

    private func parseError(_ text: String) -> (any Error)? {
        do { _ = try RetentionPolicy.parse(text); return nil } catch { return error }
    }

    func testSurvivorsByTier() throws {
        let policy = try RetentionPolicy.parse("2h:all,1d:hourly,3d:daily")
        // Every 20 minutes for four days; k is how many steps back from now.
        let snapshots = (0...288).map { k in (id: Int64(k), collectedAt: now - Double(k) * 1200) }
        let survivors = policy.survivors(of: snapshots, now: now)
        // Under 2 h: all. 2 h…1 d: the newest of each UTC hour (k = 6, then 7, 10, … 70).
        // 1 d…3 d: the newest of each UTC day within the tier (k = 72, 73, 145). Older: none.
        let expected = Set(0...6).union(stride(from: 7, through: 70, by: 3)).union([72, 73, 145]).map(Int64.init)
        XCTAssertEqual(survivors, Set(expected))

        // Twenty minutes later the kept hourly snapshots are still the kept ones (buckets do not move).
        let later = snapshots + [(id: -1, collectedAt: now + 1200)]
        let laterSurvivors = policy.survivors(of: later, now: now + 1200)
        XCTAssertTrue(Set(stride(from: 10, through: 70, by: 3).map(Int64.init)).isSubset(of: laterSurvivors))
    }

    func testNewestSnapshotAlwaysSurvives() throws {
        let policy = try RetentionPolicy.parse("1h:all")
        let old = (1...5).map { (id: Int64($0), collectedAt: now - 86400 * Double($0)) }
        XCTAssertEqual(policy.survivors(of: old, now: now), [1])
        XCTAssertEqual(policy.survivors(of: [], now: now), [])
    }

    func testRetentionKeepsChainsReadableAndCollectsGarbage() throws {
        let directory = try TemporaryDirectory()
        let store = try PostureStore(path: directory.path("store.sqlite"))
        let policy = try RetentionPolicy.parse("2h:all,1d:hourly,3d:daily")
        var random = SeededRandom(seed: 99)
        var snapshot = Fixture.snapshot(namespaces: 2, appsPerNamespace: 3)
        var other = Fixture.snapshot(cluster: "aks-other", resourceGroup: "rg-other", namespaces: 1, appsPerNamespace: 1)
        var imported: [Int64: (k: Int, snapshot: Snapshot, report: ScoreReport)] = [:]
        // Oldest first: 289 snapshots, 20 minutes apart, crossing several keyframes.
        for k in stride(from: 288, through: 0, by: -1) {
            snapshot.collection.collectedAt = now - Double(k) * 1200
            Fixture.churn(&snapshot, fraction: 0.05, round: k, using: &random)
            let report = Fixture.report(for: snapshot, fingerprint: "cfg-\(k % 4)")
            imported[try store.importSnapshot(snapshot, report: report).id] = (k, snapshot, report)
        }
        other.collection.collectedAt = now - 10 * 86400
        let otherID = try store.importSnapshot(other, report: nil).id
        let objectsBefore = try store.storedObjectIDs().count
        let tokenBefore = try store.changeToken()

        let deleted = try store.applyRetention(policy, now: now)
        XCTAssertEqual(deleted, 289 - 32, "the other cluster's only snapshot is its newest and stays")
        XCTAssertNotEqual(try store.changeToken(), tokenBefore)

        let clusters = try store.clusters()
        let prod = try XCTUnwrap(clusters.first { $0.name == "aks-prod" })
        let remaining = try store.snapshots(clusterID: prod.id)
        let expectedK = Set(0...6).union(stride(from: 7, through: 70, by: 3)).union([72, 73, 145])
        XCTAssertEqual(Set(remaining.map { imported[$0.id]!.k }), expectedK)
        for summary in remaining {
            let original = imported[summary.id]!
            XCTAssertEqual(try store.snapshot(id: summary.id), original.snapshot, "snapshot k=\(original.k)")
            XCTAssertEqual(try store.report(snapshotID: summary.id), original.report, "report k=\(original.k)")
        }
        XCTAssertEqual(try store.snapshot(id: otherID), other)

        let stored = try store.storedObjectIDs()
        XCTAssertLessThan(stored.count, objectsBefore)
        XCTAssertEqual(stored, try store.objectIDsNeededByReplay(), "exactly the objects the survivors need remain")

        // Running it again deletes nothing.
        XCTAssertEqual(try store.applyRetention(policy, now: now), 0)
    }

    func testDeleteSnapshotRebasesChildrenAndDropsEmptyCluster() throws {
        let directory = try TemporaryDirectory()
        let store = try PostureStore(path: directory.path("store.sqlite"))
        var random = SeededRandom(seed: 5)
        var snapshot = Fixture.snapshot(namespaces: 1, appsPerNamespace: 3)
        var imported: [(Int64, Snapshot)] = []
        for round in 0..<(PostureStore.keyframeInterval + 6) {
            snapshot.collection.collectedAt = Fixture.epoch + Double(round) * 300
            Fixture.churn(&snapshot, fraction: 0.1, round: round, using: &random)
            imported.append((try store.importSnapshot(snapshot, report: nil).id, snapshot))
        }
        // The first keyframe, a delta in the middle, the second keyframe and the newest.
        for index in [0, 10, PostureStore.keyframeInterval, PostureStore.keyframeInterval + 5].reversed() {
            try store.deleteSnapshot(id: imported[index].0)
            imported.remove(at: index)
        }
        for (id, expected) in imported { XCTAssertEqual(try store.snapshot(id: id), expected) }
        XCTAssertEqual(try store.storedObjectIDs(), try store.objectIDsNeededByReplay())
        XCTAssertThrowsError(try store.deleteSnapshot(id: 123_456))

        var lone = Fixture.snapshot(cluster: "aks-lone", resourceGroup: "rg", namespaces: 1, appsPerNamespace: 1)
        lone.collection.collectedAt = Fixture.epoch
        let loneID = try store.importSnapshot(lone, report: Fixture.report(for: lone)).id
        try store.deleteSnapshot(id: loneID)
        XCTAssertNil(try store.cluster(named: "aks-lone"))
        XCTAssertEqual(try store.storedObjectIDs(), try store.objectIDsNeededByReplay())
    }
}
