import Foundation
@testable import PostureOutput
import XCTest

final class LogSinkTests: XCTestCase {
    private var root: URL!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-log-\(UUID().uuidString)")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: root) }

    private func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber)?.intValue ?? -1
    }

    func testDefaultLocationFollowsXDGState() {
        XCTAssertEqual(LogSink.defaultURL(environment: ["HOME": "/home/op", "XDG_STATE_HOME": "/var/state"]).path, "/var/state/aksposture/aksposture.log")
        XCTAssertEqual(LogSink.defaultURL(environment: ["HOME": "/home/op"]).path, "/home/op/.local/state/aksposture/aksposture.log")
    }

    func testAppendsTimestampedFilteredSanitizedLines() throws {
        let url = LogSink.defaultURL(environment: ["HOME": root.path])
        let fixed = Date(timeIntervalSince1970: 1_795_914_000.25)
        let sink = LogSink(url: url, level: .info, clock: { fixed })
        sink.error("import failed: cluster.json at $.properties")
        sink.debug("not written at level info")
        sink.info("cluster \u{1B}]0;pwned\u{07} name\nsecond line")
        sink.warning("stale snapshot")
        XCTAssertNil(sink.lastFailure)

        let text = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(text, """
        2026-11-29T01:00:00.250Z ERROR   import failed: cluster.json at $.properties
        2026-11-29T01:00:00.250Z INFO    cluster ␛]0;pwned␇ name␊second line
        2026-11-29T01:00:00.250Z WARNING stale snapshot

        """)
        XCTAssertEqual(try mode(url.path) & 0o777, 0o600)
        XCTAssertEqual(try mode(url.deletingLastPathComponent().path) & 0o777, 0o700)

        // A second sink appends; it never truncates.
        LogSink(url: url, level: .error, clock: { fixed }).error("again")
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count, 4)
    }

    func testLevelFilter() throws {
        let url = root.appendingPathComponent("l.log")
        let sink = LogSink(url: url, level: .error)
        sink.warning("dropped"); sink.info("dropped"); sink.debug("dropped")
        XCTAssertFalse(FileManager.default.fileExists(atPath: url.path), "nothing written, nothing created")
        let debug = LogSink(url: url, level: .debug)
        for l in LogLevel.allCases { debug.log(l, "m") }
        XCTAssertEqual(try String(contentsOf: url, encoding: .utf8).split(separator: "\n").count, 4)
        XCTAssertTrue(LogLevel.error < LogLevel.debug)
    }

    func testLooseExistingFileIsTightenedAndFailuresStaySilent() throws {
        let url = root.appendingPathComponent("loose.log")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: url.path, contents: Data("old\n".utf8), attributes: [.posixPermissions: 0o644])
        LogSink(url: url, level: .info).info("new")
        XCTAssertEqual(try mode(url.path) & 0o777, 0o600)
        XCTAssertTrue(try String(contentsOf: url, encoding: .utf8).hasPrefix("old\n"))

        // The parent is a file: the sink records why and does not throw or print.
        let blocked = LogSink(url: url.appendingPathComponent("child.log"), level: .info)
        blocked.error("cannot be written")
        XCTAssertNotNil(blocked.lastFailure)
    }
}
