#if canImport(Glibc)
import Glibc
#endif
import Foundation
import FuzzSupport
import XCTest

/// The real `aksposture` console, under a pseudo-terminal, on a store holding a cluster whose
/// names, RBAC subjects, annotations, images and labels carry terminal attacks (OSC title and
/// clipboard writes, clear-screen, C1 CSI, bidi overrides, BEL). Every byte the console writes is
/// captured and audited: only the sequences curses emits for drawing may appear, never one from
/// the cluster's text.
final class RealConsoleHostileBytesTests: XCTestCase {
    var work: URL!

    override func setUpWithError() throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-hostile-pty-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    func testEveryPaneOfAHostileClusterWritesOnlyCursesOwnSequences() throws {
        let aksposture = try ProbeLocator.executablePath("aksposture")
        let demo = ProbeLocator.packageRoot.appendingPathComponent("snapshots/dev-neglected/2026-11-29T0830Z")
        let bundle = work.appendingPathComponent("bundle")
        _ = try HostileBundle.write(from: demo, to: bundle)
        let store = work.appendingPathComponent("store/store.sqlite").path
        XCTAssertEqual(try ProbeLocator.importBundle(bundle, store: store), 0, "importing the hostile bundle failed")

        var environment = ProbeLocator.environment
        environment["HOME"] = work.path
        environment["XDG_STATE_HOME"] = work.appendingPathComponent("state").path
        let p = try PtyProcess(executable: aksposture, arguments: ["dashboard", "--store", store], environment: environment, rows: 40, columns: 120)
        defer { if p.waitForExit(timeout: 0.1) == nil { kill(p.pid, SIGKILL); _ = p.waitForExit() } }
        XCTAssertTrue(p.read(until: { p.output.count > 2000 }), "no first frame; got \(p.output.count) bytes")
        p.readUntilQuiet()
        var drawn: [String: Int] = [:]
        func keys(_ name: String, _ sequence: [String]) {
            let before = p.output.count
            for k in sequence { p.send(k); p.readUntilQuiet(0.25) }
            drawn[name] = p.output.count - before
        }
        keys("identities", [":identities\r", "j", "j", "j", "\r", "j", "\u{1b}"])
        keys("network", [":network\r", "j", "j", "\r", "\u{1b}"])
        keys("secrets", [":secrets\r", "j", "j", "j", "j", "\r", "\u{1b}"])
        keys("filter", [":identities\r", "/", "o", "p", "s", "\r", "\u{1b}"])
        keys("category", ["1", "\r", "j", "\u{1b}", "3", "\r", "\u{1b}"])
        keys("history", [":history\r", "\u{1b}"])
        keys("clusters", [":clusters\r", "\u{1b}"])
        p.send("q")
        p.readToEOF()
        let status = try XCTUnwrap(p.waitForExit(), "the console did not exit after q")
        XCTAssertEqual(ExitKind(waitStatus: status), .exited(0))
        for (pane, bytes) in drawn { XCTAssertGreaterThan(bytes, 0, "nothing was drawn for \(pane)") }

        let audit = EscapeAudit(p.output)
        XCTAssertEqual(audit.violations, [], "bytes a terminal could act on reached the pty")
        XCTAssertEqual(audit.bellCount, 0, "the hostile BEL must not reach the terminal")
        XCTAssertFalse(p.contains("\u{1b}]"), "no OSC (title, clipboard) of any kind")
        XCTAssertFalse(p.contains("\u{202e}"), "no raw right-to-left override")
        // The attack is shown, made visible: ␛ (U+241B) stands for each ESC of a name.
        XCTAssertTrue(p.contains("\u{241b}]"), "the hostile names were drawn (as visible placeholders)")
        let smcup = Array("\u{1b}[?1049h".utf8), rmcup = Array("\u{1b}[?1049l".utf8)
        let enter = try XCTUnwrap(p.output.lastRange(of: smcup), "curses never entered the alternate screen")
        let leave = try XCTUnwrap(p.output.lastRange(of: rmcup), "the terminal was left in the alternate screen")
        XCTAssertGreaterThan(leave.lowerBound, enter.lowerBound)
        print("hostile console under a pty: \(p.output.count) bytes written, \(audit.csiCount) CSI sequences, all from curses")
    }
}
