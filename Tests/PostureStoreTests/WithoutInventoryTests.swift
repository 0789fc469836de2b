import Foundation
import GRDB
import PostureModel
@testable import PostureStore
import XCTest

/// `snapshotWithoutInventory(id:)` reads one object; it must give exactly what the full read
/// gives without `kubernetes`, whatever the row's history.
final class WithoutInventoryTests: XCTestCase {
    private func withoutInventory(_ snapshot: Snapshot) -> Snapshot {
        var copy = snapshot
        copy.kubernetes = nil
        return copy
    }

    /// More than a keyframe interval of snapshots; the Azure side changes every third round,
    /// so some rows share their Azure object with the previous row and some do not.
    private func importHistory(_ store: PostureStore, rounds: Int, seed: UInt64) throws -> [(id: Int64, snapshot: Snapshot)] {
        var random = SeededRandom(seed: seed)
        var snapshot = Fixture.snapshot(namespaces: 2, appsPerNamespace: 2)
        var imported: [(Int64, Snapshot)] = []
        for round in 0..<rounds {
            snapshot.collection.collectedAt = Fixture.epoch + Double(round) * 300 + 0.125
            Fixture.churn(&snapshot, fraction: 0.05, round: round, using: &random)
            if round % 3 == 0 { snapshot.cluster.tags["round"] = String(round) }
            var stored = snapshot
            if round % 11 == 5 { stored.kubernetes = nil }   // a collection without kubectl
            imported.append((try store.importSnapshot(stored, report: Fixture.report(for: stored)).id, stored))
        }
        return imported
    }

    private func assertMatchesFullRead(_ store: PostureStore, _ imported: [(id: Int64, snapshot: Snapshot)],
                                       file: StaticString = #filePath, line: UInt = #line) throws {
        for (id, original) in imported {
            let light = try store.snapshotWithoutInventory(id: id)
            XCTAssertNil(light.kubernetes, file: file, line: line)
            XCTAssertEqual(light, withoutInventory(try store.snapshot(id: id)), "snapshot \(id)", file: file, line: line)
            XCTAssertEqual(light, withoutInventory(original), "snapshot \(id)", file: file, line: line)
            XCTAssertEqual(light.collection.collectedAt, original.collection.collectedAt, file: file, line: line)
        }
    }

    private func azureIDs(_ path: URL) throws -> [Int64: Int64?] {
        let queue = try DatabaseQueue(path: path.path)
        defer { try? queue.close() }
        return try queue.read { db in
            var result: [Int64: Int64?] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, azureID FROM snapshot") { result[row[0]] = row[1] as Int64? }
            return result
        }
    }

    func testMatchesFullReadForKeyframesAndDeltas() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let store = try PostureStore(path: path)
        let imported = try importHistory(store, rounds: PostureStore.keyframeInterval + 8, seed: 11)
        try assertMatchesFullRead(store, imported)
        let ids = try azureIDs(path)
        XCTAssertEqual(ids.count, imported.count)
        XCTAssertTrue(ids.values.allSatisfy { $0 != nil }, "every imported row names its Azure object")
        XCTAssertLessThan(Set(ids.values.compactMap { $0 }).count, imported.count, "unchanged Azure sides share one object")
        let raw = try DatabaseQueue(path: path.path)
        try raw.read { db in
            for (id, azureID) in ids {
                XCTAssertTrue(try PostureStore.membership(db, snapshotID: id).contains(azureID!), "azureID of \(id) is a member")
            }
        }
        try raw.close()

        // A row without azureID (an upgrade that could not resolve it) is found through its membership.
        try RawDatabase.execute(path, "UPDATE snapshot SET azureID = NULL WHERE id IN (\(imported[3].id), \(imported[70].id))")
        try assertMatchesFullRead(store, [imported[3], imported[70]])
        let viewer = try PostureStore(path: path, readOnly: true)
        try assertMatchesFullRead(viewer, imported)
        XCTAssertThrowsError(try store.snapshotWithoutInventory(id: 99_999))
    }

    func testRetentionAndDeletionKeepAzureObjects() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let store = try PostureStore(path: path)
        var imported = try importHistory(store, rounds: PostureStore.keyframeInterval + 8, seed: 12)
        // The first keyframe (base of the whole first chain), a delta, and the second keyframe.
        for index in [0, 10, PostureStore.keyframeInterval].reversed() {
            try store.deleteSnapshot(id: imported[index].id)
            imported.remove(at: index)
        }
        try assertMatchesFullRead(store, imported)
        let now = imported.last!.snapshot.collection.collectedAt
        XCTAssertGreaterThan(try store.applyRetention(try RetentionPolicy.parse("1h:all,1d:hourly"), now: now), 0)
        let survivors = Set(try store.snapshots(clusterID: try store.clusters()[0].id).map(\.id))
        imported.removeAll { !survivors.contains($0.id) }
        XCTAssertEqual(imported.count, survivors.count)
        try assertMatchesFullRead(store, imported)
        XCTAssertEqual(try store.storedObjectIDs(), try store.objectIDsNeededByReplay())
    }

    /// A store written by a schema-1 binary: the current store with v2 taken out again, checked
    /// against the columns the v1 migration creates.
    private func downgradeToSchema1(_ path: URL) throws {
        try RawDatabase.execute(path, """
            DROP INDEX snapshot_by_azure;
            ALTER TABLE snapshot DROP COLUMN azureID;
            DELETE FROM grdb_migrations WHERE identifier = 'v2';
            PRAGMA user_version = 1;
            PRAGMA wal_checkpoint(TRUNCATE);
            """)
        let reference = try DatabaseQueue()
        try StoreSchema.migrator.migrate(reference, upTo: "v1")
        func shape(_ queue: DatabaseQueue) throws -> [String] {
            try queue.read { db in
                try String.fetchAll(db, sql: """
                    SELECT m.name || '.' || p.name || ':' || p.type FROM sqlite_master m, pragma_table_info(m.name) p
                    WHERE m.type = 'table' ORDER BY m.name, p.cid
                    """)
                    + String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name")
                    + String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY identifier")
                    + [String(try Int.fetchOne(db, sql: "PRAGMA user_version")!)]
            }
        }
        let downgraded = try DatabaseQueue(path: path.path)
        defer { try? downgraded.close() }
        XCTAssertEqual(try shape(downgraded), try shape(reference))
    }

    func testSchema1StoreReadOnlyFallbackAndUpgrade() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        var imported: [(id: Int64, snapshot: Snapshot)] = []
        var importedAzureIDs: [Int64: Int64?] = [:]
        do {
            let store = try PostureStore(path: path)
            imported = try importHistory(store, rounds: PostureStore.keyframeInterval + 5, seed: 13)
            // Retention first, so the upgrade also meets re-based chains.
            try store.deleteSnapshot(id: imported[0].id)
            imported.removeFirst()
            try store.checkpoint()
            importedAzureIDs = try azureIDs(path)
        }
        try downgradeToSchema1(path)

        // A kiosk opens read-only and cannot upgrade: it reads the slower way.
        let viewer = try PostureStore(path: path, readOnly: true)
        try assertMatchesFullRead(viewer, imported)
        XCTAssertEqual(try RawDatabase.int(path, "PRAGMA user_version"), 1, "a read-only open does not upgrade")

        // The next writer upgrades, filling azureID exactly as imports set it.
        let writer = try PostureStore(path: path)
        XCTAssertEqual(try RawDatabase.int(path, "PRAGMA user_version"), PostureStore.schemaVersion)
        XCTAssertEqual(try azureIDs(path), importedAzureIDs)
        try assertMatchesFullRead(writer, imported)
        // The reader opened before the upgrade now takes the fast path.
        try assertMatchesFullRead(viewer, imported)
        XCTAssertEqual(try writer.storedObjectIDs(), try writer.objectIDsNeededByReplay())
    }

    func testSchema0IsStillRefusedReadOnly() throws {
        // Older than any readable schema: never happens for a real store, but must not be misread.
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        _ = try PostureStore(path: path).importSnapshot(Fixture.snapshot(namespaces: 1, appsPerNamespace: 1), report: nil)
        try RawDatabase.execute(path, "PRAGMA user_version = 0")
        XCTAssertThrowsError(try PostureStore(path: path, readOnly: true)) { error in
            XCTAssertTrue("\(error)".contains("open it once without read-only"), "\(error)")
        }
    }
}
