import Foundation
import XCTest

/// The shell-facing commands through the real binary: what an operator or a cron job sees.
final class CLIBasicsTests: XCTestCase {
    var work: URL!

    override func setUpWithError() throws {
        work = try TestPaths.temporaryDirectory("aksposture-cli")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    private var demo: URL { TestPaths.packageRoot.appendingPathComponent("snapshots") }

    private func bundle(_ cluster: String, _ index: Int) throws -> URL {
        let dir = demo.appendingPathComponent(cluster)
        let all = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        return dir.appendingPathComponent(all[index])
    }

    func testImportThenHistoryListsSnapshotsWithScores() throws {
        let store = work.appendingPathComponent("s/store.sqlite").path
        let imp = try runAksposture(["import", try bundle("prod-hardened", 0).path, try bundle("prod-hardened", 1).path, "--store", store])
        XCTAssertEqual(imp.status, 0, imp.stderr)
        let lines = imp.stdout.split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].contains("aks-payments-prod") && lines[0].contains("snapshot #1"), imp.stdout)

        let hist = try runAksposture(["history", "--store", store])
        XCTAssertEqual(hist.status, 0, hist.stderr)
        XCTAssertTrue(hist.stdout.contains("aks-payments-prod"), hist.stdout)
        XCTAssertTrue(hist.stdout.contains("2026-11-27T08:00:00Z") && hist.stdout.contains("2026-11-28T08:00:00Z"), hist.stdout)

        // The store and its directory are private to the user.
        let attrs = try FileManager.default.attributesOfItem(atPath: store)
        XCTAssertEqual((attrs[.posixPermissions] as? Int).map { $0 & 0o777 }, 0o600)
        let dirAttrs = try FileManager.default.attributesOfItem(atPath: work.appendingPathComponent("s").path)
        XCTAssertEqual((dirAttrs[.posixPermissions] as? Int).map { $0 & 0o777 }, 0o700)
    }

    func testBrokenBundleNamesFileAndPathAndKeepsEarlierSnapshots() throws {
        let store = work.appendingPathComponent("store.sqlite").path
        XCTAssertEqual(try runAksposture(["import", try bundle("staging-typical", 0).path, "--store", store]).status, 0)

        // A copy of a real bundle whose cluster.json was cut off mid-document.
        let broken = work.appendingPathComponent("broken")
        try FileManager.default.copyItem(at: try bundle("staging-typical", 1), to: broken)
        let clusterFile = broken.appendingPathComponent("cluster.json")
        let data = try Data(contentsOf: clusterFile)
        try data.prefix(data.count / 2).write(to: clusterFile)

        let r = try runAksposture(["import", broken.path, "--store", store])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("cluster.json"), r.stderr)
        XCTAssertTrue(r.stderr.contains("$"), "the error names the JSON path: \(r.stderr)")
        XCTAssertFalse(r.stderr.contains("Fatal error"), r.stderr)

        let hist = try runAksposture(["history", "--store", store])
        XCTAssertEqual(hist.stdout.components(separatedBy: "2026-11-").count - 1, 1, "only the good snapshot is stored:\n\(hist.stdout)")
    }

    func testScoreOfABundleTouchesNoStoreAndGatesOnFailUnder() throws {
        let env = ["XDG_DATA_HOME": work.appendingPathComponent("data").path]
        let ok = try runAksposture(["score", try bundle("prod-hardened", 0).path, "--format", "json"], environment: env)
        XCTAssertEqual(ok.status, 0, ok.stderr)
        let json = try JSONSerialization.jsonObject(with: Data(ok.stdout.utf8)) as? [String: Any]
        let overall = json?["overall"] as? [String: Any]
        XCTAssertNotNil(overall?["score"] as? Double)
        XCTAssertEqual((json?["checks"] as? [Any])?.count, 62)
        XCTAssertFalse(FileManager.default.fileExists(atPath: work.appendingPathComponent("data").path), "score BUNDLE must not create a store")

        let gated = try runAksposture(["score", try bundle("dev-neglected", 0).path, "--fail-under", "60"], environment: env)
        XCTAssertEqual(gated.status, 2, gated.stdout + gated.stderr)
        XCTAssertTrue(gated.stderr.contains("below 60"), gated.stderr)
    }

    func testMissingStoreIsAClearErrorNotACrash() throws {
        let r = try runAksposture(["history", "--store", work.appendingPathComponent("nope/store.sqlite").path])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertFalse(r.stderr.contains("Fatal error") || r.stderr.contains("Stack dump"), r.stderr)
        XCTAssertFalse(r.stderr.isEmpty)
    }
}

final class ChecksCommandTests: XCTestCase {
    func testCatalogListsAllSixtyTwoChecksAndOneInFull() throws {
        let all = try runAksposture(["checks"])
        XCTAssertEqual(all.status, 0, all.stderr)
        let ids = all.stdout.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        XCTAssertEqual(ids.count, 62)
        XCTAssertEqual(Set(ids).count, 62)
        XCTAssertEqual(ids.filter { $0.hasPrefix("NET-") }.count, 14)

        let one = try runAksposture(["checks", "NET-01"])
        XCTAssertTrue(one.stdout.contains("API-server exposure") && one.stdout.contains("--api-server-authorized-ip-ranges"), one.stdout)
        XCTAssertNotEqual(try runAksposture(["checks", "NOPE-99"]).status, 0)
    }
}
