import Foundation
import PostureModel
@testable import PostureStore
import XCTest

/// Store growth measured on the real file after a WAL checkpoint.
final class GrowthTests: XCTestCase {
    func testHundredIdenticalImportsStayUnderTwiceOneSnapshot() throws {
        let directory = try TemporaryDirectory()
        let store = try PostureStore(path: directory.path("store.sqlite"))
        var snapshot = Fixture.snapshot()   // ~3,000 Kubernetes objects
        XCTAssertGreaterThan(snapshot.kubernetes!.objectCount, 2_500)
        let report = Fixture.report(for: snapshot)
        let first = try store.importSnapshot(snapshot, report: report)
        try store.checkpoint()
        let oneSnapshot = try store.storeSizeBytes()

        var later: [SnapshotSummary] = []
        for round in 1..<100 {
            // Re-collected every five minutes with nothing changed.
            snapshot.collection.collectedAt = Fixture.epoch + Double(round) * 300
            later.append(try store.importSnapshot(snapshot, report: report))
        }
        try store.checkpoint()
        let hundred = try store.storeSizeBytes()
        XCTAssertLessThan(hundred, 2 * oneSnapshot, "one snapshot \(oneSnapshot) B, 100 identical \(hundred) B")

        // Unchanged imports add only their empty delta (a keyframe every 64 snapshots).
        let deltas = later.filter { $0.storedBytes < 10 }
        XCTAssertEqual(deltas.count, 98, "storedBytes: \(later.map(\.storedBytes))")
        XCTAssertGreaterThan(first.storedBytes, 500_000)
        XCTAssertEqual(try store.snapshot(id: later.last!.id), snapshot)
        print("growth: one snapshot \(oneSnapshot) B, 100 identical imports \(hundred) B (\(String(format: "%.2f", Double(hundred) / Double(oneSnapshot)))×)")
    }

    func testDaysOfChurnStayUnderFourTimesOneSnapshot() throws {
        let directory = try TemporaryDirectory()
        let store = try PostureStore(path: directory.path("store.sqlite"))
        // A smaller cluster (~1,000 objects) keeps the 288 imports quick in a debug build.
        var snapshot = Fixture.snapshot(namespaces: 10, appsPerNamespace: 10)
        var random = SeededRandom(seed: 288)
        try store.importSnapshot(snapshot, report: Fixture.report(for: snapshot))
        try store.checkpoint()
        let oneSnapshot = try store.storeSizeBytes()

        var ids: [Int64] = []
        var samples: [Int64: Snapshot] = [:]
        for round in 1..<288 {
            snapshot.collection.collectedAt = Fixture.epoch + Double(round) * 300
            Fixture.churn(&snapshot, fraction: 0.01, round: round, using: &random)
            let id = try store.importSnapshot(snapshot, report: Fixture.report(for: snapshot)).id
            ids.append(id)
            if round % 50 == 0 || round == 287 { samples[id] = snapshot }
        }
        try store.checkpoint()
        let day = try store.storeSizeBytes()
        XCTAssertLessThanOrEqual(day, 4 * oneSnapshot, "one snapshot \(oneSnapshot) B, a day of 1% churn \(day) B")
        for (id, expected) in samples { XCTAssertEqual(try store.snapshot(id: id), expected, "snapshot \(id)") }
        print("churn: one snapshot \(oneSnapshot) B, 288 snapshots with 1% churn \(day) B (\(String(format: "%.2f", Double(day) / Double(oneSnapshot)))×)")
    }
}
