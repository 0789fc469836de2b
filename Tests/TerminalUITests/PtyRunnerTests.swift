#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import XCTest

/// Drives the real TerminalRunner (inside aksposture-ttyprobe) under a pseudo-terminal,
/// so curses writes to a real tty, and inspects every byte it sends. Needs no terminal
/// of its own: the pty is created here.
final class PtyRunnerTests: XCTestCase {
    private var logURL: URL!

    override func setUp() {
        logURL = FileManager.default.temporaryDirectory
            .appendingPathComponent("ttyprobe-\(UUID().uuidString).log")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: logURL)
    }

    private func launch(_ extra: [String] = [], environment: [String: String] = ProbeLocator.environment,
                        rows: UInt16 = 24, columns: UInt16 = 80) throws -> PtyProcess {
        let probe = try ProbeLocator.probePath()
        let p = try PtyProcess(executable: probe, arguments: ["--take-ctty", "--log", logURL.path] + extra,
                               environment: environment, rows: rows, columns: columns)
        // The status line is drawn last; once it and a pause have passed, frame 1 is complete.
        XCTAssertTrue(p.read(until: { p.contains("END") }), "first frame never arrived; got \(p.output.count) bytes")
        p.readUntilQuiet()
        return p
    }

    /// SGR colour settings as xterm-256color's setaf/setab emit them.
    private func colorSequenceCount(_ bytes: [UInt8]) -> Int {
        let text = String(decoding: bytes, as: UTF8.self)
        let regex = try! NSRegularExpression(pattern: "\u{1b}\\[(3[0-7]|9[0-7]|38;5;[0-9]+|4[0-7]|10[0-7]|48;5;[0-9]+)m")
        return regex.numberOfMatches(in: text, range: NSRange(text.startIndex..., in: text))
    }

    private var logLines: [String] {
        ((try? String(contentsOf: logURL, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// Waits until the probe has logged `line` (the key reached the program).
    private func waitForLog(_ line: String, process p: PtyProcess, timeout: TimeInterval = 5) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if logLines.contains(line) { return true }
            p.pump(milliseconds: 20)
        }
        return logLines.contains(line)
    }

    private func assertRestored(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) {
        let smcup = Array("\u{1b}[?1049h".utf8), rmcup = Array("\u{1b}[?1049l".utf8)
        let cursorVisible = Array("\u{1b}[?25h".utf8)
        guard let enter = bytes.lastRange(of: smcup) else {
            return XCTFail("curses never entered the alternate screen", file: file, line: line)
        }
        guard let leave = bytes.lastRange(of: rmcup) else {
            return XCTFail("terminal left in the alternate screen (no rmcup)", file: file, line: line)
        }
        XCTAssertGreaterThan(leave.lowerBound, enter.lowerBound, "rmcup must follow the last smcup", file: file, line: line)
        // The stream ends in the restore: after rmcup come only control sequences
        // (cursor visible, keypad off), never more frame text.
        let tail = Array(bytes[leave.upperBound...])
        let printable = String(decoding: tail, as: UTF8.self)
            .replacingOccurrences(of: "\u{1b}\\[[0-9;?]*[A-Za-z]|\u{1b}[()][0-9A-Za-z]|\u{1b}[=>78]", with: "", options: .regularExpression)
            .filter { !$0.isWhitespace }
        XCTAssertEqual(printable, "", "text written after the terminal was restored", file: file, line: line)
        let cursor = bytes.lastRange(of: cursorVisible)
        XCTAssertNotNil(cursor, "cursor never made visible again", file: file, line: line)
        if let cursor { XCTAssertGreaterThan(cursor.lowerBound, enter.lowerBound, file: file, line: line) }
    }

    func testHostileTextFramesDiffingKeysAndQuit() throws {
        let p = try launch()
        let firstFrame = p.output.count

        p.send("x")
        XCTAssertTrue(waitForLog("key char(\"x\")", process: p))
        XCTAssertTrue(p.read(until: { p.output.count > firstFrame }), "the changed line was never sent")
        p.readUntilQuiet()
        let oneLineChange = p.output.count - firstFrame
        print("ttyprobe 80x24: first frame \(firstFrame) bytes, one-line change \(oneLineChange) bytes")
        XCTAssertGreaterThan(oneLineChange, 0, "the changed line was never sent")
        XCTAssertLessThan(oneLineChange * 20, firstFrame,
                          "a one-line change (\(oneLineChange) bytes) must cost under 5% of a full frame (\(firstFrame) bytes)")

        // Sequences from terminfo and from the extra define_key table, plus plain bytes.
        let keys: [(String, String)] = [
            ("\u{1b}OA", "key up"),                  // xterm application mode (terminfo)
            ("\u{1b}[B", "key down"),                // normal cursor mode (define_key)
            ("\u{1b}[1~", "key home"),               // screen/tmux
            ("\u{1b}[4~", "key end"),
            ("\u{1b}[Z", "key backTab"),
            ("\u{1b}[6~", "key pageDown"),
            ("\u{1b}[3~", "key delete"),
            ("\u{1b}OP", "key function(1)"),
            ("\u{1b}[15~", "key function(5)"),
            ("\u{7f}", "key backspace"),
            ("\r", "key enter"),
            ("\t", "key tab"),
            ("\u{05}", "key ctrl(\"e\")"),
            ("中", "key char(\"中\")"),
            ("\u{1b}", "key escape"),                // alone: decided after ESCDELAY
        ]
        for (bytes, expected) in keys {
            p.send(bytes)
            XCTAssertTrue(waitForLog(expected, process: p), "sent \(bytes.unicodeScalars.map { String($0.value, radix: 16) }) expected \(expected); log: \(logLines.suffix(3))")
        }

        let beforeRedraw = p.output.count
        p.send("\u{0c}")   // Ctrl-L → .forceRedraw → full repaint
        XCTAssertTrue(waitForLog("key ctrl(\"l\")", process: p))
        p.readUntilQuiet()
        let redraw = Array(p.output[beforeRedraw...])
        XCTAssertNotNil(redraw.firstRange(of: Array("\u{1b}[H\u{1b}[2J".utf8)), "Ctrl-L must clear the terminal")
        XCTAssertGreaterThan(redraw.count * 2, firstFrame, "Ctrl-L must repaint everything")

        p.send("q")
        p.readToEOF()
        let status = try XCTUnwrap(p.waitForExit(), "probe did not exit after q")
        XCTAssertEqual(ExitKind(waitStatus: status), .exited(0))
        XCTAssertEqual(logLines.last, "exit quit")

        let audit = EscapeAudit(p.output)
        XCTAssertEqual(audit.violations, [], "bytes a terminal could act on reached the pty")
        XCTAssertEqual(audit.bellCount, 0, "the hostile BEL must not reach the terminal")
        XCTAssertFalse(p.contains("\u{1b}]"), "no OSC of any kind")
        XCTAssertFalse(p.contains("\u{1b}[2J\u{202e}"), "the hostile clear sequence must not pass")
        XCTAssertFalse(p.contains("\u{202e}"), "no raw RLO")
        XCTAssertFalse(p.contains("\u{9b}"), "no raw C1 CSI")
        // The sanitizer makes the attack visible instead: ␛ (U+241B) followed by inert text.
        XCTAssertTrue(p.contains("ops\u{241b}]0;x\u{2407}\u{241b}[2J\u{fffd}evil"))
        XCTAssertTrue(p.contains("中文"), "CJK written as UTF-8")
        assertRestored(p.output)
    }

    func testBellEffectRingsOnce() throws {
        let p = try launch()
        p.send("b")
        XCTAssertTrue(waitForLog("key char(\"b\")", process: p))
        p.readUntilQuiet()
        p.send("q")
        p.readToEOF()
        XCTAssertEqual(ExitKind(waitStatus: try XCTUnwrap(p.waitForExit())), .exited(0))
        XCTAssertEqual(EscapeAudit(p.output).bellCount, 1)
    }

    func testResizeRepaintsAtNewSize() throws {
        let p = try launch()
        p.resize(rows: 30, columns: 100)   // SIGWINCH to the probe → KEY_RESIZE
        XCTAssertTrue(waitForLog("key resize", process: p), "log: \(logLines)")
        XCTAssertTrue(waitForLog("render 100x30", process: p), "log: \(logLines)")
        p.send("q")
        p.readToEOF()
        XCTAssertEqual(ExitKind(waitStatus: try XCTUnwrap(p.waitForExit())), .exited(0))
        assertRestored(p.output)
    }

    func testAsciiModeWritesOnlyAscii() throws {
        let p = try launch(["--ascii", "--mono"])
        p.send("q")
        p.readToEOF()
        XCTAssertEqual(ExitKind(waitStatus: try XCTUnwrap(p.waitForExit())), .exited(0))
        XCTAssertTrue(p.output.allSatisfy { $0 < 0x80 }, "a non-ASCII byte reached the terminal in ASCII mode")
        XCTAssertTrue(p.contains("+----+ ???? CJK .### v"), "box drawing, CJK, blocks and check mark fall back to ASCII")
        XCTAssertEqual(colorSequenceCount(p.output), 0, "monochrome must not set any colour")
        XCTAssertEqual(EscapeAudit(p.output).violations, [])
    }

    func testNonUTF8LocaleFallsBackToAscii() throws {
        var environment = ProbeLocator.environment
        environment["LANG"] = "C"
        environment["LC_ALL"] = "C"
        let p = try launch(environment: environment)
        p.send("q")
        p.readToEOF()
        XCTAssertEqual(ExitKind(waitStatus: try XCTUnwrap(p.waitForExit())), .exited(0))
        XCTAssertTrue(p.output.allSatisfy { $0 < 0x80 }, "a non-ASCII byte reached a terminal whose locale is not UTF-8")
        XCTAssertTrue(p.contains("+----+ ???? CJK .### v"))
        XCTAssertGreaterThan(colorSequenceCount(p.output), 0, "colour stays on; only the glyphs change")
    }

    func testRawModeHandsCtrlCToTheProgram() throws {
        let p = try launch(["--raw"])
        p.send("\u{03}")
        XCTAssertTrue(waitForLog("key ctrl(\"c\")", process: p), "raw mode must deliver Ctrl-C as a key")
        p.send("q")
        p.readToEOF()
        XCTAssertEqual(ExitKind(waitStatus: try XCTUnwrap(p.waitForExit())), .exited(0))
    }

    // MARK: - Restore on signals

    private func assertSignalRestores(_ signo: Int32, send: (PtyProcess) -> Void) throws {
        let p = try launch()
        let beforeSignal = p.output.count
        send(p)
        p.readToEOF()
        let status = try XCTUnwrap(p.waitForExit(timeout: 5), "probe hung after signal \(signo)")
        XCTAssertEqual(ExitKind(waitStatus: status), .exited(128 + signo))
        XCTAssertEqual(logLines.last, "exit signal \(signo)")
        assertRestored(p.output)
        XCTAssertNotNil(Array(p.output[beforeSignal...]).firstRange(of: Array("\u{1b}[?1049l".utf8)),
                        "the restore sequence must be written after the signal")
        XCTAssertEqual(EscapeAudit(p.output).violations, [])
    }

    func testSIGTERMRestoresTerminal() throws {
        try assertSignalRestores(SIGTERM) { kill($0.pid, SIGTERM) }
    }

    func testSIGHUPRestoresTerminal() throws {
        try assertSignalRestores(SIGHUP) { kill($0.pid, SIGHUP) }
    }

    func testSIGQUITRestoresTerminal() throws {
        try assertSignalRestores(SIGQUIT) { kill($0.pid, SIGQUIT) }
    }

    func testCtrlCRaisesSIGINTAndRestoresTerminal() throws {
        // In cbreak mode the tty line discipline turns the byte into SIGINT.
        try assertSignalRestores(SIGINT) { $0.send("\u{03}") }
    }

    /// SIGPIPE is ignored while the terminal is in use (a write to a closed pipe becomes an
    /// error instead of death in raw mode): the console goes on, takes keys, and quits cleanly.
    func testSIGPIPEIsIgnoredAndTheConsoleGoesOn() throws {
        let p = try launch()
        kill(p.pid, SIGPIPE)
        p.pump(milliseconds: 200)
        p.send("x")
        XCTAssertTrue(waitForLog("key char(\"x\")", process: p), "the console stopped taking keys after SIGPIPE; log: \(logLines.suffix(3))")
        p.send("q")
        p.readToEOF()
        let status = try XCTUnwrap(p.waitForExit(timeout: 5), "probe did not exit after q")
        XCTAssertEqual(ExitKind(waitStatus: status), .exited(0))
        XCTAssertEqual(logLines.last, "exit quit")
        assertRestored(p.output)
        XCTAssertEqual(EscapeAudit(p.output).violations, [])
    }

    func testDroppedConnectionEndsTheProcess() throws {
        let p = try launch()
        p.closeMaster()   // like sshd on a dropped connection: hangup → SIGHUP
        let status = try XCTUnwrap(p.waitForExit(timeout: 5), "probe hung after the pty was hung up")
        XCTAssertEqual(ExitKind(waitStatus: status), .exited(128 + SIGHUP))
        XCTAssertEqual(logLines.last, "exit signal \(SIGHUP)")
    }
}
