import Foundation
import PostureModel
@testable import PostureStore
import XCTest

/// Permissions, foreign and damaged files, read-only opening, failed imports, concurrency.
final class SafetyTests: XCTestCase {
    private func mode(_ path: String) throws -> Int {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.posixPermissions] as! NSNumber).intValue & 0o7777
    }

    private func storeError(_ body: () throws -> Void) -> StoreError? {
        do { try body(); return nil } catch let error as StoreError { return error } catch {
            XCTFail("expected a StoreError, got \(type(of: error)): \(error)")
            return nil
        }
    }

    func testNewStoreIsPrivate() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("data/aksposture/store.sqlite")
        let store = try PostureStore(path: path)
        try store.importSnapshot(Fixture.snapshot(namespaces: 1, appsPerNamespace: 1), report: nil)
        XCTAssertEqual(try mode(directory.path("data/aksposture").path), 0o700)
        XCTAssertEqual(try mode(path.path), 0o600)
        for suffix in ["-wal", "-shm"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: path.path + suffix), suffix)
            XCTAssertEqual(try mode(path.path + suffix), 0o600, suffix)
        }
    }

    func testDirectoryWritableByOthersIsRefused() throws {
        let directory = try TemporaryDirectory()
        for permissions in [0o770, 0o757, 0o1777] {
            let shared = directory.path("shared-\(String(permissions, radix: 8))")
            try FileManager.default.createDirectory(at: shared, withIntermediateDirectories: false)
            XCTAssertEqual(chmod(shared.path, mode_t(permissions)), 0)
            let path = shared.appendingPathComponent("store.sqlite")
            let error = try XCTUnwrap(storeError { _ = try PostureStore(path: path) })
            XCTAssertEqual(error.path, path.path)
            XCTAssertTrue(error.message.contains("writable by group or others"), error.message)
            XCTAssertTrue(error.message.contains("chmod go-w \(shared.path)"), error.message)
            XCTAssertFalse(FileManager.default.fileExists(atPath: path.path), "nothing created in a refused directory")
            XCTAssertTrue(FileManager.default.createFile(atPath: path.path, contents: Data()))
            XCTAssertNotNil(storeError { _ = try PostureStore(path: path, readOnly: true) })
        }
    }

    func testCorruptFileIsNotAStore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let garbage = Data(String(repeating: "this is not an SQLite database\n", count: 300).utf8)
        try garbage.write(to: path)
        for readOnly in [false, true] {
            let error = try XCTUnwrap(storeError { _ = try PostureStore(path: path, readOnly: readOnly) })
            XCTAssertTrue(error.message.hasPrefix("not an aksposture store ("), error.message)
            XCTAssertTrue(error.description.hasPrefix(path.path), error.description)
        }
        XCTAssertEqual(try Data(contentsOf: path), garbage, "the file is left as it was")
    }

    func testOtherApplicationsDatabaseIsNotAStore() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("other.sqlite")
        try RawDatabase.execute(path, "CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT)")
        let error = try XCTUnwrap(storeError { _ = try PostureStore(path: path) })
        XCTAssertTrue(error.message.hasPrefix("not an aksposture store ("), error.message)
        XCTAssertTrue(error.message.contains("notes"), error.message)
        XCTAssertEqual(try RawDatabase.int(path, "SELECT COUNT(*) FROM sqlite_master"), 1, "no tables were added")
        XCTAssertFalse(FileManager.default.fileExists(atPath: path.path + "-wal"), "not switched to WAL mode")
    }

    func testNewerSchemaIsRefusedNamingBothVersions() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        do {
            let store = try PostureStore(path: path)
            try store.importSnapshot(Fixture.snapshot(namespaces: 1, appsPerNamespace: 1), report: nil)
        }
        try RawDatabase.execute(path, "PRAGMA user_version = 7")
        for readOnly in [false, true] {
            let error = try XCTUnwrap(storeError { _ = try PostureStore(path: path, readOnly: readOnly) })
            XCTAssertTrue(error.message.contains("schema version 7"), error.message)
            XCTAssertTrue(error.message.contains("schema version \(PostureStore.schemaVersion)"), error.message)
        }
        XCTAssertEqual(try RawDatabase.int(path, "PRAGMA user_version"), 7, "a refused store is not migrated")
    }

    func testReadOnlyOpenOfReadOnlyCopy() throws {
        let directory = try TemporaryDirectory()
        let original = directory.path("store.sqlite")
        let snapshot = Fixture.snapshot(namespaces: 2, appsPerNamespace: 2)
        let report = Fixture.report(for: snapshot)
        let id: Int64
        do {
            let store = try PostureStore(path: original)
            id = try store.importSnapshot(snapshot, report: report).id
            try store.checkpoint()
        }
        let copyDirectory = directory.path("copy")
        try FileManager.default.createDirectory(at: copyDirectory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let copy = copyDirectory.appendingPathComponent("store.sqlite")
        try FileManager.default.copyItem(at: original, to: copy)
        XCTAssertEqual(chmod(copy.path, 0o400), 0)
        let bytes = try Data(contentsOf: copy)

        let store = try PostureStore(path: copy, readOnly: true)
        XCTAssertTrue(store.isReadOnly)
        XCTAssertEqual(try store.snapshot(id: id), snapshot)
        XCTAssertEqual(try store.report(snapshotID: id), report)
        XCTAssertEqual(try store.clusters().count, 1)
        let error = try XCTUnwrap(storeError { try store.importSnapshot(snapshot, report: nil) })
        XCTAssertTrue(error.message.contains("read-only"), error.message)
        XCTAssertNotNil(storeError { _ = try store.applyRetention(.default, now: Date()) })
        XCTAssertEqual(try Data(contentsOf: copy), bytes, "a read-only open never writes the file")

        XCTAssertNotNil(storeError { _ = try PostureStore(path: copyDirectory.appendingPathComponent("absent.sqlite"), readOnly: true) })
        XCTAssertFalse(FileManager.default.fileExists(atPath: copyDirectory.appendingPathComponent("absent.sqlite").path))
    }

    func testReadOnlyOpenWithoutUsableWALIndex() throws {
        // On read-only media SQLite can neither create nor map the -shm file. A directory in its
        // place reproduces that failure even for root. The second snapshot exists only in the
        // copied -wal file, so reading it proves the log is still used.
        let directory = try TemporaryDirectory()
        let original = directory.path("store.sqlite")
        var snapshot = Fixture.snapshot(namespaces: 1, appsPerNamespace: 2)
        let media = directory.path("media")
        try FileManager.default.createDirectory(at: media, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        let copy = media.appendingPathComponent("store.sqlite")
        let store = try PostureStore(path: original)
        let first = try store.importSnapshot(snapshot, report: nil).id
        try store.checkpoint()
        snapshot.collection.collectedAt += 300
        snapshot.kubernetes!.namespaces.removeLast()
        let second = try store.importSnapshot(snapshot, report: nil).id
        XCTAssertGreaterThan(try FileManager.default.attributesOfItem(atPath: original.path + "-wal")[.size] as! Int, 0)
        try FileManager.default.copyItem(at: original, to: copy)
        try FileManager.default.copyItem(atPath: original.path + "-wal", toPath: copy.path + "-wal")
        try FileManager.default.createDirectory(atPath: copy.path + "-shm", withIntermediateDirectories: false)

        let viewer = try PostureStore(path: copy, readOnly: true)
        XCTAssertEqual(try viewer.snapshots(clusterID: viewer.clusters()[0].id).map(\.id), [first, second])
        XCTAssertEqual(try viewer.snapshot(id: second), snapshot)
    }

    func testFailedImportLeavesStoreUnchanged() throws {
        let directory = try TemporaryDirectory()
        let fault = FaultSwitch()
        let store = try PostureStore(path: directory.path("store.sqlite"), readOnly: false, importFault: { try fault.check() })
        var snapshot = Fixture.snapshot(namespaces: 2, appsPerNamespace: 3)
        let report = Fixture.report(for: snapshot)
        let first = try store.importSnapshot(snapshot, report: report)
        let objects = try store.storedObjectIDs()
        let token = try store.changeToken()

        var random = SeededRandom(seed: 1)
        snapshot.collection.collectedAt += 300
        Fixture.churn(&snapshot, fraction: 0.2, round: 1, using: &random)
        var newCluster = Fixture.snapshot(cluster: "aks-new", resourceGroup: "rg-new", namespaces: 1, appsPerNamespace: 1)
        newCluster.collection.collectedAt += 300
        fault.arm()
        for attempt in [snapshot, newCluster] {
            let error = try XCTUnwrap(storeError { try store.importSnapshot(attempt, report: Fixture.report(for: attempt, fingerprint: "new")) })
            XCTAssertTrue(error.message.contains("injected fault"), error.message)
        }
        // A report that cannot be encoded fails before the transaction starts.
        var badReport = report
        badReport.overall.score = .nan
        fault.disarm()
        let encodingError = try XCTUnwrap(storeError { try store.importSnapshot(snapshot, report: badReport) })
        XCTAssertTrue(encodingError.message.contains("cannot store snapshot"), encodingError.message)

        XCTAssertEqual(try store.storedObjectIDs(), objects, "no object of the failed imports remains")
        XCTAssertEqual(try store.changeToken(), token)
        XCTAssertEqual(try store.clusters().map(\.name), ["aks-prod"])
        XCTAssertEqual(try store.snapshots(clusterID: first.clusterID), [first])
        XCTAssertEqual(try store.snapshot(id: first.id).kubernetes?.objectCount, Fixture.snapshot(namespaces: 2, appsPerNamespace: 3).kubernetes?.objectCount)

        // The same import succeeds once the fault is gone, as a delta against the first snapshot.
        let second = try store.importSnapshot(snapshot, report: report)
        XCTAssertEqual(try store.snapshot(id: second.id), snapshot)
    }

    func testSecondInstanceSeesCommitsAndChangeToken() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let writer = try PostureStore(path: path)
        var snapshot = Fixture.snapshot(namespaces: 1, appsPerNamespace: 2)
        try writer.importSnapshot(snapshot, report: nil)
        let viewer = try PostureStore(path: path, readOnly: true)
        let otherWriter = try PostureStore(path: path)
        let token = try viewer.changeToken()
        XCTAssertEqual(try viewer.changeToken(), token, "stable while nothing is written")

        snapshot.collection.collectedAt += 300
        let summary = try writer.importSnapshot(snapshot, report: Fixture.report(for: snapshot))
        let afterImport = try viewer.changeToken()
        XCTAssertNotEqual(afterImport, token)
        XCTAssertEqual(try viewer.clusters().first?.latest, summary)
        XCTAssertEqual(try viewer.snapshot(id: summary.id), snapshot)

        try otherWriter.replaceReport(snapshotID: summary.id, report: Fixture.report(for: snapshot, fingerprint: "cfg-2"))
        XCTAssertNotEqual(try viewer.changeToken(), afterImport)
        XCTAssertEqual(try viewer.report(snapshotID: summary.id)?.configFingerprint, "cfg-2")
    }

    func testReadersNeverSeeHalfWrittenSnapshots() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("store.sqlite")
        let writer = try PostureStore(path: path)
        let reader = try PostureStore(path: path, readOnly: true)
        var snapshot = Fixture.snapshot(namespaces: 1, appsPerNamespace: 2)
        let base = snapshot.kubernetes!.configMaps
        let clusterID = try writer.importSnapshot(snapshot, report: nil).clusterID

        let done = FaultSwitch()
        let failures = FailureLog()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            var reads = 0
            while !done.isArmed || reads == 0 {
                do {
                    for summary in try reader.snapshots(clusterID: clusterID) {
                        // Snapshot k carries k extra config maps; collectedAt says which k it is.
                        let k = Int(summary.collectedAt.timeIntervalSince(Fixture.epoch) / 60)
                        let read = try reader.snapshot(id: summary.id)
                        if read.kubernetes?.configMaps.count != base.count + k || summary.objectCount != read.kubernetes!.objectCount + 2 {
                            failures.add("snapshot \(summary.id) (k=\(k)) read with \(read.kubernetes?.configMaps.count ?? -1) config maps")
                        }
                    }
                } catch {
                    failures.add("\(error)")
                }
                reads += 1
            }
        }
        for k in 1...30 {
            snapshot.collection.collectedAt = Fixture.epoch + Double(k) * 60
            var configMap = ConfigMapMeta(meta: ObjectMeta(name: "extra-\(k)", namespace: "team-0"))
            configMap.keys = ["k\(k)"]
            snapshot.kubernetes!.configMaps.append(configMap)
            try writer.importSnapshot(snapshot, report: nil)
        }
        done.arm()
        group.wait()
        XCTAssertEqual(failures.entries, [])
    }
}

/// A thread-safe on/off switch for fault injection and stop signals.
final class FaultSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var armed = false
    func arm() { lock.withLock { armed = true } }
    func disarm() { lock.withLock { armed = false } }
    var isArmed: Bool { lock.withLock { armed } }
    func check() throws {
        if isArmed { throw InjectedFault() }
    }
    struct InjectedFault: Error, CustomStringConvertible { var description: String { "injected fault" } }
}

final class FailureLog: @unchecked Sendable {
    private let lock = NSLock()
    private var list: [String] = []
    func add(_ entry: String) { lock.withLock { list.append(entry) } }
    var entries: [String] { lock.withLock { list } }
}
