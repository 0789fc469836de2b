import Foundation
import XCTest
import FuzzSupport
import PostureModel
import PostureStore

/// A collector importing a snapshot every 200 ms while three console-like readers poll, read
/// and render, all as separate processes (`aksposture-stress`) on one store. The quick run
/// lasts `AKSPOSTURE_CONCURRENCY_SECONDS` (default 12); Scripts/reliability/concurrency.sh runs
/// the same thing for 10 minutes.
final class ConcurrencyTests: XCTestCase {
    var work: URL!

    override func setUpWithError() throws {
        work = try makeTemporaryDirectory("concurrency")
        guard FileManager.default.isExecutableFile(atPath: Binaries.stress.path) else {
            throw XCTSkip("aksposture-stress not built at \(Binaries.stress.path)")
        }
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    final class Child: @unchecked Sendable {
        // output is written once by the reader thread and read only after done.wait().
        let process = Process()
        let out = Pipe()
        var output = Data()
        let done = DispatchGroup()

        init(_ args: [String]) throws {
            process.executableURL = Binaries.stress
            process.arguments = args
            process.standardOutput = out
            process.standardError = out
            process.standardInput = FileHandle.nullDevice
            try process.run()
            done.enter()
            DispatchQueue.global().async { [self] in
                output = out.fileHandleForReading.readDataToEndOfFile()
                done.leave()
            }
        }

        func wait() -> (Int32, String) {
            done.wait()
            process.waitUntilExit()
            return (process.terminationStatus, String(decoding: output, as: UTF8.self))
        }
    }

    static var seconds: Double { Double(ProcessInfo.processInfo.environment["AKSPOSTURE_CONCURRENCY_SECONDS"] ?? "") ?? 12 }

    func writtenIDs(_ output: String) -> [Int64] {
        output.split(separator: "\n").compactMap { line in line.hasPrefix("wrote ") ? Int64(line.dropFirst(6)) : nil }
    }

    func testCollectorEvery200msWithThreeReaders() throws {
        let bundles = SeedSource().demoBundles().filter { $0.path.contains("dev-neglected") || $0.path.contains("prod-hardened") }
        guard bundles.count >= 2 else { throw XCTSkip("demo bundles missing") }
        let store = work.appendingPathComponent("store/store.sqlite")
        let seconds = Self.seconds
        let writer = try Child(["write", "--store", store.path, "--seconds", String(seconds), "--interval", "0.2"] + bundles.map(\.path))
        usleep(300_000)
        let readers = try (0..<3).map { _ in try Child(["read", "--store", store.path, "--seconds", String(seconds)] + bundles.map(\.path)) }
        let (writerStatus, writerOutput) = writer.wait()
        let readerResults = readers.map { $0.wait() }

        let summary = writerOutput.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertEqual(writerStatus, 0, writerOutput.split(separator: "\n").filter { $0.hasPrefix("ERROR") }.prefix(5).joined(separator: "\n"))
        let ids = writtenIDs(writerOutput)
        XCTAssertGreaterThan(ids.count, Int(seconds), "the writer should land several snapshots a second: \(summary)")
        for (status, output) in readerResults {
            let last = output.split(separator: "\n").last.map(String.init) ?? ""
            XCTAssertEqual(status, 0, output.split(separator: "\n").filter { $0.hasPrefix("ERROR") }.prefix(5).joined(separator: "\n"))
            XCTAssertFalse(output.lowercased().contains("database is locked"), "'database is locked' reached a reader: \(last)")
            XCTAssertTrue(last.hasPrefix("reader:"), output)
            print(last)
        }
        print(summary)

        // Every snapshot written is readable afterwards, complete, with its report.
        let reader = try PostureStore(path: store, readOnly: true)
        let expected = Set(try bundles.map { try fingerprintForTest(BundleImporterForTest.load($0)) })
        for id in ids {
            let snapshot = try reader.snapshot(id: id)
            XCTAssertTrue(expected.contains(try fingerprintForTest(snapshot)), "snapshot \(id) is not one of the bundles")
            XCTAssertNotNil(try reader.report(snapshotID: id), "snapshot \(id) has no report")
        }
        XCTAssertEqual(try verifyIntegrity(store), "ok")
    }

    /// Two collectors for the same cluster at once: both snapshots land (the second waits for
    /// the first's transaction) or one is refused with a clear message; never a damaged store.
    func testTwoCollectorsForTheSameClusterAtOnce() throws {
        let bundles = SeedSource().demoBundles().filter { $0.path.contains("staging-typical") }
        guard !bundles.isEmpty else { throw XCTSkip("demo bundles missing") }
        let store = work.appendingPathComponent("store/store.sqlite")
        let seconds = min(Self.seconds, 6)
        let writers = try (0..<2).map { _ in try Child(["write", "--store", store.path, "--seconds", String(seconds), "--interval", "0.05"] + bundles.map(\.path)) }
        let results = writers.map { $0.wait() }
        var all: [Int64] = []
        for (status, output) in results {
            let errors = output.split(separator: "\n").filter { $0.hasPrefix("ERROR") }
            // A refusal must be a clear StoreError line, not a raw SQLite message or a crash.
            for e in errors { XCTAssertTrue(e.contains("store.sqlite:") && (e.contains("busy") || e.contains("another aksposture")), "unclear refusal: \(e)") }
            XCTAssertTrue(status == 0 || !errors.isEmpty, output)
            all += writtenIDs(output)
            print(output.split(separator: "\n").last.map(String.init) ?? "")
        }
        XCTAssertEqual(Set(all).count, all.count, "two collectors were handed the same snapshot id")
        let reader = try PostureStore(path: store, readOnly: true)
        for id in all { _ = try reader.snapshot(id: id); XCTAssertNotNil(try reader.report(snapshotID: id)) }
        XCTAssertEqual(try verifyIntegrity(store), "ok")
        XCTAssertGreaterThan(all.count, 4)
    }

    /// Several collectors starting at once on a store that does not exist yet: each import
    /// lands; none may call the half-created store "not an aksposture store".
    func testCollectorsCreatingTheSameNewStoreAtOnce() throws {
        let bundles = SeedSource().demoBundles()
        guard bundles.count >= 4 else { throw XCTSkip("demo bundles missing") }
        var failures: [String] = []
        for round in 0..<6 {
            let store = work.appendingPathComponent("new-\(round)/store.sqlite")
            let children = try (0..<4).map { i in
                try Child(["write", "--store", store.path, "--seconds", "0.01", "--interval", "0"] + [bundles[i].path])
            }
            for (status, output) in children.map({ $0.wait() }) where status != 0 {
                failures.append("round \(round): " + output.split(separator: "\n").filter { $0.hasPrefix("ERROR") }.joined(separator: "; "))
            }
            XCTAssertEqual(try verifyIntegrity(store), "ok")
        }
        XCTAssertEqual(failures, [])
    }
}

import GRDB
import PostureImport

enum BundleImporterForTest {
    static func load(_ url: URL) throws -> Snapshot { try BundleImporter().load(bundle: url) }
}

/// Same as the stress driver's: the snapshot with its collection time zeroed.
func fingerprintForTest(_ s: Snapshot) throws -> Snapshot {
    var copy = s
    copy.collection.collectedAt = Date(timeIntervalSince1970: 0)
    return copy
}

func verifyIntegrity(_ path: URL) throws -> String {
    var configuration = Configuration()
    configuration.readonly = true
    let queue = try DatabaseQueue(path: path.path, configuration: configuration)
    defer { try? queue.close() }
    return try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }.joined(separator: "; ")
}
