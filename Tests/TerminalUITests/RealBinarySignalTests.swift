#if canImport(Glibc)
import Glibc
#endif
import Foundation
import XCTest

/// The real `aksposture dashboard` and `aksposture kiosk` under a pseudo-terminal, signalled the
/// way a dropped SSH session, systemd or an operator would: SIGTERM, SIGHUP and SIGINT end them
/// with status 128+N and the terminal restored (alternate screen left, cursor shown, nothing
/// drawn after); SIGPIPE is ignored and they go on. Nothing is left in TMPDIR. (PtyRunnerTests
/// cover the same for the terminal layer alone, through a probe program.)
final class RealBinarySignalTests: XCTestCase {
    var work: URL!
    var store: String!

    override func setUpWithError() throws {
        work = FileManager.default.temporaryDirectory.appendingPathComponent("aksposture-signals-pty-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: work.appendingPathComponent("tmp"), withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        store = work.appendingPathComponent("store/store.sqlite").path
        let demo = ProbeLocator.packageRoot.appendingPathComponent("snapshots/prod-hardened/2026-11-29T0800Z")
        XCTAssertEqual(try ProbeLocator.importBundle(demo, store: store), 0, "importing the demo bundle failed")
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    private func launch(_ mode: String) throws -> PtyProcess {
        var environment = ProbeLocator.environment
        environment["HOME"] = work.path
        environment["TMPDIR"] = work.appendingPathComponent("tmp").path
        environment["XDG_STATE_HOME"] = work.appendingPathComponent("state").path
        environment["XDG_CACHE_HOME"] = work.appendingPathComponent("cache").path
        let p = try PtyProcess(executable: try ProbeLocator.executablePath("aksposture"), arguments: [mode, "--store", store],
                               environment: environment, rows: 30, columns: 100)
        XCTAssertTrue(p.read(until: { p.output.count > 1500 }), "\(mode): no first frame; got \(p.output.count) bytes")
        p.readUntilQuiet()
        return p
    }

    private func assertRestoredAfter(_ offset: Int, _ p: PtyProcess, _ label: String) {
        let rmcup = Array("\u{1b}[?1049l".utf8)
        guard let leave = p.output.lastRange(of: rmcup), leave.lowerBound >= offset else {
            return XCTFail("\(label): the alternate screen was not left after the signal")
        }
        XCTAssertNotNil(p.output[offset...].firstRange(of: Array("\u{1b}[?25h".utf8)), "\(label): cursor not shown again")
        let tail = String(decoding: p.output[leave.upperBound...], as: UTF8.self)
            .replacingOccurrences(of: "\u{1b}\\[[0-9;?]*[A-Za-z]|\u{1b}[()][0-9A-Za-z]|\u{1b}[=>78]", with: "", options: .regularExpression)
            .filter { !$0.isWhitespace }
        XCTAssertEqual(tail, "", "\(label): text drawn after the terminal was restored")
        XCTAssertEqual(EscapeAudit(p.output).violations, [], label)
    }

    private func leftovers() -> [String] {
        (try? FileManager.default.contentsOfDirectory(atPath: work.appendingPathComponent("tmp").path)) ?? []
    }

    func testTerminatingSignalsRestoreTheTerminalAndLeaveNothingBehind() throws {
        for mode in ["dashboard", "kiosk"] {
            for (signo, name) in [(SIGTERM, "SIGTERM"), (SIGHUP, "SIGHUP"), (SIGINT, "SIGINT")] {
                let label = "\(mode) / \(name)"
                let p = try launch(mode)
                let before = p.output.count
                kill(p.pid, signo)
                p.readToEOF()
                guard let status = p.waitForExit(timeout: 5) else {
                    kill(p.pid, SIGKILL); _ = p.waitForExit()
                    XCTFail("\(label): still running 5 s after the signal"); continue
                }
                XCTAssertEqual(ExitKind(waitStatus: status), .exited(128 + signo), label)
                assertRestoredAfter(before, p, label)
                XCTAssertEqual(leftovers(), [], "\(label): left in TMPDIR")
            }
        }
    }

    func testSIGPIPEIsIgnored() throws {
        for mode in ["dashboard", "kiosk"] {
            let p = try launch(mode)
            kill(p.pid, SIGPIPE)
            XCTAssertNil(p.waitForExit(timeout: 1), "\(mode) ended on SIGPIPE")
            let before = p.output.count
            kill(p.pid, SIGTERM)
            p.readToEOF()
            let status = try XCTUnwrap(p.waitForExit(timeout: 5), "\(mode) did not stop after SIGTERM")
            XCTAssertEqual(ExitKind(waitStatus: status), .exited(128 + SIGTERM), mode)
            assertRestoredAfter(before, p, "\(mode) / SIGPIPE then SIGTERM")
            XCTAssertEqual(leftovers(), [], "\(mode): left in TMPDIR")
        }
    }
}
