import Foundation
import XCTest

/// `aksposture export` through the real binary: goldens of every view at 80 and 132 columns,
/// `x`/`X` in a tmux-driven console against the headless export, files, errors.
final class ExportCLITests: XCTestCase {
    static let now = "2026-11-29T10:00:00Z"
    static let views = ["overview", "auth", "ident", "net", "sec", "hard", "identities", "network", "secrets", "history", "check:AUTH-01"]

    /// One demo cache for the whole class (the demo bundles are imported once), no default store.
    static let home: URL = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-export-cli-\(getpid())")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }()

    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = ["XDG_CACHE_HOME": home.appendingPathComponent("cache").path, "XDG_DATA_HOME": home.appendingPathComponent("data").path,
                   "XDG_STATE_HOME": home.appendingPathComponent("state").path, "HOME": home.path,
                   "AKSPOSTURE_DEMO_DIR": TestPaths.packageRoot.appendingPathComponent("snapshots").path,
                   "AKSPOSTURE_NOW": now, "AKSPOSTURE_STORE": "", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        for (k, v) in extra { env[k] = v }
        return env
    }

    func export(_ args: [String], file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let r = try runAksposture(["export"] + args, environment: Self.environment())
        XCTAssertEqual(r.status, 0, "export \(args.joined(separator: " ")) failed: \(r.stderr)", file: file, line: line)
        return r.stdout
    }

    func testEveryViewAtWidths80And132MatchesItsGolden() throws {
        for view in Self.views {
            for width in [80, 132] {
                let text = try export(["--view", view, "--cluster", "aks-sandbox-dev", "--width", String(width)])
                XCTAssertFalse(text.contains("\u{1b}"))
                XCTAssertFalse(text.split(separator: "\n").contains { $0.hasSuffix(" ") }, "trailing spaces in \(view)")
                XCTAssertTrue(text.split(separator: "\n").allSatisfy { $0.count <= width }, "\(view) wider than \(width)")
                assertExportGolden(text, "export-\(view.replacingOccurrences(of: ":", with: "-"))-\(width).txt")
            }
        }
        assertExportGolden(try export(["--view", "overview", "--cluster", "aks-sandbox-dev", "--format", "markdown"]), "export-overview.md")
        assertExportGolden(try export(["--view", "network", "--cluster", "aks-sandbox-dev", "--format", "json"]), "export-network.json")
        assertExportGolden(try export(["--view", "identities", "--cluster", "aks-sandbox-dev", "--width", "80", "--ascii", "--redact", "--all-rows"]),
                           "export-identities-80-ascii-redacted-all.txt")
    }

    /// `x` in the console writes the very bytes `aksposture export` prints for the same view,
    /// width and height; a second `x` never overwrites; `X` equals `--all-rows`.
    func testXInTheConsoleWritesWhatExportPrints() throws {
        let exports = try TestPaths.temporaryDirectory("aksposture-x")
        defer { try? FileManager.default.removeItem(at: exports) }
        let session = try TmuxSession(command: [TestPaths.binary.path, "dashboard", "--pane", "network", "--cluster", "aks-sandbox-dev", "--export-dir", exports.path],
                                      width: 100, height: 40, environment: Self.environment())
        try session.waitFor { $0.contains("Exposure, worst first") }
        try session.send("x")
        let status = try session.waitFor { $0.contains("exported ") }
        XCTAssertTrue(status.contains(exports.path), status)
        let expectedName = "aks-sandbox-dev-network-20261129T100000Z"
        let first = exports.appendingPathComponent(expectedName + ".txt")
        let written = try String(contentsOf: first, encoding: .utf8)
        XCTAssertEqual(written, try export(["--view", "network", "--cluster", "aks-sandbox-dev", "--width", "100", "--height", "40"]))
        let mode = try FileManager.default.attributesOfItem(atPath: first.path)[.posixPermissions] as? Int
        XCTAssertEqual(mode, 0o600)

        try session.send("x")
        try session.waitFor { _ in FileManager.default.fileExists(atPath: exports.appendingPathComponent(expectedName + "-2.txt").path) }
        XCTAssertEqual(try String(contentsOf: first, encoding: .utf8), written, "the first export was overwritten")

        try session.send("X")
        let all = exports.appendingPathComponent("aks-sandbox-dev-network-all-20261129T100000Z.txt")
        try session.waitFor { _ in FileManager.default.fileExists(atPath: all.path) }
        usleep(200_000)
        XCTAssertEqual(try String(contentsOf: all, encoding: .utf8),
                       try export(["--view", "network", "--cluster", "aks-sandbox-dev", "--width", "100", "--all-rows"]))
        session.kill()
    }

    func testOutputFileSnapshotAndErrors() throws {
        let dir = try TestPaths.temporaryDirectory("aksposture-export-out")
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("overview.txt")
        _ = try export(["--view", "overview", "--output", out.path])
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: out.path)[.posixPermissions] as? Int, 0o600)
        XCTAssertTrue(try String(contentsOf: out, encoding: .utf8).contains("Overall"))

        // an older snapshot by id: history ends there
        let history = try export(["--view", "history", "--cluster", "aks-sandbox-dev", "--all-rows"])
        let rows = history.split(separator: "\n").filter { $0.hasPrefix("2026-") }
        XCTAssertEqual(rows.count, 3)
        let json = try export(["--view", "history", "--cluster", "aks-sandbox-dev", "--format", "json"])
        let snapID = try XCTUnwrap(((try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["snapshot"] as? [String: Any])?["id"] as? Int)
        let older = try export(["--view", "history", "--snapshot", String(snapID - 1), "--all-rows"])
        XCTAssertEqual(older.split(separator: "\n").filter { $0.hasPrefix("2026-") }.count, 2)
        XCTAssertTrue(older.contains("aks-sandbox-dev"))

        let bad = try runAksposture(["export", "--view", "nope"], environment: Self.environment())
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("unknown view 'nope'"), bad.stderr)
        let noCluster = try runAksposture(["export", "--view", "overview", "--cluster", "nope\u{1b}[2J"], environment: Self.environment())
        XCTAssertEqual(noCluster.status, 1)
        XCTAssertTrue(noCluster.stderr.contains("no cluster named 'nope␛[2J'"), noCluster.stderr)
        let noSnap = try runAksposture(["export", "--view", "overview", "--snapshot", "999999"], environment: Self.environment())
        XCTAssertEqual(noSnap.status, 1)
        XCTAssertTrue(noSnap.stderr.contains("no snapshot 999999"), noSnap.stderr)
    }

    /// Goldens under `__Snapshots__/` next to this file; a missing one (or RECORD_SNAPSHOTS=1)
    /// is recorded and the test fails, so a recording run cannot pass silently.
    func assertExportGolden(_ actual: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let dir = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent().appendingPathComponent("__Snapshots__")
        let url = dir.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" || !FileManager.default.fileExists(atPath: url.path) {
            try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            XCTAssertNoThrow(try actual.write(to: url, atomically: true, encoding: .utf8), file: file, line: line)
            XCTFail("recorded golden \(name); run the tests again to compare against it", file: file, line: line)
            return
        }
        let expected = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        if expected != actual {
            let e = expected.components(separatedBy: "\n"), a = actual.components(separatedBy: "\n")
            let i = (0..<min(e.count, a.count)).first { e[$0] != a[$0] } ?? min(e.count, a.count)
            XCTFail("\(name) differs at line \(i + 1) (RECORD_SNAPSHOTS=1 re-records)\nexpected: \(i < e.count ? e[i] : "<end>")\n  actual: \(i < a.count ? a[i] : "<end>")",
                    file: file, line: line)
        }
    }
}
