import Foundation
import XCTest
import FuzzSupport
import GRDB
import PostureModel
import PostureStore
#if canImport(Glibc)
import Glibc
#endif

/// Faults around the store, driven through the real `aksposture` binary: kill -9 during
/// import, a full disk, damaged, foreign, newer, read-only and exposed stores.
final class StoreFaultTests: XCTestCase {
    var work: URL!

    override func setUpWithError() throws {
        work = try makeTemporaryDirectory("faults")
        guard FileManager.default.isExecutableFile(atPath: Binaries.aksposture.path) else {
            throw XCTSkip("aksposture binary not built at \(Binaries.aksposture.path)")
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    // MARK: kill -9

    /// `AKSPOSTURE_KILL_RUNS` runs (default 12; the documented long run uses 200): each starts
    /// `aksposture import` of all nine demo bundles and kills it with SIGKILL after a random
    /// delay within the import's duration. After every kill the store opens, integrity_check is
    /// ok, and every snapshot in it equals the one its bundle imports to (complete or absent).
    func testKillNineDuringImportLeavesCompleteSnapshotsOnly() throws {
        let runs = Int(ProcessInfo.processInfo.environment["AKSPOSTURE_KILL_RUNS"] ?? "") ?? 12
        let (bundles, expected) = try demoBundlesAndSnapshots()
        let store = work.appendingPathComponent("store/store.sqlite")
        let baseline = try runProcess(Binaries.aksposture, ["import", bundles[0].path, "--store", store.path])
        XCTAssertEqual(baseline.status, 0, baseline.stderr)

        // How long a full import takes here, so kills land inside it.
        let t0 = Date()
        let full = try runProcess(Binaries.aksposture, ["import"] + bundles.map(\.path) + ["--store", store.path])
        XCTAssertEqual(full.status, 0, full.stderr)
        let span = max(0.05, Date().timeIntervalSince(t0))

        var rng = SplitMix64(seed: UInt64(ProcessInfo.processInfo.environment["AKSPOSTURE_KILL_SEED"] ?? "") ?? 0x4B11_9)
        var killedMidway = 0, finished = 0
        let initial = try verifyStore(store, expected: expected)
        var snapshotsBefore = initial.snapshots
        var verified = initial.newestID
        for i in 0..<runs {
            let p = Process()
            p.executableURL = Binaries.aksposture
            p.arguments = ["import"] + bundles.map(\.path) + ["--store", store.path]
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            let delay = Double.random(in: 0...(span * 1.1), using: &rng)
            usleep(useconds_t(delay * 1_000_000))
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            if p.terminationReason == .uncaughtSignal { killedMidway += 1 } else { finished += 1 }

            // A killed import can only have touched the newest snapshots; integrity covers the file.
            let verdict = try verifyStore(store, expected: expected, after: verified)
            verified = max(verified, verdict.newestID)
            XCTAssertEqual(verdict.integrity, "ok", "run \(i), killed after \(Int(delay * 1000)) ms")
            XCTAssertEqual(verdict.problems, [], "run \(i), killed after \(Int(delay * 1000)) ms")
            XCTAssertGreaterThanOrEqual(verdict.snapshots, snapshotsBefore, "run \(i): a committed snapshot vanished")
            snapshotsBefore = verdict.snapshots
            if !verdict.problems.isEmpty { break }
        }
        let final = try verifyStore(store, expected: expected)
        XCTAssertEqual(final.problems, [], "full re-read after all runs")
        // Leftovers: only the database and SQLite's own WAL/shared-memory files.
        let files = try FileManager.default.contentsOfDirectory(atPath: store.deletingLastPathComponent().path).sorted()
        XCTAssertEqual(Set(files).subtracting(["store.sqlite", "store.sqlite-wal", "store.sqlite-shm"]), [], "left behind: \(files)")
        // A later import still works.
        let after = try runProcess(Binaries.aksposture, ["import", bundles[1].path, "--store", store.path])
        XCTAssertEqual(after.status, 0, after.stderr)
        print("kill -9: \(runs) runs, \(killedMidway) killed mid-import, \(finished) finished first; \(snapshotsBefore) snapshots, all complete")
        XCTAssertGreaterThan(killedMidway, runs / 2, "most kills should land during the import")
    }

    // MARK: Disk full

    /// Writes `mount`/filler until the filesystem is full, then gives `room` bytes back.
    func fillFilesystem(_ mount: URL, leaving room: Int) -> URL {
        let filler = mount.appendingPathComponent("filler")
        let fd = open(filler.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let chunk = [UInt8](repeating: 0x5A, count: 4096)
        var written = 0
        while chunk.withUnsafeBytes({ Glibc.write(fd, $0.baseAddress!, 4096) }) == 4096 { written += 4096 }
        if room > 0 { _ = ftruncate(fd, off_t(max(0, written - room))) }
        close(fd)
        return filler
    }

    /// Fills a small tmpfs and leaves `room` bytes free, then imports the remaining demo bundles.
    func fillAndImport(room: Int, label: String) throws -> (failures: [RunResult], viewable: Bool) {
        let (mount, reason) = mountTmpfs(size: "3m", label: label)
        guard let mount else { throw XCTSkip(reason) }
        defer { unmount(mount) }
        let (bundles, expected) = try demoBundlesAndSnapshots()
        let store = mount.appendingPathComponent("store/store.sqlite")
        let first = try runProcess(Binaries.aksposture, ["import", bundles[0].path, bundles[1].path, "--store", store.path])
        XCTAssertEqual(first.status, 0, first.stderr)

        let filler = fillFilesystem(mount, leaving: room)

        var failures: [RunResult] = []
        for b in bundles.dropFirst(2) {
            let r = try runProcess(Binaries.aksposture, ["import", b.path, "--store", store.path])
            XCTAssertEqual(crashMarkers(r.stderr + r.stdout), [], r.stderr)
            if r.status != 0 { failures.append(r) }
        }
        XCTAssertFalse(failures.isEmpty, "the full disk never stopped an import")
        for f in failures {
            XCTAssertEqual(f.status, 1)
            XCTAssertTrue(f.stderr.contains("disk full"), "unclear message: \(f.stderr)")
            XCTAssertTrue(f.stderr.contains(store.path), "message should name the store: \(f.stderr)")
        }
        let history = try runProcess(Binaries.aksposture, ["history", "--store", store.path])
        XCTAssertEqual(crashMarkers(history.stderr), [])
        if history.status != 0 { XCTAssertTrue(history.stderr.contains("disk full"), history.stderr) }

        // Space back: everything stored before is intact, and the store takes imports again.
        try FileManager.default.removeItem(at: filler)
        let verdict = try verifyStore(store, expected: expected)
        XCTAssertEqual(verdict.integrity, "ok")
        XCTAssertEqual(verdict.problems, [])
        XCTAssertGreaterThanOrEqual(verdict.snapshots, 2, "earlier snapshots must survive")
        let again = try runProcess(Binaries.aksposture, ["import", bundles[2].path, "--store", store.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(try verifyStore(store, expected: expected).problems, [])
        print("disk full (\(room / 1024) KB left): \(failures.count) of \(bundles.count - 2) imports refused, history \(history.status == 0 ? "works" : "refused"): \(failures.first.map { $0.stderr.trimmingCharacters(in: .whitespacesAndNewlines) } ?? "")")
        return (failures, history.status == 0)
    }

    /// Room to open the store but not to write a snapshot: the import's transaction fails.
    func testDiskFullDuringImportFailsClearlyAndKeepsEarlierSnapshots() throws {
        let (_, viewable) = try fillAndImport(room: 200 * 1024, label: "diskfull-mid")
        XCTAssertTrue(viewable, "with the WAL index in place, viewing works on a full disk")
    }

    /// No room at all (not even for SQLite's 32 KB WAL index): imports fail saying the disk is
    /// full, and viewing still works (the clean store is read from its main file alone).
    func testDiskFullBeforeOpenSaysDiskFullAndStillViews() throws {
        let (_, viewable) = try fillAndImport(room: 8 * 1024, label: "diskfull-open")
        XCTAssertTrue(viewable, "a cleanly closed store must be viewable on a completely full disk")
    }

    /// A viewer opened on a completely full disk reads the main file frozen; once space is freed
    /// and a collector imports again, the same open viewer sees the new snapshot (it must notice
    /// the writer, since a frozen read takes no locks).
    func testViewerOpenedOnAFullDiskFollowsImportsOnceSpaceIsFreed() throws {
        let (mount, reason) = mountTmpfs(size: "3m", label: "diskfull-viewer")
        guard let mount else { throw XCTSkip(reason) }
        defer { unmount(mount) }
        let (bundles, expected) = try demoBundlesAndSnapshots()
        let storeURL = mount.appendingPathComponent("store/store.sqlite")
        let first = try runProcess(Binaries.aksposture, ["import", bundles[0].path, bundles[1].path, "--store", storeURL.path])
        XCTAssertEqual(first.status, 0, first.stderr)

        let filler = fillFilesystem(mount, leaving: 0)
        let refused = try runProcess(Binaries.aksposture, ["import", bundles[2].path, "--store", storeURL.path])
        XCTAssertEqual(refused.status, 1)
        XCTAssertTrue(refused.stderr.contains("disk full"), refused.stderr)

        let viewer = try PostureStore(path: storeURL, readOnly: true)
        XCTAssertTrue(viewer.isReadingFrozenOnFullDisk)
        func snapshotCount() throws -> Int { try viewer.clusters().reduce(0) { $0 + (try viewer.snapshots(clusterID: $1.id).count) } }
        for cluster in try viewer.clusters() {
            for summary in try viewer.snapshots(clusterID: cluster.id) {
                XCTAssertNotNil(try viewer.report(snapshotID: summary.id))
                let snapshot = try viewer.snapshot(id: summary.id)
                XCTAssertEqual(snapshot.kubernetes, expected[snapshotKey(snapshot)]?.kubernetes)
            }
        }
        XCTAssertEqual(try snapshotCount(), 2)
        let token = try viewer.changeToken()
        for args in [["history"], ["score"], ["export", "--view", "overview"], ["verify"]] {
            let r = try runProcess(Binaries.aksposture, args + ["--store", storeURL.path])
            XCTAssertEqual(r.status, 0, "\(args) on a full disk: \(r.stderr)")
        }

        try FileManager.default.removeItem(at: filler)
        XCTAssertEqual(try viewer.changeToken(), token, "nothing was written yet")
        let again = try runProcess(Binaries.aksposture, ["import", bundles[2].path, "--store", storeURL.path])
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertNotEqual(try viewer.changeToken(), token, "the open viewer must see the collector's write")
        XCTAssertFalse(viewer.isReadingFrozenOnFullDisk)
        XCTAssertEqual(try snapshotCount(), 3)
        let verdict = try verifyStore(storeURL, expected: expected)
        XCTAssertEqual(verdict.problems, [])
        XCTAssertEqual(verdict.snapshots, 3)
    }

    // MARK: Damaged, foreign, newer and exposed stores

    struct BadStore {
        var name: String
        var path: URL
        /// Fragments one of which the message must contain.
        var expect: [String]
        /// Whether `history` (which never reads objects) may still succeed.
        var listingMaySucceed = false
        /// Whether `import` may succeed: objects are content-addressed by hash, so an import that
        /// only references existing objects never reads their (damaged) bodies.
        var importMaySucceed = false
    }

    func makeRealStore(_ name: String, bundles: [URL]) throws -> URL {
        let dir = work.appendingPathComponent(name)
        let store = dir.appendingPathComponent("store.sqlite")
        let r = try runProcess(Binaries.aksposture, ["import"] + bundles.map(\.path) + ["--store", store.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        // Fold the WAL into the main file so byte-level damage hits real pages.
        let queue = try DatabaseQueue(path: store.path)
        try queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try queue.close()
        return store
    }

    func testBrokenStoresGiveAClearMessageAndNonZeroExitNeverAStackTrace() throws {
        let (bundles, _) = try demoBundlesAndSnapshots()
        var cases: [BadStore] = []
        let fm = FileManager.default

        func file(_ name: String, _ bytes: [UInt8]) throws -> URL {
            let dir = work.appendingPathComponent(name)
            try fm.createDirectory(at: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            let url = dir.appendingPathComponent("store.sqlite")
            try Data(bytes).write(to: url)
            return url
        }
        var rng = SplitMix64(seed: 7)
        cases.append(BadStore(name: "random bytes", path: try file("random", (0..<65536).map { _ in UInt8.random(in: 0...255, using: &rng) }), expect: ["not an aksposture store"]))
        cases.append(BadStore(name: "a text file", path: try file("text", Array("hello, I am not a database\n".utf8)), expect: ["not an aksposture store"]))

        let real = try makeRealStore("real", bundles: Array(bundles.prefix(3)))
        let realBytes = [UInt8](try Data(contentsOf: real))
        cases.append(BadStore(name: "truncated to 8 KB", path: try file("truncated", Array(realBytes.prefix(8192))),
                              expect: ["not an aksposture store", "damaged", "malformed"], listingMaySucceed: false))
        var smashed = realBytes
        for i in stride(from: 4096 * 3, to: min(smashed.count, 4096 * 60), by: 1) { smashed[i] = 0xAB }
        cases.append(BadStore(name: "pages overwritten", path: try file("smashed", smashed),
                              expect: ["not an aksposture store", "damaged", "malformed"], listingMaySucceed: true))

        let garbled = try makeRealStore("garbled", bundles: Array(bundles.prefix(2)))
        let q = try DatabaseQueue(path: garbled.path)
        try q.write { try $0.execute(sql: "UPDATE object SET body = randomblob(length(body))") }
        try q.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try q.close()
        cases.append(BadStore(name: "object bodies garbled", path: garbled, expect: ["damaged"], listingMaySucceed: true, importMaySucceed: true))

        let newer = try makeRealStore("newer", bundles: [bundles[0]])
        let n = try DatabaseQueue(path: newer.path)
        try n.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = 999; PRAGMA wal_checkpoint(TRUNCATE)") }
        try n.close()
        cases.append(BadStore(name: "newer schema", path: newer, expect: ["newer"]))

        let foreignDir = work.appendingPathComponent("foreign")
        try fm.createDirectory(at: foreignDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let foreign = foreignDir.appendingPathComponent("store.sqlite")
        let f = try DatabaseQueue(path: foreign.path)
        try f.write { try $0.execute(sql: "CREATE TABLE accounts (id INTEGER PRIMARY KEY, owner TEXT); INSERT INTO accounts (owner) VALUES ('x')") }
        try f.close()
        cases.append(BadStore(name: "another application's database", path: foreign, expect: ["not an aksposture store"]))

        let exposed = try makeRealStore("exposed", bundles: [bundles[0]])
        chmod(exposed.deletingLastPathComponent().path, 0o777)
        cases.append(BadStore(name: "directory writable by others", path: exposed, expect: ["writable by group or others"]))

        let isDirectory = work.appendingPathComponent("isdir/store.sqlite")
        try fm.createDirectory(at: isDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        cases.append(BadStore(name: "store path is a directory", path: isDirectory, expect: ["store", "directory", "cannot open"]))

        for c in cases {
            let commands: [(String, [String])] = [
                ("history", ["history", "--store", c.path.path]),
                ("score", ["score", "--store", c.path.path]),
                ("import", ["import", bundles[0].path, "--store", c.path.path]),
                ("dashboard", ["dashboard", "--store", c.path.path]),
                ("verify", ["verify", "--store", c.path.path]),
            ]
            for (label, args) in commands {
                let r = try runProcess(Binaries.aksposture, args)
                let context = "\(c.name) / \(label): exit \(r.status)\nstderr: \(r.stderr)"
                XCTAssertNil(r.signal, "crashed: \(context)")
                XCTAssertEqual(crashMarkers(r.stderr + r.stdout), [], context)
                if label == "history" && c.listingMaySucceed && r.status == 0 { continue }
                if label == "import" && c.importMaySucceed && r.status == 0 { continue }
                if label == "dashboard" && r.status != 0 && r.stderr.contains("not a terminal") && c.listingMaySucceed { continue }
                XCTAssertNotEqual(r.status, 0, context)
                // verify lists the damage it found on stdout; failures to open go to stderr.
                let message = (label == "verify" ? r.stdout + r.stderr : r.stderr).lowercased()
                XCTAssertTrue(c.expect.contains { message.contains($0.lowercased()) }, "unclear message: \(context)\nstdout: \(r.stdout)")
                XCTAssertLessThanOrEqual(r.stderr.split(separator: "\n").count, 3, "a clear message is short: \(context)")
            }
        }
    }

    /// Open issue D of RELIABILITY.md: damaged bodies are accepted by imports (objects are
    /// reused by hash unread), so `verify` must find them, name exactly the snapshots that can no
    /// longer be read, and exit 1; on a sound store it says so and exits 0.
    func testVerifyNamesTheSnapshotsThatDamagedBodiesMakeUnreadable() throws {
        let (bundles, _) = try demoBundlesAndSnapshots()
        let store = try makeRealStore("verify", bundles: bundles)
        let sound = try runProcess(Binaries.aksposture, ["verify", "--store", store.path])
        XCTAssertEqual(sound.status, 0, sound.stdout + sound.stderr)
        XCTAssertTrue(sound.stdout.contains("store is sound"), sound.stdout)
        XCTAssertTrue(sound.stdout.contains("snapshots: \(bundles.count) of 3 clusters, each complete"), sound.stdout)

        // Damage the full body of one object that several snapshots use, the way a bad sector would.
        let q = try DatabaseQueue(path: store.path)
        let victim = try q.read { db in
            try Int64.fetchOne(db, sql: "SELECT id FROM object WHERE baseID IS NULL AND identity != 0 ORDER BY length(body) DESC LIMIT 1")
        }
        let victimID = try XCTUnwrap(victim)
        try q.write { try $0.execute(sql: "UPDATE object SET body = randomblob(length(body)) WHERE id = ?", arguments: [victimID]) }
        try q.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try q.close()

        // The damage is invisible to an import (it reuses the objects by hash, unread).
        let reimport = try runProcess(Binaries.aksposture, ["import", bundles[0].path, "--store", store.path])
        XCTAssertEqual(reimport.status, 0, reimport.stderr)

        // Which snapshots can no longer be read, found by reading each one.
        let reader = try PostureStore(path: store, readOnly: true)
        var unreadable: [Int64] = []
        for c in try reader.clusters() {
            for s in try reader.snapshots(clusterID: c.id) {
                do {
                    _ = try reader.snapshot(id: s.id)
                    _ = try reader.report(snapshotID: s.id)
                } catch {
                    unreadable.append(s.id)
                }
            }
        }
        XCTAssertFalse(unreadable.isEmpty)
        XCTAssertFalse(try reader.verify().isSound)

        let damaged = try runProcess(Binaries.aksposture, ["verify", "--store", store.path])
        XCTAssertEqual(damaged.status, 1, damaged.stdout + damaged.stderr)
        XCTAssertTrue(damaged.stdout.contains("  object \(victimID): does not match its hash"), damaged.stdout)
        XCTAssertTrue(damaged.stdout.contains("store is DAMAGED"), damaged.stdout)
        let listed = damaged.stdout.split(separator: "\n").filter { $0.hasPrefix("  ") && !$0.hasPrefix("  object") }
            .compactMap { Int64($0.split(separator: " ").first ?? "") }
        XCTAssertEqual(Set(listed), Set(unreadable), damaged.stdout)
    }

    // MARK: Read-only filesystem

    func testReadOnlyFilesystemStillAllowsViewingAndRefusesImportClearly() throws {
        let (mount, reason) = mountTmpfs(size: "8m", label: "readonly")
        guard let mount else { throw XCTSkip(reason) }
        defer { unmount(mount) }
        let (bundles, expected) = try demoBundlesAndSnapshots()
        let store = mount.appendingPathComponent("store/store.sqlite")
        let r = try runProcess(Binaries.aksposture, ["import", bundles[0].path, bundles[1].path, "--store", store.path])
        XCTAssertEqual(r.status, 0, r.stderr)
        let remount = try runProcess(URL(fileURLWithPath: "/bin/mount"), ["-o", "remount,ro", mount.path])
        guard remount.status == 0 else { throw XCTSkip("remount read-only not permitted: \(remount.stderr)") }

        let history = try runProcess(Binaries.aksposture, ["history", "--store", store.path])
        XCTAssertEqual(history.status, 0, history.stderr)
        XCTAssertTrue(history.stdout.contains("2 snapshots"), history.stdout)
        let score = try runProcess(Binaries.aksposture, ["score", "--store", store.path])
        XCTAssertEqual(score.status, 0, score.stderr)
        XCTAssertEqual(try verifyStore(store, expected: expected).problems, [])

        let refused = try runProcess(Binaries.aksposture, ["import", bundles[2].path, "--store", store.path])
        XCTAssertNotEqual(refused.status, 0)
        XCTAssertEqual(crashMarkers(refused.stderr), [], refused.stderr)
        XCTAssertTrue(refused.stderr.lowercased().contains("read-only"), "unclear message: \(refused.stderr)")
    }
}
